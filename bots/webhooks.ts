import type { AlertChange } from "../core/alerts/service.ts";
import type { QueueStore } from "../core/sending/queue.ts";
import { createSendWorker, type SendWorker } from "../core/sending/worker.ts";
import type { DisablePolicy } from "../core/webhooks/deliver.ts";
import type { WebhookRegistry } from "../core/webhooks/registry.ts";
import { createWebhookService, type WebhookService } from "../core/webhooks/service.ts";
import { openSendQueueStore } from "../storage/send-queue-store.ts";
import { createWebhookStore } from "../storage/webhook-store.ts";
import type { App } from "./app.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

/** Outgoing webhooks, running: the registry for `/cx webhooks`, the alert listener, and their queue worker. */
export interface RunningWebhooks {
  readonly service: WebhookService;
  readonly registry: WebhookRegistry;
  /** Give to the alert service as its `onChange`. */
  onAlert(change: AlertChange): void;
  /** Stops listening, enqueues what was handed over, and stops the worker if it is this one's. */
  close(): Promise<void>;
}

export interface WebhookOptions {
  /** The send queue; opened on the app's database when absent. */
  readonly queue?: QueueStore;
  /** The process's send worker; when absent, one is started here for `webhook` jobs. */
  readonly worker?: SendWorker;
  readonly disable?: DisablePolicy;
  /** How often the worker started here looks for due jobs (default 1 s). */
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Starts outgoing webhooks on an app: the survey hub's ended conversations and the alerts become `webhook`
 * jobs on the send queue, which a worker delivers.
 */
export async function startWebhooks(
  app: App,
  config: Config,
  logger: Logger,
  options: WebhookOptions = {},
): Promise<RunningWebhooks> {
  const { connection } = app.database;
  const queue = options.queue ?? (await openSendQueueStore(connection));
  const service = createWebhookService({
    store: createWebhookStore(connection, {
      onCorrupt: (id, error) =>
        logger.error(
          { code: "STORE_CORRUPT", collection: "webhook_endpoints", id, err: error },
          "unreadable",
        ),
    }),
    queue,
    responses: app.database.stores.responses,
    flows: app.flows,
    policy: { allowLoopback: config.CX_WEBHOOKS_ALLOW_HTTP },
    ...(options.disable === undefined ? {} : { disable: options.disable }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onError: (error, context) =>
      logger.error({ err: error, context, code: "WEBHOOK_FAILED" }, "could not queue a webhook event"),
    onDisabled: (endpoint, reason) =>
      logger.warn(
        { code: "WEBHOOK_DISABLED", endpoint: endpoint.id, url: endpoint.url, reason },
        "a webhook endpoint was disabled",
      ),
  });
  const own =
    options.worker === undefined
      ? createSendWorker({
          store: queue,
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          onError: (error, job) =>
            logger.error({ err: error, job: job?.id, code: "SEND_QUEUE_FAILED" }, "send queue failure"),
        })
      : undefined;
  const worker = options.worker ?? own;
  worker?.register("webhook", service.handler);
  own?.start();
  const unsubscribe = app.hub.subscribe((events) => service.onEvents(events));
  let closing: Promise<void> | undefined;
  return {
    service,
    registry: service.registry,
    onAlert: (change) => service.onAlert(change),
    close() {
      closing ??= (async () => {
        unsubscribe();
        await service.idle();
        await own?.stop();
      })();
      return closing;
    },
  };
}
