import { randomUUID } from "node:crypto";
import type { ConversationState, RecordedAnswer } from "./engine/state.ts";
import type { Flow, ScaleName } from "./flow/schema.ts";
import type {
  ActivityBucket,
  ActivityCounter,
  ActivityIncrement,
  ActivityRow,
  ConversationStore,
  FlowDay,
  ResponseStore,
  RollupBatch,
  RollupBucket,
  RollupChange,
  RollupIncrement,
  RollupRow,
  RollupRun,
  RollupStore,
  ScoreDay,
  SegmentValues,
} from "./ports.ts";
import { addDays, dayKey, daySpan, type Histogram, type ScoreSummary, summarize } from "./scores.ts";
import { cutText } from "./text/cut.ts";
import { type Theme, tagThemesDetailed } from "./themes/themes.ts";

/** What the rollups need of a conversation's flow version: the zone its days are in, and its segments. */
export type RollupFlow = Pick<Flow, "timeZone" | "segments">;

const asFlow = (flow: RollupFlow | string): RollupFlow =>
  typeof flow === "string" ? { timeZone: flow } : flow;

/** The longest segment value counted; longer ones are cut (a segment is a category, not an identifier). */
const MAX_SEGMENT_VALUE = 64;

/**
 * The values a conversation carries for its flow's segment properties (`properties`, sent with a survey by the
 * API): only the declared keys with a non-empty string value.
 */
