import { hostname } from "node:os";
import { createOperations, type Messenger } from "../../core/operations.ts";
import { parseQuietHours, type SendPolicy } from "../../core/sending/fatigue.ts";
import { createRateLimiter, type RateLimiter } from "../../core/sending/limiter.ts";
import type { QueueStore } from "../../core/sending/queue.ts";
import { createSurveySending, type SurveySendStore } from "../../core/sending/surveys.ts";
import type { JobHandler, JobKind, JobQueue, SurveyDispatcher } from "../../core/sending/types.ts";
import { createSendWorker, type SendWorker, type SendWorkerOptions } from "../../core/sending/worker.ts";
import { openSendQueueStore } from "../../storage/send-queue-store.ts";
import { openSurveySendStore } from "../../storage/survey-send-store.ts";
import type { App } from "../app.ts";
import type { Config } from "../config.ts";
import type { PlatformAdapter } from "../contract.ts";
import type { Logger } from "../logger.ts";
import { classifyDeliveryError } from "./classify.ts";

/**
 * Sending on cxbot's initiative, wired into a running process: the send queue on the app's database, the
 * per-platform rate limits from each adapter's `sendRate`, the survey dispatcher and the worker that drains the
 * queue (`CX_SEND_WORKERS=0` turns the worker off; the process still enqueues). The HTTP API takes `queue` and
 * `dispatcher` from here; outgoing webhooks register their `webhook` handler with `register`.
 */
export interface Sending {
  readonly queue: JobQueue;
  readonly dispatcher: SurveyDispatcher;
  readonly limiter: RateLimiter;
  /** The worker, when this process runs one. */
  readonly worker?: SendWorker;
  /** Sets the handler of a kind of job (`webhook`: the outgoing webhooks'). */
  register(kind: JobKind, handler: JobHandler): void;
  /** Starts the worker (once the adapters deliver). */
  start(): void;
  /** Stops the worker (jobs running finish) and stops following sent surveys. */
  close(): Promise<void>;
}

export interface SendingOptions {
  readonly app: App;
  readonly adapters: readonly PlatformAdapter[];
  /** Reaches a respondent through their platform's adapter. */
  readonly messenger: Messenger;
  readonly config: Pick<
    Config,
    "CX_SEND_WORKERS" | "CX_SEND_LEASE_MS" | "CX_FATIGUE_DAYS" | "CX_QUIET_HOURS" | "CX_TIMEZONE"
  >;
  readonly logger: Logger;
  /** Tests: a clock, shorter leases and polls. */
  readonly worker?: Partial<Omit<SendWorkerOptions, "store" | "limiter">>;
  readonly clock?: () => Date;
}

/** The sending policy in the environment (`CX_FATIGUE_DAYS`, `CX_QUIET_HOURS`, `CX_TIMEZONE`). */
export function sendPolicyFrom(config: SendingOptions["config"]): SendPolicy {
  const quiet = parseQuietHours(config.CX_QUIET_HOURS);
  return {
    fatigueDays: config.CX_FATIGUE_DAYS,
    ...(typeof quiet === "object" ? { quietHours: quiet } : {}),
    timeZone: config.CX_TIMEZONE,
  };
}

/** A messenger that sends each message when its platform's rate allows it, one at a time. */
function rateLimited(messenger: Messenger, limiter: RateLimiter): Messenger {
  return {
    async deliver(to, messages) {
      for (const message of messages) {
        await limiter.take(to.channel, to.chatId ?? to.userId);
        await messenger.deliver(to, [message]);
      }
    },
  };
}

export async function startSending(
  options: SendingOptions,
): Promise<Sending & { readonly store: QueueStore; readonly sends: SurveySendStore }> {
  const { app, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const onCorrupt = (id: unknown, error: unknown) =>
    logger.error({ code: "STORE_CORRUPT", id, err: error }, "a stored send cannot be read");
  const [store, sends] = await Promise.all([
    openSendQueueStore(app.database.connection, { clock, onCorrupt }),
    openSurveySendStore(app.database.connection, { onCorrupt }),
  ]);
  const limiter = createRateLimiter();
  for (const adapter of options.adapters) {
    const rate = adapter.capabilities.sendRate;
    if (rate) limiter.configure(adapter.channel, rate);
  }
  const operations = createOperations({
    survey: app.service,
    messenger: rateLimited(options.messenger, limiter),
    clock,
  });
  const surveys = createSurveySending({
    queue: store,
    store: sends,
    respondents: app.database.stores.respondents,
    flows: app.flows,
    survey: app.service,
    operations,
    hub: app.hub,
    policy: sendPolicyFrom(options.config),
    classify: classifyDeliveryError,
    pauseLane: (lane, until) => {
      logger.warn(
        { code: "SEND_RATE_LIMITED", lane, until: new Date(until) },
        "rate limited: the lane waits",
      );
      limiter.pause(lane, until);
    },
    clock,
    onError: (error) =>
      logger.error({ err: error, code: "SEND_FAILED" }, "could not record a sent survey's end"),
  });
  const worker =
    options.config.CX_SEND_WORKERS > 0
      ? createSendWorker({
          store,
          limiter,
          owner: `${hostname()}:${process.pid}`,
          leaseMs: options.config.CX_SEND_LEASE_MS,
          clock,
          // A survey or reminder for a platform this process does not run waits for a process that does.
          serves: (job) => job.kind === "webhook" || options.adapters.some((a) => a.channel === job.lane),
          onError: (error, job) =>
            logger.error(
              { err: error, code: "SEND_JOB_FAILED", job: job?.id, kind: job?.kind },
              "send job failed",
            ),
          ...options.worker,
        })
      : undefined;
  const handlers = new Map<JobKind, JobHandler>();
  const register = (kind: JobKind, handler: JobHandler) => {
    handlers.set(kind, handler);
    worker?.register(kind, handler);
  };
  register("survey", surveys.surveyHandler);
  register("reminder", surveys.reminderHandler);
  let closing: Promise<void> | undefined;
  return {
    queue: store,
    store,
    sends,
    dispatcher: surveys.dispatcher,
    limiter,
    ...(worker ? { worker } : {}),
    register,
    start() {
      worker?.start();
    },
    close() {
      closing ??= (async () => {
        await worker?.stop();
        surveys.close();
        await store.close();
      })();
      return closing;
    },
  };
}
