/**
 * A fake Telegram Bot API server on 127.0.0.1 for driving a real Bot API client (telegraf) in tests.
 *
 * It follows https://core.telegram.org/bots/api for the methods a survey bot uses, with Telegram's limits:
 * - `POST|GET /bot<token>/<method>` (method names case-insensitive), JSON, urlencoded, multipart/form-data or
 *   query-string params. Wrong token → 401 "Unauthorized", unknown method → 404.
 * - Files: `sendDocument` takes an upload (multipart, ≤ 50 MB, not empty; or `attach://<part>`) or a known
 *   file_id, with a caption of 0–1024 characters after entity parsing; `getFile` answers a `file_path` for files up
 *   to 20 MB, served at `GET /file/bot<token>/<file_path>`. Users send documents too (`userSendsDocument`).
 * - A user the bot has seen (in a group) but who never started it cannot be written to privately: 403
 *   "Forbidden: bot can't initiate conversation with a user"; an unknown chat is 400 "chat not found".
 * - Replies are `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }` with the HTTP
 *   status equal to `error_code`.
 * - Message text: 1–4096 UTF-16 code units after entity parsing (leading/trailing whitespace stripped),
 *   HTML / MarkdownV2 / Markdown parsed into `entities`, malformed markup → "can't parse entities".
 * - Inline keyboards: every button needs `text` and exactly one action; `callback_data` 1–64 bytes.
 * - Callback queries must be answered once, within 15 s of being issued (see `advanceTime`).
 * - A set webhook makes getUpdates answer 409 Conflict; a second getUpdates ends the held one with 409.
 *
 * Descriptions quoted from Telegram are the ones seen in the wild; the few marked "approx." are our best guess.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------
// Bot API objects (only the parts the fake uses)

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgBotUser extends TgUser {
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
}

export interface TgChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface TgInlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [action: string]: unknown;
}

export interface TgInlineKeyboardMarkup {
  inline_keyboard: TgInlineKeyboardButton[][];
}

/** A general file (core.telegram.org/bots/api#document). */
export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** One size of a photo (core.telegram.org/bots/api#photosize). */
export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** What getFile answers (core.telegram.org/bots/api#file). */
export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: TgMessageEntity[];
  document?: TgDocument;
  photo?: TgPhotoSize[];
  caption?: string;
  caption_entities?: TgMessageEntity[];
  reply_to_message?: TgMessage;
  reply_markup?: TgInlineKeyboardMarkup;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  [updateType: string]: unknown;
}

export interface TgBotCommand {
  command: string;
  description: string;
}

export interface TgWebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  ip_address?: string;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export interface TgResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The fake's own API

/** The user side of a conversation, as tests describe it. */
export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface RecordedCall {
  /** Canonical method name (e.g. `sendMessage`) when known, else as requested. */
  method: string;
  /** Parameters as received (query string merged with body; form values stay strings). */
  body: Record<string, unknown>;
  /** Fake-clock milliseconds. */
  at: number;
  /** `webhook` when the bot made the call in its answer to a webhook delivery. */
  via: "http" | "webhook";
}

export interface ShownMessage {
  message_id: number;
  /** "" for a document (see `caption`). */
  text: string;
  entities?: TgMessageEntity[];
  document?: TgDocument;
  /** The sizes of a photo (the fake keeps one: the upload as sent). */
  photo?: TgPhotoSize[];
  caption?: string;
  reply_markup?: TgInlineKeyboardMarkup;
  edited: boolean;
}

/** A file the fake holds (uploaded by the bot or sent by a user). */
export interface StoredFile {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly name: string;
  readonly mime: string;
  readonly bytes: Buffer;
  readonly path: string;
}

export interface TranscriptEntry extends ShownMessage {
  from: "bot" | "user";
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export type Fault =
  | { error_code: number; description?: string; parameters?: TgResponseParameters }
  | "network";

export interface DeliveryResult {
  status: number;
  body: string;
}

export interface FakeTelegramOptions {
  /** Bot token; the bot's user id is its numeric prefix. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Longest time a getUpdates is held, whatever `timeout` asks (tests need not wait 50 s). Default 10 s. */
  maxLongPollMs?: number;
  /** Accept `http://` webhook URLs on any port (Telegram demands HTTPS on 443, 80, 88 or 8443). */
  insecureWebhooks?: boolean;
  /**
   * Keep webhook connections open between deliveries, at most `max_connections` of them, as Telegram does.
   * Off by default: each delivery then opens its own connection, so a test that restarts the bot's server
   * never meets a socket the old server closed.
   */
  keepAliveWebhooks?: boolean;
  /**
   * Enforce Telegram's sending limits on messages the bot sends (`sendMessage`, `sendDocument`): at most
   * `perSecond` in any second overall and one per `1 / perChatPerSecond` seconds into a chat, on the wall
   * clock; beyond them, 429 "Too Many Requests: retry after N" with `parameters.retry_after`. Off by default.
   */
  sendLimits?: { perSecond: number; perChatPerSecond: number };
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: TgBotUser;
  readonly calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  close(): Promise<void>;

  /** Bot-sent messages still in the chat, oldest first, as currently shown (edits applied, deletions gone). */
  messages(chatId: number): ShownMessage[];
  /** Both sides of the chat, oldest first. */
  transcript(chatId: number): TranscriptEntry[];
  /** Resolves once `predicate(messages(chatId))` holds (polls every 10 ms), rejects after `timeoutMs`. */
  waitForMessages(
    chatId: number,
    predicate: (messages: ShownMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<ShownMessage[]>;
  /** Makes a private chat with the user known (as after the user pressed Start). */
  addPrivateChat(user: FakeUser): TgChat;
  /** From now on sends to this user's private chat fail with 403 "Forbidden: bot was blocked by the user". */
  userBlocksBot(userId: number): void;

  /** Queues an update (update_id assigned if missing) for getUpdates / deliverPending. */
  pushUpdate(update: Omit<TgUpdate, "update_id"> & { update_id?: number }): TgUpdate;
  /** Queues a private-chat text message from the user (bot_command entity for a leading /command). */
  userSendsText(user: FakeUser, text: string, chat?: TgChat): TgUpdate;
  /**
   * Queues a message with a document from the user (the file stored, as Telegram holds it), with a caption
   * (bot_command entity for a leading /command). `size` overrides the reported `file_size` (a lying client).
   */
  userSendsDocument(
    user: FakeUser,
    file: { name: string; content: string | Buffer; mime?: string; size?: number },
    caption?: string,
    chat?: TgChat,
  ): TgUpdate;
  /** Queues a text message replying to message `replyTo` of the chat (a bot's message, in a group). */
  userRepliesText(user: FakeUser, replyTo: number, text: string, chat?: TgChat): TgUpdate;
  /** A file by its file_id (documents the bot uploaded, files users sent). */
  file(fileId: string): StoredFile | undefined;
  /** Queues a callback_query for a button on a bot message; throws if no such button is shown. */
  userPressesButton(user: FakeUser, messageId: number, callbackData: string, chat?: TgChat): TgUpdate;
  /** Updates not yet confirmed (by a getUpdates offset or a 2xx webhook answer). */
  pendingUpdates(): TgUpdate[];
  /** The answer given to a callback query, if any. */
  callbackAnswer(queryId: string): CallbackAnswer | undefined;
  commands(scope?: Record<string, unknown>, languageCode?: string): TgBotCommand[];
  webhookInfo(): TgWebhookInfo;
  /** Deliver webhook requests to this origin (e.g. `http://127.0.0.1:1234`) instead of the URL's own. */
  routeWebhooks(origin: string): void;

  /** POSTs the update to the webhook; a 2xx confirms it, and a `{ method, ... }` answer is executed. */
  deliver(update: TgUpdate, opts?: { secretToken?: string | null }): Promise<DeliveryResult>;
  /** Delivers the same update again, as Telegram does after a non-2xx answer. */
  redeliver(update: TgUpdate, opts?: { secretToken?: string | null }): Promise<DeliveryResult>;
  /** Delivers every pending update in order, stopping at the first non-2xx answer. */
  deliverPending(): Promise<DeliveryResult[]>;

  /** The next `times` calls to `method` fail with this error, or have their socket destroyed ("network"). */
  failNext(method: string, fault: Fault, times?: number): void;
  /** Calls `listener` after each API call has been answered (`ok` false for an error); returns an unsubscribe. */
  onCall(listener: (call: RecordedCall, ok: boolean) => void): () => void;
  /** Delay every API answer (or only those of `methods`) by this many milliseconds. */
  setLatency(ms: number, methods?: readonly string[]): void;
  /** Moves the fake's clock (message dates, the callback-query window) forward. */
  advanceTime(ms: number): void;
  /** Sends refused with 429 by `sendLimits` so far. */
  rateLimited(): number;
  now(): number;
}

// ---------------------------------------------------------------------------------------------------------
// Errors

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: TgResponseParameters,
  ) {
    super(`${code}: ${description}`);
  }
}

const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);
const cantParse = (detail: string) => badRequest(`can't parse entities: ${detail}`);

// ---------------------------------------------------------------------------------------------------------
// Parameter coercion: form and query values arrive as strings, objects as JSON strings.

const intParam = z.preprocess(
  (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
  z.number().int(),
);
const strParam = z.preprocess(
  (v) => (typeof v === "number" || typeof v === "boolean" ? String(v) : v),
  z.string(),
);
const boolParam = z.preprocess((v) => {
  if (v === "true" || v === "1" || v === 1) return true;
  if (v === "false" || v === "0" || v === 0 || v === "") return false;
  return v;
}, z.boolean());
const chatIdParam = z.preprocess(
  (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
  z.union([z.number().int(), z.string().regex(/^@\w+$/)]),
);
function jsonParam<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);
}

const REQUIRED_MESSAGES: Record<string, string> = {
  chat_id: "chat_id is empty",
  text: "message text is empty",
  message_id: "message identifier is not specified",
  callback_query_id: "QUERY_ID_INVALID",
  action: "wrong parameter action in request",
  commands: 'parameter "commands" is required',
  url: 'parameter "url" is required',
  document: "there is no document in the request",
  photo: "there is no photo in the request",
  file_id: "invalid file_id",
};

function parseParams<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? "parameters");
  const missing = issue !== undefined && params[field] === undefined;
  if (missing) throw badRequest(REQUIRED_MESSAGES[field] ?? `parameter "${field}" is required`);
  if (field === "chat_id") throw badRequest("chat not found");
  throw badRequest(`field "${issue?.path.join(".") ?? field}" is invalid (approx.): ${issue?.message ?? ""}`);
}

