import { z } from "zod";
import type { AdminGrant, AdminSession, FlowControl } from "../core/admin/types.ts";
import type { AlertRecord } from "../core/alerts/alert.ts";
import type { ConversationState } from "../core/engine/state.ts";
import { ZBand, ZFlowDefinition, ZLocalizedText, ZSentimentLabel } from "../core/flow/schema.ts";
import { ZLocale } from "../core/locale.ts";
import type { AuditEntry, ConversationRecord, RespondentProfile, TranscriptEntry } from "../core/ports.ts";
import { CxError, err, ok, type Result } from "../core/result.ts";
import { componentOf, THEMES, type Theme } from "../core/themes/themes.ts";
import type { Answer, Channel, RespondentRef } from "../core/types.ts";

/**
 * The stored documents, as zod schemas: every document cxbot reads is parsed with them (rollups aside, whose
 * storage is reworked separately), so what comes back from the database is checked, typed and never cast.
 *
 * **Schema versions.** Every document is written with `v`, the current version of its collection's shape
 * (`STORED_VERSION`). A document without `v` was written before versions existed: version 1. Reading
 * picks the schema of the document's version; an older version's schema describes the old shape and
 * transforms it into the current one (the migration runs on every read of an old document; nothing is
 * rewritten in place, so a rollback can still read what it wrote). A version newer than this build knows
 * is reported like any other unreadable document. To change a shape: bump the collection's version, keep
 * the previous schema as `v<N>` with a transform to the new shape, and add a test that inserts an old one.
 *
 * Partial updates (`$set`, `$push`) never change `v`: they write only fields whose meaning is the same in
 * every version they can meet.
 */

/** The current shape version of each collection's documents. */
export const STORED_VERSION = 2;
/** The version of a document stored without `v`. */
export const LEGACY_VERSION = 1;

const ZV = z.literal(STORED_VERSION);

// ─── Core's types, as stored ───────────────────────────────────────────────────────────────────────────────

export const ZChannel = z.enum(["console", "telegram", "slack", "discord"]);
const ZScaleName = z.enum(["nps", "csat", "ces", "custom"]);
const ZIsoInstant = z.string();

export const ZRespondentRef = z.object({
  channel: ZChannel,
  userId: z.string(),
  chatId: z.string().optional(),
  displayName: z.string().optional(),
  languageTag: z.string().optional(),
});

const ZSentimentResult = z.object({
  label: ZSentimentLabel,
  score: z.number(),
  evidence: z.array(z.object({ term: z.string(), weight: z.number(), negated: z.boolean() })),
});

export const ZAnswer = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("rating"),
    value: z.number(),
    scale: ZScaleName,
    band: ZBand.optional(),
    sentiment: ZSentimentLabel,
  }),
  z.object({ type: z.literal("choice"), optionIds: z.array(z.string()) }),
  z.object({
    type: z.literal("text"),
    text: z.string(),
    original: z.string().optional(),
    sentiment: ZSentimentResult,
    score: z.enum(["prior", "disagrees"]).optional(),
  }),
  z.object({ type: z.literal("skipped") }),
]);

const ZConversationStatus = z.enum(["active", "completed", "stopped", "expired", "replaced"]);

export const ZConversationState = z.object({
  id: z.string(),
  respondent: ZRespondentRef,
  flowKey: z.string(),
  flowVersion: z.number().int(),
  locale: ZLocale,
  reference: z.string().optional(),
  properties: z.record(z.string(), z.string()).optional(),
  sendId: z.string().optional(),
  expiresAt: ZIsoInstant.optional(),
  startSequence: z.number().optional(),
  status: ZConversationStatus,
  stepId: z.string().nullable(),
  answers: z.array(z.object({ stepId: z.string(), answer: ZAnswer, at: ZIsoInstant, locale: ZLocale })),
  failures: z.number().int(),
  selection: z.array(z.string()),
  taggedButtons: z.literal(true).optional(),
  test: z.literal(true).optional(),
  alertsFired: z.array(z.string()),
  startedAt: ZIsoInstant,
  updatedAt: ZIsoInstant,
  endedAt: ZIsoInstant.optional(),
});

export const ZTranscriptEntry = z.object({
  direction: z.enum(["in", "out"]),
  text: z.string(),
  at: ZIsoInstant,
  messageId: z.string().optional(),
});

