import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ZSurveySend } from "../../core/api/schemas.ts";
import { type FakeTelegram, type FakeUser, startFakeTelegram } from "../fakes/telegram-api.ts";
import { type CxbotProcess, exited, spawnCxbot, until } from "../helpers/process.ts";

/**
 * Two cxbot processes (`bots/main.ts`, as `npm start` runs it) on one database, both Telegram in webhook mode
 * against one fake Bot API (long polling serves one process), both running a send worker. Surveys requested
 * through the HTTP API are drained by both: every respondent gets the first question exactly once, and every
 * survey shows `sent`. Then one process is SIGKILLed mid-batch: its leases expire (CX_SEND_LEASE_MS) and the
 * other finishes every survey, sending none twice.
 */

const API_KEY = `procs-key-${"p".repeat(32)}`;
const LEASE_MS = 5000;
const BATCH = 60;
const dbName = `cxtest_sendprocs_${randomBytes(4).toString("hex")}`;

let fake: FakeTelegram;
let connection: mongoose.Connection;
const processes: CxbotProcess[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram({ token: "8888:send-procs-bot-token-hhhhhhhhhhhhhhh" });
  const url = new URL(inject("mongoUri"));
  url.pathname = `/${dbName}`;
  const env = {
    MONGODB_URI: url.toString(),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
    TELEGRAM_WEBHOOK_SECRET: "send-procs-webhook-secret-0123456789",
    CX_API_KEY: API_KEY,
    CX_SEND_LEASE_MS: String(LEASE_MS),
    DIGEST_AT: "off",
  };
  processes.push(...(await Promise.all([spawnCxbot(env), spawnCxbot(env)])));
  for (const p of processes)
    await until("telegram is ready", () => p.stderr().includes('"msg":"telegram ready"'));
  connection = await mongoose.createConnection(inject("mongoUri"), { dbName, autoIndex: false }).asPromise();
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
  await fake?.close();
});

const base = (p: CxbotProcess) => `http://127.0.0.1:${p.port}/api/v1/surveys`;
const auth = { authorization: `Bearer ${API_KEY}` };

/** New respondents who opened a private chat with the bot. */
function respondents(from: number, count = BATCH): FakeUser[] {
  return Array.from({ length: count }, (_, i) => {
    const u: FakeUser = { id: from + i, first_name: `Respondent ${i}`, language_code: "en" };
    fake.addPrivateChat(u);
    return u;
  });
}

/** Asks `p` for an NPS survey for each user in one batch call; the surveys' ids. */
async function requestBatch(p: CxbotProcess, users: readonly FakeUser[]): Promise<string[]> {
  const res = await fetch(`${base(p)}/batch`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({
      surveys: users.map((u) => ({ platform: "telegram", userId: String(u.id), flow: "nps" })),
    }),
  });
  expect(res.status).toBe(202);
  const { results } = (await res.json()) as { results: { id?: string; status: string }[] };
  expect(results.map((r) => r.status)).toEqual(users.map(() => "scheduled"));
  return results.map((r) => r.id ?? "");
}

/** The messages the bot sent into each user's chat (sendMessage calls the fake answered). */
const sendsTo = (users: readonly FakeUser[]): number[] => {
  const chats = fake.callsTo("sendMessage").map((c) => String(c.body.chat_id));
  return users.map((u) => chats.filter((c) => c === String(u.id)).length);
};

async function statuses(p: CxbotProcess, ids: readonly string[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      const res = await fetch(`${base(p)}/${id}`, { headers: auth });
      expect(res.status).toBe(200);
      return ZSurveySend.parse(await res.json()).status;
    }),
  );
}

/** Workers (`host:pid`) that took a lease on any of these jobs, with how many of theirs ran past `at`. */
async function leaseHolders(ids: readonly string[], at = new Date(0)) {
  const docs = await connection
    .collection<{ _id: string; jobId: string; owner: string; until: Date }>("send_job_leases")
    .find({ jobId: { $in: [...ids] } })
    .toArray();
  const holders = new Map<string, number>();
  for (const d of docs) holders.set(d.owner, (holders.get(d.owner) ?? 0) + (d.until > at ? 1 : 0));
  return holders;
}

const pidOf = (owner: string) => Number(owner.slice(owner.lastIndexOf(":") + 1));

/** How many of these surveys have a conversation saved (started under their id). */
async function savedUnsent(ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const docs = await connection
    .collection<{ _id: string; conversationId: string }>("conversation_revisions")
    .find({ recentEventIds: { $in: ids.map((id) => `op:${id}`) } }, { projection: { conversationId: 1 } })
    .toArray();
  return new Set(docs.map((d) => d.conversationId)).size;
}

