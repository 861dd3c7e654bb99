import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bots/logger.ts";
import { classifyDeliveryError } from "../../bots/sending/classify.ts";
import { createTelegramAdapter, type TelegramAdapter } from "../../bots/telegram/telegram.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import { createSurveyHub } from "../../core/hub.ts";
import { createOperations } from "../../core/operations.ts";
import type { SendPolicy } from "../../core/sending/fatigue.ts";
import { createRateLimiter } from "../../core/sending/limiter.ts";
import type { QueueStore } from "../../core/sending/queue.ts";
import { createSurveySending, type SurveySendStore } from "../../core/sending/surveys.ts";
import type { SurveySendRequest, SurveySendStatus } from "../../core/sending/types.ts";
import { createSendWorker, type SendWorker } from "../../core/sending/worker.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService, type SurveyService } from "../../core/service.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { openSendQueueStore } from "../../storage/send-queue-store.ts";
import { openSurveySendStore } from "../../storage/survey-send-store.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * Surveys sent through the queue, end to end in one process: the dispatcher (what the HTTP API calls), the
 * worker and its handlers, the real survey service on the test database, and the real Telegram adapter
 * (telegraf) against the fake Bot API. The service, the queue and the handlers share one settable clock.
 */

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let flows: FlowRegistry;
let service: SurveyService;
let fake: FakeTelegram;
let adapter: TelegramAdapter;
let queue: QueueStore;
let sends: SurveySendStore;
let now = new Date("2026-12-01T12:00:00Z");
const clock = () => now;
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const hub = createSurveyHub((error) => {
  throw error;
});

const orderFlow = (csat: FlowDefinition): FlowDefinition => ({
  ...csat,
  key: "order",
  sending: { reminders: ["1h", "5h"], expireHours: 24, recontactDays: 7 },
});

beforeAll(async () => {
  db = await connectTestDb("sending");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  flows = new FlowRegistry(stores.flows);
  const loaded = await loadFlowDirectory("flows");
  for (const f of loaded.flows) await flows.store(f, "test");
  const csat = loaded.flows.find((f) => f.key === "csat") as FlowDefinition;
  await flows.store(orderFlow(csat), "test");
  await flows.store({ ...csat, key: "sampled", sending: { samplePercent: 0 } }, "test");
  service = createSurveyService({
    stores,
    flows,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    clock,
    onEvents: (events) => hub.publish(events),
  });
  fake = await startFakeTelegram({ maxLongPollMs: 200, token: "4444:sending-bot-token-aaaaaaaaaaaaaaaaaa" });
  adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service,
    logger: createLogger("silent"),
    defaultLocale: "en",
  });
  await adapter.start();
  queue = await openSendQueueStore(db.connection, { clock });
  sends = await openSurveySendStore(db.connection);
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
  await service.close();
  await db.drop();
});

// Each test starts from an empty queue (reminders of earlier tests would run on its clock).
beforeEach(async () => {
  for (const job of await queue.due(new Date(8e15), 10_000)) await queue.cancel(job.id);
});

