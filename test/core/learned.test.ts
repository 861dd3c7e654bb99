import { describe, expect, it } from "vitest";
import type { RecordedAnswer } from "../../core/engine/state.ts";
import type { Locale } from "../../core/locale.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import {
  createBlendedAnalyzer,
  examplesFor,
  examplesFromResponses,
  type LabelledText,
  predict,
  train,
} from "../../core/sentiment/learned.ts";
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from "../../core/sentiment/types.ts";

const en = (text: string, label: SentimentLabel): LabelledText => ({ text, locale: "en", label });
const tr = (text: string, label: SentimentLabel): LabelledText => ({ text, locale: "tr", label });

const EXAMPLES: readonly LabelledText[] = [
  en("the app keeps crashing", "negative"),
  en("support never answered my ticket", "negative"),
  en("the order arrived cold and late", "negative"),
  en("refund still not processed after a month", "negative"),
  en("crashing again after the update", "negative"),
  en("I changed my delivery address", "neutral"),
  en("I ordered on Tuesday", "neutral"),
  en("the package came by courier", "neutral"),
  en("fast delivery and friendly support", "positive"),
  en("the staff were lovely and helpful", "positive"),
  en("delivery was fast, thank you", "positive"),
  en("lovely staff, will order again", "positive"),
  tr("kargo çok geç geldi", "negative"),
  tr("ürün kırık geldi", "negative"),
  tr("hızlı kargo teşekkürler", "positive"),
  tr("çok güzel ürün teşekkürler", "positive"),
];

describe("learned sentiment model", () => {
  const model = train(EXAMPLES, { bits: 14 });

  it("keeps one model per locale with its example counts", () => {
    expect(examplesFor(model, "en")).toBe(12);
    expect(examplesFor(model, "tr")).toBe(4);
    expect(examplesFor(model, "fa")).toBe(0);
    expect(model.locales.en?.docs).toEqual({ negative: 5, neutral: 3, positive: 4 });
  });

  it("predicts the labels of texts like the ones it learned", () => {
    expect(predict(model, "the app is crashing", "en").label).toBe("negative");
    expect(predict(model, "support never answered", "en").label).toBe("negative");
    expect(predict(model, "friendly staff and fast delivery", "en").label).toBe("positive");
    expect(predict(model, "Kargo geç geldi", "tr").label).toBe("negative");
    // Typed without Turkish letters: folded to the same features.
    expect(predict(model, "hizli kargo tesekkurler", "tr").label).toBe("positive");
  });

  it("gives a probability per label and the winner's as confidence", () => {
    const p = predict(model, "the order arrived cold", "en");
    const sum = p.probabilities.negative + p.probabilities.neutral + p.probabilities.positive;
    expect(sum).toBeCloseTo(1, 9);
    expect(p.confidence).toBe(p.probabilities[p.label]);
    expect(p.confidence).toBeGreaterThan(1 / 3);
  });

  it("answers neutral for a locale it has no examples for, and for text with no features", () => {
    expect(predict(model, "خیلی بد بود", "fa")).toMatchObject({ label: "neutral", confidence: 1 / 3 });
    expect(predict(model, "", "en").label).toBe("neutral");
    expect(predict(model, " ... ", "en").label).toBe("neutral");
  });

  it("is total on awkward input", () => {
    for (const text of ["\uD800", "😡😡😡", "a".repeat(100_000), "x ".repeat(50_000), "ﷺ\u200c\u0640"]) {
      expect(() => predict(model, text, "en")).not.toThrow();
    }
  });

  it("survives a JSON round trip with identical predictions", () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(copy).toEqual(model);
    for (const text of ["the app keeps crashing", "lovely staff", "I ordered on Monday"]) {
      expect(predict(copy, text, "en")).toEqual(predict(model, text, "en"));
    }
  });

  it("is the same model whatever the order of the examples", () => {
    expect(train([...EXAMPLES].reverse(), { bits: 14 })).toEqual(model);
  });

  it("keeps a fixed size however many comments it has seen (hashed features)", () => {
    const few = train(EXAMPLES.slice(0, 3), { bits: 10 });
    const many: LabelledText[] = [];
    for (let i = 0; i < 3000; i++)
      many.push(en(`comment ${i} about item${i * 7} and thing${i * 13}`, "neutral"));
    const lots = train(many, { bits: 10 });
    const cells = (m: typeof few): number[] =>
      Object.values(m.locales.en?.counts ?? {}).map((b64) => Buffer.from(b64, "base64").byteLength);
    expect(cells(few)).toEqual([4096, 4096, 4096]);
    expect(cells(lots)).toEqual(cells(few));
    // The whole serialized model differs only by the digits of its counters.
    expect(Math.abs(JSON.stringify(lots).length - JSON.stringify(few).length)).toBeLessThan(64);
  });
});

/** A stand-in for the rules: a fixed reading per text, so these tests don't depend on the lexicons. */
function fakeRules(readings: Readonly<Record<string, SentimentResult>>): SentimentAnalyzer {
  const none: SentimentResult = { label: "neutral", score: 0, evidence: [] };
  return { analyze: (text) => readings[text] ?? none };
}

