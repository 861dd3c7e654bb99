import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AdminGrant, AdminSession, FlowControl } from "../../core/admin/types.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import { ensureIndexes, raw } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import {
  type FlowControlDoc,
  type RevisionHeadDoc,
  STORED_VERSION,
  type StoreCorruptError,
} from "../../storage/schemas.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * The admin store on the run's server: revisioned records (flow controls, admins) whose saves are
 * compare-and-sets, sessions, published versions, and the audit log filtered by flow.
 */

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let nps: FlowDefinition;
const reported: StoreCorruptError[] = [];

beforeAll(async () => {
  db = await connectTestDb("admin");
  stores = createMongoStores(db.connection, { onCorrupt: (e) => reported.push(e) });
  await ensureIndexes(stores.models);
  const { flows } = await loadFlowDirectory("flows");
  const found = flows.find((f) => f.key === "nps");
  if (!found) throw new Error("flows/ has no nps flow");
  nps = found;
});
afterAll(async () => {
  await db.drop();
});

function control(key: string, rev: number, changes: Partial<FlowControl> = {}): FlowControl {
  return {
    key,
    rev,
    live: 1,
    enabled: true,
    adminOwned: false,
    updatedBy: "telegram:1",
    updatedAt: "2026-12-05T10:00:00Z",
    ...changes,
  };
}

/** Stores a revision as another process would, without touching the head. */
const insertRevision = (c: FlowControl) =>
  raw<FlowControlDoc>(stores.models.FlowControl).insertOne({
    ...c,
    _id: `${c.key}#${c.rev}`,
    v: STORED_VERSION,
  });

