import type { ScaleName } from "../flow/schema.ts";
import type { RollupRow, RollupStore } from "../ports.ts";
import { addDays, type ScoreSummary, summarize } from "../scores.ts";

/** How the days of a report are grouped into the points of its chart. */
export type SeriesBucket = "day" | "week";

/** One point of a score over time: the days it covers (`YYYY-MM-DD`, inclusive) and their score. */
export interface SeriesPoint {
  readonly from: string;
  readonly to: string;
  readonly summary: ScoreSummary;
}

/** One rating step's score over a report's period, point by point (empty buckets have `value: null`). */
export interface ScoreSeries {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly bucket: SeriesBucket;
  readonly points: readonly SeriesPoint[];
}

/** Daily points up to 90 days, weekly beyond (a year is 53 points, a day's noise averaged out). */
export const bucketFor = (days: number): SeriesBucket => (days > 90 ? "week" : "day");

/**
 * The points of `from`…`to`: one per day, or one per 7 days counted back from `to` (so the last point is the
 * latest full week and only the first may be shorter).
 */
export function seriesBuckets(
  from: string,
  to: string,
  bucket: SeriesBucket,
): { from: string; to: string }[] {
  const size = bucket === "day" ? 1 : 7;
  const out: { from: string; to: string }[] = [];
  for (let end = to; end >= from; end = addDays(end, -size)) {
    const start = addDays(end, -(size - 1));
    out.push({ from: start < from ? from : start, to: end });
  }
  return out.reverse();
}

/** Sums the daily rollup rows of each step into the points of `from`…`to`, one series per step. */
export function seriesFromRows(
  rows: readonly Pick<RollupRow, "stepId" | "scale" | "day" | "histogram">[],
  from: string,
  to: string,
  bucket: SeriesBucket,
): ScoreSeries[] {
  const buckets = seriesBuckets(from, to, bucket);
  const steps = new Map<string, { scale: ScaleName | "custom"; histograms: Record<number, number>[] }>();
  for (const row of rows) {
    if (row.day < from || row.day > to) continue;
    let step = steps.get(row.stepId);
    if (!step) {
      step = { scale: row.scale, histograms: buckets.map(() => ({})) };
      steps.set(row.stepId, step);
    }
    // Buckets are sorted and contiguous: the first whose end is on or after the day holds it.
    const index = buckets.findIndex((b) => b.to >= row.day);
    const histogram = step.histograms[index];
    if (!histogram) continue;
    for (const [value, count] of Object.entries(row.histogram))
      histogram[Number(value)] = (histogram[Number(value)] ?? 0) + count;
  }
  return [...steps]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stepId, step]) => ({
      stepId,
      scale: step.scale,
      bucket,
      points: buckets.map((b, i) => ({ ...b, summary: summarize(step.scale, step.histograms[i] ?? {}) })),
    }));
}

/** The score over time of every rating step of a flow over `from`…`to`, from the daily rollups. */
export async function readScoreSeries(
  rollups: RollupStore,
  flowKey: string,
  from: string,
  to: string,
  bucket: SeriesBucket,
): Promise<ScoreSeries[]> {
  return seriesFromRows(await rollups.read(flowKey, from, to), from, to, bucket);
}
