import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversation } from "../../core/engine/engine.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { ConversationRecord, RollupIncrement } from "../../core/ports.ts";
import { RollupBuffer } from "../../core/rollups.ts";
import { createConversationStore } from "../../storage/conversation-store.ts";
import { ensureIndexes, raw } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import {
  type ConversationHeadDoc,
  type ConversationRevisionDoc,
  STORED_VERSION,
} from "../../storage/schemas.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let nps: Flow;

beforeAll(async () => {
  db = await connectTestDb("stores");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const { flows } = await loadFlowDirectory("flows");
  nps = { ...(flows.find((f) => f.key === "nps") as Flow), version: 1 };
});
afterAll(async () => {
  await db.drop();
});

function record(userId: string, rev = 1): ConversationRecord {
  const o = startConversation(
    nps,
    { id: `conv-${userId}`, respondent: { channel: "telegram", userId }, locale: "fa" },
    new Date(),
  );
  return { key: `telegram:${userId}`, rev, state: o.state, recentEventIds: ["e1"], transcript: [] };
}
const next = (r: ConversationRecord, marker: string): ConversationRecord => ({
  ...r,
  rev: r.rev + 1,
  recentEventIds: [...r.recentEventIds, marker],
});

describe("conversation store", () => {
  it("creates one active conversation per respondent", async () => {
    const r = record("create");
    expect(await stores.conversations.create(r)).toBe("ok");
    expect(await stores.conversations.create(r)).toBe("conflict");
    expect((await stores.conversations.getActive(r.key))?.state.id).toBe("conv-create");
  });

  it("lets exactly one of many concurrent writers of a revision win", async () => {
    const r = record("race");
    await stores.conversations.create(r);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stores.conversations.update(next(r, `w${i}`), r.rev)),
    );
    expect(results.filter((x) => x === "ok")).toHaveLength(1);
    const stored = await stores.conversations.getActive(r.key);
    const winner = results.indexOf("ok");
    expect(stored?.rev).toBe(2);
    expect(stored?.recentEventIds).toEqual(["e1", `w${winner}`]);
    expect(await stores.conversations.update(next(r, "late"), r.rev)).toBe("conflict");
  });

  it("a second process whose pointer is behind gets a conflict, then reads forward", async () => {
    const other = createConversationStore(stores.models);
    const r = record("two-processes");
    await stores.conversations.create(r);
    expect((await other.getActive(r.key))?.rev).toBe(1);
    expect(await stores.conversations.update(next(r, "a"), 1)).toBe("ok");
    const behind = await other.getActive(r.key);
    expect(behind?.rev).toBe(1);
    expect(await other.update(next(r, "b"), 1)).toBe("conflict");
    const caughtUp = await other.getActive(r.key);
    expect(caughtUp?.rev).toBe(2);
    expect(caughtUp?.recentEventIds).toEqual(["e1", "a"]);
    expect((await other.getActive(r.key, { fresh: true }))?.rev).toBe(2);
  });

  it("compacts superseded revisions; a process without a pointer still finds the newest", async () => {
    const revisions = raw<ConversationRevisionDoc>(stores.models.ConversationRevision);
    let r = record("compacted");
    await stores.conversations.create(r);
    for (let i = 0; i < 5; i++) {
      const n = next(r, `u${i}`);
      expect(await stores.conversations.update(n, r.rev)).toBe("ok");
      r = n;
    }
    await stores.conversations.compact({ all: true });
    const left = await revisions.find({ key: r.key }).toArray();
    expect(left.map((d) => d.rev)).toEqual([6]);
    const other = createConversationStore(stores.models);
    expect((await other.getActive(r.key))?.recentEventIds.at(-1)).toBe("u4");
  });

  it("a fresh read notices that another process archived the conversation", async () => {
    const other = createConversationStore(stores.models);
    const r = record("archived-elsewhere");
    await stores.conversations.create(r);
    await other.getActive(r.key);
    const ended: ConversationRecord = {
      ...next(r, "end"),
      state: { ...r.state, status: "stopped", stepId: null, endedAt: new Date().toISOString() },
    };
    expect(await stores.conversations.update(ended, 1)).toBe("ok");
    await stores.conversations.archive(ended);
    expect(await other.getActive(r.key, { fresh: true })).toBeNull();
  });

  it("forgets a head whose first revision never landed (a crash between the two inserts)", async () => {
    const heads = raw<ConversationHeadDoc>(stores.models.ConversationHead);
    await heads.insertOne({
      _id: "telegram:orphan",
      v: STORED_VERSION,
      conversationId: "gone",
      startedAt: new Date(Date.now() - 60_000),
    });
    expect(await stores.conversations.getActive("telegram:orphan")).toBeNull();
    expect(await stores.conversations.create(record("orphan"))).toBe("ok");
  });

  it("lists idle conversations by their newest revision only", async () => {
    const r = record("idle");
    await stores.conversations.create(r);
    const later = {
      ...next(r, "later"),
      state: { ...r.state, updatedAt: new Date(Date.now() + 3600_000).toISOString() },
    };
    const idleBefore = new Date(Date.now() + 60_000);
    expect((await stores.conversations.listIdle(idleBefore, 100)).map((x) => x.key)).toContain(
      "telegram:idle",
    );
    await stores.conversations.update(later, 1);
    expect((await stores.conversations.listIdle(idleBefore, 100)).map((x) => x.key)).not.toContain(
      "telegram:idle",
    );
  });

  it("archives idempotently and frees the respondent's key", async () => {
    const r = record("archive");
    await stores.conversations.create(r);
    const ended: ConversationRecord = {
      ...next(r, "end"),
      state: { ...r.state, status: "completed", stepId: null, endedAt: new Date().toISOString() },
    };
    expect(await stores.conversations.update(ended, r.rev)).toBe("ok");
    const before = await stores.responses.count({ flowKey: "nps" });
    await stores.conversations.archive(ended);
    await stores.conversations.archive(ended);
    expect(await stores.conversations.getActive(r.key)).toBeNull();
    expect((await stores.responses.get("conv-archive"))?.state.status).toBe("completed");
    expect(await stores.responses.count({ flowKey: "nps" })).toBe(before + 1);
    expect(await stores.conversations.create(record("archive"))).toBe("ok");
    expect(await stores.conversations.compact({ all: true })).toBeGreaterThanOrEqual(2);
  });
});

