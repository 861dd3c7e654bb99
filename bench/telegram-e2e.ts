/**
 * Bench section 5: Telegram end to end in webhook mode — the real adapter (telegraf) and the survey service in
 * this thread, the fake Bot API and its users on Telegram's side (a worker thread unless `inProcess`), the
 * same database as the rest of the bench.
 */
import { readFileSync } from "node:fs";
import { startHttpServer } from "../bots/http.ts";
import { createLogger } from "../bots/logger.ts";
import { createTelegramAdapter } from "../bots/telegram/telegram.ts";
import type { FlowRegistry } from "../core/flow/registry.ts";
import type { SentimentAnalyzer } from "../core/sentiment/types.ts";
import { createSurveyService, type SurveyService } from "../core/service.ts";
import type { InboundEvent } from "../core/types.ts";
import type { Database } from "../storage/mongo-stores.ts";
import { createUsers, startTelegramPeer, type TelegramPeer, type Timed } from "./telegram-peer.ts";

export interface TelegramBenchOptions {
  readonly db: Database;
  readonly registry: FlowRegistry;
  readonly analyzer: SentimentAnalyzer;
  /** The bare driver's findOneAndUpdate({_id}) rate measured earlier in the same run. */
  readonly bareRate: number;
  readonly quick: boolean;
  /** Run Telegram's side in cxbot's own thread (as before it had a worker) instead of a worker thread. */
  readonly inProcess: boolean;
  /** The embedded database server's process, for its CPU time. */
  readonly dbPid?: number;
  /** The service's bound on database work in flight (CX_MAX_CONCURRENCY in the app). */
  readonly maxConcurrency: number;
}

const pct = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

