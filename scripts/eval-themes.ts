/**
 * Measures the theme tagger (core/themes/themes.ts) on the labelled datasets in ../shared/datasets/sentiment
 * (or $CX_SENTIMENT_DATA). Evaluation only: nothing from the data is copied into the project, and the keyword
 * lists were not built or tuned from it. Only aggregate figures are printed, never the texts.
 *
 *   npm run eval:themes                           # development split, then the held-out test split
 *   npm run eval:themes -- --split dev            # one split only (dev or test)
 *   npm run eval:themes -- path/to/file-or-folder # a shared file, or a generic JSONL file of your own
 *   npm run eval:themes -- --json                 # one JSON object (test split unless --split), for scripts
 *
 * A generic JSONL file has one `{"lang", "text", "label", "themes"?}` per line (see scripts/datasets.ts): rows
 * with `themes` are scored per component (names as in flows: the six components or the older sub-theme names),
 * on the same seeded split as everything else.
 *
 * 1. Coverage, every file: share of comments with at least one theme, for negative comments (the ones support
 *    alerts are about), positive comments and all. Near-duplicates are removed and rows are split 50/50 by a
 *    seeded hash of the normalized text, exactly as scripts/eval-sentiment.ts does (same seed, same split).
 * 2. Agreement with the theme ground truth the dataset README documents:
 *    - ParsiNLU food aspects (one row per review and aspect, label −3 = aspect not mentioned): ارسال → processes,
 *      ارزش خرید → price, کیفیت / طعم / ارزش غذایی / بسته بندی → product. The dev and
 *      test files are the dataset's own splits; --split picks one. Per theme: precision, recall, F1 with a
 *      seeded bootstrap 95% interval, and the gold prevalence (the precision of always answering "yes").
 *    - en_airline negative tweets with a `negativereason`: Customer Service Issue, Flight Attendant Complaints →
 *      people; Late Flight, Cancelled Flight, Lost Luggage, Damaged Luggage, longlines → processes; Flight
 *      Booking Problems → channels. "Bad Flight" and
 *      "Can't Tell" have no component and are left out. Per component: precision, recall, F1.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Locale } from "../core/locale.ts";
import { componentOf, THEMES, type Theme, tagThemes } from "../core/themes/themes.ts";
import {
  csvRecords,
  dataDir,
  dedupeKey,
  isGenericJsonl,
  jsonLines,
  readGenericJsonl,
  type Split,
  splitOf,
} from "./datasets.ts";
import { prng } from "./prng.ts";

type Polarity = "negative" | "neutral" | "positive";

const BOOTSTRAP_SEED = 7;
const BOOTSTRAP_ROUNDS = 1000;

// ---------- parsing ----------

function polarity(value: string, neg: string, neu: string | undefined, pos: string): Polarity | undefined {
  if (value === neg) return "negative";
  if (value === pos) return "positive";
  if (neu !== undefined && value === neu) return "neutral";
  return undefined;
}

function parsinluPolarity(value: unknown): Polarity | undefined {
  const n = Number(value);
  if (!Number.isInteger(n) || n === 3 || n === -3) return undefined;
  return n < 0 ? "negative" : n > 0 ? "positive" : "neutral";
}

// ---------- split ----------

/** Removes near-duplicates (same normalized letters and digits) and keeps the rows of one split. */
function splitRows<R extends { readonly text: string }>(
  list: readonly R[],
  locale: Locale,
  split: Split,
): R[] {
  const seen = new Set<string>();
  const out: R[] = [];
  for (const row of list) {
    const key = dedupeKey(row.text, locale);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    if (splitOf(key) === split) out.push(row);
  }
  return out;
}

// ---------- coverage ----------

interface PolarRow {
  readonly text: string;
  readonly gold: Polarity;
}

interface CoverageSet {
  readonly file: string;
  readonly locale: Locale;
  readonly load: (raw: string) => PolarRow[];
}