export function segmentValues(state: ConversationState, flow: RollupFlow): SegmentValues | undefined {
  const keys = flow.segments;
  if (!keys || keys.length === 0) return undefined;
  // Read structurally: the properties a survey is sent with are kept on the state by the sending path.
  const properties = (state as { readonly properties?: Readonly<Record<string, unknown>> }).properties;
  if (!properties) return undefined;
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = properties[key];
    if (typeof value === "string" && value.trim() !== "") out[key] = value.trim().slice(0, MAX_SEGMENT_VALUE);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const segmentsKey = (segments: SegmentValues | undefined): string =>
  segments === undefined
    ? ""
    : Object.keys(segments)
        .sort()
        .map((k) => `${k}=${segments[k]}`)
        .join("&");

/** The id of a rollup bucket: deterministic, so an increment is one `$inc` upsert on `_id`. */
export function bucketId(b: RollupBucket): string {
  const base = `${b.flowKey}|${b.stepId}|${b.day}|${b.channel}|${b.locale}`;
  return b.segments === undefined ? base : `${base}|${segmentsKey(b.segments)}`;
}

/** The id of a conversation bucket. */
export function activityBucketId(b: ActivityBucket): string {
  const base = `${b.flowKey}|${b.day}|${b.channel}|${b.locale}`;
  return b.segments === undefined ? base : `${base}|${segmentsKey(b.segments)}`;
}

export const isActivity = (change: RollupChange): change is ActivityIncrement => "counter" in change;

/**
 * The rollup increments a conversation's rating answers contribute (`sign` −1 withdraws them, for a
 * conversation the respondent started over). Each answer counts on the day it was given, in the flow's zone
 * (`flow` may be just that zone).
 */
export function rollupIncrements(
  state: ConversationState,
  flow: RollupFlow | string,
  sign: 1 | -1 = 1,
): RollupIncrement[] {
  const out: RollupIncrement[] = [];
  if (state.test) return out;
  const { timeZone } = asFlow(flow);
  const segments = segmentValues(state, asFlow(flow));
  for (const a of state.answers) {
    if (a.answer.type !== "rating") continue;
    out.push({
      bucket: {
        flowKey: state.flowKey,
        stepId: a.stepId,
        scale: a.answer.scale,
        day: dayKey(new Date(a.at), timeZone),
        channel: state.respondent.channel,
        locale: a.locale,
        ...(segments === undefined ? {} : { segments }),
      },
      value: a.answer.value,
      count: sign,
    });
  }
  return out;
}

const responds = (a: RecordedAnswer): boolean => a.answer.type !== "skipped";

/** A field name may not hold `.` or start with `$`; `:` and `~` separate the parts of an example counter. */
const escapeRef = (part: string): string =>
  part.replace(/[%.$:~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
const unescapeRef = (part: string): string =>
  part.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** The counter that points at one negative comment about `theme`: its conversation and step, not its text. */
export function exampleCounter(theme: Theme, conversationId: string, stepId: string): ActivityCounter {
  return `example:${theme}:${escapeRef(conversationId)}~${escapeRef(stepId)}`;
}

/** The theme, conversation and step an example counter points at; undefined for any other counter. */
export function readExampleCounter(
  counter: string,
): { theme: Theme; conversationId: string; stepId: string } | undefined {
  const match = /^example:([a-z-]+):([^~]+)~(.+)$/.exec(counter);
  if (!match) return undefined;
  const [, theme, id, step] = match as unknown as [string, Theme, string, string];
  return { theme, conversationId: unescapeRef(id), stepId: unescapeRef(step) };
}

/** Whether a counter is an example reference. */
export const isExampleCounter = (counter: string): boolean => counter.startsWith("example:");

/**
 * Whether a counter is also kept per channel, locale and segment value: the figures a breakdown shows
 * (started, responded, sentiment). Themes, drivers and examples are kept per day only: the embedded server
 * reads a document's every field, so a day's document stays small.
 */
export const isBrokenDown = (counter: string): boolean =>
  counter === "started" || counter === "responded" || counter.startsWith("sentiment:");

/**
 * Example references kept per flow, day and theme: a report quotes two, the shortest of those it finds, and a
 * day's document must not grow with its complaints.
 */
export const EXAMPLES_PER_DAY = 4;

/** Example comments are kept cut to this many characters. */
const EXAMPLE_LENGTH = 120;

/** Adds what `answers` say (comment sentiment, themes, what drives complaints) to `counts`. */
function countComments(
  conversationId: string,
  answers: readonly RecordedAnswer[],
  counts: Map<ActivityCounter, number>,
  sign: number,
  texts: Map<ActivityCounter, string>,
) {
  const add = (c: ActivityCounter) => counts.set(c, (counts.get(c) ?? 0) + sign);
  for (const { answer, locale, stepId } of answers) {
    if (answer.type !== "text") continue;
    add(`sentiment:${answer.sentiment.label}`);
    const drivers = new Set<Theme>();
    for (const mention of tagThemesDetailed(answer.original ?? answer.text, locale)) {
      add(`theme:${mention.theme}`);
      if (mention.sentiment === "negative") add(`themeNegative:${mention.theme}`);
      if (mention.sentiment === "negative" || answer.sentiment.label === "negative")
        drivers.add(mention.theme);
    }
    const quoted = cutText((answer.original ?? answer.text).replace(/\s+/g, " ").trim(), EXAMPLE_LENGTH, {
      ellipsis: true,
    });
    for (const theme of drivers) {
      add(`driver:${theme}`);
      const counter = exampleCounter(theme, conversationId, stepId);
      add(counter);
      texts.set(counter, quoted);
    }
  }
}

/**
 * Drops example references beyond {@link EXAMPLES_PER_DAY} per flow, day and theme, counting in `seen` (kept
 * across calls: the live writer's own, or a rebuild's). Withdrawals always pass.
 */
export function capExamples<T extends RollupChange>(changes: readonly T[], seen: Map<string, number>): T[] {
  return changes.filter((change) => {
    if (!isActivity(change) || change.count < 0 || !isExampleCounter(change.counter)) return true;
    const theme = change.counter.slice("example:".length, change.counter.indexOf(":", "example:".length));
    const key = `${change.bucket.flowKey}|${change.bucket.day}|${theme}`;
    const n = seen.get(key) ?? 0;
    if (n >= EXAMPLES_PER_DAY) return false;
    seen.set(key, n + 1);
    return true;
  });
}

function activityBucket(state: ConversationState, flow: RollupFlow): ActivityBucket {
  const segments = segmentValues(state, flow);
  return {
    flowKey: state.flowKey,
    day: dayKey(new Date(state.startedAt), flow.timeZone),
    channel: state.respondent.channel,
    locale: state.locale,
    ...(segments === undefined ? {} : { segments }),
  };
}

function toIncrements(
  bucket: ActivityBucket,
  counts: Map<ActivityCounter, number>,
  texts: Map<ActivityCounter, string>,
): ActivityIncrement[] {
  const out: ActivityIncrement[] = [];
  for (const [counter, count] of counts) {
    if (count === 0) continue;
    const text = texts.get(counter);
    out.push(text === undefined ? { bucket, counter, count } : { bucket, counter, count, text });
  }
  return out;
}

/**
 * What a conversation counts on the day it started, in the flow's zone: `started`, `responded` (an answer that
 * is not a skip), and per comment its sentiment and the themes it mentions (with those read negative), in the
 * bucket of its channel, locale and segments. Nothing for a replaced attempt or a test run (`countsInScores`).
 * `sign` −1 withdraws it.
 */
export function activityIncrements(
  state: ConversationState,
  flow: RollupFlow,
  sign: 1 | -1 = 1,
): ActivityIncrement[] {
  if (!countsInScores(state)) return [];
  const counts = new Map<ActivityCounter, number>([["started", sign]]);
  if (state.answers.some(responds)) counts.set("responded", sign);
  const texts = new Map<ActivityCounter, string>();
  countComments(state.id, state.answers, counts, sign, texts);
  return toIncrements(activityBucket(state, flow), counts, texts);
}

/**
 * The conversation counters that change when `previous` is saved as `next` (`previous` null: a new
 * conversation). Answers are only ever appended, so only the new ones are read, unless the conversation
 * moved to another bucket (its locale changed) or stopped counting, where the whole is moved or withdrawn.
 */
export function activityChanges(
  previous: ConversationState | null,
  next: ConversationState,
  flow: RollupFlow,
): ActivityIncrement[] {
  if (previous === null) return activityIncrements(next, flow);
  const bucket = activityBucket(next, flow);
  const before = activityBucket(previous, flow);
  if (
    countsInScores(previous) !== countsInScores(next) ||
    activityBucketId(bucket) !== activityBucketId(before) ||
    next.answers.length < previous.answers.length
  ) {
    return [...activityIncrements(previous, flow, -1), ...activityIncrements(next, flow)];
  }
  if (!countsInScores(next)) return [];
  const added = next.answers.slice(previous.answers.length);
  if (added.length === 0) return [];
  const counts = new Map<ActivityCounter, number>();
  if (added.some(responds) && !previous.answers.some(responds)) counts.set("responded", 1);
  const texts = new Map<ActivityCounter, string>();
  countComments(next.id, added, counts, 1, texts);
  return toIncrements(bucket, counts, texts);
}

/**
 * Whether a conversation's answers count in the scores: everything but an attempt the respondent replaced and
 * an admin's trial run.
 */
export function countsInScores(state: ConversationState): boolean {
  return state.status !== "replaced" && state.test !== true;
}

const RESOLVED: Promise<void> = Promise.resolve();

const dayKeyOf = (d: FlowDay): string => `${d.flowKey}|${d.day}`;

export interface RollupBufferOptions {
  /** Flush interval; 0 disables the timer (tests flush by hand). */
  readonly intervalMs?: number;
  /** Buckets buffered before a flush starts by itself. */
  readonly maxPending?: number;
  /** How often a run renews its `aliveAt` (with the timer). */
  readonly heartbeatMs?: number;
  /** This writer's run id (a random UUID when omitted). */
  readonly runId?: string;
  readonly clock?: () => Date;
}

/**
 * Collects rollup increments in memory and writes them in numbered batches — one `$inc` per bucket per flush
 * instead of one per answer. `flush()` runs on an interval and at shutdown.
 *
 * Crash safety, with no round trip per answer:
 * - each flush is a batch `runId`/`seq`; the store applies a batch at most once, and a failed batch is retried
 *   unchanged before the next, so a flush whose acknowledgement was lost never counts twice;
 * - before the first answer of a flow-day is saved, `prepare` records that flow-day on this run (once per
 *   process per flow-day); `close` forgets the run once everything is written. A run left open by a crash
 *   names exactly the days whose buckets may lack its buffered increments: `repairRollups` rebuilds them.
 */
export class RollupBuffer {
  readonly #store: RollupStore;
  readonly #maxPending: number;
  readonly #heartbeatMs: number;
  readonly #clock: () => Date;
  readonly runId: string;
  #seq = 0;
  /** Per bucket and value (or counter): the change, with the sum of the counts buffered for it. */
  #pending = new Map<string, RollupChange>();
  /** A batch whose write failed (perhaps only its acknowledgement): written again, unchanged, first. */
  #failed: RollupBatch | undefined;
  #flushing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #opened: Promise<void> | undefined;
  #lastBeat = 0;
  /** Flow-days recorded on the run, and those being recorded. */
  readonly #touched = new Set<string>();
  readonly #touching = new Map<string, Promise<void>>();
  /** Example references this process wrote, per flow, day and theme (see {@link capExamples}). */
  readonly #examples = new Map<string, number>();

  constructor(store: RollupStore, options: RollupBufferOptions = {}) {
    this.#store = store;
    this.#maxPending = options.maxPending ?? 500;
    this.#heartbeatMs = options.heartbeatMs ?? 30_000;
    this.#clock = options.clock ?? (() => new Date());
    this.runId = options.runId ?? randomUUID();
    const interval = options.intervalMs ?? 1000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.#tick().catch(() => undefined), interval);
      this.#timer.unref();
    }
  }

  /** Buckets waiting to be written. */
  get pendingBuckets(): number {
    return this.#pending.size;
  }

  /**
   * Call before saving the answers `increments` stand for: resolves once their flow-days are recorded on this
   * run, at once (no round trip) when they already are.
   */
  prepare(increments: readonly RollupChange[]): Promise<void> {
    if (increments.every((i) => this.#touched.has(dayKeyOf(i.bucket)))) return RESOLVED;
    const waits: Promise<void>[] = [];
    const fresh = new Map<string, FlowDay>();
    for (const inc of increments) {
      const day = { flowKey: inc.bucket.flowKey, day: inc.bucket.day };
      const key = dayKeyOf(day);
      if (this.#touched.has(key) || fresh.has(key)) continue;
      const inFlight = this.#touching.get(key);
      if (inFlight) waits.push(inFlight);
      else fresh.set(key, day);
    }
    if (fresh.size > 0) {
      const days = [...fresh.values()];
      const recording = (async () => {
        this.#opened ??= this.#store.openRun(this.runId, this.#clock()).catch((error: unknown) => {
          this.#opened = undefined;
          throw error;
        });
        await this.#opened;
        await this.#store.touch(this.runId, days);
        for (const key of fresh.keys()) this.#touched.add(key);
      })().finally(() => {
        for (const key of fresh.keys()) this.#touching.delete(key);
      });
      for (const key of fresh.keys()) this.#touching.set(key, recording);
      waits.push(recording);
    }
    if (waits.length === 0) return RESOLVED;
    return waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits).then(() => undefined);
  }

  /** Buffers increments (of answers already saved, after `prepare`). */
  add(increments: readonly RollupChange[]): void {
    for (const inc of capExamples(increments, this.#examples)) {
      const id = isActivity(inc)
        ? `a|${activityBucketId(inc.bucket)}|${inc.counter}`
        : `s|${bucketId(inc.bucket)}|${inc.value}`;
      const entry = this.#pending.get(id);
      this.#pending.set(id, entry ? { ...entry, count: entry.count + inc.count } : inc);
    }
    if (this.#pending.size >= this.#maxPending) void this.flush().catch(() => undefined);
  }

  /**
   * Writes everything buffered so far. Writes never overlap: the embedded server applies `$inc` as a
   * read-modify-write, so two concurrent increments of one document could lose one.
   */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    if (this.#pending.size === 0 && !this.#failed) return;
    this.#flushing = this.#write();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  async #write(): Promise<void> {
    if (this.#failed) {
      await this.#store.apply(this.#failed);
      this.#failed = undefined;
    }
    if (this.#pending.size === 0) return;
    const increments = [...this.#pending.values()].filter((i) => i.count !== 0);
    this.#pending = new Map();
    if (increments.length === 0) return;
    const batch: RollupBatch = { runId: this.runId, seq: ++this.#seq, increments };
    try {
      // Every day of the batch is on the run already (the service prepares before saving); this only waits
      // for callers that add without preparing.
      await this.prepare(increments);
      await this.#store.apply(batch);
    } catch (error) {
      this.#failed = batch;
      throw error;
    }
  }

  async #tick(): Promise<void> {
    const now = this.#clock().getTime();
    const opened = this.#opened;
    try {
      if (opened && now - this.#lastBeat >= this.#heartbeatMs) {
        this.#lastBeat = now;
        await opened;
        await this.#store.heartbeat(this.runId, new Date(now));
      }
    } finally {
      await this.flush();
    }
  }

  /** Stops the timer, writes what is left and closes the run (a run left open is repaired at the next start). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled(this.#touching.values());
    await this.flush();
    if (this.#opened) {
      await this.#opened;
      await this.#store.closeRun(this.runId);
      this.#opened = undefined;
      this.#touched.clear();
    }
  }
}

/** Recomputes a flow's score rollups from raw conversations (archive and in progress): the source of truth. */
export function recomputeRollups(
  states: Iterable<ConversationState>,
  flow: RollupFlow | string,
): Map<string, RollupRow> {
  const rows = new Map<string, { bucket: RollupBucket; histogram: Record<number, number> }>();
  for (const state of states) {
    if (!countsInScores(state)) continue;
    for (const inc of rollupIncrements(state, flow)) addScore(rows, inc);
  }
  return new Map([...rows].map(([id, r]) => [id, { ...r.bucket, histogram: r.histogram }]));
}

/** Recomputes a flow's conversation rollups from raw conversations, by {@link activityBucketId}. */
export function recomputeActivity(
  states: Iterable<ConversationState>,
  flow: RollupFlow,
): Map<string, ActivityRow> {
  const rows = new Map<string, ActivityDraft>();
  const examples = new Map<string, number>();
  for (const state of inAnswerOrder(states))
    for (const inc of capExamples(activityIncrements(state, flow), examples)) addActivity(rows, inc);
  return new Map([...rows].map(([id, r]) => [id, activityRow(r)]));
}

/**
 * Conversations in the order their answers were given (by start, then id): the order the live writer met
 * them, so a recomputation keeps the same example references it kept.
 */
function inAnswerOrder(states: Iterable<ConversationState>): ConversationState[] {
  return [...states].sort((a, b) =>
    a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

type ScoreDraft = { bucket: RollupBucket; histogram: Record<number, number> };
type ActivityDraft = {
  bucket: ActivityBucket;
  counters: Partial<Record<ActivityCounter, number>>;
  examples: Record<string, string>;
};

function addScore(rows: Map<string, ScoreDraft>, inc: RollupIncrement): void {
  const id = bucketId(inc.bucket);
  const row = rows.get(id) ?? { bucket: inc.bucket, histogram: {} };
  row.histogram[inc.value] = (row.histogram[inc.value] ?? 0) + inc.count;
  rows.set(id, row);
}

/** A draft as a stored row: its examples only when it has any (and only those still counted). */
function activityRow(draft: ActivityDraft): ActivityRow {
  const examples = Object.entries(draft.examples).filter(
    ([counter]) => (draft.counters[counter as ActivityCounter] ?? 0) > 0,
  );
  return {
    ...draft.bucket,
    counters: draft.counters,
    ...(examples.length > 0 ? { examples: Object.fromEntries(examples) } : {}),
  };
}

function addActivity(rows: Map<string, ActivityDraft>, inc: ActivityIncrement): void {
  const id = activityBucketId(inc.bucket);
  const row = rows.get(id) ?? { bucket: inc.bucket, counters: {}, examples: {} };
  row.counters[inc.counter] = (row.counters[inc.counter] ?? 0) + inc.count;
  if (inc.text !== undefined && inc.count > 0) row.examples[inc.counter] = inc.text;
  rows.set(id, row);
}

/** Where a rebuild reads the truth from, and where it writes. */
export interface RollupSources {
  readonly rollups: RollupStore;
  readonly responses: ResponseStore;
  readonly conversations: ConversationStore;
  /** The flow version a conversation counts by (its zone and segments). */
  readonly flowOf?: (state: ConversationState) => Promise<RollupFlow>;
  /** Only the zone, for a caller that has no segments (one of the two is required). */
  readonly timeZoneOf?: (state: ConversationState) => Promise<string>;
}

/** Far enough ahead that every conversation in progress was updated before it. */
const END_OF_TIME = new Date(8.64e15);

function flowResolver(sources: RollupSources): (state: ConversationState) => Promise<RollupFlow> {
  const { flowOf, timeZoneOf } = sources;
  if (flowOf) return flowOf;
  if (timeZoneOf) return async (state) => ({ timeZone: await timeZoneOf(state) });
  throw new RangeError("a rollup rebuild needs flowOf or timeZoneOf");
}

/** Every stored conversation of `flowKeys` (every flow when undefined): in progress, then the archive. */
async function storedStates(
  sources: RollupSources,
  flowKeys: ReadonlySet<string> | undefined,
): Promise<Map<string, ConversationState>> {
  const states = new Map<string, ConversationState>();
  // In progress first, then the archive: a conversation archived by a process that died before it freed the
  // respondent's key is in both, and its archived state is the final one.
  for (const record of await sources.conversations.listIdle(END_OF_TIME, Number.MAX_SAFE_INTEGER)) {
    if (!flowKeys || flowKeys.has(record.state.flowKey)) states.set(record.state.id, record.state);
  }
  if (flowKeys) {
    for (const flowKey of flowKeys) {
      for await (const record of sources.responses.list({ flowKey }))
        states.set(record.state.id, record.state);
    }
  } else {
    for await (const record of sources.responses.list({})) states.set(record.state.id, record.state);
  }
  return states;
}

/**
 * Recomputes the rollups (scores and conversation counters) of the days `wanted` accepts from `states`,
 * counted exactly as the live path counts them, and makes them the stored rollups of `days` (every day of
 * `days` is written, emptied when nothing counts on it). Returns the rows written.
 */
async function writeRecomputed(
  sources: RollupSources,
  states: Iterable<ConversationState>,
  days: readonly FlowDay[],
): Promise<number> {
  const flowOf = flowResolver(sources);
  const wanted = new Set(days.map(dayKeyOf));
  const scores = new Map<string, ScoreDraft>();
  const activity = new Map<string, ActivityDraft>();
  const examples = new Map<string, number>();
  for (const state of inAnswerOrder(states)) {
    if (!countsInScores(state)) continue;
    const flow = await flowOf(state);
    for (const inc of rollupIncrements(state, flow))
      if (wanted.has(dayKeyOf(inc.bucket))) addScore(scores, inc);
    for (const inc of capExamples(activityIncrements(state, flow), examples))
      if (wanted.has(dayKeyOf(inc.bucket))) addActivity(activity, inc);
  }
  const byDay = new Map<string, { rows: RollupRow[]; activity: ActivityRow[] }>();
  const dayOf = (d: FlowDay) => {
    const key = dayKeyOf(d);
    let entry = byDay.get(key);
    if (!entry) {
      entry = { rows: [], activity: [] };
      byDay.set(key, entry);
    }
    return entry;
  };
  for (const { bucket, histogram } of scores.values()) dayOf(bucket).rows.push({ ...bucket, histogram });
  for (const draft of activity.values()) dayOf(draft.bucket).activity.push(activityRow(draft));
  const unique = new Map(days.map((d) => [dayKeyOf(d), d]));
  for (const [key, day] of unique) {
    const entry = byDay.get(key);
    await sources.rollups.replaceDay(day, entry?.rows ?? [], entry?.activity ?? []);
  }
  return scores.size + activity.size;
}

/**
 * Recomputes the rollups of `days` from the stored conversations — the archived responses and those still in
 * progress, counted exactly as the live path counts them (`rollupIncrements`, `activityIncrements`,
 * `countsInScores`) — and makes them the stored rollups of those days. Returns the rows written.
 *
 * Run it while nothing else writes those days' rollups (at start, before answers are taken): an increment
 * buffered elsewhere while it runs would be counted by the rebuild and again by its flush.
 */
export async function rebuildRollups(sources: RollupSources, days: readonly FlowDay[]): Promise<number> {
  if (days.length === 0) return 0;
  const states = await storedStates(sources, new Set(days.map((d) => d.flowKey)));
  return writeRecomputed(sources, states.values(), days);
}

/** What {@link rebuildAllRollups} rebuilds: a flow (every flow when omitted) over a range of days. */
export interface RollupRebuildScope {
  readonly flowKey?: string;
  /** First day (`YYYY-MM-DD`, inclusive); the earliest when omitted. */
  readonly from?: string;
  /** Last day (inclusive); the latest when omitted. */
  readonly to?: string;
}

/** What a rebuild did. */
export interface RollupRebuildReport {
  readonly flows: readonly string[];
  readonly days: number;
  readonly rows: number;
  readonly conversations: number;
}

const FIRST_DAY = "0000-01-01";
const LAST_DAY = "9999-12-31";

/**
 * Restores the rollups of a flow (or of every flow) over a range of days from the archive and the
 * conversations in progress: every day with a counted conversation or answer is recomputed, and every stored
 * day in the range that has none is emptied. The same caution as {@link rebuildRollups}: answers recorded
 * while it runs, on the days it rebuilds, may count twice; run it when the bot is quiet, or on past days.
 */
export async function rebuildAllRollups(
  sources: RollupSources,
  scope: RollupRebuildScope = {},
): Promise<RollupRebuildReport> {
  const from = scope.from ?? FIRST_DAY;
  const to = scope.to ?? LAST_DAY;
  const states = await storedStates(
    sources,
    scope.flowKey === undefined ? undefined : new Set([scope.flowKey]),
  );
  const flowOf = flowResolver(sources);
  const days = new Map<string, FlowDay>();
  const inRange = (d: FlowDay) => d.day >= from && d.day <= to;
  const note = (d: FlowDay) => {
    if (inRange(d)) days.set(dayKeyOf(d), { flowKey: d.flowKey, day: d.day });
  };
  let conversations = 0;
  for (const state of states.values()) {
    if (!countsInScores(state)) continue;
    conversations++;
    const flow = await flowOf(state);
    for (const inc of rollupIncrements(state, flow)) note(inc.bucket);
    for (const inc of activityIncrements(state, flow)) note(inc.bucket);
  }
  for (const d of await sources.rollups.storedDays(scope.flowKey, from, to)) note(d);
  const list = [...days.values()];
  const rows = await writeRecomputed(sources, states.values(), list);
  return {
    flows: [...new Set(list.map((d) => d.flowKey))].sort(),
    days: list.length,
    rows,
    conversations,
  };
}

export interface RollupRepairOptions extends RollupSources {
  /** Whether a run's process is gone (the caller knows hosts, process ids and who else writes). */
  readonly isAbandoned: (run: RollupRun) => boolean;
  /**
   * Whether a flow-day is over (in the flow's zone, with a grace for late flushes). A day an abandoned run
   * shares with a live one is rebuilt only then, when the live one has stopped counting answers on it.
   */
  readonly isDayOver: (day: FlowDay) => Promise<boolean>;
}

/** What a repair did. */
export interface RollupRepairReport {
  /** Abandoned runs whose days are all rebuilt (and which are now forgotten). */
  readonly repairedRuns: readonly string[];
  readonly rebuiltDays: readonly FlowDay[];
  /** Days shared with a live run and not over yet: rebuilt by a later repair. */
  readonly deferredDays: readonly FlowDay[];
}

/**
 * Repairs the rollups after an unclean stop: every run left open by a process that is gone has its touched
 * flow-days rebuilt from the stored conversations, then is forgotten. Idempotent; safe to repeat, and to
 * run in several processes at once (each rebuild writes the same recomputation).
 */
export async function repairRollups(options: RollupRepairOptions): Promise<RollupRepairReport> {
  const runs = await options.rollups.listRuns();
  const abandoned = runs.filter((r) => options.isAbandoned(r));
  if (abandoned.length === 0) return { repairedRuns: [], rebuiltDays: [], deferredDays: [] };
  const dead = new Set(abandoned.map((r) => r.runId));
  const shared = new Set(runs.filter((r) => !dead.has(r.runId)).flatMap((r) => r.touched.map(dayKeyOf)));
  const days = new Map(abandoned.flatMap((r) => r.touched.map((d) => [dayKeyOf(d), d] as const)));
  const ready: FlowDay[] = [];
  const deferred: FlowDay[] = [];
  for (const [key, day] of days) {
    if (shared.has(key) && !(await options.isDayOver(day))) deferred.push(day);
    else ready.push(day);
  }
  await rebuildRollups(options, ready);
  const waiting = new Set(deferred.map(dayKeyOf));
  const repaired: string[] = [];
  for (const run of abandoned) {
    if (run.touched.some((d) => waiting.has(dayKeyOf(d)))) continue;
    await options.rollups.closeRun(run.runId);
    repaired.push(run.runId);
  }
  return { repairedRuns: repaired, rebuiltDays: ready, deferredDays: deferred };
}

/** Scores of one rating step over a period, with breakdowns by channel and locale. */
export interface StepScores {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly overall: ScoreSummary;
  /** The answers behind `overall`, by value: what a significance test of a change needs. */
  readonly histogram: Histogram;
  readonly byChannel: Readonly<Record<string, ScoreSummary>>;
  readonly byLocale: Readonly<Record<string, ScoreSummary>>;
}

/** A period's scores beside the previous period of the same length. */
export interface PeriodReport {
  readonly flowKey: string;
  readonly from: string;
  readonly to: string;
  readonly previousFrom: string;
  readonly previousTo: string;
  readonly current: readonly StepScores[];
  readonly previous: readonly StepScores[];
}

function mergeInto(target: Record<number, number>, histogram: Readonly<Record<number, number>>): void {
  for (const [k, v] of Object.entries(histogram)) target[Number(k)] = (target[Number(k)] ?? 0) + v;
}

/** A step's answers over a period, overall and per channel and locale, as they are summed. */
interface StepSums {
  scale: ScaleName | "custom";
  all: Record<number, number>;
  channel: Map<string, Record<number, number>>;
  locale: Map<string, Record<number, number>>;
}

/** Adds a histogram to a step's sums (per channel and locale as given). */
function addToStep(
  steps: Map<string, StepSums>,
  stepId: string,
  scale: ScaleName | "custom",
  histogram: Histogram,
  byChannel: Readonly<Record<string, Histogram>>,
  byLocale: Readonly<Record<string, Histogram>>,
): void {
  let s = steps.get(stepId);
  if (!s) {
    s = { scale, all: {}, channel: new Map(), locale: new Map() };
    steps.set(stepId, s);
  }
  mergeInto(s.all, histogram);
  const into = (map: Map<string, Record<number, number>>, key: string, h: Histogram) => {
    const target = map.get(key) ?? {};
    mergeInto(target, h);
    map.set(key, target);
  };
  for (const [k, h] of Object.entries(byChannel)) into(s.channel, k, h);
  for (const [k, h] of Object.entries(byLocale)) into(s.locale, k, h);
}

/** Each step's score from its sums, in step id order. */
function stepScores(steps: ReadonlyMap<string, StepSums>): StepScores[] {
  return [...steps.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([stepId, s]) => ({
      stepId,
      scale: s.scale,
      overall: summarize(s.scale, s.all),
      histogram: s.all,
      byChannel: Object.fromEntries([...s.channel].map(([k, h]) => [k, summarize(s.scale, h)])),
      byLocale: Object.fromEntries([...s.locale].map(([k, h]) => [k, summarize(s.scale, h)])),
    }));
}

/** Groups rows by step (then channel, locale) and computes each step's score: group in the DB, reduce here. */
export function scoresFromRows(rows: readonly RollupRow[]): StepScores[] {
  const steps = new Map<string, StepSums>();
  for (const row of rows)
    addToStep(
      steps,
      row.stepId,
      row.scale,
      row.histogram,
      { [row.channel]: row.histogram },
      {
        [row.locale]: row.histogram,
      },
    );
  return stepScores(steps);
}

/** Groups daily score documents by step and computes each step's score, with its channel and locale breakdowns. */
export function scoresFromDays(days: readonly ScoreDay[]): StepScores[] {
  const steps = new Map<string, StepSums>();
  for (const d of days) addToStep(steps, d.stepId, d.scale, d.histogram, d.byChannel, d.byLocale);
  return stepScores(steps);
}

/** The scores of `from`…`to` (inclusive days) beside the same number of days just before. */
export async function periodReport(
  store: RollupStore,
  flowKey: string,
  from: string,
  to: string,
): Promise<PeriodReport> {
  const days = daySpan(from, to);
  const previousTo = addDays(from, -1);
  const previousFrom = addDays(from, -days);
  const rows = await store.read(flowKey, previousFrom, to);
  const current = rows.filter((r) => r.day >= from && r.day <= to);
  const previous = rows.filter((r) => r.day >= previousFrom && r.day <= previousTo);
  return {
    flowKey,
    from,
    to,
    previousFrom,
    previousTo,
    current: scoresFromRows(current),
    previous: scoresFromRows(previous),
  };
}