/** CPU milliseconds used so far by a process (or a thread: `pid/task/tid`), from /proc; undefined elsewhere. */
function procCpuMs(path: string): number | undefined {
  try {
    const fields = readFileSync(`/proc/${path}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 a second)
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

interface CpuSample {
  readonly mainThread: number | undefined;
  readonly process: number;
  readonly db: number | undefined;
}
const cpuNow = (dbPid: number | undefined): CpuSample => {
  const usage = process.cpuUsage();
  return {
    mainThread: procCpuMs(`${process.pid}/task/${process.pid}`),
    process: (usage.user + usage.system) / 1000,
    db: dbPid === undefined ? undefined : procCpuMs(String(dbPid)),
  };
};
/** CPU ms per answer between two samples, summed over the runs. */
class CpuMeter {
  main = 0;
  process = 0;
  db = 0;
  known = { main: true, db: true };
  add(a: CpuSample, b: CpuSample): void {
    if (a.mainThread === undefined || b.mainThread === undefined) this.known.main = false;
    else this.main += b.mainThread - a.mainThread;
    if (a.db === undefined || b.db === undefined) this.known.db = false;
    else this.db += b.db - a.db;
    this.process += b.process - a.process;
  }
  describe(answers: number, processLabel: string): string {
    const per = (ms: number) => `${f2(ms / answers)} ms`;
    return [
      this.known.main ? `cxbot's thread ${per(this.main)}` : undefined,
      `${processLabel} ${per(this.process)}`,
      this.known.db ? `database server ${per(this.db)}` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(", ");
  }
}

const pool = (runs: readonly Timed[]): { rate: number; latencies: number[]; answers: number } => {
  const answers = runs.reduce((n, r) => n + r.latencies.length, 0);
  const seconds = runs.reduce((s, r) => s + r.latencies.length / r.rate, 0);
  return {
    rate: answers / seconds,
    latencies: runs.flatMap((r) => r.latencies).sort((a, b) => a - b),
    answers,
  };
};

export async function telegramEndToEnd(o: TelegramBenchOptions): Promise<void> {
  const { db } = o;
  const concurrency = 8;
  const batchSize = o.quick ? 100 : 200;
  const batches = o.quick ? 1 : 3;
  console.log(
    `\n## 5. Telegram end to end (webhook mode, real telegraf, fake Bot API on 127.0.0.1 ${o.inProcess ? "in cxbot's own thread" : "in a worker thread"}, same database, CX_MAX_CONCURRENCY ${o.maxConcurrency})`,
  );

  const peer: TelegramPeer = o.inProcess ? await createUsers() : await startTelegramPeer();
  const service = createSurveyService({
    stores: db.stores,
    flows: o.registry,
    analyzer: o.analyzer,
    defaultLocale: "en",
    defaultFlow: "nps",
    maxConcurrency: o.maxConcurrency,
  });
  const logger = createLogger("silent");
  const telegram = createTelegramAdapter({
    token: peer.token,
    apiRoot: peer.apiRoot,
    service,
    logger,
    defaultLocale: "en",
    webhook: {
      domain: "bot.example.com",
      secret: "bench-webhook-secret-0123456789",
      maxConnections: concurrency,
    },
  });
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    logger,
    routes: new Map([[telegram.webhookPath ?? "", (req, res) => telegram.handleWebhook(req, res)]]),
    health: async () => ({ ok: true, checks: {} }),
  });
  try {
    await peer.route(`http://127.0.0.1:${http.port}`);
    await telegram.start();
    let nextUser = 90_000;
    const newUsers = (n: number) => Array.from({ length: n }, () => nextUser++);
    /** Ends the batch's conversations and deletes their revisions, so every batch starts from the same database. */
    const settle = async (users: readonly number[]) => {
      await peer.finish(users, concurrency);
      await service.flush();
      await db.stores.conversations.compact({ all: true });
    };

    // Warm-up (untimed): JIT and connections on both sides.
    const warm = newUsers(50);
    await peer.start(warm);
    await peer.burst(warm, concurrency);
    await settle(warm);

    // Sustained button answers, `concurrency` webhook connections, in batches of `batchSize` conversations in progress.
    const cpu = new CpuMeter();
    const runs: Timed[] = [];
    const heap = () => {
      globalThis.gc?.();
      return process.memoryUsage().heapUsed;
    };
    /** cxbot's heap with a batch in progress minus after it ended: what a conversation in progress costs here. */
    let heapPerConversation = 0;
    let shaped: { rate: number; docs: number; bytes: number } | undefined;
    for (let b = 0; b < batches; b++) {
      const users = newUsers(batchSize);
      await peer.start(users);
      // Once, with the first batch's conversations in progress: the database work of an answer, bare.
      shaped ??= await answerShapedRate(db, concurrency, batchSize);
      const c0 = cpuNow(o.dbPid);
      runs.push(await peer.burst(users, concurrency));
      cpu.add(c0, cpuNow(o.dbPid));
      const inProgress = heap();
      await settle(users);
      heapPerConversation += (inProgress - heap()) / users.length / batches;
    }
    const burst = pool(runs);
    console.log(
      `  button answers, ${concurrency} webhook connections, ${batchSize} conversations in progress: ${Math.round(burst.rate)} answers/s sustained over ${burst.answers} = ${f1((burst.rate / o.bareRate) * 100)} % of the bare write rate (target ≥ 50 %); p50 ${f2(pct(burst.latencies, 50))} ms, p99 ${f2(pct(burst.latencies, 99))} ms`,
    );
    const processLabel = o.inProcess
      ? "whole node process (cxbot and the fake Telegram)"
      : "whole node process (with the Telegram worker and V8's helper threads)";
    console.log(`    CPU per answer: ${cpu.describe(burst.answers, processLabel)}`);
    if (shaped)
      console.log(
        `  reference, the database work of one answer done bare (findOne({_id}) among ${shaped.docs} revisions of ~${Math.round(shaped.bytes)} B, then insertOne of one like them; ${concurrency} at once): ${Math.round(shaped.rate)}/s; Telegram end to end reaches ${f1((burst.rate / shaped.rate) * 100)} % of it`,
      );

    // Latency at half the sustained rate: updates arrive on a schedule, whatever the replies do.
    const half = burst.rate / 2;
    const pacedUsers = newUsers(batchSize);
    await peer.start(pacedUsers);
    const paced = await peer.paced(pacedUsers, half);
    await settle(pacedUsers);
    console.log(
      `  at half that rate (${Math.round(half)}/s, open loop, ${batchSize} updates): update sent → reply sent p50 ${f2(pct(paced.latencies, 50))} ms, p99 ${f2(pct(paced.latencies, 99))} ms (target p99 ≤ 150 ms)`,
    );

    // The same answers straight into the service: what any adapter could reach on this database.
    const direct = await serviceOnly(service, db, o.dbPid, batchSize, batches, concurrency);
    console.log(
      `  reference, the same answers straight into the service (no Telegram, ${concurrency} at once): ${Math.round(direct.rate)} answers/s = ${f1((direct.rate / o.bareRate) * 100)} % of the bare rate; Telegram end to end reaches ${f1((burst.rate / direct.rate) * 100)} % of it`,
    );
    console.log(`    CPU per answer: ${direct.cpu.describe(direct.answers, "whole node process")}`);
    if (!o.inProcess && globalThis.gc)
      console.log(
        `  cxbot's heap per conversation in progress (end to end, in progress vs. ended, ${batchSize} at a time): ${Math.round(heapPerConversation)} bytes`,
      );
  } finally {
    await telegram.stop();
    await service.close();
    await http.close();
    await peer.close();
  }
}

