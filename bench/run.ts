import { join, resolve } from "node:path";
import { applyInput, startConversation } from "../core/engine/engine.ts";
import { loadFlowDirectory } from "../core/flow/load.ts";
import { FlowRegistry } from "../core/flow/registry.ts";
import type { Flow } from "../core/flow/schema.ts";
import type { ConversationRecord } from "../core/ports.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { createSurveyService, type SurveyService } from "../core/service.ts";
import { toRevision } from "../storage/conversation-store.ts";
import { raw } from "../storage/models.ts";
import { type Database, openDatabase } from "../storage/mongo-stores.ts";
import {
  type ConversationHeadDoc,
  type ConversationRevisionDoc,
  type ResponseDoc,
  STORED_VERSION,
} from "../storage/schemas.ts";
import { benchServer } from "./server.ts";
import { telegramEndToEnd } from "./telegram-e2e.ts";
import { textBench } from "./text.ts";

const root = resolve(import.meta.dirname, "..");
const analyzer = createRuleBasedSentimentAnalyzer();
const quick = process.argv.includes("--quick");
const telegramOnly = process.argv.includes("--telegram-only");
const telegramInProcess = process.argv.includes("--telegram-in-process");

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function loadFlows(): Promise<Flow[]> {
  const { flows, errors } = await loadFlowDirectory(join(root, "flows"));
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  return flows.map((f) => ({ ...f, version: 1 }));
}

function coreThroughput(nps: Flow): void {
  const respondent = { channel: "console" as const, userId: "bench" };
  const comments = [
    "The delivery was late and support never answered my emails.",
    "ارسال خیلی دیر بود و پشتیبانی جواب نداد",
    "Kargo çok geç geldi, hiç memnun değilim",
    "التوصيل كان سريعا والخدمة ممتازة",
  ];
  const run = (i: number): number => {
    const now = new Date();
    let o = startConversation(nps, { id: `c${i}`, respondent, locale: "en" }, now);
    o = applyInput(nps, o.state, { type: "text", text: String(i % 11) }, { analyzer, now });
    o = applyInput(nps, o.state, { type: "text", text: comments[i % 4] as string }, { analyzer, now });
    if (o.state.status === "active")
      o = applyInput(nps, o.state, { type: "text", text: "1" }, { analyzer, now });
    return o.state.status === "completed" ? 4 : 3;
  };
  for (let i = 0; i < 5000; i++) run(i);
  let steps = 0;
  let conversations = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < (quick ? 500 : 3000)) {
    steps += run(conversations++);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log("\n## 1. Core step throughput (one core, pure engine: parsing + branching + sentiment)");
  console.log(`  ${conversations} whole NPS conversations, ${steps} steps in ${f2(secs)} s`);
  console.log(`  → ${Math.round(steps / secs).toLocaleString("en")} steps/s   (target ≥ 50,000)`);
}

interface Rig {
  service: SurveyService;
  close(): Promise<void>;
}

