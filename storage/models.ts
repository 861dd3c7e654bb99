import { type Connection, type mongo, Schema } from "mongoose";
import type {
  AdminGrantsDoc,
  AdminSessionDoc,
  AlertDoc,
  AlertPointerDoc,
  AuditDoc,
  ConversationHeadDoc,
  ConversationRevisionDoc,
  FlowControlDoc,
  FlowDoc,
  FlowHeadDoc,
  ProcessedEventDoc,
  RespondentDoc,
  ResponseDoc,
  RevisionHeadDoc,
  SentimentLocaleDoc,
  SentimentModelDoc,
} from "./schemas.ts";

/**
 * The collections. Hot-path lookups go by deterministic string `_id` (the respondent's key, the conversation
 * id, the rollup bucket, the event id): the only filter the embedded FerretDB server pushes down to SQLite,
 * and the fastest one on MongoDB. Secondary indexes serve MongoDB; FerretDB scans, so the collections they
 * serve stay small (active conversations) or are read rarely (archive, reports).
 *
 * Only operations that behave the same on MongoDB ≥ 6 and FerretDB 1.24 are used: no transactions, TTL
 * indexes, `$lookup`, `$facet`, `$avg`/`$push` accumulators, or keys containing `.` or starting with `$`.
 */

/** Score rollups (not versioned: their storage is reworked separately). */
export interface RollupDoc {
  /** `flowKey|stepId|day`. */
  _id: string;
  flowKey: string;
  stepId: string;
  scale: string;
  /** `YYYY-MM-DD` in the flow's time zone. */
  day: string;
  /** Answers per value over all channels and locales: `h.v7` is the number of 7s. */
  h: Record<string, number>;
  /** The same per channel and locale: `by.telegram.fa.v7`. */
  by: Record<string, Record<string, Record<string, number>>>;
  n: number;
  sum: number;
  /** Per rollup run, the last batch applied here (`a.<runId>` = seq): a repeated batch is not applied again. */
  a?: Record<string, number>;
}

/** A run of a process's rollup writer, until it closes cleanly (see core/rollups.ts `RollupBuffer`). */
export interface RollupRunDoc {
  /** The run id. */
  _id: string;
  host: string;
  pid: number;
  startedAt: Date;
  aliveAt: Date;
}

/** A flow-day a run may count answers on: `_id` = `runId|flowKey|day`, inserted once, so recording it is idempotent. */
export interface RollupTouchDoc {
  _id: string;
  runId: string;
  flowKey: string;
  day: string;
}

const opts = { versionKey: false, minimize: false, strict: true } as const;

const conversationHeadSchema = new Schema<ConversationHeadDoc>(
  {
    _id: String,
    v: Number,
    conversationId: { type: String, required: true },
    startedAt: { type: Date, required: true },
  },
  { ...opts, collection: "conversations" },
);

const conversationRevisionSchema = new Schema<ConversationRevisionDoc>(
  {
    _id: String,
    v: Number,
    key: { type: String, required: true },
    conversationId: { type: String, required: true },
    rev: { type: Number, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    state: { type: Schema.Types.Mixed, required: true },
    recentEventIds: [String],
    transcript: [Schema.Types.Mixed],
    outbox: { type: Schema.Types.Mixed, required: false },
  },
  { ...opts, collection: "conversation_revisions" },
);
conversationRevisionSchema.index({ updatedAt: 1 });

const responseSchema = new Schema<ResponseDoc>(
  {
    _id: String,
    v: Number,
    key: { type: String, required: true },
    rev: Number,
    flowKey: { type: String, required: true },
    flowVersion: Number,
    status: String,
    channel: String,
    startedAt: Date,
    endedAt: Date,
    state: { type: Schema.Types.Mixed, required: true },
    recentEventIds: [String],
    transcript: [Schema.Types.Mixed],
  },
  { ...opts, collection: "responses" },
);
responseSchema.index({ flowKey: 1, endedAt: 1 });
responseSchema.index({ key: 1, endedAt: -1 });
responseSchema.index({ flowKey: 1, startedAt: -1 });

const processedEventSchema = new Schema<ProcessedEventDoc>(
  { _id: String, v: Number, at: { type: Date, required: true } },
  { ...opts, collection: "processed_events" },
);
processedEventSchema.index({ at: 1 });

const respondentSchema = new Schema<RespondentDoc>(
  {
    _id: String,
    v: Number,
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    displayName: String,
    locale: String,
    lastLocale: String,
    optedOut: { type: Boolean, default: false },
    lastSurveyedAt: Date,
  },
  { ...opts, collection: "respondents" },
);

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: String,
    flowKey: String,
    stepId: String,
    scale: String,
    day: String,
    h: { type: Schema.Types.Mixed, default: {} },
    by: { type: Schema.Types.Mixed, default: {} },
    n: { type: Number, default: 0 },
    sum: { type: Number, default: 0 },
    a: Schema.Types.Mixed,
  },
  { ...opts, collection: "score_rollups" },
);
rollupSchema.index({ flowKey: 1, day: 1 });