function polarRows(list: { text: string; gold: Polarity | undefined }[]): PolarRow[] {
  return list.filter((r): r is PolarRow => r.gold !== undefined && r.text.trim() !== "");
}

const COVERAGE_SETS: readonly CoverageSet[] = [
  {
    file: "en_uci_amazon.txt",
    locale: "en",
    load: (raw) =>
      polarRows(
        raw
          .split("\n")
          .map((l) => l.split("\t"))
          .map(([text = "", label = ""]) => ({ text, gold: polarity(label.trim(), "0", undefined, "1") })),
      ),
  },
  {
    file: "en_airline.csv",
    locale: "en",
    load: (raw) =>
      polarRows(
        csvRecords(raw, ",").map((r) => ({
          text: r.text ?? "",
          gold: polarity(r.airline_sentiment ?? "", "negative", "neutral", "positive"),
        })),
      ),
  },
  {
    file: "fa_parsinlu_food.jsonl",
    locale: "fa",
    load: (raw) =>
      polarRows(
        jsonLines(raw).map((r) => ({ text: String(r.review ?? ""), gold: parsinluPolarity(r.sentiment) })),
      ),
  },
  {
    file: "ar_prod.csv",
    locale: "ar",
    load: (raw) =>
      polarRows(
        csvRecords(raw, ",").map((r) => ({
          text: r.text ?? "",
          gold: polarity(r.polarity ?? "", "-1", "0", "1"),
        })),
      ),
  },
  {
    file: "tr_eticaret.csv",
    locale: "tr",
    load: (raw) =>
      polarRows(
        csvRecords(raw, ";").map((r) => ({
          text: r.Metin ?? "",
          gold: polarity(r.Durum ?? "", "0", "2", "1"),
        })),
      ),
  },
];

const pct = (x: number): string => (Number.isNaN(x) ? "  n/a" : (100 * x).toFixed(1).padStart(5));

function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.length === 0 ? Number.NaN : items.filter(test).length / items.length;
}

/** What one file (or one language of a generic file) measured: coverage, and agreement where there is gold. */
interface FileResult {
  readonly file: string;
  readonly lang: Locale;
  readonly split: Split;
  readonly rows: number;
  /** Share of comments tagged with at least one component: negative, positive and all comments. */
  readonly coverage?: { readonly negative: number; readonly positive: number; readonly all: number };
  /** The components of negative comments, most frequent first, as shares of the negative comments. */
  readonly negativeComponents?: readonly (readonly [Theme, number])[];
  /** Per component with gold labels: precision, recall, F1 (fractions from 0 to 1; NaN → null in JSON). */
  readonly components?: Readonly<Record<string, Prf & { readonly f1Interval: readonly [number, number] }>>;
  /** What the gold labels are, for the printed title. */
  readonly gold?: string;
  readonly textsPerSecond: number;
}

/** Tags every text once, timing it. */
function tagAll(
  texts: readonly string[],
  locale: Locale,
): { themes: (readonly Theme[])[]; perSecond: number } {
  const started = performance.now();
  const themes = texts.map((t) => tagThemes(t, locale));
  const seconds = (performance.now() - started) / 1000;
  return { themes, perSecond: seconds > 0 ? Math.round(texts.length / seconds) : 0 };
}

