import type { IncomingMessage, ServerResponse } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import type { AdminService } from "../../core/admin/types.ts";
import { parseText, SURVEY_COMMANDS, startPayload } from "../../core/commands.ts";
import { t } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../../core/locale.ts";
import type { SurveyService } from "../../core/service.ts";
import { cutText } from "../../core/text/cut.ts";
import type { InboundInput, RespondentRef } from "../../core/types.ts";
import { type PlatformAdapter, type PlatformCapabilities, PlatformError } from "../contract.ts";
import { createResponder, type Press, type SurveySurface } from "../kit/responder.ts";
import { type CallPolicy, callPlatform } from "../kit/retry.ts";
import type { Logger } from "../logger.ts";
import { admitTelegramUpdate } from "./inbound.ts";
import { keyboardRows, splitText, TELEGRAM_CAPABILITIES_ROW, TELEGRAM_TEXT_LIMIT } from "./render.ts";

export interface TelegramAdapterConfig {
  readonly token: string;
  /** Bot API root; tests and self-hosted Bot API servers point it elsewhere. */
  readonly apiRoot: string;
  readonly service: SurveyService;
  readonly logger: Logger;
  readonly defaultLocale: Locale;
  /** Webhook mode when set; long polling otherwise. */
  readonly webhook?: {
    readonly domain: string;
    /** Checked against `X-Telegram-Bot-Api-Secret-Token`; also the secret part of the path. */
    readonly secret: string;
    /** Parallel webhook connections Telegram may open (1–100); work beyond the service's bound queues. */
    readonly maxConnections: number;
  };
  /** Polling: how long one `getUpdates` waits (seconds). */
  readonly pollTimeoutSeconds?: number;
}

