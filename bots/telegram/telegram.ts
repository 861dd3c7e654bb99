import type { IncomingMessage, ServerResponse } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import { BoundedMap } from "../../core/bounded-map.ts";
import { t } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../../core/locale.ts";
import type { HandleResult, SurveyService } from "../../core/service.ts";
import type {
  ChannelAdapter,
  CommandName,
  InboundInput,
  OutboundMessage,
  RespondentRef,
} from "../../core/types.ts";
import type { Logger } from "../logger.ts";
import { keyboardRows, parseStartPayload, splitText } from "./render.ts";

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

export interface TelegramAdapter extends ChannelAdapter {
  /** The webhook path to mount on the shared HTTP server (webhook mode only). */
  readonly webhookPath?: string;
  /** Handles a webhook request; resolves once it has answered. */
  handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** True once started and talking to the Bot API. */
  readonly ready: boolean;
}

const COMMANDS: readonly {
  command: string;
  key: "cmdFeedback" | "cmdStop" | "cmdSkip" | "cmdLanguage" | "cmdHelp";
}[] = [
  { command: "feedback", key: "cmdFeedback" },
  { command: "skip", key: "cmdSkip" },
  { command: "stop", key: "cmdStop" },
  { command: "language", key: "cmdLanguage" },
  { command: "help", key: "cmdHelp" },
];

const SIMPLE_COMMANDS: Readonly<Record<string, CommandName>> = {
  stop: "stop",
  skip: "skip",
  help: "help",
  restart: "restart",
  language: "language",
};

const MAX_WEBHOOK_BODY = 1_000_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls the Bot API, honouring 429 `retry_after` and retrying network failures with backoff, so nothing the
 * bot says is dropped. A 400 (the request itself is wrong) is not retried.
 */
async function deliver<T>(logger: Logger, method: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof TelegramError) {
        const retryAfter = error.parameters?.retry_after;
        if (error.code === 429 && retryAfter !== undefined && attempt <= 5) {
          logger.warn({ method, retryAfter, code: "TELEGRAM_RATE_LIMITED" }, "rate limited; waiting");
          await sleep(retryAfter * 1000);
          continue;
        }
        if (error.code >= 500 && attempt <= 5) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        throw error;
      }
      if (attempt <= 5) {
        logger.warn({ method, attempt, err: error, code: "TELEGRAM_NETWORK" }, "network error; retrying");
        await sleep(200 * 2 ** attempt);
        continue;
      }
      throw error;
    }
  }
}

