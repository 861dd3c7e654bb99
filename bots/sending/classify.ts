import type { DeliveryFailure } from "../../core/sending/surveys.ts";
import type { FailReason } from "../../core/sending/types.ts";
import { PlatformError } from "../contract.ts";

/**
 * What a platform's refusal means for sending: the respondent cannot be reached (the bot was blocked, the
 * account is gone, direct messages are closed), recorded so they are not tried again; or some other refusal
 * (our message was wrong), which fails this send only.
 */
const FINAL_CAUSES: readonly { readonly test: (e: PlatformError) => boolean; readonly reason: FailReason }[] =
  [
    // Telegram (core.telegram.org/bots/api; the descriptions as the Bot API words them).
    { test: (e) => /bot was blocked by the user/i.test(e.message), reason: "blocked" },
    {
      test: (e) => /user is deactivated|chat not found|user not found/i.test(e.message),
      reason: "not-found",
    },
    { test: (e) => /bot can't initiate conversation|bot was kicked/i.test(e.message), reason: "dms-closed" },
    // Slack (api.slack.com/methods/chat.postMessage, conversations.open: error codes).
    {
      test: (e) => /^SLACK_(USER_NOT_FOUND|ACCOUNT_INACTIVE|USER_DISABLED|CHANNEL_NOT_FOUND)$/.test(e.code),
      reason: "not-found",
    },
    {
      test: (e) => /^SLACK_(CANNOT_DM_BOT|USER_NOT_VISIBLE|MISSING_SCOPE_FOR_DM)$/.test(e.code),
      reason: "dms-closed",
    },
    // Discord (discord.com/developers/docs/topics/opcodes-and-status-codes#json).
    { test: (e) => e.code === "DISCORD_50007" || e.code === "DISCORD_50278", reason: "dms-closed" },
    { test: (e) => e.code === "DISCORD_10013" || e.code === "DISCORD_10003", reason: "not-found" },
  ];

/** Classifies an error from an adapter's `deliver` for the send queue. */
export function classifyDeliveryError(error: unknown): DeliveryFailure {
  if (!(error instanceof PlatformError)) {
    const message = error instanceof Error ? error.message : String(error);
    // No adapter for the respondent's platform runs here: nothing to wait for.
    if ((error as { code?: unknown } | null)?.code === "PLATFORM_UNAVAILABLE")
      return { kind: "final", reason: "refused" };
    return { kind: "transient", message };
  }
  switch (error.kind) {
    case "rate-limited":
      return { kind: "rate-limited", retryAfterMs: error.retryAfterMs ?? 1000 };
    case "network":
    case "bug":
      return { kind: "transient", message: `${error.code}: ${error.message}` };
    case "refused":
      return { kind: "final", reason: FINAL_CAUSES.find((c) => c.test(error))?.reason ?? "refused" };
    default: {
      const never: never = error.kind;
      throw new Error(`unknown platform error kind ${String(never)}`);
    }
  }
}