describe("blended analyzer", () => {
  const model = train(EXAMPLES, { bits: 14 });
  const weakPositive: SentimentResult = {
    label: "positive",
    score: 0.1,
    evidence: [{ term: "fine", weight: 0.2, negated: false }],
  };
  const strongPositive: SentimentResult = {
    label: "positive",
    score: 0.95,
    evidence: [{ term: "excellent", weight: 3, negated: false }],
  };
  const rules = fakeRules({
    "the app keeps crashing, fine": weakPositive,
    "the app keeps crashing, excellent": strongPositive,
  });

  it("is the rules alone below minExamples (cold start) and without a model", () => {
    const texts = ["the app keeps crashing", "the app keeps crashing, fine", "lovely staff"];
    const locales: Locale[] = ["en", "tr", "fa"];
    for (const analyzer of [
      createBlendedAnalyzer(rules, model, { minExamples: 13 }),
      createBlendedAnalyzer(rules, undefined, { minExamples: 0 }),
    ]) {
      for (const text of texts)
        for (const locale of locales)
          expect(analyzer.analyze(text, locale)).toEqual(rules.analyze(text, locale));
    }
  });

  it("lets the model decide where the rules found nothing", () => {
    const blended = createBlendedAnalyzer(rules, model, { minExamples: 10 });
    expect(blended.analyze("the app keeps crashing", "en").label).toBe("negative");
    expect(blended.analyze("lovely staff and fast delivery", "en").label).toBe("positive");
    // Turkish has 4 examples, below the minimum: rules alone (which found nothing).
    expect(blended.analyze("kargo çok geç geldi", "tr").label).toBe("neutral");
  });

  it("keeps the rules' reading of a text the model has no features for", () => {
    const blended = createBlendedAnalyzer(rules, model, { minExamples: 10 });
    for (const text of ["", "...", " , ; "])
      expect(blended.analyze(text, "en")).toEqual(rules.analyze(text, "en"));
    expect(predict(model, "...", "en").features).toBe(0);
    expect(predict(model, ";)", "en").features).toBeGreaterThan(0);
  });

  it("votes where both have evidence: a confident model beats a weak rule hit, a strong rule verdict wins", () => {
    const blended = createBlendedAnalyzer(rules, model, { minExamples: 10 });
    const weak = blended.analyze("the app keeps crashing, fine", "en");
    expect(weak.label).toBe("negative");
    expect(weak.evidence).toEqual(weakPositive.evidence);
    expect(blended.analyze("the app keeps crashing, excellent", "en").label).toBe("positive");
    // rulesWeight 0: the model alone.
    const modelOnly = createBlendedAnalyzer(rules, model, { minExamples: 10, rulesWeight: 0 });
    expect(modelOnly.analyze("the app keeps crashing, excellent", "en").label).toBe("negative");
  });
});

describe("examplesFromResponses", () => {
  const at = "2026-01-01T00:00:00.000Z";
  const rating = (value: number, band: "detractor" | "passive" | "promoter" | "low" | "neutral" | "high") =>
    ({
      stepId: "score",
      at,
      locale: "en",
      answer: { type: "rating", value, scale: "nps", band, sentiment: "neutral" },
    }) satisfies RecordedAnswer;
  const comment = (text: string, locale: Locale = "en") =>
    ({
      stepId: "why",
      at,
      locale,
      answer: { type: "text", text, sentiment: { label: "neutral", score: 0, evidence: [] } },
    }) satisfies RecordedAnswer;
  const record = (
    answers: readonly RecordedAnswer[],
    extra: { test?: true; status?: "completed" | "replaced" } = {},
  ): ConversationRecord => ({
    key: "telegram:1",
    rev: 3,
    recentEventIds: [],
    transcript: [],
    state: {
      id: "c1",
      respondent: { channel: "telegram", userId: "1" },
      flowKey: "nps",
      flowVersion: 1,
      locale: "en",
      status: extra.status ?? "completed",
      stepId: null,
      answers,
      failures: 0,
      selection: [],
      alertsFired: [],
      startedAt: at,
      updatedAt: at,
      ...(extra.test ? { test: true } : {}),
    },
  });

  it("pairs each comment with the band of the score given before it (or else after it)", () => {
    const records = [
      record([rating(2, "detractor"), comment("support never called back")]),
      record([rating(8, "passive"), comment("ok I guess")]),
      record([rating(10, "promoter"), comment("çok iyi", "tr")]),
      record([comment("comment first"), rating(1, "low")]),
      record([rating(5, "high"), comment("fine"), rating(0, "detractor"), comment("then it broke")]),
    ];
    expect([...examplesFromResponses(records)]).toEqual([
      { text: "support never called back", locale: "en", label: "negative" },
      { text: "ok I guess", locale: "en", label: "neutral" },
      { text: "çok iyi", locale: "tr", label: "positive" },
      { text: "comment first", locale: "en", label: "negative" },
      { text: "fine", locale: "en", label: "positive" },
      { text: "then it broke", locale: "en", label: "negative" },
    ]);
  });

  it("skips trial runs, replaced attempts, comments without a score and blank comments", () => {
    const records = [
      record([rating(0, "detractor"), comment("admin test")], { test: true }),
      record([rating(0, "detractor"), comment("started over")], { status: "replaced" }),
      record([comment("no score here")]),
      record([rating(9, "promoter"), comment("   ")]),
    ];
    expect([...examplesFromResponses(records)]).toEqual([]);
  });

  it("learns from the full text when the stored comment was cut", () => {
    const cut: RecordedAnswer = {
      stepId: "why",
      at,
      locale: "en",
      answer: {
        type: "text",
        text: "short",
        original: "short and then the long rest",
        sentiment: { label: "neutral", score: 0, evidence: [] },
      },
    };
    expect([...examplesFromResponses([record([rating(3, "detractor"), cut])])]).toEqual([
      { text: "short and then the long rest", locale: "en", label: "negative" },
    ]);
  });
});
