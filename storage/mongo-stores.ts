import mongoose, { type Connection } from "mongoose";
import type { AlertRecord } from "../core/alerts/alert.ts";
import type { ConversationState } from "../core/engine/state.ts";
import type { Flow, FlowDefinition } from "../core/flow/schema.ts";
import type { Locale } from "../core/locale.ts";
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
  SurveyStores,
  TranscriptEntry,
} from "../core/ports.ts";
import { respondentKey } from "../core/service.ts";
import type { Channel, RespondentRef } from "../core/types.ts";
import { createConversationStore } from "./conversation-store.ts";
import {
  type AlertDoc,
  type AlertPointerDoc,
  type AuditDoc,
  createModels,
  ensureIndexes,
  type FlowDoc,
  type FlowHeadDoc,
  isDuplicateKey,
  type Models,
  type ProcessedEventDoc,
  type RespondentDoc,
  type ResponseDoc,
  raw,
} from "./models.ts";
import { createRollupStore } from "./rollup-store.ts";

/** Retries an upsert that lost a race to create the same new `_id` (E11000 on concurrent upserts). */
async function retryUpsert<T>(op: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (error) {
      if (!isDuplicateKey(error) || i >= 4) throw error;
    }
  }
}

const toRecord = (doc: ResponseDoc): ConversationRecord => ({
  key: doc.key,
  rev: doc.rev,
  state: doc.state as unknown as ConversationState,
  recentEventIds: doc.recentEventIds ?? [],
  transcript: (doc.transcript ?? []) as unknown as TranscriptEntry[],
});

