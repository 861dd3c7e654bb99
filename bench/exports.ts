import { resolve } from "node:path";
import { type ExportFormat, encodeExport } from "../core/exports/encode.ts";
import { prepareResponseExport, type ResponseExportSource } from "../core/exports/responses.ts";
import { createExportStore } from "../storage/export-store.ts";
import { openDatabase } from "../storage/mongo-stores.ts";
import {
  EXPORT_FLOW,
  EXPORT_FLOW_HASH,
  type FakeResponse,
  insertResponses,
  responseDoc,
} from "../test/exports/helpers.ts";
import { benchServer } from "./server.ts";

const _root = resolve(import.meta.dirname, "..");
const rowsArg = process.argv.find((a) => a.startsWith("--rows="));
const ROWS = rowsArg ? Number(rowsArg.slice(7)) : process.argv.includes("--quick") ? 10_000 : 100_000;

function* responses(): Generator<FakeResponse> {
  const start = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < ROWS; i++)
    yield {
      id: `b${i}`,
      userId: String(10_000_000 + i),
      startedAt: new Date(start + i * 30_000),
      score: i % 11,
      reasons: i % 2 === 0 ? ["price"] : ["speed", "price"],
      comment:
        i % 3 === 0
          ? "The delivery was late and support never answered my emails."
          : i % 3 === 1
            ? "ارسال خیلی دیر رسید ولی پشتیبانی خوب بود"
            : "Ürün çok kaliteli, teşekkürler",
      locale: i % 3 === 0 ? "en" : i % 3 === 1 ? "fa" : "tr",
      properties: { order: `O-${i}`, region: i % 2 === 0 ? "north" : "south" },
    };
}

async function drain(
  source: ResponseExportSource,
  flows: Parameters<typeof prepareResponseExport>[1],
  format: ExportFormat,
) {
  const exported = await prepareResponseExport(source, flows, { flowKey: "shop" }, { identities: false });
  if (!exported) throw new Error("no flow");
  const t0 = performance.now();
  let bytes = 0;
  for await (const chunk of encodeExport(exported, format)) bytes += Buffer.byteLength(chunk);
  return { ms: performance.now() - t0, bytes };
}

async function main(): Promise<void> {
  const server = await benchServer("exports");
  const { target } = server;
  const db = await openDatabase(target.uri, `cxbench_exports_${Date.now().toString(36)}`, {
    soleWriter: false,
  });
  try {
    console.log(`\nExports (${ROWS.toLocaleString("en")} stored responses, ${target.kind})`);
    await db.stores.flows.publish(EXPORT_FLOW, EXPORT_FLOW_HASH, "bench");
    const t0 = performance.now();
    await insertResponses(db.connection, responses());
    console.log(`  stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const source = createExportStore(db.connection);
    for (const format of ["csv", "jsonl"] as const) {
      const { ms, bytes } = await drain(source, db.stores.flows, format);
      console.log(
        `  ${format.padEnd(5)} from the database: ${Math.round(ROWS / (ms / 1000)).toLocaleString("en")} rows/s (${(ms / 1000).toFixed(1)} s, ${(bytes / 1024 / 1024).toFixed(1)} MB)`,
      );
    }
    // The same rows from memory: what building and encoding cost without the database.
    const states = [...responses()].map((r) => responseDoc(r).state);
    const memory: ResponseExportSource = {
      async *responses() {
        yield* states;
      },
      propertyKeys: async () => ["order", "region"],
      pseudonymSecret: async () => Buffer.alloc(32, 7),
    };
    const { ms } = await drain(memory, db.stores.flows, "csv");
    console.log(
      `  csv   from memory (rows and encoding only): ${Math.round(ROWS / (ms / 1000)).toLocaleString("en")} rows/s`,
    );
  } finally {
    await db.connection.dropDatabase().catch(() => {});
    await db.close();
    await server.stop();
  }
}

await main();
