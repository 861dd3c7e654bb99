import { PlatformError } from "../contract.ts";
import type { Logger } from "../logger.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Network failures after which a send is tried again: the connection could not be made, or it broke before any
 * answer (the platform dropped it). A timeout is not among them: the platform most likely has the request and
 * is slow, and sending again would say the same thing twice.
 */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNRESET",
  "EPIPE",
]);

/** Whether a failed send may be tried again (see {@link NOT_SENT}). */
export function neverSent(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT.has(code)) return true;
  }
  return false;
}

/** How one platform call is retried. */
export interface CallPolicy {
  /**
   * Repeating the call cannot do its work twice (an edit, answering a callback, reading). A send is not: after
   * a network failure it is retried only when the connection failed or broke without an answer, never after a
   * timeout.
   */
  readonly idempotent: boolean;
  /** Tries in all (first included). */
  readonly attempts?: number;
  /** The longest `retry_after` waited out; longer ones fail the call. */
  readonly maxWaitMs?: number;
}

/**
 * cxbot's one retry policy for platform calls. `classify` turns whatever the SDK threw into a
 * {@link PlatformError}; then a rate limit is waited out (the platform did nothing), a network failure or a
 * platform outage is retried with backoff when the call is idempotent or surely never sent, and a refusal or
 * our own bug is thrown at once. What is finally thrown is the classified error, with the SDK's as its cause.
 */
export async function callPlatform<T>(
  method: string,
  call: () => Promise<T>,
  classify: (error: unknown, method: string) => PlatformError,
  logger: Logger,
  policy: CallPolicy,
): Promise<T> {
  const attempts = policy.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const error = raw instanceof PlatformError ? raw : classify(raw, method);
      const last = attempt >= attempts;
      if (error.kind === "rate-limited" && !last) {
        const wait = error.retryAfterMs ?? 1000;
        if (wait <= (policy.maxWaitMs ?? 60_000)) {
          logger.warn({ method, retryAfterMs: wait, code: error.code }, "rate limited; waiting");
          await sleep(wait);
          continue;
        }
      }
      if (error.kind === "network" && !last && (policy.idempotent || neverSent(raw))) {
        logger.warn({ method, attempt, code: error.code, err: raw }, "platform unreachable; retrying");
        await sleep(Math.min(200 * 2 ** attempt, 5000));
        continue;
      }
      throw error;
    }
  }
}
