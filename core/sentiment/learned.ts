/**
 * A sentiment model learned from a deployment's own responses: each completed response pairs a free-text
 * comment with the band of the score the same customer gave, which is a label for free.
 *
 * The model is a per-locale multinomial naive Bayes over hashed features of the normalized text (word unigrams
 * and bigrams, character 3–5-grams inside words, Turkish folded to ASCII). Hashing into a fixed number of
 * buckets (2^bits) keeps the model the same size however many comments it has seen, and naive Bayes keeps only
 * counts, so training is one pass and adding more examples is addition. It is blended with the rule-based
 * analyzer by {@link createBlendedAnalyzer}; below a minimum number of examples the rules answer alone.
 */
import { Buffer } from "node:buffer";
import type { ConversationState } from "../engine/state.ts";
import type { Locale } from "../locale.ts";
import { bandSentiment } from "../scores.ts";
import { foldTurkish, normalizeText, tokenizeNormalized } from "../text/normalize.ts";
import {
  SENTIMENT_LABELS,
  type SentimentAnalyzer,
  type SentimentLabel,
  type SentimentResult,
} from "./types.ts";

/** One training example: a comment and the sentiment its customer's score carries. */
export interface LabelledText {
  readonly text: string;
  readonly locale: Locale;
  readonly label: SentimentLabel;
}

/**
 * What was learned for one locale. `counts` holds, per label, the hashed feature counts as a base64
 * little-endian Float32Array of 2^bits cells, so its size is fixed by `bits`, never by the amount of traffic.
 */
export interface LocaleModel {
  /** Training comments seen (after skipping empty ones). */
  readonly examples: number;
  /** Training comments per label. */
  readonly docs: Readonly<Record<SentimentLabel, number>>;
  /** Feature occurrences per label. */
  readonly totals: Readonly<Record<SentimentLabel, number>>;
  /** Per label: base64 of a little-endian Float32Array of length 2^bits. */
  readonly counts: Readonly<Record<SentimentLabel, string>>;
}

/**
 * A trained model, as plain JSON-serializable data (store it as is; `JSON.parse(JSON.stringify(m))` predicts
 * the same). One {@link LocaleModel} per locale that had examples.
 */
export interface LearnedModel {
  readonly kind: "naive-bayes";
  readonly version: 1;
  /** log2 of the number of feature buckets. */
  readonly bits: number;
  readonly locales: Readonly<Partial<Record<Locale, LocaleModel>>>;
}

/** Training comments the model has for a locale (0 when none). */
export function examplesFor(model: LearnedModel | undefined, locale: Locale): number {
  return model?.locales[locale]?.examples ?? 0;
}

export interface TrainOptions {
  /** log2 of the number of feature buckets; 18 (262,144 buckets, 1 MiB per label) by default. */
  readonly bits?: number;
}

/** The model's reading of one text. */
export interface LearnedPrediction {
  readonly label: SentimentLabel;
  /** Posterior probability of `label`, in [0, 1] (tempered: see {@link PREDICT_TEMPERATURE}). */
  readonly confidence: number;
  /** Posterior probability of each label. */
  readonly probabilities: Readonly<Record<SentimentLabel, number>>;
  /** Features the text had (words, n-grams, emoji); 0 means the model saw nothing and only guessed. */
  readonly features: number;
}

const DEFAULT_BITS = 18;
const MIN_BITS = 4;
const MAX_BITS = 24;
/** Additive smoothing per bucket. */
const ALPHA = 0.1;
/**
 * Naive Bayes adds one log-likelihood per feature as if features were independent; character n-grams of the
 * same word are not, so raw posteriors are near 0 or 1. Dividing the log-likelihood by this many features per
 * "independent observation" gives confidences that mean something when blended with the rules.
 */
const PREDICT_TEMPERATURE = 16;
/** Words and characters looked at per text, so a 100 kB paste costs no more than a long comment. */
const MAX_TOKENS = 256;
const MAX_WORD_LENGTH = 40;

// ---------- features ----------

const WORD_RE = /^[\p{L}\p{N}]/u;
/** Clause punctuation without "!" or "?" (which are features); ";)" is an emoticon, not a pause. */
const PAUSE_RE = /^[.,;]+$/;
const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