/** One "process" of sending: handlers, rate limits (on the shared clock) and a worker. */
function sending(policy: Partial<SendPolicy> = {}) {
  const limiter = createRateLimiter({
    now: () => now.getTime(),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  limiter.configure("telegram", { perSecond: 1000 });
  const operations = createOperations({ survey: service, messenger: adapter, clock });
  const s = createSurveySending({
    queue,
    store: sends,
    respondents: stores.respondents,
    flows,
    survey: service,
    operations,
    hub,
    policy: { fatigueDays: 30, timeZone: "UTC", ...policy },
    classify: classifyDeliveryError,
    pauseLane: (lane, until) => limiter.pause(lane, until),
    clock,
  });
  const worker: SendWorker = createSendWorker({ store: queue, limiter, clock });
  worker.register("survey", s.surveyHandler);
  worker.register("reminder", s.reminderHandler);
  return { ...s, worker, limiter };
}

const user = (id: number, name = "Customer"): FakeUser => {
  const u: FakeUser = { id, first_name: name, language_code: "en" };
  fake.addPrivateChat(u);
  return u;
};
const request = (u: FakeUser, over: Partial<SurveySendRequest> = {}): SurveySendRequest => ({
  platform: "telegram",
  userId: String(u.id),
  flow: "order",
  ...over,
});
const buttons = (m: ShownMessage | undefined) => m?.reply_markup?.inline_keyboard.flat() ?? [];
const lastText = (m: ShownMessage[]) => m.at(-1)?.text ?? "";

async function statusOf(id: string, want?: SurveySendStatus): Promise<SurveySendStatus | undefined> {
  for (let i = 0; i < 200; i++) {
    const s = (await sends.get(id))?.status;
    if (want === undefined || s === want) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  return (await sends.get(id))?.status;
}

describe("surveys sent through the queue to Telegram", () => {
  it("sends once, and the response carries the reference and properties", async () => {
    const s = sending();
    const ana = user(9001, "Ana");
    const [created] = await s.dispatcher.request(
      [
        request(ana, {
          reference: "order-42",
          properties: { orderId: "42", agent: "sam", touchpoint: "delivery" },
        }),
      ],
      "test",
    );
    if (!created) throw new Error("nothing created");
    expect(created).toMatchObject({ status: "scheduled" });
    expect(created.id).toMatch(/^sv_[0-9A-Z]{26}$/);
    expect(await s.worker.runOnce()).toBe(1);
    const shown = await fake.waitForMessages(9001, (m) => lastText(m).includes("How satisfied"));
    // Running the queue again sends nothing twice.
    expect(await s.worker.runOnce()).toBe(0);
    expect(fake.messages(9001)).toHaveLength(shown.length);
    const sent = await s.dispatcher.get(created.id);
    expect(sent).toMatchObject({ status: "sent", source: "test", remindersSent: 0 });

    const top = buttons(shown.at(-1)).at(-1);
    if (!top?.callback_data) throw new Error("no score buttons");
    fake.userPressesButton(ana, shown.at(-1)?.message_id ?? 0, top.callback_data);
    await fake.waitForMessages(9001, (m) => m.length > shown.length);
    fake.userSendsText(ana, "Great, the courier was quick and friendly");
    expect(await statusOf(created.id, "completed")).toBe("completed");
    const conversationId = (await sends.get(created.id))?.conversationId ?? "";
    const response = await stores.responses.get(conversationId);
    expect(response?.state).toMatchObject({
      status: "completed",
      reference: "order-42",
      properties: { orderId: "42", agent: "sam", touchpoint: "delivery" },
      sendId: created.id,
    });
    s.close();
  });

  it("reminds an unanswered survey on the clock, stops reminding once answered, and an expired partial counts as partial", async () => {
    const s = sending();
    const ben = user(9002, "Ben");
    const [created] = await s.dispatcher.request([request(ben)], "test");
    const id = created?.id ?? "";
    await s.worker.runOnce();
    await fake.waitForMessages(9002, (m) => lastText(m).includes("How satisfied"));
    // Not yet.
    advance(59 * 60_000);
    expect(await s.worker.runOnce()).toBe(0);
    advance(60_000);
    expect(await s.worker.runOnce()).toBe(1);
    const reminded = await fake.waitForMessages(9002, (m) => m.length >= 3);
    expect(reminded.at(-2)?.text).toMatch(/quick reminder/);
    expect(lastText(reminded)).toContain("How satisfied");
    expect((await sends.get(id))?.remindersSent).toBe(1);

    // Answered: the second reminder finds nothing to remind of.
    const top = buttons(reminded.at(-1)).at(-1);
    fake.userPressesButton(ben, reminded.at(-1)?.message_id ?? 0, top?.callback_data ?? "");
    const answered = await fake.waitForMessages(9002, (m) => m.length >= 4);
    advance(4 * 3_600_000);
    expect(await s.worker.runOnce()).toBe(1);
    expect(fake.messages(9002)).toHaveLength(answered.length);
    expect((await sends.get(id))?.remindersSent).toBe(1);

    // Left after one answer: idle past the flow's idle time, it expires as a partial response.
    advance(25 * 3_600_000);
    expect(await service.expireIdle()).toBeGreaterThanOrEqual(1);
    expect(await statusOf(id, "partial")).toBe("partial");
    s.close();
  });

  it("an unanswered survey expires after the flow's expireHours, not before, as expired", async () => {
    const s = sending({ fatigueDays: 0 });
    const cem = user(9003, "Cem");
    const [created] = await s.dispatcher.request([request(cem)], "test");
    await s.worker.runOnce();
    await fake.waitForMessages(9003, (m) => m.length >= 1);
    // The flow's idle time (a day) would end it; expireHours (24 h) does, and reminders run meanwhile.
    advance(23 * 3_600_000);
    await service.expireIdle();
    expect((await sends.get(created?.id ?? ""))?.status).toBe("sent");
    advance(2 * 3_600_000);
    expect(await s.worker.runOnce()).toBeGreaterThanOrEqual(1); // the reminders, now for nothing
    await service.expireIdle();
    expect(await statusOf(created?.id ?? "", "expired")).toBe("expired");
    s.close();
  });

  it("skips by fatigue, recontact, sampling and opt-out, and records why", async () => {
    const s = sending();
    const dee = user(9004, "Dee");
    const [first] = await s.dispatcher.request([request(dee, { flow: "nps" })], "test");
    await s.worker.runOnce();
    await fake.waitForMessages(9004, (m) => m.length >= 1);
    expect((await sends.get(first?.id ?? ""))?.status).toBe("sent");
    const [tooSoon] = await s.dispatcher.request([request(dee, { flow: "csat" })], "test");
    await s.worker.runOnce();
    expect(await s.dispatcher.get(tooSoon?.id ?? "")).toMatchObject({ status: "skipped", reason: "fatigue" });

    const eli = user(9005, "Eli");
    const [sampled] = await s.dispatcher.request([request(eli, { flow: "sampled" })], "test");
    await s.worker.runOnce();
    expect(await s.dispatcher.get(sampled?.id ?? "")).toMatchObject({
      status: "skipped",
      reason: "sampled-out",
    });

    // `/stop` with no survey in progress: never contacted again.
    fake.userSendsText(eli, "/stop");
    await fake.waitForMessages(9005, (m) => lastText(m).includes("won’t send you any more surveys"));
    const [optedOut] = await s.dispatcher.request([request(eli, { flow: "nps" })], "test");
    await s.worker.runOnce();
    expect(await s.dispatcher.get(optedOut?.id ?? "")).toMatchObject({
      status: "skipped",
      reason: "opted-out",
    });
    expect(fake.messages(9005).filter((m) => m.reply_markup)).toHaveLength(0);

    // Per-flow recontact, with the cross-flow rule off.
    const relaxed = sending({ fatigueDays: 0 });
    const fay = user(9006, "Fay");
    const [once] = await relaxed.dispatcher.request([request(fay)], "test");
    await relaxed.worker.runOnce();
    await fake.waitForMessages(9006, (m) => m.length >= 1);
    fake.userSendsText(fay, "/stop"); // ends the survey in progress: not an opt-out
    await fake.waitForMessages(9006, (m) => lastText(m).startsWith("Survey stopped."));
    expect(await statusOf(once?.id ?? "", "expired")).toBe("expired");
    const [again] = await relaxed.dispatcher.request([request(fay)], "test");
    await relaxed.worker.runOnce();
    expect(await relaxed.dispatcher.get(again?.id ?? "")).toMatchObject({
      status: "skipped",
      reason: "recontact",
    });
    advance(8 * 86_400_000);
    const [later] = await relaxed.dispatcher.request([request(fay)], "test");
    await relaxed.worker.runOnce();
    expect((await relaxed.dispatcher.get(later?.id ?? ""))?.status).toBe("sent");
    s.close();
    relaxed.close();
  });

  it("waits out quiet hours in the respondent's time zone instead of skipping", async () => {
    now = new Date("2026-12-20T22:30:00Z");
    const s = sending({ quietHours: { start: 21 * 60, end: 9 * 60 } });
    const gus = user(9007, "Gus");
    // 22:30 UTC is 02:00 in Tehran: quiet until 09:00 there (05:30 UTC).
    const [created] = await s.dispatcher.request(
      [request(gus, { properties: { timeZone: "Asia/Tehran" } })],
      "test",
    );
    expect(await s.worker.runOnce()).toBe(1);
    const job = await queue.get(created?.id ?? "");
    expect(job).toMatchObject({ state: "queued", attempts: 0, dueAt: new Date("2026-12-21T05:30:00Z") });
    expect((await sends.get(created?.id ?? ""))?.status).toBe("scheduled");
    expect(fake.messages(9007)).toHaveLength(0);
    now = new Date("2026-12-21T05:31:00Z");
    expect(await s.worker.runOnce()).toBe(1);
    expect((await sends.get(created?.id ?? ""))?.status).toBe("sent");
    s.close();
  });

  it("a 429 pauses the lane and requeues without counting an attempt; a blocked bot fails for good and marks the respondent", async () => {
    now = new Date("2027-02-01T12:00:00Z");
    const s = sending();
    const hal = user(9008, "Hal");
    fake.failNext(
      "sendMessage",
      {
        error_code: 429,
        description: "Too Many Requests: retry after 120",
        parameters: { retry_after: 120 },
      },
      1,
    );
    const [limited] = await s.dispatcher.request([request(hal)], "test");
    expect(await s.worker.runOnce()).toBe(1);
    expect(await queue.get(limited?.id ?? "")).toMatchObject({ state: "queued", attempts: 0 });
    expect(s.limiter.delayFor("telegram")).toBe(120_000);
    expect(await s.worker.runOnce()).toBe(0);
    advance(121_000);
    expect(await s.worker.runOnce()).toBe(1);
    expect((await sends.get(limited?.id ?? ""))?.status).toBe("sent");

    const ivy = user(9009, "Ivy");
    fake.userBlocksBot(9009);
    const [blocked] = await s.dispatcher.request([request(ivy)], "test");
    await s.worker.runOnce();
    expect(await s.dispatcher.get(blocked?.id ?? "")).toMatchObject({ status: "failed", reason: "blocked" });
    expect((await queue.get(blocked?.id ?? ""))?.state).toBe("failed");
    const calls = fake.callsTo("sendMessage").length;
    advance(40 * 86_400_000);
    const [again] = await s.dispatcher.request([request(ivy)], "test");
    await s.worker.runOnce();
    expect(await s.dispatcher.get(again?.id ?? "")).toMatchObject({ status: "failed", reason: "blocked" });
    expect(fake.callsTo("sendMessage")).toHaveLength(calls);
    s.close();
  });

  it("two workers racing over the same surveys send each exactly once", async () => {
    now = new Date("2027-06-01T12:00:00Z");
    const a = sending({ fatigueDays: 0 });
    const b = sending({ fatigueDays: 0 });
    const users = Array.from({ length: 30 }, (_, i) => user(9100 + i));
    const created = await a.dispatcher.request(
      users.map((u) => request(u, { flow: "nps" })),
      "race",
    );
    await Promise.all([a.worker.runOnce(), b.worker.runOnce(), a.worker.runOnce(), b.worker.runOnce()]);
    for (const u of users) await fake.waitForMessages(u.id, (m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    for (const u of users) expect(fake.messages(u.id)).toHaveLength(1);
    for (const c of created) expect((await sends.get(c.id))?.status).toBe("sent");
    a.close();
    b.close();
  });
});
