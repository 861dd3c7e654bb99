import { hostname } from "node:os";
import type { mongo } from "mongoose";
import { KeyedQueue } from "../core/concurrency.ts";
import type { Locale } from "../core/locale.ts";
import type {
  ActivityDay,
  ActivityRow,
  FlowDay,
  RollupBatch,
  RollupDays,
  RollupRow,
  RollupRun,
  RollupStore,
  ScoreDay,
} from "../core/ports.ts";
import { isActivity, isBrokenDown, isExampleCounter, readExampleCounter } from "../core/rollups.ts";
import type { Channel } from "../core/types.ts";
import {
  isDuplicateKey,
  type Models,
  type RollupDoc,
  type RollupRunDoc,
  type RollupTouchDoc,
  raw,
} from "./models.ts";

/**
 * One document per flow, step and day (`nps|score|2026-11-24`): a year of a flow's score is 365 small
 * documents. The channel × locale breakdown lives inside it (`by.telegram.fa.v7`), since both are short enums.
 */
export function rollupDocId(flowKey: string, stepId: string, day: string): string {
  return `${flowKey}|${stepId}|${day}`;
}

/** The id of a flow-day's conversation rollup (in `activity_rollups`). */
export function activityDocId(flowKey: string, day: string): string {
  return `${flowKey}|${day}`;
}

/** A flow-day's conversation counters, by channel × locale and by segment, in `activity_rollups`. */
interface ActivityRollupDoc {
  /** `flowKey|day`. */
  _id: string;
  flowKey: string;
  day: string;
  /** Counters over every conversation started that day: `c.started`, `c.theme:price`. */
  c: Record<string, number>;
  /** The same per channel and locale: `by.telegram.fa.started`. */
  by: Record<string, Record<string, Record<string, number>>>;
  /** The same per segment property and value: `seg.touchpoint.checkout.started`. */
  seg: Record<string, Record<string, Record<string, number>>>;
  /** Example comments of negative themes, by example counter: erased with their author, aged out by retention. */
  x?: Record<string, string>;
  a?: Record<string, number>;
}

/** The score document's segment breakdown (`seg.touchpoint.checkout.v9`), beside the fields of {@link RollupDoc}. */
type ScoreRollupDoc = RollupDoc & { seg?: Record<string, Record<string, Record<string, number>>> };

/**
 * A segment value as a field name: `.` and a leading `$` are not allowed in one, so `%`, `.` and `$` are
 * percent-encoded.
 */
export function segmentField(value: string): string {
  return value.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

const fromSegmentField = (field: string): string =>
  field.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * The days a sole writer keeps in memory, back from today: a 12-month report and the 12 months before it, with
 * room for a flow's zone and a late report.
 */
const REMEMBERED_DAYS = 800;

/** Attempts at a batch whose upserts lost races to create the same new documents. */
const APPLY_ATTEMPTS = 5;

type Guarded = {
  inc: Record<string, number>;
  onInsert: Record<string, unknown>;
  set?: Record<string, string>;
  unset?: Record<string, "">;
};

/**
 * Applies one batch's `$inc`s to documents of a collection, once per document (see {@link createRollupStore}).
 * Every filter is an exact `_id`, the one lookup the embedded server does not answer with a scan. `careful`
 * (the batch was attempted before, perhaps applied without its acknowledgement) reads each document's guard
 * first and only sends the documents that lack the batch.
 */
async function applyGuarded<T extends { _id: string; a?: Record<string, number> }>(
  collection: mongo.Collection<T>,
  byDoc: ReadonlyMap<string, Guarded>,
  batch: RollupBatch,
  careful: boolean,
): Promise<string[]> {
  const guard = `a.${batch.runId}`;
  const applied: string[] = [];
  let ids = [...byDoc.keys()];
  const lacking = async (candidates: readonly string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of candidates) {
      const doc = await collection.findOne({ _id: id } as mongo.Filter<T>, { projection: { [guard]: 1 } });
      if ((doc?.a?.[batch.runId] ?? 0) < batch.seq) out.push(id);
    }
    return out;
  };
  if (careful) ids = await lacking(ids);
  for (let attempt = 1; ids.length > 0; attempt++) {
    const ops = ids.map((id): mongo.AnyBulkWriteOperation<T> => {
      const { inc, onInsert, set, unset } = byDoc.get(id) as Guarded;
      return {
        updateOne: {
          filter: { _id: id } as mongo.Filter<T>,
          update: {
            $inc: inc,
            $set: { ...set, [guard]: batch.seq },
            $setOnInsert: onInsert,
            ...(unset ? { $unset: unset } : {}),
          } as mongo.UpdateFilter<T>,
          upsert: true,
        },
      };
    });
    try {
      await collection.bulkWrite(ops, { ordered: false });
      applied.push(...ids);
      return applied;
    } catch (error) {
      // A lost race to create a new document (another process created it first): the others were applied.
      if (!isDuplicateKey(error) || attempt >= APPLY_ATTEMPTS) throw error;
    }
    const still = await lacking(ids);
    applied.push(...ids.filter((id) => !still.includes(id)));
    ids = still;
  }
  return applied;
}

