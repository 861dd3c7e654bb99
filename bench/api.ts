/**
 * The HTTP API on the embedded database (or MONGODB_URI): requests per second and latency for single triggers
 * (`POST /api/v1/surveys`), through the real HTTP server, key check, zod validation and flow check, without and
 * with an `Idempotency-Key` (one insert and one update more per call), and the dispatcher that the app runs.
 * Requests go to 127.0.0.1 only, `--requests N` per run (default 2,000) with `--concurrency C` in flight
 * (default 16), and each run stops after 60 s whatever its count.
 *
 * `node --import tsx bench/api.ts [--requests N] [--concurrency C]` (also part of `npm run bench`).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createHttpApi } from "../bots/api/api.ts";
import { startHttpServer } from "../bots/http.ts";
import { createLogger } from "../bots/logger.ts";
import { seedFlows } from "../core/admin/seed.ts";
import { loadFlowDirectory } from "../core/flow/load.ts";
import { FlowRegistry } from "../core/flow/registry.ts";
import type { SurveyDispatcher, SurveySend } from "../core/sending/types.ts";
import { resolveMongo } from "../storage/embedded.ts";
import { openDatabase } from "../storage/mongo-stores.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const RUN_LIMIT_MS = 60_000;

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? Number.NaN;
};

/** Until the send queue's dispatcher is wired here: records in memory, so the figure is the API's own cost. */
function memoryDispatcher(): SurveyDispatcher {
  const sends = new Map<string, SurveySend>();
  return {
    async request(requests, source) {
      return requests.map((request) => {
        const id = `sv_${randomBytes(13).toString("hex")}`;
        const now = new Date();
        sends.set(id, {
          id,
          request,
          status: "scheduled",
          source,
          createdAt: now,
          updatedAt: now,
          remindersSent: 0,
        });
        return { id, status: "scheduled" as const };
      });
    },
    async get(id) {
      return sends.get(id) ?? null;
    },
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "cxbench-api-"));
  const target = await resolveMongo({
    ...(process.env.MONGODB_URI ? { uri: process.env.MONGODB_URI } : {}),
    dataDir,
    projectRoot: root,
    ephemeral: true,
    log: (m) => console.log(`  (${m})`),
  });
  const db = await openDatabase(target.uri, `cxbench_api_${Date.now().toString(36)}`, { soleWriter: false });
  const logger = createLogger("silent");
  const dispatcher = memoryDispatcher();
  try {
    const flows = new FlowRegistry(db.stores.flows, db.stores.admin);
    await seedFlows((await loadFlowDirectory(join(root, "flows"))).flows, {
      registry: flows,
      admin: db.stores.admin,
      audit: db.stores.audit,
      reseed: [],
      now: () => new Date(),
    });
    await flows.syncMissing();
    const api = await createHttpApi({ connection: db.connection, flows, logger, dispatcher });
    if (!api.mount) throw new Error("the API is mounted when it has a dispatcher");
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      logger,
      routes: new Map(),
      mounts: [api.mount],
      health: async () => ({ ok: true, checks: {} }),
    });
    const { key } = await api.keys.create("bench", "bench");
    const url = `http://127.0.0.1:${http.port}/api/v1/surveys`;

    const run = async (label: string, idempotent: boolean): Promise<void> => {
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      let next = 0;
      const started = performance.now();
      const deadline = started + RUN_LIMIT_MS;
      const worker = async (): Promise<void> => {
        while (next < REQUESTS && performance.now() < deadline) {
          const i = next++;
          const t0 = performance.now();
          const res = await fetch(url, {
            method: "POST",
            headers: {
              authorization: `Bearer ${key}`,
              "content-type": "application/json",
              ...(idempotent ? { "idempotency-key": `bench-${started.toFixed(0)}-${i}` } : {}),
            },
            body: JSON.stringify({
              platform: "telegram",
              userId: String(100_000 + i),
              flow: "nps",
              reference: `order-${i}`,
              properties: { orderId: `A-${i}`, touchpoint: "delivery" },
            }),
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ${label.padEnd(26)} ${(latencies.length / seconds).toFixed(0).padStart(5)} req/s · p50 ${percentile(latencies, 50).toFixed(1)} ms · p99 ${percentile(latencies, 99).toFixed(1)} ms · ${[...statuses].map(([s, n]) => `${n}×${s}`).join(", ")}`,
      );
    };

    console.log(
      `HTTP API, single triggers (${REQUESTS} requests, ${CONCURRENCY} in flight, ${process.env.MONGODB_URI ? "MongoDB" : "embedded database"}, in-memory dispatcher):`,
    );
    await run("warm-up", false);
    await run("POST /api/v1/surveys", false);
    await run("with Idempotency-Key", true);
    await http.close();
    api.close();
  } finally {
    await db.close();
    await target.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
