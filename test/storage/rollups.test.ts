import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationState } from "../../core/engine/state.ts";
import type { RollupBatch, RollupIncrement, RollupStore } from "../../core/ports.ts";
import {
  bucketId,
  exampleCounter,
  RollupBuffer,
  readExampleCounter,
  rebuildRollups,
  recomputeRollups,
  repairRollups,
} from "../../core/rollups.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { type RollupDoc, raw } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

/**
 * Crash safety of the score rollups on the real database: a batch applied twice counts once, a run records
 * the days it touches and forgets them at a clean close, and a repair rebuilds the days a crashed run touched
 * so that the stored rollups equal a recomputation from the stored conversations.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const inc = (day: string, value: number, count = 1): RollupIncrement => ({
  bucket: { flowKey: "idem", stepId: "score", scale: "nps", day, channel: "telegram", locale: "en" },
  value,
  count,
});
const total = async (flowKey: string, from = "2000-01-01", to = "2100-01-01") =>
  (await h.stores.rollups.read(flowKey, from, to)).reduce(
    (n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0),
    0,
  );

/** A store whose `apply` writes and then loses the acknowledgement, as a dropped connection would. */
function losingAcks(store: RollupStore, lose: () => boolean): RollupStore & { attempts: RollupBatch[] } {
  const attempts: RollupBatch[] = [];
  return {
    ...store,
    attempts,
    async apply(batch) {
      attempts.push(batch);
      await store.apply(batch);
      if (lose()) throw new Error("connection reset before the acknowledgement");
    },
  };
}

describe("idempotent flushes", () => {
  it("count a repeated batch once, and finish a batch that was applied only in part", async () => {
    const batch = { runId: "run-idem", seq: 1, increments: [inc("2026-04-01", 9), inc("2026-04-01", 3)] };
    await h.stores.rollups.apply(batch);
    await h.stores.rollups.apply(batch);
    expect(await total("idem")).toBe(2);
    // The same batch with a bucket on another day: as if the first attempt reached only the first document.
    await h.stores.rollups.apply({ ...batch, increments: [...batch.increments, inc("2026-04-02", 7)] });
    expect(await total("idem")).toBe(3);
    // The next batch of the run, and a batch of another run, apply as usual.
    await h.stores.rollups.apply({ runId: "run-idem", seq: 2, increments: [inc("2026-04-01", 10)] });
    await h.stores.rollups.apply({ runId: "other-run", seq: 1, increments: [inc("2026-04-01", 10)] });
    expect(await total("idem")).toBe(5);
    const doc = await raw<RollupDoc>(h.stores.models.Rollup).findOne({ _id: "idem|score|2026-04-01" });
    expect(doc?.n).toBe(4);
    expect(doc?.h).toEqual({ v9: 1, v3: 1, v10: 2 });
  });

  it("retry a flush whose acknowledgement was lost without counting it twice", async () => {
    let lose = true;
    const store = losingAcks(h.stores.rollups, () => lose);
    const buffer = new RollupBuffer(store, { intervalMs: 0 });
    buffer.add([inc("2026-05-01", 8), inc("2026-05-02", 6)]);
    await expect(buffer.flush()).rejects.toThrow("acknowledgement");
    expect(await total("idem", "2026-05-01", "2026-05-31")).toBe(2);
    lose = false;
    buffer.add([inc("2026-05-01", 10)]);
    await buffer.flush();
    expect(await total("idem", "2026-05-01", "2026-05-31")).toBe(3);
    // The lost batch went again unchanged, then the new answers as the next batch.
    expect(store.attempts.map((b) => [b.seq, b.increments.length])).toEqual([
      [1, 2],
      [1, 2],
      [2, 1],
    ]);
    await buffer.close();
  });

  it("record the days a run touches before its answers count, and forget the run at a clean close", async () => {
    const buffer = new RollupBuffer(h.stores.rollups, { intervalMs: 0 });
    await buffer.prepare([inc("2026-06-01", 5), inc("2026-06-02", 5), inc("2026-06-01", 1)]);
    const run = (await h.stores.rollups.listRuns()).find((r) => r.runId === buffer.runId);
    expect(run?.pid).toBe(process.pid);
    expect(run?.touched.map((d) => d.day).sort()).toEqual(["2026-06-01", "2026-06-02"]);
    buffer.add([inc("2026-06-01", 5)]);
    await buffer.close();
    expect((await h.stores.rollups.listRuns()).map((r) => r.runId)).not.toContain(buffer.runId);
    expect(await total("idem", "2026-06-01", "2026-06-30")).toBe(1);
  });
});

