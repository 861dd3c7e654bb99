import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertRecord } from "../../core/alerts/alert.ts";
import { applyInput, startConversation } from "../../core/engine/engine.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createConversationStore } from "../../storage/conversation-store.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { STORED_VERSION, StoreCorruptError } from "../../storage/schemas.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * Stored documents are parsed on read: the current version round-trips, a document written before versions
 * (no `v`) migrates to the current shape, and an unreadable one is a coded error for a lookup and a skipped,
 * reported entry for a listing. Old and broken documents are inserted with the bare driver, as they would be
 * found in a database.
 */

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let nps: Flow;
const reported: StoreCorruptError[] = [];
const analyzer = createRuleBasedSentimentAnalyzer();

/** A bare driver collection: documents go in exactly as written here. */
const col = (name: string) => db.connection.db!.collection<Record<string, unknown> & { _id: string }>(name);

beforeAll(async () => {
  db = await connectTestDb("schemas");
  stores = createMongoStores(db.connection, { onCorrupt: (e) => reported.push(e) });
  await ensureIndexes(stores.models);
  const { flows } = await loadFlowDirectory("flows");
  nps = { ...(flows.find((f) => f.key === "nps") as Flow), version: 1 };
});
afterAll(async () => {
  await db.drop();
});

/** Takes the corruption reports made while `work` ran. */
async function reportsDuring(work: () => Promise<unknown>): Promise<StoreCorruptError[]> {
  reported.length = 0;
  await work();
  return reported.splice(0);
}

/** A conversation with a score and a comment answered, as core builds it. */
function answered(userId: string): ConversationRecord {
  const now = new Date("2026-12-01T10:00:00Z");
  let o = startConversation(
    nps,
    { id: `conv-${userId}`, respondent: { channel: "telegram", userId }, locale: "en" },
    now,
  );
  o = applyInput(nps, o.state, { type: "text", text: "3" }, { analyzer, now });
  o = applyInput(nps, o.state, { type: "text", text: "The delivery was late" }, { analyzer, now });
  return {
    key: `telegram:${userId}`,
    rev: 1,
    state: o.state,
    recentEventIds: ["e1", "e2"],
    transcript: [
      { direction: "in", text: "3", at: now.toISOString(), messageId: "m1" },
      { direction: "out", text: "Sorry", at: now.toISOString() },
    ],
  };
}

/** What the bare driver stored before versions: the current shape without `v` and without what v1 lacked. */
function legacyRevision(r: ConversationRecord): Record<string, unknown> & { _id: string } {
  return {
    _id: `${r.key}#${r.state.id}#${r.rev}`,
    key: r.key,
    conversationId: r.state.id,
    rev: r.rev,
    status: r.state.status,
    updatedAt: new Date(r.state.updatedAt),
    state: r.state,
  };
}

async function expectCorrupt(
  promise: Promise<unknown>,
  expected: { collection: string; id: string; path: string },
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreCorruptError);
  expect(error).toMatchObject({ code: "STORE_CORRUPT", ...expected });
}

