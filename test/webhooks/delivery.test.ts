import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QueueStore } from "../../core/sending/queue.ts";
import { createSendWorker, type SendWorker } from "../../core/sending/worker.ts";
import { RETRY_DELAYS_MS, webhookJob } from "../../core/webhooks/deliver.ts";
import { pingEvent, type WebhookEvent } from "../../core/webhooks/events.ts";
import type { WebhookEndpoint } from "../../core/webhooks/registry.ts";
import { createWebhookService, type WebhookService } from "../../core/webhooks/service.ts";
import { verifyWebhook } from "../../core/webhooks/sign.ts";
import { openSendQueueStore } from "../../storage/send-queue-store.ts";
import { createWebhookStore } from "../../storage/webhook-store.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * Delivery through the real send queue (on the test database) to a real HTTP receiver on 127.0.0.1, with a
 * settable clock so retries can be walked through without waiting.
 */

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let db: TestDb;
let queue: QueueStore;
let server: Server;
let base: string;
const received: Received[] = [];
/** How the receiver answers the next requests: a status, or `hang` (never answers). */
let answer: number | "hang" = 200;
/** A `Retry-After` header to send with the answers. */
let retryAfter: string | undefined;
let now = new Date("2026-12-05T10:00:00Z");
const clock = () => now;
let service: WebhookService;
let worker: SendWorker;

beforeAll(async () => {
  db = await connectTestDb("webhooks");
  queue = await openSendQueueStore(db.connection, { clock });
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      if (answer === "hang") return;
      res
        .writeHead(answer, {
          "Content-Type": "text/plain",
          ...(retryAfter ? { "Retry-After": retryAfter } : {}),
        })
        .end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service = createWebhookService({
    store: createWebhookStore(db.connection),
    queue,
    responses: { get: async () => null },
    flows: { get: async () => null },
    policy: { allowLoopback: true },
    disable: { maxStreak: 3, maxFailingMs: 3 * 86_400_000, minStreakForAge: 2 },
    timeoutMs: 300,
    clock,
    onError: (error) => {
      throw error;
    },
  });
  worker = createSendWorker({ store: queue, clock });
  worker.register("webhook", service.handler);
});

afterEach(() => {
  received.length = 0;
  answer = 200;
  retryAfter = undefined;
});

afterAll(async () => {
  await worker?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.drop();
});

async function endpoint(path: string): Promise<WebhookEndpoint> {
  const added = await service.registry.add(`${base}${path}`, [], "telegram:1");
  if (!added.ok) throw new Error(added.error);
  return added.value;
}

const event = (n: string): WebhookEvent => pingEvent(`wh_${n.padEnd(16, "0")}`, now);

