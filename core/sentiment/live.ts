import type { Locale } from "../locale.ts";
import type { ResponseStore, SentimentModelStore } from "../ports.ts";
import {
  createBlendedAnalyzer,
  examplesFor,
  examplesFromResponses,
  type LabelledText,
  type LearnedModel,
  train,
} from "./learned.ts";
import type { SentimentAnalyzer } from "./types.ts";

/**
 * The analyzer the survey service uses: the rules, blended with the model learned from this deployment's own
 * responses once a language has enough of them (see core/sentiment/learned.ts). The model lives in the
 * database: retraining stores a new one, and every process picks up the newest on `reload`.
 */

export interface LearningStatus {
  /** When the model in use was trained (ISO 8601); absent before the first training. */
  readonly trainedAt?: string;
  /** Comments learned from, per language. */
  readonly examples: Readonly<Partial<Record<Locale, number>>>;
  /** A language's model is used once it has this many comments. */
  readonly minExamples: number;
}

export interface LiveSentiment {
  /** Always the newest blend (callers keep this object; what it delegates to changes). */
  readonly analyzer: SentimentAnalyzer;
  /** Loads the stored model when it is newer than the one in use; true when it changed. */
  reload(): Promise<boolean>;
  /** Learns from every archived response now, stores the model and uses it. */
  retrain(responses: ResponseStore): Promise<LearningStatus>;
  status(): LearningStatus;
}

export interface LiveSentimentOptions {
  readonly minExamples?: number;
  /** log2 of the feature buckets: 16 keeps a language's model under 1 MiB in the database. */
  readonly bits?: number;
  readonly clock?: () => Date;
}

export function createLiveSentiment(
  rules: SentimentAnalyzer,
  store: SentimentModelStore,
  options: LiveSentimentOptions = {},
): LiveSentiment {
  const minExamples = options.minExamples ?? 300;
  const clock = options.clock ?? (() => new Date());
  let model: LearnedModel | undefined;
  let trainedAt: string | undefined;
  let current: SentimentAnalyzer = rules;
  const use = (next: LearnedModel, at: string): void => {
    model = next;
    trainedAt = at;
    current = createBlendedAnalyzer(rules, next, { minExamples });
  };
  const status = (): LearningStatus => {
    const examples: Partial<Record<Locale, number>> = {};
    for (const locale of Object.keys(model?.locales ?? {}) as Locale[])
      examples[locale] = examplesFor(model, locale);
    return { ...(trainedAt === undefined ? {} : { trainedAt }), examples, minExamples };
  };
  return {
    analyzer: { analyze: (text, locale) => current.analyze(text, locale) },
    async reload() {
      const stored = await store.trainedAt();
      if (stored === null || stored === trainedAt) return false;
      const loaded = await store.load();
      if (!loaded) return false;
      use(loaded.model, loaded.trainedAt);
      return true;
    },
    async retrain(responses) {
      const examples: LabelledText[] = [];
      for await (const record of responses.list({}))
        for (const e of examplesFromResponses([record])) examples.push(e);
      const next = train(examples, { bits: options.bits ?? 16 });
      const at = clock().toISOString();
      await store.save(next, at);
      use(next, at);
      return status();
    },
    status,
  };
}
