/**
 * What the evaluation scripts share: reading the labelled datasets in ../shared/datasets/sentiment (evaluation
 * only, never copied into the repository), and the seeded dev/test split both scripts use, so a comment is in
 * the same half everywhere.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type Locale, ZLocale } from "../core/locale.ts";
import { SENTIMENT_LABELS } from "../core/sentiment/types.ts";
import { normalizeText } from "../core/text/normalize.ts";

export type Split = "dev" | "test";

const SPLIT_SEED = 20240601;

/** CSV records by header (quoted fields, newlines inside quotes, a BOM); rows with the wrong width are left out. */
export function csvRecords(raw: string, delimiter: string): Record<string, string>[] {
  const [header, ...rows] = parse(raw, {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  }) as string[][];
  if (!header) return [];
  return rows
    .filter((r) => r.length === header.length)
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

export function jsonLines(raw: string): Record<string, unknown>[] {
  return raw
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Near-duplicates share a key: the same letters and digits once normalized. */
export function dedupeKey(text: string, locale: Locale): string {
  return normalizeText(text, locale)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** FNV-1a over UTF-16 code units, mixed with a seed. */
export function hash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Which half a deduplicated comment belongs to. */
export function splitOf(key: string): Split {
  return hash(key, SPLIT_SEED) % 2 === 0 ? "dev" : "test";
}

/** Where the datasets are: CX_SENTIMENT_DATA, else ../shared/datasets/sentiment beside the project. */
export function dataDir(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  return process.env.CX_SENTIMENT_DATA ?? resolve(root, "../shared/datasets/sentiment");
}

/** One line of a generic labelled JSONL file: `{"lang", "text", "label", "themes"?}`. */
export const ZGenericRow = z.object({
  lang: ZLocale,
  text: z.string(),
  label: z.enum(SENTIMENT_LABELS),
  themes: z.array(z.string()).optional(),
});
export type GenericRow = z.infer<typeof ZGenericRow>;

/** The rows of a generic JSONL file, and the 1-based numbers of the lines that are not such a row. */
export interface GenericJsonl {
  readonly rows: GenericRow[];
  readonly rejected: number[];
}

/**
 * Reads a generic labelled JSONL file, so anyone can measure cxbot on their own data: one
 * `{"lang": "fa|ar|tr|en", "text": "…", "label": "negative|neutral|positive", "themes": ["price", …]}` per line
 * (`themes` optional, extra keys ignored). Blank lines are skipped; lines that are not valid JSON or not such an
 * object are counted in `rejected`, never fatal.
 */
export function readGenericJsonl(raw: string): GenericJsonl {
  const rows: GenericRow[] = [];
  const rejected: number[] = [];
  const lines = raw.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rejected.push(i + 1);
      return;
    }
    const parsed = ZGenericRow.safeParse(value);
    if (parsed.success && parsed.data.text.trim() !== "") rows.push(parsed.data);
    else rejected.push(i + 1);
  });
  return { rows, rejected };
}

/** Whether a JSONL file is in the generic format: its first non-blank line is a generic row. */
export function isGenericJsonl(raw: string): boolean {
  const first = raw
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .find((l) => l.trim() !== "");
  if (first === undefined) return false;
  try {
    return ZGenericRow.safeParse(JSON.parse(first)).success;
  } catch {
    return false;
  }
}