/** The reply owed for the last event (see ConversationRecord.outbox). */
const ZOutbox = z.object({ eventId: z.string() });

/**
 * A {@link ConversationRecord}'s fields, stored as they are in a revision and in the archive. A field added to
 * `ConversationRecord` fails the typecheck below until it is added here: one line (optional fields need no
 * migration; a version-1 document simply lacks them).
 */
const recordFields = {
  key: z.string(),
  rev: z.number().int(),
  state: ZConversationState,
  recentEventIds: z.array(z.string()),
  transcript: z.array(ZTranscriptEntry),
  outbox: ZOutbox.optional(),
};
export const ZStoredRecord = z.object(recordFields);

const ZActor = z.object({ id: z.string(), name: z.string().optional() });

/**
 * An alert's themes as stored. Alerts written before the six CX components carry the nine older theme names
 * (delivery, quality, support, …): each is read as its component, duplicates dropped; a name no version knew is
 * dropped too, so one odd value never makes an alert unreadable.
 */
const ZStoredThemes = z.array(z.string()).transform((names): Theme[] => {
  const out: Theme[] = [];
  for (const name of names) {
    const theme = componentOf(name);
    if (theme !== undefined && !out.includes(theme)) out.push(theme);
  }
  return out;
});

export const ZAlertRecord = z.object({
  id: z.string(),
  rev: z.number().int(),
  flowKey: z.string(),
  flowVersion: z.number().int(),
  flowTitle: ZLocalizedText,
  rules: z.array(z.string()),
  route: z.string().optional(),
  respondent: ZRespondentRef,
  locale: ZLocale,
  reference: z.string().optional(),
  score: z
    .object({
      stepId: z.string(),
      value: z.number(),
      scale: ZScaleName,
      min: z.number(),
      max: z.number(),
      band: ZBand.optional(),
    })
    .optional(),
  comments: z.array(
    z.object({
      stepId: z.string(),
      text: z.string(),
      sentiment: ZSentimentLabel,
      themes: ZStoredThemes,
      themeSentiment: z.partialRecord(z.enum(THEMES), ZSentimentLabel).optional(),
      disagrees: z.literal(true).optional(),
    }),
  ),
  transcript: z.array(ZTranscriptEntry),
  raisedAt: ZIsoInstant,
  updatedAt: ZIsoInstant,
  status: z.enum(["open", "acknowledged", "assigned", "resolved"]),
  assignee: ZActor.optional(),
  history: z.array(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("raised"), at: ZIsoInstant, rules: z.array(z.string()) }),
      z.object({ type: z.literal("acknowledged"), at: ZIsoInstant, actor: ZActor }),
      z.object({ type: z.literal("assigned"), at: ZIsoInstant, actor: ZActor, assignee: ZActor }),
      z.object({
        type: z.literal("replied"),
        at: ZIsoInstant,
        actor: ZActor,
        text: z.string(),
        delivered: z.boolean(),
      }),
      z.object({ type: z.literal("customer-replied"), at: ZIsoInstant, text: z.string() }),
      z.object({
        type: z.literal("resolved"),
        at: ZIsoInstant,
        actor: ZActor,
        recovery: z.enum(["sent", "skipped", "failed"]).optional(),
      }),
    ]),
  ),
  post: z
    .union([
      z.object({
        notifier: z.string(),
        target: z.string(),
        ref: z.string(),
        folded: z.boolean().optional(),
      }),
      // Posted before notifiers were platform-neutral: always Slack, a channel and a message ts.
      z
        .object({ channel: z.string(), ts: z.string(), folded: z.boolean().optional() })
        .transform(({ channel, ts, folded }) => ({
          notifier: "slack",
          target: channel,
          ref: ts,
          ...(folded === undefined ? {} : { folded }),
        })),
    ])
    .optional(),
});

/** Core's `FlowDraft`; its definition is read like a published one (see {@link ZFlowDoc}). */
const ZFlowDraft = z.object({
  definition: z.object(ZFlowDefinition.shape),
  basedOn: z.number().int(),
  edits: z.number().int(),
  editedBy: z.string(),
  editedAt: ZIsoInstant,
});

/** Core's `FlowControl`, stored as it is in each of its revisions. */
const flowControlFields = {
  key: z.string(),
  rev: z.number().int(),
  live: z.number().int(),
  enabled: z.boolean(),
  seededHash: z.string().optional(),
  adminOwned: z.boolean(),
  draft: ZFlowDraft.optional(),
  updatedBy: z.string(),
  updatedAt: ZIsoInstant,
};