describe("conversations in progress", () => {
  it("a current revision round-trips through the database, stored with its version", async () => {
    const r = answered("current");
    expect(await stores.conversations.create(r)).toBe("ok");
    const stored = await col("conversation_revisions").findOne({ _id: `${r.key}#${r.state.id}#1` });
    expect(stored?.v).toBe(STORED_VERSION);
    expect((await col("conversations").findOne({ _id: r.key }))?.v).toBe(STORED_VERSION);
    // A second process has nothing in memory: it reads and parses the stored documents.
    const other = createConversationStore(stores.models);
    expect(await other.getActive(r.key)).toEqual(r);
  });

  it("a version-1 revision (no v, no event ids or transcript) migrates on read", async () => {
    const r = answered("legacy");
    await col("conversations").insertOne({ _id: r.key, conversationId: r.state.id, startedAt: new Date() });
    await col("conversation_revisions").insertOne(legacyRevision(r));
    const read = await stores.conversations.getActive(r.key);
    expect(read).toEqual({ ...r, recentEventIds: [], transcript: [] });
    // It goes on as a current conversation: the next revision is written in the current shape.
    expect(await stores.conversations.update({ ...r, rev: 2, recentEventIds: ["e3"] }, 1)).toBe("ok");
    const next = await col("conversation_revisions").findOne({ _id: `${r.key}#${r.state.id}#2` });
    expect(next?.v).toBe(STORED_VERSION);
  });

  it("a revision that cannot be read is a STORE_CORRUPT error naming the document and the field", async () => {
    const r = answered("corrupt");
    const doc = legacyRevision(r);
    const answers = r.state.answers.map((a, i) =>
      i === 0 ? { ...a, answer: { ...a.answer, value: "three" } } : a,
    );
    await col("conversations").insertOne({ _id: r.key, conversationId: r.state.id, startedAt: new Date() });
    await col("conversation_revisions").insertOne({
      ...doc,
      v: STORED_VERSION,
      state: { ...r.state, answers },
    });
    const reports = await reportsDuring(() =>
      expectCorrupt(stores.conversations.getActive(r.key), {
        collection: "conversation_revisions",
        id: doc._id,
        path: "state.answers.0.answer.value",
      }),
    );
    expect(reports.map((e) => e.id)).toEqual([doc._id]);
  });

  it("a version this build does not know is unreadable, not guessed at", async () => {
    const r = answered("future");
    await col("conversations").insertOne({ _id: r.key, conversationId: r.state.id, startedAt: new Date() });
    await col("conversation_revisions").insertOne({ ...legacyRevision(r), v: STORED_VERSION + 1 });
    await expectCorrupt(stores.conversations.getActive(r.key), {
      collection: "conversation_revisions",
      id: `${r.key}#${r.state.id}#1`,
      path: "v",
    });
  });

  it("the idle sweep skips and reports an unreadable revision, and lists the others", async () => {
    const before = new Date("2026-12-02T00:00:00Z");
    const reports = await reportsDuring(async () => {
      const idle = await stores.conversations.listIdle(before, 100);
      expect(idle.map((x) => x.key).sort()).toEqual(["telegram:current", "telegram:legacy"]);
    });
    expect(reports.map((e) => e.id).sort()).toEqual([
      "telegram:corrupt#conv-corrupt#1",
      "telegram:future#conv-future#1",
    ]);
  });
});

describe("response archive", () => {
  it("an archived conversation round-trips, stored with its version", async () => {
    const r = answered("archived");
    const ended: ConversationRecord = {
      ...r,
      state: { ...r.state, status: "completed", stepId: null, endedAt: "2026-12-01T10:05:00Z" },
    };
    await stores.conversations.archive(ended);
    expect((await col("responses").findOne({ _id: r.state.id }))?.v).toBe(STORED_VERSION);
    expect(await stores.responses.get(r.state.id)).toEqual(ended);
  });

  it("a version-1 response without its metadata migrates from its state", async () => {
    const r = answered("old-response");
    await col("responses").insertOne({ _id: r.state.id, key: r.key, rev: 1, flowKey: "nps", state: r.state });
    expect(await stores.responses.get(r.state.id)).toEqual({ ...r, recentEventIds: [], transcript: [] });
    // Its transcript can still be appended to, and it stays readable.
    await stores.responses.appendTranscript(r.state.id, [
      { direction: "out", text: "Hi", at: r.state.updatedAt },
    ]);
    expect((await stores.responses.get(r.state.id))?.transcript).toHaveLength(1);
  });

  it("an unreadable response is a coded error by id, and skipped (and reported) by a listing", async () => {
    await col("responses").insertOne({
      _id: "broken-response",
      key: "telegram:x",
      rev: 1,
      flowKey: "nps",
      state: {},
    });
    await expectCorrupt(stores.responses.get("broken-response"), {
      collection: "responses",
      id: "broken-response",
      path: "state.id",
    });
    const reports = await reportsDuring(async () => {
      const ids: string[] = [];
      for await (const x of stores.responses.list({ flowKey: "nps" })) ids.push(x.state.id);
      expect(ids.sort()).toEqual(["conv-archived", "conv-old-response"]);
    });
    expect(reports.map((e) => e.id)).toEqual(["broken-response"]);
  });
});