/**
 * What the database alone does with the work of one answer: a `findOne({_id})` and an `insertOne`, on a copy of
 * the conversations collection as it is now (same documents, same sizes), `concurrency` at a time.
 */
async function answerShapedRate(
  db: Database,
  concurrency: number,
  answers: number,
): Promise<{ rate: number; docs: number; bytes: number }> {
  const source = db.connection.collection<{ _id: string }>("conversation_revisions");
  const copy = db.connection.collection<{ _id: string }>("bench_answer_shaped");
  const docs = await source.find({}).toArray();
  await copy.insertMany(docs);
  const bytes = docs.reduce((n, d) => n + JSON.stringify(d).length, 0) / Math.max(1, docs.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < answers; i = next++) {
        const doc = docs[(i * 7919) % docs.length] as { _id: string };
        await copy.findOne({ _id: doc._id });
        await copy.insertOne({ ...doc, _id: `${doc._id}#bench${i}` });
      }
    }),
  );
  const rate = answers / ((performance.now() - started) / 1000);
  await copy.drop();
  return { rate, docs: docs.length, bytes };
}

/** Button answers straight into the service, batch by batch as above. */
async function serviceOnly(
  service: SurveyService,
  db: Database,
  dbPid: number | undefined,
  batchSize: number,
  batches: number,
  concurrency: number,
): Promise<{ rate: number; answers: number; cpu: CpuMeter }> {
  let seq = 0;
  const event = (userId: string, input: InboundEvent["input"]): InboundEvent => ({
    eventId: `direct-${++seq}`,
    respondent: { channel: "telegram", userId, chatId: userId },
    input,
    receivedAt: new Date(),
  });
  const runAll = async (events: readonly InboundEvent[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let e = events[next++]; e; e = events[next++]) await service.handle(e);
      }),
    );
  };
  const cpu = new CpuMeter();
  let seconds = 0;
  for (let b = 0; b < batches; b++) {
    const presses: InboundEvent[] = [];
    for (let i = 0; i < batchSize; i++) {
      const userId = `direct-${b}-${i}`;
      const started = await service.handle(event(userId, { type: "start", flowKey: "nps" }));
      const label = String(7 + (i % 4));
      const payload = started.messages.at(-1)?.choices?.find((c) => c.label === label)?.payload;
      if (payload === undefined) throw new Error("no score buttons");
      presses.push(event(userId, { type: "choice", payload }));
    }
    const c0 = cpuNow(dbPid);
    const t0 = performance.now();
    await runAll(presses);
    seconds += (performance.now() - t0) / 1000;
    cpu.add(c0, cpuNow(dbPid));
    await runAll(
      presses.map((p) => event(p.respondent.userId, { type: "text", text: "Quick and easy, thanks." })),
    );
    await service.flush();
    await db.stores.conversations.compact({ all: true });
  }
  return { rate: (batchSize * batches) / seconds, answers: batchSize * batches, cpu };
}
