import { describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { SENTIMENT_LABELS, type SentimentLabel } from "../../core/sentiment/types.ts";
import { prng } from "../../scripts/prng.ts";

const analyzer = createRuleBasedSentimentAnalyzer();
const label = (text: string, locale: Locale): SentimentLabel => analyzer.analyze(text, locale).label;

function expectLabels(locale: Locale, cases: readonly (readonly [string, SentimentLabel])[]): void {
  for (const [text, want] of cases)
    expect({ text, label: label(text, locale) }).toEqual({ text, label: want });
}

describe("rule-based sentiment: English", () => {
  it("reads plain polarity", () => {
    expectLabels("en", [
      ["The support team was great", "positive"],
      ["terrible service, very rude agent", "negative"],
      ["I ordered a phone on Tuesday", "neutral"],
    ]);
  });

  it("handles negation before a term", () => {
    expectLabels("en", [
      ["it was not good", "negative"],
      ["wasn't good at all", "negative"],
      ["never helpful", "negative"],
      ["no problems with the delivery", "positive"],
    ]);
  });

  it('reads "not bad" as mildly positive', () => {
    const r = analyzer.analyze("not bad", "en");
    expect(r.label).toBe("positive");
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeLessThan(analyzer.analyze("good", "en").score);
    expect(r.evidence).toEqual([{ term: "bad", weight: expect.any(Number), negated: true }]);
  });

  it("weights the clause after a contrast more", () => {
    expect(label("the app is nice but delivery was slow and late", "en")).toBe("negative");
    expect(label("delivery was slow but the staff were amazing", "en")).toBe("positive");
  });

  it("strengthens with intensifiers and weakens with diminishers", () => {
    const plain = analyzer.analyze("slow", "en").score;
    expect(analyzer.analyze("very slow", "en").score).toBeLessThan(plain);
    expect(analyzer.analyze("a bit slow", "en").score).toBeGreaterThan(plain);
  });

  it("reads elongated words and exclamation", () => {
    expect(label("sooooo gooood", "en")).toBe("positive");
    expect(analyzer.analyze("good!!!", "en").score).toBeGreaterThan(analyzer.analyze("good", "en").score);
  });
});

describe("rule-based sentiment: emoji and emoticons", () => {
  it("reads emoji-only answers", () => {
    expectLabels("en", [
      ["😡", "negative"],
      ["👎👎", "negative"],
      ["🙂", "positive"],
      ["😍", "positive"],
      ["❤️", "positive"],
    ]);
    expect(label("😡", "fa")).toBe("negative");
    expect(label("😍", "tr")).toBe("positive");
  });

  it("reads emoticons", () => {
    expectLabels("en", [
      [":(", "negative"],
      [":)", "positive"],
      [":-)", "positive"],
      [":D", "positive"],
    ]);
  });
});

describe("rule-based sentiment: Persian", () => {
  it("reads plain polarity", () => {
    expectLabels("fa", [
      ["عالی بود", "positive"],
      ["کیفیتش افتضاح بود", "negative"],
      ["دیروز سفارش دادم", "neutral"],
    ]);
  });

  it("reads negation after an adjective and in negative verbs", () => {
    expectLabels("fa", [
      ["خوب نبود", "negative"],
      ["راضی نیستم", "negative"],
      ["نمی‌ارزه", "negative"],
      ["دوست نداشتم", "negative"],
      ["اصلا راضی نبودم", "negative"],
      ["خوشم نیومد", "negative"],
      ["هیچ مشکلی نداشت", "positive"],
    ]);
  });

  it('does not read "بد نبود" (not bad) as negative', () => {
    const r = analyzer.analyze("بد نبود", "fa");
    expect(r.label).not.toBe("negative");
    expect(r.evidence[0]?.negated).toBe(true);
  });

  it("matches the same entry whatever the spelling: ي/ك, ZWNJ, tatweel", () => {
    const canonical = analyzer.analyze("کیفیت عالی بود", "fa");
    expect(analyzer.analyze("كيفيت عالي بود", "fa")).toEqual(canonical);
    expect(analyzer.analyze("کیفیت عالـــی بود", "fa")).toEqual(canonical);
    const zwnj = analyzer.analyze("نمی‌ارزه", "fa");
    expect(analyzer.analyze("نمیارزه", "fa")).toEqual(zwnj);
    expect(analyzer.analyze("نمی ارزه", "fa")).toEqual(zwnj);
  });

  it("reads intensifiers and elongation", () => {
    expect(analyzer.analyze("خیلی خوب", "fa").score).toBeGreaterThan(analyzer.analyze("خوب", "fa").score);
    expect(label("خیلییییی خوبه", "fa")).toBe("positive");
  });

  it("reads Persian digits without crashing and ignores numbers", () => {
    expect(label("۵ از ۵ عالی", "fa")).toBe("positive");
  });

  it("weights the clause after ولی / اما", () => {
    expect(label("بسته‌بندی خوب بود ولی طعمش افتضاح بود", "fa")).toBe("negative");
    expect(label("گرون بود اما کیفیتش عالی بود", "fa")).toBe("positive");
  });
});

describe("rule-based sentiment: Arabic", () => {
  it("reads plain polarity", () => {
    expectLabels("ar", [
      ["ممتاز", "positive"],
      ["المنتج سيئ جدا", "negative"],
      ["وصلني الطلب اليوم", "neutral"],
    ]);
  });

  it("reads negation before a term, written apart or fused", () => {
    expectLabels("ar", [
      ["ليس جيدا", "negative"],
      ["مش حلو", "negative"],
      ["ما عجبني", "negative"],
      ["ماعجبني", "negative"],
      ["غير مناسب", "negative"],
      ["لا انصح به", "negative"],
    ]);
  });

  it("ignores diacritics, tatweel, hamza variants and elongation", () => {
    const base = analyzer.analyze("ممتاز", "ar");
    expect(analyzer.analyze("مُمْتَاز", "ar")).toEqual(base);
    expect(analyzer.analyze("ممتـــاز", "ar")).toEqual(base);
    expect(analyzer.analyze("ممتاااااز", "ar")).toEqual(base);
    expect(label("رائع", "ar")).toBe("positive");
    expect(label("رايع", "ar")).toBe("positive");
  });

  it("strips clitics and reads a post-positioned intensifier", () => {
    expect(label("والسعر مناسب", "ar")).toBe("positive");
    expect(analyzer.analyze("جيد جدا", "ar").score).toBeGreaterThan(analyzer.analyze("جيد", "ar").score);
  });

  it("weights the clause after لكن", () => {
    expect(label("التوصيل سريع لكن الجودة سيئة", "ar")).toBe("negative");
  });
});

describe("rule-based sentiment: Turkish", () => {
  it("reads plain polarity", () => {
    expectLabels("tr", [
      ["ürün çok güzel", "positive"],
      ["berbat bir deneyim", "negative"],
      ["kargo salı günü geldi", "neutral"],
    ]);
  });

  it("reads değil and yok after a term", () => {
    expectLabels("tr", [
      ["iyi değildi", "negative"],
      ["memnun değilim", "negative"],
      ["hiç iyi değil", "negative"],
      ["hiçbir sorun yok", "positive"],
    ]);
  });

  it('does not read "fena değildi" (not bad) as negative', () => {
    expect(label("fena değildi", "tr")).not.toBe("negative");
  });

  it("reads the negative suffix inside verbs", () => {
    expectLabels("tr", [
      ["beğenmedim", "negative"],
      ["beğendim", "positive"],
      ["beğenmiyorum", "negative"],
      ["memnun kalmadım", "negative"],
      ["tavsiye etmem", "negative"],
      ["tavsiye ederim", "positive"],
      ["sorunsuz geldi", "positive"],
    ]);
  });

  it("matches text typed without Turkish letters or in capitals", () => {
    expect(label("BEĞENMEDİM", "tr")).toBe("negative");
    expect(label("begenmedim", "tr")).toBe("negative");
    expect(label("cok guzel", "tr")).toBe("positive");
  });

  it("weights the clause after ama", () => {
    expect(label("ürün güzel ama kargo çok geç geldi", "tr")).toBe("negative");
  });
});

describe("rule-based sentiment: evidence and score", () => {
  it("lists matched terms in order with signed weights and negation flags", () => {
    const r = analyzer.analyze("good app but not fast", "en");
    expect(r.evidence.map((e) => e.term)).toEqual(["good", "fast"]);
    expect(r.evidence[0]?.weight).toBeGreaterThan(0);
    expect(r.evidence[1]).toMatchObject({ term: "fast", negated: true });
    expect(r.evidence[1]?.weight).toBeLessThan(0);
  });

  it("returns neutral, score 0 and no evidence when nothing matches", () => {
    expect(analyzer.analyze("order 1234 shipped to Berlin", "en")).toEqual({
      label: "neutral",
      score: 0,
      evidence: [],
    });
  });

  it("honours custom thresholds", () => {
    const strict = createRuleBasedSentimentAnalyzer({ positiveThreshold: 0.99, negativeThreshold: -0.99 });
    expect(strict.analyze("good", "en").label).toBe("neutral");
    expect(analyzer.analyze("good", "en").label).toBe("positive");
  });
});

const FUZZ_PIECES = [
  "good",
  "not",
  "خوب",
  "نبود",
  "ن",
  "می‌",
  "ممتاز",
  "ما",
  "değil",
  "beğenmedim",
  "😡",
  "❤️",
  ":(",
  "!!!",
  "ـ",
  "\u200C",
  "\uD800",
  "\uDC00",
  "\u0000",
  " ",
  "۱۲",
  "İI",
  "http://x.y/:/",
  "ولی",
  "but",
];

function randomText(rand: () => number): string {
  let out = "";
  const parts = Math.floor(rand() * 12);
  for (let i = 0; i < parts; i++) {
    if (rand() < 0.5) out += FUZZ_PIECES[Math.floor(rand() * FUZZ_PIECES.length)] ?? "";
    else out += String.fromCharCode(Math.floor(rand() * 0x10000));
  }
  return out;
}

describe("rule-based sentiment: totality", () => {
  const locales: readonly Locale[] = ["en", "fa", "ar", "tr"];

  it("never throws and always returns a well-formed result on fuzzed input", () => {
    const rand = prng(42);
    for (let i = 0; i < 4000; i++) {
      const text = randomText(rand);
      const locale = locales[i % locales.length] ?? "en";
      const r = analyzer.analyze(text, locale);
      expect(SENTIMENT_LABELS).toContain(r.label);
      expect(Number.isFinite(r.score)).toBe(true);
      expect(Math.abs(r.score)).toBeLessThanOrEqual(1);
      for (const e of r.evidence) expect(Number.isFinite(e.weight)).toBe(true);
    }
  });

  it("handles empty, whitespace-only and emoji-only text", () => {
    for (const locale of locales) {
      expect(analyzer.analyze("", locale)).toEqual({ label: "neutral", score: 0, evidence: [] });
      expect(analyzer.analyze(" \n\t ", locale).label).toBe("neutral");
      expect(analyzer.analyze("✈️🧳", locale).label).toBe("neutral");
    }
  });

  it("stays bounded on a huge input", () => {
    const huge = `${"خیلی خوب بود ولی دیر رسید ".repeat(4000)}${"x".repeat(100_000)}`;
    // Its speed is measured by npm run bench (section "text analysis").
    const r = analyzer.analyze(huge, "fa");
    expect(SENTIMENT_LABELS).toContain(r.label);
    expect(r.evidence.length).toBeLessThanOrEqual(64);
  });

  it("falls back to English for an unknown locale instead of throwing", () => {
    expect(analyzer.analyze("great", "xx" as Locale).label).toBe("positive");
  });
});
