/**
 * Measures the theme tagger (core/themes/themes.ts) on the labelled datasets in ../shared/datasets/sentiment
 * (or $CX_SENTIMENT_DATA). Evaluation only: nothing from the data is copied into the project, and the keyword
 * lists were not built or tuned from it. Only aggregate figures are printed, never the texts.
 *
 *   npm run eval:themes                           # development split, then the held-out test split
 *   npm run eval:themes -- --split dev            # one split only (dev or test)
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
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locale } from "../core/locale.ts";
import { type Theme, tagThemes } from "../core/themes/themes.ts";
import { csvRecords, dataDir, dedupeKey, jsonLines, type Split, splitOf } from "./datasets.ts";
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

function coverage(set: CoverageSet, dir: string, split: Split): void {
  const rows = splitRows(set.load(readFileSync(join(dir, set.file), "utf8")), set.locale, split);
  const tagged = rows.map((r) => ({ gold: r.gold, themes: tagThemes(r.text, set.locale) }));
  const negatives = tagged.filter((r) => r.gold === "negative");
  const counts = new Map<Theme, number>();
  for (const r of negatives) for (const t of r.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${pct(n / Math.max(1, negatives.length)).trim()}%`)
    .join(", ");
  const any = (r: { themes: readonly Theme[] }): boolean => r.themes.length > 0;
  console.log(
    `${set.file.padEnd(24)} ${String(negatives.length).padStart(5)} ${pct(share(negatives, any))}    ` +
      `${pct(
        share(
          tagged.filter((r) => r.gold === "positive"),
          any,
        ),
      )}   ${pct(share(tagged, any))}  ${String(tagged.length).padStart(5)}   ${top}`,
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
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
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

function printPrf(title: string, items: readonly Judged[], names: readonly string[]): void {
  console.log(`\n${title} — ${items.length} rows`);
  console.log("  theme/component   gold  prevalence  precision  recall    F1   F1 95% CI");
  for (const name of names) {
    const m = prf(items, name);
    const [lo, hi] = bootstrapF1(items, name);
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

function parsinluAgreement(dir: string, split: Split): void {
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
  const items: Judged[] = [...byReview.entries()].map(([text, gold]) => {
    const predicted = new Set(tagThemes(text, "fa"));
    return { pairs: new Map(names.map((t) => [t, [gold.has(t), predicted.has(t)] as const])) };
  });
  printPrf(
    `${file} (ParsiNLU aspects: ارسال → processes, ارزش خرید → price, quality/taste/nutrition/packaging → product)`,
    items,
    names,
  );
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

function airlineAgreement(dir: string, split: Split): void {
  const rows = csvRecords(readFileSync(join(dir, "en_airline.csv"), "utf8"), ",")
    .filter(
      (r) => r.airline_sentiment === "negative" && AIRLINE_COMPONENTS[r.negativereason ?? ""] !== undefined,
    )
    .map((r) => ({ text: r.text ?? "", component: AIRLINE_COMPONENTS[r.negativereason ?? ""] }));
  const names: readonly Theme[] = ["people", "processes", "channels"];
  const items: Judged[] = splitRows(rows, "en", split).map((r) => {
    const predicted = new Set(tagThemes(r.text, "en"));
    return { pairs: new Map(names.map((c) => [c, [r.component === c, predicted.has(c)] as const])) };
  });
  printPrf(
    `en_airline.csv negative tweets with a mapped negativereason (${split} split; a tweet has one gold component)`,
    items,
    names,
  );
}

// ---------- main ----------

function main(): void {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--split");
  const wanted = at >= 0 ? argv[at + 1] : undefined;
  const splits: readonly Split[] =
    wanted === "dev" ? ["dev"] : wanted === "test" ? ["test"] : ["dev", "test"];
  const dir = dataDir();
  for (const split of splits) {
    console.log(`\n=== ${split} split ===`);
    console.log(`Coverage (${split} split): share of comments tagged with at least one component`);
    console.log(
      "file                       neg  neg cov%  pos cov%  all cov%   rows   components of negative comments",
    );
    for (const set of COVERAGE_SETS) coverage(set, dir, split);
    parsinluAgreement(dir, split);
    airlineAgreement(dir, split);
  }
}

main();