/** Sets a dotted path in a plain object, creating the objects on the way. */
function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = doc;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (typeof next !== "object" || next === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts[parts.length - 1] as string] = value;
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let at: unknown = doc;
  for (const part of path.split("."))
    at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[part] : undefined;
  return at;
}

function unsetPath(doc: Record<string, unknown>, path: string): void {
  const parts = path.split(".");
  const parent = getPath(doc, parts.slice(0, -1).join("."));
  if (typeof parent === "object" && parent !== null)
    delete (parent as Record<string, unknown>)[parts[parts.length - 1] as string];
}

/**
 * What one guarded update does to a remembered document, as the database does it (`$setOnInsert`, `$inc`, `$set`,
 * `$unset`); the guard itself is not remembered.
 */
function mirror<T extends { _id: string }>(
  memory: Map<string, T>,
  from: string,
  id: string,
  update: Guarded,
): void {
  // A day older than those remembered stays in the database only.
  if (String(update.onInsert.day) < from) return;
  const doc = (memory.get(id) ?? { _id: id, ...update.onInsert }) as unknown as Record<string, unknown>;
  for (const [path, n] of Object.entries(update.inc))
    setPath(doc, path, (Number(getPath(doc, path)) || 0) + n);
  for (const [path, value] of Object.entries(update.set ?? {})) setPath(doc, path, value);
  for (const path of Object.keys(update.unset ?? {})) unsetPath(doc, path);
  memory.set(id, doc as unknown as T);
}

const histogramOf = (values: Record<string, number> | undefined, into: Record<number, number> = {}) => {
  for (const [k, v] of Object.entries(values ?? {})) {
    if (v !== 0) into[Number(k.slice(1))] = (into[Number(k.slice(1))] ?? 0) + v;
  }
  return into;
};

const countersOf = (
  values: Record<string, number> | undefined,
  into: Record<string, number> = {},
): Record<string, number> => {
  for (const [k, v] of Object.entries(values ?? {})) if (v !== 0) into[k] = (into[k] ?? 0) + v;
  return into;
};

function segmentsOf<T>(
  seg: Record<string, Record<string, Record<string, number>>> | undefined,
  read: (values: Record<string, number>) => T,
): Record<string, Record<string, T>> {
  const out: Record<string, Record<string, T>> = {};
  for (const [key, values] of Object.entries(seg ?? {})) {
    out[key] = Object.fromEntries(
      Object.entries(values).map(([v, counts]) => [fromSegmentField(v), read(counts)]),
    );
  }
  return out;
}

/** Channel × locale cells folded into one breakdown per channel and one per locale. */
function foldBy<T extends Record<string | number, number>>(
  by: Record<string, Record<string, Record<string, number>>> | undefined,
  read: (values: Record<string, number>, into?: T) => T,
): { byChannel: Record<string, T>; byLocale: Record<string, T> } {
  const byChannel: Record<string, T> = {};
  const byLocale: Record<string, T> = {};
  for (const [channel, locales] of Object.entries(by ?? {})) {
    for (const [locale, values] of Object.entries(locales)) {
      byChannel[channel] = read(values, byChannel[channel]);
      byLocale[locale] = read(values, byLocale[locale]);
    }
  }
  return { byChannel, byLocale };
}