function responseStore(m: Models): ResponseStore {
  return {
    async *list(filter) {
      const cursor = m.Response.find(filter.flowKey === undefined ? {} : { flowKey: filter.flowKey })
        .lean<ResponseDoc[]>()
        .cursor({ batchSize: 500 });
      for await (const doc of cursor) yield toRecord(doc as ResponseDoc);
    },
    async get(conversationId) {
      const doc = await m.Response.findById(conversationId).lean<ResponseDoc>();
      return doc ? toRecord(doc) : null;
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
        await raw<ProcessedEventDoc>(m.ProcessedEvent).insertOne({ _id: eventId, at });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async has(eventId) {
      return (await m.ProcessedEvent.findById(eventId).lean()) !== null;
    },
    async forget(eventId) {
      await raw<ProcessedEventDoc>(m.ProcessedEvent).deleteOne({ _id: eventId });
    },
    async remember(eventIds, at) {
      if (eventIds.length === 0) return;
      try {
        await raw<ProcessedEventDoc>(m.ProcessedEvent).insertMany(
          eventIds.map((id) => ({ _id: id, at })),
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

function respondentStore(m: Models): RespondentStore {
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
          $setOnInsert: { optedOut: false },
        },
        { upsert: true },
      ),
    );
  return {
    async get(key): Promise<RespondentProfile | null> {
      const doc = await m.Respondent.findById(key).lean();
      if (!doc) return null;
      return {
        key,
        channel: doc.channel as Channel,
        userId: doc.userId,
        ...(doc.displayName ? { displayName: doc.displayName } : {}),
        ...(doc.locale ? { locale: doc.locale as Locale } : {}),
        ...(doc.lastLocale ? { lastLocale: doc.lastLocale as Locale } : {}),
        optedOut: doc.optedOut === true,
        ...(doc.lastSurveyedAt ? { lastSurveyedAt: doc.lastSurveyedAt.toISOString() } : {}),
      };
    },
    async touchSurveyed(ref, at, locale) {
      await upsert(ref, { lastSurveyedAt: at, lastLocale: locale });
    },
    async setLocale(ref, locale) {
      await upsert(ref, { locale });
    },
  };
}

function flowStore(m: Models): FlowStore {
  const toFlow = (doc: { definition: Record<string, unknown>; version: number }): Flow => ({
    ...(doc.definition as unknown as FlowDefinition),
    version: doc.version,
  });
  const get = async (key: string, version: number): Promise<Flow | null> => {
    const doc = await m.Flow.findById(`${key}@${version}`).lean();
    return doc ? toFlow(doc) : null;
  };
  return {
    async publish(definition, hash, actor) {
      for (let i = 0; ; i++) {
        const head = await m.FlowHead.findById(definition.key).lean();
        if (head && head.hash === hash) {
          const existing = await get(definition.key, head.version);
          if (existing) return { flow: existing, created: false };
        }
        const version = (head?.version ?? 0) + 1;
        try {
          await raw<FlowDoc>(m.Flow).insertOne({
            _id: `${definition.key}@${version}`,
            key: definition.key,
            version,
            hash,
            definition: definition as unknown as Record<string, unknown>,
            publishedAt: new Date(),
            publishedBy: actor,
          });
        } catch (error) {
          if (isDuplicateKey(error) && i < 4) continue;
          throw error;
        }
        await raw<FlowHeadDoc>(m.FlowHead).replaceOne(
          { _id: definition.key },
          { version, hash },
          { upsert: true },
        );
        await raw<AuditDoc>(m.Audit).insertOne({
          at: new Date(),
          actor,
          action: "flow.publish",
          target: `${definition.key}@${version}`,
          detail: { hash },
        });
        return { flow: { ...definition, version }, created: true };
      }
    },
    get,
    async latest(key) {
      const head = await m.FlowHead.findById(key).lean();
      return head ? get(key, head.version) : null;
    },
    async keys() {
      return (await m.FlowHead.find({}, { _id: 1 }).lean()).map((d) => d._id).sort();
    },
  };
}

function auditLog(m: Models): AuditLog {
  return {
    async record(entry: AuditEntry) {
      await raw<AuditDoc>(m.Audit).insertOne({
        ...entry,
        ...(entry.detail ? { detail: { ...entry.detail } } : {}),
      });
    },
    async recent(limit) {
      const docs = await m.Audit.find({}).sort({ at: -1 }).limit(limit).lean();
      return docs.map((d) => ({
        at: d.at,
        actor: d.actor,
        action: d.action,
        target: d.target,
        ...(d.detail ? { detail: d.detail } : {}),
      }));
    },
  };
}

const toAlertDoc = (alert: AlertRecord): AlertDoc => ({
  _id: alert.id,
  rev: alert.rev,
  status: alert.status,
  posted: alert.post !== undefined,
  raisedAt: new Date(alert.raisedAt),
  // A plain copy: the driver must not see class instances or shared references.
  alert: JSON.parse(JSON.stringify(alert)) as Record<string, unknown>,
});
const fromAlertDoc = (doc: AlertDoc): AlertRecord => doc.alert as unknown as AlertRecord;

function alertStore(m: Models): AlertStore {
  const alerts = raw<AlertDoc>(m.Alert);
  const pointers = raw<AlertPointerDoc>(m.AlertPointer);
  return {
    async get(id) {
      const doc = await alerts.findOne({ _id: id });
      return doc ? fromAlertDoc(doc) : null;
    },
    async create(alert) {
      try {
        await alerts.insertOne(toAlertDoc(alert));
        return "ok";
      } catch (error) {
        if (isDuplicateKey(error)) return "conflict";
        throw error;
      }
    },
    async update(alert, expectedRev) {
      // Agents act on an alert a few times in its life: a conditional replace is enough here (on MongoDB it is
      // atomic; on the embedded server two clicks in the same millisecond could both apply).
      const result = await alerts.replaceOne({ _id: alert.id, rev: expectedRev }, toAlertDoc(alert));
      return result.matchedCount === 1 ? "ok" : "conflict";
    },
    async openFor(key) {
      const doc = await pointers.findOne({ _id: key });
      return doc ? { alertId: doc.alertId, at: doc.at } : null;
    },
    async setOpen(key, alertId, at) {
      if (alertId === null) await pointers.deleteOne({ _id: key });
      else await pointers.replaceOne({ _id: key }, { alertId, at }, { upsert: true });
    },
    async listUnposted(before, limit) {
      const docs = await alerts
        .find({ posted: false, raisedAt: { $lt: before } })
        .sort({ raisedAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(fromAlertDoc);
    },
  };
}

/** Conversations kept in memory by a sole writer (about 2 kB each). */
const SOLE_WRITER_CACHE = 5_000;

/**
 * The MongoDB implementation of every store the core needs, on one connection. `soleWriter`: this process is
 * the database's only writer (the embedded server it started), so it may keep what it wrote in memory.
 */
export function createMongoStores(
  connection: Connection,
  options: { soleWriter?: boolean } = {},
): SurveyStores & { readonly models: Models } {
  const models = createModels(connection);
  return {
    models,
    conversations: createConversationStore(
      models,
      options.soleWriter ? { soleWriterCache: SOLE_WRITER_CACHE } : {},
    ),
    responses: responseStore(models),
    events: processedEventStore(models),
    respondents: respondentStore(models),
    rollups: createRollupStore(models),
    flows: flowStore(models),
    audit: auditLog(models),
    alerts: alertStore(models),
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
  options: { soleWriter?: boolean } = {},
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