describe("webhook delivery through the send queue", () => {
  it("POSTs a correctly signed event once; enqueuing it again creates nothing", async () => {
    const e = await endpoint("/ok");
    const ev = event("a");
    const job = webhookJob(e, ev, now);
    expect(job).toMatchObject({ kind: "webhook", lane: `webhook:${new URL(base).host}` });
    expect(await queue.enqueue([job])).toEqual({ created: 1, existing: 0 });
    expect(await worker.runOnce()).toBe(1);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.path).toBe("/ok");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.headers["x-cxbot-event"]).toBe("ping");
    expect(JSON.parse(got?.body ?? "")).toEqual(ev);
    expect(verifyWebhook(e.secret, got?.headers ?? {}, got?.body ?? "", 300, now)).toEqual({ ok: true });
    expect((await queue.get(job.id))?.state).toBe("done");
    const [listed] = await service.registry.list();
    expect(listed?.health).toMatchObject({ failureStreak: 0, lastSuccessAt: now });

    expect(await queue.enqueue([job])).toEqual({ created: 0, existing: 1 });
    expect(await worker.runOnce()).toBe(0);
    expect(received).toHaveLength(1);
    await service.registry.remove(e.id);
  });

  it("retries a failing receiver with backoff, then disables the endpoint after the failure streak", async () => {
    const e = await endpoint("/down");
    answer = 500;
    const job = webhookJob(e, event("b"), now);
    await queue.enqueue([job]);
    expect(await worker.runOnce()).toBe(1);
    expect(await queue.get(job.id)).toMatchObject({ state: "queued", attempts: 1, lastError: "HTTP 500" });
    // Not due again before the first delay is over.
    now = new Date(now.getTime() + (RETRY_DELAYS_MS[0] ?? 0) - 1000);
    expect(await worker.runOnce()).toBe(0);
    now = new Date(now.getTime() + 2000);
    expect(await worker.runOnce()).toBe(1);
    expect(await queue.get(job.id)).toMatchObject({ state: "queued", attempts: 2 });
    let health = (await service.registry.list()).find((x) => x.id === e.id)?.health;
    expect(health).toMatchObject({ failureStreak: 2, lastError: "HTTP 500" });

    now = new Date(now.getTime() + (RETRY_DELAYS_MS[1] ?? 0) + 1000);
    expect(await worker.runOnce()).toBe(1);
    expect(received).toHaveLength(3);
    const disabled = (await service.registry.list()).find((x) => x.id === e.id);
    expect(disabled).toMatchObject({ state: "disabled", disabledReason: "failing" });
    expect(await queue.get(job.id)).toMatchObject({ state: "failed" });

    // Disabled: new events are not queued for it, and one already queued is dropped without a request.
    const late = webhookJob(e, event("c"), now);
    await queue.enqueue([late]);
    answer = 200;
    expect(await worker.runOnce()).toBe(1);
    expect(received).toHaveLength(3);
    expect(await queue.get(late.id)).toMatchObject({ state: "failed" });

    // An admin turns it back on: the streak starts again.
    const enabled = await service.registry.enable(e.id);
    expect(enabled).toMatchObject({ state: "active", health: { failureStreak: 0 } });
    health = enabled?.health;
    expect(health?.failingSince).toBeUndefined();
    await service.registry.remove(e.id);
  });

  it("by default, disables for 3 days of failures, not for a burst of failed events", async () => {
    const defaults = createWebhookService({
      store: createWebhookStore(db.connection),
      queue,
      responses: { get: async () => null },
      flows: { get: async () => null },
      policy: { allowLoopback: true },
      timeoutMs: 300,
      clock,
      onError: (error) => {
        throw error;
      },
    });
    const drain = createSendWorker({ store: queue, clock });
    drain.register("webhook", defaults.handler);
    const e = await endpoint("/burst");
    answer = 500;
    // A receiver down during a busy moment: 25 events fail once each.
    const jobs = Array.from({ length: 25 }, (_, i) =>
      webhookJob(e, event(`burst${String(i).padStart(2, "0")}x`), now),
    );
    await queue.enqueue(jobs);
    expect(await drain.runOnce()).toBe(25);
    expect((await defaults.registry.list()).find((x) => x.id === e.id)).toMatchObject({
      state: "active",
      health: { failureStreak: 25 },
    });
    // One of them retried on its schedule until 3 days have passed since the first failure.
    for (const j of jobs.slice(1)) await queue.cancel(j.id);
    const [first] = jobs;
    const start = now.getTime();
    let attempts = 1;
    while ((await queue.get(first?.id ?? ""))?.state === "queued") {
      now = new Date(now.getTime() + (RETRY_DELAYS_MS[attempts - 1] ?? 0) + 1000);
      expect(await drain.runOnce()).toBe(1);
      attempts++;
    }
    const disabled = (await defaults.registry.list()).find((x) => x.id === e.id);
    expect(disabled).toMatchObject({ state: "disabled", disabledReason: "failing" });
    expect(now.getTime() - start).toBeGreaterThanOrEqual(3 * 86_400_000);
    expect(attempts).toBe(RETRY_DELAYS_MS.length + 1);
    await defaults.registry.remove(e.id);
  });

  it("disables an endpoint at once when the receiver answers 410 Gone", async () => {
    const e = await endpoint("/gone");
    answer = 410;
    const job = webhookJob(e, event("d"), now);
    await queue.enqueue([job]);
    await worker.runOnce();
    expect(await queue.get(job.id)).toMatchObject({ state: "failed" });
    expect((await service.registry.list()).find((x) => x.id === e.id)).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
    });
    await service.registry.remove(e.id);
  });

  it("counts a receiver that does not answer in time as a failure, honours Retry-After, and a success ends the streak", async () => {
    const e = await endpoint("/slow");
    answer = "hang";
    const job = webhookJob(e, event("e"), now);
    await queue.enqueue([job]);
    await worker.runOnce();
    expect(await queue.get(job.id)).toMatchObject({ state: "queued", attempts: 1, lastError: "timeout" });
    server.closeAllConnections();

    // A receiver asking to wait ten minutes is not tried again sooner.
    answer = 503;
    retryAfter = "600";
    now = new Date(now.getTime() + (RETRY_DELAYS_MS[0] ?? 0) + 1000);
    await worker.runOnce();
    const retried = await queue.get(job.id);
    expect(retried).toMatchObject({ state: "queued", attempts: 2, lastError: "HTTP 503" });
    expect(retried?.dueAt.getTime()).toBe(now.getTime() + 600_000);
    expect((await service.registry.list()).find((x) => x.id === e.id)?.health.failureStreak).toBe(2);

    // It answers again: delivered, and the streak is over.
    answer = 200;
    now = new Date(now.getTime() + 601_000);
    await worker.runOnce();
    expect(await queue.get(job.id)).toMatchObject({ state: "done" });
    expect((await service.registry.list()).find((x) => x.id === e.id)?.health).toMatchObject({
      failureStreak: 0,
      lastSuccessAt: now,
    });
    await service.registry.remove(e.id);
  });

  it("tests an endpoint on request, without touching its health", async () => {
    const e = await endpoint("/ping");
    expect(await service.registry.test(e.id)).toMatchObject({ ok: true, status: 200 });
    const [got] = received;
    expect(JSON.parse(got?.body ?? "")).toMatchObject({ type: "ping", data: { endpointId: e.id } });
    expect(verifyWebhook(e.secret, got?.headers ?? {}, got?.body ?? "", 300)).toEqual({ ok: true });
    answer = 503;
    expect(await service.registry.test(e.id)).toMatchObject({ ok: false, error: "HTTP 503" });
    expect((await service.registry.list()).find((x) => x.id === e.id)?.health.failureStreak).toBe(0);
    expect(await service.registry.test("wh_0000000000000000")).toBeNull();
    await service.registry.remove(e.id);
  });
});
