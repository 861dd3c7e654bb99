import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExportFormat, encodeExport } from "../../core/exports/encode.ts";
import {
  type ExportRecord,
  prepareResponseExport,
  pseudonymOf,
  type ResponseExportQuery,
} from "../../core/exports/responses.ts";
import { createExportStore } from "../../storage/export-store.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { EXPORT_FLOW, EXPORT_FLOW_HASH, type FakeResponse, insertResponses } from "./helpers.ts";

/** Exports read from the real (embedded) database: what is in a row, what is left out, who a respondent is. */

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");

const fixtures: FakeResponse[] = [
  {
    id: "r1",
    userId: "501",
    startedAt: new Date(NOW - 2 * DAY),
    score: 3,
    reasons: ["price", "speed"],
    comment: "ارسال خیلی دیر رسید و قیمت گران بود\nدیگر خرید نمی‌کنم",
    locale: "fa",
    reference: '=HYPERLINK("http://x")',
    properties: { order: "A-1", agent: "sara" },
  },
  {
    id: "r2",
    userId: "502",
    startedAt: new Date(NOW - 3 * DAY),
    score: 10,
    status: "completed",
    locale: "ar",
  },
  { id: "r3", userId: "503", startedAt: new Date(NOW - 4 * DAY), score: 6, status: "expired" },
  {
    id: "r4",
    userId: "504",
    startedAt: new Date(NOW - 5 * DAY),
    status: "stopped",
    properties: { touchpoint: "web" },
  },
  { id: "t1", userId: "100", startedAt: new Date(NOW - 1 * DAY), score: 0, test: true },
  { id: "old", userId: "505", startedAt: new Date(NOW - 40 * DAY), score: 8 },
];

beforeAll(async () => {
  db = await connectTestDb("exports");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  await stores.flows.publish(EXPORT_FLOW, EXPORT_FLOW_HASH, "test");
  await insertResponses(db.connection, fixtures);
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

async function collect(
  query: ResponseExportQuery,
  format: ExportFormat,
  identities = false,
): Promise<string> {
  const exported = await prepareResponseExport(createExportStore(db.connection), stores.flows, query, {
    identities,
  });
  if (!exported) throw new Error("no such flow");
  let out = "";
  for await (const chunk of encodeExport(exported, format)) out += chunk;
  return out;
}

const csvRows = (text: string): Record<string, string>[] =>
  parse(text, { bom: true, columns: true, record_delimiter: "\r\n" }) as Record<string, string>[];

describe("response export", () => {
  it("exports every non-test response of the period with its status, as CSV rows", async () => {
    const text = await collect({ flowKey: "shop", from: new Date(NOW - 30 * DAY) }, "csv");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = csvRows(text);
    expect(rows.map((r) => r.id).sort()).toEqual(["r1", "r2", "r3", "r4"]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      r1: "completed",
      r2: "completed",
      r3: "expired",
      r4: "stopped",
    });
    const r1 = rows.find((r) => r.id === "r1");
    expect(r1).toMatchObject({
      flow: "shop",
      flow_version: "1",
      channel: "telegram",
      locale: "fa",
      "score.score": "3",
      // Labels in the flow's default language (fa), ids beside them.
      "answer.reason": "قیمت; سرعت",
      "answer.reason.ids": "price;speed",
      "comment.why": "ارسال خیلی دیر رسید و قیمت گران بود\nدیگر خرید نمی‌کنم",
      "comment.why.sentiment": "negative",
      sentiment: "negative",
      // A formula in a reference is shown, not run.
      reference: '\'=HYPERLINK("http://x")',
      "property.order": "A-1",
      "property.agent": "sara",
      properties: "",
    });
    expect(r1?.themes).toMatch(/processes:negative/);
    expect(rows.find((r) => r.id === "r4")?.["property.touchpoint"]).toBe("web");
    expect(rows.find((r) => r.id === "r4")?.["score.score"]).toBe("");
  });

  it("leaves out responses before the period and admins' trial runs", async () => {
    const all = csvRows(await collect({ flowKey: "shop" }, "csv")).map((r) => r.id);
    expect(all).toContain("old");
    expect(all).not.toContain("t1");
    const to = csvRows(
      await collect(
        { flowKey: "shop", from: new Date(NOW - 30 * DAY), to: new Date(NOW - 3.5 * DAY) },
        "csv",
      ),
    ).map((r) => r.id);
    expect(to.sort()).toEqual(["r3", "r4"]);
  });

  it("names respondents by a stable pseudonym, not their user id, unless identities are asked for", async () => {
    const first = csvRows(await collect({ flowKey: "shop" }, "csv"));
    const second = csvRows(await collect({ flowKey: "shop" }, "csv"));
    const r1 = first.find((r) => r.id === "r1")?.respondent ?? "";
    expect(r1).toMatch(/^[0-9a-f]{16}$/);
    expect(r1).not.toContain("501");
    expect(second.find((r) => r.id === "r1")?.respondent).toBe(r1);
    // Keyed by the deployment's secret: a plain hash of the id (or another deployment's key) gives another value.
    expect(pseudonymOf(Buffer.alloc(32), "telegram:501")).not.toBe(r1);
    expect(new Set(first.map((r) => r.respondent)).size).toBe(first.length);
    const named = csvRows(await collect({ flowKey: "shop" }, "csv", true));
    expect(named.find((r) => r.id === "r1")?.respondent).toBe("telegram:501");
  });

  it("writes JSON Lines with the same records, nested", async () => {
    const text = await collect({ flowKey: "shop", from: new Date(NOW - 30 * DAY) }, "jsonl");
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    const records = lines.map((l) => JSON.parse(l) as ExportRecord);
    const r1 = records.find((r) => r.id === "r1");
    expect(r1?.answers.reason).toEqual({ ids: ["price", "speed"], labels: ["قیمت", "سرعت"] });
    expect(r1?.scores.score).toBe(3);
    expect(r1?.properties).toEqual({ order: "A-1", agent: "sara" });
    expect(r1?.themes.some((t) => t.theme === "processes" && t.sentiment === "negative")).toBe(true);
  });
});