describe("processed events", () => {
  it("are stored with their version; a version-1 id is still seen", async () => {
    await stores.events.claim("tg:new", new Date());
    await stores.events.remember(["tg:bulk"], new Date());
    expect((await col("processed_events").findOne({ _id: "tg:new" }))?.v).toBe(STORED_VERSION);
    expect((await col("processed_events").findOne({ _id: "tg:bulk" }))?.v).toBe(STORED_VERSION);
    await col("processed_events").insertOne({ _id: "tg:old", at: new Date() });
    expect(await stores.events.has("tg:old")).toBe(true);
    expect(await stores.events.claim("tg:old", new Date())).toBe(false);
  });
});

describe("respondents", () => {
  it("a profile round-trips, stored with its version", async () => {
    const ref = { channel: "slack" as const, userId: "U1", displayName: "Ali" };
    await stores.respondents.touchSurveyed(ref, new Date("2026-12-01T00:00:00Z"), "tr");
    expect((await col("respondents").findOne({ _id: "slack:U1" }))?.v).toBe(STORED_VERSION);
    expect(await stores.respondents.get("slack:U1")).toEqual({
      key: "slack:U1",
      channel: "slack",
      userId: "U1",
      displayName: "Ali",
      lastLocale: "tr",
      optedOut: false,
      lastSurveyedAt: "2026-12-01T00:00:00.000Z",
    });
  });

  it("a version-1 profile without optedOut migrates, and an update keeps it readable", async () => {
    await col("respondents").insertOne({
      _id: "telegram:old",
      channel: "telegram",
      userId: "old",
      locale: "fa",
    });
    expect(await stores.respondents.get("telegram:old")).toEqual({
      key: "telegram:old",
      channel: "telegram",
      userId: "old",
      locale: "fa",
      optedOut: false,
    });
    await stores.respondents.setLocale({ channel: "telegram", userId: "old" }, "ar");
    expect(await stores.respondents.get("telegram:old")).toMatchObject({ locale: "ar", optedOut: false });
  });

  it("an unreadable profile is reported and read as none (it only holds preferences)", async () => {
    await col("respondents").insertOne({
      _id: "telegram:bad",
      v: STORED_VERSION,
      channel: "telegram",
      userId: "bad",
      locale: "xx",
      optedOut: false,
    });
    const reports = await reportsDuring(async () => {
      expect(await stores.respondents.get("telegram:bad")).toBeNull();
    });
    expect(reports).toMatchObject([
      { code: "STORE_CORRUPT", collection: "respondents", id: "telegram:bad", path: "locale" },
    ]);
  });
});

describe("flows", () => {
  it("a published flow round-trips, stored with its version", async () => {
    const { flow } = await stores.flows.publish(nps, "hash-1", "test");
    expect((await col("flows").findOne({ _id: "nps@1" }))?.v).toBe(STORED_VERSION);
    expect((await col("flow_heads").findOne({ _id: "nps" }))?.v).toBe(STORED_VERSION);
    expect(await stores.flows.get("nps", 1)).toEqual(flow);
    expect(await stores.flows.latest("nps")).toEqual(flow);
  });

  it("a version-1 flow migrates (defaults the definition had then are filled in)", async () => {
    const { timeZone, alerts, ...older } = nps;
    await col("flows").insertOne({
      _id: "old@1",
      key: "old",
      version: 1,
      hash: "h",
      definition: { ...older, key: "old" },
      publishedAt: new Date(),
      publishedBy: "test",
    });
    await col("flow_heads").insertOne({ _id: "old", version: 1, hash: "h" });
    const flow = await stores.flows.latest("old");
    expect(flow).toMatchObject({ key: "old", version: 1, timeZone: "UTC", alerts: [] });
    expect(await stores.flows.keys()).toEqual(["nps", "old"]);
  });

  it("an unreadable flow version is a coded error", async () => {
    await col("flows").insertOne({
      _id: "bad@1",
      v: STORED_VERSION,
      key: "bad",
      version: 1,
      hash: "h",
      definition: { ...nps, key: "bad", steps: [] },
      publishedAt: new Date(),
      publishedBy: "test",
    });
    await expectCorrupt(stores.flows.get("bad", 1), {
      collection: "flows",
      id: "bad@1",
      path: "definition.steps",
    });
  });
});

