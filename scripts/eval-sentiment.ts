/**
 * Measures the rule-based sentiment analyzer on the labelled datasets in ../shared/datasets/sentiment
 * (or $CX_SENTIMENT_DATA). Evaluation only: nothing from the data is copied into the project.
 *
 *   npx tsx scripts/eval-sentiment.ts                 # held-out TEST split figures
 *   npx tsx scripts/eval-sentiment.ts --split dev     # DEV split figures + misclassified dev rows
 *   npx tsx scripts/eval-sentiment.ts --split dev --file tr_eticaret.csv --limit 40
 *
 * Per file: near-duplicates are removed (same normalized letters and digits), then each row is assigned
 * to dev or test by a seeded hash of that normalized text (a frozen 50/50 split). Reported: macro-F1 over
 * the file's gold classes, accuracy on polar rows (gold negative/positive; a neutral prediction counts as
 * wrong), coverage (rows with any evidence), the confusion matrix, the majority-class baseline (majority of
 * the dev part) and a seeded bootstrap 95% interval for macro-F1.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locale } from "../core/locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { SENTIMENT_LABELS, type SentimentLabel } from "../core/sentiment/types.ts";
import { csvRecords, dataDir, dedupeKey, jsonLines, type Split, splitOf } from "./datasets.ts";
import { prng } from "./prng.ts";

interface Row {
  readonly text: string;
  readonly gold: SentimentLabel;
}

interface Dataset {
  readonly file: string;
  readonly locale: Locale;
  readonly classes: readonly SentimentLabel[];
  readonly load: (raw: string) => Row[];
}

interface Args {
  readonly split: Split;
  readonly file: string | undefined;
  readonly limit: number;
}

const BOOTSTRAP_SEED = 7;
const BOOTSTRAP_ROUNDS = 1000;

// ---------- parsing ----------

function fromNumber(
  value: string,
  neg: string,
  neu: string | undefined,
  pos: string,
): SentimentLabel | undefined {
  if (value === neg) return "negative";
  if (value === pos) return "positive";
  if (neu !== undefined && value === neu) return "neutral";
  return undefined;
}

/** ParsiNLU: < 0 negative, 0 neutral, > 0 positive; 3 (mixed) and −3 (not mentioned) excluded. */
function parsinluLabel(value: unknown): SentimentLabel | undefined {
  const n = Number(value);
  if (!Number.isInteger(n) || n === 3 || n === -3) return undefined;
  return n < 0 ? "negative" : n > 0 ? "positive" : "neutral";
}

function rows(list: { text: string; gold: SentimentLabel | undefined }[]): Row[] {
  return list.filter((r): r is Row => r.gold !== undefined && r.text.trim() !== "");
}

const DATASETS: readonly Dataset[] = [
  {
    file: "en_uci_amazon.txt",
    locale: "en",
    classes: ["negative", "positive"],
    load: (raw) =>
      rows(
        raw
          .split("\n")
          .map((l) => l.split("\t"))
          .map(([text = "", label = ""]) => ({ text, gold: fromNumber(label.trim(), "0", undefined, "1") })),
      ),
  },
  {
    file: "en_airline.csv",
    locale: "en",
    classes: SENTIMENT_LABELS,
    load: (raw) =>
      rows(
        csvRecords(raw, ",").map((r) => ({
          text: r.text ?? "",
          gold: fromNumber(r.airline_sentiment ?? "", "negative", "neutral", "positive"),
        })),
      ),
  },
  {
    file: "fa_parsinlu_food.jsonl",
    locale: "fa",
    classes: SENTIMENT_LABELS,
    load: (raw) =>
      rows(jsonLines(raw).map((r) => ({ text: String(r.review ?? ""), gold: parsinluLabel(r.sentiment) }))),
  },
  {
    file: "fa_parsinlu_food_test.jsonl",
    locale: "fa",
    classes: SENTIMENT_LABELS,
    load: (raw) =>
      rows(
        jsonLines(raw)
          .filter((r) => r.aspect === "کلی")
          .map((r) => ({ text: String(r.review ?? ""), gold: parsinluLabel(r.label) })),
      ),
  },
  {
    file: "ar_prod.csv",
    locale: "ar",
    classes: SENTIMENT_LABELS,
    load: (raw) =>
      rows(
        csvRecords(raw, ",").map((r) => ({
          text: r.text ?? "",
          gold: fromNumber(r.polarity ?? "", "-1", "0", "1"),
        })),
      ),
  },
  {
    file: "tr_eticaret.csv",
    locale: "tr",
    classes: SENTIMENT_LABELS,
    load: (raw) =>
      rows(
        csvRecords(raw, ";").map((r) => ({
          text: r.Metin ?? "",
          gold: fromNumber(r.Durum ?? "", "0", "2", "1"),
        })),
      ),
  },
];

// ---------- split ----------

function dedupe(list: readonly Row[], locale: Locale): { row: Row; key: string }[] {
  const seen = new Set<string>();
  const out: { row: Row; key: string }[] = [];
  for (const row of list) {
    const key = dedupeKey(row.text, locale);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push({ row, key });
  }
  return out;
}

// ---------- metrics ----------

interface Scored {
  readonly gold: SentimentLabel;
  readonly pred: SentimentLabel;
  readonly covered: boolean;
}

