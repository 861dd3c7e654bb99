import { resolve } from "node:path";
import mongoose from "mongoose";
import { createSurveyDispatcher } from "../core/sending/surveys.ts";
import type { SurveySendRequest } from "../core/sending/types.ts";
import { openSendQueueStore } from "../storage/send-queue-store.ts";
import { openSurveySendStore } from "../storage/survey-send-store.ts";
import { startFakeTelegram } from "../test/fakes/telegram-api.ts";
import { type CxbotProcess, spawnCxbot } from "../test/helpers/process.ts";
import { benchServer } from "./server.ts";

const quick = process.argv.includes("--quick");
const _root = resolve(import.meta.dirname, "..");
const f1 = (n: number) => n.toFixed(1);

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function connect(uri: string, dbName: string) {
  const connection = mongoose.createConnection(uri, { dbName, autoIndex: false, maxPoolSize: 10 });
  await connection.asPromise();
  const queue = await openSendQueueStore(connection);
  const store = await openSurveySendStore(connection);
  return { connection, queue, dispatcher: createSurveyDispatcher({ queue, store }) };
}

export async function sendingBench(): Promise<void> {
  const server = await benchServer("sending", { quiet: true });
  const { target } = server;
  const fake = await startFakeTelegram({
    maxLongPollMs: 500,
    token: "5555:sending-bench-token-aaaaaaaaaaaaaaaa",
    sendLimits: { perSecond: 30, perChatPerSecond: 1 },
  });
  const dbName = `cxbench_sending_${Date.now().toString(36)}`;
  const url = new URL(target.uri);
  url.pathname = `/${dbName}`;
  let cxbot: CxbotProcess | undefined;
  const opened: mongoose.Connection[] = [];
  try {
    console.log(
      "\n## 8. Sending on cxbot's initiative (the cxbot process and its send worker; the fake Telegram enforcing 30 messages/s and 1/s per chat, in the bench process)",
    );
    cxbot = await spawnCxbot({
      MONGODB_URI: url.toString(),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DIGEST_AT: "off",
      ...(process.env.BENCH_CX_ENV
        ? Object.fromEntries(
            process.env.BENCH_CX_ENV.split(",").map((kv) => kv.split("=") as [string, string]),
          )
        : {}),
    });
    const running = cxbot;
    await waitFor("telegram ready", () => running.stderr().includes('"msg":"telegram ready"'), 60_000);

    const n = quick ? 300 : 900;
    const users = Array.from({ length: n }, (_, i) => 6_000_000 + i);
    for (const id of users) fake.addPrivateChat({ id, first_name: `Bench ${id}`, language_code: "en" });
    const delivered: number[] = [];
    const firstQuestion = new Set<string>();
    fake.onCall((call, ok) => {
      if (!ok || call.method !== "sendMessage") return;
      const chat = String(call.body.chat_id);
      if (firstQuestion.has(chat)) return;
      firstQuestion.add(chat);
      delivered.push(performance.now());
    });
    const bench = await connect(target.uri, dbName);
    opened.push(bench.connection);
    const requests: SurveySendRequest[] = users.map((id) => ({
      platform: "telegram",
      userId: String(id),
      flow: "nps",
      reference: `bench-${id}`,
      properties: { campaign: "bench" },
    }));
    const started = performance.now();
    for (let i = 0; i < requests.length; i += 500) {
      await bench.dispatcher.request(requests.slice(i, i + 500), "bench");
    }
    await waitFor(`${n} surveys delivered`, () => delivered.length >= n, n * 1000);
    const sorted = [...delivered].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))] ?? Number.NaN;
    const sustained = ((0.8 * n) / (at(0.9) - at(0.1))) * 1000;
    const overall = (n / ((sorted.at(-1) ?? started) - started)) * 1000;
    const sends = fake.callsTo("sendMessage").length;
    console.log(
      `  campaign of ${n} surveys (NPS, one message each): ${f1(sustained)} messages/s sustained (the middle 80 %; target ≥ 28), ${f1(overall)}/s from queuing to the last delivery; ${fake.rateLimited()} answered 429 (target 0), ${sends} sendMessage calls`,
    );

    // The time to queue 100,000 surveys, in a database of its own (no worker drains it).
    const m = quick ? 20_000 : 100_000;
    const cold = await connect(target.uri, `${dbName}_enqueue`);
    opened.push(cold.connection);
    const batch = 1000;
    const t0 = performance.now();
    for (let i = 0; i < m; i += batch) {
      await cold.dispatcher.request(
        Array.from({ length: batch }, (_, j) => ({
          platform: "telegram" as const,
          userId: String(7_000_000 + i + j),
          flow: "nps",
          properties: { campaign: "enqueue" },
        })),
        "bench",
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const queued = await cold.queue.countQueued();
    console.log(
      `  queuing ${m.toLocaleString("en")} surveys (records and jobs, batches of ${batch}): ${f1(seconds)} s, ${Math.round(m / seconds).toLocaleString("en")} surveys/s (${queued.toLocaleString("en")} jobs queued)`,
    );
    await cold.connection.dropDatabase();
  } finally {
    await cxbot?.stop();
    for (const c of opened) await c.close();
    await fake.close();
    await server.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  sendingBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
