import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { isAdminPayload } from "../../core/admin/service.ts";
import type { AdminService } from "../../core/admin/types.ts";
import { LANGUAGE_NAMES } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale } from "../../core/locale.ts";
import type { SurveyService } from "../../core/service.ts";
import { toLatinDigits } from "../../core/text/digits.ts";
import type { InboundInput, OutboundMessage, RespondentRef } from "../../core/types.ts";
import type { PlatformAdapter, PlatformCapabilities } from "../contract.ts";
import { createResponder } from "../kit/responder.ts";
import { createLogger, type Logger } from "../logger.ts";

const silentLogger = createLogger("silent");

export interface ConsoleAdapterConfig {
  readonly service: SurveyService;
  readonly input: Readable;
  readonly output: Writable;
  /** Flows the user can pick from. */
  readonly flowKeys: readonly string[];
  /** Titles shown beside the keys in the picker. */
  readonly flowTitles?: Readonly<Record<string, string>>;
  /** Skip the flow picker. */
  readonly flow?: string;
  /** Skip the language picker. */
  readonly locale?: Locale;
  readonly reference?: string;
  readonly userId: string;
  /** A terminal (prompts shown) rather than piped input. */
  readonly interactive: boolean;
  /** Where failures are logged (silent when absent). */
  readonly logger?: Logger;
  /** Called when the input ends (Ctrl-D, end of the pipe). */
  readonly onEnd?: () => void;
}

/** A terminal: no buttons to press (choices are numbered and typed), no edits, nothing redelivered. */
export const CONSOLE_CAPABILITIES: PlatformCapabilities = {
  buttons: false,
  buttonsPerRow: 11,
  maxButtons: 99,
  labelLimit: 200,
  textLimit: Number.MAX_SAFE_INTEGER,
  payloadBytes: 64,
  edits: false,
  modals: false,
  threads: false,
  deepLinks: false,
  redelivery: false,
};

export interface ConsoleAdapter extends PlatformAdapter {
  /** Resolves when the input has ended and every line has been answered. */
  readonly finished: Promise<void>;
}

/**
 * The terminal channel: a survey in the console, for trying cxbot out and for end-to-end tests with piped
 * input. Buttons are shown numbered (a scale by its values); typing the number presses the button.
 */
