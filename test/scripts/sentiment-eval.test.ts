import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SentimentLabel } from "../../core/sentiment/types.ts";
import { isGenericJsonl, readGenericJsonl } from "../../scripts/datasets.ts";
import {
  bootstrap,
  classesOf,
  confusionOf,
  figures,
  macroF1,
  majority,
  type Scored,
} from "../../scripts/sentiment-metrics.ts";

const fixture = readFileSync(join(import.meta.dirname, "../fixtures/sentiment/tiny.jsonl"), "utf8");

describe("generic JSONL reader", () => {
  it("keeps valid rows with their language, label and optional themes", () => {
    const { rows } = readGenericJsonl(fixture);
    expect(rows).toEqual([
      {
        lang: "en",
        text: "The delivery was late and nobody answered my emails.",
        label: "negative",
        themes: ["processes", "people"],
      },
      { lang: "en", text: "Quick checkout, friendly staff.", label: "positive" },
      { lang: "en", text: "I changed my address last week.", label: "neutral", themes: [] },
      { lang: "tr", text: "Kargo çok geç geldi.", label: "negative", themes: ["processes"] },
      { lang: "fa", text: "پشتیبانی خیلی سریع جواب داد", label: "positive" },
    ]);
  });

  it("rejects by line number: not JSON, unknown language or label, blank text, themes not a list", () => {
    expect(readGenericJsonl(fixture).rejected).toEqual([7, 8, 9, 10, 11]);
  });

  it("tolerates a BOM and CRLF line ends", () => {
    const raw =
      '\uFEFF{"lang":"ar","text":"سيء","label":"negative"}\r\n{"lang":"en","text":"ok","label":"neutral"}\r\n';
    expect(readGenericJsonl(raw)).toEqual({
      rows: [
        { lang: "ar", text: "سيء", label: "negative" },
        { lang: "en", text: "ok", label: "neutral" },
      ],
      rejected: [],
    });
  });

  it("recognizes the format by its first line", () => {
    expect(isGenericJsonl(fixture)).toBe(true);
    expect(isGenericJsonl('{"review":"x","sentiment":1}\n')).toBe(false);
    expect(isGenericJsonl("")).toBe(false);
    expect(isGenericJsonl("{broken\n")).toBe(false);
  });
});

/** Rows from a list of [gold, predicted] pairs; the first `covered` rows count as covered. */
function scored(
  pairs: readonly (readonly [SentimentLabel, SentimentLabel])[],
  covered = pairs.length,
): Scored[] {
  return pairs.map(([gold, pred], i) => ({ gold, pred, covered: i < covered }));
}

