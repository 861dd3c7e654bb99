import type { Connection, mongo } from "mongoose";
import type { ConversationState, RecordedAnswer } from "../core/engine/state.ts";
import type { RollupStore } from "../core/ports.ts";
import { alertHasWords, anonymizeAlert } from "../core/privacy/alerts.ts";
import type { DataSubject, PersonalDataHolder, PrivacyRegistry } from "../core/privacy/registry.ts";
import type { TranscriptEntry } from "../core/types.ts";
import { isDuplicateKey } from "./models.ts";
import { sendingHolders } from "./privacy-sending.ts";
import { alerts as alertDocs, readStored } from "./schemas.ts";

/**
 * The personal-data holders of the collections storage/models.ts declares, for the core's privacy registry
 * (core/privacy/registry.ts). Every lookup is by the respondent's key (an exact `_id`, or the `key` field the
 * conversation collections index on MongoDB) or by the conversation ids found that way; only the audit log,
 * which quotes people inside free-form values, is scanned whole. Nothing here needs a TTL index: retention is a
 * scan of the archive by `endedAt`, written in batches, the same on MongoDB and on the embedded server.
 */

interface AnyDoc {
  _id: string | mongo.BSON.ObjectId;
  [field: string]: unknown;
}

const col = (connection: Connection, name: string): mongo.Collection<AnyDoc> =>
  connection.collection<AnyDoc>(name) as unknown as mongo.Collection<AnyDoc>;

/** A stored document as plain JSON (dates as ISO strings, ObjectIds as hex). */
const plain = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

/** A text answer with its words gone: the sentiment label and score stay (they count in no rollup by person). */
function anonymizeAnswer(a: RecordedAnswer): RecordedAnswer {
  if (a.answer.type !== "text") return a;
  const { original: _original, ...answer } = a.answer;
  return {
    ...a,
    answer: { ...answer, text: "", sentiment: { ...answer.sentiment, evidence: [] } },
  };
}

const hasWords = (a: RecordedAnswer): boolean =>
  a.answer.type === "text" &&
  (a.answer.text !== "" || a.answer.original !== undefined || a.answer.sentiment.evidence.length > 0);

/** Whether a value's JSON quotes the person (their key, or their user id as a whole value). */
function quotes(doc: unknown, subject: DataSubject): boolean {
  const json = JSON.stringify(doc);
  return json.includes(subject.key) || json.includes(JSON.stringify(subject.userId));
}

/** Replaces the person's key (and their user id as a whole value) with their pseudonym, in every string. */
function pseudonymize(value: unknown, subject: DataSubject): unknown {
  if (typeof value === "string") {
    if (value === subject.userId) return subject.pseudonym;
    return value.split(subject.key).join(subject.pseudonym);
  }
  if (Array.isArray(value)) return value.map((v) => pseudonymize(v, subject));
  if (value instanceof Date || value === null || typeof value !== "object") return value;
  if (value.constructor !== Object) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pseudonymize(v, subject)]));
}

/**
 * Replaces whole documents in batches: one insert of the batch into `privacy_staging`, one delete and one insert
 * in the collection, one delete of the staged copies. On the embedded server every update or delete scans the
 * collection, so an update per document would cost the archive's size per document; this costs one scan per
 * batch. A crash midway leaves the staged copies, which {@link Rewriter.recover} puts back before the next pass.
 */
interface Rewriter {
  add(doc: AnyDoc): Promise<void>;
  flush(): Promise<void>;
  recover(): Promise<void>;
}

