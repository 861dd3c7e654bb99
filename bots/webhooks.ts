import type { AlertChange } from "../core/alerts/service.ts";
import type { JobHandler, JobKind, JobQueue } from "../core/sending/types.ts";
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

/** What webhooks need of the process's sending: its queue, and its worker's handler registry. */
export interface SendingPort {
  readonly queue: JobQueue;
  register(kind: JobKind, handler: JobHandler): void;
}

export interface WebhookOptions {
  /**
   * The process's send queue and worker (`bots/sending/sending.ts`): events are queued there and the `webhook`
   * handler registered with its worker. Without it (the console), the queue is opened on the app's database and
   * a worker for `webhook` jobs is started here.
   */
  readonly sending?: SendingPort;
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
  // The console has no sending of its own: a queue and a worker for webhook jobs only.
  const own = options.sending === undefined ? await ownSending(app, logger, options.pollMs) : undefined;
  const sending: SendingPort = own ?? (options.sending as SendingPort);
  const { queue } = sending;
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
  sending.register("webhook", service.handler);
  own?.worker.start();
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
        await own?.worker.stop();
      })();
      return closing;
    },
  };
}

/** The send queue on the app's database, with a worker for `webhook` jobs (the console runs no other sending). */
async function ownSending(
  app: App,
  logger: Logger,
  pollMs: number | undefined,
): Promise<SendingPort & { readonly worker: SendWorker }> {
  const store = await openSendQueueStore(app.database.connection);
  const worker = createSendWorker({
    store,
    ...(pollMs === undefined ? {} : { pollMs }),
    onError: (error, job) =>
      logger.error({ err: error, job: job?.id, code: "SEND_QUEUE_FAILED" }, "send queue failure"),
  });
  return { queue: store, register: (kind, handler) => worker.register(kind, handler), worker };
}