function macroF1(items: readonly Scored[], classes: readonly SentimentLabel[]): number {
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const s of items) {
      if (s.pred === c && s.gold === c) tp++;
      else if (s.pred === c) fp++;
      else if (s.gold === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.length;
}

function polarAccuracy(items: readonly Scored[]): number {
  const polar = items.filter((s) => s.gold !== "neutral");
  return polar.length === 0 ? Number.NaN : polar.filter((s) => s.pred === s.gold).length / polar.length;
}

function bootstrapCi(items: readonly Scored[], classes: readonly SentimentLabel[]): [number, number] {
  const rand = prng(BOOTSTRAP_SEED);
  const values: number[] = [];
  for (let r = 0; r < BOOTSTRAP_ROUNDS; r++) {
    const sample: Scored[] = [];
    for (let i = 0; i < items.length; i++) {
      const pick = items[Math.floor(rand() * items.length)];
      if (pick) sample.push(pick);
    }
    values.push(macroF1(sample, classes));
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(0.025 * values.length)] ?? 0, values[Math.floor(0.975 * values.length)] ?? 0];
}

function majority(items: readonly Row[], classes: readonly SentimentLabel[]): SentimentLabel {
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

// ---------- report ----------

const pct = (x: number): string => (Number.isNaN(x) ? "  n/a" : `${(100 * x).toFixed(1).padStart(5)}`);
const SHORT: Readonly<Record<SentimentLabel, string>> = { negative: "neg", neutral: "neu", positive: "pos" };

function confusion(items: readonly Scored[], classes: readonly SentimentLabel[]): string {
  const head = `      gold\\pred ${SENTIMENT_LABELS.map((c) => SHORT[c].padStart(6)).join("")}`;
  const lines = classes.map((g) => {
    const cells = SENTIMENT_LABELS.map((p) =>
      String(items.filter((s) => s.gold === g && s.pred === p).length).padStart(6),
    );
    return `      ${SHORT[g].padEnd(10)}${cells.join("")}`;
  });
  return [head, ...lines].join("\n");
}

interface Outcome {
  readonly file: string;
  readonly n: number;
  readonly f1: number;
  readonly ci: [number, number];
  readonly polar: number;
  readonly coverage: number;
  readonly baseF1: number;
  readonly basePolar: number;
  readonly baseLabel: SentimentLabel;
}

function evaluate(ds: Dataset, dir: string, args: Args): Outcome {
  const analyzer = createRuleBasedSentimentAnalyzer();
  const all = dedupe(ds.load(readFileSync(join(dir, ds.file), "utf8")), ds.locale);
  const dev = all.filter((r) => splitOf(r.key) === "dev").map((r) => r.row);
  const part = all.filter((r) => splitOf(r.key) === args.split).map((r) => r.row);
  const misses: string[] = [];
  const scored: Scored[] = part.map((row) => {
    const result = analyzer.analyze(row.text, ds.locale);
    if (args.split === "dev" && result.label !== row.gold && misses.length < args.limit) {
      const ev = result.evidence.map((e) => `${e.term}${e.negated ? "¬" : ""}:${e.weight}`).join(" ");
      misses.push(
        `  [${SHORT[row.gold]}→${SHORT[result.label]} ${result.score}] ${row.text.slice(0, 160)}  {${ev}}`,
      );
    }
    return { gold: row.gold, pred: result.label, covered: result.evidence.length > 0 };
  });
  const baseLabel = majority(dev, ds.classes);
  const baseline: Scored[] = part.map((r) => ({ gold: r.gold, pred: baseLabel, covered: false }));
  const outcome: Outcome = {
    file: ds.file,
    n: scored.length,
    f1: macroF1(scored, ds.classes),
    ci: bootstrapCi(scored, ds.classes),
    polar: polarAccuracy(scored),
    coverage: scored.filter((s) => s.covered).length / Math.max(1, scored.length),
    baseF1: macroF1(baseline, ds.classes),
    basePolar: polarAccuracy(baseline),
    baseLabel,
  };
  console.log(
    `\n${ds.file} (${ds.locale}) — ${args.split} split, ${scored.length} rows after dedupe (of ${all.length})`,
  );
  console.log(confusion(scored, ds.classes));
  if (misses.length > 0) console.log(`  misclassified (first ${misses.length}):\n${misses.join("\n")}`);
  return outcome;
}

function printTable(outcomes: readonly Outcome[], split: Split): void {
  console.log(`\nSummary (${split} split)`);
  console.log(
    "file                          rows  macroF1  95% CI         polarAcc  coverage | majority  F1   polarAcc",
  );
  for (const o of outcomes) {
    const ci = `[${pct(o.ci[0])}, ${pct(o.ci[1])}]`;
    console.log(
      `${o.file.padEnd(28)} ${String(o.n).padStart(5)}  ${pct(o.f1)}   ${ci}  ${pct(o.polar)}     ${pct(o.coverage)}  | ${SHORT[o.baseLabel]}    ${pct(o.baseF1)}  ${pct(o.basePolar)}`,
    );
  }
}

function parseArgs(argv: readonly string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const split = get("--split") === "dev" ? "dev" : "test";
  return { split, file: get("--file"), limit: Number(get("--limit") ?? 25) };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const dir = dataDir();
  const chosen = DATASETS.filter((d) => args.file === undefined || d.file === args.file);
  const outcomes = chosen.map((d) => evaluate(d, dir, args));
  printTable(outcomes, args.split);
}

main();