const rollupRunSchema = new Schema<RollupRunDoc>(
  {
    _id: String,
    host: { type: String, required: true },
    pid: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    aliveAt: { type: Date, required: true },
  },
  { ...opts, collection: "rollup_runs" },
);

const rollupTouchSchema = new Schema<RollupTouchDoc>(
  {
    _id: String,
    runId: { type: String, required: true },
    flowKey: { type: String, required: true },
    day: { type: String, required: true },
  },
  { ...opts, collection: "rollup_touches" },
);

const flowSchema = new Schema<FlowDoc>(
  {
    _id: String,
    v: Number,
    key: { type: String, required: true },
    version: { type: Number, required: true },
    hash: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
  },
  { ...opts, collection: "flows" },
);
flowSchema.index({ key: 1, version: -1 }, { unique: true });

const flowHeadSchema = new Schema<FlowHeadDoc>(
  {
    _id: String,
    v: Number,
    version: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { ...opts, collection: "flow_heads" },
);

const auditSchema = new Schema<AuditDoc>(
  {
    v: Number,
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, required: true },
    flow: String,
    detail: Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false, collection: "audit_log" },
);
auditSchema.index({ at: -1 });
auditSchema.index({ flow: 1, at: -1 });

const alertSchema = new Schema<AlertDoc>(
  {
    _id: String,
    v: Number,
    rev: { type: Number, required: true },
    status: { type: String, required: true },
    posted: { type: Boolean, required: true },
    raisedAt: { type: Date, required: true },
    alert: { type: Schema.Types.Mixed, required: true },
  },
  { ...opts, collection: "alerts" },
);
alertSchema.index({ posted: 1, raisedAt: 1 });

const alertPointerSchema = new Schema<AlertPointerDoc>(
  { _id: String, v: Number, alertId: { type: String, required: true }, at: { type: Date, required: true } },
  { ...opts, collection: "open_alerts" },
);

