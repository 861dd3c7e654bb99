/**
 * The arithmetic of scripts/eval-sentiment.ts, kept pure so it can be tested on hand-made predictions.
 * "Polar" rows are those whose gold label is negative or positive; a neutral prediction on them counts as wrong.
 */
import { SENTIMENT_LABELS, type SentimentLabel } from "../core/sentiment/types.ts";
import { prng } from "./prng.ts";

/** One prediction against its gold label; `covered` when the analyzer found any evidence. */
export interface Scored {
  readonly gold: SentimentLabel;
  readonly pred: SentimentLabel;
  readonly covered: boolean;
}

/** The figures reported per file and language, as fractions from 0 to 1 (NaN when undefined). */
export interface Figures {
  readonly rows: number;
  readonly polarAccuracy: number;
  readonly macroF1: number;
  readonly negativeRecall: number;
  readonly negativePrecision: number;
  /** Share of gold-positive rows predicted negative. */
  readonly positivesCalledNegative: number;
  readonly coverage: number;
}

export type Confusion = Readonly<Record<SentimentLabel, Readonly<Record<SentimentLabel, number>>>>;

/** Counts by gold label (outer) and predicted label (inner). */
export function confusionOf(items: readonly Scored[]): Confusion {
  const m = {
    negative: { negative: 0, neutral: 0, positive: 0 },
    neutral: { negative: 0, neutral: 0, positive: 0 },
    positive: { negative: 0, neutral: 0, positive: 0 },
  };
  for (const s of items) m[s.gold][s.pred]++;
  return m;
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

/** F1 averaged over `classes` (the gold classes the file has; a class never predicted nor gold scores 0). */
export function macroF1(items: readonly Scored[], classes: readonly SentimentLabel[]): number {
  return macroF1Of(confusionOf(items), classes);
}

function macroF1Of(m: Confusion, classes: readonly SentimentLabel[]): number {
  if (classes.length === 0) return Number.NaN;
  let sum = 0;
  for (const c of classes) {
    const tp = m[c][c];
    let fp = 0;
    let fn = 0;
    for (const o of SENTIMENT_LABELS) {
      if (o === c) continue;
      fp += m[o][c];
      fn += m[c][o];
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.length;
}

export function figures(items: readonly Scored[], classes: readonly SentimentLabel[]): Figures {
  const m = confusionOf(items);
  const polarRows = rowTotal(m, "negative") + rowTotal(m, "positive");
  const predictedNegative = m.negative.negative + m.neutral.negative + m.positive.negative;
  return {
    rows: items.length,
    polarAccuracy: ratio(m.negative.negative + m.positive.positive, polarRows),
    macroF1: macroF1Of(m, classes),
    negativeRecall: ratio(m.negative.negative, rowTotal(m, "negative")),
    negativePrecision: ratio(m.negative.negative, predictedNegative),
    positivesCalledNegative: ratio(m.positive.negative, rowTotal(m, "positive")),
    coverage: ratio(items.filter((s) => s.covered).length, items.length),
  };
}

function rowTotal(m: Confusion, gold: SentimentLabel): number {
  return m[gold].negative + m[gold].neutral + m[gold].positive;
}

/** The gold classes that occur in `items`, in the canonical order. */
export function classesOf(items: readonly { readonly gold: SentimentLabel }[]): SentimentLabel[] {
  return SENTIMENT_LABELS.filter((c) => items.some((r) => r.gold === c));
}

/** The most frequent gold label (ties go to the earlier class in `classes`). */
export function majority(
  items: readonly { readonly gold: SentimentLabel }[],
  classes: readonly SentimentLabel[],
): SentimentLabel {
  let best: SentimentLabel = classes[0] ?? "neutral";
  let bestCount = -1;
  for (const c of classes) {
    const n = items.filter((r) => r.gold === c).length;
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

export type Interval = readonly [number, number];

/** Seeded percentile-bootstrap 95% intervals of each figure (rows resampled with replacement). */
export function bootstrap(
  items: readonly Scored[],
  classes: readonly SentimentLabel[],
  options: { seed?: number; rounds?: number } = {},
): Readonly<Record<Exclude<keyof Figures, "rows">, Interval>> {
  const rand = prng(options.seed ?? 7);
  const rounds = options.rounds ?? 1000;
  const keys = [
    "polarAccuracy",
    "macroF1",
    "negativeRecall",
    "negativePrecision",
    "positivesCalledNegative",
    "coverage",
  ] as const;
  const values: Record<(typeof keys)[number], number[]> = {
    polarAccuracy: [],
    macroF1: [],
    negativeRecall: [],
    negativePrecision: [],
    positivesCalledNegative: [],
    coverage: [],
  };
  if (items.length > 0) {
    for (let r = 0; r < rounds; r++) {
      const sample: Scored[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) sample[i] = items[Math.floor(rand() * items.length)] as Scored;
      const f = figures(sample, classes);
      for (const k of keys) if (!Number.isNaN(f[k])) values[k].push(f[k]);
    }
  }
  const interval = (list: number[]): Interval => {
    if (list.length === 0) return [Number.NaN, Number.NaN];
    list.sort((a, b) => a - b);
    return [
      list[Math.floor(0.025 * list.length)] ?? 0,
      list[Math.min(list.length - 1, Math.floor(0.975 * list.length))] ?? 0,
    ];
  };
  return {
    polarAccuracy: interval(values.polarAccuracy),
    macroF1: interval(values.macroF1),
    negativeRecall: interval(values.negativeRecall),
    negativePrecision: interval(values.negativePrecision),
    positivesCalledNegative: interval(values.positivesCalledNegative),
    coverage: interval(values.coverage),
  };
}