describe("sentiment metrics", () => {
  // gold\pred   neg neu pos
  // negative     3   1   0
  // neutral      1   1   0
  // positive     1   1   2
  const items = scored(
    [
      ["negative", "negative"],
      ["negative", "negative"],
      ["negative", "negative"],
      ["negative", "neutral"],
      ["neutral", "negative"],
      ["neutral", "neutral"],
      ["positive", "negative"],
      ["positive", "neutral"],
      ["positive", "positive"],
      ["positive", "positive"],
    ],
    7,
  );

  it("counts the confusion matrix by gold then predicted label", () => {
    expect(confusionOf(items)).toEqual({
      negative: { negative: 3, neutral: 1, positive: 0 },
      neutral: { negative: 1, neutral: 1, positive: 0 },
      positive: { negative: 1, neutral: 1, positive: 2 },
    });
  });

  it("computes the reported figures by hand", () => {
    const f = figures(items, ["negative", "neutral", "positive"]);
    expect(f.rows).toBe(10);
    // polar rows: 4 negative + 4 positive; right: 3 + 2.
    expect(f.polarAccuracy).toBeCloseTo(5 / 8, 12);
    expect(f.negativeRecall).toBeCloseTo(3 / 4, 12);
    // predicted negative: 3 right, 1 neutral, 1 positive.
    expect(f.negativePrecision).toBeCloseTo(3 / 5, 12);
    expect(f.positivesCalledNegative).toBeCloseTo(1 / 4, 12);
    expect(f.coverage).toBeCloseTo(7 / 10, 12);
    // F1 = 2tp/(2tp+fp+fn): negative 6/(6+2+1); neutral 2/(2+2+1); positive 4/(4+0+2).
    expect(f.macroF1).toBeCloseTo((6 / 9 + 2 / 5 + 4 / 6) / 3, 12);
    expect(macroF1(items, ["negative", "neutral", "positive"])).toBeCloseTo(f.macroF1, 12);
  });

  it("averages F1 over the file's classes only", () => {
    const twoClass = scored([
      ["negative", "negative"],
      ["positive", "neutral"],
      ["positive", "positive"],
    ]);
    // negative 2/2 = 1; positive 2/(2+0+1) = 2/3; neutral is not a class of this file.
    expect(macroF1(twoClass, ["negative", "positive"])).toBeCloseTo((1 + 2 / 3) / 2, 12);
  });

  it("leaves undefined figures NaN (nothing to divide by), not 0", () => {
    const f = figures(scored([["neutral", "neutral"]]), ["neutral"]);
    expect(f.polarAccuracy).toBeNaN();
    expect(f.negativeRecall).toBeNaN();
    expect(f.negativePrecision).toBeNaN();
    expect(f.positivesCalledNegative).toBeNaN();
    expect(f.macroF1).toBe(1);
  });

  it("finds the gold classes and the majority class", () => {
    expect(classesOf(items)).toEqual(["negative", "neutral", "positive"]);
    expect(classesOf(scored([["positive", "negative"]]))).toEqual(["positive"]);
    expect(majority(items, ["negative", "neutral", "positive"])).toBe("negative");
    // A tie goes to the earlier class.
    expect(
      majority(
        scored([
          ["positive", "positive"],
          ["negative", "negative"],
        ]),
        ["negative", "positive"],
      ),
    ).toBe("negative");
  });

  it("bootstraps reproducible intervals that contain the point estimate", () => {
    const classes: SentimentLabel[] = ["negative", "neutral", "positive"];
    const a = bootstrap(items, classes, { seed: 3, rounds: 400 });
    const b = bootstrap(items, classes, { seed: 3, rounds: 400 });
    expect(a).toEqual(b);
    const f = figures(items, classes);
    for (const k of ["polarAccuracy", "macroF1", "negativeRecall", "coverage"] as const) {
      expect(a[k][0]).toBeLessThanOrEqual(f[k]);
      expect(a[k][1]).toBeGreaterThanOrEqual(f[k]);
    }
    const perfect = bootstrap(
      scored([
        ["negative", "negative"],
        ["positive", "positive"],
      ]),
      ["negative", "positive"],
    );
    expect(perfect.polarAccuracy).toEqual([1, 1]);
  });
});

describe("eval:sentiment --json", () => {
  it("prints one object with exactly the documented keys per file and language", () => {
    const root = join(import.meta.dirname, "../..");
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", "scripts/eval-sentiment.ts", "test/fixtures/sentiment/tiny.jsonl", "--json"],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    const parsed = JSON.parse(out) as { files: Record<string, unknown>[] };
    expect(parsed.files.map((f) => [f.file, f.lang])).toEqual([
      ["tiny.jsonl", "en"],
      ["tiny.jsonl", "tr"],
      ["tiny.jsonl", "fa"],
    ]);
    for (const f of parsed.files) {
      expect(Object.keys(f)).toEqual([
        "file",
        "lang",
        "rows",
        "polarAccuracy",
        "macroF1",
        "negativeRecall",
        "negativePrecision",
        "positivesCalledNegative",
        "coverage",
        "textsPerSecond",
      ]);
      for (const k of ["polarAccuracy", "macroF1", "negativeRecall", "coverage"]) {
        const v = f[k];
        if (v === null) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });
});