function fnv(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b >>> 16), 0x7feb352d) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Feature buckets of one text, reused between calls (prediction and training are synchronous). */
let scratch = new Int32Array(4096);

function push(count: number, bucket: number): number {
  if (count === scratch.length) {
    const grown = new Int32Array(scratch.length * 2);
    grown.set(scratch);
    scratch = grown;
  }
  scratch[count] = bucket;
  return count + 1;
}

/**
 * Writes the hashed bucket of every feature of a text into `scratch` and returns how many: each word or emoji,
 * each pair of adjacent words within a clause, and the character 3-, 4- and 5-grams of each word padded with a
 * boundary mark (an FNV hash rolled forward from each start, so no substring is built).
 */
function features(text: string, locale: Locale, mask: number): number {
  let normalized = normalizeText(text, locale);
  if (locale === "tr") normalized = foldTurkish(normalized);
  const tokens = tokenizeNormalized(normalized, locale);
  const n = Math.min(tokens.length, MAX_TOKENS);
  let count = 0;
  let previous = -1;
  for (let t = 0; t < n; t++) {
    const token = tokens[t] ?? "";
    if (!WORD_RE.test(token)) {
      // Clause punctuation ends a bigram run; "!" and "?" are features themselves, as are emoji.
      const first = token.charCodeAt(0);
      if (first === 33 || first === 63) count = push(count, fnv(token.slice(0, 1), SEED_WORD) & mask);
      else if (!PAUSE_RE.test(token)) count = push(count, fnv(token, SEED_WORD) & mask);
      previous = -1;
      continue;
    }
    const word = token.length > MAX_WORD_LENGTH ? token.slice(0, MAX_WORD_LENGTH) : token;
    const h = fnv(word, SEED_WORD);
    count = push(count, h & mask);
    if (previous >= 0) count = push(count, mix(previous, h ^ SEED_BIGRAM) & mask);
    previous = h;
    const len = word.length + 2;
    for (let start = 0; start + 3 <= len; start++) {
      let g = (0x811c9dc5 ^ SEED_CHAR) >>> 0;
      for (let k = 0; k < 5 && start + k < len; k++) {
        const i = start + k;
        g = Math.imul(g ^ (i === 0 || i === len - 1 ? 32 : word.charCodeAt(i - 1)), 0x01000193);
        if (k >= 2) count = push(count, (g >>> 0) & mask);
      }
    }
  }
  return count;
}

// ---------- training ----------

function emptyRecord<T>(make: () => T): Record<SentimentLabel, T> {
  return { negative: make(), neutral: make(), positive: make() };
}

function encode(cells: Float32Array): string {
  return Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength).toString("base64");
}