/** Which of these surveys are recorded sent (read straight from the database: quicker than the API). */
async function recordedSent(ids: readonly string[]): Promise<Set<string>> {
  const docs = await connection
    .collection<{ _id: string; status: string }>("survey_sends")
    .find({ _id: { $in: [...ids] } }, { projection: { status: 1 } })
    .toArray();
  return new Set(docs.filter((d) => d.status !== "scheduled").map((d) => d._id));
}

/** The jobs among `ids` that process `p` holds an unexpired lease on now. */
async function leasedBy(p: CxbotProcess, ids: readonly string[]): Promise<string[]> {
  const docs = await connection
    .collection<{ _id: string; jobId: string; owner: string; until: Date }>("send_job_leases")
    .find({ jobId: { $in: [...ids] } })
    .toArray();
  const now = Date.now();
  return docs.filter((d) => pidOf(d.owner) === p.child.pid && d.until.getTime() > now).map((d) => d.jobId);
}

describe("two cxbot processes draining one send queue", { timeout: 60_000 }, () => {
  it("send every survey of a batch exactly once between them, and each shows sent", async () => {
    const [a, b] = processes as [CxbotProcess, CxbotProcess];
    const users = respondents(5_100_000);
    // Half the batch through each process's API: both queue into the one database.
    const ids = [
      ...(await requestBatch(a, users.slice(0, BATCH / 2))),
      ...(await requestBatch(b, users.slice(BATCH / 2))),
    ];
    await until("every respondent got the first question", () => sendsTo(users).every((n) => n >= 1), 30_000);
    await until(
      "every survey shows sent",
      async () => (await statuses(a, ids)).every((s) => s === "sent"),
      15_000,
    );
    expect(await statuses(b, ids)).toEqual(ids.map(() => "sent"));
    // Time for a second send, were one coming (a job run twice after its lease ran out).
    await new Promise((r) => setTimeout(r, LEASE_MS + 1500));
    expect(sendsTo(users)).toEqual(users.map(() => 1));
    // Both workers took part.
    const owners = [...(await leaseHolders(ids)).keys()].map(pidOf).sort();
    expect(owners).toEqual([a.child.pid, b.child.pid].sort());
  });

  it("when one is killed mid-batch, the other finishes every survey and sends none twice", async () => {
    const [a, b] = processes as [CxbotProcess, CxbotProcess];
    const users = respondents(5_200_000, 3 * BATCH);
    // Telegram answers in 40 ms, so a worker holds surveys it saved while their questions are on their way.
    fake.setLatency(40, ["sendMessage"]);
    const ids = await requestBatch(b, users);
    // Kill it mid-batch: holding leases, with surveys it saved whose question has not gone out yet (they were
    // lost before: the other process found them started and recorded them sent). A question whose request
    // reached Telegram just before a crash, but whose survey was not yet recorded sent, may go out again
    // (nobody can know it arrived): freeze the process, and kill it only at a moment when none is in that state.
    const userOf = (id: string) => users[ids.indexOf(id)]?.id ?? 0;
    const moment = async () => {
      const mine = await leasedBy(a, ids);
      const counts = sendsTo(users);
      const sent = new Set(users.filter((_, i) => (counts[i] ?? 0) > 0).map((u) => u.id));
      const recorded = await recordedSent(mine);
      return {
        saved: await savedUnsent(mine.filter((id) => !sent.has(userOf(id)))),
        ambiguous: mine.filter((id) => sent.has(userOf(id)) && !recorded.has(id)).length,
      };
    };
    let tries = 0;
    for (;;) {
      if (++tries > 200) throw new Error("no moment to kill the process mid-batch");
      if ((await moment()).saved === 0) continue;
      a.child.kill("SIGSTOP");
      await new Promise((r) => setTimeout(r, 150));
      const { saved, ambiguous } = await moment();
      if (saved > 0 && ambiguous === 0) break;
      a.child.kill("SIGCONT");
    }
    a.child.kill("SIGKILL");
    const killedAt = new Date();
    await exited(a);
    // It was mid-batch: it held leases that had not run out when it died.
    const held = [...(await leaseHolders(ids, killedAt))].find(([owner]) => pidOf(owner) === a.child.pid);
    expect(held?.[1] ?? 0).toBeGreaterThan(0);

    await until("every respondent got the first question", () => sendsTo(users).every((n) => n >= 1), 30_000);
    await until(
      "every survey shows sent",
      async () => (await statuses(b, ids)).every((s) => s === "sent"),
      20_000,
    );
    await new Promise((r) => setTimeout(r, LEASE_MS + 1500));
    expect(sendsTo(users)).toEqual(users.map(() => 1));
  });
});
