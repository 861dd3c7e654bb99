/**
 * Measures sentiment on labelled data: the rule-based analyzer, and with --learn the analyzer blended with a
 * model learned from "collected" comments. Default data: ../shared/datasets/sentiment (or $CX_SENTIMENT_DATA);
 * evaluation only, nothing from the data is copied into the project.
 *
 *   npm run eval:sentiment                                  # every known file, held-out TEST split
 *   npm run eval:sentiment -- path/to/file-or-folder        # a shared file, or a generic JSONL file of your own
 *   npm run eval:sentiment -- --split dev --file tr_eticaret.csv --limit 40   # DEV split + misclassified rows
 *   npm run eval:sentiment -- --json                        # one JSON object, for scripts
 *   npm run eval:sentiment -- --learn                       # simulate learning from collected comments
 *
 * Files: the shared datasets by name (see DATASETS), and any `.jsonl` whose lines are
 * `{"lang": "fa|ar|tr|en", "text": "…", "label": "negative|neutral|positive", "themes": […]}` (generic format;
 * one report per language in it). Per file and language: near-duplicates are removed (same normalized letters
 * and digits), then each row is assigned to dev or test by a seeded hash of that normalized text (a frozen
 * 50/50 split; tune on dev only). Reported: accuracy on polar rows (gold negative/positive; a neutral
 * prediction counts as wrong), macro-F1 over the gold classes, negative recall and precision, the share of
 * positives called negative, coverage (rows with any evidence), texts per second, the confusion matrix, the
 * majority-class baseline (majority of the dev part) and seeded bootstrap 95% intervals.
 *
 * --learn: the dev part plays the comments a deployment collected (shuffled with a fixed seed), the test part
 * is held out. A model is trained on the first 0, 100, 1,000 and 10,000 of them (and all, when fewer) and the
 * held-out part is reported with rules alone, the model alone and the blend (core/sentiment/learned.ts). With
 * --split dev the dev part itself is cut in two (train on one half, report the other), for tuning.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Locale } from "../core/locale.ts";
import {
  createBlendedAnalyzer,
  examplesFor,
  type LearnedModel,
  predict,
  train,
} from "../core/sentiment/learned.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { SENTIMENT_LABELS, type SentimentAnalyzer, type SentimentLabel } from "../core/sentiment/types.ts";
import {
  csvRecords,
  dataDir,
  dedupeKey,
  hash,
  isGenericJsonl,
  jsonLines,
  readGenericJsonl,
  type Split,
  splitOf,
} from "./datasets.ts";
import { prng } from "./prng.ts";
import {
  bootstrap,
  classesOf,
  confusionOf,
  type Figures,
  figures,
  majority,
  type Scored,
} from "./sentiment-metrics.ts";

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

/** The rows of one language of one file: what a report is about. */
interface Part {
  readonly file: string;
  readonly locale: Locale;
  readonly classes: readonly SentimentLabel[];
  readonly rows: readonly Row[];
}

interface Args {
  readonly paths: readonly string[];
  readonly split: Split;
  readonly file: string | undefined;
  readonly limit: number;
  readonly json: boolean;
  readonly learn: boolean;
}

const LEARN_SEED = 11;
const LEARN_SIZES = [0, 100, 1000, 10000] as const;
const DEV_HALF_SEED = 99;

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

// ---------- input ----------

function partsOfFile(path: string): Part[] {
  const name = basename(path);
  const raw = readFileSync(path, "utf8");
  const known = DATASETS.find((d) => d.file === name);
  if (known) return [{ file: name, locale: known.locale, classes: known.classes, rows: known.load(raw) }];
  if (!name.endsWith(".jsonl") || !isGenericJsonl(raw)) return [];
  const { rows, rejected } = readGenericJsonl(raw);
  if (rejected.length > 0) {
    console.error(
      `${name}: ${rejected.length} line(s) not in the generic format, skipped (first: ${rejected[0]})`,
    );
  }
  const byLocale = new Map<Locale, Row[]>();
  for (const r of rows) {
    const list = byLocale.get(r.lang) ?? [];
    list.push({ text: r.text, gold: r.label });
    byLocale.set(r.lang, list);
  }
  return [...byLocale].map(([locale, list]) => ({
    file: name,
    locale,
    classes: classesOf(list),
    rows: list,
  }));
}

function partsOf(path: string): Part[] {
  if (!statSync(path).isDirectory()) return partsOfFile(path);
  const names = readdirSync(path).sort();
  // The shared files in the order of DATASETS, then any generic JSONL files.
  const ordered = [
    ...DATASETS.map((d) => d.file).filter((f) => names.includes(f)),
    ...names.filter((n) => n.endsWith(".jsonl") && !DATASETS.some((d) => d.file === n)),
  ];
  return ordered.flatMap((n) => partsOfFile(join(path, n)));
}

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