describe("conversation store of a sole writer", () => {
  it("answers from what it wrote, without reading; a restarted process reads it back", async () => {
    const sole = createMongoStores(db.connection, { soleWriter: true });
    const r = record("sole");
    expect(await sole.conversations.create(r)).toBe("ok");
    const r2 = next(r, "e2");
    expect(await sole.conversations.update(r2, r.rev)).toBe("ok");
    // Served from memory: even a revision gone from the database (as no other writer can make happen).
    await sole.models.ConversationRevision.collection.deleteOne({
      _id: "telegram:sole#conv-sole#2",
    } as never);
    expect(await sole.conversations.getActive(r.key, { fresh: true })).toBe(r2);
    await sole.conversations.update(next(r2, "e3"), r2.rev);
    const restarted = createMongoStores(db.connection, { soleWriter: true });
    expect((await restarted.conversations.getActive(r.key))?.recentEventIds).toEqual(["e1", "e2", "e3"]);
    await sole.conversations.archive({ ...next(r2, "e3"), rev: 3 });
    expect(await sole.conversations.getActive(r.key)).toBeNull();
  });
});

describe("conversation store of a sole writer, when a write fails", () => {
  it("keeps nothing it cannot vouch for: a write the server saved but reported failed is read back", async () => {
    const sole = createMongoStores(db.connection, { soleWriter: true });
    const r = record("sole-fail");
    await sole.conversations.create(r);
    const collection = sole.models.ConversationRevision.collection;
    const insertOne = collection.insertOne.bind(collection);
    // The server commits, then the connection drops before the answer arrives.
    collection.insertOne = (async (...args: Parameters<typeof insertOne>) => {
      await insertOne(...args);
      throw new Error("connection reset");
    }) as typeof collection.insertOne;
    try {
      await expect(sole.conversations.update(next(r, "lost-ack"), r.rev)).rejects.toThrow("connection reset");
    } finally {
      collection.insertOne = insertOne as typeof collection.insertOne;
    }
    const read = await sole.conversations.getActive(r.key, { fresh: true });
    expect(read?.rev).toBe(2);
    expect(read?.recentEventIds).toEqual(["e1", "lost-ack"]);
  });
});

