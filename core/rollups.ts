import type { ConversationState } from "./engine/state.ts";
import type { ScaleName } from "./flow/schema.ts";
import type { RollupBucket, RollupIncrement, RollupRow, RollupStore } from "./ports.ts";
import { addDays, dayKey, daySpan, type ScoreSummary, summarize } from "./scores.ts";

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

/** Whether a conversation's answers count in the scores: everything but an attempt the respondent replaced. */
export function countsInScores(state: ConversationState): boolean {
  return state.status !== "replaced";
}

/**
 * Collects rollup increments in memory and writes them in batches — one `$inc` per bucket per flush instead
 * of one per answer. `flush()` runs on an interval and at shutdown; a failed flush keeps the increments for
 * the next one. What is buffered when the process is killed without a shutdown is lost from the rollups
 * (the archive still has it; `rebuildRollups` restores them).
 */
export class RollupBuffer {
  readonly #store: RollupStore;
  readonly #maxPending: number;
  #pending = new Map<string, { bucket: RollupBucket; values: Map<number, number> }>();
  #flushing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(store: RollupStore, options: { intervalMs?: number; maxPending?: number } = {}) {
    this.#store = store;
    this.#maxPending = options.maxPending ?? 500;
    const interval = options.intervalMs ?? 1000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.flush().catch(() => undefined), interval);
      this.#timer.unref();
    }
  }

  /** Buckets waiting to be written. */
  get pendingBuckets(): number {
    return this.#pending.size;
  }

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
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const increments: RollupIncrement[] = [];
    for (const { bucket, values } of batch.values()) {
      for (const [value, count] of values) if (count !== 0) increments.push({ bucket, value, count });
    }
    this.#flushing = this.#store.apply(increments).catch((error: unknown) => {
      this.add(increments);
      throw error;
    });
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
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

/** Scores of one rating step over a period, with breakdowns by channel and locale. */
export interface StepScores {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly overall: ScoreSummary;
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
