import { type Connection, type Model, type mongo, Schema } from "mongoose";

/**
 * The collections. Hot-path lookups go by deterministic string `_id` (the respondent's key, the conversation
 * id, the rollup bucket, the event id): the only filter the embedded FerretDB server pushes down to SQLite,
 * and the fastest one on MongoDB. Secondary indexes serve MongoDB; FerretDB scans, so the collections they
 * serve stay small (active conversations) or are read rarely (archive, reports).
 *
 * Only operations that behave the same on MongoDB ≥ 6 and FerretDB 1.24 are used: no transactions, TTL
 * indexes, `$lookup`, `$facet`, `$avg`/`$push` accumulators, or keys containing `.` or starting with `$`.
 */

/** One conversation in progress: `_id` is the respondent's key. Tiny; written only at start and end. */
export interface ConversationHeadDoc {
  _id: string;
  conversationId: string;
  startedAt: Date;
}

/** One revision of a conversation in progress, never changed once written: `_id` = `key#conversationId#rev`. */
export interface ConversationRevisionDoc {
  _id: string;
  key: string;
  conversationId: string;
  rev: number;
  status: string;
  updatedAt: Date;
  state: Record<string, unknown>;
  recentEventIds: string[];
  transcript: Record<string, unknown>[];
}

export interface ResponseDoc {
  _id: string;
  key: string;
  rev: number;
  flowKey: string;
  flowVersion: number;
  status: string;
  channel: string;
  startedAt: Date;
  endedAt: Date;
  state: Record<string, unknown>;
  recentEventIds: string[];
  transcript: Record<string, unknown>[];
}

export interface ProcessedEventDoc {
  _id: string;
  at: Date;
}

export interface RespondentDoc {
  _id: string;
  channel: string;
  userId: string;
  displayName?: string;
  locale?: string;
  lastLocale?: string;
  optedOut: boolean;
  lastSurveyedAt?: Date;
}

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
}

export interface FlowDoc {
  _id: string;
  key: string;
  version: number;
  hash: string;
  definition: Record<string, unknown>;
  publishedAt: Date;
  publishedBy: string;
}

export interface FlowHeadDoc {
  _id: string;
  version: number;
  hash: string;
}

export interface AuditDoc {
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail?: Record<string, string | number | boolean>;
}

/** A low-score alert (core's `AlertRecord`), `_id` = conversation id; `posted` says whether it is on Slack. */
export interface AlertDoc {
  _id: string;
  rev: number;
  status: string;
  posted: boolean;
  raisedAt: Date;
  alert: Record<string, unknown>;
}

/** A respondent's open alert, `_id` = respondent key. */
export interface AlertPointerDoc {
  _id: string;
  alertId: string;
  at: Date;
}

const opts = { versionKey: false, minimize: false, strict: true } as const;

const conversationHeadSchema = new Schema<ConversationHeadDoc>(
  {
    _id: String,
    conversationId: { type: String, required: true },
    startedAt: { type: Date, required: true },
  },
  { ...opts, collection: "conversations" },
);

const conversationRevisionSchema = new Schema<ConversationRevisionDoc>(
  {
    _id: String,
    key: { type: String, required: true },
    conversationId: { type: String, required: true },
    rev: { type: Number, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    state: { type: Schema.Types.Mixed, required: true },
    recentEventIds: [String],
    transcript: [Schema.Types.Mixed],
  },
  { ...opts, collection: "conversation_revisions" },
);
conversationRevisionSchema.index({ updatedAt: 1 });

const responseSchema = new Schema<ResponseDoc>(
  {
    _id: String,
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

const processedEventSchema = new Schema<ProcessedEventDoc>(
  { _id: String, at: { type: Date, required: true } },
  { ...opts, collection: "processed_events" },
);
processedEventSchema.index({ at: 1 });

const respondentSchema = new Schema<RespondentDoc>(
  {
    _id: String,
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
  },
  { ...opts, collection: "score_rollups" },
);
rollupSchema.index({ flowKey: 1, day: 1 });

const flowSchema = new Schema<FlowDoc>(
  {
    _id: String,
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
  { _id: String, version: { type: Number, required: true }, hash: { type: String, required: true } },
  { ...opts, collection: "flow_heads" },
);

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, required: true },
    detail: Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false, collection: "audit_log" },
);
auditSchema.index({ at: -1 });

const alertSchema = new Schema<AlertDoc>(
  {
    _id: String,
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
  { _id: String, alertId: { type: String, required: true }, at: { type: Date, required: true } },
  { ...opts, collection: "open_alerts" },
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
    Flow: connection.model("Flow", flowSchema),
    FlowHead: connection.model("FlowHead", flowHeadSchema),
    Audit: connection.model("Audit", auditSchema),
    Alert: connection.model("Alert", alertSchema),
    AlertPointer: connection.model("AlertPointer", alertPointerSchema),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Creates the declared indexes (idempotent). */
export async function ensureIndexes(models: Models): Promise<void> {
  // Independent collections, so at once: start-up waits for the slowest, not for their sum.
  await Promise.all(
    Object.values(models).map((model) => (model as unknown as Model<unknown>).createIndexes()),
  );
}

/** The driver collection behind a model, typed: single round trips without mongoose's document layer. */
export function raw<T extends mongo.Document>(model: { readonly collection: unknown }): mongo.Collection<T> {
  return model.collection as unknown as mongo.Collection<T>;
}

/** MongoDB's duplicate-key error (E11000), on MongoDB and FerretDB alike. */
export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; writeErrors?: { code?: unknown }[] };
  return e.code === 11000 || (Array.isArray(e.writeErrors) && e.writeErrors.every((w) => w.code === 11000));
}