describe("audit log", () => {
  it("entries round-trip; version-1 entries migrate; unreadable ones are skipped and reported", async () => {
    await stores.audit.record({
      at: new Date("2026-12-03T00:00:00Z"),
      actor: "a",
      action: "x",
      target: "t",
      detail: { n: 1 },
    });
    await col("audit_log").insertOne({
      _id: "old-entry",
      at: new Date("2026-12-02T00:00:00Z"),
      actor: "b",
      action: "y",
      target: "u",
    });
    await col("audit_log").insertOne({
      _id: "bad-entry",
      v: STORED_VERSION,
      at: "yesterday",
      actor: "c",
      action: "z",
      target: "v",
    });
    const reports = await reportsDuring(async () => {
      const recent = await stores.audit.recent(100);
      expect(recent.filter((e) => e.actor !== "test")).toEqual([
        { at: new Date("2026-12-03T00:00:00Z"), actor: "a", action: "x", target: "t", detail: { n: 1 } },
        { at: new Date("2026-12-02T00:00:00Z"), actor: "b", action: "y", target: "u" },
      ]);
    });
    expect(reports).toMatchObject([{ collection: "audit_log", id: "bad-entry", path: "at" }]);
  });
});

describe("alerts", () => {
  const alert = (id: string): AlertRecord => ({
    id,
    rev: 1,
    flowKey: "nps",
    flowVersion: 1,
    flowTitle: { en: "Net Promoter Score", fa: "شاخص خالص مروجان" },
    rules: ["detractor"],
    respondent: { channel: "telegram", userId: "u1", chatId: "42", displayName: "Sara" },
    locale: "fa",
    score: { stepId: "score", value: 3, scale: "nps", min: 0, max: 10, band: "detractor" },
    comments: [{ stepId: "why-negative", text: "late", sentiment: "negative", themes: ["processes"] }],
    transcript: [{ direction: "in", text: "3", at: "2026-12-01T10:00:00.000Z" }],
    raisedAt: "2026-12-01T10:00:00.000Z",
    updatedAt: "2026-12-01T10:00:00.000Z",
    status: "open",
    history: [{ type: "raised", at: "2026-12-01T10:00:00.000Z", rules: ["detractor"] }],
  });
  const legacyAlertDoc = (a: AlertRecord) => ({
    _id: a.id,
    rev: a.rev,
    status: a.status,
    posted: false,
    raisedAt: new Date(a.raisedAt),
    alert: { ...a, flowTitle: "Net Promoter Score" },
  });

  it("an alert round-trips, stored with its version", async () => {
    const a = alert("alert-current");
    expect(await stores.alerts.create(a)).toBe("ok");
    expect((await col("alerts").findOne({ _id: a.id }))?.v).toBe(STORED_VERSION);
    expect(await stores.alerts.get(a.id)).toEqual(a);
    const acknowledged: AlertRecord = {
      ...a,
      rev: 2,
      status: "acknowledged",
      history: [...a.history, { type: "acknowledged", at: a.raisedAt, actor: { id: "slack:U1" } }],
    };
    expect(await stores.alerts.update(acknowledged, 1)).toBe("ok");
    expect(await stores.alerts.get(a.id)).toEqual(acknowledged);
  });

  it("an optional field set to undefined is left out, not stored as null (which would not read back)", async () => {
    const a: AlertRecord = { ...alert("alert-undefined"), route: undefined, post: undefined };
    expect(await stores.alerts.create(a)).toBe("ok");
    expect((await col("alerts").findOne({ _id: a.id }))?.alert).not.toHaveProperty("route");
    expect(await stores.alerts.get(a.id)).toEqual(alert("alert-undefined"));
  });

  it("a version-1 alert, whose title was the English string, migrates to a localized title", async () => {
    const a = alert("alert-old");
    await col("alerts").insertOne(legacyAlertDoc(a));
    expect(await stores.alerts.get(a.id)).toEqual({ ...a, flowTitle: { en: "Net Promoter Score" } });
  });

  it("an alert posted before notifiers were neutral (a Slack channel and ts) reads as an opaque post", async () => {
    const a = alert("alert-slack-post");
    await col("alerts").insertOne({
      ...legacyAlertDoc(a),
      v: STORED_VERSION,
      posted: true,
      alert: { ...a, post: { channel: "C0ALERTS", ts: "1700000000.000100", folded: true } },
    });
    expect((await stores.alerts.get(a.id))?.post).toEqual({
      notifier: "slack",
      target: "C0ALERTS",
      ref: "1700000000.000100",
      folded: true,
    });
  });

  it("an alert stored with the nine older theme names reads with their components", async () => {
    const a = alert("alert-old-themes");
    const stored = {
      ...a,
      comments: [
        {
          stepId: "why-negative",
          text: "late",
          sentiment: "negative",
          themes: ["delivery", "wait", "staff", "x"],
        },
      ],
    };
    await col("alerts").insertOne({ ...legacyAlertDoc(a), v: STORED_VERSION, posted: true, alert: stored });
    expect((await stores.alerts.get(a.id))?.comments[0]?.themes).toEqual(["processes", "people"]);
  });

  it("an unreadable alert is a coded error by id, and skipped (and reported) by the unposted listing", async () => {
    const bad = { ...legacyAlertDoc(alert("alert-bad")), v: STORED_VERSION };
    await col("alerts").insertOne({ ...bad, alert: { ...alert("alert-bad"), status: "lost" } });
    await expectCorrupt(stores.alerts.get("alert-bad"), {
      collection: "alerts",
      id: "alert-bad",
      path: "alert.status",
    });
    const reports = await reportsDuring(async () => {
      const unposted = await stores.alerts.listUnposted(new Date("2026-12-02T00:00:00Z"), 10);
      expect(unposted.map((x) => x.id).sort()).toEqual(["alert-current", "alert-old", "alert-undefined"]);
    });
    expect(reports.map((e) => e.id)).toEqual(["alert-bad"]);
  });

  it("open-alert pointers: round-trip, version 1 migrates, an unreadable one reads as none and is reported", async () => {
    const at = new Date("2026-12-01T11:00:00Z");
    await stores.alerts.setOpen("telegram:p1", "alert-current", at);
    expect((await col("open_alerts").findOne({ _id: "telegram:p1" }))?.v).toBe(STORED_VERSION);
    expect(await stores.alerts.openFor("telegram:p1")).toEqual({ alertId: "alert-current", at });
    await col("open_alerts").insertOne({ _id: "telegram:p2", alertId: "alert-old", at });
    expect(await stores.alerts.openFor("telegram:p2")).toEqual({ alertId: "alert-old", at });
    await col("open_alerts").insertOne({ _id: "telegram:p3", v: STORED_VERSION, alertId: 7, at });
    const reports = await reportsDuring(async () => {
      expect(await stores.alerts.openFor("telegram:p3")).toBeNull();
    });
    expect(reports).toMatchObject([{ collection: "open_alerts", id: "telegram:p3", path: "alertId" }]);
  });
});
