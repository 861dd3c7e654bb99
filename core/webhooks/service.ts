import type { AlertChange } from "../alerts/service.ts";
import type { Flow } from "../flow/schema.ts";
import type { ResponseStore } from "../ports.ts";
import type { JobHandler, JobQueue, JobSpec } from "../sending/types.ts";
import type { DomainEvent } from "../types.ts";
import {
  createWebhookHandler,
  type DisablePolicy,
  type PostOptions,
  pingEndpoint,
  webhookJob,
} from "./deliver.ts";
import { alertEvent, pingEvent, responseEvent, responseEventType, type WebhookEvent } from "./events.ts";
import {
  createWebhookRegistry,
  type UrlPolicy,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookRegistry,
  type WebhookStore,
} from "./registry.ts";

/**
 * Outgoing webhooks as one service: the registry the admin commands use, the listeners that turn the survey
 * service's and the alert service's news into queued deliveries, and the queue's handler for them.
 *
 * An event is enqueued once per active endpoint subscribed to its type, as a job with a deterministic id, so a
 * second process (or a repeated event) enqueuing it again changes nothing. Test-mode conversations (`/cx try`)
 * send nothing. The list of endpoints is cached for {@link ENDPOINTS_TTL_MS} (another process may add one).
 */

export interface WebhookServiceDeps {
  readonly store: WebhookStore;
  readonly queue: JobQueue;
  readonly responses: Pick<ResponseStore, "get">;
  /** The flow a response was given on (a rating's bounds). */
  readonly flows: { get(key: string, version: number): Promise<Flow | null> };
  readonly policy: UrlPolicy;
  readonly disable?: DisablePolicy;
  readonly timeoutMs?: number;
  readonly resolve?: PostOptions["resolve"];
  readonly clock?: () => Date;
  readonly onError: (error: unknown, context: string) => void;
  readonly onDisabled?: (endpoint: WebhookEndpoint, reason: "gone" | "failing") => void;
}

export interface WebhookService {
  readonly registry: WebhookRegistry;
  /** The send queue's handler for `webhook` jobs. */
  readonly handler: JobHandler;
  /** Subscribe to the survey hub: ended conversations become `response.*` events. */
  onEvents(events: readonly DomainEvent[]): void;
  /** Give to the alert service: raised and resolved alerts become `alert.*` events. */
  onAlert(change: AlertChange): void;
  /** Resolves once every event handed over so far is enqueued. */
  idle(): Promise<void>;
}

export const ENDPOINTS_TTL_MS = 5_000;

export function createWebhookService(deps: WebhookServiceDeps): WebhookService {
  const clock = deps.clock ?? (() => new Date());
  let cached: { at: number; endpoints: Promise<WebhookEndpoint[]> } | undefined;
  const pending = new Set<Promise<unknown>>();

  const endpointsFor = async (type: WebhookEventType): Promise<WebhookEndpoint[]> => {
    if (!cached || Date.now() - cached.at > ENDPOINTS_TTL_MS) {
      const endpoints = deps.store.list();
      cached = { at: Date.now(), endpoints };
      endpoints.catch(() => {
        cached = undefined;
      });
    }
    return (await cached.endpoints).filter((e) => e.state === "active" && e.events.includes(type));
  };

  const background = (context: string, work: () => Promise<unknown>): void => {
    const p = work().catch((error: unknown) => deps.onError(error, context));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const enqueue = async (
    type: WebhookEventType,
    build: (endpoint: WebhookEndpoint) => WebhookEvent | null,
  ): Promise<void> => {
    const now = clock();
    const jobs: JobSpec[] = [];
    for (const endpoint of await endpointsFor(type)) {
      const event = build(endpoint);
      if (event) jobs.push(webhookJob(endpoint, event, now));
    }
    if (jobs.length > 0) await deps.queue.enqueue(jobs);
  };

  const ended = async (conversationId: string): Promise<void> => {
    const record = await deps.responses.get(conversationId);
    if (!record) throw new Error(`conversation ${conversationId} is not in the archive`);
    const { state } = record;
    if (state.test) return;
    const type = responseEventType(state);
    if (type === null) return;
    const flow = await deps.flows.get(state.flowKey, state.flowVersion);
    await enqueue(type, (endpoint) => responseEvent(state, flow, endpoint.secret));
  };

  const postOptions: PostOptions = {
    policy: deps.policy,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    ...(deps.resolve === undefined ? {} : { resolve: deps.resolve }),
  };

  return {
    registry: createWebhookRegistry({
      store: deps.store,
      policy: deps.policy,
      clock,
      ping: (endpoint) => pingEndpoint(endpoint, pingEvent(endpoint.id, clock()), postOptions),
      onChange: () => {
        cached = undefined;
      },
    }),
    handler: createWebhookHandler({
      store: deps.store,
      policy: deps.policy,
      clock,
      ...(deps.disable === undefined ? {} : { disable: deps.disable }),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.resolve === undefined ? {} : { resolve: deps.resolve }),
      onDisabled: (endpoint, reason) => {
        cached = undefined;
        deps.onDisabled?.(endpoint, reason);
      },
    }),
    onEvents(events) {
      for (const event of events)
        if (event.type === "conversation.ended")
          background(`webhooks for ${event.conversationId}`, () => ended(event.conversationId));
    },
    onAlert(change) {
      const { alert } = change;
      const type = change.type === "raised" ? "alert.raised" : "alert.resolved";
      background(`webhooks for alert ${alert.id}`, () =>
        enqueue(type, (endpoint) => alertEvent(type, alert, endpoint.secret)),
      );
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
