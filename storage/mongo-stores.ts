import mongoose, { type Connection } from "mongoose";
import type { AdminStore } from "../core/admin/types.ts";
import type { AlertRecord } from "../core/alerts/alert.ts";
import type { Flow } from "../core/flow/schema.ts";
import { isLocale, type Locale } from "../core/locale.ts";
import type {
  AlertStore,
  AuditEntry,
  AuditLog,
  ConversationRecord,
  FlowStore,
  ProcessedEventStore,
  RespondentProfile,
  RespondentStore,
  ResponseStore,
  SentimentModelStore,
  SurveyStores,
  WriteResult,
} from "../core/ports.ts";
import { CxError } from "../core/result.ts";
import type { LearnedModel, LocaleModel } from "../core/sentiment/learned.ts";
import { respondentKey } from "../core/service.ts";
import type { RespondentRef } from "../core/types.ts";
import { createConversationStore } from "./conversation-store.ts";
import {
  createModels,
  ensureIndexes,
  isDuplicateKey,
  type Models,
  raw,
  retryUpsert,
  type UnreadDoc,
  unread,
  WHOLE_DOCUMENT,
} from "./models.ts";
import { createRollupStore } from "./rollup-store.ts";
import {
  type AdminGrantsDoc,
  type AdminSessionDoc,
  type AlertDoc,
  type AlertPointerDoc,
  type AuditDoc,
  adminGrantHeads,
  adminGrants,
  adminSessions,
  alerts as alertDocs,
  alertPointers,
  auditEntries,
  type FlowControlDoc,
  type FlowDoc,
  type FlowHeadDoc,
  flowControlHeads,
  flowControls,
  flows as flowDocs,
  flowHeads,
  flowVersions,
  type ProcessedEventDoc,
  type RespondentDoc,
  type ResponseDoc,
  type RevisionHeadDoc,
  readStored,
  reportCorrupt,
  respondents as respondentDocs,
  responses as responseDocs,
  type SentimentLocaleDoc,
  type SentimentModelDoc,
  STORED_VERSION,
  type StoreCorruptError,
  type StoredShape,
  sentimentLocales,
  sentimentModels,
} from "./schemas.ts";

/** The record an archived response holds: every field but the archive's own. */
function toRecord(doc: ResponseDoc): ConversationRecord {
  const { _id, v, flowKey, flowVersion, status, channel, startedAt, endedAt, ...record } = doc;
  return record;
}

/** Where a store reports the stored documents it cannot read. */
type OnCorrupt = (error: StoreCorruptError) => void;

/**
 * Reads one document a caller asked for by id: an unreadable one is reported and thrown (`STORE_CORRUPT`),
 * never passed on as if it were valid.
 */
function readOne<T>(stored: StoredShape<T>, doc: unknown, onCorrupt: OnCorrupt): T {
  const read = readStored(stored, doc);
  if (read.ok) return read.value;
  onCorrupt(read.error);
  throw read.error;
}

/** Reads the documents of a listing: an unreadable one is reported and skipped. */
function readMany<T>(stored: StoredShape<T>, docs: readonly unknown[], onCorrupt: OnCorrupt): T[] {
  const out: T[] = [];
  for (const doc of docs) {
    const read = readStored(stored, doc);
    if (read.ok) out.push(read.value);
    else onCorrupt(read.error);
  }
  return out;
}

function responseStore(m: Models, onCorrupt: OnCorrupt): ResponseStore {
  const stored = unread(m.Response);
  return {
    async *list(filter) {
      const cursor = stored.find(
        {
          ...(filter.flowKey === undefined ? {} : { flowKey: filter.flowKey }),
          ...(filter.startedSince === undefined ? {} : { startedAt: { $gte: filter.startedSince } }),
        },
        { batchSize: 500 },
      );
      for await (const doc of cursor) {
        const read = readStored(responseDocs, doc);
        if (read.ok) yield toRecord(read.value);
        else onCorrupt(read.error);
      }
    },
    async get(conversationId) {
      const doc = await stored.findOne({ _id: conversationId });
      return doc ? toRecord(readOne(responseDocs, doc, onCorrupt)) : null;
    },
    count: (filter) =>
      m.Response.countDocuments(filter.flowKey === undefined ? {} : { flowKey: filter.flowKey }),
    async appendTranscript(conversationId, lines) {
      // Rare (a support reply): an update, which the embedded server runs as a scan of the archive.
      await raw<ResponseDoc>(m.Response).updateOne(
        { _id: conversationId },
        { $push: { transcript: { $each: lines.map((l) => ({ ...l })) } } },
      );
    },
  };
}