interface Halves {
  /** The development part (what a simulated deployment "collected"). */
  readonly dev: Row[];
  /** The part reported: test, or with --split dev the dev part. */
  readonly part: Row[];
  readonly total: number;
}

function halves(p: Part, split: Split): Halves {
  const all = dedupe(p.rows, p.locale);
  const dev = all.filter((r) => splitOf(r.key) === "dev").map((r) => r.row);
  const part = all.filter((r) => splitOf(r.key) === split).map((r) => r.row);
  return { dev, part, total: all.length };
}

// ---------- measuring ----------

function measure(analyzer: SentimentAnalyzer, rows: readonly Row[], locale: Locale): Scored[] {
  return rows.map((row) => {
    const result = analyzer.analyze(row.text, locale);
    return { gold: row.gold, pred: result.label, covered: result.evidence.length > 0 };
  });
}

/** Up to this many of the reported texts are timed. */
const TIMED_TEXTS = 2000;

/**
 * Texts per second of `run` over `texts` on this one core: after a warm-up pass, five timed rounds of at least
 * `roundMs` each, and the median round (a single pass is dominated by JIT warm-up and garbage collection).
 */
function throughput(texts: readonly string[], run: (text: string) => unknown, roundMs = 150): number {
  if (texts.length === 0) return Number.NaN;
  for (const t of texts) run(t);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < roundMs * 1e6) {
      for (const t of texts) run(t);
      n += texts.length;
      elapsed = Number(process.hrtime.bigint() - started);
    }
    rounds.push(n / (elapsed / 1e9));
  }
  rounds.sort((a, b) => a - b);
  return rounds[2] ?? Number.NaN;
}

// ---------- report ----------

const pct = (x: number): string => (Number.isNaN(x) ? "  n/a" : `${(100 * x).toFixed(1).padStart(5)}`);
const SHORT: Readonly<Record<SentimentLabel, string>> = { negative: "neg", neutral: "neu", positive: "pos" };

function confusionTable(items: readonly Scored[], classes: readonly SentimentLabel[]): string {
  const m = confusionOf(items);
  const head = `      gold\\pred ${SENTIMENT_LABELS.map((c) => SHORT[c].padStart(6)).join("")}`;
  const lines = classes.map(
    (g) => `      ${SHORT[g].padEnd(10)}${SENTIMENT_LABELS.map((p) => String(m[g][p]).padStart(6)).join("")}`,
  );
  return [head, ...lines].join("\n");
}

/** What --json prints per file and language. */
interface JsonFigures {
  readonly file: string;
  readonly lang: Locale;
  readonly rows: number;
  readonly polarAccuracy: number | null;
  readonly macroF1: number | null;
  readonly negativeRecall: number | null;
  readonly negativePrecision: number | null;
  readonly positivesCalledNegative: number | null;
  readonly coverage: number | null;
  readonly textsPerSecond: number | null;
  /** Only with --learn: one entry per training size, figures rounded like the rest. */
  readonly learning?: readonly unknown[];
}

const num = (x: number, digits = 4): number | null =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null;

interface Outcome {
  readonly part: Part;
  readonly figures: Figures;
  readonly textsPerSecond: number;
  readonly baseline: Figures;
  readonly baseLabel: SentimentLabel;
  readonly ci: ReturnType<typeof bootstrap>;
  readonly learning?: readonly LearnStep[];
}

function evaluate(p: Part, args: Args): Outcome {
  const analyzer = createRuleBasedSentimentAnalyzer();
  const { dev, part, total } = halves(p, args.split);
  const scored = measure(analyzer, part, p.locale);
  const textsPerSecond = throughput(
    part.slice(0, TIMED_TEXTS).map((r) => r.text),
    (t) => analyzer.analyze(t, p.locale),
  );
  const baseLabel = majority(dev, p.classes);
  const baseline = figures(
    part.map((r) => ({ gold: r.gold, pred: baseLabel, covered: false })),
    p.classes,
  );
  const f = figures(scored, p.classes);
  const ci = bootstrap(scored, p.classes);
  if (!args.json) {
    const speed = Number.isFinite(textsPerSecond) ? `${Math.round(textsPerSecond)} texts/s` : "";
    console.log(
      `\n${p.file} (${p.locale}) — ${args.split} split, ${part.length} of ${total} rows after dedupe; rules: ${speed}`,
    );
    console.log(confusionTable(scored, p.classes));
    const line = (label: string, k: Exclude<keyof Figures, "rows">): string =>
      `      ${label.padEnd(26)}${pct(f[k])}  [${pct(ci[k][0])}, ${pct(ci[k][1])}]   majority ${pct(baseline[k])}`;
    console.log(line("polar accuracy", "polarAccuracy"));
    console.log(line("macro-F1", "macroF1"));
    console.log(line("negative recall", "negativeRecall"));
    console.log(line("negative precision", "negativePrecision"));
    console.log(line("positives called negative", "positivesCalledNegative"));
    console.log(line("coverage", "coverage"));
    if (args.split === "dev") printMisses(analyzer, part, p.locale, args.limit);
  }
  const learning = args.learn ? simulateLearning(p, dev, part, args) : undefined;
  return { part: p, figures: f, textsPerSecond, baseline, baseLabel, ci, ...(learning ? { learning } : {}) };
}

