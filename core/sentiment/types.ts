import type { Locale } from "../locale.ts";

export const SENTIMENT_LABELS = ["negative", "neutral", "positive"] as const;
/** How a customer feels, as read from a score or a comment. */
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** One piece of text the analyzer matched, and what it contributed. */
export interface SentimentEvidence {
  /** The matched term as written in the normalized text. */
  readonly term: string;
  /** Its contribution to the score after negation and intensifiers (negative values pull down). */
  readonly weight: number;
  /** True when a negator flipped this term ("not good", "خوب نبود", "iyi değildi"). */
  readonly negated: boolean;
}

/** The analyzer's reading of one text. */
export interface SentimentResult {
  readonly label: SentimentLabel;
  /** Polarity in [−1, 1]; 0 when nothing was matched. */
  readonly score: number;
  /** What was matched, in order of appearance; empty when the label is a default. */
  readonly evidence: readonly SentimentEvidence[];
}

/**
 * Reads the sentiment of a free-text answer. Implementations must be pure, synchronous and total:
 * any string (empty, emoji-only, 100 kB, mixed scripts) returns a result and never throws.
 */
export interface SentimentAnalyzer {
  analyze(text: string, locale: Locale): SentimentResult;
}