async function storedStates(): Promise<ConversationState[]> {
  const states = new Map<string, ConversationState>();
  for (const r of await h.stores.conversations.listIdle(new Date("2100-01-01"), 100_000))
    states.set(r.state.id, r.state);
  for await (const r of h.stores.responses.list({ flowKey: "nps" })) states.set(r.state.id, r.state);
  return [...states.values()].filter((s) => s.flowKey === "nps");
}

describe("crash repair", () => {
  it("rebuilds the days a crashed run touched to equal a recomputation, and leaves other days alone", async () => {
    // A day no run touched, with made-up counts: a repair must not rewrite it.
    await h.stores.rollups.apply({
      runId: "elsewhere",
      seq: 1,
      increments: [{ ...inc("2026-01-01", 4), bucket: { ...inc("2026-01-01", 4).bucket, flowKey: "nps" } }],
    });
    // A worker that answers and is then lost without a shutdown: nothing it buffered was written.
    const stores = createMongoStores(h.db.connection);
    const crashed = createSurveyService({
      stores,
      flows: h.flows,
      analyzer: createRuleBasedSentimentAnalyzer(),
      defaultLocale: "en",
      defaultFlow: "nps",
      rollupFlushMs: 0,
      clock: () => new Date("2026-11-24T15:00:00Z"),
    });
    for (let i = 0; i < 6; i++) {
      const r = new FakeRespondent(crashed, `crash-${i}`, { channel: "telegram" });
      await r.start("nps");
      await r.send(String(i + 4));
      if (i % 3 === 0) await r.send("/stop");
      if (i === 1) {
        await r.send("/restart");
        await r.send("2");
      }
    }
    await crashed.flush();
    // A second burst after the last flush, lost with the process.
    for (let i = 6; i < 10; i++) {
      const r = new FakeRespondent(crashed, `crash-${i}`, { channel: "telegram" });
      await r.start("nps");
      await r.send(String(i));
    }
    // Some counted twice by a doubled flush, to see the rebuild replace rather than add.
    await h.stores.rollups.apply({
      runId: "doubled",
      seq: 1,
      increments: [{ ...inc("2026-11-24", 9), bucket: { ...inc("2026-11-24", 9).bucket, flowKey: "nps" } }],
    });
    const before = await h.stores.rollups.read("nps", "2026-11-24", "2026-11-24");
    const expected = recomputeRollups(await storedStates(), "UTC");
    const histogramsOf = (rows: typeof before) => new Map(rows.map((r) => [bucketId(r), r.histogram]));
    expect(histogramsOf(before)).not.toEqual(new Map([...expected].map(([id, r]) => [id, r.histogram])));

    const report = await repairRollups({
      rollups: h.stores.rollups,
      responses: h.stores.responses,
      conversations: h.stores.conversations,
      timeZoneOf: zoneOf,
      isAbandoned: (run) => run.touched.some((d) => d.flowKey === "nps"),
      isDayOver: async () => true,
    });
    expect(report.rebuiltDays).toEqual([{ flowKey: "nps", day: "2026-11-24" }]);
    expect(report.repairedRuns).toHaveLength(1);
    const after = await h.stores.rollups.read("nps", "2000-01-01", "2100-01-01");
    expect(histogramsOf(after.filter((r) => r.day === "2026-11-24"))).toEqual(
      new Map([...expected].map(([id, r]) => [id, r.histogram])),
    );
    expect(after.filter((r) => r.day !== "2026-11-24").map((r) => [r.day, r.histogram])).toEqual([
      ["2026-01-01", { 4: 1 }],
    ]);
    // Ten respondents, one score each counted (the restarted one's first score withdrawn).
    expect(await total("nps", "2026-11-24", "2026-11-24")).toBe(10);
    // Repeating the repair finds nothing left to do; rebuilding again writes the same.
    const again = await repairRollups({
      ...sourcesFor(),
      isAbandoned: (run) => run.touched.some((d) => d.flowKey === "nps"),
      isDayOver: async () => true,
    });
    expect(again.rebuiltDays).toEqual([]);
    await rebuildRollups(sourcesFor(), report.rebuiltDays);
    expect(await h.stores.rollups.read("nps", "2026-11-24", "2026-11-24")).toEqual(
      after.filter((r) => r.day === "2026-11-24"),
    );
  });

  it("defers a day a live run shares until that day is over", async () => {
    const live = new RollupBuffer(h.stores.rollups, { intervalMs: 0 });
    const day = { flowKey: "nps", day: "2026-12-01" };
    const bucket = { ...inc(day.day, 1).bucket, flowKey: "nps" };
    await live.prepare([{ bucket, value: 1, count: 1 }]);
    const dead = new RollupBuffer(h.stores.rollups, { intervalMs: 0 });
    await dead.prepare([{ bucket, value: 1, count: 1 }]);
    let over = false;
    const options = {
      ...sourcesFor(),
      isAbandoned: (run: { runId: string }) => run.runId === dead.runId,
      isDayOver: async () => over,
    };
    const first = await repairRollups(options);
    expect(first.deferredDays).toEqual([day]);
    expect(first.repairedRuns).toEqual([]);
    over = true;
    const second = await repairRollups(options);
    expect(second.rebuiltDays).toEqual([day]);
    expect(second.repairedRuns).toEqual([dead.runId]);
    await live.close();
  });
});