function decode(base64: string, size: number): Float32Array {
  const bytes = Buffer.from(base64, "base64");
  const cells = new Float32Array(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.min(size, Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < n; i++) cells[i] = view.getFloat32(i * 4, true);
  return cells;
}

/**
 * Trains one model per locale from labelled comments (empty comments are skipped). Deterministic: the same
 * examples in any order give the same model.
 */
export function train(examples: Iterable<LabelledText>, options: TrainOptions = {}): LearnedModel {
  const bits = Math.max(MIN_BITS, Math.min(MAX_BITS, Math.round(options.bits ?? DEFAULT_BITS)));
  const size = 1 << bits;
  const mask = size - 1;
  interface Acc {
    examples: number;
    docs: Record<SentimentLabel, number>;
    totals: Record<SentimentLabel, number>;
    counts: Record<SentimentLabel, Float32Array>;
  }
  const byLocale = new Map<Locale, Acc>();
  for (const example of examples) {
    if (example.text.trim() === "") continue;
    let acc = byLocale.get(example.locale);
    if (!acc) {
      acc = {
        examples: 0,
        docs: emptyRecord(() => 0),
        totals: emptyRecord(() => 0),
        counts: emptyRecord(() => new Float32Array(size)),
      };
      byLocale.set(example.locale, acc);
    }
    const cells = acc.counts[example.label];
    const seen = features(example.text, example.locale, mask);
    for (let i = 0; i < seen; i++) {
      const bucket = scratch[i] ?? 0;
      cells[bucket] = (cells[bucket] ?? 0) + 1;
    }
    acc.examples++;
    acc.docs[example.label]++;
    acc.totals[example.label] += seen;
  }
  const locales: Partial<Record<Locale, LocaleModel>> = {};
  for (const [locale, acc] of byLocale) {
    locales[locale] = {
      examples: acc.examples,
      docs: acc.docs,
      totals: acc.totals,
      counts: {
        negative: encode(acc.counts.negative),
        neutral: encode(acc.counts.neutral),
        positive: encode(acc.counts.positive),
      },
    };
  }
  return { kind: "naive-bayes", version: 1, bits, locales };
}

// ---------- prediction ----------

/**
 * A model decoded for prediction: the log prior per label, and the log-likelihood of each bucket for each
 * label, interleaved (`logLikelihood[bucket · labels.length + j]`) so one bucket is one memory read.
 */
interface Compiled {
  readonly mask: number;
  readonly labels: readonly SentimentLabel[];
  readonly logPrior: readonly number[];
  readonly logLikelihood: Float32Array;
}

const compiledCache = new WeakMap<LocaleModel, Compiled>();

function compile(model: LocaleModel, bits: number): Compiled {
  const cached = compiledCache.get(model);
  if (cached) return cached;
  const size = 1 << bits;
  const labels = SENTIMENT_LABELS.filter((l) => model.docs[l] > 0);
  const cells = labels.map((l) => decode(model.counts[l], size));
  // Smoothing spreads over the buckets any label used, not all 2^bits, so few examples are not drowned.
  let used = 0;
  for (let i = 0; i < size; i++) if (cells.some((c) => (c[i] ?? 0) > 0)) used++;
  const vocabulary = Math.max(1, used);
  const k = labels.length;
  const logLikelihood = new Float32Array(size * k);
  labels.forEach((label, j) => {
    const counts = cells[j] ?? new Float32Array(size);
    const denominator = Math.log(model.totals[label] + ALPHA * vocabulary);
    for (let i = 0; i < size; i++)
      logLikelihood[i * k + j] = Math.log((counts[i] ?? 0) + ALPHA) - denominator;
  });
  const logPrior = labels.map((l) => Math.log(model.docs[l] / model.examples));
  const compiled: Compiled = { mask: size - 1, labels, logPrior, logLikelihood };
  compiledCache.set(model, compiled);
  return compiled;
}

const GUESS: LearnedPrediction = {
  label: "neutral",
  confidence: 1 / 3,
  probabilities: { negative: 1 / 3, neutral: 1 / 3, positive: 1 / 3 },
  features: 0,
};

/**
 * The model's label for a text, with its confidence. A locale the model has no examples for answers "neutral" with
 * the confidence of a guess; so does a text with no features (no letters or emoji). Pure and total.
 */
export function predict(model: LearnedModel, text: string, locale: Locale): LearnedPrediction {
  const own = model.locales[locale];
  if (!own || own.examples === 0) return GUESS;
  const c = compile(own, model.bits);
  const k = c.labels.length;
  const sums = new Float64Array(k);
  const count = features(text, locale, c.mask);
  if (count === 0) return GUESS;
  const table = c.logLikelihood;
  for (let i = 0; i < count; i++) {
    const base = (scratch[i] ?? 0) * k;
    for (let j = 0; j < k; j++) sums[j] = (sums[j] ?? 0) + (table[base + j] ?? 0);
  }
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  const scaled = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    scaled[j] = (c.logPrior[j] ?? 0) + (sums[j] ?? 0) / PREDICT_TEMPERATURE;
    if ((scaled[j] ?? 0) > max) {
      max = scaled[j] ?? 0;
      best = j;
    }
  }
  let z = 0;
  for (let j = 0; j < k; j++) z += Math.exp((scaled[j] ?? 0) - max);
  const probabilities = { negative: 0, neutral: 0, positive: 0 };
  for (let j = 0; j < k; j++) probabilities[c.labels[j] ?? "neutral"] = Math.exp((scaled[j] ?? 0) - max) / z;
  const label = c.labels[best] ?? "neutral";
  return { label, confidence: probabilities[label], probabilities, features: count };
}

// ---------- training data from responses ----------