/** The Telegram channel: surveys in private chats with inline keyboards, by long polling or webhook. */
export function createTelegramAdapter(config: TelegramAdapterConfig): TelegramAdapter {
  const { service, logger } = config;
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot, webhookReply: false } });
  let ready = false;
  const botId = config.token.split(":")[0] ?? "bot";
  let username = "";
  const webhookPath = config.webhook ? `/telegram/${config.webhook.secret.slice(0, 16)}` : undefined;

  /**
   * The last question shown in each chat with buttons, so a typed answer can close it like a pressed one. A
   * bounded cache for a cosmetic edit only: if it is lost (a restart, another worker), the old buttons stay and
   * pressing one gets the "already answered" notice.
   */
  const shownQuestions = new BoundedMap<string, { messageId: number; text: string; stepId: string }>(10_000);

  const send = async (chatId: number | string, messages: readonly OutboundMessage[]): Promise<void> => {
    for (const m of messages) {
      const parts = splitText(m.text);
      const rows = keyboardRows(m);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const sent = await deliver(logger, "sendMessage", () =>
          bot.telegram.sendMessage(chatId, part, {
            ...(last && rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
          }),
        );
        if (last && rows.length > 0 && m.stepId !== undefined) {
          shownQuestions.set(String(chatId), { messageId: sent.message_id, text: part, stepId: m.stepId });
        }
      }
    }
  };

  /** Marks the question a typed answer answered, as a pressed button would have, and removes its buttons. */
  const closeTypedQuestion = async (chatId: number, answered: HandleResult["answered"]): Promise<void> => {
    const shown = shownQuestions.get(String(chatId));
    if (!answered || shown?.stepId !== answered.stepId) return;
    shownQuestions.delete(String(chatId));
    await deliver(logger, "editMessageText", () =>
      bot.telegram.editMessageText(
        chatId,
        shown.messageId,
        undefined,
        `${shown.text}\n\n✓ ${answered.label}`.slice(0, 4096),
      ),
    ).catch((error: unknown) => logger.debug({ err: error }, "could not close the answered question"));
  };

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

  const handle = async (
    updateId: number,
    respondent: RespondentRef,
    input: InboundInput,
    messageId?: number,
  ): Promise<HandleResult> =>
    service.handle({
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
    argument: string | undefined,
  ): Promise<void> => {
    const locale = matchLocale(languageCode) ?? config.defaultLocale;
    const start = parseStartPayload(argument ?? "");
    const payload =
      start.flowKey === undefined ? "" : [start.flowKey, start.reference].filter(Boolean).join("__");
    const link = `https://t.me/${username}${payload === "" ? "" : `?start=${payload}`}`;
    await deliver(logger, "sendMessage", () =>
      bot.telegram.sendMessage(chatId, t(locale, "privateOnly", { link })),
    );
  };

  bot.on("message", async (ctx) => {
    const msg = ctx.message;
    const from = msg.from;
    if (ctx.chat.type !== "private") {
      const command = "text" in msg ? /^\/(?:start|feedback)(?:@\w+)?(?=\s|$)\s*(\S+)?/.exec(msg.text) : null;
      if (command) await privateOnly(ctx.chat.id, from.language_code, command[1]);
      return;
    }
    if (!("text" in msg)) return;
    const text = msg.text;
    const respondent = respondentOf(from, ctx.chat.id);
    const command = text.match(/^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i);
    let input: InboundInput = { type: "text", text };
    if (command?.[1]) {
      const name = command[1].toLowerCase();
      const arg = command[2]?.trim();
      if (name === "start") {
        const parsed = parseStartPayload(arg ?? "");
        input = { type: "start", ...parsed };
      } else if (name === "feedback") {
        input = { type: "start", ...(arg ? parseStartPayload(arg) : {}) };
      } else if (SIMPLE_COMMANDS[name]) {
        input = { type: "command", command: SIMPLE_COMMANDS[name], ...(arg ? { argument: arg } : {}) };
      }
    }
    const result = await handle(ctx.update.update_id, respondent, input, msg.message_id);
    // The edit is cosmetic: it never holds back the next question, even while it waits out a 429.
    await Promise.all([closeTypedQuestion(ctx.chat.id, result.answered), send(ctx.chat.id, result.messages)]);
  });

  bot.on("callback_query", async (ctx) => {
    const query = ctx.callbackQuery;
    const data = "data" in query ? query.data : undefined;
    const chat = query.message?.chat;
    if (data === undefined || chat === undefined) {
      await ctx.answerCbQuery();
      return;
    }
    // Answer within Telegram's window even if the database is slow: a plain answer after 2 s.
    let answered = false;
    const early = setTimeout(() => {
      answered = true;
      void ctx.answerCbQuery().catch(() => undefined);
    }, 2000);
    let result: HandleResult;
    try {
      result = await handle(ctx.update.update_id, respondentOf(query.from, chat.id), {
        type: "choice",
        payload: data,
      });
    } catch (error) {
      // Never leave the button spinning, even when the answer could not be recorded.
      if (!answered) await ctx.answerCbQuery().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(early);
    }
    if (result.status === "duplicate") {
      if (!answered) await ctx.answerCbQuery().catch(() => undefined);
      return;
    }
    const notice = result.stale ? result.messages[0]?.text : undefined;
    // The toast and the edit of the answered question go out together; the next question follows them.
    const answerQuery = answered
      ? Promise.resolve(true)
      : deliver(logger, "answerCallbackQuery", () => ctx.answerCbQuery(notice?.slice(0, 200))).catch(
          // Answering the query is cosmetic; the next question must still go out.
          (error: unknown) =>
            logger.warn({ err: error, code: "TELEGRAM_CALLBACK_ANSWER" }, "could not answer the callback"),
        );
    if (result.stale) {
      // The toast says it; clear the old buttons so they are not pressed again.
      await Promise.all([answerQuery, ctx.editMessageReplyMarkup(undefined).catch(() => undefined)]);
      return;
    }
    const message = query.message;
    const label = result.answered?.label;
    const edit =
      label !== undefined && message && "text" in message
        ? deliver(logger, "editMessageText", () =>
            ctx.editMessageText(`${message.text}\n\n✓ ${label}`.slice(0, 4096)),
          ).catch((error: unknown) => logger.warn({ err: error }, "could not edit the answered question"))
        : undefined;
    await Promise.all([answerQuery, edit]);
    shownQuestions.delete(String(chat.id));
    await send(chat.id, result.messages);
  });

  bot.catch((error, ctx) => {
    logger.error({ err: error, update: ctx.update.update_id, code: "TELEGRAM_HANDLER" }, "update failed");
  });

  // The languages' command lists at once: independent calls, and start-up waits for them.
  const registerCommands = async (): Promise<void> => {
    await Promise.all(
      ([undefined, ...LOCALES] as const).map((locale) => {
        const l: Locale = locale ?? config.defaultLocale;
        return deliver(logger, "setMyCommands", () =>
          bot.telegram.setMyCommands(
            COMMANDS.map((c) => ({ command: c.command, description: t(l, c.key) })),
            locale === undefined ? {} : { language_code: locale },
          ),
        );
      }),
    );
  };

  const webhookHandler = config.webhook
    ? bot.webhookCallback(webhookPath, { secretToken: config.webhook.secret })
    : undefined;

  return {
    channel: "telegram",
    webhookPath,
    get ready() {
      return ready;
    },
    async start() {
      const [me] = await Promise.all([
        deliver(logger, "getMe", () => bot.telegram.getMe()),
        registerCommands(),
      ]);
      username = me.username;
      bot.botInfo = me;
      if (config.webhook) {
        await deliver(logger, "setWebhook", () =>
          bot.telegram.setWebhook(`https://${config.webhook?.domain}${webhookPath}`, {
            secret_token: config.webhook?.secret,
            max_connections: config.webhook?.maxConnections,
            allowed_updates: ["message", "callback_query"],
          }),
        );
      } else {
        await bot.telegram.deleteWebhook();
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
    async send(to, messages) {
      await send(to.chatId ?? to.userId, messages);
    },
    async handleWebhook(req, res) {
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
      (req as IncomingMessage & { body?: unknown }).body = update;
      await webhookHandler(req, res);
    },
  };
}

export type { Update };
