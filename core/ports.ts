import type { AlertRecord } from "./alerts/alert.ts";
import type { ConversationState } from "./engine/state.ts";
import type { Flow, FlowDefinition, ScaleName } from "./flow/schema.ts";
import type { Locale } from "./locale.ts";
import type { Histogram } from "./scores.ts";
import type { LearnedModel } from "./sentiment/learned.ts";
import type { SentimentLabel } from "./sentiment/types.ts";
import type { Theme } from "./themes/themes.ts";
import type { Channel, RespondentRef, TranscriptEntry } from "./types.ts";

/**
 * What the core needs from storage. `storage/` implements these on MongoDB (through mongoose); the core never
 * sees a driver. Every lookup on the hot path is by a deterministic string id, so it stays fast on the
 * embedded server (which only pushes exact `_id` filters down) and on MongoDB alike.
 */

export type { TranscriptEntry } from "./types.ts";

/**
 * A conversation as stored: its state plus the revision used for optimistic concurrency, the ids of the last
 * events applied to it (to ignore redeliveries) and the transcript.
 */
export interface ConversationRecord {
  /** The respondent's key, `channel:userId`: a respondent has at most one active conversation. */
  readonly key: string;
  /** Incremented by every write; a write names the revision it read. */
  readonly rev: number;
  readonly state: ConversationState;
  readonly recentEventIds: readonly string[];
  readonly transcript: readonly TranscriptEntry[];
  /**
   * That cxbot owes the respondent a reply to the last event applied (the next question), saved with the answer
   * so a crash between saving and sending loses nothing: the current question is sent again when the platform
   * redelivers that event, or at start, unless its delivery was confirmed.
   */
  readonly outbox?: Outbox;
}

/** The reply owed for one event: the conversation's current question, until its delivery is confirmed. */
export interface Outbox {
  readonly eventId: string;
}

/** `conflict`: someone else wrote first (another worker, a retried webhook); re-read and try again. */
export type WriteResult = "ok" | "conflict";

export interface ConversationStore {
  /**
   * The respondent's active conversation, by key. With several processes the record may be a revision behind
   * (a write then reports `conflict`); `fresh` reads forward to the newest revision first.
   */
  getActive(key: string, options?: { fresh?: boolean }): Promise<ConversationRecord | null>;
  /** Inserts a new active conversation (rev 1); `conflict` when the key already has one. */
  create(record: ConversationRecord): Promise<WriteResult>;
  /**
   * Saves `record` (whose `rev` is `expectedRev + 1`) only if no other writer has saved a revision after
   * `expectedRev`; `conflict` otherwise. Exactly one of several concurrent writers of a revision succeeds.
   */
  update(record: ConversationRecord, expectedRev: number): Promise<WriteResult>;
  /**
   * Deletes revisions superseded or archived a while ago (all of them with `all`, at shutdown); returns how
   * many documents. Runs by itself as they accumulate; call it now and then as well.
   */
  compact(options?: { all?: boolean }): Promise<number>;
  /**
   * Moves an ended conversation into the response archive and frees the respondent's key. Idempotent: safe
   * to repeat after a crash between its two writes.
   */
  archive(record: ConversationRecord): Promise<void>;
  /** Active conversations last updated before `before` (and after `after`), oldest first, at most `limit`. */
  listIdle(before: Date, limit: number, options?: { after?: Date }): Promise<ConversationRecord[]>;
  /** How many conversations are in progress. */
  countActive(): Promise<number>;
}

/** Ended conversations: the complete or partial responses. */
export interface ResponseStore {
  /** All archived responses of a flow (every flow when omitted; only those started since a time), in batches. */
  list(filter: { flowKey?: string; startedSince?: Date }): AsyncIterable<ConversationRecord>;
  get(conversationId: string): Promise<ConversationRecord | null>;
  count(filter: { flowKey?: string }): Promise<number>;
  /** Adds lines to an archived conversation's transcript (a support reply after the survey ended). */
  appendTranscript(conversationId: string, lines: readonly TranscriptEntry[]): Promise<void>;
}