export const ZAdminGrant = z.object({ id: z.string(), addedBy: z.string(), addedAt: ZIsoInstant });

export const ZAdminSession = z.object({
  actor: z.string(),
  kind: z.literal("text"),
  flow: z.string(),
  target: z.string(),
  locale: ZLocale,
  edits: z.number().int(),
  startedAt: ZIsoInstant,
});

// ─── The stored documents, current version ─────────────────────────────────────────────────────────────────

/** One conversation in progress: `_id` is the respondent's key. Tiny; written only at start and end. */
export const ZConversationHeadDoc = z.object({
  _id: z.string(),
  v: ZV,
  conversationId: z.string(),
  startedAt: z.date(),
});

/** One revision of a conversation in progress, never changed once written: `_id` = `key#conversationId#rev`. */
export const ZConversationRevisionDoc = z.object({
  _id: z.string(),
  v: ZV,
  conversationId: z.string(),
  status: ZConversationStatus,
  updatedAt: z.date(),
  ...recordFields,
});

/** An ended conversation in the archive: `_id` = conversation id. */
export const ZResponseDoc = z.object({
  _id: z.string(),
  v: ZV,
  flowKey: z.string(),
  flowVersion: z.number().int(),
  status: ZConversationStatus,
  channel: ZChannel,
  startedAt: z.date(),
  endedAt: z.date(),
  ...recordFields,
});

export const ZProcessedEventDoc = z.object({ _id: z.string(), v: ZV, at: z.date() });

export const ZRespondentDoc = z.object({
  _id: z.string(),
  v: ZV,
  channel: ZChannel,
  userId: z.string(),
  displayName: z.string().optional(),
  locale: ZLocale.optional(),
  lastLocale: ZLocale.optional(),
  optedOut: z.boolean(),
  lastSurveyedAt: z.date().optional(),
});

export const ZFlowDoc = z.object({
  _id: z.string(),
  v: ZV,
  key: z.string(),
  version: z.number().int(),
  hash: z.string(),
  /**
   * Unknown top-level keys are dropped rather than rejected: callers have published whole `Flow`s, whose
   * `version` then sat in the definition (the document's own `version` is the one that counts).
   */
  definition: z.object(ZFlowDefinition.shape),
  publishedAt: z.date(),
  publishedBy: z.string(),
});

export const ZFlowHeadDoc = z.object({ _id: z.string(), v: ZV, version: z.number().int(), hash: z.string() });

