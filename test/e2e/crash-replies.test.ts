import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentQuestion } from "../../core/engine/engine.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { type CxbotProcess, exited, spawnCxbot, until } from "../helpers/process.ts";
import { lastButton as button } from "../helpers/telegram.ts";

/**
 * What cxbot owes a respondent survives a crash: the cxbot process (Telegram webhooks from the fake Bot API, each
 * update its own request, as Telegram sends them) is SIGKILLed after it saved a burst of answers but before the next questions reached Telegram (the fake
 * holds every reply meanwhile). Started again, it sends each respondent the question their answer owed them,
 * so nobody waits forever or has to send /start again.
 */

const RESPONDENTS = 20;
let telegram: FakeTelegram;
let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let env: Record<string, string>;
const processes: CxbotProcess[] = [];

beforeAll(async () => {
  telegram = await startFakeTelegram({
    token: "7777:outbox-bot-token-ffffffffffffffffff",
    maxLongPollMs: 200,
  });
  db = await connectTestDb("crash_replies");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const url = new URL(db.uri);
  url.pathname = `/${db.dbName}`;
  env = {
    MONGODB_URI: url.toString(),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
    TELEGRAM_WEBHOOK_SECRET: "crash-replies-secret-0123456789",
    // Telegram may hold as many connections open as this: every respondent's press is in flight at once.
    TELEGRAM_MAX_CONNECTIONS: String(RESPONDENTS * 2),
    DIGEST_AT: "off",
  };
}, 30_000);

afterAll(async () => {
  for (const p of processes)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await telegram?.close();
  await db?.drop();
});

describe("replies after a crash", { timeout: 180_000 }, () => {
  it("every respondent whose answer was saved gets the next question after a SIGKILL before it was sent", async () => {
    const first = await spawnCxbot(env);
    processes.push(first);
    telegram.routeWebhooks(`http://127.0.0.1:${first.port}`);
    await until("the webhook is set", () => telegram.webhookInfo().url !== "");
    const users: FakeUser[] = Array.from({ length: RESPONDENTS }, (_, i) => ({
      id: 93_000 + i,
      first_name: `Respondent ${i}`,
      language_code: "en",
    }));
    // Each update its own request, not awaited: Telegram does not wait for one answer before sending the next.
    const send = (update: Parameters<FakeTelegram["deliver"]>[0]) =>
      void telegram.deliver(update).catch(() => undefined);
    for (const u of users) await telegram.deliver(telegram.userSendsText(u, "/start csat"));
    const shown = await Promise.all(
      users.map((u) => telegram.waitForMessages(u.id, (m) => m.length > 0, 60_000)),
    );

    // From now on the Bot API holds every answer: the answers are saved, their replies are still on the way.
    telegram.setLatency(60_000, ["sendMessage", "editMessageText", "answerCallbackQuery"]);
    users.forEach((u, i) => {
      const score = button(shown[i] as ShownMessage[], String((i % 5) + 1));
      send(telegram.userPressesButton(u, score.id, score.data));
    });
    const saved = async () => {
      for (const u of users) {
        const record = await stores.conversations.getActive(`telegram:${u.id}`, { fresh: true });
        if (!record?.state.answers.some((a) => a.stepId === "score")) return false;
      }
      return true;
    };
    await until("every answer is saved", saved);
    first.child.kill("SIGKILL");
    await exited(first);
    telegram.setLatency(0);
    // The crash lost the replies: nobody has seen their next question.
    expect(users.filter((u) => telegram.messages(u.id).length > 1)).toEqual([]);

    const second = await spawnCxbot(env);
    processes.push(second);
    telegram.routeWebhooks(`http://127.0.0.1:${second.port}`);
    await until(
      "cxbot is ready",
      async () => (await fetch(`http://127.0.0.1:${second.port}/healthz`)).status === 200,
    );
    // Telegram sends the updates that were never answered again.
    await telegram.deliverPending();
    const flows = new FlowRegistry(stores.flows);
    const owed = new Map<number, string>();
    for (const u of users) {
      const record = await stores.conversations.getActive(`telegram:${u.id}`, { fresh: true });
      const flow = record ? await flows.get(record.state.flowKey, record.state.flowVersion) : null;
      const text = record?.outbox && flow ? currentQuestion(flow, record.state)?.text : undefined;
      if (text === undefined) throw new Error(`no reply saved for ${u.id}`);
      owed.set(u.id, text);
    }
    await until(
      "every respondent has their next question",
      () => users.every((u) => telegram.messages(u.id).some((m) => m.text === owed.get(u.id))),
      60_000,
    );
    // Once: the redelivered updates and the sweep do not both send it.
    for (const u of users)
      expect(telegram.messages(u.id).filter((m) => m.text === owed.get(u.id))).toHaveLength(1);
    // And the survey goes on from there.
    const u0 = users[0] as FakeUser;
    send(telegram.userSendsText(u0, "Quick and friendly"));
    await telegram.waitForMessages(u0.id, (m) => m.length > 2, 30_000);
    expect(second.stderr()).toContain('"code":"OUTBOX_RESENT"');
    expect(await second.stop()).toBe(0);
  });
});
