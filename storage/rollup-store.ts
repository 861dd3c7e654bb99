import { hostname } from "node:os";
import type { Locale } from "../core/locale.ts";
import type { FlowDay, RollupBatch, RollupRow, RollupRun, RollupStore } from "../core/ports.ts";
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

/** Attempts at a batch whose upserts lost races to create the same new documents. */
const APPLY_ATTEMPTS = 5;

/**
 * Score rollups, and the runs of the processes that write them.
 *
 * A batch is applied once per document with a guard the document carries: `a.<runId>` is the last batch of
 * that run applied to it. The update only matches while the guard is below the batch's `seq`, and sets it;
 * when it does not match, the upsert's insert of the existing `_id` fails with E11000. So a repeated batch
 * changes nothing, on MongoDB and on FerretDB alike. (FerretDB runs the conditional update as read-then-write,
 * but a run has one writer and its batches never overlap.) E11000 also means a lost race to create a new
 * document, and FerretDB misreports the index of a failed operation in a bulk write, so after an E11000 the
 * guards are read back and only the documents that lack the batch are sent again.
 *
 * Runs and the flow-days they touch are small documents inserted by `_id`; `listRuns` scans two collections
 * that hold a few documents per process alive or crashed.
 */
export function createRollupStore(m: Models): RollupStore {
  const rollups = raw<RollupDoc>(m.Rollup);
  const runs = raw<RollupRunDoc>(m.RollupRun);
  const touches = raw<RollupTouchDoc>(m.RollupTouch);

  return {
    async apply(batch: RollupBatch) {
      const guard = `a.${batch.runId}`;
      const byDoc = new Map<string, { inc: Record<string, number>; first: RollupBatch["increments"][0] }>();
      for (const i of batch.increments) {
        const id = rollupDocId(i.bucket.flowKey, i.bucket.stepId, i.bucket.day);
        const entry = byDoc.get(id) ?? { inc: {}, first: i };
        const add = (k: string, v: number) => {
          entry.inc[k] = (entry.inc[k] ?? 0) + v;
        };
        add(`h.v${i.value}`, i.count);
        add(`by.${i.bucket.channel}.${i.bucket.locale}.v${i.value}`, i.count);
        add("n", i.count);
        add("sum", i.count * i.value);
        byDoc.set(id, entry);
      }
      let ids = [...byDoc.keys()];
      for (let attempt = 1; ids.length > 0; attempt++) {
        const ops = ids.map((id) => {
          const { inc, first } = byDoc.get(id) as {
            inc: Record<string, number>;
            first: (typeof batch.increments)[0];
          };
          return {
            updateOne: {
              filter: { _id: id, [guard]: { $not: { $gte: batch.seq } } },
              update: {
                $inc: inc,
                $set: { [guard]: batch.seq },
                $setOnInsert: {
                  flowKey: first.bucket.flowKey,
                  stepId: first.bucket.stepId,
                  scale: first.bucket.scale,
                  day: first.bucket.day,
                },
              },
              upsert: true,
            },
          };
        });
        try {
          await rollups.bulkWrite(ops, { ordered: false });
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= APPLY_ATTEMPTS) throw error;
        }
        const applied = await rollups.find({ _id: { $in: ids } }, { projection: { [guard]: 1 } }).toArray();
        const done = new Set(applied.filter((d) => (d.a?.[batch.runId] ?? 0) >= batch.seq).map((d) => d._id));
        ids = ids.filter((id) => !done.has(id));
      }
    },

    async read(flowKey, fromDay, toDay): Promise<RollupRow[]> {
      const docs = await m.Rollup.find({ flowKey, day: { $gte: fromDay, $lte: toDay } }).lean();
      const rows: RollupRow[] = [];
      for (const d of docs) {
        for (const [channel, locales] of Object.entries(d.by ?? {})) {
          for (const [locale, values] of Object.entries(locales)) {
            const histogram = Object.fromEntries(
              Object.entries(values)
                .filter(([, v]) => v !== 0)
                .map(([k, v]) => [Number(k.slice(1)), v]),
            );
            if (Object.keys(histogram).length === 0) continue;
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

    async clear(flowKey) {
      await m.Rollup.deleteMany({ flowKey });
    },

    async replaceDay(day: FlowDay, rows: readonly RollupRow[]) {
      const docs = new Map<string, RollupDoc>();
      for (const row of rows) {
        if (row.flowKey !== day.flowKey || row.day !== day.day)
          throw new RangeError(`row of ${row.flowKey} ${row.day} in a rebuild of ${day.flowKey} ${day.day}`);
        const id = rollupDocId(row.flowKey, row.stepId, row.day);
        const doc: RollupDoc = docs.get(id) ?? {
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
          doc.h[`v${value}`] = (doc.h[`v${value}`] ?? 0) + count;
          const byChannel = doc.by[row.channel] ?? {};
          const byLocale = byChannel[row.locale] ?? {};
          byLocale[`v${value}`] = (byLocale[`v${value}`] ?? 0) + count;
          byChannel[row.locale] = byLocale;
          doc.by[row.channel] = byChannel;
          doc.n += count;
          doc.sum += count * value;
        }
        docs.set(id, doc);
      }
      // Replacements first, then the day's other steps: a crash in between leaves the run open, so the repair
      // runs again.
      for (const doc of docs.values()) await rollups.replaceOne({ _id: doc._id }, doc, { upsert: true });
      await rollups.deleteMany({ flowKey: day.flowKey, day: day.day, _id: { $nin: [...docs.keys()] } });
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