export interface TelegramAdapter extends PlatformAdapter {
  /** The webhook path mounted on the shared HTTP server (webhook mode only). */
  readonly webhookPath?: string;
  /** Handles a webhook request; resolves once it has answered. */
  handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Telegram's limits (Bot API): 4096 characters a message, 64 bytes of callback_data, 8 buttons a row. */
export const TELEGRAM_CAPABILITIES: PlatformCapabilities = {
  buttons: true,
  buttonsPerRow: TELEGRAM_CAPABILITIES_ROW,
  maxButtons: 100,
  // No documented maximum; longer labels are cut off on a phone's width, so 64 like callback_data.
  labelLimit: 64,
  textLimit: TELEGRAM_TEXT_LIMIT,
  payloadBytes: 64,
  edits: true,
  modals: false,
  threads: false,
  deepLinks: true,
  redelivery: true,
};

const COMMAND_DESCRIPTIONS = {
  feedback: "cmdFeedback",
  skip: "cmdSkip",
  stop: "cmdStop",
  language: "cmdLanguage",
  help: "cmdHelp",
} as const;

const MAX_WEBHOOK_BODY = 1_000_000;

/** Answering a callback query within Telegram's window: a plain answer after this long if the work is slow. */
const CALLBACK_DEADLINE_MS = 2000;

/** What the Bot API said, as a {@link PlatformError}: 429 waits, 5xx and the network retry, the rest refuse. */
function classify(error: unknown, method: string): PlatformError {
  if (error instanceof TelegramError) {
    const retryAfter = error.parameters?.retry_after;
    if (error.code === 429)
      return new PlatformError("telegram", method, "rate-limited", error.description, {
        cause: error,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
      });
    if (error.code >= 500)
      return new PlatformError("telegram", method, "network", error.description, { cause: error });
    return new PlatformError("telegram", method, "refused", error.description, {
      cause: error,
      code: `TELEGRAM_${error.code}`,
    });
  }
  if (
    error instanceof Error &&
    (error.name === "FetchError" || "code" in error || error.name === "AbortError")
  )
    return new PlatformError("telegram", method, "network", error.message, { cause: error });
  return new PlatformError(
    "telegram",
    method,
    "bug",
    error instanceof Error ? error.message : String(error),
    {
      cause: error,
    },
  );
}

const SEND: CallPolicy = { idempotent: false };
const EDIT: CallPolicy = { idempotent: true };

/** An edit that changes nothing is not an error (Telegram says 400 "message is not modified"). */
const notModified = (error: unknown): boolean =>
  error instanceof PlatformError &&
  error.kind === "refused" &&
  /message is not modified/i.test(error.message);

/** The Telegram channel: surveys in private chats with inline keyboards, by long polling or webhook. */
export function createTelegramAdapter(config: TelegramAdapterConfig): TelegramAdapter {
  const { service, logger } = config;
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot, webhookReply: false } });
  let ready = false;
  const botId = config.token.split(":")[0] ?? "bot";
  let username = "";
  const webhookPath = config.webhook ? `/telegram/${config.webhook.secret.slice(0, 16)}` : undefined;

  const call = <T>(method: string, policy: CallPolicy, fn: () => Promise<T>): Promise<T> =>
    callPlatform(method, fn, classify, logger, policy);

  const edit = async (method: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await call(method, EDIT, fn);
    } catch (error) {
      if (!notModified(error)) throw error;
    }
  };

  const surface: SurveySurface<number> = {
    async post(chat, message) {
      const parts = splitText(message.text);
      const rows = keyboardRows(message);
      let ref: number | undefined;
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const sent = await call("sendMessage", SEND, () =>
          bot.telegram.sendMessage(chat, part, {
            ...(last && rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
          }),
        );
        if (last && rows.length > 0) ref = sent.message_id;
      }
      return ref;
    },
    async closeAnswered(chat, messageId, text, label) {
      await edit("editMessageText", () =>
        bot.telegram.editMessageText(
          chat,
          messageId,
          undefined,
          cutText(`${text}\n\n✓ ${label}`, TELEGRAM_TEXT_LIMIT),
        ),
      );
    },
    async closeStale(chat, messageId) {
      // The toast says it; only the buttons go, so they are not pressed again.
      await edit("editMessageReplyMarkup", () =>
        bot.telegram.editMessageReplyMarkup(chat, messageId, undefined, undefined),
      );
    },
  };
  /** The admin service, attached once the app has built it (`attachAdmin`). */
  let adminService: AdminService | undefined;
  const responder = createResponder({
    service,
    surface,
    logger,
    defaultLocale: config.defaultLocale,
    refKey: String,
    admin: () => adminService,
  });

  const respondentOf = (
    from: { id: number; first_name?: string; language_code?: string },
    chatId: number,
  ): RespondentRef => ({
    channel: "telegram",
    userId: String(from.id),
    chatId: String(chatId),
    ...(from.first_name ? { displayName: from.first_name } : {}),
    ...(from.language_code ? { languageTag: from.language_code } : {}),
  });

  const eventOf = (updateId: number, respondent: RespondentRef, input: InboundInput, messageId?: number) => ({
    // update_id is unique per bot, so the bot's id is part of the event id (several bots may share a database).
    eventId: `tg:${botId}:${updateId}`,
    sequence: updateId,
    respondent,
    input,
    ...(messageId === undefined ? {} : { messageId: String(messageId) }),
    receivedAt: new Date(),
  });

  /**
   * Points a group to the private chat. The link starts the flow the group command named (`/feedback csat`);
   * without one it just opens the chat, whose Start button sends a bare `/start` (the default flow).
   */
  const privateOnly = async (
    chatId: number,
    languageCode: string | undefined,
    text: string,
  ): Promise<void> => {
    const locale = matchLocale(languageCode) ?? config.defaultLocale;
    const intent = parseText(text, locale);
    const payload = intent.type === "start" ? startPayload(intent.flowKey, intent.reference) : "";
    const link = `https://t.me/${username}${payload === "" ? "" : `?start=${payload}`}`;
    await call("sendMessage", SEND, () =>
      bot.telegram.sendMessage(chatId, t(locale, "privateOnly", { link })),
    );
  };

  bot.on("message", async (ctx) => {
    const msg = ctx.message;
    const from = msg.from;
    if (ctx.chat.type !== "private") {
      if ("text" in msg && /^\/(?:start|feedback)(?:@\w+)?(?=\s|$)/.test(msg.text))
        await privateOnly(ctx.chat.id, from.language_code, msg.text);
      return;
    }
    if (!("text" in msg)) return;
    // Commands, deep links (`/start nps__order42`) and answers are all read by the core's one grammar.
    const event = eventOf(
      ctx.update.update_id,
      respondentOf(from, ctx.chat.id),
      { type: "text", text: msg.text },
      msg.message_id,
    );
    await responder.respond(event, String(ctx.chat.id));
  });

  bot.on("callback_query", async (ctx) => {
    const query = ctx.callbackQuery;
    const data = "data" in query ? query.data : undefined;
    const message = query.message;
    if (data === undefined || message === undefined) {
      await call("answerCallbackQuery", EDIT, () => ctx.answerCbQuery());
      return;
    }
    // Answer within Telegram's window even if the database is slow: a plain answer after the deadline. A
    // duplicate that is recognised before it makes no call at all.
    let answered = false;
    const answer = async (notice?: string): Promise<void> => {
      if (answered) return;
      answered = true;
      await call("answerCallbackQuery", EDIT, () =>
        ctx.answerCbQuery(notice === undefined ? undefined : cutText(notice, 200)),
      ).catch((error: unknown) =>
        logger.warn({ err: error, code: "TELEGRAM_CALLBACK_ANSWER" }, "could not answer the callback"),
      );
    };
    const early = setTimeout(() => void answer(), CALLBACK_DEADLINE_MS);
    const press: Press<number> = {
      ref: message.message_id,
      text: "text" in message ? message.text : "",
      ack: answer,
    };
    try {
      await responder.respond(
        eventOf(ctx.update.update_id, respondentOf(query.from, message.chat.id), {
          type: "choice",
          payload: data,
        }),
        String(message.chat.id),
        press,
      );
    } finally {
      clearTimeout(early);
    }
  });

  bot.catch((error, ctx) => {
    logger.error({ err: error, update: ctx.update.update_id, code: "TELEGRAM_HANDLER" }, "update failed");
  });

  // The languages' command lists at once: independent calls, and start-up waits for them.
  const registerCommands = async (): Promise<void> => {
    await Promise.all(
      ([undefined, ...LOCALES] as const).map((locale) => {
        const l: Locale = locale ?? config.defaultLocale;
        return call("setMyCommands", EDIT, () =>
          bot.telegram.setMyCommands(
            SURVEY_COMMANDS.map((c) => ({ command: c, description: t(l, COMMAND_DESCRIPTIONS[c]) })),
            locale === undefined ? {} : { language_code: locale },
          ),
        );
      }),
    );
  };

  const webhookHandler = config.webhook
    ? bot.webhookCallback(webhookPath, { secretToken: config.webhook.secret })
    : undefined;

  const handleWebhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!webhookHandler) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const secret = req.headers["x-telegram-bot-api-secret-token"];
    if (secret !== config.webhook?.secret) {
      logger.warn(
        { code: "TELEGRAM_FORGED_WEBHOOK", ip: req.socket.remoteAddress },
        "webhook with a wrong secret",
      );
      res.statusCode = 401;
      res.end();
      return;
    }
    // Read here, with a limit (an update is a few kilobytes; chunked bodies have no Content-Length) and as
    // UTF-8 across chunk boundaries; telegraf takes the parsed update from req.body.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > MAX_WEBHOOK_BODY) {
        res.writeHead(413, { connection: "close" }).end();
        req.destroy();
        return;
      }
      chunks.push(buffer);
    }
    let update: unknown;
    try {
      update = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      update = undefined;
    }
    if (typeof update !== "object" || update === null) {
      res.writeHead(400).end();
      return;
    }
    if (!admitTelegramUpdate(update, res, logger)) return;
    (req as IncomingMessage & { body?: unknown }).body = update;
    await webhookHandler(req, res);
  };

  return {
    channel: "telegram",
    capabilities: TELEGRAM_CAPABILITIES,
    attachAdmin(service) {
      adminService = service;
    },
    routes: webhookPath ? [{ path: webhookPath, handle: handleWebhook }] : [],
    ...(webhookPath ? { webhookPath } : {}),
    get ready() {
      return ready;
    },
    async start() {
      const [me] = await Promise.all([call("getMe", EDIT, () => bot.telegram.getMe()), registerCommands()]);
      username = me.username;
      bot.botInfo = me;
      if (config.webhook) {
        const webhook = config.webhook;
        await call("setWebhook", EDIT, () =>
          bot.telegram.setWebhook(`https://${webhook.domain}${webhookPath}`, {
            secret_token: webhook.secret,
            max_connections: webhook.maxConnections,
            allowed_updates: ["message", "callback_query"],
          }),
        );
      } else {
        await call("deleteWebhook", EDIT, () => bot.telegram.deleteWebhook());
        void bot
          .launch({ allowedUpdates: ["message", "callback_query"], dropPendingUpdates: false })
          .catch((error: unknown) =>
            logger.error({ err: error, code: "TELEGRAM_POLLING" }, "polling stopped"),
          );
      }
      ready = true;
      logger.info({ bot: username, mode: config.webhook ? "webhook" : "polling" }, "telegram ready");
    },
    async stop() {
      ready = false;
      if (!config.webhook) {
        try {
          bot.stop("shutdown");
        } catch {
          // not running
        }
      }
    },
    async deliver(to, messages) {
      await responder.deliver(to.chatId ?? to.userId, messages);
    },
    handleWebhook,
  };
}