const flowControlSchema = new Schema<FlowControlDoc>(
  {
    _id: String,
    v: Number,
    key: { type: String, required: true },
    rev: { type: Number, required: true },
    live: { type: Number, required: true },
    enabled: { type: Boolean, required: true },
    seededHash: String,
    adminOwned: { type: Boolean, required: true },
    draft: { type: Schema.Types.Mixed, required: false },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { ...opts, collection: "flow_controls" },
);
flowControlSchema.index({ key: 1, rev: -1 });

const adminGrantsSchema = new Schema<AdminGrantsDoc>(
  {
    _id: String,
    v: Number,
    key: { type: String, required: true },
    rev: { type: Number, required: true },
    grants: [Schema.Types.Mixed],
  },
  { ...opts, collection: "admin_grants" },
);
adminGrantsSchema.index({ key: 1, rev: -1 });

/** The head of each record in a collection of revisions (`flow_controls`, `admin_grants`). */
const revisionHeadSchema = (collection: string) =>
  new Schema<RevisionHeadDoc>(
    { _id: String, v: Number, rev: { type: Number, required: true } },
    { ...opts, collection },
  );
// Built once: a connection compiles a model again only from the very same schema (stores made twice on one).
const flowControlHeadSchema = revisionHeadSchema("flow_control_heads");
const adminGrantsHeadSchema = revisionHeadSchema("admin_grant_heads");

/** The learned sentiment model: a "current" record and one document per locale and training (both shapes). */
const sentimentModelSchema = new Schema<SentimentModelDoc | SentimentLocaleDoc>(
  { _id: String, v: Number },
  { ...opts, strict: false, collection: "sentiment_models" },
);

const adminSessionSchema = new Schema<AdminSessionDoc>(
  {
    _id: String,
    v: Number,
    kind: { type: String, required: true },
    flow: { type: String, required: true },
    target: { type: String, required: true },
    locale: { type: String, required: true },
    edits: { type: Number, required: true },
    startedAt: { type: String, required: true },
  },
  { ...opts, collection: "admin_sessions" },
);

/** Binds the models to one connection (tests use one connection per throwaway database). */
export function createModels(connection: Connection) {
  return {
    ConversationHead: connection.model("ConversationHead", conversationHeadSchema),
    ConversationRevision: connection.model("ConversationRevision", conversationRevisionSchema),
    Response: connection.model("Response", responseSchema),
    ProcessedEvent: connection.model("ProcessedEvent", processedEventSchema),
    Respondent: connection.model("Respondent", respondentSchema),
    Rollup: connection.model("Rollup", rollupSchema),
    RollupRun: connection.model("RollupRun", rollupRunSchema),
    RollupTouch: connection.model("RollupTouch", rollupTouchSchema),
    Flow: connection.model("Flow", flowSchema),
    FlowHead: connection.model("FlowHead", flowHeadSchema),
    Audit: connection.model("Audit", auditSchema),
    Alert: connection.model("Alert", alertSchema),
    AlertPointer: connection.model("AlertPointer", alertPointerSchema),
    FlowControl: connection.model("FlowControl", flowControlSchema),
    FlowControlHead: connection.model("FlowControlHead", flowControlHeadSchema),
    AdminGrants: connection.model("AdminGrants", adminGrantsSchema),
    AdminGrantsHead: connection.model("AdminGrantsHead", adminGrantsHeadSchema),
    AdminSession: connection.model("AdminSession", adminSessionSchema),
    SentimentModel: connection.model("SentimentModel", sentimentModelSchema),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Creates the declared indexes (idempotent). */
export async function ensureIndexes(models: Models): Promise<void> {
  // Independent collections, so at once: start-up waits for the slowest, not for their sum.
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
}

/** The driver collection behind a model, typed: single round trips without mongoose's document layer. */
export function raw<T extends mongo.Document>(model: {
  readonly db: Connection;
  readonly collection: { readonly collectionName: string };
}): mongo.Collection<T> {
  // The connection keeps one collection object per name: this is the model's own, typed.
  return model.db.collection<T>(model.collection.collectionName);
}

/**
 * Options for writing a whole document: a field set to `undefined` is left out, as the schemas' optional
 * fields expect (the driver would store it as `null`).
 */
export const WHOLE_DOCUMENT = { ignoreUndefined: true } as const;

/** A stored document before it is parsed (storage/schemas.ts): an id, and fields not yet checked. */
export interface UnreadDoc {
  _id: string;
  [field: string]: unknown;
}

/** The driver collection behind a model, for reading: what it returns is parsed, not trusted. */
export const unread = (model: Parameters<typeof raw>[0]): mongo.Collection<UnreadDoc> =>
  raw<UnreadDoc>(model);

/** MongoDB's duplicate-key error (E11000), on MongoDB and FerretDB alike. */
export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; writeErrors?: { code?: unknown }[] };
  return e.code === 11000 || (Array.isArray(e.writeErrors) && e.writeErrors.every((w) => w.code === 11000));
}

/** Retries an upsert that lost a race to create the same new `_id` (E11000 on concurrent upserts). */
export async function retryUpsert<T>(op: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (error) {
      if (!isDuplicateKey(error) || i >= 4) throw error;
    }
  }
}
