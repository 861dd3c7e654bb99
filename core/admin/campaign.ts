import { MAX_PROPERTIES, MAX_PROPERTY_VALUE, ZSurveyRequest } from "../api/schemas.ts";
import { err, ok, type Result } from "../result.ts";
import type { SurveySendRequest } from "../sending/types.ts";

/**
 * A campaign file for `/cx send <flow>`: a CSV whose first line names the columns — `platform`, `userId`, and
 * optionally `locale`, `reference` and any property columns (kept with each response, like the API's
 * `properties`). Every row is checked with the HTTP API's own schema; one bad row sends nothing, and every bad
 * row is listed with its line, so the admin fixes the file once and sends it again (half a campaign sent,
 * with the rest to pick out by hand, is what nobody wants).
 */

/** The most rows one file may hold. */
export const MAX_CAMPAIGN_ROWS = 10_000;
const MAX_REFERENCE = 128;

export type RowProblem =
  | { readonly kind: "platform" | "userId" | "locale" }
  | { readonly kind: "reference"; readonly max: number }
  | { readonly kind: "property"; readonly column: string; readonly max: number }
  | { readonly kind: "duplicate"; readonly other: number };

export type CampaignProblem =
  | { readonly kind: "unparsable"; readonly line: number }
  | { readonly kind: "bad-header"; readonly column: string }
  | { readonly kind: "missing-column"; readonly column: string }
  | { readonly kind: "too-many-columns"; readonly count: number; readonly limit: number }
  | { readonly kind: "empty" }
  | { readonly kind: "too-many-rows"; readonly count: number; readonly limit: number }
  | {
      readonly kind: "rows";
      readonly rows: readonly { readonly line: number; readonly problem: RowProblem }[];
    };

const FIXED = ["platform", "userid", "locale", "reference"] as const;
const PROPERTY = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** Reads a campaign file into send requests for `flow`, or says what is wrong with it. */
export async function readCampaign(
  text: string,
  flow: string,
): Promise<Result<readonly SurveySendRequest[], CampaignProblem>> {
  // Loaded on the first campaign, not at every start-up.
  const { parse } = await import("csv-parse/sync");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns `{ record, info }` per row (its typings only know plain rows).
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    return err({ kind: "unparsable", line: typeof line === "number" ? line : 1 });
  }
  const [header, ...rows] = records;
  if (!header) return err({ kind: "empty" });
  const columns = header.record.map((c) => c.trim());
  const index = new Map<string, number>();
  const properties: { column: string; at: number }[] = [];
  for (const [at, column] of columns.entries()) {
    const fixed = FIXED.find((f) => f === column.toLowerCase());
    if (fixed && !index.has(fixed)) index.set(fixed, at);
    else if (!fixed && PROPERTY.test(column) && !properties.some((p) => p.column === column))
      properties.push({ column, at });
    else return err({ kind: "bad-header", column: column.slice(0, 40) });
  }
  for (const [needed, shown] of [
    ["platform", "platform"],
    ["userid", "userId"],
  ] as const)
    if (!index.has(needed)) return err({ kind: "missing-column", column: shown });
  if (properties.length > MAX_PROPERTIES)
    return err({ kind: "too-many-columns", count: properties.length, limit: MAX_PROPERTIES });
  if (rows.length === 0) return err({ kind: "empty" });
  if (rows.length > MAX_CAMPAIGN_ROWS)
    return err({ kind: "too-many-rows", count: rows.length, limit: MAX_CAMPAIGN_ROWS });

  const cell = (row: readonly string[], name: (typeof FIXED)[number]): string | undefined => {
    const at = index.get(name);
    const value = at === undefined ? undefined : row[at];
    return value === undefined || value === "" ? undefined : value;
  };
  const requests: SurveySendRequest[] = [];
  const problems: { line: number; problem: RowProblem }[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    // The line a record starts on: csv-parse counts up to its end.
    const line = info.lines;
    const props = Object.fromEntries(
      properties.flatMap((p) => {
        const v = record[p.at];
        return v === undefined || v === "" ? [] : [[p.column, v]];
      }),
    );
    const parsed = ZSurveyRequest.safeParse({
      platform: cell(record, "platform")?.toLowerCase(),
      userId: cell(record, "userid"),
      flow,
      ...(cell(record, "locale") ? { locale: cell(record, "locale")?.toLowerCase() } : {}),
      ...(cell(record, "reference") ? { reference: cell(record, "reference") } : {}),
      ...(Object.keys(props).length > 0 ? { properties: props } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const [field, sub] = issue?.path ?? [];
      const problem: RowProblem =
        field === "platform" || field === "userId" || field === "locale"
          ? { kind: field }
          : field === "reference"
            ? { kind: "reference", max: MAX_REFERENCE }
            : { kind: "property", column: String(sub ?? "properties"), max: MAX_PROPERTY_VALUE };
      problems.push({ line, problem });
      continue;
    }
    const who = `${parsed.data.platform}:${parsed.data.userId}`;
    const other = seen.get(who);
    if (other !== undefined) {
      problems.push({ line, problem: { kind: "duplicate", other } });
      continue;
    }
    seen.set(who, line);
    const { platform, userId, locale, reference, properties: kept } = parsed.data;
    requests.push({
      platform,
      userId,
      flow,
      ...(locale === undefined ? {} : { locale }),
      ...(reference === undefined ? {} : { reference }),
      ...(kept === undefined ? {} : { properties: kept }),
    });
  }
  return problems.length > 0 ? err({ kind: "rows", rows: problems }) : ok(requests);
}