/** Sections 2–4: answers through the service and storage, the archive growing, memory. */
async function storageSections(makeRig: () => Rig, nps: Flow, db: Database, bareRate: number): Promise<void> {
  let t0 = 0;
  const rig = makeRig();
  let user = 0;
  let eventSeq = 0;
  const event = (
    userId: string,
    input: { type: "text"; text: string } | { type: "start"; flowKey: string },
  ) => ({
    eventId: `e${++eventSeq}`,
    respondent: { channel: "telegram" as const, userId },
    input,
    receivedAt: new Date(),
  });

  /** Starts `n` conversations (untimed), then times their score answers and their final answers. */
  const measureAnswers = async (n: number, concurrency = 1) => {
    const users = Array.from({ length: n }, () => `u${++user}`);
    for (const u of users) await rig.service.handle(event(u, { type: "start", flowKey: "nps" }));
    const time = async (text: (i: number) => string): Promise<{ rate: number; lat: number[] }> => {
      const lat: number[] = [];
      const t = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < users.length) {
            const i = next++;
            const s = performance.now();
            await rig.service.handle(event(users[i] as string, { type: "text", text: text(i) }));
            lat.push(performance.now() - s);
          }
        }),
      );
      const rate = users.length / ((performance.now() - t) / 1000);
      lat.sort((a, b) => a - b);
      return { rate, lat };
    };
    const mid = await time((i) => String(7 + (i % 4))); // passive/promoter → why question (one update)
    const fin = await time(() => "Quick and easy, thanks."); // → thanks: ends and archives the conversation
    await rig.service.flush();
    return { mid, fin };
  };

  const n = quick ? 50 : 100;
  const seq = await measureAnswers(n, 1);
  console.log(
    `\n## 2. Answers through the service and storage (sequential; ${n} conversations in progress, each answered once per phase)`,
  );
  console.log(
    `  mid-survey answer : ${Math.round(seq.mid.rate)} answers/s = ${f1((seq.mid.rate / bareRate) * 100)} % of the bare rate (target ≥ 50 %); p50 ${f2(pct(seq.mid.lat, 50))} ms, p99 ${f2(pct(seq.mid.lat, 99))} ms`,
  );
  console.log(
    `  final answer      : ${Math.round(seq.fin.rate)} answers/s (ends + archives the conversation); p50 ${f2(pct(seq.fin.lat, 50))} ms, p99 ${f2(pct(seq.fin.lat, 99))} ms`,
  );
  const par = await measureAnswers(n, 8);
  for (const inFlight of quick ? [] : [400, 1000]) {
    const r = await measureAnswers(inFlight, 1);
    console.log(
      `  with ${inFlight} conversations in progress: mid ${Math.round(r.mid.rate)} answers/s (p50 ${f2(pct(r.mid.lat, 50))} ms, p99 ${f2(pct(r.mid.lat, 99))} ms), final p50 ${f2(pct(r.fin.lat, 50))} ms`,
    );
  }
  console.log(
    `  8 respondents at once: mid ${Math.round(par.mid.rate)} answers/s (p50 ${f2(pct(par.mid.lat, 50))} ms, p99 ${f2(pct(par.mid.lat, 99))} ms), final ${Math.round(par.fin.rate)} answers/s`,
  );

  console.log("\n## 3. Answer latency as the archive of completed responses grows");
  const responses = raw<ResponseDoc>(db.stores.models.Response);
  const template = await responses.findOne({});
  if (!template) throw new Error("no archived response to copy");
  const sizes = quick ? [1000, 10_000] : [1000, 10_000, 100_000];
  const p50s: number[] = [];
  for (const size of sizes) {
    let count = await responses.countDocuments({});
    t0 = performance.now();
    while (count < size) {
      const batch: ResponseDoc[] = [];
      for (let i = 0; i < 2000 && count < size; i++, count++)
        batch.push({ ...template, _id: `synthetic-${count}` });
      await responses.insertMany(batch, { ordered: false });
    }
    const fill = (performance.now() - t0) / 1000;
    const r = await measureAnswers(quick ? 50 : 150, 1);
    p50s.push(pct(r.mid.lat, 50));
    console.log(
      `  ${size.toLocaleString("en").padStart(7)} stored (filled in ${f1(fill)} s): mid p50 ${f2(pct(r.mid.lat, 50))} ms, p99 ${f2(pct(r.mid.lat, 99))} ms; final p50 ${f2(pct(r.fin.lat, 50))} ms, p99 ${f2(pct(r.fin.lat, 99))} ms`,
    );
  }
  console.log(
    `  p50 at ${sizes.at(-1)?.toLocaleString("en")} / p50 at 1,000 = ${f2((p50s.at(-1) ?? 0) / (p50s[0] ?? 1))}× (target ≤ 1.5×)`,
  );

  console.log("\n## 4. Memory with 10,000 conversations in progress");
  const heads = raw<ConversationHeadDoc>(db.stores.models.ConversationHead);
  const revisions = raw<ConversationRevisionDoc>(db.stores.models.ConversationRevision);
  globalThis.gc?.();
  const before = process.memoryUsage();
  const active = quick ? 2000 : 10_000;
  const now = new Date();
  for (let start = 0; start < active; start += 1000) {
    const headDocs: ConversationHeadDoc[] = [];
    const revisionDocs: ConversationRevisionDoc[] = [];
    for (let i = start; i < Math.min(active, start + 1000); i++) {
      const o = startConversation(
        nps,
        { id: `mem-${i}`, respondent: { channel: "telegram", userId: `mem${i}` }, locale: "fa" },
        now,
      );
      const r: ConversationRecord = {
        key: `telegram:mem${i}`,
        rev: 1,
        state: o.state,
        recentEventIds: [`m${i}`],
        transcript: [],
      };
      headDocs.push({ _id: r.key, v: STORED_VERSION, conversationId: r.state.id, startedAt: now });
      revisionDocs.push(toRevision(r));
    }
    await revisions.insertMany(revisionDocs);
    await heads.insertMany(headDocs);
  }
  // Answer a sample of them through the service, as live traffic would.
  const sample = quick ? 20 : 50;
  const lat: number[] = [];
  for (let i = 0; i < sample; i++) {
    const s = performance.now();
    await rig.service.handle(event(`mem${(i * 31) % active}`, { type: "text", text: "9" }));
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  globalThis.gc?.();
  const after = process.memoryUsage();
  console.log(
    `  ${active.toLocaleString("en")} conversations in progress in the database, ${await db.stores.conversations.countActive()} counted`,
  );
  console.log(
    `  process heap: ${mb(before.heapUsed)} before → ${mb(after.heapUsed)} after (Δ ${mb(after.heapUsed - before.heapUsed)}); rss ${mb(after.rss)}${globalThis.gc ? "" : " (run with --expose-gc for exact heap figures)"}`,
  );
  console.log(
    `  answering among them (first contact in this process, so read from the head): p50 ${f2(pct(lat, 50))} ms, p99 ${f2(pct(lat, 99))} ms`,
  );
  await rig.close();
  // Leave the database as it was before section 4, so section 5 is not measured among 10,000 extra conversations.
  const memKeys = Array.from({ length: active }, (_, i) => `telegram:mem${i}`);
  await heads.deleteMany({ _id: { $in: memKeys } });
  await revisions.deleteMany({ key: { $in: memKeys } });
}

