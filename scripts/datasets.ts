/**
 * What the evaluation scripts share: reading the labelled datasets in ../shared/datasets/sentiment (evaluation
 * only, never copied into the repository), and the seeded dev/test split both scripts use, so a comment is in
 * the same half everywhere.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { Locale } from "../core/locale.ts";
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
