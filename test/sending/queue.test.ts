import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "../../core/sending/limiter.ts";
import { backoffMs, type QueueStore } from "../../core/sending/queue.ts";
import type { Job, JobOutcome, JobSpec } from "../../core/sending/types.ts";
import { createSendWorker } from "../../core/sending/worker.ts";
import { openSendQueueStore } from "../../storage/send-queue-store.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

let db: TestDb;
let second: mongoose.Connection;
let storeA: QueueStore;
let storeB: QueueStore;

beforeAll(async () => {
  db = await connectTestDb("queue");
  second = mongoose.createConnection(db.uri, { dbName: db.dbName, autoIndex: false, maxPoolSize: 10 });
  await second.asPromise();
  storeA = await openSendQueueStore(db.connection);
  storeB = await openSendQueueStore(second);
});
afterAll(async () => {
  await second.close();
  await db.drop();
});

const spec = (id: string, over: Partial<JobSpec> = {}): JobSpec => ({
  id,
  kind: "webhook",
  dueAt: new Date(Date.now() - 1000),
  payload: { n: id, "a.b": "$dots" },
  lane: "test",
  ...over,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(25);
  }
}

describe("the send queue", () => {
  it("creates a job once however often it is enqueued, even after it ran", async () => {
    expect(await storeA.enqueue([spec("idem-1"), spec("idem-2"), spec("idem-1")])).toEqual({
      created: 2,
      existing: 1,
    });
    expect(await storeB.enqueue([spec("idem-1"), spec("idem-3")])).toEqual({ created: 1, existing: 1 });
    const job = await storeA.get("idem-1");
    expect(job).toMatchObject({ state: "queued", attempts: 0, payload: { n: "idem-1", "a.b": "$dots" } });

    const worker = createSendWorker({ store: storeA });
    const seen: string[] = [];
    worker.register("webhook", async (j) => {
      if (j.id.startsWith("idem-")) seen.push(j.id);
      return { type: "done" };
    });
    await worker.runOnce();
    expect(seen.sort()).toEqual(["idem-1", "idem-2", "idem-3"]);
    expect((await storeA.get("idem-1"))?.state).toBe("done");
    // Finished and archived: enqueuing it again creates nothing and runs nothing.
    expect(await storeB.enqueue([spec("idem-1")])).toEqual({ created: 0, existing: 1 });
    expect(await worker.runOnce()).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it("cancels a queued job, and only a queued one", async () => {
    await storeA.enqueue([spec("cancel-1", { dueAt: new Date(Date.now() + 3_600_000) })]);
    expect(await storeB.cancel("cancel-1")).toBe(true);
    expect((await storeA.get("cancel-1"))?.state).toBe("cancelled");
    expect(await storeA.cancel("cancel-1")).toBe(false);
  });

  it("two workers on two connections drain 200 jobs: each runs once, none is lost", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `race-${i}`);
    await storeA.enqueue(ids.map((id) => spec(id, { kind: "reminder" })));
    const handled: { id: string; by: string }[] = [];
    const workers = (["a", "b"] as const).map((name) => {
      const worker = createSendWorker({
        store: name === "a" ? storeA : storeB,
        owner: name,
        pollMs: 20,
        concurrency: 8,
      });
      worker.register("reminder", async (job) => {
        handled.push({ id: job.id, by: name });
        await sleep(1);
        return { type: "done" };
      });
      return worker;
    });
    for (const w of workers) w.start();
    await until(async () => (await storeA.countQueued()) === 0);
    await Promise.all(workers.map((w) => w.stop()));
    expect(handled).toHaveLength(200);
    expect(new Set(handled.map((h) => h.id)).size).toBe(200);
    // Both took part.
    expect(new Set(handled.map((h) => h.by)).size).toBe(2);
    for (const id of ids.slice(0, 20)) expect((await storeB.get(id))?.state).toBe("done");
  });

  it("a worker killed mid-batch loses nothing: its leases expire and the other worker finishes", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `kill-${i}`);
    await storeA.enqueue(ids.map((id) => spec(id, { kind: "survey" })));
    const started: string[] = [];
    const doomed = createSendWorker({ store: storeA, owner: "doomed", leaseMs: 400, concurrency: 5 });
    doomed.register("survey", async (job) => {
      started.push(job.id);
      await new Promise(() => {}); // hangs, as a process that died would
      return { type: "done" };
    });
    void doomed.runOnce();
    await until(async () => started.length === 5);
    doomed.abandon();

    const finished: string[] = [];
    const survivor = createSendWorker({ store: storeB, owner: "survivor", pollMs: 20 });
    survivor.register("survey", async (job) => {
      finished.push(job.id);
      return { type: "done" };
    });
    survivor.start();
    await until(async () => (await storeB.countQueued()) === 0);
    await survivor.stop();
    expect(finished.sort()).toEqual([...ids].sort());
    for (const id of started) expect((await storeA.get(id))?.state).toBe("done");
  });

  it("retries with exponential backoff and jitter; a 429 pauses the lane and costs no attempt", async () => {
    let now = new Date("2026-12-01T10:00:00Z");
    const clock = () => now;
    const limiter = createRateLimiter({ now: () => now.getTime(), sleep: async () => {} });
    const worker = createSendWorker({ store: storeA, clock, limiter, random: () => 0.5 });
    const outcomes: JobOutcome[] = [];
    worker.register("webhook", async (job: Job) => {
      const next = outcomes.shift();
      if (!next) throw new Error(`unexpected run of ${job.id}`);
      // As the survey handler does on a 429: the lane waits too.
      if (next.type === "retry" && !next.countAttempt) limiter.pause(job.lane, next.at.getTime());
      return next;
    });
    await storeA.enqueue([spec("retry-1", { dueAt: now, lane: "retry-lane", maxAttempts: 2 })]);

    // The platform said 429, retry after 30 s: no attempt counted, the lane waits.
    outcomes.push({ type: "retry", at: new Date(now.getTime() + 30_000), error: "429", countAttempt: false });
    expect(await worker.runOnce()).toBe(1);
    expect(await storeA.get("retry-1")).toMatchObject({ state: "queued", attempts: 0, lastError: "429" });
    expect(limiter.delayFor("retry-lane")).toBe(30_000);
    expect(await worker.runOnce()).toBe(0);

    // After the pause, a network failure (the handler throws): attempt 1, backed off 5 s ± jitter.
    now = new Date(now.getTime() + 30_000);
    expect(await worker.runOnce()).toBe(1);
    const failed = await storeA.get("retry-1");
    expect(failed).toMatchObject({ state: "queued", attempts: 1 });
    expect((failed?.dueAt.getTime() ?? 0) - now.getTime()).toBe(backoffMs(1, () => 0.5));
    now = new Date(now.getTime() + 1000);
    expect(await worker.runOnce()).toBe(0);

    // The last attempt fails too: the job fails for good.
    now = new Date(now.getTime() + 10_000);
    outcomes.push({ type: "retry", at: now, error: "timeout", countAttempt: true });
    expect(await worker.runOnce()).toBe(1);
    expect(await storeA.get("retry-1")).toMatchObject({ state: "failed", attempts: 2 });
    expect((await storeA.get("retry-1"))?.lastError).toMatch(/attempts-exhausted/);
  });

  it("backs off exponentially, capped, never less than half the delay", () => {
    expect(backoffMs(1, () => 0)).toBe(2_500);
    expect(backoffMs(1, () => 1)).toBe(5_000);
    expect(backoffMs(3, () => 1)).toBe(20_000);
    expect(backoffMs(30, () => 1)).toBe(3_600_000);
    expect(backoffMs(30, () => 0)).toBe(1_800_000);
  });
});