describe("processed events", () => {
  it("claims an id once, remembers ids in bulk, and prunes old ones", async () => {
    expect(await stores.events.claim("tg:1", new Date())).toBe(true);
    expect(await stores.events.claim("tg:1", new Date())).toBe(false);
    await stores.events.remember(["tg:1", "tg:2", "tg:3"], new Date(Date.now() - 10 * 86_400_000));
    expect(await stores.events.has("tg:2")).toBe(true);
    expect(await stores.events.has("tg:4")).toBe(false);
    expect(await stores.events.prune(new Date(Date.now() - 86_400_000))).toBe(2);
    expect(await stores.events.has("tg:1")).toBe(true);
  });
});

describe("rollups", () => {
  const inc = (
    value: number,
    channel: "telegram" | "slack",
    locale: "fa" | "en",
    count = 1,
  ): RollupIncrement => ({
    bucket: { flowKey: "nps", stepId: "score", scale: "nps", day: "2026-01-05", channel, locale },
    value,
    count,
  });

  it("count exactly per channel and locale, and take withdrawals", async () => {
    const batch = (seq: number, increments: RollupIncrement[]) => ({ runId: "count", seq, increments });
    for (let i = 0; i < 12; i++)
      await stores.rollups.apply(
        batch(i + 1, [inc(i % 11, i % 2 ? "telegram" : "slack", i % 3 ? "fa" : "en")]),
      );
    await stores.rollups.apply(batch(13, [inc(10, "slack", "en", -1)]));
    const rows = await stores.rollups.read("nps", "2026-01-01", "2026-01-31");
    const total = rows.reduce((n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(11);
    expect(new Set(rows.map((r) => `${r.channel}/${r.locale}`))).toEqual(
      new Set(["slack/en", "slack/fa", "telegram/en", "telegram/fa"]),
    );
    expect(await stores.rollups.read("nps", "2026-02-01", "2026-02-28")).toEqual([]);
    await stores.rollups.clear("nps");
  });

  it("lose nothing when answers arrive while the buffer is flushing", async () => {
    const buffer = new RollupBuffer(stores.rollups, { intervalMs: 0, maxPending: 3 });
    const work: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      buffer.add([
        {
          ...inc(i % 11, "telegram", "fa"),
          bucket: {
            ...inc(0, "telegram", "fa").bucket,
            day: `2026-03-${String((i % 28) + 1).padStart(2, "0")}`,
          },
        },
      ]);
      if (i % 7 === 0) work.push(buffer.flush());
    }
    await Promise.all(work);
    await buffer.close();
    const rows = await stores.rollups.read("nps", "2026-03-01", "2026-03-31");
    expect(rows.reduce((n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0), 0)).toBe(200);
    expect(new Set(rows.map((r) => r.day)).size).toBe(28);
  });
});

describe("respondents", () => {
  it("remember the chosen language apart from the last survey's", async () => {
    const ref = { channel: "telegram" as const, userId: "r1", displayName: "Sara" };
    await stores.respondents.touchSurveyed(ref, new Date(), "ar");
    expect(await stores.respondents.get("telegram:r1")).toMatchObject({
      lastLocale: "ar",
      optedOut: false,
      displayName: "Sara",
    });
    await stores.respondents.setLocale(ref, "fa");
    expect(await stores.respondents.get("telegram:r1")).toMatchObject({ locale: "fa", lastLocale: "ar" });
  });
});