function sourcesFor() {
  return {
    rollups: h.stores.rollups,
    responses: h.stores.responses,
    conversations: h.stores.conversations,
    timeZoneOf: zoneOf,
  };
}

async function zoneOf(state: ConversationState): Promise<string> {
  const flow = await h.flows.get(state.flowKey, state.flowVersion);
  if (!flow) throw new Error(`no flow ${state.flowKey}@${state.flowVersion}`);
  return flow.timeZone;
}

describe("example comments in the conversation rollups", () => {
  const example = (locale: "en" | "fa", count: number) => ({
    bucket: { flowKey: "ex", day: "2026-06-01", channel: "telegram" as const, locale },
    counter: exampleCounter("processes", "conv.1$", "why"),
    count,
    text: "late again",
  });
  const stored = async () => {
    const days = await h.stores.rollups.readDays("ex", "2026-06-01", "2026-06-01");
    return { counters: days.activity[0]?.counters ?? {}, examples: days.activity[0]?.examples ?? {} };
  };

  it("keep the comment while it counts, through a move to another bucket in one batch, and drop it when withdrawn", async () => {
    const counter = exampleCounter("processes", "conv.1$", "why");
    expect(readExampleCounter(counter)).toEqual({
      theme: "processes",
      conversationId: "conv.1$",
      stepId: "why",
    });
    await h.stores.rollups.apply({ runId: "run-ex", seq: 1, increments: [example("en", 1)] });
    expect(await stored()).toEqual({ counters: { [counter]: 1 }, examples: { [counter]: "late again" } });
    // The respondent switched language: withdrawn from the en bucket, added to fa, in the same batch.
    await h.stores.rollups.apply({
      runId: "run-ex",
      seq: 2,
      increments: [example("en", -1), example("fa", 1)],
    });
    expect(await stored()).toEqual({ counters: { [counter]: 1 }, examples: { [counter]: "late again" } });
    await h.stores.rollups.apply({ runId: "run-ex", seq: 3, increments: [example("fa", -1)] });
    expect(await stored()).toEqual({ counters: {}, examples: {} });
  });
});