const isEmpty = (o: object) => Object.keys(o).length === 0;

export interface RollupStoreOptions {
  /**
   * This process is the database's only writer (the embedded server it started): the rollup documents are read
   * once, at the first report, and kept in memory (see {@link createRollupStore}).
   */
  readonly cache?: boolean;
}

/**
 * Score rollups, conversation rollups, and the runs of the processes that write them.
 *
 * A batch is applied once per document with a guard the document carries: `a.<runId>` is the last batch of
 * that run applied to it, set by the same update as the `$inc`s. A batch is sent blind the first time (an
 * upsert by exact `_id`: no scan on the embedded server); a batch that failed, perhaps after it was applied,
 * is only sent again to the documents whose guard is below its `seq`, read one by one by `_id` (a run has one
 * writer and its batches never overlap, so nothing moves the guard in between). E11000 is a lost race to
 * create a new document; FerretDB misreports the index of a failed operation in a bulk write, so after one
 * the guards are read back the same way and only the documents that lack the batch are sent again. (The
 * embedded server applies `$inc` as a read-then-write: two processes incrementing one document at the same
 * instant can lose one increment there; MongoDB applies it atomically.)
 *
 * Conversation counters (started, responded, sentiment, themes) live in `activity_rollups`, one document per
 * flow and day, written by the same batches: a report of a year reads a few hundred small documents of each
 * kind, whatever the number of responses.
 *
 * Runs and the flow-days they touch are small documents inserted by `_id`; `listRuns` scans two collections
 * that hold a few documents per process alive or crashed.
 */
