import { randomUUID } from "node:crypto";
import type { ConversationState } from "./engine/state.ts";
import type { ScaleName } from "./flow/schema.ts";
import type {
  ConversationStore,
  FlowDay,
  ResponseStore,
  RollupBatch,
  RollupBucket,
  RollupIncrement,
  RollupRow,
  RollupRun,
  RollupStore,
} from "./ports.ts";
import { addDays, dayKey, daySpan, type Histogram, type ScoreSummary, summarize } from "./scores.ts";

/** The id of a rollup bucket: deterministic, so an increment is one `$inc` upsert on `_id`. */
export function bucketId(b: RollupBucket): string {
  return `${b.flowKey}|${b.stepId}|${b.day}|${b.channel}|${b.locale}`;
}

/**
 * The rollup increments a conversation's rating answers contribute (`sign` −1 withdraws them, for a
 * conversation the respondent started over). Each answer counts on the day it was given, in the flow's zone.
 */
export function rollupIncrements(
  state: ConversationState,
  timeZone: string,
  sign: 1 | -1 = 1,
): RollupIncrement[] {
  const out: RollupIncrement[] = [];
  if (state.test) return out;
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
      },
      value: a.answer.value,
      count: sign,
    });
  }
  return out;
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
  #pending = new Map<string, { bucket: RollupBucket; values: Map<number, number> }>();
  /** A batch whose write failed (perhaps only its acknowledgement): written again, unchanged, first. */
  #failed: RollupBatch | undefined;
  #flushing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #opened: Promise<void> | undefined;
  #lastBeat = 0;
  /** Flow-days recorded on the run, and those being recorded. */
  readonly #touched = new Set<string>();
  readonly #touching = new Map<string, Promise<void>>();

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
  prepare(increments: readonly RollupIncrement[]): Promise<void> {
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
  add(increments: readonly RollupIncrement[]): void {
    for (const inc of increments) {
      const id = bucketId(inc.bucket);
      let entry = this.#pending.get(id);
      if (!entry) {
        entry = { bucket: inc.bucket, values: new Map() };
        this.#pending.set(id, entry);
      }
      entry.values.set(inc.value, (entry.values.get(inc.value) ?? 0) + inc.count);
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
    const increments: RollupIncrement[] = [];
    for (const { bucket, values } of this.#pending.values()) {
      for (const [value, count] of values) if (count !== 0) increments.push({ bucket, value, count });
    }
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

/** Recomputes a flow's rollups from raw conversations (archive and in progress): the source of truth. */
export function recomputeRollups(
  states: Iterable<ConversationState>,
  timeZone: string,
): Map<string, RollupRow> {
  const rows = new Map<string, { bucket: RollupBucket; histogram: Record<number, number> }>();
  for (const state of states) {
    if (!countsInScores(state)) continue;
    for (const inc of rollupIncrements(state, timeZone)) {
      const id = bucketId(inc.bucket);
      const row = rows.get(id) ?? { bucket: inc.bucket, histogram: {} };
      row.histogram[inc.value] = (row.histogram[inc.value] ?? 0) + inc.count;
      rows.set(id, row);
    }
  }
  return new Map([...rows].map(([id, r]) => [id, { ...r.bucket, histogram: r.histogram }]));
}

/** Where a rebuild reads the truth from, and where it writes. */
export interface RollupSources {
  readonly rollups: RollupStore;
  readonly responses: ResponseStore;
  readonly conversations: ConversationStore;
  /** The zone a conversation's answers count in: its flow version's `timeZone`. */
  readonly timeZoneOf: (state: ConversationState) => Promise<string>;
}

/** Far enough ahead that every conversation in progress was updated before it. */
const END_OF_TIME = new Date(8.64e15);

/**
 * Recomputes the buckets of `days` from the stored conversations — the archived responses and those still in
 * progress, counted exactly as the live path counts them (`rollupIncrements`, `countsInScores`) — and makes
 * them the stored buckets of those days. Returns the rows written.
 *
 * Run it while nothing else writes those days' buckets (at start, before answers are taken): an increment
 * buffered elsewhere while it runs would be counted by the rebuild and again by its flush.
 */
export async function rebuildRollups(sources: RollupSources, days: readonly FlowDay[]): Promise<number> {
  if (days.length === 0) return 0;
  const wanted = new Set(days.map(dayKeyOf));
  const flowKeys = new Set(days.map((d) => d.flowKey));
  const states = new Map<string, ConversationState>();
  // In progress first, then the archive: a conversation archived by a process that died before it freed the
  // respondent's key is in both, and its archived state is the final one.
  for (const record of await sources.conversations.listIdle(END_OF_TIME, Number.MAX_SAFE_INTEGER)) {
    if (flowKeys.has(record.state.flowKey)) states.set(record.state.id, record.state);
  }
  for (const flowKey of flowKeys) {
    for await (const record of sources.responses.list({ flowKey })) states.set(record.state.id, record.state);
  }
  const rows = new Map<string, { bucket: RollupBucket; histogram: Record<number, number> }>();
  for (const state of states.values()) {
    if (!countsInScores(state)) continue;
    for (const inc of rollupIncrements(state, await sources.timeZoneOf(state))) {
      if (!wanted.has(dayKeyOf(inc.bucket))) continue;
      const id = bucketId(inc.bucket);
      const row = rows.get(id) ?? { bucket: inc.bucket, histogram: {} };
      row.histogram[inc.value] = (row.histogram[inc.value] ?? 0) + inc.count;
      rows.set(id, row);
    }
  }
  const byDay = new Map<string, RollupRow[]>();
  for (const { bucket, histogram } of rows.values()) {
    const key = dayKeyOf(bucket);
    const list = byDay.get(key) ?? [];
    list.push({ ...bucket, histogram });
    byDay.set(key, list);
  }
  const unique = new Map(days.map((d) => [dayKeyOf(d), d]));
  for (const [key, day] of unique) await sources.rollups.replaceDay(day, byDay.get(key) ?? []);
  return rows.size;
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

/** Groups rows by step (then channel, locale) and computes each step's score: group in the DB, reduce here. */
export function scoresFromRows(rows: readonly RollupRow[]): StepScores[] {
  const steps = new Map<
    string,
    {
      scale: ScaleName | "custom";
      all: Record<number, number>;
      channel: Map<string, Record<number, number>>;
      locale: Map<string, Record<number, number>>;
    }
  >();
  for (const row of rows) {
    let s = steps.get(row.stepId);
    if (!s) {
      s = { scale: row.scale, all: {}, channel: new Map(), locale: new Map() };
      steps.set(row.stepId, s);
    }
    mergeInto(s.all, row.histogram);
    const c = s.channel.get(row.channel) ?? {};
    mergeInto(c, row.histogram);
    s.channel.set(row.channel, c);
    const l = s.locale.get(row.locale) ?? {};
    mergeInto(l, row.histogram);
    s.locale.set(row.locale, l);
  }
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
