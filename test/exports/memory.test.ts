import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeExport } from "../../core/exports/encode.ts";
import { prepareResponseExport } from "../../core/exports/responses.ts";
import { createExportStore } from "../../storage/export-store.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { EXPORT_FLOW, EXPORT_FLOW_HASH, type FakeResponse, insertResponses } from "./helpers.ts";

/**
 * A 100,000-row export streams: the heap stays flat while the rows go by (measured after forced collections),
 * far below the size of the export itself.
 */

const ROWS = 100_000;
const COMMENT =
  "The delivery was late again and nobody told me anything, the courier left the parcel at the wrong door. " +
  "ارسال دیر رسید و هیچ‌کس خبر نداد. التوصيل تأخر ولم يخبرني أحد. ";

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function* responses(): Generator<FakeResponse> {
  const start = Date.parse("2026-06-01T00:00:00Z");
  for (let i = 0; i < ROWS; i++)
    yield {
      id: `m${i}`,
      userId: String(1_000_000 + i),
      startedAt: new Date(start + i * 60_000),
      score: i % 11,
      reasons: i % 2 === 0 ? ["price"] : ["speed", "price"],
      comment: `${COMMENT}#${i}`,
      properties: { order: `O-${i}`, region: i % 3 === 0 ? "north" : "south" },
    };
}

beforeAll(async () => {
  db = await connectTestDb("export_memory");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  await stores.flows.publish(EXPORT_FLOW, EXPORT_FLOW_HASH, "test");
  await insertResponses(db.connection, responses());
}, 600_000);
afterAll(async () => {
  await db?.drop();
});

describe("export memory", () => {
  it("streams 100,000 rows with a flat heap", { timeout: 600_000 }, async () => {
    const exported = await prepareResponseExport(
      createExportStore(db.connection),
      stores.flows,
      { flowKey: "shop" },
      { identities: false },
    );
    if (!exported) throw new Error("no flow");
    let bytes = 0;
    let rows = 0;
    const heap: number[] = [];
    for await (const chunk of encodeExport(exported, "csv")) {
      bytes += Buffer.byteLength(chunk);
      // Count records, not the line breaks inside quoted comments: the comment has none.
      for (let i = chunk.indexOf("\r\n"); i !== -1; i = chunk.indexOf("\r\n", i + 2)) rows++;
      if (heap.length < Math.floor(rows / 10_000)) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    }
    expect(rows).toBe(ROWS + 1);
    const baseline = heap[0] ?? 0;
    const peak = Math.max(...heap);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `export memory: ${rows - 1} rows, ${mb(bytes)} MB of CSV; heap ${mb(baseline)} MB after 10,000 rows, peak ${mb(peak)} MB`,
    );
    expect(bytes).toBeGreaterThan(30 * 1024 * 1024);
    // Flat: the heap grows by far less than the export (which would be twice its bytes as a JS string).
    expect(peak - baseline).toBeLessThan(24 * 1024 * 1024);
  });
});
