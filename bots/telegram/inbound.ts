import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { Logger } from "../logger.ts";

/**
 * A webhook update's shape, checked before telegraf sees it: the fields cxbot and telegraf's routing read, as
 * the Bot API documents them (core.telegram.org/bots/api#update). cxbot asks only for `message` and
 * `callback_query` (setWebhook's allowed_updates); any other update type with a valid `update_id` is one Telegram
 * may still send (one queued before allowed_updates changed), so it is answered 200 and dropped.
 */

const ZUserId = z.number().int().safe();
const ZChatId = z.number().int().safe();

const ZUser = z.object({
  id: ZUserId,
  is_bot: z.boolean(),
  first_name: z.string().max(256),
  last_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
  language_code: z.string().max(35).optional(),
});

const ZChat = z.object({
  id: ZChatId,
  type: z.enum(["private", "group", "supergroup", "channel"]),
});

/**
 * A general file (core.telegram.org/bots/api#document): what an admin attaches to `/cx import`. `file_size` can
 * exceed 2^31 but has at most 52 significant bits (the Bot API's words), so a safe integer.
 */
export const ZDocument = z.object({
  file_id: z.string().min(1).max(512),
  file_unique_id: z.string().min(1).max(512),
  file_name: z.string().max(1024).optional(),
  mime_type: z.string().max(255).optional(),
  file_size: z.number().int().nonnegative().safe().optional(),
});
export type TelegramDocument = z.infer<typeof ZDocument>;

const ZMessage = z.object({
  message_id: z.number().int().safe(),
  date: z.number().int(),
  chat: ZChat,
  /** Absent only in channel posts, which arrive as `channel_post`, never as `message`. */
  from: ZUser,
  text: z.string().max(65_536).optional(),
  /** A file, with its `caption` (where an admin types `/cx import <flow>`). */
  document: ZDocument.optional(),
  caption: z.string().max(65_536).optional(),
  /** Only who wrote the message replied to: a group message replying to the bot may be an admin's text. */
  reply_to_message: z.object({ message_id: z.number().int().safe(), from: ZUser.optional() }).optional(),
});

const ZCallbackQuery = z.object({
  id: z.string().min(1).max(256),
  from: ZUser,
  chat_instance: z.string().max(256),
  data: z.string().max(256).optional(),
  /** Also an "inaccessible message" (date 0): still a chat and a message id. */
  message: z
    .object({
      message_id: z.number().int().safe(),
      date: z.number().int(),
      chat: ZChat,
      text: z.string().max(65_536).optional(),
    })
    .optional(),
});

/** The update types cxbot handles; the update carries exactly one of them. */
export const ZTelegramUpdate = z.union([
  z.object({
    update_id: z.number().int().nonnegative().safe(),
    message: ZMessage,
    callback_query: z.never().optional(),
  }),
  z.object({
    update_id: z.number().int().nonnegative().safe(),
    callback_query: ZCallbackQuery,
    message: z.never().optional(),
  }),
]);

const ZAnyUpdate = z.object({ update_id: z.number().int().nonnegative().safe() });

export type TelegramUpdateCheck = "handle" | "ignore" | { readonly reject: readonly string[] };

/** What to do with a parsed webhook body. */
export function checkTelegramUpdate(body: unknown): TelegramUpdateCheck {
  const isRecord = typeof body === "object" && body !== null && !Array.isArray(body);
  if (isRecord && !("message" in body) && !("callback_query" in body)) {
    const any = ZAnyUpdate.safeParse(body);
    return any.success ? "ignore" : { reject: any.error.issues.map((i) => i.path.join(".") || "(body)") };
  }
  const parsed = ZTelegramUpdate.safeParse(body);
  if (parsed.success) return "handle";
  return {
    reject: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join(".") || "(body)"}: ${i.code}`),
  };
}

/**
 * Answers a webhook body telegraf must not see (400 for a shape Telegram never sends, 200 for an update type
 * cxbot does not handle) and returns false; returns true when the update is for telegraf.
 */
export function admitTelegramUpdate(body: unknown, res: ServerResponse, logger: Logger): boolean {
  const check = checkTelegramUpdate(body);
  if (check === "handle") return true;
  if (check === "ignore") {
    logger.debug({ code: "TELEGRAM_UPDATE_IGNORED" }, "telegram update of a type cxbot does not handle");
    res.writeHead(200).end();
    return false;
  }
  logger.warn(
    { code: "TELEGRAM_BAD_UPDATE", issues: check.reject },
    "webhook update that telegram does not send",
  );
  res.writeHead(400).end();
  return false;
}
