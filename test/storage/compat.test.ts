import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * The server operations cxbot's stores rely on, run against the resolved server (embedded FerretDB, or
 * MONGODB_URI), so that a behaviour change in either FerretDB or MongoDB shows up here first.
 */

interface Doc {
  _id: string;
  rev?: number;
  n?: number;
  sum?: number;
  by?: Record<string, Record<string, number>>;
  flowKey?: string;
  day?: string;
  score?: number;
  at?: Date;
}

let db: TestDb;
const col = (name: string) => db.connection.db!.collection<Doc>(name);

/** FerretDB answers buildInfo with a `ferretdbVersion` (MongoDB does not). */
async function isFerretDb(): Promise<boolean> {
  const info = await db.connection.db!.admin().buildInfo();
  return "ferretdbVersion" in info || "ferretdb" in info;
}

beforeAll(async () => {
  db = await connectTestDb("compat");
});
afterAll(async () => {
  await db?.drop();
});

describe("MongoDB-compatible server", () => {
  it("inserts, and rejects a duplicate _id with E11000", async () => {
    const c = col("dup");
    await c.insertOne({ _id: "a", rev: 1 });
    const error = await c.insertOne({ _id: "a", rev: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 11000 });
    expect(await c.findOne({ _id: "a" })).toEqual({ _id: "a", rev: 1 });
  });

  it("reports E11000 on a unique secondary index", async () => {
    const c = col("uniq");
    await c.createIndex({ flowKey: 1, rev: 1 }, { unique: true });
    await c.insertOne({ _id: "x", flowKey: "nps", rev: 1 });
    await expect(c.insertOne({ _id: "y", flowKey: "nps", rev: 1 })).rejects.toMatchObject({ code: 11000 });
  });

  it("findOneAndUpdate on {_id, rev} updates the current rev and returns null for a stale one", async () => {
    const c = col("cas");
    await c.insertOne({ _id: "k", rev: 1, n: 0 });
    const updated = await c.findOneAndUpdate(
      { _id: "k", rev: 1 },
      { $set: { rev: 2 }, $inc: { n: 1 } },
      { returnDocument: "after" },
    );
    expect(updated).toEqual({ _id: "k", rev: 2, n: 1 });
    const stale = await c.findOneAndUpdate(
      { _id: "k", rev: 1 },
      { $set: { rev: 3 } },
      { returnDocument: "after" },
    );
    expect(stale).toBeNull();
    expect(await c.findOne({ _id: "k" })).toEqual({ _id: "k", rev: 2, n: 1 });
  });

  it("updateOne with $inc and upsert creates, then increments", async () => {
    const c = col("upsert");
    const first = await c.updateOne(
      { _id: "r" },
      { $inc: { n: 2, "by.telegram.v9": 1 }, $setOnInsert: { flowKey: "nps" } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    const second = await c.updateOne(
      { _id: "r" },
      { $inc: { n: 3, "by.telegram.v9": 1 }, $setOnInsert: { flowKey: "other" } },
      { upsert: true },
    );
    expect(second.matchedCount).toBe(1);
    expect(second.upsertedCount).toBe(0);
    expect(await c.findOne({ _id: "r" })).toEqual({
      _id: "r",
      n: 5,
      by: { telegram: { v9: 2 } },
      flowKey: "nps",
    });
  });

  it("bulkWrite applies ordered upserting $incs", async () => {
    const c = col("bulk");
    const ops = (days: string[], k: number) =>
      days.map((day) => ({
        updateOne: {
          filter: { _id: `nps|score|${day}` },
          update: { $inc: { n: 1, sum: k, [`by.slack.v${k}`]: 1 }, $setOnInsert: { flowKey: "nps", day } },
          upsert: true,
        },
      }));
    const first = await c.bulkWrite(ops(["2026-11-23", "2026-11-24"], 7), { ordered: true });
    expect(first.upsertedCount).toBe(2);
    const second = await c.bulkWrite(ops(["2026-11-24", "2026-11-25"], 9), { ordered: true });
    expect(second.upsertedCount).toBe(1);
    expect(second.matchedCount).toBe(1);
    const docs = await c.find({}).sort({ _id: 1 }).toArray();
    expect(docs).toEqual([
      {
        _id: "nps|score|2026-11-23",
        n: 1,
        sum: 7,
        by: { slack: { v7: 1 } },
        flowKey: "nps",
        day: "2026-11-23",
      },
      {
        _id: "nps|score|2026-11-24",
        n: 2,
        sum: 16,
        by: { slack: { v7: 1, v9: 1 } },
        flowKey: "nps",
        day: "2026-11-24",
      },
      {
        _id: "nps|score|2026-11-25",
        n: 1,
        sum: 9,
        by: { slack: { v9: 1 } },
        flowKey: "nps",
        day: "2026-11-25",
      },
    ]);
  });

  it("bulkWrite reports the index of the op that hit E11000", async () => {
    const c = col("bulkdup");
    await c.insertOne({ _id: "taken" });
    const error = await c
      .bulkWrite(
        [{ insertOne: { document: { _id: "fresh" } } }, { insertOne: { document: { _id: "taken" } } }],
        { ordered: true },
      )
      .then(
        () => undefined,
        (e: unknown) => e as { code?: number; writeErrors?: { index?: number; code?: number }[] },
      );
    expect(error?.code).toBe(11000);
    expect(error?.writeErrors?.[0]).toMatchObject({ index: 1, code: 11000 });
    expect(await c.countDocuments({})).toBe(2);
  });

  it("concurrent inserts of one _id: exactly one wins, the others get E11000", async () => {
    const c = col("race_insert");
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, w) => c.insertOne({ _id: `claim${round}`, rev: w })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: 11000 });
    }
  });

  // Not relied on: concurrent conditional writes on {_id, rev}. FerretDB 1.24 (SQLite) lets several concurrent
  // replaceOne/findOneAndUpdate calls match the same rev (seen in 19 of 20 rounds of 8 writers), so the
  // conversation store claims each revision with an insert instead (test/storage/stores.test.ts).

  it("replaceOne on {_id, rev} matches only the current rev", async () => {
    const c = col("replace");
    await c.insertOne({ _id: "c", rev: 1, n: 1 });
    const ok = await c.replaceOne({ _id: "c", rev: 1 }, { rev: 2, n: 2 });
    expect(ok.matchedCount).toBe(1);
    const stale = await c.replaceOne({ _id: "c", rev: 1 }, { rev: 3, n: 3 });
    expect(stale.matchedCount).toBe(0);
    expect(await c.findOne({ _id: "c" })).toEqual({ _id: "c", rev: 2, n: 2 });
    const upserted = await c.replaceOne({ _id: "d" }, { rev: 1 }, { upsert: true });
    expect(upserted.upsertedCount).toBe(1);
  });

  it("distinct, and aggregate with $match/$group/$sum", async () => {
    const c = col("agg");
    await c.insertMany([
      { _id: "1", flowKey: "nps", score: 9 },
      { _id: "2", flowKey: "nps", score: 3 },
      { _id: "3", flowKey: "csat", score: 5 },
      { _id: "4", flowKey: "ces", score: 2 },
    ]);
    expect((await c.distinct("flowKey")).sort()).toEqual(["ces", "csat", "nps"]);
    expect((await c.distinct("flowKey", { score: { $gte: 3 } })).sort()).toEqual(["csat", "nps"]);
    const group = (accumulators: Record<string, unknown>) =>
      c
        .aggregate([
          { $match: { flowKey: { $in: ["nps", "csat"] } } },
          { $group: { _id: "$flowKey", ...accumulators } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
    expect(await group({ total: { $sum: "$score" } })).toEqual([
      { _id: "csat", total: 5 },
      { _id: "nps", total: 12 },
    ]);
    expect(await group({ n: { $sum: 1 } })).toEqual([
      { _id: "csat", n: 1 },
      { _id: "nps", n: 2 },
    ]);
  });

  it("aggregate with several $sum accumulators in one $group (FerretDB 1.x: only the first one counts)", async () => {
    const c = col("agg2");
    await c.insertMany([
      { _id: "1", flowKey: "nps", score: 9 },
      { _id: "2", flowKey: "nps", score: 3 },
    ]);
    const groups = await c
      .aggregate([{ $group: { _id: "$flowKey", n: { $sum: 1 }, total: { $sum: "$score" } } }])
      .toArray();
    if (await isFerretDb()) {
      // https://github.com/FerretDB/FerretDB/issues/4616 — the second accumulator stays 0. cxbot must use one
      // accumulator per $group (or read rollup documents) while it runs on FerretDB 1.x. When this assertion
      // fails after an upgrade, the bug is fixed: drop this branch.
      expect(groups).toEqual([{ _id: "nps", n: 2, total: 0 }]);
    } else {
      expect(groups).toEqual([{ _id: "nps", n: 2, total: 12 }]);
    }
  });

  it("deleteMany with a date range filter", async () => {
    const c = col("ttl");
    const base = Date.parse("2026-11-24T00:00:00Z");
    await c.insertMany([0, 1, 2, 3, 4].map((d) => ({ _id: `e${d}`, at: new Date(base + d * 86_400_000) })));
    const result = await c.deleteMany({ at: { $lt: new Date(base + 2 * 86_400_000) } });
    expect(result.deletedCount).toBe(2);
    expect((await c.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(["e2", "e3", "e4"]);
  });
});