/**
 * Pairs every free-text comment of the deployment's responses with the sentiment of the score the same
 * customer gave in the same conversation (detractor/low → negative, passive/neutral → neutral, promoter/high
 * → positive): the last rating answered before the comment, else the first one after it. Conversations
 * without a rating, admins' trial runs and attempts the respondent replaced give no examples.
 */
export function* examplesFromResponses(
  records: Iterable<{ readonly state: Pick<ConversationState, "test" | "status" | "answers"> }>,
): Generator<LabelledText> {
  for (const record of records) {
    const state = record.state;
    if (state.test === true || state.status === "replaced") continue;
    const answers = state.answers;
    for (let i = 0; i < answers.length; i++) {
      const entry = answers[i];
      if (entry?.answer.type !== "text") continue;
      const text = entry.answer.original ?? entry.answer.text;
      if (text.trim() === "") continue;
      const label = ratingSentimentNear(answers, i);
      if (label) yield { text, locale: entry.locale, label };
    }
  }
}

function ratingSentimentNear(answers: ConversationState["answers"], at: number): SentimentLabel | undefined {
  for (let i = at - 1; i >= 0; i--) {
    const a = answers[i]?.answer;
    if (a?.type === "rating") return a.band ? bandSentiment(a.band) : a.sentiment;
  }
  for (let i = at + 1; i < answers.length; i++) {
    const a = answers[i]?.answer;
    if (a?.type === "rating") return a.band ? bandSentiment(a.band) : a.sentiment;
  }
  return undefined;
}

// ---------- blending ----------

export interface BlendOptions {
  /**
   * Examples a locale's model needs before it is used; below it the rules answer alone (cold start). 300: on
   * the dev parts of the shared sets a model of 100 comments made two languages of four worse, one of ~400
   * and more made every language better.
   */
  readonly minExamples?: number;
  /**
   * How strongly the rules' score moves the model's log-odds when both have evidence: the rules' score
   * (−1..1) times this is added to the positive label's log-probability and taken from the negative one's.
   * 0 lets the model decide alone. 4 (tuned on the dev parts of the shared sets).
   */
  readonly rulesWeight?: number;
}

/**
 * The rules and a learned model together, implementing {@link SentimentAnalyzer}:
 * - no model for the locale, or fewer than `minExamples` examples: the rules' result, unchanged (cold start);
 *   likewise for a text the model has no features for (no letters, digits or emoji);
 * - the rules found no evidence (no lexicon word, emoji or idiom matched): the model decides;
 * - both have evidence: a weighted vote in log-odds, `log P(positive) + w·s` and `log P(negative) − w·s` with
 *   `s` the rules' score and `w` = `rulesWeight`, neutral unchanged; the most probable label wins. So a strong
 *   rule verdict overrides a hesitant model, a confident model overrides a weak rule hit, and the model can
 *   still say "neutral" (which a vote of two polarities could not).
 * The result's score is P(positive) − P(negative) after the vote; the rules' evidence is kept as is, so
 * callers can still show what was matched.
 */
export function createBlendedAnalyzer(
  rules: SentimentAnalyzer,
  model: LearnedModel | undefined,
  options: BlendOptions = {},
): SentimentAnalyzer {
  const minExamples = options.minExamples ?? 300;
  const weight = Math.max(0, options.rulesWeight ?? 4);
  return {
    analyze(text: string, locale: Locale): SentimentResult {
      const ruled = rules.analyze(text, locale);
      if (!model || examplesFor(model, locale) < minExamples) return ruled;
      const learned = predict(model, text, locale);
      if (learned.features === 0) return ruled;
      const p = learned.probabilities;
      const shift = ruled.evidence.length === 0 ? 0 : weight * ruled.score;
      const logit = (x: number): number => Math.log(Math.max(x, 1e-9));
      const negative = logit(p.negative) - shift;
      const neutral = logit(p.neutral);
      const positive = logit(p.positive) + shift;
      const max = Math.max(negative, neutral, positive);
      const z = Math.exp(negative - max) + Math.exp(neutral - max) + Math.exp(positive - max);
      const score = (Math.exp(positive - max) - Math.exp(negative - max)) / z;
      const label: SentimentLabel = max === negative ? "negative" : max === positive ? "positive" : "neutral";
      return { label, score: round(score), evidence: ruled.evidence };
    },
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
