import { webApi } from "@slack/bolt";
import { PlatformError } from "../contract.ts";
import { type CallPolicy, callPlatform } from "../kit/retry.ts";
import type { Logger } from "../logger.ts";

/** Web API methods that do the same thing however often they are called: retried after any network failure. */
const IDEMPOTENT = new Set([
  "auth.test",
  "chat.update",
  "conversations.open",
  // Only hands out an upload URL; an unused one expires.
  "files.getUploadURLExternal",
  "users.info",
  "views.open",
  "views.update",
  "apps.connections.open",
]);

/** What the Web API said, as a {@link PlatformError}: rate limits wait, the network retries, the rest refuse. */
export function classifySlackError(error: unknown, method: string): PlatformError {
  if (error instanceof webApi.WebAPIRateLimitedError)
    return new PlatformError("slack", method, "rate-limited", "rate limited", {
      cause: error,
      retryAfterMs: error.retryAfter * 1000,
    });
  if (error instanceof webApi.WebAPIPlatformError)
    return new PlatformError("slack", method, "refused", error.data.error, {
      cause: error,
      code: `SLACK_${error.data.error.toUpperCase()}`,
    });
  if (error instanceof webApi.WebAPIHTTPError)
    return error.statusCode >= 500
      ? new PlatformError("slack", method, "network", `HTTP ${error.statusCode}`, { cause: error })
      : new PlatformError("slack", method, "refused", `HTTP ${error.statusCode}`, { cause: error });
  if (error instanceof webApi.WebAPIRequestError)
    return new PlatformError("slack", method, "network", error.original.message, { cause: error.original });
  return new PlatformError("slack", method, "bug", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/**
 * Puts the Web API calls cxbot makes under its one retry policy ({@link callPlatform}): the client itself retries
 * nothing and reports rate limits instead of waiting them out (see {@link SLACK_CLIENT_RETRIES}), and what fails
 * is thrown classified. Sends (`chat.postMessage`) are tried again only when they surely never reached Slack.
 * (The client binds its methods when it is built, so each one cxbot uses is wrapped here by name.)
 */
export function withRetryPolicy(client: webApi.WebClient, logger: Logger, attempts = 6): void {
  const wrap = <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) => {
    const policy: CallPolicy = { idempotent: IDEMPOTENT.has(method), attempts };
    return (...args: A): Promise<R> =>
      callPlatform(method, () => fn(...args), classifySlackError, logger, policy);
  };
  client.auth.test = wrap("auth.test", client.auth.test);
  client.chat.postMessage = wrap("chat.postMessage", client.chat.postMessage);
  client.chat.postEphemeral = wrap("chat.postEphemeral", client.chat.postEphemeral);
  client.chat.update = wrap("chat.update", client.chat.update);
  client.conversations.open = wrap("conversations.open", client.conversations.open);
  client.users.info = wrap("users.info", client.users.info);
  // files.uploadV2 calls these two by name (the bytes go to the URL the first one returns).
  client.files.getUploadURLExternal = wrap("files.getUploadURLExternal", client.files.getUploadURLExternal);
  client.files.completeUploadExternal = wrap(
    "files.completeUploadExternal",
    client.files.completeUploadExternal,
  );
  client.views.open = wrap("views.open", client.views.open);
}

/** WebClient options that leave retries and rate limits to {@link withRetryPolicy}. */
export const SLACK_CLIENT_RETRIES: Pick<webApi.WebClientOptions, "retryConfig" | "rejectRateLimitedCalls"> = {
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
};