function printMisses(analyzer: SentimentAnalyzer, rows: readonly Row[], locale: Locale, limit: number): void {
  const misses: string[] = [];
  for (const row of rows) {
    if (misses.length >= limit) break;
    const result = analyzer.analyze(row.text, locale);
    if (result.label === row.gold) continue;
    const ev = result.evidence.map((e) => `${e.term}${e.negated ? "¬" : ""}:${e.weight}`).join(" ");
    misses.push(
      `  [${SHORT[row.gold]}→${SHORT[result.label]} ${result.score}] ${row.text.slice(0, 160)}  {${ev}}`,
    );
  }
  if (misses.length > 0) console.log(`  misclassified (first ${misses.length}):\n${misses.join("\n")}`);
}

// ---------- learning simulation ----------

/** One size of the learning simulation: held-out figures with rules alone, the model alone and the blend. */
interface LearnStep {
  readonly trainedOn: number;
  readonly rules: Figures;
  readonly model: Figures | null;
  readonly blended: Figures;
  /** Blended analyzer (rules + model) texts per second on the held-out texts. */
  readonly blendedTextsPerSecond: number | null;
  /** Model prediction alone, texts per second. */
  readonly modelTextsPerSecond: number | null;
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const rand = prng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function simulateLearning(p: Part, dev: readonly Row[], test: readonly Row[], args: Args): LearnStep[] {
  // With --split dev, "test" is the dev part itself: cut it in two so nothing is trained and reported on.
  let pool = dev;
  let heldOut = test;
  if (args.split === "dev") {
    // A high bit: FNV-1a's lowest bit is the parity of the characters' low bits whatever the seed, so it
    // would put every dev row (chosen by that bit) in the same half.
    const half = (r: Row): number => (hash(dedupeKey(r.text, p.locale), DEV_HALF_SEED) >>> 16) & 1;
    pool = dev.filter((r) => half(r) === 0);
    heldOut = dev.filter((r) => half(r) === 1);
  }
  const collected = shuffled(pool, LEARN_SEED);
  const sizes: number[] = LEARN_SIZES.filter((n) => n <= collected.length);
  if (collected.length < 10000 && !sizes.includes(collected.length)) sizes.push(collected.length);
  const rules = createRuleBasedSentimentAnalyzer();
  const rulesFigures = figures(measure(rules, heldOut, p.locale), p.classes);
  const texts = heldOut.slice(0, TIMED_TEXTS).map((r) => r.text);
  const steps: LearnStep[] = [];
  for (const n of sizes) {
    const model: LearnedModel | undefined =
      n === 0
        ? undefined
        : train(collected.slice(0, n).map((r) => ({ text: r.text, locale: p.locale, label: r.gold })));
    // minExamples 0: show what the model adds at every size; the product's default waits for more (see README).
    const blended = createBlendedAnalyzer(rules, model, { minExamples: 0 });
    const blendedFigures = figures(measure(blended, heldOut, p.locale), p.classes);
    const modelFigures =
      model && examplesFor(model, p.locale) > 0
        ? figures(
            heldOut.map((r) => ({
              gold: r.gold,
              pred: predict(model, r.text, p.locale).label,
              covered: true,
            })),
            p.classes,
          )
        : null;
    steps.push({
      trainedOn: n,
      rules: rulesFigures,
      model: modelFigures,
      blended: blendedFigures,
      blendedTextsPerSecond: model
        ? num(
            throughput(texts, (t) => blended.analyze(t, p.locale)),
            0,
          )
        : null,
      modelTextsPerSecond: model
        ? num(
            throughput(texts, (t) => predict(model, t, p.locale)),
            0,
          )
        : null,
    });
  }
  if (!args.json) printLearning(heldOut.length, pool.length, steps, args.split);
  return steps;
}

function printLearning(heldOut: number, pool: number, steps: readonly LearnStep[], split: Split): void {
  const where =
    split === "dev" ? "half of dev, trained on the other half" : "test part, trained on the dev part";
  console.log(`  learning (${heldOut} held-out rows: ${where}, ${pool} available):`);
  console.log(
    "      trained |  polarAcc rules/model/blend  | macroF1 r/m/b     | negRecall r/m/b   | pos→neg r/m/b     | texts/s model, blend",
  );
  const trio = (s: LearnStep, k: Exclude<keyof Figures, "rows">): string =>
    `${pct(s.rules[k])} ${s.model ? pct(s.model[k]) : "    -"} ${pct(s.blended[k])}`;
  for (const s of steps) {
    const speed =
      s.modelTextsPerSecond === null ? "" : `${s.modelTextsPerSecond}, ${s.blendedTextsPerSecond}`;
    console.log(
      `      ${String(s.trainedOn).padStart(7)} | ${trio(s, "polarAccuracy")}         | ${trio(s, "macroF1")} | ${trio(s, "negativeRecall")} | ${trio(s, "positivesCalledNegative")} | ${speed}`,
    );
  }
}

// ---------- summary ----------

function printTable(outcomes: readonly Outcome[], split: Split): void {
  console.log(`\nSummary (${split} split)`);
  console.log(
    "file                          lang  rows  polarAcc  macroF1  negRec  negPrec  pos→neg  coverage  texts/s | majority  polarAcc  F1",
  );
  for (const o of outcomes) {
    const f = o.figures;
    console.log(
      `${o.part.file.padEnd(29)} ${o.part.locale.padEnd(4)} ${String(f.rows).padStart(5)}  ${pct(f.polarAccuracy)}    ${pct(f.macroF1)}   ${pct(f.negativeRecall)}  ${pct(f.negativePrecision)}   ${pct(f.positivesCalledNegative)}    ${pct(f.coverage)}  ${String(Math.round(o.textsPerSecond)).padStart(7)} | ${SHORT[o.baseLabel]}      ${pct(o.baseline.polarAccuracy)}  ${pct(o.baseline.macroF1)}`,
    );
  }
}

function toJson(o: Outcome): JsonFigures {
  const f = o.figures;
  return {
    file: o.part.file,
    lang: o.part.locale,
    rows: f.rows,
    polarAccuracy: num(f.polarAccuracy),
    macroF1: num(f.macroF1),
    negativeRecall: num(f.negativeRecall),
    negativePrecision: num(f.negativePrecision),
    positivesCalledNegative: num(f.positivesCalledNegative),
    coverage: num(f.coverage),
    textsPerSecond: num(o.textsPerSecond, 0),
    ...(o.learning ? { learning: o.learning.map(roundStep) } : {}),
  };
}

function roundFigures(f: Figures): Record<keyof Figures, number | null> {
  return {
    rows: f.rows,
    polarAccuracy: num(f.polarAccuracy),
    macroF1: num(f.macroF1),
    negativeRecall: num(f.negativeRecall),
    negativePrecision: num(f.negativePrecision),
    positivesCalledNegative: num(f.positivesCalledNegative),
    coverage: num(f.coverage),
  };
}

function roundStep(s: LearnStep): unknown {
  return {
    ...s,
    rules: roundFigures(s.rules),
    model: s.model ? roundFigures(s.model) : null,
    blended: roundFigures(s.blended),
  };
}

function parseArgs(argv: readonly string[]): Args {
  const valued = new Set(["--split", "--file", "--limit"]);
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const paths = argv.filter((a, i) => !a.startsWith("--") && !valued.has(argv[i - 1] ?? ""));
  return {
    paths,
    split: get("--split") === "dev" ? "dev" : "test",
    file: get("--file"),
    limit: Number(get("--limit") ?? 25),
    json: argv.includes("--json"),
    learn: argv.includes("--learn"),
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const paths = args.paths.length > 0 ? args.paths.map((p) => resolve(p)) : [dataDir()];
  const parts = paths
    .flatMap(partsOf)
    .filter((p) => (args.file === undefined || p.file === args.file) && p.rows.length > 0);
  if (parts.length === 0) {
    console.error(`no labelled rows found in ${paths.join(", ")}`);
    process.exitCode = 1;
    return;
  }
  const outcomes = parts.map((p) => evaluate(p, args));
  if (args.json) console.log(JSON.stringify({ files: outcomes.map(toJson) }));
  else printTable(outcomes, args.split);
}

main();
