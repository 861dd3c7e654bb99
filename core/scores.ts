import type { Band, ScaleName } from "./flow/schema.ts";
import type { SentimentLabel } from "./sentiment/types.ts";

/**
 * Score bands and the three CX scores. NPS: promoters 9–10, passives 7–8, detractors 0–6,
 * score = %promoters − %detractors (−100…100). CSAT: share of 4–5 answers on 1–5, in %. CES: mean on 1–7.
 * Other scales use low / neutral / high by where the value sits in the range (the same cut as CSAT and CES).
 */
export function bandOf(scale: ScaleName | "custom", value: number, min: number, max: number): Band {
  if (scale === "nps") return value >= 9 ? "promoter" : value >= 7 ? "passive" : "detractor";
  const p = (value - min) / (max - min);
  return p < 0.4 ? "low" : p > 0.6 ? "high" : "neutral";
}

/** How a band reads as a feeling: the sentiment a score carries into the follow-up. */
export function bandSentiment(band: Band): SentimentLabel {
  switch (band) {
    case "detractor":
    case "low":
      return "negative";
    case "passive":
    case "neutral":
      return "neutral";
    case "promoter":
    case "high":
      return "positive";
    default: {
      const never: never = band;
      throw new Error(`unknown band ${String(never)}`);
    }
  }
}

/** Counts of each value on a scale: `histogram[v]` answers of value v. Enough to compute every score. */
export type Histogram = Readonly<Record<number, number>>;

/** A score with the number of answers behind it. `value` is null when there are no answers. */
export interface ScoreSummary {
  readonly metric: "nps" | "csat" | "ces" | "mean";
  readonly value: number | null;
  readonly responses: number;
  /** NPS only. */
  readonly promoters?: number;
  readonly passives?: number;
  readonly detractors?: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Computes the score of a scale from a histogram of its answers. */
export function summarize(scale: ScaleName | "custom", histogram: Histogram): ScoreSummary {
  let n = 0;
  let sum = 0;
  for (const [k, count] of Object.entries(histogram)) {
    n += count;
    sum += Number(k) * count;
  }
  const count = (from: number, to: number): number => {
    let c = 0;
    for (let v = from; v <= to; v++) c += histogram[v] ?? 0;
    return c;
  };
  switch (scale) {
    case "nps": {
      const promoters = count(9, 10);
      const detractors = count(0, 6);
      const passives = n - promoters - detractors;
      return {
        metric: "nps",
        value: n === 0 ? null : round1(((promoters - detractors) / n) * 100),
        responses: n,
        promoters,
        passives,
        detractors,
      };
    }
    case "csat":
      return { metric: "csat", value: n === 0 ? null : round1((count(4, 5) / n) * 100), responses: n };
    case "ces":
      return { metric: "ces", value: n === 0 ? null : Math.round((sum / n) * 100) / 100, responses: n };
    case "custom":
      return { metric: "mean", value: n === 0 ? null : Math.round((sum / n) * 100) / 100, responses: n };
    default: {
      const never: never = scale;
      throw new Error(`unknown scale ${String(never)}`);
    }
  }
}

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in a time zone — the key of the daily score rollups, so
 * "yesterday" means yesterday where the business is.
 */
export function dayKey(at: Date, timeZone: string): string {
  return DAY_FORMATS.get(timeZone)?.format(at) ?? cacheDayFormat(timeZone).format(at);
}
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();
function cacheDayFormat(timeZone: string): Intl.DateTimeFormat {
  const f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  DAY_FORMATS.set(timeZone, f);
  return f;
}

/** Adds days to a `YYYY-MM-DD` key (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD`, inclusive of both ends. */
export function daySpan(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