function rewriter(connection: Connection, name: string, batch: number): Rewriter {
  const target = col(connection, name);
  const staging = col(connection, "privacy_staging");
  let pending: AnyDoc[] = [];
  const insertIgnoringDuplicates = async (docs: AnyDoc[]): Promise<void> => {
    if (docs.length === 0) return;
    try {
      await target.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  };
  const flush = async (): Promise<void> => {
    const docs = pending;
    pending = [];
    if (docs.length === 0) return;
    const ids = docs.map((d) => d._id);
    await staging.insertMany(docs.map((doc) => ({ _id: `${name}|${String(doc._id)}`, target: name, doc })));
    await target.deleteMany({ _id: { $in: ids } });
    await insertIgnoringDuplicates(docs);
    await staging.deleteMany({ target: name });
  };
  return {
    async add(doc) {
      pending.push(doc);
      if (pending.length >= batch) await flush();
    },
    flush,
    async recover() {
      const staged = await staging.find({ target: name }).toArray();
      if (staged.length === 0) return;
      await insertIgnoringDuplicates(staged.map((s) => s.doc as AnyDoc));
      await staging.deleteMany({ target: name });
    },
  };
}

/** The holders of the core collections. */
export function storageHolders(connection: Connection): PersonalDataHolder[] {
  const heads = col(connection, "conversations");
  const revisions = col(connection, "conversation_revisions");
  const responses = col(connection, "responses");
  const respondents = col(connection, "respondents");
  const alerts = col(connection, "alerts");
  const openAlerts = col(connection, "open_alerts");
  const sessions = col(connection, "admin_sessions");
  const audit = col(connection, "audit_log");

  const conversations: PersonalDataHolder = {
    name: "conversations",
    async trace(subject, trace) {
      const found = await revisions
        .find({ key: subject.key }, { projection: { conversationId: 1 } })
        .toArray();
      for (const d of found)
        if (typeof d.conversationId === "string") trace.conversationIds.add(d.conversationId);
    },
    async export(subject) {
      // The newest revision of each conversation in progress (older ones are its past states).
      const found = await revisions.find({ key: subject.key }).toArray();
      const newest = new Map<string, AnyDoc>();
      for (const d of found) {
        const id = String(d.conversationId);
        const seen = newest.get(id);
        if (!seen || Number(seen.rev) < Number(d.rev)) newest.set(id, d);
      }
      return [...newest.values()].map(plain);
    },
    async erase(subject) {
      const removed = await revisions.deleteMany({ key: subject.key });
      const head = await heads.deleteOne({ _id: subject.key });
      return removed.deletedCount + head.deletedCount;
    },
    async retain(before, batch) {
      // Old revisions of conversations no longer in progress (superseded or archived ones a crash left before
      // compaction): the archive holds what counts. A conversation in progress keeps its revisions.
      const old = await revisions
        .find({ updatedAt: { $lt: before } }, { projection: { _id: 1, key: 1, conversationId: 1 } })
        .toArray();
      /** Respondent key → the conversation in progress (null: none). */
      const inProgress = new Map<string, unknown>();
      const gone: AnyDoc["_id"][] = [];
      for (const d of old) {
        const key = String(d.key);
        if (!inProgress.has(key)) {
          const head = await heads.findOne({ _id: key }, { projection: { conversationId: 1 } });
          inProgress.set(key, head?.conversationId ?? null);
        }
        if (inProgress.get(key) !== d.conversationId) gone.push(d._id);
      }
      for (let i = 0; i < gone.length; i += batch)
        await revisions.deleteMany({ _id: { $in: gone.slice(i, i + batch) } });
      return gone.length;
    },
  };

  const archive: PersonalDataHolder = {
    name: "responses",
    async trace(subject, trace) {
      const found = await responses.find({ key: subject.key }, { projection: { _id: 1 } }).toArray();
      for (const d of found) if (typeof d._id === "string") trace.conversationIds.add(d._id);
    },
    async export(subject) {
      return (await responses.find({ key: subject.key }).toArray()).map(plain);
    },
    async erase(subject) {
      return (await responses.deleteMany({ key: subject.key })).deletedCount;
    },
    async retain(before, batch) {
      const rewrite = rewriter(connection, "responses", batch);
      await rewrite.recover();
      // Rounds of up to `batch` documents: read them (the cursor is closed before anything is replaced), replace
      // them with one delete and one insert, and read again from the start (anonymized ones no longer match).
      let changed = 0;
      for (;;) {
        const round: AnyDoc[] = [];
        const cursor = responses.find({ endedAt: { $lt: before } }, { batchSize: 500 });
        for await (const doc of cursor) {
          const state = doc.state as ConversationState | undefined;
          const transcript = (doc.transcript ?? []) as TranscriptEntry[];
          if (transcript.length === 0 && !(state?.answers ?? []).some(hasWords)) continue;
          round.push({
            ...doc,
            transcript: [],
            ...(state ? { state: { ...state, answers: state.answers.map(anonymizeAnswer) } } : {}),
          });
          if (round.length >= batch) break;
        }
        await cursor.close();
        for (const doc of round) await rewrite.add(doc);
        await rewrite.flush();
        changed += round.length;
        if (round.length < batch) break;
      }
      return changed;
    },
  };

  const profiles: PersonalDataHolder = {
    name: "respondents",
    async export(subject) {
      return (await respondents.find({ _id: subject.key }).toArray()).map(plain);
    },
    async erase(subject) {
      return (await respondents.deleteOne({ _id: subject.key })).deletedCount;
    },
  };

  const alertHolder: PersonalDataHolder = {
    name: "alerts",
    async trace(_subject, trace) {
      if (trace.conversationIds.size === 0) return;
      const found = await alerts.find({ _id: { $in: [...trace.conversationIds] } }).toArray();
      for (const d of found) {
        const read = readStored(alertDocs, d);
        if (read.ok) trace.alerts.push(read.value.alert);
      }
    },
    async export(_subject, trace) {
      if (trace.conversationIds.size === 0) return [];
      return (await alerts.find({ _id: { $in: [...trace.conversationIds] } }).toArray()).map(plain);
    },
    async erase(subject, trace) {
      const removed =
        trace.conversationIds.size === 0
          ? 0
          : (await alerts.deleteMany({ _id: { $in: [...trace.conversationIds] } })).deletedCount;
      const pointer = await openAlerts.deleteOne({ _id: subject.key });
      return removed + pointer.deletedCount;
    },
    async retain(before, batch) {
      const rewrite = rewriter(connection, "alerts", batch);
      await rewrite.recover();
      // Alerts are few beside the archive (one per alerted conversation): read whole, then replaced in batches.
      const old = await alerts.find({ raisedAt: { $lt: before } }).toArray();
      let changed = 0;
      for (const d of old) {
        const read = readStored(alertDocs, d);
        if (!read.ok || !alertHasWords(read.value.alert)) continue;
        await rewrite.add({ ...d, alert: anonymizeAlert(read.value.alert) });
        changed++;
      }
      await rewrite.flush();
      return changed;
    },
  };

  const adminSessions: PersonalDataHolder = {
    name: "admin_sessions",
    async export(subject) {
      return (await sessions.find({ _id: subject.key }).toArray()).map(plain);
    },
    async erase(subject) {
      return (await sessions.deleteOne({ _id: subject.key })).deletedCount;
    },
  };

  const auditLog: PersonalDataHolder = {
    name: "audit_log",
    async export(subject) {
      // Free-form values: the log is read whole (it is small beside the archive, and read rarely).
      return (await audit.find({}).toArray()).filter((d) => quotes(d, subject)).map(plain);
    },
    async erase(subject) {
      // Who did what stays on record; who it was becomes the pseudonym.
      let changed = 0;
      for (const d of await audit.find({}).toArray()) {
        if (!quotes(d, subject)) continue;
        const { _id, ...fields } = d;
        await audit.replaceOne({ _id }, pseudonymize(fields, subject) as AnyDoc);
        changed++;
      }
      return changed;
    },
  };

  return [conversations, archive, profiles, alertHolder, adminSessions, auditLog];
}

/**
 * The example comments the conversation rollups keep for reports (a few per flow, day and theme): erased with
 * their author, aged out with the other comments. The counts stay. Through the rollup store, which keeps what it
 * wrote in memory when it is the only writer.
 */
function reportExamples(rollups: RollupStore): PersonalDataHolder {
  return {
    name: "report_examples",
    export: (_subject, trace) => rollups.examplesOf(trace.conversationIds),
    erase: (_subject, trace) => rollups.eraseExamples(trace.conversationIds),
    retain(before) {
      // A rollup's day is in its flow's zone: a day older than the limit by the widest offset is surely past it.
      return rollups.retainExamples(new Date(before.getTime() - 14 * 3_600_000).toISOString().slice(0, 10));
    },
  };
}

/**
 * Joins the holders of the core collections, of the rollups' example comments and of sending
 * (storage/privacy-sending.ts) to `registry`.
 */
export function registerStorageHolders(
  registry: PrivacyRegistry,
  connection: Connection,
  rollups: RollupStore,
): void {
  for (const holder of [
    ...storageHolders(connection),
    reportExamples(rollups),
    ...sendingHolders(connection),
  ])
    registry.register(holder);
}
