import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { z } from "zod";
import type { Job, JobHandler, JobOutcome, JobSpec } from "../sending/types.ts";
import type { WebhookEvent } from "./events.ts";
import {
  isLoopback,
  isPrivateAddress,
  type TestDelivery,
  type UrlPolicy,
  type WebhookEndpoint,
  type WebhookHealth,
  type WebhookStore,
  ZEndpointId,
} from "./registry.ts";
import { signWebhook } from "./sign.ts";

/**
 * Delivering webhook events: one `webhook` job per (event, endpoint) on the send queue, whose handler POSTs the
 * signed body. A 2xx answer is delivered; 410 Gone disables the endpoint; anything else (another status, a
 * timeout, a refused connection) is retried on {@link RETRY_DELAYS_MS}, and counts in the endpoint's failure
 * streak, which disables it when it gets too long ({@link DisablePolicy}).
 */

/** What a `webhook` job carries. */
export interface WebhookJobPayload {
  readonly endpointId: string;
  readonly event: WebhookEvent;
}

const ZJobPayload = z.object({
  endpointId: ZEndpointId,
  event: z.looseObject({
    id: z.string().min(1),
    type: z.string().min(1),
    createdAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
});

/**
 * Waits after failed attempts 1, 2, 3…: half a minute up to a day, about 3 days and 4 hours over all
 * {@link WEBHOOK_MAX_ATTEMPTS} attempts. The queue puts the job back with this delay.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  4 * 3_600_000,
  8 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
  24 * 3_600_000,
];
export const WEBHOOK_MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a receiver has to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * When an endpoint is disabled for failing: once it has failed for `maxFailingMs` with no success in between and
 * at least `minStreakForAge` failed attempts, or after `maxStreak` failed attempts in a row. The default is time
 * only — 3 days of failures (about the retry window of one event), at least 5 — because a count alone would
 * disable a receiver that was down for ten minutes during a busy hour (every queued event fails once).
 */
export interface DisablePolicy {
  readonly maxStreak: number;
  readonly maxFailingMs: number;
  readonly minStreakForAge: number;
}
export const DEFAULT_DISABLE_POLICY: DisablePolicy = {
  maxStreak: Number.POSITIVE_INFINITY,
  maxFailingMs: 3 * 24 * 3_600_000,
  minStreakForAge: 5,
};

export function shouldDisable(health: WebhookHealth, now: Date, policy: DisablePolicy): boolean {
  if (health.failureStreak >= policy.maxStreak) return true;
  const since = health.failingSince?.getTime();
  return (
    since !== undefined &&
    now.getTime() - since >= policy.maxFailingMs &&
    health.failureStreak >= policy.minStreakForAge
  );
}

/** The queue job for one event to one endpoint; its id makes enqueuing it again a no-op. */
export function webhookJob(endpoint: WebhookEndpoint, event: WebhookEvent, now: Date): JobSpec {
  const payload: WebhookJobPayload = { endpointId: endpoint.id, event };
  return {
    id: `webhook:${event.id}:${endpoint.id}`,
    kind: "webhook",
    dueAt: now,
    payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
    lane: `webhook:${new URL(endpoint.url).host}`,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  };
}

/** What one POST came to. */
export type PostResult =
  | { readonly kind: "delivered"; readonly status: number }
  | { readonly kind: "gone" }
  | { readonly kind: "failed"; readonly error: string; readonly retryAfterMs?: number };

export interface PostOptions {
  readonly policy: UrlPolicy;
  readonly timeoutMs?: number;
  readonly now?: Date;
  /** Resolves a host name to its addresses (tests and the default: `dns.lookup`). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const defaultResolve = async (host: string): Promise<readonly string[]> =>
  (await lookup(host, { all: true })).map((a) => a.address);

/** Why the host may not be posted to, or undefined when it may. */
async function refuseHost(url: URL, options: PostOptions): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (options.policy.allowLoopback && isLoopback(url.hostname)) return undefined;
  if (url.protocol !== "https:") return "not https";
  const addresses = isIP(host) ? [host] : await (options.resolve ?? defaultResolve)(host);
  return addresses.some(isPrivateAddress) ? "private address" : undefined;
}

const causeCode = (error: unknown): string => {
  if (error instanceof Error && error.name === "TimeoutError") return "timeout";
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return `network: ${cause.code}`;
  return `network: ${error instanceof Error ? error.message : String(error)}`.slice(0, 120);
};

/** `Retry-After` in seconds or as a date, as milliseconds from now. */
function retryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * POSTs a signed event to an endpoint: JSON, signed at the moment of sending, redirects not followed (a
 * redirect is a failure: it could lead anywhere), the answer's body discarded.
 */
export async function postWebhook(
  endpoint: Pick<WebhookEndpoint, "url" | "secret" | "id">,
  event: Pick<WebhookEvent, "id"> & { readonly type: string },
  options: PostOptions,
): Promise<PostResult> {
  const url = new URL(endpoint.url);
  const now = options.now ?? new Date();
  let refused: string | undefined;
  try {
    refused = await refuseHost(url, options);
  } catch (error) {
    return { kind: "failed", error: `dns: ${causeCode(error).replace(/^network: /, "")}` };
  }
  if (refused) return { kind: "failed", error: refused };
  const body = JSON.stringify(event);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "cxbot-webhooks/1",
        "X-Cxbot-Event": event.type,
        "X-Cxbot-Delivery": event.id,
        "X-Cxbot-Endpoint": endpoint.id,
        ...signWebhook(endpoint.secret, body, now),
      },
      body,
    });
  } catch (error) {
    return { kind: "failed", error: causeCode(error) };
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { kind: "delivered", status: response.status };
  if (response.status === 410) return { kind: "gone" };
  const wait = retryAfter(response.headers.get("retry-after"), now);
  return {
    kind: "failed",
    error: `HTTP ${response.status}`,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}

export interface WebhookHandlerDeps {
  readonly store: WebhookStore;
  readonly policy: UrlPolicy;
  readonly disable?: DisablePolicy;
  readonly timeoutMs?: number;
  readonly resolve?: (host: string) => Promise<readonly string[]>;
  readonly clock?: () => Date;
  /** Told when an endpoint is disabled (the app logs it). */
  readonly onDisabled?: (endpoint: WebhookEndpoint, reason: "gone" | "failing") => void;
}

/** How long the handler reuses an endpoint it read (a removal or a disabling elsewhere shows within this). */
const ENDPOINT_TTL_MS = 1000;
/** A healthy endpoint's last success is written at most this often per process (every delivery would be a write). */
const SUCCESS_WRITE_MS = 10_000;

/** The queue's handler for `webhook` jobs. */
export function createWebhookHandler(deps: WebhookHandlerDeps): JobHandler {
  const clock = deps.clock ?? (() => new Date());
  const disablePolicy = deps.disable ?? DEFAULT_DISABLE_POLICY;
  const endpoints = new Map<string, { at: number; read: Promise<WebhookEndpoint | null> }>();
  /** When this process last wrote each endpoint's success. */
  const successWritten = new Map<string, number>();

  const endpointOf = (id: string): Promise<WebhookEndpoint | null> => {
    const cached = endpoints.get(id);
    if (cached && Date.now() - cached.at < ENDPOINT_TTL_MS) return cached.read;
    const read = deps.store.get(id);
    endpoints.set(id, { at: Date.now(), read });
    read.catch(() => endpoints.delete(id));
    return read;
  };
  /** The endpoint changed here: read it again next time. */
  const changed = (id: string): void => {
    endpoints.delete(id);
    successWritten.delete(id);
  };

  return async (job: Job): Promise<JobOutcome> => {
    const parsed = ZJobPayload.safeParse(job.payload);
    if (!parsed.success) return { type: "failed", reason: "payload-invalid" };
    const { event } = parsed.data;
    const endpoint = await endpointOf(parsed.data.endpointId);
    if (!endpoint) return { type: "failed", reason: "endpoint-removed" };
    if (endpoint.state !== "active") return { type: "failed", reason: "endpoint-disabled" };
    const now = clock();
    const result = await postWebhook(endpoint, event, {
      policy: deps.policy,
      now,
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.resolve === undefined ? {} : { resolve: deps.resolve }),
    });
    switch (result.kind) {
      case "delivered": {
        // A failing endpoint's streak ends at once; a healthy one's last success is refreshed now and then.
        const written = successWritten.get(endpoint.id);
        if (
          endpoint.health.failureStreak > 0 ||
          written === undefined ||
          now.getTime() - written >= SUCCESS_WRITE_MS
        ) {
          successWritten.set(endpoint.id, now.getTime());
          await deps.store.recordSuccess(endpoint.id, now);
          if (endpoint.health.failureStreak > 0) endpoints.delete(endpoint.id);
        }
        return { type: "done" };
      }
      case "gone":
        changed(endpoint.id);
        await deps.store.setState(endpoint.id, "disabled", "gone", now);
        deps.onDisabled?.(endpoint, "gone");
        return { type: "failed", reason: "endpoint-gone" };
      case "failed": {
        changed(endpoint.id);
        const health = await deps.store.recordFailure(endpoint.id, now, result.error);
        if (health && shouldDisable(health, now, disablePolicy)) {
          await deps.store.setState(endpoint.id, "disabled", "failing", now);
          deps.onDisabled?.(endpoint, "failing");
          return { type: "failed", reason: `endpoint-disabled: ${result.error}` };
        }
        // `attempts` counts the attempts made before this one; the queue fails the job after its last.
        const attempt = job.attempts + 1;
        const delay = Math.max(
          RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1] ?? 0,
          Math.min(result.retryAfterMs ?? 0, 24 * 3_600_000),
        );
        return {
          type: "retry",
          at: new Date(now.getTime() + delay),
          error: result.error,
          countAttempt: true,
        };
      }
      default: {
        const never: never = result;
        throw new Error(`unhandled post result ${JSON.stringify(never)}`);
      }
    }
  };
}

/** A test delivery (`/cx webhooks test`): sent now, outside the queue; the endpoint's health is not changed. */
export async function pingEndpoint(
  endpoint: WebhookEndpoint,
  event: WebhookEvent,
  options: PostOptions,
): Promise<TestDelivery> {
  const started = Date.now();
  const result = await postWebhook(endpoint, event, options);
  const ms = Date.now() - started;
  switch (result.kind) {
    case "delivered":
      return { ok: true, status: result.status, ms };
    case "gone":
      return { ok: false, error: "HTTP 410", ms };
    case "failed":
      return { ok: false, error: result.error, ms };
    default: {
      const never: never = result;
      throw new Error(`unhandled post result ${JSON.stringify(never)}`);
    }
  }
}
