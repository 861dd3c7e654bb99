import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { YEAR_DAYS } from "../core/admin/grammar.ts";
import { buildReport, type ReportSources } from "../core/admin/report.ts";
import type { ConversationState } from "../core/engine/state.ts";
import { loadFlowDirectory } from "../core/flow/load.ts";
import type { Flow } from "../core/flow/schema.ts";
import type { Locale } from "../core/locale.ts";
import type { ActivityRow, RollupRow, RollupStore } from "../core/ports.ts";
import { activityIncrements, RollupBuffer, rollupIncrements } from "../core/rollups.ts";
import { addDays, dayKey } from "../core/scores.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { THEMES } from "../core/themes/themes.ts";
import type { Channel } from "../core/types.ts";
import { openDatabase } from "../storage/mongo-stores.ts";
import { createRollupStore } from "../storage/rollup-store.ts";
import { benchServer, median } from "./server.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "20" } } });
const RUNS = Number(values.runs);
const NOW = new Date("2026-11-24T12:00:00Z");
const DAYS = 730;
const LOCALES: readonly Locale[] = ["en", "fa", "ar", "tr"];
const CHANNELS: readonly Channel[] = ["telegram", "slack"];
const TOUCHPOINTS = ["checkout", "delivery", "support"];
const COMMENTS: readonly [string, Locale][] = [
  ["The delivery was late and the courier was rude", "en"],
  ["ارسال خیلی دیر بود و بسته خراب رسید", "fa"],
  ["التوصيل كان سريعا وممتازا", "ar"],
  ["Kargo çok geç geldi", "tr"],
  ["Great prices and friendly staff", "en"],
];

/** The responses of the 10,000 case, as the survey service would have stored them, through the writer. */
async function writeThroughWriter(store: RollupStore, flow: Flow, count: number): Promise<void> {
  const analyzer = createRuleBasedSentimentAnalyzer();
  // One flush at the end: the embedded server scans for each guarded `$inc` upsert, so few, large batches.
  const buffer = new RollupBuffer(store, { intervalMs: 0, maxPending: Number.POSITIVE_INFINITY });
  const start = NOW.getTime() - (DAYS - 1) * 86_400_000;
  for (let i = 0; i < count; i++) {
    const at = new Date(start + Math.floor((i / count) * DAYS * 86_400_000)).toISOString();
    const [text, locale] = COMMENTS[i % COMMENTS.length] as [string, Locale];
    const value = (i * 7) % 11;
    const state = {
      id: `bench-${i}`,
      respondent: { channel: CHANNELS[i % CHANNELS.length] as Channel, userId: `u${i}` },
      flowKey: flow.key,
      flowVersion: flow.version,
      locale,
      status: "completed",
      stepId: null,
      answers: [
        {
          stepId: "score",
          answer: { type: "rating", value, scale: "nps", sentiment: value >= 9 ? "positive" : "negative" },
          at,
          locale,
        },
        ...(i % 3 === 0
          ? []
          : [
              {
                stepId: "comment",
                answer: { type: "text", text, sentiment: analyzer.analyze(text, locale) },
                at,
                locale,
              },
            ]),
      ],
      failures: 0,
      selection: [],
      alertsFired: [],
      startedAt: at,
      updatedAt: at,
      endedAt: at,
      properties: { touchpoint: TOUCHPOINTS[i % TOUCHPOINTS.length] },
    } as ConversationState;
    const changes = [...rollupIncrements(state, flow), ...activityIncrements(state, flow)];
    await buffer.prepare(changes);
    buffer.add(changes);
  }
  await buffer.close();
}