function coverageOf(
  rows: readonly { readonly gold: Polarity }[],
  themes: readonly (readonly Theme[])[],
): Pick<FileResult, "coverage" | "negativeComponents"> {
  const tagged = rows.map((r, i) => ({ gold: r.gold, themes: themes[i] ?? [] }));
  const negatives = tagged.filter((r) => r.gold === "negative");
  const counts = new Map<Theme, number>();
  for (const r of negatives) for (const t of r.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
  const any = (r: { themes: readonly Theme[] }): boolean => r.themes.length > 0;
  return {
    coverage: {
      negative: share(negatives, any),
      positive: share(
        tagged.filter((r) => r.gold === "positive"),
        any,
      ),
      all: share(tagged, any),
    },
    negativeComponents: [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => [t, n / Math.max(1, negatives.length)] as const),
  };
}

function coverage(set: CoverageSet, dir: string, split: Split): FileResult {
  const rows = splitRows(set.load(readFileSync(join(dir, set.file), "utf8")), set.locale, split);
  const { themes, perSecond } = tagAll(
    rows.map((r) => r.text),
    set.locale,
  );
  return {
    file: set.file,
    lang: set.locale,
    split,
    rows: rows.length,
    ...coverageOf(rows, themes),
    textsPerSecond: perSecond,
  };
}

function printCoverage(r: FileResult): void {
  if (!r.coverage) return;
  const top = (r.negativeComponents ?? []).map(([t, x]) => `${t} ${pct(x).trim()}%`).join(", ");
  console.log(
    `${r.file.padEnd(26)} ${r.lang}  ${pct(r.coverage.negative)}    ${pct(r.coverage.positive)}   ${pct(r.coverage.all)}  ${String(r.rows).padStart(5)}   ${top}`,
  );
}

// ---------- agreement with theme ground truth ----------

interface Judged {
  /** Per theme or component name: [gold, predicted]. */
  readonly pairs: ReadonlyMap<string, readonly [boolean, boolean]>;
}

interface Prf {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly prevalence: number;
  readonly gold: number;
}

function prf(items: readonly Judged[], name: string): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let gold = 0;
  for (const item of items) {
    const [g, p] = item.pairs.get(name) ?? [false, false];
    if (g) gold++;
    if (g && p) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  const precision = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
  const f1 = tp + fp + fn === 0 ? Number.NaN : tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1, prevalence: items.length === 0 ? Number.NaN : gold / items.length, gold };
}

function bootstrapF1(items: readonly Judged[], name: string): [number, number] {
  const rand = prng(BOOTSTRAP_SEED);
  const values: number[] = [];
  for (let r = 0; r < BOOTSTRAP_ROUNDS; r++) {
    const sample: Judged[] = [];
    for (let i = 0; i < items.length; i++) {
      const pick = items[Math.floor(rand() * items.length)];
      if (pick) sample.push(pick);
    }
    values.push(prf(sample, name).f1);
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(0.025 * values.length)] ?? 0, values[Math.floor(0.975 * values.length)] ?? 0];
}

function componentsOf(items: readonly Judged[], names: readonly string[]): FileResult["components"] {
  return Object.fromEntries(
    names.map((name) => [name, { ...prf(items, name), f1Interval: bootstrapF1(items, name) }]),
  );
}

function printComponents(r: FileResult): void {
  if (!r.components) return;
  console.log(`\n${r.file} (${r.lang}, ${r.split} split) — ${r.rows} rows; gold: ${r.gold ?? "themes"}`);
  console.log("  theme/component   gold  prevalence  precision  recall    F1   F1 95% CI");
  for (const [name, m] of Object.entries(r.components)) {
    const [lo, hi] = m.f1Interval;
    console.log(
      `  ${name.padEnd(16)} ${String(m.gold).padStart(5)}     ${pct(m.prevalence)}      ${pct(m.precision)}   ${pct(m.recall)}  ${pct(m.f1)}  [${pct(lo)}, ${pct(hi)}]`,
    );
  }
}

/** ParsiNLU aspect → the component the dataset README maps it to. */
const PARSINLU_ASPECTS: Readonly<Record<string, Theme>> = {
  ارسال: "processes",
  "ارزش خرید": "price",
  کیفیت: "product",
  طعم: "product",
  "ارزش غذایی": "product",
  "بسته بندی": "product",
};