/** An audit entry; `_id` is the driver's ObjectId, never read. */
export const ZAuditDoc = z.object({
  v: ZV,
  at: z.date(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  /** The flow the entry concerns; absent on entries from before entries named it. */
  flow: z.string().optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** The learned sentiment model's record (`_id` "current"): which training is complete, and its locales. */
export const ZSentimentModelDoc = z.object({
  _id: z.string(),
  v: ZV,
  trainedAt: ZIsoInstant,
  kind: z.literal("naive-bayes"),
  version: z.literal(1),
  bits: z.number().int().min(8).max(24),
  locales: z.array(ZLocale),
});

const ZLabelNumbers = z.object({ negative: z.number(), neutral: z.number(), positive: z.number() });

/** One locale of a training (`_id` = `<trainedAt>|<locale>`): written before the record that points at it. */
export const ZSentimentLocaleDoc = z.object({
  _id: z.string(),
  v: ZV,
  examples: z.number().int().min(0),
  docs: ZLabelNumbers,
  totals: ZLabelNumbers,
  counts: z.object({ negative: z.string(), neutral: z.string(), positive: z.string() }),
});

/** A low-score alert (core's `AlertRecord`), `_id` = conversation id; `posted` says whether it is on Slack. */
export const ZAlertDoc = z.object({
  _id: z.string(),
  v: ZV,
  rev: z.number().int(),
  status: z.string(),
  posted: z.boolean(),
  raisedAt: z.date(),
  alert: ZAlertRecord,
});

/** A respondent's open alert, `_id` = respondent key. */
export const ZAlertPointerDoc = z.object({ _id: z.string(), v: ZV, alertId: z.string(), at: z.date() });

/** What `versions` reads of a published flow: all but its definition. */
export const ZFlowVersionDoc = ZFlowDoc.omit({ definition: true });

/**
 * One revision of a flow's control record, never changed once written: `_id` = `key#rev` (see the admin store
 * in storage/mongo-stores.ts).
 */
export const ZFlowControlDoc = z.object({ _id: z.string(), v: ZV, ...flowControlFields });

/** One revision of the admins added by command, never changed once written: `_id` = `admins#rev`. */
export const ZAdminGrantsDoc = z.object({
  _id: z.string(),
  v: ZV,
  key: z.string(),
  rev: z.number().int(),
  grants: z.array(ZAdminGrant),
});

/**
 * The head of a revisioned record (`_id` = its key): a revision already stored, raised after each save. A hint
 * that may lag behind the newest revision, never run ahead of it.
 */
export const ZRevisionHeadDoc = z.object({ _id: z.string(), v: ZV, rev: z.number().int() });

/** An admin's guided edit waiting for text, `_id` = the admin (`platform:userId`). */
export const ZAdminSessionDoc = ZAdminSession.omit({ actor: true }).extend({ _id: z.string(), v: ZV });

/**
 * A stored document's type: what its schema yields, deeply read-only so core's (read-only) values can be
 * written without copying.
 */
export type Stored<S extends z.ZodType> = DeepReadonly<z.output<S>>;
type DeepReadonly<T> = T extends Date
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type ConversationHeadDoc = Stored<typeof ZConversationHeadDoc>;
export type ConversationRevisionDoc = Stored<typeof ZConversationRevisionDoc>;
export type ResponseDoc = Stored<typeof ZResponseDoc>;
export type ProcessedEventDoc = Stored<typeof ZProcessedEventDoc>;
export type RespondentDoc = Stored<typeof ZRespondentDoc>;
export type FlowDoc = Stored<typeof ZFlowDoc>;
export type FlowHeadDoc = Stored<typeof ZFlowHeadDoc>;
export type AuditDoc = Stored<typeof ZAuditDoc>;
export type AlertDoc = Stored<typeof ZAlertDoc>;
export type AlertPointerDoc = Stored<typeof ZAlertPointerDoc>;
export type FlowControlDoc = Stored<typeof ZFlowControlDoc>;
export type AdminGrantsDoc = Stored<typeof ZAdminGrantsDoc>;
export type RevisionHeadDoc = Stored<typeof ZRevisionHeadDoc>;
export type AdminSessionDoc = Stored<typeof ZAdminSessionDoc>;
export type SentimentModelDoc = Stored<typeof ZSentimentModelDoc>;
export type SentimentLocaleDoc = Stored<typeof ZSentimentLocaleDoc>;

// ─── Version 1 (no `v`): what differs, and how it becomes the current shape ─────────────────────────────────

const current = { v: STORED_VERSION } as const;

/** Revisions and responses written before `recentEventIds` and `transcript` were always set lacked them. */
const legacyRecordFields = {
  ...recordFields,
  recentEventIds: recordFields.recentEventIds.optional(),
  transcript: recordFields.transcript.optional(),
};

const ZConversationRevisionDocV1 = ZConversationRevisionDoc.omit({ v: true })
  .extend(legacyRecordFields)
  .transform((d) => ({
    ...d,
    ...current,
    recentEventIds: d.recentEventIds ?? [],
    transcript: d.transcript ?? [],
  }));

/**
 * The archive's metadata fields were optional in version 1 (mongoose did not require them): they are taken
 * from the state, which has always held them.
 */
const ZResponseDocV1 = z
  .object({
    _id: z.string(),
    flowKey: z.string(),
    flowVersion: z.number().int().optional(),
    status: ZConversationStatus.optional(),
    channel: ZChannel.optional(),
    startedAt: z.date().optional(),
    endedAt: z.date().optional(),
    ...legacyRecordFields,
  })
  .transform((d) => ({
    ...d,
    ...current,
    flowVersion: d.flowVersion ?? d.state.flowVersion,
    status: d.status ?? d.state.status,
    channel: d.channel ?? d.state.respondent.channel,
    startedAt: d.startedAt ?? new Date(d.state.startedAt),
    endedAt: d.endedAt ?? new Date(d.state.endedAt ?? d.state.updatedAt),
    recentEventIds: d.recentEventIds ?? [],
    transcript: d.transcript ?? [],
  }));

/** `optedOut` had a mongoose default, which documents upserted through the driver never got. */
const ZRespondentDocV1 = ZRespondentDoc.omit({ v: true })
  .extend({ optedOut: z.boolean().optional() })
  .transform((d) => ({ ...d, ...current, optedOut: d.optedOut ?? false }));

/** Alerts raised before titles were localized kept the English title as a string. */
const ZAlertDocV1 = ZAlertDoc.omit({ v: true })
  .extend({ alert: ZAlertRecord.extend({ flowTitle: z.union([z.string().min(1), ZLocalizedText]) }) })
  .transform((d) => ({
    ...d,
    ...current,
    alert: {
      ...d.alert,
      flowTitle: typeof d.alert.flowTitle === "string" ? { en: d.alert.flowTitle } : d.alert.flowTitle,
    },
  }));

/** Collections whose version 1 is the current shape without `v`: the migration only adds it. */
const unchangedSince1 = <T>(schema: z.ZodType<T>): z.ZodType<T> =>
  z.preprocess((doc) => (typeof doc === "object" && doc !== null ? { ...doc, ...current } : doc), schema);

// ─── Reading ────────────────────────────────────────────────────────────────────────────────────────────────

/** How one collection's documents are read: its name and a schema per version, each yielding the current shape. */
export interface StoredShape<T> {
  readonly collection: string;
  readonly versions: Readonly<Record<number, z.ZodType<T>>>;
}

const shape = <T>(collection: string, versions: Record<number, z.ZodType<T>>): StoredShape<T> => ({
  collection,
  versions,
});

type Out<S extends z.ZodType> = z.output<S>;

export const conversationHeads = shape<Out<typeof ZConversationHeadDoc>>("conversations", {
  1: unchangedSince1(ZConversationHeadDoc),
  2: ZConversationHeadDoc,
});
export const conversationRevisions = shape<Out<typeof ZConversationRevisionDoc>>("conversation_revisions", {
  1: ZConversationRevisionDocV1,
  2: ZConversationRevisionDoc,
});
export const responses = shape<Out<typeof ZResponseDoc>>("responses", { 1: ZResponseDocV1, 2: ZResponseDoc });
export const processedEvents = shape<Out<typeof ZProcessedEventDoc>>("processed_events", {
  1: unchangedSince1(ZProcessedEventDoc),
  2: ZProcessedEventDoc,
});
export const respondents = shape<Out<typeof ZRespondentDoc>>("respondents", {
  1: ZRespondentDocV1,
  2: ZRespondentDoc,
});
export const flows = shape<Out<typeof ZFlowDoc>>("flows", { 1: unchangedSince1(ZFlowDoc), 2: ZFlowDoc });
export const flowHeads = shape<Out<typeof ZFlowHeadDoc>>("flow_heads", {
  1: unchangedSince1(ZFlowHeadDoc),
  2: ZFlowHeadDoc,
});
export const auditEntries = shape<Out<typeof ZAuditDoc>>("audit_log", {
  1: unchangedSince1(ZAuditDoc),
  2: ZAuditDoc,
});
export const alerts = shape<Out<typeof ZAlertDoc>>("alerts", { 1: ZAlertDocV1, 2: ZAlertDoc });
export const alertPointers = shape<Out<typeof ZAlertPointerDoc>>("open_alerts", {
  1: unchangedSince1(ZAlertPointerDoc),
  2: ZAlertPointerDoc,
});
export const flowVersions = shape<Out<typeof ZFlowVersionDoc>>("flows", {
  1: unchangedSince1(ZFlowVersionDoc),
  2: ZFlowVersionDoc,
});

// Collections added in version 2: no document of theirs was ever stored without `v`.
export const flowControls = shape<Out<typeof ZFlowControlDoc>>("flow_controls", { 2: ZFlowControlDoc });
export const flowControlHeads = shape<Out<typeof ZRevisionHeadDoc>>("flow_control_heads", {
  2: ZRevisionHeadDoc,
});
export const adminGrants = shape<Out<typeof ZAdminGrantsDoc>>("admin_grants", { 2: ZAdminGrantsDoc });
export const adminGrantHeads = shape<Out<typeof ZRevisionHeadDoc>>("admin_grant_heads", {
  2: ZRevisionHeadDoc,
});
export const adminSessions = shape<Out<typeof ZAdminSessionDoc>>("admin_sessions", { 2: ZAdminSessionDoc });
export const sentimentModels = shape<Out<typeof ZSentimentModelDoc>>("sentiment_models", {
  2: ZSentimentModelDoc,
});
export const sentimentLocales = shape<Out<typeof ZSentimentLocaleDoc>>("sentiment_models", {
  2: ZSentimentLocaleDoc,
});

/**
 * A stored document that cannot be read: not the shape its version says, or a version this build does not
 * know. `path` is where in the document the first problem is (`state.answers.0.answer.value`).
 */
export class StoreCorruptError extends CxError {
  readonly collection: string;
  readonly id: string;
  readonly path: string;
  constructor(collection: string, id: string, path: string, problem: string) {
    super("STORE_CORRUPT", `${collection} ${id}: ${path === "" ? "(document)" : path}: ${problem}`);
    this.name = "StoreCorruptError";
    this.collection = collection;
    this.id = id;
    this.path = path;
  }
}

const idOf = (doc: unknown): string => {
  if (typeof doc !== "object" || doc === null || !("_id" in doc)) return "?";
  return String(doc._id);
};

/** The error for a document of `collection` that `problem` (its first issue) says is not what it should be. */
export function corruptionOf(collection: string, doc: unknown, problem: z.ZodError): StoreCorruptError {
  const issue = problem.issues[0];
  return new StoreCorruptError(
    collection,
    idOf(doc),
    issue ? issue.path.map(String).join(".") : "",
    issue ? issue.message : "invalid",
  );
}

/** Parses a stored document of any known version into the current shape. */
export function readStored<T>(stored: StoredShape<T>, doc: unknown): Result<T, StoreCorruptError> {
  const version = typeof doc === "object" && doc !== null && "v" in doc ? doc.v : LEGACY_VERSION;
  const schema = typeof version === "number" ? stored.versions[version] : undefined;
  if (!schema) {
    return err(
      new StoreCorruptError(stored.collection, idOf(doc), "v", `unknown schema version ${String(version)}`),
    );
  }
  const parsed = schema.safeParse(doc);
  return parsed.success ? ok(parsed.data) : err(corruptionOf(stored.collection, doc, parsed.error));
}

/** Where unreadable documents are reported when the caller names no other place: a process warning. */
export function reportCorrupt(error: StoreCorruptError): void {
  process.emitWarning(error.message, { code: error.code });
}

// ─── The stored shapes match core's types ───────────────────────────────────────────────────────────────────

/** `T` without `readonly` and `| undefined` on optional fields, so a schema's output compares with core's types. */
type Plain<T> = T extends Date
  ? T
  : T extends readonly (infer E)[]
    ? Plain<E>[]
    : T extends object
      ? { -readonly [K in keyof T]: Plain<Exclude<T[K], undefined>> }
      : T;
type Same<A, B> =
  (<G>() => G extends Plain<A> ? 1 : 2) extends <G>() => G extends Plain<B> ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/**
 * Compile-time: each schema yields exactly core's type (the same fields, none missing, none extra). A field
 * added to core's type fails here until its schema has it, so a read can never drop it silently.
 */
export type StoredShapesMatchCore = [
  Assert<Same<z.output<typeof ZStoredRecord>, ConversationRecord>>,
  Assert<Same<z.output<typeof ZConversationState>, ConversationState>>,
  Assert<Same<z.output<typeof ZTranscriptEntry>, TranscriptEntry>>,
  Assert<Same<z.output<typeof ZAnswer>, Answer>>,
  Assert<Same<z.output<typeof ZRespondentRef>, RespondentRef>>,
  Assert<Same<z.output<typeof ZChannel>, Channel>>,
  Assert<Same<z.output<typeof ZAlertRecord>, AlertRecord>>,
  Assert<Same<Omit<z.output<typeof ZAuditDoc>, "v">, AuditEntry>>,
  Assert<Same<Omit<z.output<typeof ZFlowControlDoc>, "_id" | "v">, FlowControl>>,
  Assert<Same<z.output<typeof ZAdminGrant>, AdminGrant>>,
  Assert<Same<z.output<typeof ZAdminSession>, AdminSession>>,
  Assert<Same<z.output<typeof ZRespondentDoc>["locale"], RespondentProfile["locale"]>>,
];
