import { csvCells, csvHeader, type ResponseExport } from "./responses.ts";

/**
 * The two export formats, as text chunks produced on demand (an async generator: the consumer's pace is the
 * reading pace, so a million rows never sit in memory).
 *
 * CSV follows RFC 4180: UTF-8 with a byte order mark (so spreadsheet programs read Persian and Arabic right),
 * CRLF between records, a field quoted when it holds a comma, a quote, CR or LF, quotes doubled. A text cell
 * that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so a spreadsheet shows it instead of
 * running it as a formula (OWASP's CSV-injection advice). A small writer rather than csv-stringify: that one
 * leaves a lone LF unquoted when the record delimiter is CRLF unless told otherwise, and costs more per field.
 */

export const UTF8_BOM = "\uFEFF";
export type ExportFormat = "csv" | "jsonl";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: numbers as they are, text guarded against formulas and quoted when needed. */
export function csvField(value: string | number): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** One CSV record with its CRLF. */
export const csvLine = (cells: readonly (string | number)[]): string =>
  `${cells.map(csvField).join(",")}\r\n`;

/** Rows are joined into chunks of about this many characters (fewer, larger writes). */
const CHUNK_CHARS = 64 * 1024;

/** An export as text chunks in a format: CSV (BOM and header first) or JSON Lines (one record per line). */
export async function* encodeExport(exported: ResponseExport, format: ExportFormat): AsyncGenerator<string> {
  let chunk = format === "csv" ? UTF8_BOM + csvLine(csvHeader(exported.layout)) : "";
  for await (const record of exported.records()) {
    chunk += format === "csv" ? csvLine(csvCells(record, exported.layout)) : `${JSON.stringify(record)}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** What an export amounts to when it must fit in one file (a chat attachment). */
export type BoundedExport =
  | { readonly kind: "file"; readonly content: string; readonly rows: number }
  | { readonly kind: "too-big" };

/**
 * An export as one string of at most `maxBytes` (UTF-8), or `too-big`: reading stops as soon as the limit is
 * passed (the cursor is closed), so a huge export costs no more than the limit.
 */
export async function boundedExport(
  exported: ResponseExport,
  format: ExportFormat,
  maxBytes: number,
): Promise<BoundedExport> {
  let rows = 0;
  const counted: ResponseExport = {
    layout: exported.layout,
    async *records() {
      for await (const record of exported.records()) {
        rows++;
        yield record;
      }
    },
  };
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of encodeExport(counted, format)) {
    bytes += Buffer.byteLength(chunk);
    if (bytes > maxBytes) return { kind: "too-big" };
    parts.push(chunk);
  }
  return { kind: "file", content: parts.join(""), rows };
}

/** The first instant of a period ending `now`; undefined for everything. */
export function periodStart(period: "7d" | "30d" | "90d" | "12m" | "all", now: Date): Date | undefined {
  switch (period) {
    case "7d":
    case "30d":
    case "90d":
      return new Date(now.getTime() - Number.parseInt(period, 10) * 86_400_000);
    case "12m": {
      const from = new Date(now);
      from.setUTCFullYear(from.getUTCFullYear() - 1);
      return from;
    }
    case "all":
      return undefined;
    default: {
      const never: never = period;
      throw new Error(`unhandled period ${String(never)}`);
    }
  }
}