async function main(): Promise<void> {
  const flows = await loadFlows();
  const nps = flows.find((f) => f.key === "nps") as Flow;
  if (!telegramOnly) {
    coreThroughput(nps);
    textBench();
  }

  const server = await benchServer("core");
  const { target } = server;
  const dbName = `cxbench_${Date.now().toString(36)}`;
  // As the app: the sole writer of an embedded server it started keeps what it wrote in memory.
  const db = await openDatabase(target.uri, dbName, { soleWriter: target.kind !== "external" });
  console.log(
    `\n## Storage: ${target.kind} (${process.env.MONGODB_URI ? "MONGODB_URI" : "embedded, SQLite backend"})`,
  );
  try {
    // Bare driver rate: findOneAndUpdate({_id}) on a small collection, sequential.
    const bare = db.connection.collection<{ _id: string; n: number }>("bare");
    await bare.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: `k${i}`, n: 0 })));
    const bareOps = quick ? 300 : 2000;
    const measureBare = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) await bare.findOneAndUpdate({ _id: `k${i % 100}` }, { $inc: { n: 1 } });
      const t0 = performance.now();
      for (let i = 0; i < bareOps; i++)
        await bare.findOneAndUpdate({ _id: `k${i % 100}` }, { $inc: { n: 1 } });
      return bareOps / ((performance.now() - t0) / 1000);
    };
    const bareRate = await measureBare();
    console.log(
      `  bare driver findOneAndUpdate({_id}) on 100 docs: ${Math.round(bareRate)} ops/s (sequential)`,
    );

    const registry = new FlowRegistry(db.stores.flows);
    for (const f of flows) await registry.store(f, "bench");
    const makeRig = (): Rig => {
      const service = createSurveyService({
        stores: db.stores,
        flows: registry,
        analyzer,
        defaultLocale: "en",
        defaultFlow: "nps",
      });
      return { service, close: () => service.close() };
    };
    if (!telegramOnly) await storageSections(makeRig, nps, db, bareRate);
    await telegramEndToEnd({
      db,
      registry,
      analyzer,
      bareRate,
      quick,
      inProcess: telegramInProcess,
      // As the app reads it (bots/config.ts): database work in flight at once.
      maxConcurrency: Number(process.env.CX_MAX_CONCURRENCY ?? 8),
      ...(target.pid === undefined || target.kind !== "ferretdb" ? {} : { dbPid: target.pid }),
    });
    // The percentages above use the rate measured first; a second measurement shows how steady the machine was.
    const again = await measureBare();
    console.log(
      `\n  bare driver findOneAndUpdate({_id}) again, after section 5: ${Math.round(again)} ops/s (${f1((again / bareRate - 1) * 100)} % from the first; a large drift means something else took the CPU)`,
    );
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