function parsinluAgreement(dir: string, split: Split): FileResult {
  const file = split === "dev" ? "fa_parsinlu_food_dev.jsonl" : "fa_parsinlu_food_test.jsonl";
  const byReview = new Map<string, Set<Theme>>();
  for (const r of jsonLines(readFileSync(join(dir, file), "utf8"))) {
    const review = String(r.review ?? "");
    const gold = byReview.get(review) ?? new Set<Theme>();
    byReview.set(review, gold);
    const theme = PARSINLU_ASPECTS[String(r.aspect ?? "")];
    if (theme && Number(r.label) !== -3) gold.add(theme);
  }
  const names: readonly Theme[] = ["processes", "price", "product"];
  const reviews = [...byReview.entries()];
  const { themes, perSecond } = tagAll(
    reviews.map(([text]) => text),
    "fa",
  );
  const items: Judged[] = reviews.map(([, gold], i) => {
    const predicted = new Set(themes[i]);
    return { pairs: new Map(names.map((t) => [t, [gold.has(t), predicted.has(t)] as const])) };
  });
  return {
    file,
    lang: "fa",
    split,
    rows: items.length,
    components: componentsOf(items, names),
    gold: "ParsiNLU aspects: ارسال → processes, ارزش خرید → price, quality/taste/nutrition/packaging → product",
    textsPerSecond: perSecond,
  };
}

const AIRLINE_COMPONENTS: Readonly<Record<string, Theme>> = {
  "Customer Service Issue": "people",
  "Flight Attendant Complaints": "people",
  "Late Flight": "processes",
  "Cancelled Flight": "processes",
  "Lost Luggage": "processes",
  "Damaged Luggage": "processes",
  longlines: "processes",
  "Flight Booking Problems": "channels",
};

function airlineAgreement(dir: string, split: Split): FileResult {
  const rows = csvRecords(readFileSync(join(dir, "en_airline.csv"), "utf8"), ",")
    .filter(
      (r) => r.airline_sentiment === "negative" && AIRLINE_COMPONENTS[r.negativereason ?? ""] !== undefined,
    )
    .map((r) => ({ text: r.text ?? "", component: AIRLINE_COMPONENTS[r.negativereason ?? ""] }));
  const names: readonly Theme[] = ["people", "processes", "channels"];
  const kept = splitRows(rows, "en", split);
  const { themes, perSecond } = tagAll(
    kept.map((r) => r.text),
    "en",
  );
  const items: Judged[] = kept.map((r, i) => {
    const predicted = new Set(themes[i]);
    return { pairs: new Map(names.map((c) => [c, [r.component === c, predicted.has(c)] as const])) };
  });
  return {
    file: "en_airline.csv#negativereason",
    lang: "en",
    split,
    rows: items.length,
    components: componentsOf(items, names),
    gold: "negative tweets with a mapped negativereason (one gold component each)",
    textsPerSecond: perSecond,
  };
}

// ---------- generic JSONL ----------

/** A generic JSONL file: per language, coverage by label, and agreement on the rows that carry `themes`. */
function genericResults(path: string, split: Split): FileResult[] {
  const name = basename(path);
  const { rows, rejected } = readGenericJsonl(readFileSync(path, "utf8"));
  if (rejected.length > 0)
    console.error(
      `${name}: ${rejected.length} line(s) not in the generic format, skipped (first: ${rejected[0]})`,
    );
  const unknown = new Set<string>();
  const byLocale = new Map<Locale, typeof rows>();
  for (const r of rows) byLocale.set(r.lang, [...(byLocale.get(r.lang) ?? []), r]);
  const results = [...byLocale].map(([lang, list]): FileResult => {
    const kept = splitRows(list, lang, split);
    const { themes, perSecond } = tagAll(
      kept.map((r) => r.text),
      lang,
    );
    const judged: Judged[] = [];
    kept.forEach((r, i) => {
      if (r.themes === undefined) return;
      const gold = new Set<Theme>();
      for (const t of r.themes) {
        const component = componentOf(t);
        if (component) gold.add(component);
        else unknown.add(t);
      }
      const predicted = new Set(themes[i]);
      judged.push({ pairs: new Map(THEMES.map((c) => [c, [gold.has(c), predicted.has(c)] as const])) });
    });
    return {
      file: name,
      lang,
      split,
      rows: kept.length,
      ...coverageOf(
        kept.map((r) => ({ gold: r.label })),
        themes,
      ),
      ...(judged.length > 0
        ? { components: componentsOf(judged, THEMES), gold: `the file's \`themes\` (${judged.length} rows)` }
        : {}),
      textsPerSecond: perSecond,
    };
  });
  if (unknown.size > 0) console.error(`${name}: unknown theme names ignored: ${[...unknown].join(", ")}`);
  return results;
}