export function createRollupStore(m: Models, options: RollupStoreOptions = {}): RollupStore {
  const rollups = raw<ScoreRollupDoc>(m.Rollup);
  const runs = raw<RollupRunDoc>(m.RollupRun);
  const touches = raw<RollupTouchDoc>(m.RollupTouch);
  const activity = m.Rollup.db.collection<ActivityRollupDoc>("activity_rollups");
  let indexed: Promise<unknown> | undefined;
  /** The `{flowKey, day}` index MongoDB uses for a report's range read (FerretDB scans either way). */
  const ensureIndex = () => {
    indexed ??= activity.createIndex({ flowKey: 1, day: 1 }).catch((error: unknown) => {
      indexed = undefined;
      throw error;
    });
    return indexed;
  };

  /**
   * Batches that failed in this process (`runId#seq`), and the last batch of each run applied: a batch that
   * comes again is applied carefully (see {@link applyGuarded}).
   */
  const failed = new Set<string>();
  const lastApplied = new Map<string, number>();

  // ─── A sole writer's memory of the rollups ───
  // The embedded server decodes a whole collection for any query but an exact `_id`, so a year's report would
  // read every day of every flow. A sole writer reads the last REMEMBERED_DAYS of rollups once and keeps them:
  // every write goes through this store, one at a time; a batch's updates are done to the remembered documents
  // as the database does them, a rebuilt day or an erased example is read back by `_id`. A failed write forgets
  // them all (read again at the next report).
  type Memory = {
    /** The first day kept: older days (no report reaches them) are read from the database when asked for. */
    from: string;
    scores: Map<string, ScoreRollupDoc>;
    activity: Map<string, ActivityRollupDoc>;
  };
  let memory: Memory | undefined;
  const lock = new KeyedQueue();
  const noGuards = { projection: { a: 0 } };
  const exclusive = <T>(task: () => Promise<T>): Promise<T> =>
    options.cache
      ? lock.run("rollups", async () => {
          try {
            return await task();
          } catch (error) {
            memory = undefined;
            throw error;
          }
        })
      : task();
  const remembered = async (): Promise<Memory | undefined> => {
    if (!options.cache) return undefined;
    if (memory) return memory;
    return lock.run("rollups", async () => {
      if (memory) return memory;
      const from = new Date(Date.now() - REMEMBERED_DAYS * 86_400_000).toISOString().slice(0, 10);
      const recent = { day: { $gte: from } };
      memory = {
        from,
        scores: new Map((await rollups.find(recent, noGuards).toArray()).map((d) => [d._id, d])),
        activity: new Map((await activity.find(recent, noGuards).toArray()).map((d) => [d._id, d])),
      };
      return memory;
    });
  };
  /** Reads back, by `_id`, the documents a write changed or removed (when they are remembered). */
  const reread = async (scoreIds: Iterable<string>, activityIds: Iterable<string>): Promise<void> => {
    const mem = memory;
    if (!mem) return;
    for (const id of scoreIds) {
      const doc = await rollups.findOne({ _id: id }, noGuards);
      if (doc && doc.day >= mem.from) mem.scores.set(id, doc);
      else mem.scores.delete(id);
    }
    for (const id of activityIds) {
      const doc = await activity.findOne({ _id: id }, noGuards);
      if (doc && doc.day >= mem.from) mem.activity.set(id, doc);
      else mem.activity.delete(id);
    }
  };
  /** A flow's documents between two days: from memory, or one query per collection. */
  const inRange = <T extends { flowKey: string; day: string }>(
    docs: Iterable<T>,
    flowKey: string | undefined,
    fromDay: string,
    toDay: string,
  ): T[] =>
    [...docs].filter(
      (d) => (flowKey === undefined || d.flowKey === flowKey) && d.day >= fromDay && d.day <= toDay,
    );
  const scoreDocs = async (flowKey: string | undefined, fromDay: string, toDay: string) => {
    const mem = await remembered();
    if (mem && fromDay >= mem.from) return inRange(mem.scores.values(), flowKey, fromDay, toDay);
    const filter = { ...(flowKey === undefined ? {} : { flowKey }), day: { $gte: fromDay, $lte: toDay } };
    return rollups.find(filter, noGuards).toArray();
  };
  const activityDocs = async (flowKey: string | undefined, fromDay: string, toDay: string) => {
    const mem = await remembered();
    if (mem && fromDay >= mem.from) return inRange(mem.activity.values(), flowKey, fromDay, toDay);
    const filter = { ...(flowKey === undefined ? {} : { flowKey }), day: { $gte: fromDay, $lte: toDay } };
    return activity.find(filter, noGuards).toArray();
  };
  /** Activity documents that keep example comments, with the keys of those `conversationIds` (all when undefined). */
  const withExamples = async (conversationIds: ReadonlySet<string> | undefined) => {
    // Every day, remembered or not (a person's old comments too).
    const docs = (await activity.find({ x: { $exists: true } }, noGuards).toArray()).filter(
      (d) => d.x && !isEmpty(d.x),
    );
    return docs.map((doc) => ({
      doc,
      keys: Object.keys(doc.x ?? {}).filter((k) => {
        const ref = readExampleCounter(k);
        return (
          ref !== undefined && (conversationIds === undefined || conversationIds.has(ref.conversationId))
        );
      }),
    }));
  };

  const replaceDay = async (
    day: FlowDay,
    rows: readonly RollupRow[],
    counters: readonly ActivityRow[] | undefined,
  ): Promise<void> => {
    const docs = new Map<string, ScoreRollupDoc>();
    for (const row of rows) {
      if (row.flowKey !== day.flowKey || row.day !== day.day)
        throw new RangeError(`row of ${row.flowKey} ${row.day} in a rebuild of ${day.flowKey} ${day.day}`);
      const id = rollupDocId(row.flowKey, row.stepId, row.day);
      const doc: ScoreRollupDoc = docs.get(id) ?? {
        _id: id,
        flowKey: row.flowKey,
        stepId: row.stepId,
        scale: row.scale,
        day: row.day,
        h: {},
        by: {},
        n: 0,
        sum: 0,
      };
      for (const [k, count] of Object.entries(row.histogram)) {
        const value = Number(k);
        const v = `v${value}`;
        doc.h[v] = (doc.h[v] ?? 0) + count;
        const byChannel = doc.by[row.channel] ?? {};
        const byLocale = byChannel[row.locale] ?? {};
        byLocale[v] = (byLocale[v] ?? 0) + count;
        byChannel[row.locale] = byLocale;
        doc.by[row.channel] = byChannel;
        for (const [key, segment] of Object.entries(row.segments ?? {})) {
          doc.seg ??= {};
          const byKey = doc.seg[key] ?? {};
          const cell = byKey[segmentField(segment)] ?? {};
          cell[v] = (cell[v] ?? 0) + count;
          byKey[segmentField(segment)] = cell;
          doc.seg[key] = byKey;
        }
        doc.n += count;
        doc.sum += count * value;
      }
      docs.set(id, doc);
    }
    // Replacements first, then the day's other steps: a crash in between leaves the run open, so the repair
    // runs again.
    for (const doc of docs.values()) await rollups.replaceOne({ _id: doc._id }, doc, { upsert: true });
    await rollups.deleteMany({ flowKey: day.flowKey, day: day.day, _id: { $nin: [...docs.keys()] } });
    if (counters !== undefined) await replaceActivity(day, counters);
    if (memory) {
      const mem = memory;
      for (const [id, d] of mem.scores)
        if (d.flowKey === day.flowKey && d.day === day.day) mem.scores.delete(id);
      await reread(docs.keys(), [activityDocId(day.flowKey, day.day)]);
    }
  };

  const replaceActivity = async (day: FlowDay, counters: readonly ActivityRow[]): Promise<void> => {
    const id = activityDocId(day.flowKey, day.day);
    const doc: ActivityRollupDoc = { _id: id, flowKey: day.flowKey, day: day.day, c: {}, by: {}, seg: {} };
    for (const row of counters) {
      if (row.flowKey !== day.flowKey || row.day !== day.day)
        throw new RangeError(`row of ${row.flowKey} ${row.day} in a rebuild of ${day.flowKey} ${day.day}`);
      const byChannel = doc.by[row.channel] ?? {};
      const cell = byChannel[row.locale] ?? {};
      byChannel[row.locale] = cell;
      doc.by[row.channel] = byChannel;
      for (const [counter, text] of Object.entries(row.examples ?? {})) {
        doc.x ??= {};
        doc.x[counter] = text;
      }
      for (const [counter, count = 0] of Object.entries(row.counters)) {
        doc.c[counter] = (doc.c[counter] ?? 0) + count;
        if (!isBrokenDown(counter)) continue;
        cell[counter] = (cell[counter] ?? 0) + count;
        for (const [key, segment] of Object.entries(row.segments ?? {})) {
          const byKey = doc.seg[key] ?? {};
          const values = byKey[segmentField(segment)] ?? {};
          values[counter] = (values[counter] ?? 0) + count;
          byKey[segmentField(segment)] = values;
          doc.seg[key] = byKey;
        }
      }
    }
    if (counters.length === 0) await activity.deleteOne({ _id: id });
    else {
      await ensureIndex();
      await activity.replaceOne({ _id: id }, doc, { upsert: true });
    }
  };

  const applyBatch = async (batch: RollupBatch): Promise<void> => {
    const scores = new Map<string, Guarded>();
    const counters = new Map<string, Guarded>();
    /** Example counters' net change and comment, per activity document. */
    const examples = new Map<string, Map<string, { count: number; text: string | undefined }>>();
    for (const i of batch.increments) {
      if (isActivity(i)) {
        const b = i.bucket;
        const id = activityDocId(b.flowKey, b.day);
        const entry = counters.get(id) ?? { inc: {}, onInsert: { flowKey: b.flowKey, day: b.day } };
        const add = (k: string) => {
          entry.inc[k] = (entry.inc[k] ?? 0) + i.count;
        };
        add(`c.${i.counter}`);
        if (isExampleCounter(i.counter)) {
          // Net per document: a conversation that moved bucket withdraws and adds the same example at once,
          // and MongoDB refuses a `$set` and an `$unset` of one path in one update.
          const net = examples.get(id) ?? new Map<string, { count: number; text: string | undefined }>();
          const before = net.get(i.counter);
          net.set(i.counter, { count: (before?.count ?? 0) + i.count, text: i.text ?? before?.text });
          examples.set(id, net);
        }
        if (!isBrokenDown(i.counter)) {
          counters.set(id, entry);
          continue;
        }
        add(`by.${b.channel}.${b.locale}.${i.counter}`);
        for (const [key, value] of Object.entries(b.segments ?? {}))
          add(`seg.${key}.${segmentField(value)}.${i.counter}`);
        counters.set(id, entry);
        continue;
      }
      const b = i.bucket;
      const id = rollupDocId(b.flowKey, b.stepId, b.day);
      const entry = scores.get(id) ?? {
        inc: {},
        onInsert: { flowKey: b.flowKey, stepId: b.stepId, scale: b.scale, day: b.day },
      };
      const add = (k: string, v: number) => {
        entry.inc[k] = (entry.inc[k] ?? 0) + v;
      };
      add(`h.v${i.value}`, i.count);
      add(`by.${b.channel}.${b.locale}.v${i.value}`, i.count);
      for (const [key, value] of Object.entries(b.segments ?? {}))
        add(`seg.${key}.${segmentField(value)}.v${i.value}`, i.count);
      add("n", i.count);
      add("sum", i.count * i.value);
      scores.set(id, entry);
    }
    for (const [id, net] of examples) {
      const entry = counters.get(id);
      if (!entry) continue;
      for (const [counter, { count, text }] of net) {
        if (count > 0 && text !== undefined) entry.set = { ...entry.set, [`x.${counter}`]: text };
        else if (count < 0) entry.unset = { ...entry.unset, [`x.${counter}`]: "" };
      }
    }
    const key = `${batch.runId}#${batch.seq}`;
    const careful = failed.has(key) || (lastApplied.get(batch.runId) ?? 0) >= batch.seq;
    failed.add(key);
    const appliedScores = scores.size > 0 ? await applyGuarded(rollups, scores, batch, careful) : [];
    let appliedCounters: string[] = [];
    if (counters.size > 0) {
      await ensureIndex();
      appliedCounters = await applyGuarded(activity, counters, batch, careful);
    }
    failed.delete(key);
    lastApplied.set(batch.runId, Math.max(batch.seq, lastApplied.get(batch.runId) ?? 0));
    // What the database just did, done to the remembered documents too (no read back: a write is one round trip).
    const mem = memory;
    if (mem) {
      for (const id of appliedScores) mirror(mem.scores, mem.from, id, scores.get(id) as Guarded);
      for (const id of appliedCounters) mirror(mem.activity, mem.from, id, counters.get(id) as Guarded);
    }
  };

  return {
    apply: (batch: RollupBatch) => exclusive(() => applyBatch(batch)),

    async read(flowKey, fromDay, toDay): Promise<RollupRow[]> {
      const docs = await scoreDocs(flowKey, fromDay, toDay);
      const rows: RollupRow[] = [];
      for (const d of docs) {
        for (const [channel, locales] of Object.entries(d.by ?? {})) {
          for (const [locale, values] of Object.entries(locales)) {
            const histogram = histogramOf(values);
            if (isEmpty(histogram)) continue;
            rows.push({
              flowKey: d.flowKey,
              stepId: d.stepId,
              scale: d.scale as RollupRow["scale"],
              day: d.day,
              channel: channel as Channel,
              locale: locale as Locale,
              histogram,
            });
          }
        }
      }
      return rows;
    },

    async readDays(flowKey, fromDay, toDay): Promise<RollupDays> {
      const scores: ScoreDay[] = [];
      for (const d of await scoreDocs(flowKey, fromDay, toDay)) {
        const histogram = histogramOf(d.h);
        if (isEmpty(histogram)) continue;
        scores.push({
          stepId: d.stepId,
          scale: d.scale as ScoreDay["scale"],
          day: d.day,
          histogram,
          ...foldBy<Record<number, number>>(d.by, histogramOf),
          bySegment: segmentsOf(d.seg, (v) => histogramOf(v)),
        });
      }
      const days: ActivityDay[] = [];
      for (const d of await activityDocs(flowKey, fromDay, toDay)) {
        const counters = countersOf(d.c);
        if (isEmpty(counters)) continue;
        days.push({
          day: d.day,
          counters,
          ...(d.x && !isEmpty(d.x) ? { examples: d.x } : {}),
          ...foldBy<Record<string, number>>(d.by, countersOf),
          bySegment: segmentsOf(d.seg, (v) => countersOf(v)),
        });
      }
      scores.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.stepId < b.stepId ? -1 : 1));
      days.sort((a, b) => (a.day < b.day ? -1 : 1));
      return { scores, activity: days };
    },

    async storedDays(flowKey, fromDay, toDay): Promise<FlowDay[]> {
      const seen = new Map<string, FlowDay>();
      for (const d of [
        ...(await scoreDocs(flowKey, fromDay, toDay)),
        ...(await activityDocs(flowKey, fromDay, toDay)),
      ])
        seen.set(`${d.flowKey}|${d.day}`, { flowKey: d.flowKey, day: d.day });
      return [...seen.values()];
    },

    clear: (flowKey) =>
      exclusive(async () => {
        await m.Rollup.deleteMany({ flowKey });
        await activity.deleteMany({ flowKey });
        for (const map of memory ? [memory.scores, memory.activity] : [])
          for (const [id, doc] of map) if (doc.flowKey === flowKey) map.delete(id);
      }),

    async examplesOf(conversationIds) {
      return (await withExamples(conversationIds)).flatMap(({ doc, keys }) =>
        keys.map((k) => ({ flowKey: doc.flowKey, day: doc.day, comment: doc.x?.[k] ?? "" })),
      );
    },

    eraseExamples: (conversationIds) =>
      exclusive(async () => {
        const changed: string[] = [];
        for (const { doc, keys } of await withExamples(conversationIds)) {
          if (keys.length === 0) continue;
          await activity.updateOne(
            { _id: doc._id },
            { $unset: Object.fromEntries(keys.map((k) => [`x.${k}`, ""])) },
          );
          changed.push(doc._id);
        }
        await reread([], changed);
        return changed.length;
      }),

    retainExamples: (beforeDay) =>
      exclusive(async () => {
        const changed: string[] = [];
        for (const { doc } of await withExamples(undefined)) {
          if (doc.day >= beforeDay) continue;
          await activity.updateOne({ _id: doc._id }, { $unset: { x: "" } });
          changed.push(doc._id);
        }
        await reread([], changed);
        return changed.length;
      }),

    replaceDay: (day, rows, counters) => exclusive(() => replaceDay(day, rows, counters)),

    async remember() {
      await remembered();
    },

    async openRun(runId, at) {
      await runs.insertOne({ _id: runId, host: hostname(), pid: process.pid, startedAt: at, aliveAt: at });
    },

    async touch(runId, days) {
      if (days.length === 0) return;
      try {
        await touches.insertMany(
          days.map((d) => ({ _id: `${runId}|${d.flowKey}|${d.day}`, runId, flowKey: d.flowKey, day: d.day })),
          { ordered: false },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async heartbeat(runId, at) {
      await runs.updateOne({ _id: runId }, { $set: { aliveAt: at } });
    },

    async listRuns(): Promise<RollupRun[]> {
      const [runDocs, touchDocs] = [await runs.find({}).toArray(), await touches.find({}).toArray()];
      const touched = new Map<string, FlowDay[]>();
      for (const t of touchDocs) {
        const list = touched.get(t.runId) ?? [];
        list.push({ flowKey: t.flowKey, day: t.day });
        touched.set(t.runId, list);
      }
      return runDocs.map((r) => ({
        runId: r._id,
        host: r.host,
        pid: r.pid,
        startedAt: r.startedAt,
        aliveAt: r.aliveAt,
        touched: touched.get(r._id) ?? [],
      }));
    },

    async closeRun(runId) {
      // Its touched days first: a crash in between leaves a run that touched nothing, forgotten by the next repair.
      await touches.deleteMany({ runId });
      await runs.deleteOne({ _id: runId });
    },
  };
}
