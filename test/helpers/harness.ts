import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import type { Locale } from "../../core/locale.ts";
import { decodePayload } from "../../core/payload.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService, type HandleResult, type SurveyService } from "../../core/service.ts";
import type { Channel, DomainEvent, InboundInput, OutboundMessage } from "../../core/types.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { connectTestDb } from "./db.ts";

/**
 * The real survey service on a throwaway database of the real MongoDB-compatible server, with the shipped
 * flows, a settable clock, and the events it emitted. Rollups flush only when asked.
 */
export async function createHarness(options: { maxConcurrency?: number } = {}) {
  const db = await connectTestDb();
  const stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const flows = new FlowRegistry(stores.flows);
  const loaded = await loadFlowDirectory("flows");
  if (loaded.errors.length > 0) throw new Error(JSON.stringify(loaded.errors));
  for (const f of loaded.flows) await flows.store(f, "test");
  let now = new Date("2026-11-24T09:00:00Z");
  const events: DomainEvent[] = [];
  let ids = 0;
  const service: SurveyService = createSurveyService({
    stores,
    flows,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    maxConcurrency: options.maxConcurrency ?? 8,
    clock: () => now,
    newId: () => `conv-${++ids}`,
    onEvents: (e) => events.push(...e),
  });
  return {
    db,
    stores,
    flows,
    service,
    events,
    setNow(date: Date) {
      now = date;
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    async close() {
      await service.close();
      await db.drop();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/**
 * A fake adapter that talks like a respondent: `send("8")`, `press("Yes")`, and reads the replies like a
 * transcript. It presses buttons by their label, exactly as a person would.
 */
export class FakeRespondent {
  readonly #service: SurveyService;
  readonly #channel: Channel;
  readonly userId: string;
  #seq = 0;
  #languageTag: string | undefined;
  /** Every reply, in order. */
  readonly replies: OutboundMessage[] = [];
  last: HandleResult | undefined;

  constructor(
    service: SurveyService,
    userId: string,
    options: { channel?: Channel; languageTag?: string } = {},
  ) {
    this.#service = service;
    this.userId = userId;
    this.#channel = options.channel ?? "console";
    this.#languageTag = options.languageTag;
  }

  async #handle(input: InboundInput, eventId?: string): Promise<HandleResult> {
    const result = await this.#service.handle({
      eventId: eventId ?? `${this.userId}-${++this.#seq}`,
      respondent: {
        channel: this.#channel,
        userId: this.userId,
        ...(this.#languageTag === undefined ? {} : { languageTag: this.#languageTag }),
      },
      input,
      receivedAt: new Date(),
    });
    this.replies.push(...result.messages);
    this.last = result;
    return result;
  }

  start(flowKey?: string, extra: { reference?: string; locale?: Locale } = {}) {
    return this.#handle({ type: "start", ...(flowKey === undefined ? {} : { flowKey }), ...extra });
  }

  send(text: string, eventId?: string) {
    return this.#handle({ type: "text", text }, eventId);
  }

  /** Presses the button with this label on the most recent message that has it. */
  press(label: string, eventId?: string) {
    return this.#handle({ type: "choice", payload: this.buttonPayload(label) }, eventId);
  }

  pressPayload(payload: string, eventId?: string) {
    return this.#handle({ type: "choice", payload }, eventId);
  }

  buttonPayload(label: string): string {
    for (let i = this.replies.length - 1; i >= 0; i--) {
      const choice = this.replies[i]?.choices?.find((c) => c.label === label);
      if (choice) {
        if (!decodePayload(choice.payload).ok) throw new Error(`undecodable payload ${choice.payload}`);
        return choice.payload;
      }
    }
    throw new Error(
      `no button "${label}" in ${JSON.stringify(this.replies.map((r) => r.choices?.map((c) => c.label)))}`,
    );
  }

  /** The texts of the replies to the last input. */
  get lastTexts(): string[] {
    return this.last?.messages.map((m) => m.text) ?? [];
  }
}