/** Two years of rollup documents with counts for `count` responses, written directly (as a rebuild writes). */
async function writeDirectly(store: RollupStore, flow: Flow, count: number): Promise<void> {
  const to = dayKey(NOW, flow.timeZone);
  const perDay = Math.floor(count / DAYS);
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(to, -d);
    const rows: RollupRow[] = [];
    const activity: ActivityRow[] = [];
    for (const channel of CHANNELS) {
      for (const locale of LOCALES) {
        for (const touchpoint of TOUCHPOINTS) {
          const cell = Math.floor(perDay / (CHANNELS.length * LOCALES.length * TOUCHPOINTS.length));
          const histogram: Record<number, number> = {};
          for (let v = 0; v <= 10; v++) histogram[v] = Math.floor(cell / 11) + (v === d % 11 ? cell % 11 : 0);
          const segments = { touchpoint };
          rows.push({
            flowKey: flow.key,
            stepId: "score",
            scale: "nps",
            day,
            channel,
            locale,
            segments,
            histogram,
          });
          const counters: ActivityRow["counters"] = {
            started: Math.round(cell * 1.2),
            responded: cell,
            "sentiment:positive": Math.floor(cell * 0.3),
            "sentiment:neutral": Math.floor(cell * 0.2),
            "sentiment:negative": Math.floor(cell * 0.2),
            ...Object.fromEntries(
              THEMES.flatMap((t, k) => [
                [`theme:${t}`, Math.floor(cell / (k + 2))],
                [`themeNegative:${t}`, Math.floor(cell / (k + 4))],
              ]),
            ),
          };
          activity.push({ flowKey: flow.key, day, channel, locale, segments, counters });
        }
      }
    }
    await store.replaceDay({ flowKey: flow.key, day }, rows, activity);
  }
}

async function timeReport(
  sources: ReportSources,
  flow: Flow,
): Promise<{ first: number; ms: number; started: number; answers: number }> {
  const times: number[] = [];
  let started = 0;
  let answers = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const report = await buildReport(sources, flow, YEAR_DAYS, NOW);
    times.push(performance.now() - t0);
    started = report.started;
    answers = report.scores[0]?.current.responses ?? 0;
  }
  return { first: times[0] ?? Number.NaN, ms: median(times.slice(1)), started, answers };
}

async function main(): Promise<void> {
  const server = await benchServer("report-data");
  const { target } = server;
  const dbName = `cxbench_report_${Date.now().toString(36)}`;
  // As cxbot opens it: on its own embedded server it is the only writer and keeps the rollups in memory.
  const soleWriter = target.kind !== "external";
  const db = await openDatabase(target.uri, dbName, { soleWriter });
  try {
    const definition = (await loadFlowDirectory(join(root, "flows"))).flows.find((f) => f.key === "nps");
    if (!definition) throw new Error("flows/nps is missing");
    const small: Flow = { ...definition, key: "bench-10k", version: 1, segments: ["touchpoint"] };
    const large: Flow = { ...definition, key: "bench-1m", version: 1, segments: ["touchpoint"] };
    console.log(`One-year report (/cx report <flow> 12m) from the daily rollups, median of ${RUNS} runs:`);
    let t0 = performance.now();
    await writeDirectly(db.stores.rollups, large, 1_000_000);
    console.log(
      `  1,000,000 responses' rollups written directly in ${Math.round(performance.now() - t0)} ms`,
    );
    t0 = performance.now();
    await writeThroughWriter(db.stores.rollups, small, 10_000);
    console.log(
      `  10,000 responses written through the rollup writer in ${Math.round(performance.now() - t0)} ms`,
    );
    // Read straight from the database (what a process that is not the only writer does on every report).
    const direct = createRollupStore(db.stores.models);
    const a = await timeReport({ rollups: direct }, small);
    const b = await timeReport({ rollups: direct }, large);
    console.log(`  read from the database each time (MONGODB_URI, or not the only writer):`);
    console.log(
      `    10,000 responses:    ${a.ms.toFixed(1)} ms (a year: ${a.started} conversations, ${a.answers} scores)`,
    );
    console.log(
      `    1,000,000 responses: ${b.ms.toFixed(1)} ms (a year: ${b.started} conversations, ${b.answers} scores)`,
    );
    console.log(`    ratio 1M / 10k: ${(b.ms / a.ms).toFixed(2)}`);
    if (soleWriter) {
      // The embedded default: the first report reads every rollup once, the next ones read memory.
      const heapBefore = process.memoryUsage().heapUsed;
      const c = await timeReport(db.stores, small);
      const heapAfter = process.memoryUsage().heapUsed;
      const d = await timeReport(db.stores, large);
      console.log(`  the only writer (the embedded server cxbot started), rollups kept in memory:`);
      console.log(
        `    first report (reads every rollup document once): ${c.first.toFixed(1)} ms; heap +${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB`,
      );
      console.log(`    10,000 responses:    ${c.ms.toFixed(1)} ms`);
      console.log(`    1,000,000 responses: ${d.ms.toFixed(1)} ms`);
      console.log(`    ratio 1M / 10k: ${(d.ms / c.ms).toFixed(2)}`);
    }
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await server.stop();
  }
}

await main();