function processedEventStore(m: Models): ProcessedEventStore {
  return {
    async claim(eventId, at) {
      try {
        await raw<ProcessedEventDoc>(m.ProcessedEvent).insertOne({ _id: eventId, v: STORED_VERSION, at });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async has(eventId) {
      // Only whether it is there: no field of the document is read.
      return (await unread(m.ProcessedEvent).findOne({ _id: eventId }, { projection: { _id: 1 } })) !== null;
    },
    async forget(eventId) {
      await raw<ProcessedEventDoc>(m.ProcessedEvent).deleteOne({ _id: eventId });
    },
    async remember(eventIds, at) {
      if (eventIds.length === 0) return;
      try {
        await raw<ProcessedEventDoc>(m.ProcessedEvent).insertMany(
          eventIds.map((id) => ({ _id: id, v: STORED_VERSION, at })),
          { ordered: false },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },
    async prune(before) {
      return (await m.ProcessedEvent.deleteMany({ at: { $lt: before } })).deletedCount;
    },
  };
}

function respondentStore(m: Models, onCorrupt: OnCorrupt): RespondentStore {
  const upsert = (ref: RespondentRef, set: Record<string, unknown>) =>
    retryUpsert(() =>
      raw<RespondentDoc>(m.Respondent).updateOne(
        { _id: respondentKey(ref) },
        {
          $set: {
            channel: ref.channel,
            userId: ref.userId,
            ...(ref.displayName === undefined ? {} : { displayName: ref.displayName }),
            ...set,
          },
          // An update never raises a document's version (see storage/schemas.ts).
          $setOnInsert: { v: STORED_VERSION, ...("optedOut" in set ? {} : { optedOut: false }) },
        },
        { upsert: true },
      ),
    );
  return {
    async get(key): Promise<RespondentProfile | null> {
      const found = await unread(m.Respondent).findOne({ _id: key });
      if (!found) return null;
      // A profile only holds preferences: one that cannot be read is reported and the survey goes on without it.
      const read = readStored(respondentDocs, found);
      if (!read.ok) {
        onCorrupt(read.error);
        return null;
      }
      const doc = read.value;
      return {
        key,
        channel: doc.channel,
        userId: doc.userId,
        ...(doc.displayName ? { displayName: doc.displayName } : {}),
        ...(doc.locale ? { locale: doc.locale } : {}),
        ...(doc.lastLocale ? { lastLocale: doc.lastLocale } : {}),
        optedOut: doc.optedOut,
        ...(doc.lastSurveyedAt ? { lastSurveyedAt: doc.lastSurveyedAt.toISOString() } : {}),
      };
    },
    async touchSurveyed(ref, at, locale) {
      await upsert(ref, { lastSurveyedAt: at, lastLocale: locale });
    },
    async setLocale(ref, locale) {
      await upsert(ref, { locale });
    },
    async setOptedOut(ref, optedOut) {
      await upsert(ref, { optedOut });
    },
  };
}

function flowStore(m: Models, onCorrupt: OnCorrupt): FlowStore {
  const get = async (key: string, version: number): Promise<Flow | null> => {
    const found = await unread(m.Flow).findOne({ _id: `${key}@${version}` });
    if (!found) return null;
    const doc = readOne(flowDocs, found, onCorrupt);
    return { ...doc.definition, version: doc.version };
  };
  const headOf = async (key: string): Promise<FlowHeadDoc | null> => {
    const found = await unread(m.FlowHead).findOne({ _id: key });
    return found ? readOne(flowHeads, found, onCorrupt) : null;
  };
  return {
    async publish(definition, hash, actor) {
      // The highest version seen taken while the head had not caught up yet (another process between its insert
      // and its head write: two processes seeding one new database at once).
      let taken = 0;
      for (let i = 0; ; i++) {
        const head = await headOf(definition.key);
        if (head && head.hash === hash) {
          const existing = await get(definition.key, head.version);
          if (existing) return { flow: existing, created: false };
        }
        const version = Math.max(head?.version ?? 0, taken) + 1;
        try {
          await raw<FlowDoc>(m.Flow).insertOne({
            _id: `${definition.key}@${version}`,
            v: STORED_VERSION,
            key: definition.key,
            version,
            hash,
            definition,
            publishedAt: new Date(),
            publishedBy: actor,
          });
        } catch (error) {
          if (!isDuplicateKey(error) || i >= 8) throw error;
          taken = version;
          const other = await raw<FlowDoc>(m.Flow).findOne({ _id: `${definition.key}@${version}` });
          if (other?.hash === hash) {
            // Another process published this very definition: the same outcome; make sure the head says so.
            const current = await headOf(definition.key);
            if (!current || current.version < version)
              await retryUpsert(() =>
                raw<FlowHeadDoc>(m.FlowHead).replaceOne(
                  { _id: definition.key },
                  { v: STORED_VERSION, version, hash },
                  { upsert: true },
                ),
              );
            const flow = await get(definition.key, version);
            if (flow) return { flow, created: false };
          }
          continue;
        }
        // Two upserts of a new head at once: one insert wins, the other retries as a replace.
        await retryUpsert(() =>
          raw<FlowHeadDoc>(m.FlowHead).replaceOne(
            { _id: definition.key },
            { v: STORED_VERSION, version, hash },
            { upsert: true },
          ),
        );
        await raw<AuditDoc>(m.Audit).insertOne({
          v: STORED_VERSION,
          at: new Date(),
          actor,
          action: "flow.publish",
          target: `${definition.key}@${version}`,
          flow: definition.key,
          detail: { hash },
        });
        return { flow: { ...definition, version }, created: true };
      }
    },
    get,
    async latest(key) {
      const head = await headOf(key);
      return head ? get(key, head.version) : null;
    },
    async keys() {
      // Only the ids (the flow keys); a head that cannot be read is reported when its flow is.
      const ids = await unread(m.FlowHead).distinct("_id");
      return ids.filter((id): id is string => typeof id === "string").sort();
    },
  };
}

function auditLog(m: Models, onCorrupt: OnCorrupt): AuditLog {
  return {
    async record(entry: AuditEntry) {
      await raw<AuditDoc>(m.Audit).insertOne({
        ...entry,
        v: STORED_VERSION,
        ...(entry.detail ? { detail: { ...entry.detail } } : {}),
      });
    },
    async recent(limit, filter = {}) {
      const docs = await unread(m.Audit)
        .find(filter.flow === undefined ? {} : { flow: filter.flow })
        .sort({ at: -1 })
        .limit(limit)
        .toArray();
      return readMany(auditEntries, docs, onCorrupt).map((d) => ({
        at: d.at,
        actor: d.actor,
        action: d.action,
        target: d.target,
        ...(d.flow === undefined ? {} : { flow: d.flow }),
        ...(d.detail ? { detail: d.detail } : {}),
      }));
    },
  };
}

const toAlertDoc = (alert: AlertRecord): AlertDoc => ({
  _id: alert.id,
  v: STORED_VERSION,
  rev: alert.rev,
  status: alert.status,
  posted: alert.post !== undefined,
  raisedAt: new Date(alert.raisedAt),
  // A plain copy: the driver must not see class instances or shared references (written WHOLE_DOCUMENT).
  alert: structuredClone(alert),
});

function alertStore(m: Models, onCorrupt: OnCorrupt): AlertStore {
  const alerts = raw<AlertDoc>(m.Alert);
  const pointers = raw<AlertPointerDoc>(m.AlertPointer);
  return {
    async get(id) {
      const doc = await unread(m.Alert).findOne({ _id: id });
      return doc ? readOne(alertDocs, doc, onCorrupt).alert : null;
    },
    async create(alert) {
      try {
        await alerts.insertOne(toAlertDoc(alert), WHOLE_DOCUMENT);
        return "ok";
      } catch (error) {
        if (isDuplicateKey(error)) return "conflict";
        throw error;
      }
    },
    async update(alert, expectedRev) {
      // Agents act on an alert a few times in its life: a conditional replace is enough here (on MongoDB it is
      // atomic; on the embedded server two clicks in the same millisecond could both apply).
      const result = await alerts.replaceOne(
        { _id: alert.id, rev: expectedRev },
        toAlertDoc(alert),
        WHOLE_DOCUMENT,
      );
      return result.matchedCount === 1 ? "ok" : "conflict";
    },
    async openFor(key) {
      const found = await unread(m.AlertPointer).findOne({ _id: key });
      if (!found) return null;
      // A pointer is a hint for forwarding a customer's message: one that cannot be read is reported and
      // treated as absent (the message is then answered as outside a survey, not lost in a crash).
      const read = readStored(alertPointers, found);
      if (!read.ok) {
        onCorrupt(read.error);
        return null;
      }
      return { alertId: read.value.alertId, at: read.value.at };
    },
    async setOpen(key, alertId, at) {
      if (alertId === null) await pointers.deleteOne({ _id: key });
      else await pointers.replaceOne({ _id: key }, { v: STORED_VERSION, alertId, at }, { upsert: true });
    },
    async listUnposted(before, limit) {
      const docs = await unread(m.Alert)
        .find({ posted: false, raisedAt: { $lt: before } })
        .sort({ raisedAt: 1 })
        .limit(limit)
        .toArray();
      return readMany(alertDocs, docs, onCorrupt).map((d) => d.alert);
    },
  };
}

// ─── Admin state ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * How long a superseded revision is kept before it is deleted: far longer than one save (read, decide, insert)
 * takes. Deleting revision `n` frees its `_id`, and a writer still holding `n - 1` must find it taken.
 */
const REVISION_GRACE_MS = 60_000;

/** A collection of revision documents, or of their heads. */
type RevisionCollection = Parameters<typeof raw>[0];

/** A revisioned record: its newest revision, and saving the next one as a compare-and-set. */
interface RevisionChain<T> {
  /** The newest revision of `key` (never a stale one), or null. */
  newest(key: string): Promise<T | null>;
  /** Stores revision `rev` of `key` with `insert`; `conflict` when that revision is already stored. */
  append(key: string, rev: number, insert: () => Promise<unknown>): Promise<WriteResult>;
}

/**
 * A revisioned record (a flow's control record, the admins added by command), kept as conversations are
 * (storage/conversation-store.ts) and for the same reasons: revision `rev` of the record `key` is its own
 * document, `key#rev`, so a save is an insert and the unique `_id` is its compare-and-set, atomic on MongoDB
 * and on the embedded server alike. A head document (`_id` = `key`) names a revision already stored, raised
 * after each save: a read starts there and reads forward by exact `_id` to the first revision missing, so a
 * head that lags (a crash between the two writes, a slower writer) costs a read, never a stale answer. The
 * embedded server scans for every lookup, even by `_id` (a miss reads the whole collection), so a revision
 * this process superseded is deleted by its first save after {@link REVISION_GRACE_MS}: the collection keeps a
 * few documents per record, not one per admin action ever taken.
 */
function revisionChain<T extends { readonly rev: number }>(
  revisions: RevisionCollection,
  heads: RevisionCollection,
  stored: { readonly revisions: StoredShape<T>; readonly heads: StoredShape<RevisionHeadDoc> },
  onCorrupt: OnCorrupt,
): RevisionChain<T> {
  const storedRevisions = unread(revisions);
  const read = (key: string, rev: number) => storedRevisions.findOne({ _id: `${key}#${rev}` });
  /** Superseded revisions, oldest first, with when they were superseded. */
  let garbage: { id: string; at: number }[] = [];

  /** Raises the head to `rev`: best effort, as reads survive a head that lags. */
  const raise = async (key: string, rev: number): Promise<void> => {
    try {
      await raw<RevisionHeadDoc>(heads).updateOne(
        { _id: key, rev: { $lt: rev } },
        { $set: { rev }, $setOnInsert: { v: STORED_VERSION } },
        { upsert: true },
      );
    } catch {
      // E11000: the head is at `rev` or beyond already. Anything else: it lags, which the next read repairs.
    }
  };

  /**
   * The newest revision from `rev` (stored as `doc`) on: one lookup per revision ahead, plus one that misses.
   * Raises the head when it named an older revision (`headRev`; 0 when there is none).
   */
  const forward = async (key: string, rev: number, doc: UnreadDoc, headRev: number): Promise<T> => {
    let newest = { rev, doc };
    for (let next = await read(key, rev + 1); next; next = await read(key, newest.rev + 1)) {
      newest = { rev: newest.rev + 1, doc: next };
    }
    if (newest.rev > headRev) await raise(key, newest.rev);
    return readOne(stored.revisions, newest.doc, onCorrupt);
  };

  const prune = async (): Promise<void> => {
    const cutoff = Date.now() - REVISION_GRACE_MS;
    const aged = garbage.filter((g) => g.at <= cutoff);
    if (aged.length === 0) return;
    garbage = garbage.filter((g) => g.at > cutoff);
    try {
      await storedRevisions.deleteMany({ _id: { $in: aged.map((g) => g.id) } });
    } catch {
      garbage = [...aged, ...garbage];
    }
  };

  return {
    async newest(key) {
      const found = await unread(heads).findOne({ _id: key });
      // A head is a hint: one that cannot be read is reported and the record is looked up by key instead.
      const head = found ? readStored(stored.heads, found) : null;
      if (head && !head.ok) onCorrupt(head.error);
      const hint = head?.ok ? head.value.rev : 0;
      if (hint > 0) {
        const [atHint, ahead] = await Promise.all([read(key, hint), read(key, hint + 1)]);
        if (ahead) return forward(key, hint + 1, ahead, hint);
        if (atHint) return readOne(stored.revisions, atHint, onCorrupt);
      }
      // No head (none saved, or a crash before the first was written), or one naming a revision no longer
      // stored: the newest by key, a scan of a collection kept small.
      const [newest] = await storedRevisions.find({ key }).sort({ rev: -1 }).limit(1).toArray();
      if (!newest) return null;
      const { rev } = readOne(stored.revisions, newest, onCorrupt);
      return forward(key, rev, newest, hint);
    },
    async append(key, rev, insert) {
      try {
        await insert();
      } catch (error) {
        if (isDuplicateKey(error)) return "conflict";
        throw error;
      }
      await raise(key, rev);
      if (rev > 1) garbage.push({ id: `${key}#${rev - 1}`, at: Date.now() });
      await prune();
      return "ok";
    },
  };
}

/** The record key of the admins added by command (their revisions are `admins#rev`). */
const ADMINS = "admins";

/** The fields `versions` reads of a published flow (not its definition). */
const VERSION_FIELDS = { _id: 1, v: 1, key: 1, version: 1, hash: 1, publishedAt: 1, publishedBy: 1 } as const;
/** How many versions `versions` looks up at once. */
const VERSIONS_AT_ONCE = 10;

/**
 * Saving a revision that does not follow the one named is a bug in the caller, not a conflict to retry: it
 * throws `STORE_CONFLICT`.
 */
function checkFollows(rev: number, expectedRev: number): void {
  if (!Number.isInteger(expectedRev) || expectedRev < 0 || rev !== expectedRev + 1) {
    throw new CxError("STORE_CONFLICT", `revision ${rev} does not follow revision ${expectedRev}`);
  }
}

const CURRENT_MODEL = "current";
const localeDocId = (trainedAt: string, locale: string): string => `${trainedAt}|${locale}`;

function sentimentModelStore(m: Models, onCorrupt: OnCorrupt): SentimentModelStore {
  const current = async (): Promise<SentimentModelDoc | null> => {
    const found = await unread(m.SentimentModel).findOne({ _id: CURRENT_MODEL });
    return found ? readOne(sentimentModels, found, onCorrupt) : null;
  };
  return {
    async trainedAt() {
      return (await current())?.trainedAt ?? null;
    },
    async load() {
      const record = await current();
      if (!record) return null;
      const locales: Partial<Record<Locale, LocaleModel>> = {};
      for (const locale of record.locales) {
        const found = await unread(m.SentimentModel).findOne({ _id: localeDocId(record.trainedAt, locale) });
        if (!found) return null;
        const { _id, v, ...model } = readOne(sentimentLocales, found, onCorrupt);
        locales[locale] = model;
      }
      const model: LearnedModel = { kind: record.kind, version: record.version, bits: record.bits, locales };
      return { model, trainedAt: record.trainedAt };
    },
    async save(model, trainedAt) {
      const previous = await current();
      const locales = Object.keys(model.locales).filter(isLocale);
      for (const locale of locales) {
        const localeModel = model.locales[locale];
        if (!localeModel) continue;
        await raw<SentimentLocaleDoc>(m.SentimentModel).replaceOne(
          { _id: localeDocId(trainedAt, locale) },
          { v: STORED_VERSION, ...localeModel },
          { upsert: true },
        );
      }
      await raw<SentimentModelDoc>(m.SentimentModel).replaceOne(
        { _id: CURRENT_MODEL },
        { v: STORED_VERSION, trainedAt, kind: model.kind, version: model.version, bits: model.bits, locales },
        { upsert: true },
      );
      // The previous training's locales are no longer pointed at (a reader that had just read the old record
      // and finds its locale gone gets null and keeps the model it has).
      if (previous && previous.trainedAt !== trainedAt)
        for (const locale of previous.locales)
          await raw<SentimentLocaleDoc>(m.SentimentModel).deleteOne({
            _id: localeDocId(previous.trainedAt, locale),
          });
    },
  };
}

function adminStore(m: Models, onCorrupt: OnCorrupt): AdminStore {
  const controls = revisionChain(
    m.FlowControl,
    m.FlowControlHead,
    { revisions: flowControls, heads: flowControlHeads },
    onCorrupt,
  );
  const admins = revisionChain(
    m.AdminGrants,
    m.AdminGrantsHead,
    { revisions: adminGrants, heads: adminGrantHeads },
    onCorrupt,
  );
  return {
    async control(key) {
      const doc = await controls.newest(key);
      if (!doc) return null;
      const { _id, v, ...control } = doc;
      return control;
    },
    async saveControl(next, expectedRev) {
      checkFollows(next.rev, expectedRev);
      return controls.append(next.key, next.rev, () =>
        raw<FlowControlDoc>(m.FlowControl).insertOne(
          { ...next, _id: `${next.key}#${next.rev}`, v: STORED_VERSION },
          WHOLE_DOCUMENT,
        ),
      );
    },
    async controlKeys() {
      // Only the ids (the flow keys); a head that cannot be read is reported when its record is read.
      const ids = await unread(m.FlowControlHead).distinct("_id");
      return ids.filter((id): id is string => typeof id === "string").sort();
    },
    async admins() {
      const doc = await admins.newest(ADMINS);
      return doc ? { rev: doc.rev, grants: doc.grants } : { rev: 0, grants: [] };
    },
    async saveAdmins(grants, expectedRev) {
      const rev = expectedRev + 1;
      checkFollows(rev, expectedRev);
      return admins.append(ADMINS, rev, () =>
        raw<AdminGrantsDoc>(m.AdminGrants).insertOne({
          _id: `${ADMINS}#${rev}`,
          v: STORED_VERSION,
          key: ADMINS,
          rev,
          grants: grants.map((g) => ({ id: g.id, addedBy: g.addedBy, addedAt: g.addedAt })),
        }),
      );
    },
    async session(actor) {
      const found = await unread(m.AdminSession).findOne({ _id: actor });
      if (!found) return null;
      // A session only spares the admin a command: one that cannot be read is reported and treated as absent.
      const read = readStored(adminSessions, found);
      if (!read.ok) {
        onCorrupt(read.error);
        return null;
      }
      const { _id, v, ...session } = read.value;
      return { actor: _id, ...session };
    },
    async setSession(actor, session) {
      const sessions = raw<AdminSessionDoc>(m.AdminSession);
      if (session === null) {
        await sessions.deleteOne({ _id: actor });
        return;
      }
      const { actor: _, ...fields } = session;
      await retryUpsert(() =>
        sessions.replaceOne({ _id: actor }, { ...fields, v: STORED_VERSION }, { upsert: true }),
      );
    },
    async versions(key, limit) {
      const found = await unread(m.FlowHead).findOne({ _id: key });
      if (!found || limit < 1) return [];
      const newest = readOne(flowHeads, found, onCorrupt).version;
      // Exact lookups down from the head, a few at once (a query by key would scan every definition on the
      // embedded server); a version published since the head was read is not listed.
      const docs: UnreadDoc[] = [];
      for (let top = newest; top >= 1 && docs.length < limit; ) {
        const from = top;
        const batch = await Promise.all(
          Array.from({ length: Math.min(VERSIONS_AT_ONCE, from, limit - docs.length) }, (_, i) =>
            unread(m.Flow).findOne({ _id: `${key}@${from - i}` }, { projection: VERSION_FIELDS }),
          ),
        );
        top -= batch.length;
        for (const doc of batch) if (doc) docs.push(doc);
      }
      return readMany(flowVersions, docs, onCorrupt).map((d) => ({
        version: d.version,
        hash: d.hash,
        publishedAt: d.publishedAt.toISOString(),
        publishedBy: d.publishedBy,
      }));
    },
  };
}

export interface MongoStoresOptions {
  /** This process is the database's only writer (the embedded server it started): it may keep what it wrote. */
  readonly soleWriter?: boolean;
  /**
   * Told about every stored document that cannot be read (default: a process warning). A lookup by id then
   * throws the same `STORE_CORRUPT` error, except for respondent profiles, open-alert pointers and admin sessions,
   * which read as absent (as do the heads of revisioned records, which are then looked up by key); listings
   * skip the document.
   */
  readonly onCorrupt?: (error: StoreCorruptError) => void;
}

/** Conversations kept in memory by a sole writer (about 2 kB each). */
const SOLE_WRITER_CACHE = 5_000;

/**
 * The MongoDB implementation of every store the core needs, on one connection. `soleWriter`: this process is
 * the database's only writer (the embedded server it started), so it may keep what it wrote in memory.
 */
export function createMongoStores(
  connection: Connection,
  options: MongoStoresOptions = {},
): SurveyStores & { readonly models: Models } {
  const models = createModels(connection);
  const onCorrupt = options.onCorrupt ?? reportCorrupt;
  return {
    models,
    conversations: createConversationStore(models, {
      onCorrupt,
      ...(options.soleWriter ? { soleWriterCache: SOLE_WRITER_CACHE } : {}),
    }),
    responses: responseStore(models, onCorrupt),
    events: processedEventStore(models),
    respondents: respondentStore(models, onCorrupt),
    rollups: createRollupStore(models, { cache: options.soleWriter === true }),
    flows: flowStore(models, onCorrupt),
    audit: auditLog(models, onCorrupt),
    alerts: alertStore(models, onCorrupt),
    admin: adminStore(models, onCorrupt),
    sentimentModels: sentimentModelStore(models, onCorrupt),
  };
}

/** An open database: the stores plus a way to close the connection. */
export interface Database {
  readonly connection: Connection;
  readonly stores: SurveyStores & { readonly models: Models };
  close(): Promise<void>;
}

/** Connects to `uri` (database `dbName`, or the one in the URI, or `cxbot`) and prepares the indexes. */
export async function openDatabase(
  uri: string,
  dbName?: string,
  options: MongoStoresOptions = {},
): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    ...(dbName === undefined ? {} : { dbName }),
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
    maxPoolSize: 20,
  });
  await connection.asPromise();
  if (dbName === undefined && connection.name === "test") {
    await connection.close();
    return openDatabase(uri, "cxbot", options);
  }
  const stores = createMongoStores(connection, options);
  await ensureIndexes(stores.models);
  return { connection, stores, close: () => connection.close() };
}