describe("flow controls", () => {
  it("round-trip, with a draft, and list their keys sorted", async () => {
    expect(await stores.admin.control("rt")).toBeNull();
    const first = control("rt", 1, { seededHash: "h1" });
    expect(await stores.admin.saveControl(first, 0)).toBe("ok");
    expect(await stores.admin.control("rt")).toEqual(first);
    const second = control("rt", 2, {
      adminOwned: true,
      updatedAt: "2026-12-05T10:01:00.123+03:30",
      draft: {
        definition: { ...nps, key: "rt" },
        basedOn: 1,
        edits: 3,
        editedBy: "slack:U1",
        editedAt: "2026-12-05T10:01:00Z",
      },
    });
    expect(await stores.admin.saveControl(second, 1)).toBe("ok");
    expect(await stores.admin.control("rt")).toEqual(second);
    expect(await stores.admin.saveControl(control("art", 1), 0)).toBe("ok");
    const keys = await stores.admin.controlKeys();
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(["art", "rt"]));
  });

  it("refuse a revision that does not follow the one named", async () => {
    await expect(stores.admin.saveControl(control("skip", 2), 0)).rejects.toMatchObject({
      code: "STORE_CONFLICT",
    });
    await expect(stores.admin.saveControl(control("skip", 1), 1)).rejects.toMatchObject({
      code: "STORE_CONFLICT",
    });
    expect(await stores.admin.control("skip")).toBeNull();
  });

  it("read the newest revision when the head lags or is gone", async () => {
    expect(await stores.admin.saveControl(control("stale", 1), 0)).toBe("ok");
    // Another process saved revisions 2 and 3 and crashed before raising the head.
    await insertRevision(control("stale", 2, { live: 2 }));
    await insertRevision(control("stale", 3, { live: 3 }));
    const heads = raw<RevisionHeadDoc>(stores.models.FlowControlHead);
    expect((await heads.findOne({ _id: "stale" }))?.rev).toBe(1);
    expect(await stores.admin.control("stale")).toMatchObject({ rev: 3, live: 3 });
    // The read raised the head.
    expect((await heads.findOne({ _id: "stale" }))?.rev).toBe(3);
    expect(await stores.admin.saveControl(control("stale", 3), 2)).toBe("conflict");

    // A crash before the first head was written: the record is found by key, and listed once read.
    await insertRevision(control("headless", 1));
    await insertRevision(control("headless", 2, { enabled: false }));
    expect(await stores.admin.controlKeys()).not.toContain("headless");
    expect(await stores.admin.control("headless")).toMatchObject({ rev: 2, enabled: false });
    expect(await stores.admin.controlKeys()).toContain("headless");
  });

  it("see each other's saves across store instances", async () => {
    const other = createMongoStores(db.connection);
    expect(await stores.admin.saveControl(control("shared", 1), 0)).toBe("ok");
    expect((await other.admin.control("shared"))?.rev).toBe(1);
    expect(await other.admin.saveControl(control("shared", 2, { live: 2 }), 1)).toBe("ok");
    expect(await stores.admin.control("shared")).toMatchObject({ rev: 2, live: 2 });
    expect(await stores.admin.saveControl(control("shared", 2, { live: 9 }), 1)).toBe("conflict");
  });

  it("let exactly one of two concurrent saves of a revision win, every time", async () => {
    const other = createMongoStores(db.connection);
    for (let round = 0; round < 10; round++) {
      const key = `race-${round}`;
      // Half the rounds race to create, half to update.
      const base = round % 2 === 0 ? 0 : 1;
      if (base === 1) await stores.admin.saveControl(control(key, 1), 0);
      const results = await Promise.all([
        stores.admin.saveControl(control(key, base + 1, { updatedBy: "a" }), base),
        other.admin.saveControl(control(key, base + 1, { updatedBy: "b" }), base),
      ]);
      expect([...results].sort()).toEqual(["conflict", "ok"]);
      const winner = results[0] === "ok" ? "a" : "b";
      expect(await stores.admin.control(key)).toMatchObject({ rev: base + 1, updatedBy: winner });
    }
  });

  it("let exactly one of many concurrent writers win", async () => {
    await stores.admin.saveControl(control("crowd", 1), 0);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stores.admin.saveControl(control("crowd", 2, { updatedBy: `w${i}` }), 1),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(await stores.admin.control("crowd")).toMatchObject({
      rev: 2,
      updatedBy: `w${results.indexOf("ok")}`,
    });
  });

  it("delete superseded revisions once they are a while old, and still refuse a stale save", async () => {
    const revisions = raw<FlowControlDoc>(stores.models.FlowControl);
    const stored = async () =>
      (await revisions.find({ key: "pruned" }).toArray()).map((d) => d.rev).sort((a, b) => a - b);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (let rev = 1; rev <= 3; rev++) {
        expect(await stores.admin.saveControl(control("pruned", rev), rev - 1)).toBe("ok");
      }
      expect(await stored()).toEqual([1, 2, 3]);
      vi.setSystemTime(Date.now() + 61_000);
      expect(await stores.admin.saveControl(control("pruned", 4), 3)).toBe("ok");
      expect(await stored()).toEqual([3, 4]);
    } finally {
      vi.useRealTimers();
    }
    expect(await stores.admin.control("pruned")).toMatchObject({ rev: 4 });
    expect(await stores.admin.saveControl(control("pruned", 4), 3)).toBe("conflict");
  });

  it("report an unreadable revision as STORE_CORRUPT", async () => {
    await raw<{ _id: string; v: number; key: string; rev: number }>(stores.models.FlowControl).insertOne({
      _id: "broken#1",
      v: STORED_VERSION,
      key: "broken",
      rev: 1,
    });
    reported.length = 0;
    await expect(stores.admin.control("broken")).rejects.toMatchObject({
      code: "STORE_CORRUPT",
      collection: "flow_controls",
      id: "broken#1",
    });
    expect(reported).toHaveLength(1);
  });
});

describe("admins", () => {
  const grant = (id: string): AdminGrant => ({ id, addedBy: "telegram:1", addedAt: "2026-12-05T10:00:00Z" });

  it("start empty and save as a compare-and-set", async () => {
    expect(await stores.admin.admins()).toEqual({ rev: 0, grants: [] });
    expect(await stores.admin.saveAdmins([grant("slack:U1")], 0)).toBe("ok");
    expect(await stores.admin.saveAdmins([grant("discord:9")], 0)).toBe("conflict");
    expect(await stores.admin.admins()).toEqual({ rev: 1, grants: [grant("slack:U1")] });
    const results = await Promise.all([
      stores.admin.saveAdmins([grant("slack:U1"), grant("telegram:2")], 1),
      stores.admin.saveAdmins([], 1),
    ]);
    expect([...results].sort()).toEqual(["conflict", "ok"]);
    expect(await stores.admin.admins()).toEqual({
      rev: 2,
      grants: results[0] === "ok" ? [grant("slack:U1"), grant("telegram:2")] : [],
    });
  });
});

