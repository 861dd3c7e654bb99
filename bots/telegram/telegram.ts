import type { IncomingMessage, ServerResponse } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import { isAdminPayload } from "../../core/admin/service.ts";
import type { AdminActor, AdminAttachment, AdminService } from "../../core/admin/types.ts";
import { showsApiKey } from "../../core/api/keys.ts";
import { parseText, SURVEY_COMMANDS, startPayload } from "../../core/commands.ts";
import { t } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../../core/locale.ts";
import type { SurveyService } from "../../core/service.ts";
import { cutText } from "../../core/text/cut.ts";
import type { InboundInput, RespondentRef } from "../../core/types.ts";
import { type PlatformAdapter, type PlatformCapabilities, PlatformError } from "../contract.ts";
import { asOutbound, fileBytes, isImageFile } from "../kit/admin.ts";
import { createResponder, type Press, type SurveySurface } from "../kit/responder.ts";
import { type CallPolicy, callPlatform } from "../kit/retry.ts";
import type { Logger } from "../logger.ts";
import { admitTelegramUpdate, type TelegramDocument, ZDocument } from "./inbound.ts";
import {
  keyboardRows,
  splitText,
  TELEGRAM_CAPABILITIES_ROW,
  TELEGRAM_CAPTION_LIMIT,
  TELEGRAM_TEXT_LIMIT,
} from "./render.ts";

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
  // Telegram: about 30 messages/s in all, 1/s into one chat (core.telegram.org/bots/faq).
  sendRate: { perSecond: 29, perChatPerSecond: 1 },
};

const COMMAND_DESCRIPTIONS = {
  feedback: "cmdFeedback",
  skip: "cmdSkip",
  stop: "cmdStop",
  language: "cmdLanguage",
  forget: "cmdForget",
  help: "cmdHelp",
} as const;

const MAX_WEBHOOK_BODY = 1_000_000;

/** Answering a callback query within Telegram's window: a plain answer after this long if the work is slow. */
const CALLBACK_DEADLINE_MS = 2000;

/**
 * The largest file `/cx import` downloads (the admin service's limit; Telegram's getFile serves up to 20 MB). A
 * document whose `file_size` says more is not downloaded at all; a download is cut after one byte more.
 */
const IMPORT_MAX_BYTES = 256 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Where a reply goes: a chat id, or `<userId>|<groupId>` for an admin's reply to something done in a group —
 * their private chat when the bot may write there (they started it), else the group.
 */
const privatelyElse = (userId: number, groupId: number): string => `${userId}|${groupId}`;
const routeOf = (address: string): { readonly chat: string; readonly fallback?: string } => {
  const [chat = address, fallback] = address.split("|");
  return fallback === undefined ? { chat } : { chat, fallback };
};

