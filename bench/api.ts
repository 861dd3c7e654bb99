import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createHttpApi } from "../bots/api/api.ts";
import { startHttpServer } from "../bots/http.ts";
import { createLogger } from "../bots/logger.ts";
import { classifyDeliveryError } from "../bots/sending/classify.ts";
import { seedFlows } from "../core/admin/seed.ts";
import { loadFlowDirectory } from "../core/flow/load.ts";
import { FlowRegistry } from "../core/flow/registry.ts";
import { createSurveyHub } from "../core/hub.ts";
import { createOperations } from "../core/operations.ts";
import { createSurveySending } from "../core/sending/surveys.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { createSurveyService } from "../core/service.ts";
import { openDatabase } from "../storage/mongo-stores.ts";
import { openSendQueueStore } from "../storage/send-queue-store.ts";
import { openSurveySendStore } from "../storage/survey-send-store.ts";
import { benchServer } from "./server.ts";

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

async function main(): Promise<void> {
  const server = await benchServer("api");
  const { target } = server;
  const db = await openDatabase(target.uri, `cxbench_api_${Date.now().toString(36)}`, { soleWriter: false });
  const logger = createLogger("silent");
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
    // The dispatcher the app runs: each call records the survey and queues its send job (no worker here, so
    // the figure is the API's: what a caller waits for).
    const service = createSurveyService({
      stores: db.stores,
      flows,
      analyzer: createRuleBasedSentimentAnalyzer(),
      defaultLocale: "en",
      defaultFlow: "nps",
      maxConcurrency: 8,
    });
    const sending = createSurveySending({
      queue: await openSendQueueStore(db.connection),
      store: await openSurveySendStore(db.connection),
      respondents: db.stores.respondents,
      flows,
      survey: service,
      operations: createOperations({ survey: service, messenger: { deliver: async () => {} } }),
      hub: createSurveyHub(() => {}),
      policy: { fatigueDays: 30, timeZone: "UTC" },
      classify: classifyDeliveryError,
    });
    const dispatcher = sending.dispatcher;
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
      `HTTP API, single triggers (${REQUESTS} requests, ${CONCURRENCY} in flight, ${process.env.MONGODB_URI ? "MongoDB" : "embedded database"}, the send queue's dispatcher):`,
    );
    await run("warm-up", false);
    await run("POST /api/v1/surveys", false);
    await run("with Idempotency-Key", true);
    await http.close();
    api.close();
    sending.close();
    await service.close();
  } finally {
    await db.close();
    await server.stop();
  }
}

await main();