// ---------------------------------------------------------------------------------------------------------
// Text and entities

interface ParsedText {
  text: string;
  entities: TgMessageEntity[];
}

const byteOffset = (s: string, index: number) => Buffer.byteLength(s.slice(0, index), "utf8");

const HTML_TAGS: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

const NAMED_HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function parseHtml(raw: string): ParsedText {
  let out = "";
  const entities: TgMessageEntity[] = [];
  const stack: HtmlFrame[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "&") {
      const m = /^&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/.exec(raw.slice(i));
      const ref = m?.[1];
      if (m && ref !== undefined) {
        let decoded: string | undefined;
        if (ref.startsWith("#x")) decoded = safeFromCodePoint(Number.parseInt(ref.slice(2), 16));
        else if (ref.startsWith("#")) decoded = safeFromCodePoint(Number.parseInt(ref.slice(1), 10));
        else decoded = NAMED_HTML_ENTITIES[ref.toLowerCase()];
        if (decoded !== undefined) {
          out += decoded;
          i += m[0].length;
          continue;
        }
      }
      // Telegram keeps an unrecognised "&" as text.
      out += c;
      i++;
      continue;
    }
    if (c !== "<") {
      out += c;
      i++;
      continue;
    }
    const at = byteOffset(raw, i);
    const close = raw.indexOf(">", i);
    if (close === -1) throw cantParse(`Unclosed start tag at byte offset ${at}`);
    const inner = raw.slice(i + 1, close);
    if (inner.startsWith("/")) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw cantParse(`Unexpected end tag at byte offset ${at}`);
      if (open.name !== name) {
        throw cantParse(
          `Unmatched end tag at byte offset ${at}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      closeHtmlEntity(open, out.length, entities, stack[stack.length - 1]);
    } else {
      const m =
        /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*$/.exec(
          inner,
        );
      const name = m?.[1]?.toLowerCase();
      if (!m || name === undefined || !(name in HTML_TAGS)) {
        const shown = /^[^\s>]*/.exec(inner)?.[0] ?? "";
        throw cantParse(`Unsupported start tag "${shown}" at byte offset ${at}`);
      }
      const attrs: Record<string, string> = {};
      for (const a of (m[2] ?? "").matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
        attrs[a[1]!.toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? "";
      }
      if (name === "span" && attrs.class !== "tg-spoiler") {
        throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
      }
      if (name === "tg-emoji" && !attrs["emoji-id"]) {
        throw cantParse(`Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${at}`);
      }
      stack.push({ name, start: out.length, attrs });
    }
    i = close + 1;
  }
  const open = stack[stack.length - 1];
  if (open) throw cantParse(`Can't find end tag corresponding to start tag "${open.name}"`);
  return { text: out, entities: sortEntities(entities) };
}

function safeFromCodePoint(cp: number): string | undefined {
  return Number.isInteger(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
}

interface HtmlFrame {
  name: string;
  start: number;
  attrs: Record<string, string>;
  /** For <pre>: the language of a <code class="language-x"> inside it. */
  language?: string;
}

function closeHtmlEntity(
  open: HtmlFrame,
  end: number,
  entities: TgMessageEntity[],
  parent?: HtmlFrame,
): void {
  const length = end - open.start;
  const type = HTML_TAGS[open.name]!;
  if (type === "code" && parent?.name === "pre") {
    // Telegram folds <pre><code class="language-x"> into one pre entity with a language.
    const language = /^language-(.+)$/.exec(open.attrs.class ?? "")?.[1];
    if (language) parent.language = language;
    return;
  }
  if (length <= 0) return;
  const entity: TgMessageEntity = { type, offset: open.start, length };
  if (type === "text_link") {
    if (!open.attrs.href) return;
    entity.url = open.attrs.href;
  }
  if (type === "custom_emoji") entity.custom_emoji_id = open.attrs["emoji-id"];
  if (type === "blockquote" && "expandable" in open.attrs) entity.type = "expandable_blockquote";
  if (type === "pre" && open.language) entity.language = open.language;
  entities.push(entity);
}

const MDV2_RESERVED = new Set("_*[]()~`>#+-=|{}.!".split(""));
const MDV2_NAMES: Record<string, string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  text_link: "TextUrl",
  custom_emoji: "CustomEmoji",
  code: "Code",
  pre: "Pre",
};

function parseMarkdownV2(raw: string): ParsedText {
  let out = "";
  const entities: TgMessageEntity[] = [];
  const stack: { type: string; start: number; byte: number }[] = [];
  let quote: { start: number; expandable: boolean } | undefined;
  let i = 0;
  const closeQuote = (end: number) => {
    if (quote && end > quote.start) {
      entities.push({
        type: quote.expandable ? "expandable_blockquote" : "blockquote",
        offset: quote.start,
        length: end - quote.start,
      });
    }
    quote = undefined;
  };
  while (i < raw.length) {
    const c = raw[i]!;
    const lineStart = i === 0 || raw[i - 1] === "\n";
    if (lineStart) {
      if (raw.startsWith("**>", i)) {
        closeQuote(out.length - 1);
        quote = { start: out.length, expandable: true };
        i += 3;
        continue;
      }
      if (c === ">") {
        if (!quote) quote = { start: out.length, expandable: false };
        i++;
        continue;
      }
      // A line not starting with ">" ends the quote; the newline before it is not part of the entity.
      if (quote && c !== ">") closeQuote(out.length - 1);
    }
    if (quote?.expandable && raw.startsWith("||", i) && (i + 2 === raw.length || raw[i + 2] === "\n")) {
      // "||" ends an expandable blockquote.
      closeQuote(out.length);
      i += 2;
      continue;
    }
    if (c === "\\") {
      const next = raw[i + 1];
      if (next === undefined)
        throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      const code = next.charCodeAt(0);
      if (code >= 1 && code <= 126) {
        out += next;
        i += 2;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (c === "`") {
      const isPre = raw.startsWith("```", i);
      const from = i + (isPre ? 3 : 1);
      let j = from;
      let body = "";
      let closed = false;
      while (j < raw.length) {
        const d = raw[j]!;
        if (d === "\\" && (raw[j + 1] === "`" || raw[j + 1] === "\\")) {
          body += raw[j + 1];
          j += 2;
          continue;
        }
        if (isPre ? raw.startsWith("```", j) : d === "`") {
          closed = true;
          break;
        }
        body += d;
        j++;
      }
      if (!closed)
        throw cantParse(
          `Can't find end of ${isPre ? "Pre" : "Code"} entity at byte offset ${byteOffset(raw, i)}`,
        );
      let language: string | undefined;
      if (isPre) {
        const nl = body.indexOf("\n");
        const first = nl === -1 ? "" : body.slice(0, nl);
        if (nl !== -1 && /^[^\s`]+$/.test(first)) language = first;
        if (nl !== -1) body = body.slice(nl + 1);
      }
      const start = out.length;
      out += body;
      if (body.length > 0) {
        const e: TgMessageEntity = { type: isPre ? "pre" : "code", offset: start, length: body.length };
        if (language) e.language = language;
        entities.push(e);
      }
      i = j + (isPre ? 3 : 1);
      continue;
    }
    let marker: string | undefined;
    let type: string | undefined;
    if (c === "*") [marker, type] = ["*", "bold"];
    else if (c === "_" && raw[i + 1] === "_") [marker, type] = ["__", "underline"];
    else if (c === "_") [marker, type] = ["_", "italic"];
    else if (c === "~") [marker, type] = ["~", "strikethrough"];
    else if (c === "|" && raw[i + 1] === "|") [marker, type] = ["||", "spoiler"];
    if (marker !== undefined && type !== undefined) {
      const top = stack[stack.length - 1];
      if (stack.some((s) => s.type === type)) {
        // Entities must nest: the marker can only close the innermost open entity.
        if (!top || top.type !== type) {
          throw cantParse(
            `Can't find end of ${MDV2_NAMES[top?.type ?? ""]} entity at byte offset ${top?.byte}`,
          );
        }
        stack.pop();
        if (out.length > top.start)
          entities.push({ type, offset: top.start, length: out.length - top.start });
      } else {
        stack.push({ type, start: out.length, byte: byteOffset(raw, i) });
      }
      i += marker.length;
      continue;
    }
    if (c === "[" || (c === "!" && raw[i + 1] === "[")) {
      const emoji = c === "!";
      stack.push({ type: emoji ? "custom_emoji" : "text_link", start: out.length, byte: byteOffset(raw, i) });
      i += emoji ? 2 : 1;
      continue;
    }
    if (c === "]") {
      const top = stack[stack.length - 1];
      if (!top || (top.type !== "text_link" && top.type !== "custom_emoji") || raw[i + 1] !== "(") {
        throw cantParse(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      }
      let j = i + 2;
      let url = "";
      while (j < raw.length && raw[j] !== ")") {
        if (raw[j] === "\\" && j + 1 < raw.length) {
          url += raw[j + 1];
          j += 2;
        } else {
          url += raw[j];
          j++;
        }
      }
      if (j >= raw.length)
        throw cantParse(`Can't find end of a url at byte offset ${byteOffset(raw, i + 1)}`);
      stack.pop();
      if (out.length > top.start) {
        const e: TgMessageEntity = { type: top.type, offset: top.start, length: out.length - top.start };
        if (top.type === "custom_emoji") {
          const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
          if (!id) throw cantParse(`Custom emoji entity must contain a tg://emoji URL`);
          e.custom_emoji_id = id;
        } else {
          e.url = url;
        }
        entities.push(e);
      }
      i = j + 1;
      continue;
    }
    if (MDV2_RESERVED.has(c)) {
      throw cantParse(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    out += c;
    i++;
  }
  closeQuote(out.length);
  const open = stack[stack.length - 1];
  if (open) throw cantParse(`Can't find end of ${MDV2_NAMES[open.type]} entity at byte offset ${open.byte}`);
  return { text: out, entities: sortEntities(entities) };
}

/** Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); only _ * ` [ may be escaped. */
function parseMarkdownLegacy(raw: string): ParsedText {
  let out = "";
  const entities: TgMessageEntity[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "\\" && "_*`[".includes(raw[i + 1] ?? "")) {
      out += raw[i + 1];
      i += 2;
      continue;
    }
    const delim = c === "`" && raw.startsWith("```", i) ? "```" : c;
    if (delim === "*" || delim === "_" || delim === "`" || delim === "```") {
      const end = raw.indexOf(delim, i + delim.length);
      if (end === -1) {
        throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(raw, i)}`);
      }
      const body = raw.slice(i + delim.length, end);
      const type = { "*": "bold", _: "italic", "`": "code", "```": "pre" }[delim];
      if (body.length > 0 && type) entities.push({ type, offset: out.length, length: body.length });
      out += body;
      i = end + delim.length;
      continue;
    }
    if (c === "[") {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(raw.slice(i));
      if (!m) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(raw, i)}`);
      const label = m[1] ?? "";
      if (label.length > 0)
        entities.push({ type: "text_link", offset: out.length, length: label.length, url: m[2] });
      out += label;
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return { text: out, entities: sortEntities(entities) };
}

function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

const entitySchema = z.object({
  type: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(1),
  url: z.string().optional(),
  language: z.string().optional(),
  custom_emoji_id: z.string().optional(),
});

/** Parses and checks a message text the way sendMessage/editMessageText do. */
export function parseMessageText(
  text: string,
  parseMode: string | undefined,
  explicitEntities?: TgMessageEntity[],
): ParsedText {
  const parsed = parseFormatted(text, parseMode, explicitEntities);
  if (parsed.text.length === 0) throw badRequest("message text is empty");
  // String length is in UTF-16 code units, as Telegram counts.
  if (parsed.text.length > 4096) throw badRequest("message is too long");
  return parsed;
}

/** A media caption: 0–1024 characters after entity parsing; an empty one is no caption. */
export function parseCaption(
  caption: string | undefined,
  parseMode: string | undefined,
  explicitEntities?: TgMessageEntity[],
): ParsedText | undefined {
  if (caption === undefined) return undefined;
  const parsed = parseFormatted(caption, parseMode, explicitEntities);
  if (parsed.text.length > 1024) throw badRequest("message caption is too long");
  return parsed.text.length === 0 ? undefined : parsed;
}

/** Text with its markup parsed into entities, trimmed as Telegram trims it. */
function parseFormatted(
  text: string,
  parseMode: string | undefined,
  explicitEntities?: TgMessageEntity[],
): ParsedText {
  let parsed: ParsedText;
  const mode = parseMode?.toLowerCase() ?? "";
  if (mode === "html") parsed = parseHtml(text);
  else if (mode === "markdownv2") parsed = parseMarkdownV2(text);
  else if (mode === "markdown") parsed = parseMarkdownLegacy(text);
  else if (mode === "") parsed = { text, entities: explicitEntities ? [...explicitEntities] : [] };
  else throw badRequest("unsupported parse_mode");
  // Telegram strips leading and trailing whitespace and shifts the entities with it.
  const lead = parsed.text.length - parsed.text.trimStart().length;
  const trimmed = parsed.text.trim();
  const entities = parsed.entities
    .map((e) => {
      const start = Math.max(0, e.offset - lead);
      const end = Math.min(trimmed.length, e.offset - lead + e.length);
      return { ...e, offset: start, length: end - start };
    })
    .filter((e) => e.length > 0);
  return { text: trimmed, entities };
}

// ---------------------------------------------------------------------------------------------------------
// Reply markup

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
] as const;

const replyMarkupParam = jsonParam(z.record(z.string(), z.unknown()));

/** Validates reply_markup; returns the inline keyboard to store on the message, if any. */
function checkReplyMarkup(
  markup: Record<string, unknown> | undefined,
  inlineOnly: boolean,
): TgInlineKeyboardMarkup | undefined {
  if (markup === undefined) return undefined;
  if (!("inline_keyboard" in markup)) {
    if (inlineOnly) throw badRequest("inline keyboard expected");
    if ("keyboard" in markup) {
      const rows = markup.keyboard;
      if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) {
        throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
      }
      return undefined;
    }
    if (markup.remove_keyboard === true || markup.force_reply === true) return undefined;
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const keyboard: TgInlineKeyboardButton[][] = [];
  let count = 0;
  for (const row of rows as unknown[][]) {
    const outRow: TgInlineKeyboardButton[] = [];
    for (const b of row) {
      count++;
      if (typeof b !== "object" || b === null || Array.isArray(b)) {
        throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      }
      const button = b as Record<string, unknown>;
      if (typeof button.text !== "string") {
        throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
      }
      if (button.text.trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
      const actions = BUTTON_ACTIONS.filter((a) => button[a] !== undefined);
      if (actions.length === 0) {
        throw badRequest(
          "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        );
      }
      if (actions.length > 1) {
        throw badRequest(
          `can't parse inline keyboard button: exactly one of ${actions.join(", ")} (approx.)`,
        );
      }
      if (actions[0] === "callback_data") {
        const data = button.callback_data;
        const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
        if (typeof data !== "string" || bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
      }
      if (actions[0] === "url") {
        const url = button.url;
        if (typeof url !== "string" || !/^(https?|tg):\/\/\S+$/i.test(url))
          throw badRequest("BUTTON_URL_INVALID");
      }
      // Unknown fields (telegraf's Markup adds `hide`) are ignored and not echoed back, as on Telegram.
      const kept: Record<string, unknown> = { text: button.text };
      for (const a of BUTTON_ACTIONS) if (button[a] !== undefined) kept[a] = button[a];
      outRow.push(kept as TgInlineKeyboardButton);
    }
    if (outRow.length > 0) keyboard.push(outRow);
  }
  if (count > 100) throw badRequest("reply markup is too long");
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Updates

const UPDATE_TYPES = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
];
const NOT_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const updateType = (u: TgUpdate) => Object.keys(u).find((k) => k !== "update_id") ?? "";

function isAllowed(u: TgUpdate, allowed: string[]): boolean {
  const type = updateType(u);
  return allowed.length === 0 ? !NOT_BY_DEFAULT.has(type) : allowed.includes(type);
}

const allowedUpdatesParam = jsonParam(z.array(z.string()));

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const CALLBACK_WINDOW_MS = 15_000;

/** Bots upload files of up to 50 MB and download (getFile) up to 20 MB. */
const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
const DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;

/** A file part of a multipart/form-data request, as the method handlers see it. */
class Upload {
  constructor(
    readonly name: string,
    readonly type: string,
    readonly bytes: Buffer,
  ) {}
}

/** Telegram's MIME type for a document: from the file's extension (approx.), else what the upload declared. */
const MIME_BY_EXTENSION: Record<string, string> = {
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
  json: "application/json",
  txt: "text/plain",
  csv: "text/csv",
  pdf: "application/pdf",
};
const mimeOf = (name: string, declared: string | undefined): string => {
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return MIME_BY_EXTENSION[ext] ?? (declared && declared !== "" ? declared : "application/octet-stream");
};

const commandScopeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("default") }),
  z.object({ type: z.literal("all_private_chats") }),
  z.object({ type: z.literal("all_group_chats") }),
  z.object({ type: z.literal("all_chat_administrators") }),
  z.object({ type: z.literal("chat"), chat_id: chatIdParam }),
  z.object({ type: z.literal("chat_administrators"), chat_id: chatIdParam }),
  z.object({ type: z.literal("chat_member"), chat_id: chatIdParam, user_id: intParam }),
]);
type CommandScope = z.infer<typeof commandScopeSchema>;

const scopeKey = (s: CommandScope | undefined) =>
  !s
    ? "default"
    : s.type === "chat_member"
      ? `${s.type}:${s.chat_id}:${s.user_id}`
      : "chat_id" in s
        ? `${s.type}:${s.chat_id}`
        : s.type;

// ---------------------------------------------------------------------------------------------------------
// The server

// Parameter schemas of the methods, built once (zod compiles a schema on first use: building one per request
// costs about 0.1 ms a call).

const textParams = {
  text: strParam,
  parse_mode: strParam.optional(),
  entities: jsonParam(z.array(entitySchema)).optional(),
  reply_markup: replyMarkupParam.optional(),
};
const editTarget = z.object({
  chat_id: chatIdParam.optional(),
  message_id: intParam.optional(),
  inline_message_id: strParam.optional(),
});
const commandsQuery = z.object({
  scope: jsonParam(commandScopeSchema).optional(),
  language_code: strParam.optional(),
});
const methodParams = {
  getUpdates: z.object({
    offset: intParam.optional(),
    limit: intParam.optional(),
    timeout: intParam.optional(),
    allowed_updates: allowedUpdatesParam.optional(),
  }),
  setWebhook: z.object({
    url: strParam,
    secret_token: strParam.optional(),
    max_connections: intParam.optional(),
    allowed_updates: allowedUpdatesParam.optional(),
    drop_pending_updates: boolParam.optional(),
    ip_address: strParam.optional(),
  }),
  deleteWebhook: z.object({ drop_pending_updates: boolParam.optional() }),
  sendMessage: z.object({
    chat_id: chatIdParam,
    ...textParams,
    reply_to_message_id: intParam.optional(),
    reply_parameters: jsonParam(z.object({ message_id: intParam })).optional(),
    allow_sending_without_reply: boolParam.optional(),
    disable_notification: boolParam.optional(),
    protect_content: boolParam.optional(),
  }),
  editMessageText: editTarget.extend(textParams),
  editMessageReplyMarkup: editTarget.extend({ reply_markup: replyMarkupParam.optional() }),
  answerCallbackQuery: z.object({
    callback_query_id: strParam,
    text: strParam.optional(),
    show_alert: boolParam.optional(),
    url: strParam.optional(),
    cache_time: intParam.optional(),
  }),
  setMyCommands: z.object({
    commands: jsonParam(z.array(z.object({ command: strParam, description: strParam }))),
    scope: jsonParam(commandScopeSchema).optional(),
    language_code: strParam.optional(),
  }),
  getMyCommands: commandsQuery,
  deleteMyCommands: commandsQuery,
  sendChatAction: z.object({ chat_id: chatIdParam, action: strParam }),
  sendDocument: z.object({
    chat_id: chatIdParam,
    document: z.union([z.instanceof(Upload), strParam]),
    caption: strParam.optional(),
    parse_mode: strParam.optional(),
    caption_entities: jsonParam(z.array(entitySchema)).optional(),
    reply_markup: replyMarkupParam.optional(),
    disable_notification: boolParam.optional(),
    protect_content: boolParam.optional(),
  }),
  sendPhoto: z.object({
    chat_id: chatIdParam,
    photo: z.union([z.instanceof(Upload), strParam]),
    caption: strParam.optional(),
    parse_mode: strParam.optional(),
    caption_entities: jsonParam(z.array(entitySchema)).optional(),
    reply_markup: replyMarkupParam.optional(),
    disable_notification: boolParam.optional(),
    protect_content: boolParam.optional(),
  }),
  getFile: z.object({ file_id: strParam }),
  deleteMessage: z.object({ chat_id: chatIdParam, message_id: intParam }),
};

interface StoredMessage {
  message: TgMessage;
  fromBot: boolean;
  edited: boolean;
}

interface ChatState {
  chat: TgChat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  blocked: boolean;
}

interface HeldPoll {
  limit: number;
  finish: (outcome: TgUpdate[] | ApiError) => void;
}

type Handler = (params: Record<string, unknown>, ctx: { signal: AbortSignal }) => unknown;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? "7000000001:AAFakeTokenForTests_0123456789abcdef";
  const botId = Number.parseInt(token.split(":")[0] ?? "", 10);
  if (!Number.isSafeInteger(botId))
    throw new Error(`fake telegram: token must start with the bot id: ${token}`);
  const maxLongPollMs = options.maxLongPollMs ?? 10_000;
  const bot: TgBotUser = {
    id: botId,
    is_bot: true,
    first_name: options.botFirstName ?? "CX Survey Bot",
    username: options.botUsername ?? "cx_survey_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
  const botAsUser: TgUser = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };

  const calls: RecordedCall[] = [];
  const callListeners = new Set<(call: RecordedCall, ok: boolean) => void>();
  const chats = new Map<number, ChatState>();
  const queue: TgUpdate[] = [];
  const faults = new Map<string, Fault[]>();
  const callbackQueries = new Map<string, { issuedAt: number; answer?: CallbackAnswer }>();
  const commandLists = new Map<string, TgBotCommand[]>();
  /** Users who appeared in an update: the bot knows them, but may write to them only once they started it. */
  const seenUsers = new Set<number>();
  const files = new Map<string, StoredFile>();
  let nextFile = 1;
  let nextUpdateId = 730_000_001;
  let nextQueryId = 4_382_000_000_000_000_000n;
  let clockOffset = 0;
  let latency = 0;
  let latencyMethods: ReadonlySet<string> | undefined;
  let allowedUpdates: string[] = [];
  let heldPoll: HeldPoll | undefined;
  let webhook:
    | {
        url: string;
        secret?: string;
        maxConnections: number;
        allowedUpdates?: string[];
        ipAddress?: string;
        lastErrorDate?: number;
        lastErrorMessage?: string;
      }
    | undefined;
  let webhookOrigin: string | undefined;

  const now = () => Date.now() + clockOffset;
  const unixNow = () => Math.floor(now() / 1000);

  const chatState = (chatId: number | string): ChatState => {
    if (typeof chatId === "string") {
      const found = [...chats.values()].find((c) => `@${c.chat.username ?? ""}` === chatId);
      if (!found) throw badRequest("chat not found");
      return found;
    }
    const state = chats.get(chatId);
    if (!state) {
      // A user's private chat exists once they started the bot.
      if (seenUsers.has(chatId))
        throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
      throw badRequest("chat not found");
    }
    return state;
  };
  const writableChat = (chatId: number | string): ChatState => {
    const state = chatState(chatId);
    if (state.blocked) throw new ApiError(403, "Forbidden: bot was blocked by the user");
    return state;
  };
  const ensureChat = (chat: TgChat): ChatState => {
    let state = chats.get(chat.id);
    if (!state) {
      state = { chat: { ...chat }, nextMessageId: 1, messages: new Map(), blocked: false };
      chats.set(chat.id, state);
    }
    return state;
  };
  const privateChatOf = (user: FakeUser): TgChat => {
    const chat: TgChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    return chat;
  };
  const asTgUser = (user: FakeUser): TgUser => {
    seenUsers.add(user.id);
    return { is_bot: false, ...user };
  };

  const storeFile = (name: string, bytes: Buffer, declared?: string): StoredFile => {
    const n = nextFile++;
    const ext = /\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1]?.toLowerCase();
    const file: StoredFile = {
      file_id: `BQACAgIAAxkBAAI${n.toString(36).padStart(5, "0")}_${bot.id.toString(36)}`,
      file_unique_id: `AgAD${n.toString(36)}`,
      name,
      mime: mimeOf(name, declared),
      bytes,
      path: `documents/file_${n}${ext ? `.${ext}` : ""}`,
    };
    files.set(file.file_id, file);
    return file;
  };
  const documentOf = (f: StoredFile): TgDocument => ({
    file_id: f.file_id,
    file_unique_id: f.file_unique_id,
    file_name: f.name,
    mime_type: f.mime,
    file_size: f.bytes.length,
  });

  /** A message from the user, stored in the chat and queued as an update. */
  const userMessage = (
    user: FakeUser,
    chat: TgChat | undefined,
    content: Pick<TgMessage, "text" | "document" | "caption" | "reply_to_message">,
  ): TgUpdate => {
    const state = ensureChat(chat ?? privateChatOf(user));
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      from: asTgUser(user),
      chat: { ...state.chat },
      date: unixNow(),
      ...content,
    };
    const said = content.text ?? content.caption ?? "";
    const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)/.exec(said);
    const entities: TgMessageEntity[] = command
      ? [{ type: "bot_command", offset: 0, length: command[0].length }]
      : [];
    if (entities.length > 0) {
      if (content.text !== undefined) message.entities = entities;
      else message.caption_entities = entities;
    }
    state.messages.set(message.message_id, { message, fromBot: false, edited: false });
    return pushUpdate({ message: structuredClone(message) });
  };

  /** The file a sendDocument names: an upload (or `attach://<part>`), or a file_id the fake holds. */
  const inputFile = (document: Upload | string, params: Record<string, unknown>): StoredFile => {
    const attached = typeof document === "string" ? /^attach:\/\/(.+)$/.exec(document)?.[1] : undefined;
    const upload = typeof document === "string" ? (attached ? params[attached] : undefined) : document;
    if (upload instanceof Upload) {
      if (upload.bytes.length === 0) throw badRequest("file must be non-empty");
      if (upload.bytes.length > UPLOAD_MAX_BYTES) throw badRequest("file is too big");
      return storeFile(upload.name, upload.bytes, upload.type);
    }
    const known = typeof document === "string" ? files.get(document) : undefined;
    if (!known) throw badRequest("wrong file identifier/HTTP URL specified");
    return known;
  };

  // --- update queue and long polling ---------------------------------------------------------------------

  const deliverable = (): TgUpdate[] => {
    // Updates of types not asked for are dropped, like Telegram does once allowed_updates is in force.
    for (let k = queue.length - 1; k >= 0; k--) {
      if (!isAllowed(queue[k]!, allowedUpdates)) queue.splice(k, 1);
    }
    return queue;
  };

  const wakePoll = () => {
    if (!heldPoll) return;
    const ready = deliverable();
    if (ready.length > 0) heldPoll.finish(ready.slice(0, heldPoll.limit));
  };

  const terminatePoll = (description: string) => heldPoll?.finish(new ApiError(409, description));

  const pushUpdate: FakeTelegram["pushUpdate"] = (partial) => {
    const update = { ...partial, update_id: partial.update_id ?? nextUpdateId } as TgUpdate;
    if (!UPDATE_TYPES.includes(updateType(update))) {
      throw new Error(`fake telegram: not a Bot API update type: ${JSON.stringify(Object.keys(partial))}`);
    }
    nextUpdateId = Math.max(nextUpdateId, update.update_id + 1);
    queue.push(update);
    wakePoll();
    return update;
  };

  const confirmUpTo = (offset: number) => {
    if (offset > 0) {
      while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    } else if (offset < 0) {
      queue.splice(0, Math.max(0, queue.length + offset));
    }
  };

  // --- methods -------------------------------------------------------------------------------------------

  const storeBotMessage = (
    state: ChatState,
    content:
      | { readonly text: ParsedText }
      | { readonly document: TgDocument; readonly caption?: ParsedText }
      | { readonly photo: TgPhotoSize[]; readonly caption?: ParsedText },
    markup?: TgInlineKeyboardMarkup,
  ): TgMessage => {
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      from: botAsUser,
      chat: { ...state.chat },
      date: unixNow(),
    };
    if ("text" in content) {
      message.text = content.text.text;
      if (content.text.entities.length > 0) message.entities = content.text.entities;
    } else {
      if ("document" in content) message.document = content.document;
      else message.photo = content.photo;
      if (content.caption) {
        message.caption = content.caption.text;
        if (content.caption.entities.length > 0) message.caption_entities = content.caption.entities;
      }
    }
    if (markup) message.reply_markup = markup;
    state.messages.set(message.message_id, { message, fromBot: true, edited: false });
    return structuredClone(message);
  };

  const findEditable = (chatId: number | string, messageId: number): StoredMessage => {
    const state = chatState(chatId);
    const stored = state.messages.get(messageId);
    if (!stored) throw badRequest("message to edit not found");
    if (!stored.fromBot) throw badRequest("message can't be edited");
    return stored;
  };

  const resolveEditTarget = (p: z.infer<typeof editTarget>): StoredMessage => {
    if (p.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
    if (p.chat_id === undefined) throw badRequest("chat_id is empty");
    if (p.message_id === undefined) throw badRequest("message identifier is not specified");
    return findEditable(p.chat_id, p.message_id);
  };

  const NOT_MODIFIED =
    "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

  const handlers: Record<string, Handler> = {
    getMe: () => bot,

    getUpdates: async (params, { signal }) => {
      const p = parseParams(methodParams.getUpdates, params);
      if (webhook) {
        throw new ApiError(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
      }
      if (p.allowed_updates) allowedUpdates = p.allowed_updates;
      confirmUpTo(p.offset ?? 0);
      const limit = Math.min(100, Math.max(1, p.limit ?? 100));
      terminatePoll(
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      );
      const ready = deliverable();
      const timeoutMs = Math.min(Math.max(0, p.timeout ?? 0) * 1000, maxLongPollMs);
      if (ready.length > 0 || timeoutMs === 0) return structuredClone(ready.slice(0, limit));
      const outcome = await new Promise<TgUpdate[] | ApiError>((resolve) => {
        const poll: HeldPoll = {
          limit,
          finish: (o) => {
            clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            if (heldPoll === poll) heldPoll = undefined;
            resolve(o);
          },
        };
        const timer = setTimeout(() => poll.finish([]), timeoutMs);
        const onAbort = () => poll.finish([]);
        signal.addEventListener("abort", onAbort);
        heldPoll = poll;
      });
      if (outcome instanceof ApiError) throw outcome;
      return structuredClone(outcome);
    },

    setWebhook: (params) => {
      const p = parseParams(methodParams.setWebhook, params);
      if (p.url === "") return removeWebhook(p.drop_pending_updates ?? false);
      let url: URL;
      try {
        url = new URL(p.url);
      } catch {
        throw badRequest("bad webhook: Failed to resolve host: Name or service not known (approx.)");
      }
      if (!options.insecureWebhooks) {
        if (url.protocol !== "https:")
          throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
        const port = url.port === "" ? 443 : Number(url.port);
        if (![80, 88, 443, 8443].includes(port)) {
          throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
        }
      } else if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
      }
      if (p.secret_token !== undefined && p.secret_token !== "") {
        if (p.secret_token.length > 256) throw badRequest("secret token is too long (approx.)");
        if (!/^[A-Za-z0-9_-]+$/.test(p.secret_token)) {
          throw badRequest("secret token contains unallowed characters");
        }
      }
      const maxConnections = p.max_connections ?? 40;
      if (maxConnections < 1 || maxConnections > 100) {
        throw badRequest("bad webhook: max_connections must be between 1 and 100 (approx.)");
      }
      if (p.allowed_updates) allowedUpdates = p.allowed_updates;
      if (p.drop_pending_updates) queue.length = 0;
      const same = webhook?.url === p.url && webhook.secret === (p.secret_token || undefined);
      webhook = { url: p.url, maxConnections };
      if (p.secret_token) webhook.secret = p.secret_token;
      if (p.allowed_updates) webhook.allowedUpdates = p.allowed_updates;
      if (p.ip_address) webhook.ipAddress = p.ip_address;
      terminatePoll("Conflict: terminated by setWebhook request");
      return withDescription(true, same ? "Webhook is already set" : "Webhook was set");
    },

    deleteWebhook: (params) => {
      const p = parseParams(methodParams.deleteWebhook, params);
      return removeWebhook(p.drop_pending_updates ?? false);
    },

    getWebhookInfo: () => webhookInfo(),

    sendMessage: (params) => {
      const p = parseParams(methodParams.sendMessage, params);
      const state = writableChat(p.chat_id);
      const parsed = parseMessageText(p.text, p.parse_mode, p.entities);
      const markup = checkReplyMarkup(p.reply_markup, false);
      const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
      if (replyTo !== undefined && !state.messages.has(replyTo) && !p.allow_sending_without_reply) {
        throw badRequest("message to be replied not found");
      }
      return storeBotMessage(state, { text: parsed }, markup);
    },

    sendDocument: (params) => {
      const p = parseParams(methodParams.sendDocument, params);
      const state = writableChat(p.chat_id);
      const caption = parseCaption(p.caption, p.parse_mode, p.caption_entities);
      const markup = checkReplyMarkup(p.reply_markup, false);
      const file = inputFile(p.document, params);
      return storeBotMessage(state, { document: documentOf(file), ...(caption ? { caption } : {}) }, markup);
    },

    sendPhoto: (params) => {
      const p = parseParams(methodParams.sendPhoto, params);
      const state = writableChat(p.chat_id);
      const caption = parseCaption(p.caption, p.parse_mode, p.caption_entities);
      const markup = checkReplyMarkup(p.reply_markup, false);
      const file = inputFile(p.photo, params);
      // Telegram decodes the image; the fake reads a PNG's header (width and height) and refuses anything else.
      const png = file.bytes
        .subarray(0, 8)
        .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      if (!png || file.bytes.length < 24) throw badRequest("IMAGE_PROCESS_FAILED");
      const size: TgPhotoSize = {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        width: file.bytes.readUInt32BE(16),
        height: file.bytes.readUInt32BE(20),
        file_size: file.bytes.length,
      };
      return storeBotMessage(state, { photo: [size], ...(caption ? { caption } : {}) }, markup);
    },

    getFile: (params) => {
      const p = parseParams(methodParams.getFile, params);
      const file = files.get(p.file_id);
      if (!file) throw badRequest("invalid file_id");
      if (file.bytes.length > DOWNLOAD_MAX_BYTES) throw badRequest("file is too big");
      const result: TgFile = {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_size: file.bytes.length,
        file_path: file.path,
      };
      return result;
    },

    editMessageText: (params) => {
      const p = parseParams(methodParams.editMessageText, params);
      const parsed = parseMessageText(p.text, p.parse_mode, p.entities);
      const markup = checkReplyMarkup(p.reply_markup, true);
      const stored = resolveEditTarget(p);
      const m = stored.message;
      if (m.text === undefined) throw badRequest("there is no text in the message to edit");
      if (
        m.text === parsed.text &&
        sameJson(m.entities ?? [], parsed.entities) &&
        sameJson(m.reply_markup, markup)
      ) {
        throw badRequest(NOT_MODIFIED);
      }
      m.text = parsed.text;
      if (parsed.entities.length > 0) m.entities = parsed.entities;
      else delete m.entities;
      // Omitting reply_markup removes the inline keyboard, as on Telegram.
      if (markup) m.reply_markup = markup;
      else delete m.reply_markup;
      m.edit_date = unixNow();
      stored.edited = true;
      return structuredClone(m);
    },

    editMessageReplyMarkup: (params) => {
      const p = parseParams(methodParams.editMessageReplyMarkup, params);
      const markup = checkReplyMarkup(p.reply_markup, true);
      const stored = resolveEditTarget(p);
      const m = stored.message;
      if (sameJson(m.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
      if (markup) m.reply_markup = markup;
      else delete m.reply_markup;
      m.edit_date = unixNow();
      stored.edited = true;
      return structuredClone(m);
    },

    answerCallbackQuery: (params) => {
      const p = parseParams(methodParams.answerCallbackQuery, params);
      const query = callbackQueries.get(p.callback_query_id);
      if (!query || query.answer || now() - query.issuedAt > CALLBACK_WINDOW_MS) {
        throw badRequest("query is too old and response timeout expired or query ID is invalid");
      }
      if (p.text !== undefined && p.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
      const answer: CallbackAnswer = { at: now() };
      if (p.text !== undefined) answer.text = p.text;
      if (p.show_alert !== undefined) answer.show_alert = p.show_alert;
      if (p.url !== undefined) answer.url = p.url;
      if (p.cache_time !== undefined) answer.cache_time = p.cache_time;
      query.answer = answer;
      return true;
    },

    setMyCommands: (params) => {
      const p = parseParams(methodParams.setMyCommands, params);
      checkLanguageCode(p.language_code);
      if (p.commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
      for (const c of p.commands) {
        if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
        if (c.description.trim().length < 1 || c.description.length > 256) {
          throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
        }
      }
      const key = `${scopeKey(p.scope)}|${p.language_code ?? ""}`;
      if (p.commands.length === 0) commandLists.delete(key);
      else
        commandLists.set(
          key,
          p.commands.map((c) => ({ command: c.command, description: c.description })),
        );
      return true;
    },

    getMyCommands: (params) => {
      const p = parseParams(commandsQuery, params);
      checkLanguageCode(p.language_code);
      return structuredClone(commandLists.get(`${scopeKey(p.scope)}|${p.language_code ?? ""}`) ?? []);
    },

    deleteMyCommands: (params) => {
      const p = parseParams(commandsQuery, params);
      checkLanguageCode(p.language_code);
      commandLists.delete(`${scopeKey(p.scope)}|${p.language_code ?? ""}`);
      return true;
    },

    sendChatAction: (params) => {
      const p = parseParams(methodParams.sendChatAction, params);
      writableChat(p.chat_id);
      if (!CHAT_ACTIONS.has(p.action)) throw badRequest("wrong parameter action in request");
      return true;
    },

    deleteMessage: (params) => {
      const p = parseParams(methodParams.deleteMessage, params);
      const state = chatState(p.chat_id);
      if (!state.messages.delete(p.message_id)) throw badRequest("message to delete not found");
      return true;
    },
  };

  const canonical = new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name]));

  function checkLanguageCode(code: string | undefined): void {
    if (code !== undefined && code !== "" && !/^[a-z]{2}$/.test(code)) {
      throw badRequest("invalid language code specified (approx.)");
    }
  }

  function withDescription(result: unknown, description: string) {
    return { [DESCRIBED]: true, result, description } as const;
  }

  function removeWebhook(dropPending: boolean) {
    const had = webhook !== undefined;
    webhook = undefined;
    if (dropPending) queue.length = 0;
    return withDescription(true, had ? "Webhook was deleted" : "Webhook is already deleted");
  }

  function webhookInfo(): TgWebhookInfo {
    const info: TgWebhookInfo = {
      url: webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: queue.length,
    };
    if (webhook) {
      info.max_connections = webhook.maxConnections;
      if (webhook.ipAddress) info.ip_address = webhook.ipAddress;
      if (webhook.allowedUpdates) info.allowed_updates = webhook.allowedUpdates;
      if (webhook.lastErrorDate !== undefined) info.last_error_date = webhook.lastErrorDate;
      if (webhook.lastErrorMessage !== undefined) info.last_error_message = webhook.lastErrorMessage;
    }
    return info;
  }

  /** Runs one method; resolves to the reply body and status. */
  async function invoke(
    methodName: string,
    params: Record<string, unknown>,
    via: RecordedCall["via"],
    signal: AbortSignal,
  ): Promise<{ status: number; payload: Record<string, unknown> } | "network"> {
    const name = canonical.get(methodName.toLowerCase());
    const call: RecordedCall = { method: name ?? methodName, body: params, at: now(), via };
    calls.push(call);
    const outcome = await answer(name, params, signal);
    for (const listener of callListeners) listener(call, outcome !== "network" && outcome.status === 200);
    return outcome;
  }

  /** Wall-clock times of the sends accepted in the last second, and of the last send into each chat. */
  const recentSends: number[] = [];
  const lastSendTo = new Map<string, number>();
  let limitedSends = 0;
  function checkSendLimits(limits: { perSecond: number; perChatPerSecond: number }, chatId: unknown): void {
    const t = performance.now();
    while (recentSends.length > 0 && (recentSends[0] ?? 0) <= t - 1000) recentSends.shift();
    const chat = String(chatId);
    const last = lastSendTo.get(chat);
    const chatEvery = 1000 / limits.perChatPerSecond;
    const wait = Math.max(
      recentSends.length >= limits.perSecond ? (recentSends[0] ?? t) + 1000 - t : 0,
      last !== undefined && t - last < chatEvery ? last + chatEvery - t : 0,
    );
    if (wait > 0) {
      limitedSends++;
      const retryAfter = Math.max(1, Math.ceil(wait / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    recentSends.push(t);
    lastSendTo.set(chat, t);
  }

  async function answer(
    name: string | undefined,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ status: number; payload: Record<string, unknown> } | "network"> {
    if (latency > 0 && (latencyMethods === undefined || latencyMethods.has(name ?? ""))) await sleep(latency);
    const fault = name ? faults.get(name)?.shift() : undefined;
    if (fault === "network") return "network";
    try {
      if (options.sendLimits && (name === "sendMessage" || name === "sendDocument")) {
        checkSendLimits(options.sendLimits, params.chat_id);
      }
      if (fault)
        throw new ApiError(
          fault.error_code,
          fault.description ?? defaultDescription(fault),
          fault.parameters,
        );
      const handler = name ? handlers[name] : undefined;
      if (!handler) throw new ApiError(404, "Not Found");
      const result = await handler(params, { signal });
      if (result && typeof result === "object" && DESCRIBED in result) {
        const d = result as unknown as { result: unknown; description: string };
        return { status: 200, payload: { ok: true, result: d.result, description: d.description } };
      }
      return { status: 200, payload: { ok: true, result } };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const payload: Record<string, unknown> = {
        ok: false,
        error_code: error.code,
        description: error.description,
      };
      if (error.parameters) payload.parameters = error.parameters;
      return { status: error.code, payload };
    }
  }

  // --- HTTP ----------------------------------------------------------------------------------------------

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            ok: false,
            error_code: 500,
            description: `Internal Server Error: ${String(error)}`,
          }),
        );
      }
    });
  });

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, payload: unknown) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const download = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (download) return serveFile(req, res, download[1] ?? "", download[2] ?? "");
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!match) return send(404, { ok: false, error_code: 404, description: "Not Found" });
    const [, reqToken, method] = match;
    const raw = await readBody(req);
    if (reqToken !== token) return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
    if (req.method !== "GET" && req.method !== "POST") {
      return send(405, { ok: false, error_code: 405, description: "Method Not Allowed" });
    }
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    if (raw.length > 0) {
      if (contentType.startsWith("multipart/form-data")) {
        let form: FormData;
        try {
          form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
        } catch {
          return send(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: can't parse multipart/form-data (approx.)",
          });
        }
        for (const [name, value] of form) {
          params[name] =
            typeof value === "string"
              ? value
              : new Upload(value.name, value.type, Buffer.from(await value.arrayBuffer()));
        }
      } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
        Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
      } else {
        let body: unknown;
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          return send(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: can't parse JSON object",
          });
        }
        if (!body || typeof body !== "object" || Array.isArray(body)) {
          return send(400, { ok: false, error_code: 400, description: "Bad Request: JSON object expected" });
        }
        Object.assign(params, body);
      }
    }
    const aborted = new AbortController();
    // Only a client that went away aborts (a DOMException per finished request is not free).
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    const outcome = await invoke(method ?? "", params, "http", aborted.signal);
    if (outcome === "network") {
      req.socket.destroy();
      return;
    }
    send(outcome.status, outcome.payload);
  }

  /** `GET /file/bot<token>/<file_path>`: a file's bytes, as getFile's path promises. */
  async function serveFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    reqToken: string,
    path: string,
  ): Promise<void> {
    await readBody(req);
    const file = [...files.values()].find((f) => f.path === decodeURIComponent(path));
    const refusal: [number, string] | undefined =
      reqToken !== token
        ? [401, "Unauthorized"]
        : req.method !== "GET" && req.method !== "HEAD"
          ? [405, "Method Not Allowed"]
          : file
            ? undefined
            : [404, "Not Found"];
    if (refusal || !file) {
      const [status, description] = refusal ?? [404, "Not Found"];
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error_code: status, description }));
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
    res.end(req.method === "HEAD" ? undefined : file.bytes);
  }

  async function readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  // --- webhook delivery ----------------------------------------------------------------------------------

  /** Telegram's side of the webhook connections (keepAliveWebhooks): at most max_connections at once. */
  let webhookAgent: http.Agent | undefined;
  const agentFor = (maxConnections: number): http.Agent | false => {
    if (!options.keepAliveWebhooks) return false;
    if (webhookAgent?.maxSockets !== maxConnections) {
      webhookAgent?.destroy();
      // Idle connections are dropped after 4 s, before a Node server's 5 s keep-alive timeout closes them.
      webhookAgent = new http.Agent({ keepAlive: true, maxSockets: maxConnections, timeout: 4_000 });
    }
    return webhookAgent;
  };

  function postJson(
    target: URL,
    body: string,
    headers: Record<string, string>,
    retried = false,
  ): Promise<{ status: number; statusText: string; body: string }> {
    const lib = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        target,
        {
          method: "POST",
          agent: lib === http ? agentFor(webhook?.maxConnections ?? 40) : false,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? "",
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-open connection the server closed just as it was reused: try once more on a new one (Telegram,
        // too, delivers an update again when it got no answer).
        if (req.reusedSocket && error.code === "ECONNRESET" && !retried)
          resolve(postJson(target, body, headers, true));
        else reject(error);
      });
      req.end(body);
    });
  }

  const deliver: FakeTelegram["deliver"] = async (update, opts = {}) => {
    if (!webhook) throw new Error("fake telegram: deliver() needs a webhook set with setWebhook");
    const registered = new URL(webhook.url);
    const target = webhookOrigin
      ? new URL(`${registered.pathname}${registered.search}`, webhookOrigin)
      : registered;
    const secret = opts.secretToken === undefined ? webhook.secret : opts.secretToken;
    const headers: Record<string, string> = {};
    if (secret !== undefined && secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
    let answer: { status: number; statusText: string; body: string };
    try {
      answer = await postJson(target, JSON.stringify(update), headers);
    } catch (error) {
      webhook.lastErrorDate = unixNow();
      webhook.lastErrorMessage = `Connection refused (${String(error)})`;
      throw error;
    }
    if (answer.status >= 200 && answer.status < 300) {
      const idx = queue.findIndex((u) => u.update_id === update.update_id);
      if (idx !== -1) queue.splice(idx, 1);
      // A bot may make one API call in its answer to the webhook (telegraf's webhookReply).
      const call = parseWebhookAnswer(answer.body);
      if (call) {
        const { method, ...params } = call;
        await invoke(method, params, "webhook", new AbortController().signal);
      }
    } else if (webhook) {
      webhook.lastErrorDate = unixNow();
      webhook.lastErrorMessage = `Wrong response from the webhook: ${answer.status} ${answer.statusText}`;
    }
    return { status: answer.status, body: answer.body };
  };

  function parseWebhookAnswer(body: string): ({ method: string } & Record<string, unknown>) | undefined {
    if (body.trim() === "") return undefined;
    try {
      const parsed = JSON.parse(body) as unknown;
      if (
        parsed &&
        typeof parsed === "object" &&
        typeof (parsed as { method?: unknown }).method === "string"
      ) {
        return parsed as { method: string } & Record<string, unknown>;
      }
    } catch {
      // Not JSON: Telegram ignores the body.
    }
    return undefined;
  }

  // --- the handle ----------------------------------------------------------------------------------------

  const shown = (s: StoredMessage): ShownMessage => {
    const m: ShownMessage = {
      message_id: s.message.message_id,
      text: s.message.text ?? "",
      edited: s.edited,
    };
    if (s.message.entities) m.entities = structuredClone(s.message.entities);
    if (s.message.document) m.document = structuredClone(s.message.document);
    if (s.message.photo) m.photo = structuredClone(s.message.photo);
    if (s.message.caption !== undefined) m.caption = s.message.caption;
    if (s.message.reply_markup) m.reply_markup = structuredClone(s.message.reply_markup);
    return m;
  };
  const sortedMessages = (chatId: number) =>
    [...(chats.get(chatId)?.messages.values() ?? [])].sort(
      (a, b) => a.message.message_id - b.message.message_id,
    );

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    bot,
    calls,
    callsTo: (method) => calls.filter((c) => c.method.toLowerCase() === method.toLowerCase()),

    async close() {
      heldPoll?.finish([]);
      webhookAgent?.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },

    messages: (chatId) =>
      sortedMessages(chatId)
        .filter((s) => s.fromBot)
        .map(shown),
    transcript: (chatId) =>
      sortedMessages(chatId).map((s) => ({ ...shown(s), from: s.fromBot ? "bot" : "user" })),
    async waitForMessages(chatId, predicate, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = fake.messages(chatId);
        if (predicate(current)) return current;
        if (Date.now() > deadline) {
          throw new Error(
            `fake telegram: timed out waiting for messages in ${chatId}: ${JSON.stringify(current)}`,
          );
        }
        await sleep(10);
      }
    },
    addPrivateChat: (user) => ensureChat(privateChatOf(user)).chat,
    userBlocksBot(userId) {
      ensureChat({ id: userId, type: "private" }).blocked = true;
    },

    pushUpdate,
    userSendsText: (user, text, chat) => userMessage(user, chat, { text }),
    userSendsDocument(user, file, caption, chat) {
      const bytes = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
      const document = documentOf(storeFile(file.name, bytes, file.mime));
      if (file.size !== undefined) document.file_size = file.size;
      return userMessage(user, chat, { document, ...(caption === undefined ? {} : { caption }) });
    },
    userRepliesText(user, replyTo, text, chat) {
      const original = chats.get(chat?.id ?? user.id)?.messages.get(replyTo)?.message;
      if (!original) throw new Error(`fake telegram: no message ${replyTo} to reply to`);
      const { reply_to_message: _nested, ...quoted } = structuredClone(original);
      return userMessage(user, chat, { text, reply_to_message: quoted });
    },
    file: (fileId) => files.get(fileId),
    userPressesButton(user, messageId, callbackData, chat) {
      const chatId = chat?.id ?? user.id;
      const stored = chats.get(chatId)?.messages.get(messageId);
      if (!stored?.fromBot) throw new Error(`fake telegram: no bot message ${messageId} in chat ${chatId}`);
      const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
      if (!buttons.some((b) => b.callback_data === callbackData)) {
        throw new Error(
          `fake telegram: message ${messageId} shows no button with callback_data ${JSON.stringify(callbackData)}; ` +
            `it shows ${JSON.stringify(buttons)}`,
        );
      }
      const id = String(nextQueryId++);
      callbackQueries.set(id, { issuedAt: now() });
      return pushUpdate({
        callback_query: {
          id,
          from: asTgUser(user),
          message: structuredClone(stored.message),
          chat_instance: String(-(BigInt(chatId) * 7919n + BigInt(bot.id))),
          data: callbackData,
        },
      });
    },
    pendingUpdates: () => structuredClone(queue),
    callbackAnswer: (queryId) => {
      const answer = callbackQueries.get(queryId)?.answer;
      return answer ? { ...answer } : undefined;
    },
    commands(scope, languageCode) {
      const parsed = scope === undefined ? undefined : commandScopeSchema.parse(scope);
      return structuredClone(commandLists.get(`${scopeKey(parsed)}|${languageCode ?? ""}`) ?? []);
    },
    webhookInfo,
    routeWebhooks(origin) {
      webhookOrigin = origin;
    },

    deliver,
    redeliver: (update, opts) => deliver(update, opts),
    async deliverPending() {
      const results: DeliveryResult[] = [];
      for (const update of [...queue]) {
        const r = await deliver(update);
        results.push(r);
        if (r.status < 200 || r.status >= 300) break;
      }
      return results;
    },

    rateLimited: () => limitedSends,
    failNext(method, fault, times = 1) {
      const name = canonical.get(method.toLowerCase());
      if (!name) throw new Error(`fake telegram: ${method} is not implemented, so it cannot fail`);
      const list = faults.get(name) ?? [];
      for (let k = 0; k < times; k++) list.push(fault);
      faults.set(name, list);
    },
    onCall(listener) {
      callListeners.add(listener);
      return () => {
        callListeners.delete(listener);
      };
    },
    setLatency(ms, methods) {
      latency = ms;
      latencyMethods = methods === undefined ? undefined : new Set(methods);
    },
    advanceTime(ms) {
      clockOffset += ms;
    },
    now,
  };
  return fake;
}

const DESCRIBED = Symbol("described");

function defaultDescription(fault: { error_code: number; parameters?: TgResponseParameters }): string {
  switch (fault.error_code) {
    case 429:
      return `Too Many Requests: retry after ${fault.parameters?.retry_after ?? 1}`;
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 403:
      return "Forbidden: bot was blocked by the user";
    case 400:
      return "Bad Request";
    default:
      return "Error";
  }
}