/** The bot may not write to this chat: the user never started it (403), blocked it (403), or it is unknown. */
const unreachable = (error: unknown): boolean =>
  error instanceof PlatformError &&
  error.kind === "refused" &&
  (error.code === "TELEGRAM_403" || /chat not found/i.test(error.message));

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

  /**
   * Sends the first call of a reply to the address's chat, or, when that is an admin's private chat the bot may
   * not write to, to the group they wrote in; returns the chat that took it (the rest of the reply goes there).
   */
  const reach = async (address: string, first: (chat: string) => Promise<void>): Promise<string> => {
    const { chat, fallback } = routeOf(address);
    try {
      await first(chat);
      return chat;
    } catch (error) {
      if (fallback === undefined || !unreachable(error)) throw error;
      logger.info({ code: "TELEGRAM_ADMIN_IN_GROUP" }, "admin reply sent in the group: no private chat");
      await first(fallback);
      return fallback;
    }
  };

  const surface: SurveySurface<number> = {
    async post(address, message) {
      const parts = splitText(message.text);
      const rows = keyboardRows(message);
      let ref: number | undefined;
      const send = async (chat: string, i: number): Promise<void> => {
        const last = i === parts.length - 1;
        const sent = await call("sendMessage", SEND, () =>
          bot.telegram.sendMessage(chat, parts[i] ?? "", {
            ...(last && rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
          }),
        );
        if (last && rows.length > 0) ref = sent.message_id;
      };
      // A new API key is shown in the admin's private chat or not at all: never in the group they wrote in.
      const chat = showsApiKey(message.text)
        ? await send(routeOf(address).chat, 0).then(() => routeOf(address).chat)
        : await reach(address, (c) => send(c, 0));
      for (let i = 1; i < parts.length; i++) await send(chat, i);
      return ref;
    },
    // Edits are of survey questions, which are only in private chats (a plain chat id).
    async closeAnswered(address, messageId, text, label) {
      await edit("editMessageText", () =>
        bot.telegram.editMessageText(
          routeOf(address).chat,
          messageId,
          undefined,
          cutText(`${text}\n\n✓ ${label}`, TELEGRAM_TEXT_LIMIT),
        ),
      );
    },
    async closeStale(address, messageId) {
      // The toast says it; only the buttons go, so they are not pressed again.
      await edit("editMessageReplyMarkup", () =>
        bot.telegram.editMessageReplyMarkup(routeOf(address).chat, messageId, undefined, undefined),
      );
    },
    /**
     * An exported flow: the file uploaded as a document (multipart), the reply as its caption with the buttons.
     * A reply longer than a caption (1024 characters) goes first as a message of its own.
     */
    async postFile(address, message, file) {
      const rows = keyboardRows(asOutbound(message));
      const text = message.text.trim();
      const captioned = text.length <= TELEGRAM_CAPTION_LIMIT;
      const upload = async (chat: string): Promise<void> => {
        const media = { source: fileBytes(file), filename: file.name };
        const extra = {
          ...(captioned && text !== "" ? { caption: text } : {}),
          ...(rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
        };
        // A chart shows as a photo in the chat; anything else is a document to download.
        if (isImageFile(file))
          await call("sendPhoto", SEND, () => bot.telegram.sendPhoto(chat, media, extra));
        else await call("sendDocument", SEND, () => bot.telegram.sendDocument(chat, media, extra));
      };
      if (captioned) {
        await reach(address, upload);
        return;
      }
      const { buttons: _onTheFile, ...bare } = message;
      const chat = await reach(address, async (c) => {
        await surface.post(c, asOutbound(bare));
      });
      await upload(chat);
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

  /** Downloads a document (getFile, then the file link), at most {@link IMPORT_MAX_BYTES} and one byte. */
  const download = async (document: TelegramDocument): Promise<string> => {
    const refuse = (message: string, code: string) =>
      new PlatformError("telegram", "getFile", "refused", message, { code });
    if ((document.file_size ?? 0) > IMPORT_MAX_BYTES)
      throw refuse("the file is over the import limit", "TELEGRAM_FILE_TOO_BIG");
    const file = await call("getFile", EDIT, () => bot.telegram.getFile(document.file_id));
    // Without a path Telegram will not serve the file (over 20 MB).
    if (file.file_path === undefined) throw refuse("no file_path to download", "TELEGRAM_FILE_TOO_BIG");
    const link = await bot.telegram.getFileLink(file);
    // A local Bot API server (--local) answers with a path on its own disk, which this process cannot read.
    if (link.protocol === "file:") throw refuse("a local Bot API file path", "TELEGRAM_FILE_LOCAL");
    const bytes = await call("file download", EDIT, async () => {
      let res: Response;
      try {
        res = await fetch(link, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
      } catch (error) {
        // The link holds the token: the error names the host only.
        throw new PlatformError("telegram", "file download", "network", `cannot reach ${link.host}`, {
          cause: error,
        });
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        const kind = res.status >= 500 || res.status === 429 ? "network" : "refused";
        throw new PlatformError("telegram", "file download", kind, `HTTP ${res.status}`, {
          code: `TELEGRAM_FILE_${res.status}`,
        });
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size > IMPORT_MAX_BYTES) break;
      }
      return Buffer.concat(chunks).subarray(0, IMPORT_MAX_BYTES + 1);
    });
    // A file over the limit is returned cut (the admin service refuses it by its size); one that is not UTF-8
    // cannot be a flow.
    if (bytes.length > IMPORT_MAX_BYTES) return bytes.toString("latin1");
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      throw refuse(`not UTF-8 text (${String(error)})`, "TELEGRAM_FILE_NOT_TEXT");
    }
  };

  /** A document as `/cx import` takes it: downloaded only when the admin service asks. */
  const attachmentOf = (raw: unknown): AdminAttachment | undefined => {
    const parsed = ZDocument.safeParse(raw);
    if (!parsed.success) {
      logger.warn({ code: "TELEGRAM_BAD_DOCUMENT" }, "a document telegram does not send");
      return undefined;
    }
    const document = parsed.data;
    return {
      name: document.file_name ?? document.file_unique_id,
      size: document.file_size ?? 0,
      read: () => download(document),
    };
  };

  /** `/cx …` (or `/cx@thisbot …`; a command for another bot in a group is not ours). */
  const isAdminCommand = (text: string): boolean => {
    if (parseText(text, config.defaultLocale).type !== "admin") return false;
    const mention = /^\s*\/\w+@(\w+)/.exec(text)?.[1];
    return mention === undefined || mention.toLowerCase() === username.toLowerCase();
  };

  const actorOf = (from: { id: number }): AdminActor => ({ channel: "telegram", userId: String(from.id) });

  bot.on("message", async (ctx) => {
    const msg = ctx.message;
    const from = msg.from;
    const text = "text" in msg ? msg.text : undefined;
    // A document's caption is where an admin types `/cx import <flow>`; other captions are not read.
    const caption = "document" in msg ? msg.caption : undefined;
    const said = text ?? caption;
    if (said === undefined) return;
    const adminCommand = isAdminCommand(said);
    const attachment = "document" in msg && adminCommand ? attachmentOf(msg.document) : undefined;
    const extra = attachment ? { attachment } : undefined;
    if (ctx.chat.type !== "private") {
      // In a group only an admin is answered (in their private chat if the bot may write there, else in the
      // group): `/cx …`, or text replying to the bot while a guided edit waits for it. Surveys are private.
      const admin = adminService;
      const replyToBot = "reply_to_message" in msg && String(msg.reply_to_message?.from?.id ?? "") === botId;
      if (
        admin &&
        (adminCommand ||
          (text !== undefined &&
            caption === undefined &&
            replyToBot &&
            (await admin.awaitsText(actorOf(from)))))
      ) {
        const event = eventOf(
          ctx.update.update_id,
          respondentOf(from, from.id),
          { type: "text", text: said },
          msg.message_id,
        );
        await responder.respond(event, privatelyElse(from.id, ctx.chat.id), undefined, extra);
        return;
      }
      if (text !== undefined && /^\/(?:start|feedback)(?:@\w+)?(?=\s|$)/.test(text))
        await privateOnly(ctx.chat.id, from.language_code, text);
      return;
    }
    if (text === undefined && !adminCommand) return;
    // Commands, deep links (`/start nps__order42`) and answers are all read by the core's one grammar.
    const event = eventOf(
      ctx.update.update_id,
      respondentOf(from, ctx.chat.id),
      { type: "text", text: said },
      msg.message_id,
    );
    await responder.respond(event, String(ctx.chat.id), undefined, extra);
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
    // An admin button in a group (where the admin's replies went when the bot could not write to them): the
    // next reply again goes to them privately if it can.
    const inGroup = message.chat.type !== "private" && isAdminPayload(data);
    try {
      await responder.respond(
        eventOf(ctx.update.update_id, respondentOf(query.from, inGroup ? query.from.id : message.chat.id), {
          type: "choice",
          payload: data,
        }),
        inGroup ? privatelyElse(query.from.id, message.chat.id) : String(message.chat.id),
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