describe("admin sessions", () => {
  const session = (target: string): AdminSession => ({
    actor: "telegram:7",
    kind: "text",
    flow: "nps",
    target,
    locale: "fa",
    edits: 4,
    startedAt: "2026-12-05T10:00:00Z",
  });

  it("are set, replaced and cleared; the last writer wins", async () => {
    expect(await stores.admin.session("telegram:7")).toBeNull();
    await stores.admin.setSession("telegram:7", session("score"));
    expect(await stores.admin.session("telegram:7")).toEqual(session("score"));
    await Promise.all([
      stores.admin.setSession("telegram:7", session("a")),
      stores.admin.setSession("telegram:7", session("b")),
    ]);
    expect(["a", "b"]).toContain((await stores.admin.session("telegram:7"))?.target);
    await stores.admin.setSession("telegram:7", null);
    expect(await stores.admin.session("telegram:7")).toBeNull();
    await stores.admin.setSession("telegram:7", null);
  });

  it("read an unreadable one as absent, and report it", async () => {
    await raw<{ _id: string; v: number; kind: string }>(stores.models.AdminSession).insertOne({
      _id: "slack:bad",
      v: STORED_VERSION,
      kind: "voice",
    });
    reported.length = 0;
    expect(await stores.admin.session("slack:bad")).toBeNull();
    expect(reported).toMatchObject([
      { code: "STORE_CORRUPT", collection: "admin_sessions", id: "slack:bad" },
    ]);
  });
});

describe("published versions", () => {
  it("two processes seeding one new flow at once both succeed, with one version between them", async () => {
    for (let round = 0; round < 5; round++) {
      const definition = { ...nps, key: `seeded-${round}` };
      const results = await Promise.all([
        stores.flows.publish(definition, "same", "file"),
        stores.flows.publish(definition, "same", "file"),
        stores.flows.publish(definition, "same", "file"),
      ]);
      expect(results.map((r) => r.flow.version)).toEqual([1, 1, 1]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await stores.flows.latest(definition.key))?.version).toBe(1);
    }
  });

  it("are listed newest first, at most `limit`", async () => {
    const definition = { ...nps, key: "history" };
    for (const hash of ["h1", "h2", "h3"]) {
      const { created } = await stores.flows.publish(definition, hash, `telegram:${hash}`);
      expect(created).toBe(true);
    }
    const all = await stores.admin.versions("history", 10);
    expect(all.map((v) => [v.version, v.hash, v.publishedBy])).toEqual([
      [3, "h3", "telegram:h3"],
      [2, "h2", "telegram:h2"],
      [1, "h1", "telegram:h1"],
    ]);
    for (const v of all) expect(new Date(v.publishedAt).toISOString()).toBe(v.publishedAt);
    expect((await stores.admin.versions("history", 2)).map((v) => v.version)).toEqual([3, 2]);
    expect(await stores.admin.versions("history", 0)).toEqual([]);
    expect(await stores.admin.versions("never-published", 5)).toEqual([]);
  });

  it("are read in batches past the first few", async () => {
    const definition = { ...nps, key: "long-history" };
    for (let i = 1; i <= 13; i++) await stores.flows.publish(definition, `h${i}`, "telegram:1");
    expect((await stores.admin.versions("long-history", 12)).map((v) => v.version)).toEqual([
      13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
    ]);
    expect(await stores.admin.versions("long-history", 100)).toHaveLength(13);
  });
});

describe("audit log by flow", () => {
  it("lists only the flow's entries, newest first", async () => {
    const entry = (minute: number, flow?: string) => ({
      at: new Date(Date.UTC(2026, 11, 5, 10, minute)),
      actor: "telegram:1",
      action: "flow.edit",
      target: flow ?? "admins",
      ...(flow === undefined ? {} : { flow }),
    });
    await stores.audit.record(entry(1, "csat"));
    await stores.audit.record(entry(2, "ces"));
    await stores.audit.record(entry(3, "csat"));
    await stores.audit.record(entry(4));
    expect(await stores.audit.recent(10, { flow: "csat" })).toEqual([entry(3, "csat"), entry(1, "csat")]);
    expect(await stores.audit.recent(1, { flow: "csat" })).toEqual([entry(3, "csat")]);
    expect(await stores.audit.recent(10, { flow: "none" })).toEqual([]);
    const everything = await stores.audit.recent(100);
    expect(everything).toEqual(expect.arrayContaining([entry(4), entry(2, "ces")]));
  });

  it("names the flow of a publish", async () => {
    await stores.flows.publish({ ...nps, key: "audited" }, "h1", "slack:U1");
    expect(await stores.audit.recent(5, { flow: "audited" })).toMatchObject([
      { action: "flow.publish", target: "audited@1", flow: "audited", actor: "slack:U1" },
    ]);
  });
});
