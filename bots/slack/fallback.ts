import { cutText } from "../../core/text/cut.ts";
import type { Logger } from "../logger.ts";
import { escapeMrkdwn } from "./blocks.ts";

/** What Slack shows of a message posted without blocks (its `text` limit is 40,000; long ones are truncated). */
const PLAIN_FALLBACK_LIMIT = 3000;

/** Errors where a second, simpler post cannot help: Slack asked to wait (already waited out by the client). */
const isRateLimit = (error: unknown): boolean =>
  error instanceof Error && "code" in error && error.code === "slack_webapi_rate_limited";

/** The text of a plain fallback: escaped, well-formed, cut at a grapheme. */
export function plainFallbackText(text: string): string {
  return cutText(escapeMrkdwn(text), PLAIN_FALLBACK_LIMIT, { ellipsis: true });
}

/**
 * Posts `rich`; when Slack (or the client) rejects it, posts `plain` instead, so a customer's message is never
 * lost because its blocks could not be posted as they were. Throws the first error when the fallback fails too.
 */
export async function postWithPlainFallback(
  logger: Logger,
  rich: () => Promise<unknown>,
  plain: () => Promise<unknown>,
): Promise<void> {
  try {
    await rich();
  } catch (error) {
    if (isRateLimit(error)) throw error;
    logger.warn({ err: error, code: "SLACK_POST_REJECTED" }, "message rejected; posting it as plain text");
    try {
      await plain();
    } catch (fallbackError) {
      logger.error({ err: fallbackError, code: "SLACK_FALLBACK_FAILED" }, "plain fallback failed too");
      throw error;
    }
  }
}