export function createConsoleAdapter(config: ConsoleAdapterConfig): ConsoleAdapter {
  const { service, output } = config;
  const session = randomUUID().slice(0, 8);
  let counter = 0;
  let lastButtons: readonly { payload: string; label: string }[] = [];
  let stopping = false;
  let reader: ReturnType<typeof createInterface> | undefined;
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    resolveFinished = r;
  });
  const respondent: RespondentRef = { channel: "console", userId: config.userId, displayName: config.userId };

  const write = (text: string): void => {
    output.write(`${text}\n`);
  };

  const render = (m: OutboundMessage): void => {
    write(m.text);
    const buttons = m.choices ?? [];
    lastButtons = [];
    if (buttons.length === 0) return;
    const answers = buttons.filter((b) => b.role === "answer");
    const extras = buttons.filter((b) => b.role !== "answer");
    if (m.layout === "scale") {
      write(answers.map((b) => `[${b.label}]`).join(" "));
    } else {
      const numbered = m.expectsText && answers.length === 0 ? [] : buttons;
      lastButtons = numbered;
      numbered.forEach((b, i) => {
        write(`  ${i + 1}) ${b.label}`);
      });
      if (numbered.length > 0) return;
    }
    for (const b of extras) {
      if (b.role === "skip") write(`  (/skip — ${b.label})`);
    }
  };

  /** A survey was sent here without being picked (an admin's `/cx try`). */
  let delivered = false;
  /** `/cx` admin commands work here too, for admins listed as `console:<user>` (attached by the app). */
  let adminService: AdminService | undefined;
  const responder = createResponder<never>({
    service,
    surface: {
      post: async (_chat, m) => {
        render(m);
        return undefined;
      },
    },
    logger: config.logger ?? silentLogger,
    defaultLocale: config.locale ?? "en",
    refKey: String,
    admin: () => adminService,
  });

  const send = async (input: InboundInput): Promise<void> => {
    await responder.respond(
      { eventId: `${session}:${++counter}`, respondent, input, receivedAt: new Date() },
      "console",
    );
  };

  /** The shown (non-scale) button a typed number presses, if any. */
  const buttonFor = (line: string): { payload: string } | undefined => {
    const digits = toLatinDigits(line.trim());
    return /^\d{1,2}$/.test(digits) ? lastButtons[Number(digits) - 1] : undefined;
  };

  /** A typed line: a number that presses a shown (non-scale) button, else text. */
  const onLine = async (line: string): Promise<void> => {
    const button = buttonFor(line);
    if (button) await send({ type: "choice", payload: button.payload });
    else await send({ type: "text", text: line });
  };

  /** An admin command, or a number pressing an admin reply's button: taken whatever the survey picker shows. */
  const isAdminLine = (line: string): boolean =>
    /^\/cx(\s|$)/i.test(line.trim()) || isAdminPayload(buttonFor(line)?.payload ?? "");

  const pick = <T extends string>(
    title: string,
    options: readonly T[],
    labels: (o: T) => string,
    line: string,
  ): T | undefined => {
    const digits = toLatinDigits(line.trim());
    const byIndex = options[Number(digits) - 1];
    if (/^\d+$/.test(digits) && byIndex !== undefined) return byIndex;
    const byName = options.find(
      (o) => o === line.trim().toLowerCase() || labels(o).toLowerCase() === line.trim().toLowerCase(),
    );
    if (byName) return byName;
    write(`${title}`);
    return undefined;
  };

  const run = async (): Promise<void> => {
    const rl = createInterface({ input: config.input, terminal: false });
    reader = rl;
    // Take the iterator now: lines (and the end of a pipe) that arrive while the first question is being
    // prepared would otherwise be dropped.
    const lines = rl[Symbol.asyncIterator]();
    const prompt = (): void => {
      if (config.interactive) output.write("> ");
    };
    let flow = config.flow;
    let locale = config.locale;
    const askFlow = (): void => {
      write("Which survey? / کدام نظرسنجی؟ / أي استبيان؟ / Hangi anket?");
      config.flowKeys.forEach((k, i) => {
        const title = config.flowTitles?.[k];
        write(`  ${i + 1}) ${k}${title === undefined ? "" : ` — ${title}`}`);
      });
    };
    const askLocale = (): void => {
      write("Language? / زبان؟ / اللغة؟ / Dil?");
      LOCALES.forEach((l, i) => {
        write(`  ${i + 1}) ${LANGUAGE_NAMES[l]}`);
      });
    };
    const begin = async (): Promise<void> => {
      await send({
        type: "start",
        ...(flow === undefined ? {} : { flowKey: flow }),
        ...(locale === undefined ? {} : { locale }),
        ...(config.reference === undefined ? {} : { reference: config.reference }),
      });
    };
    if (flow === undefined) askFlow();
    else if (locale === undefined) askLocale();
    else await begin();
    prompt();
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line: string = next.value;
      if (stopping) break;
      if (isAdminLine(line) || delivered) {
        // An admin command can be typed at any time, before a survey is picked too; and once a survey was sent
        // here unasked (an admin's `/cx try`), lines answer it instead of the picker.
        await onLine(line);
      } else if (flow === undefined) {
        flow = pick("Please type one of the numbers above.", config.flowKeys, (k) => k, line);
        if (flow !== undefined && locale === undefined) askLocale();
        else if (flow !== undefined) await begin();
      } else if (locale === undefined) {
        locale = pick("Please type one of the numbers above.", LOCALES, (l) => LANGUAGE_NAMES[l], line);
        if (locale !== undefined) await begin();
      } else {
        await onLine(line);
      }
      prompt();
    }
    rl.close();
  };

  let running: Promise<void> | undefined;
  let ready = false;
  return {
    channel: "console",
    capabilities: CONSOLE_CAPABILITIES,
    routes: [],
    get ready() {
      return ready;
    },
    finished,
    start() {
      ready = true;
      running ??= run()
        .catch((error: unknown) => {
          write(`cxbot: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          resolveFinished();
          config.onEnd?.();
        });
      return Promise.resolve();
    },
    async stop() {
      ready = false;
      stopping = true;
      reader?.close();
      await running;
    },
    attachAdmin(service) {
      adminService = service;
    },
    async deliver(_to, messages) {
      delivered = true;
      await responder.deliver("console", messages);
    },
  };
}