/** Platform event ids already handled, so a redelivered webhook or update is ignored. Kept bounded by age. */
export interface ProcessedEventStore {
  /** Marks an id as processed; false when it was already (the event is a duplicate). */
  claim(eventId: string, at: Date): Promise<boolean>;
  has(eventId: string): Promise<boolean>;
  /** Forgets one id, so the work it stood for can be claimed again (it did not complete). */
  forget(eventId: string): Promise<void>;
  /** Marks ids as processed, ignoring any already there. */
  remember(eventIds: readonly string[], at: Date): Promise<void>;
  /** Forgets ids processed before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** What cxbot remembers about a respondent across surveys. */
export interface RespondentProfile {
  readonly key: string;
  readonly channel: Channel;
  readonly userId: string;
  readonly displayName?: string;
  /** Chosen with the language command; wins over the platform's language. */
  readonly locale?: Locale;
  /** The locale of the respondent's last survey. */
  readonly lastLocale?: Locale;
  readonly optedOut: boolean;
  readonly lastSurveyedAt?: string;
}

export interface RespondentStore {
  get(key: string): Promise<RespondentProfile | null>;
  /** Records that a survey started now, in `locale` (creating the profile if needed). */
  touchSurveyed(ref: RespondentRef, at: Date, locale: Locale): Promise<void>;
  setLocale(ref: RespondentRef, locale: Locale): Promise<void>;
  /**
   * Records that the respondent asked never to be sent a survey again (`/stop` with no survey in progress):
   * cxbot's own sends skip them (core/sending/fatigue.ts); surveys they start themselves still run.
   */
  setOptedOut(ref: RespondentRef, optedOut: boolean): Promise<void>;
}

/** The dimensions of a daily score rollup. */
export interface RollupBucket {
  readonly flowKey: string;
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  /** `YYYY-MM-DD` in the flow's time zone. */
  readonly day: string;
  readonly channel: Channel;
  readonly locale: Locale;
  /** The conversation's values of the flow's segment properties (`touchpoint: checkout`), if it has any. */
  readonly segments?: SegmentValues;
}

/** A conversation's values of its flow's declared segment properties: `{ touchpoint: "checkout" }`. */
export type SegmentValues = Readonly<Record<string, string>>;

/**
 * What a conversation counts on the day it started (in the flow's zone): `started`; `responded` (an answer
 * that is not a skip); per comment `sentiment:<label>`; per theme a comment mentions `theme:<theme>`, and
 * `themeNegative:<theme>` when the clauses about it read negative; `driver:<theme>` once per negative comment
 * (its sentiment, or its clauses about the theme) that mentions it: what drives complaints. `example:<theme>:<ref>`
 * points at a few of those comments by conversation and step (see {@link exampleCounter}), never their text.
 */
export type ActivityCounter =
  | "started"
  | "responded"
  | `sentiment:${SentimentLabel}`
  | `theme:${Theme}`
  | `themeNegative:${Theme}`
  | `driver:${Theme}`
  | `example:${Theme}:${string}`;

/** The dimensions of a daily conversation rollup: flow, start day, channel, locale and segments. */
export interface ActivityBucket {
  readonly flowKey: string;
  /** `YYYY-MM-DD` in the flow's time zone: the day the conversation started. */
  readonly day: string;
  readonly channel: Channel;
  readonly locale: Locale;
  readonly segments?: SegmentValues;
}

/** Add (or withdraw) `count` to a counter of a conversation bucket. */
export interface ActivityIncrement {
  readonly bucket: ActivityBucket;
  readonly counter: ActivityCounter;
  readonly count: number;
  /** An example counter's comment (cut short), kept beside the count until erased or aged out. */
  readonly text?: string;
}

/** Anything the rollup writer buffers: an answer's score or a conversation's counter. */
export type RollupChange = RollupIncrement | ActivityIncrement;

/** Add (or, for a withdrawn answer, remove) `count` answers of `value` in a bucket. */
export interface RollupIncrement {
  readonly bucket: RollupBucket;
  readonly value: number;
  readonly count: number;
}

/** A stored rollup: how many answers of each value a bucket has. */
export interface RollupRow extends RollupBucket {
  readonly histogram: Readonly<Record<number, number>>;
}

/**
 * A numbered batch of increments from one run of the rollup writer. Applying a batch is idempotent: repeating
 * it (a retry after a lost acknowledgement) counts it once. A run applies its batches in order and retries a
 * failed batch, unchanged, before the next.
 */
export interface RollupBatch {
  readonly runId: string;
  /** 1, 2, 3… within the run. */
  readonly seq: number;
  readonly increments: readonly RollupChange[];
}

/** A stored conversation rollup: the counters of one bucket. */
export interface ActivityRow extends ActivityBucket {
  readonly counters: Readonly<Partial<Record<ActivityCounter, number>>>;
  /** Example counters' comments, by counter. */
  readonly examples?: Readonly<Record<string, string>>;
}

/** Counters by value, and the same per segment value: what a day's breakdown holds. */
export type Breakdown<T> = Readonly<Record<string, T>>;

/** One step's answers on one day: the histogram overall and per channel, locale and segment. */
export interface ScoreDay {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly day: string;
  readonly histogram: Histogram;
  readonly byChannel: Breakdown<Histogram>;
  readonly byLocale: Breakdown<Histogram>;
  /** Per segment property, per value. */
  readonly bySegment: Readonly<Record<string, Breakdown<Histogram>>>;
}

/** The conversations started on one day: their counters overall and per channel, locale and segment. */
export interface ActivityDay {
  readonly day: string;
  readonly counters: ActivityCounters;
  /** Example comments of negative themes, by example counter (see `exampleCounter`). */
  readonly examples?: Readonly<Record<string, string>>;
  readonly byChannel: Breakdown<ActivityCounters>;
  readonly byLocale: Breakdown<ActivityCounters>;
  readonly bySegment: Readonly<Record<string, Breakdown<ActivityCounters>>>;
}

export type ActivityCounters = Readonly<Partial<Record<ActivityCounter, number>>>;

/** A flow's daily rollup documents over a range of days. */
export interface RollupDays {
  readonly scores: readonly ScoreDay[];
  readonly activity: readonly ActivityDay[];
}

/** A flow's calendar day (`YYYY-MM-DD` in the flow's zone): the unit a crash repair rebuilds. */
export interface FlowDay {
  readonly flowKey: string;
  readonly day: string;
}

/**
 * A run of the rollup writer (one per process) that has not been closed: live, or left behind by a crash.
 * `touched` holds every flow-day it may have counted answers on, recorded before the first such answer was saved.
 */
export interface RollupRun {
  readonly runId: string;
  /** The host name and process id that own it, to tell a dead process on the same host. */
  readonly host: string;
  readonly pid: number;
  readonly startedAt: Date;
  /** Renewed by a live run now and then. */
  readonly aliveAt: Date;
  readonly touched: readonly FlowDay[];
}

export interface RollupStore {
  /** Applies a batch (per bucket, `$inc`), creating buckets as needed; a batch already applied changes nothing. */
  apply(batch: RollupBatch): Promise<void>;
  /** Every bucket of a flow between two days, both inclusive. */
  read(flowKey: string, fromDay: string, toDay: string): Promise<RollupRow[]>;
  /** Removes every bucket of a flow (before a rebuild from the archive). */
  clear(flowKey: string): Promise<void>;
  /**
   * Makes `rows` and `activity` (all of one flow and day) the whole of that day's buckets: a rebuild.
   * Without `activity`, the day's conversation counters are left as they are.
   */
  replaceDay(day: FlowDay, rows: readonly RollupRow[], activity?: readonly ActivityRow[]): Promise<void>;
  /**
   * A flow's stored days between two days (inclusive), as daily documents with their breakdowns: what a
   * report reads (one bounded read per flow and kind, a document per flow, day and step).
   */
  readDays(flowKey: string, fromDay: string, toDay: string): Promise<RollupDays>;
  /** The days of `flowKey` (every flow when omitted) that have any stored rollup, between two days. */
  storedDays(flowKey: string | undefined, fromDay: string, toDay: string): Promise<FlowDay[]>;
  /** The example comments kept for reports that belong to these conversations (a person's data). */
  examplesOf(
    conversationIds: ReadonlySet<string>,
  ): Promise<{ readonly flowKey: string; readonly day: string; readonly comment: string }[]>;
  /** Removes those example comments (their counts stay); returns how many documents changed. */
  eraseExamples(conversationIds: ReadonlySet<string>): Promise<number>;
  /** Removes the example comments of days before `beforeDay` (retention); returns how many documents changed. */
  retainExamples(beforeDay: string): Promise<number>;
  /** Reads the rollups into memory now, when the store keeps them there (the only writer); else nothing. */
  remember(): Promise<void>;
  /** Records a new run, owned by this process. */
  openRun(runId: string, at: Date): Promise<void>;
  /** Adds flow-days to a run's `touched` (idempotent). */
  touch(runId: string, days: readonly FlowDay[]): Promise<void>;
  /** Renews a run's `aliveAt`. */
  heartbeat(runId: string, at: Date): Promise<void>;
  /** Every run not closed. */
  listRuns(): Promise<RollupRun[]>;
  /** Forgets a run: after it flushed everything and stopped, or once a repair rebuilt its days. */
  closeRun(runId: string): Promise<void>;
}

/** Versioned flow definitions. A version never changes once stored. */
export interface FlowStore {
  /** Stores a definition: the latest version when its content hash is unchanged, else a new version. */
  publish(definition: FlowDefinition, hash: string, actor: string): Promise<{ flow: Flow; created: boolean }>;
  get(key: string, version: number): Promise<Flow | null>;
  latest(key: string): Promise<Flow | null>;
  keys(): Promise<string[]>;
}

/** Who did what, for admins' eyes. Append-only. */
export interface AuditEntry {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  /** The flow it concerns, when it concerns one (for `/cx audit <flow>`). */
  readonly flow?: string;
  /** Values shown to admins; `before`/`after` hold a change's two sides (capped in length). */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** The newest entries first, at most `limit`; only those of one flow with `flow`. */
  recent(limit: number, filter?: { readonly flow?: string }): Promise<AuditEntry[]>;
}

/** Low-score alerts, one per conversation (`_id` = conversation id). */
export interface AlertStore {
  get(id: string): Promise<AlertRecord | null>;
  /** Inserts a new alert; `conflict` when the conversation already has one. */
  create(alert: AlertRecord): Promise<WriteResult>;
  /** Saves `alert` (whose `rev` is `expectedRev + 1`) unless another writer saved a newer revision. */
  update(alert: AlertRecord, expectedRev: number): Promise<WriteResult>;
  /**
   * The respondent's open alert, if any: a pointer kept by respondent key (an exact `_id` lookup, cheap on the
   * embedded server), so a message they send after the survey can reach support.
   */
  openFor(respondentKey: string): Promise<{ alertId: string; at: Date } | null>;
  /** Points the respondent at their newest open alert, or clears the pointer with `null`. */
  setOpen(respondentKey: string, alertId: string | null, at: Date): Promise<void>;
  /** Alerts raised before `before` that were never posted (a crash between saving and posting). */
  listUnposted(before: Date, limit: number): Promise<AlertRecord[]>;
}

/** Everything the survey service persists through. */
export interface SurveyStores {
  readonly conversations: ConversationStore;
  readonly responses: ResponseStore;
  readonly events: ProcessedEventStore;
  readonly respondents: RespondentStore;
  readonly rollups: RollupStore;
  readonly flows: FlowStore;
  readonly audit: AuditLog;
  readonly alerts: AlertStore;
  readonly admin: AdminStore;
  readonly sentimentModels: SentimentModelStore;
}

// ─── Admin state (see core/admin) ─────────────────────────────────────────────────────────────────────────

/** An unpublished edit of a flow. */
export interface FlowDraft {
  readonly definition: FlowDefinition;
  /** The live version it was started from; `diff` compares against it. */
  readonly basedOn: number;
  /** 1 for a fresh draft, +1 per edit: what a guided edit or an exported file names to detect a conflict. */
  readonly edits: number;
  readonly editedBy: string;
  /** ISO 8601. */
  readonly editedAt: string;
}

/**
 * What admins control about a flow, as one revisioned record: which version is live, whether it can be
 * started, and its draft. Every change is a compare-and-set on `rev`.
 */
export interface FlowControl {
  readonly key: string;
  /** 1 when created; every save names the revision it read. */
  readonly rev: number;
  /** The version new conversations start on. */
  readonly live: number;
  readonly enabled: boolean;
  /** The content hash of the `flows/` file last seeded from, so an unchanged file is not published again. */
  readonly seededHash?: string;
  /** Set once an admin published, rolled back or imported: from then on the database wins over the file. */
  readonly adminOwned: boolean;
  readonly draft?: FlowDraft;
  readonly updatedBy: string;
  /** ISO 8601. */
  readonly updatedAt: string;
}

/** An admin added with `/cx admins add`. */
export interface AdminGrant {
  /** `platform:userId`. */
  readonly id: string;
  readonly addedBy: string;
  /** ISO 8601. */
  readonly addedAt: string;
}

/** A guided edit waiting for the admin's next plain message. */
export interface AdminSession {
  /** `platform:userId`. */
  readonly actor: string;
  readonly kind: "text";
  readonly flow: string;
  /** Step id, `step.option` for an option label, or `title`. */
  readonly target: string;
  readonly locale: Locale;
  /** The draft's `edits` when the edit began: a change since is a conflict. */
  readonly edits: number;
  /** ISO 8601; a session older than 15 minutes is ignored. */
  readonly startedAt: string;
}

/** One published version, for `history`. */
export interface FlowVersionInfo {
  readonly version: number;
  readonly hash: string;
  /** ISO 8601. */
  readonly publishedAt: string;
  readonly publishedBy: string;
}

export interface AdminStore {
  /** A flow's control record, newest revision (never a stale one), or null. */
  control(key: string): Promise<FlowControl | null>;
  /** Saves `next` (`rev` = `expectedRev + 1`; `expectedRev` 0 creates); `conflict` when someone saved first. */
  saveControl(next: FlowControl, expectedRev: number): Promise<WriteResult>;
  /** Keys of every flow with a control record, sorted. */
  controlKeys(): Promise<string[]>;
  /** Admins added by command, with the revision for {@link saveAdmins}. */
  admins(): Promise<{ readonly rev: number; readonly grants: readonly AdminGrant[] }>;
  saveAdmins(grants: readonly AdminGrant[], expectedRev: number): Promise<WriteResult>;
  session(actor: string): Promise<AdminSession | null>;
  /** Sets (or with `null` clears) an actor's session; last writer wins. */
  setSession(actor: string, session: AdminSession | null): Promise<void>;
  /** Published versions of a flow, newest first, at most `limit`. */
  versions(key: string, limit: number): Promise<FlowVersionInfo[]>;
}

// ─── Learned sentiment (see core/sentiment/learned.ts) ──────────────────────────────────────────────────────

/** The sentiment model learned from the deployment's own responses: one per deployment, replaced on retraining. */
export interface SentimentModelStore {
  /** The newest complete model, or null before the first training. */
  load(): Promise<{ readonly model: LearnedModel; readonly trainedAt: string } | null>;
  /** When the stored model was trained (ISO 8601), without loading it; null when there is none. */
  trainedAt(): Promise<string | null>;
  /** Replaces the model (its locales first, then the record that points at them: a reader never sees half). */
  save(model: LearnedModel, trainedAt: string): Promise<void>;
}