describe("a sole writer's memory of the rollups", () => {
  it("reads the same as the database after every kind of write it makes", async () => {
    const cached = createMongoStores(h.db.connection, { soleWriter: true }).rollups;
    const plain = h.stores.rollups;
    const same = async () => {
      const [a, b] = [
        await cached.readDays("mem", "2026-01-01", "2026-12-31"),
        await plain.readDays("mem", "2026-01-01", "2026-12-31"),
      ];
      expect(a).toEqual(b);
      expect(await cached.read("mem", "2026-01-01", "2026-12-31")).toEqual(
        await plain.read("mem", "2026-01-01", "2026-12-31"),
      );
      expect(await cached.storedDays("mem", "2026-01-01", "2026-12-31")).toEqual(
        await plain.storedDays("mem", "2026-01-01", "2026-12-31"),
      );
      return a;
    };
    await cached.remember(); // read once: from now on, from memory
    expect((await same()).scores).toEqual([]);
    const score = (day: string, value: number, count = 1): RollupIncrement => ({
      bucket: { flowKey: "mem", stepId: "score", scale: "nps", day, channel: "telegram", locale: "fa" },
      value,
      count,
    });
    const counter = exampleCounter("price", "conv-mem", "why");
    const started = {
      bucket: { flowKey: "mem", day: "2026-07-01", channel: "telegram" as const, locale: "fa" as const },
      counter: "started" as const,
      count: 1,
    };
    const ex = { ...started, counter, text: "too expensive" };
    const batch = {
      runId: "run-mem",
      seq: 1,
      increments: [score("2026-07-01", 3), score("2026-07-02", 10), started, ex],
    };
    await cached.apply(batch);
    const first = await same();
    expect(first.scores.map((s) => s.day)).toEqual(["2026-07-01", "2026-07-02"]);
    expect(first.activity[0]?.examples).toEqual({ [counter]: "too expensive" });
    await cached.apply(batch); // again, as after a lost acknowledgement: counted once
    expect(await same()).toEqual(first);
    // The respondent switched language: withdrawn from fa and added to en in one batch.
    await cached.apply({
      runId: "run-mem",
      seq: 2,
      increments: [
        { ...started, count: -1 },
        { ...ex, count: -1 },
        { ...started, bucket: { ...started.bucket, locale: "en" } },
        { ...ex, bucket: { ...ex.bucket, locale: "en" } },
      ],
    });
    const moved = await same();
    expect(moved.activity[0]?.byLocale).toEqual({ fa: {}, en: { started: 1 } });
    expect(moved.activity[0]?.examples).toEqual({ [counter]: "too expensive" });

    await cached.replaceDay(
      { flowKey: "mem", day: "2026-07-02" },
      [
        {
          flowKey: "mem",
          stepId: "other",
          scale: "nps",
          day: "2026-07-02",
          channel: "slack",
          locale: "en",
          histogram: { 7: 2 },
        },
      ],
      [],
    );
    expect((await same()).scores.map((s) => `${s.day} ${s.stepId}`)).toEqual([
      "2026-07-01 score",
      "2026-07-02 other",
    ]);

    expect(await cached.examplesOf(new Set(["conv-mem"]))).toEqual([
      { flowKey: "mem", day: "2026-07-01", comment: "too expensive" },
    ]);
    expect(await cached.eraseExamples(new Set(["conv-mem"]))).toBe(1);
    expect((await same()).activity[0]?.examples).toBeUndefined();
    await cached.apply({
      runId: "run-mem",
      seq: 3,
      increments: [{ ...ex, counter: exampleCounter("price", "conv-2", "why") }],
    });
    expect(await cached.retainExamples("2026-07-02")).toBe(1);
    expect((await same()).activity[0]?.counters.started).toBe(1);

    await cached.clear("mem");
    expect(await same()).toEqual({ scores: [], activity: [] });

    // It reads from memory: a document written behind its back (which a sole writer never sees) is not read.
    await h.db.connection.collection("activity_rollups").insertOne({
      _id: "mem|2026-08-01" as never,
      flowKey: "mem",
      day: "2026-08-01",
      c: { started: 1 },
      by: {},
      seg: {},
    });
    expect((await plain.readDays("mem", "2026-01-01", "2026-12-31")).activity).toHaveLength(1);
    expect((await cached.readDays("mem", "2026-01-01", "2026-12-31")).activity).toHaveLength(0);
    await plain.clear("mem");
  });
});
