import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationState } from "../../core/engine/state.ts";
import { bucketId, recomputeRollups } from "../../core/rollups.ts";
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
 * The cxbot process (`npm start`'s entry point, Telegram long polling against the fake Bot API) is SIGKILLed
 * during a burst of answers from many respondents, at a moment when the database shows answers saved but not
 * yet in the score rollups; started again on the same database, it repairs the rollups before it takes
 * answers, and once the burst is over the stored rollups equal a recomputation from the stored responses and
 * the conversations in progress, with every score counted exactly once.
 */

const RESPONDENTS = 36;
/** Respondents who start over right after their score: their first score is withdrawn. */
const restarts = (i: number) => i % 6 === 1;
/** Respondents who also answer the follow-up question. */
const comments = (i: number) => i % 3 === 0;

let telegram: FakeTelegram;
let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let env: Record<string, string>;
const processes: CxbotProcess[] = [];

beforeAll(async () => {
  telegram = await startFakeTelegram({
    token: "6666:crash-bot-token-ffffffffffffffffffff",
    maxLongPollMs: 200,
  });
  db = await connectTestDb("crash");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const url = new URL(db.uri);
  url.pathname = `/${db.dbName}`;
  env = {
    MONGODB_URI: url.toString(),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DIGEST_AT: "off",
  };
}, 30_000);

afterAll(async () => {
  for (const p of processes)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await telegram?.close();
  await db?.drop();
});

/** Every conversation of the flow as stored: archived responses, and those in progress (newest revision). */
async function storedStates(): Promise<ConversationState[]> {
  const states = new Map<string, ConversationState>();
  for (const r of await stores.conversations.listIdle(new Date("2100-01-01"), 100_000))
    states.set(r.state.id, r.state);
  for await (const r of stores.responses.list({ flowKey: "nps" })) states.set(r.state.id, r.state);
  return [...states.values()].filter((s) => s.flowKey === "nps");
}

/** Stored rollups and the recomputation, as `bucket → histogram` maps. */
async function rollupsAndTruth() {
  const stored = new Map(
    (await stores.rollups.read("nps", "2000-01-01", "2100-01-01")).map((r) => [bucketId(r), r.histogram]),
  );
  const truth = new Map(
    [...recomputeRollups(await storedStates(), "UTC")].map(([id, r]) => [id, r.histogram]),
  );
  return { stored, truth };
}

const countOf = (m: Map<string, Readonly<Record<number, number>>>) =>
  [...m.values()].reduce((n, h) => n + Object.values(h).reduce((a, b) => a + b, 0), 0);

describe("scores after a crash", { timeout: 240_000 }, () => {
  it("equal a recomputation from the stored answers after a SIGKILL mid-burst, counting no answer twice", async () => {
    const first = await spawnCxbot(env);
    processes.push(first);
    const users: FakeUser[] = Array.from({ length: RESPONDENTS }, (_, i) => ({
      id: 91_000 + i,
      first_name: `Respondent ${i}`,
      language_code: "en",
    }));
    for (const u of users) telegram.userSendsText(u, "/start nps");
    const shown = await Promise.all(
      users.map((u) => telegram.waitForMessages(u.id, (m) => m.length > 0, 60_000)),
    );

    // The burst: every respondent presses a score at once; some comment or start over right after.
    const before = shown.map((m) => m.length);
    users.forEach((u, i) => {
      const score = button(shown[i] as ShownMessage[], String(i % 11));
      telegram.userPressesButton(u, score.id, score.data);
      if (comments(i)) telegram.userSendsText(u, "Delivery was two days late and nobody answered");
      if (restarts(i)) telegram.userSendsText(u, "/restart");
    });
    const acknowledged = () =>
      users.filter((u, i) => telegram.messages(u.id).length > (before[i] ?? 0)).length;

    // Mid-burst, freeze the process whenever one more answer is acknowledged, until the database shows saved
    // answers that are not yet in the rollups; then kill it there.
    let lost = 0;
    let seen = 0;
    while (lost === 0) {
      await until("another answer is acknowledged", () => acknowledged() > seen);
      first.child.kill("SIGSTOP");
      seen = acknowledged();
      const { stored, truth } = await rollupsAndTruth();
      lost = countOf(truth) - countOf(stored);
      if (lost === 0) {
        if (seen >= RESPONDENTS) throw new Error("the burst ended without a moment of unflushed answers");
        first.child.kill("SIGCONT");
      }
    }
    first.child.kill("SIGKILL");
    await exited(first);

    // The killed process left its run open, naming the day it counted answers on.
    const today = new Date().toISOString().slice(0, 10);
    const left = (await stores.rollups.listRuns()).filter((r) => r.pid === first.child.pid);
    expect(left).toHaveLength(1);
    expect(left[0]?.touched).toContainEqual({ flowKey: "nps", day: today });

    // Started again on the same database: the repair runs before it takes answers.
    const second = await spawnCxbot(env);
    processes.push(second);
    expect(second.stderr()).toContain('"code":"ROLLUPS_REPAIRED"');
    expect((await stores.rollups.listRuns()).map((r) => r.runId)).not.toContain(left[0]?.runId);

    // The rest of the burst: updates the killed process never confirmed come again and are handled (or, when
    // already saved, recognised); then a graceful stop writes what is buffered.
    // (An answer saved just before the kill whose reply was never sent is recognised as a duplicate when it
    // comes again, and gets no reply.)
    await until("every update is handled", () => telegram.pendingUpdates().length === 0);
    expect(await second.stop()).toBe(0);
    expect(second.stderr()).not.toContain('"level":50');

    const { stored, truth } = await rollupsAndTruth();
    expect(stored).toEqual(truth);
    // One score per respondent, none counted twice: all but the withdrawn first scores of those who started over.
    const expected = users.filter((_, i) => !restarts(i)).length;
    expect(countOf(stored)).toBe(expected);
    const scored = (await storedStates()).filter(
      (s) => s.status !== "replaced" && s.answers.some((a) => a.stepId === "score"),
    );
    expect(scored).toHaveLength(expected);
    expect(new Set(scored.map((s) => s.respondent.userId)).size).toBe(expected);
  });
});