// ---------- main ----------

/** The shared files' results for one split, in a fixed order. */
function sharedResults(dir: string, names: readonly string[], split: Split): FileResult[] {
  const out: FileResult[] = [];
  for (const set of COVERAGE_SETS) if (names.includes(set.file)) out.push(coverage(set, dir, split));
  if (names.includes("fa_parsinlu_food_dev.jsonl") && names.includes("fa_parsinlu_food_test.jsonl"))
    out.push(parsinluAgreement(dir, split));
  if (names.includes("en_airline.csv")) out.push(airlineAgreement(dir, split));
  return out;
}

const SHARED_FILES: ReadonlySet<string> = new Set([
  ...COVERAGE_SETS.map((s) => s.file),
  "fa_parsinlu_food_dev.jsonl",
  "fa_parsinlu_food_test.jsonl",
]);

function resultsFor(path: string, split: Split): FileResult[] {
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : join(path, "..");
  const names = isDir ? readdirSync(path).sort() : [basename(path)];
  const shared = sharedResults(dir, names, split);
  const generic = names
    .filter((n) => n.endsWith(".jsonl") && !SHARED_FILES.has(n))
    .filter((n) => isGenericJsonl(readFileSync(join(dir, n), "utf8")))
    .flatMap((n) => genericResults(join(dir, n), split));
  return [...shared, ...generic];
}

/** NaN (no gold, nothing predicted) is `null` in JSON; fractions are rounded to 4 places. */
function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : null;
}

function toJson(r: FileResult): Record<string, unknown> {
  return {
    file: r.file,
    lang: r.lang,
    split: r.split,
    rows: r.rows,
    ...(r.coverage
      ? {
          coverage: jsonNumber(r.coverage.all),
          negativeCoverage: jsonNumber(r.coverage.negative),
          positiveCoverage: jsonNumber(r.coverage.positive),
        }
      : {}),
    ...(r.components
      ? {
          components: Object.fromEntries(
            Object.entries(r.components).map(([name, m]) => [
              name,
              {
                gold: m.gold,
                precision: jsonNumber(m.precision),
                recall: jsonNumber(m.recall),
                f1: jsonNumber(m.f1),
              },
            ]),
          ),
        }
      : {}),
    textsPerSecond: r.textsPerSecond,
  };
}

function main(): void {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--split");
  const wanted = at >= 0 ? argv[at + 1] : undefined;
  const json = argv.includes("--json");
  const path = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--split") ?? dataDir();
  const splits: readonly Split[] =
    wanted === "dev" ? ["dev"] : wanted === "test" || json ? ["test"] : ["dev", "test"];
  if (json) {
    const files = splits.flatMap((split) => resultsFor(path, split)).map(toJson);
    console.log(JSON.stringify({ files }));
    return;
  }
  for (const split of splits) {
    const results = resultsFor(path, split);
    console.log(`\n=== ${split} split ===`);
    console.log(`Coverage (${split} split): share of comments tagged with at least one component`);
    console.log(
      "file                       lang  neg cov%  pos cov%  all cov%   rows   components of negative comments",
    );
    for (const r of results) printCoverage(r);
    for (const r of results) printComponents(r);
  }
}

main();
