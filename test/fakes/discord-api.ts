/**
 * A fake Discord on 127.0.0.1 for driving a real discord.js `Client` in tests: the REST API and the gateway
 * WebSocket on one HTTP server.
 *
 * - REST under `<apiBase>/v10` (pass `apiBase` as `rest: { api }`; discord.js appends `/v10`). Bot routes need
 *   `Authorization: Bot <token>` (else 401 `{message: "401: Unauthorized", code: 0}`); interaction callbacks and
 *   interaction webhooks are authorised by the token in the path, as on Discord. Errors are Discord's JSON
 *   `{code, message, errors?}`: validation failures are HTTP 400 code 50035 "Invalid Form Body" with an `errors`
 *   tree (`{components: {"0": {components: {_errors: [{code, message}]}}}}`), so discord.js throws a
 *   `DiscordAPIError` whose message lists the paths. Every call is recorded with its status.
 * - `GET /gateway/bot` answers `ws://127.0.0.1:<port>/gateway`, one shard and a generous session_start_limit.
 *   The gateway speaks JSON (`?v=10&encoding=json`, optional `compress=zlib-stream`): HELLO → IDENTIFY (token,
 *   intents and privileged intents checked; close codes 4004 / 4013 / 4014 as Discord) → READY (resume_gateway_url
 *   `ws://127.0.0.1:<port>/resume`, unavailable guilds) and a GUILD_CREATE per configured guild; HEARTBEAT →
 *   HEARTBEAT_ACK; RESUME replays the dispatches the session missed, then RESUMED; `requestReconnect()` sends op 7,
 *   `invalidateSession()` op 9. Closing with 1000/1001 ends the session (Discord's rule), 4xxx keeps it resumable.
 * - Interactions follow Discord's lifecycle: one initial response (callback) within `interactionWindowMs` (3 s)
 *   — a second one is 400 code 40060 "Interaction has already been acknowledged", a late one 404 code 10062
 *   "Unknown interaction"; both are listed by `lateOrDoubleAcks()`. The token then works for follow-ups and edits
 *   (`/webhooks/<app>/<token>…`) for `interactionTokenLifetimeMs` (15 min); after that 401 code 50027 "Invalid
 *   Webhook Token"; before the initial response 404 code 10015 "Unknown Webhook" (approx.).
 * - Limits (discord.com/developers/docs): content 2000; ≤ 5 action rows of ≤ 5 buttons or exactly one select;
 *   button label 80, custom_id 1–100 and unique in the message, link buttons url and no custom_id; select options
 *   1–25 (label/value/description 100, values unique); modal title 45, 1–5 rows of one text input (label 45,
 *   max_length ≤ 4000); embeds ≤ 10, title 256, description 4096, ≤ 25 fields (name 256, value 1024), footer 2048,
 *   author 256, 6000 in all; command names `^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` in lower case,
 *   descriptions 1–100, ≤ 25 options and choices, localization keys only Discord's locales (`DISCORD_LOCALES`: no
 *   `fa`, no `ar`). Lengths are counted in code points. Error `code` strings marked "(approx.)" are our best guess.
 * - Commands with subcommands (type 1) and groups (type 2): nested one level as Discord allows, never mixed with
 *   other options on one level; choices and autocomplete on STRING / INTEGER / NUMBER only; 8000 characters of
 *   names, descriptions and values per command (the longest localization of each counts).
 * - Files (discord.com/developers/docs/reference#uploading-files): multipart bodies with `payload_json` and
 *   `files[n]` on message creates and edits, interaction responses and follow-ups; the payload's `attachments`
 *   name them by `id: n` (and, on an edit, the attachments to keep); ≤ 10 per message, each ≤ 10 MiB (else 413
 *   code 40005). Stored files are served back at their `url` (as the CDN), and `attachment(id)` returns the bytes.
 *   A user's ATTACHMENT option (type 11) arrives as Discord sends it: the option's value is the attachment id, the
 *   attachment object is in `data.resolved.attachments`, its `url` downloadable.
 * - DMs: `POST /users/@me/channels` opens one DM channel per user; a user whose DMs are closed makes sends answer
 *   403 code 50007 "Cannot send messages to this user". A user's MESSAGE_CREATE carries `channel_type: 1`, as
 *   Discord's does — discord.js 14.28 needs it (or a cached channel) to build the DM channel; with neither, it
 *   drops the message. MESSAGE_CREATE in DMs needs the DIRECT_MESSAGES intent and always has its content (the
 *   MESSAGE_CONTENT intent does not apply to DMs). The bot's own non-ephemeral messages are echoed as
 *   MESSAGE_CREATE too (Discord does; adapters must ignore their own messages), unless `echoBotMessages: false`.
 *
 * The user side: `userRunsCommand` (a subcommand by its path, `"cx export"`), `userAutocompletes`, `userPressesButton`, `userSelects`, `userSubmitsModal`,
 * `userSendsDm` send realistic dispatches and throw when a real user could not do that (no such registered
 * command, no such button on the message, no modal open). Faults: `rateLimitNext` (429 with `Retry-After`,
 * `X-RateLimit-*`; discord.js waits and retries) and `failNext` (any status, or a dropped connection).
 *
 * What discord.js 14.28 does against it (worth knowing when writing an adapter or a test):
 * - `login()` makes one REST call, `GET /gateway/bot`; `ready` fires after READY and every GUILD_CREATE.
 * - Gateway compression is off unless the optional `zlib-sync` package is installed (it is not here).
 * - A DM's MESSAGE_CREATE is dropped unless `partials: [Partials.Channel]` is set or the DM channel is cached.
 * - After op 7 the client waits 500 ms, then RESUMEs at resume_gateway_url; after a non-resumable op 9 it
 *   identifies again, which its identify throttle delays by up to 6.5 s.
 * - A second `reply()` on the same interaction object throws locally (InteractionAlreadyReplied) without a REST
 *   call; Discord's 40060 is what a second delivery of the interaction (`redeliver`) meets.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import zlib from "node:zlib";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

// ---------------------------------------------------------------------------------------------------------
// Public types

export type Json = Record<string, unknown>;

/** A Discord user as tests describe them. */
export interface FakeDiscordUser {
  id: string;
  username: string;
  global_name?: string;
  /** The user's Discord client locale, sent as the interaction's `locale`. Default "en-US". */
  locale?: string;
  /** Sends to this user's DM answer 403 code 50007 (also `setDmsClosed`). */
  dmsClosed?: boolean;
}

export interface FakeDiscordGuild {
  id: string;
  name: string;
  /** The guild's `preferred_locale`, sent as interactions' `guild_locale`. Default "en-US". */
  preferred_locale?: string;
  /** Text channels. Default: one `general` channel with id `<guild id>1`. */
  channels?: { id: string; name: string }[];
}

export interface FakeDiscordOptions {
  /** The bot token. Default: a random token-shaped string. */
  token?: string;
  applicationId?: string;
  botUsername?: string;
  /** HELLO's heartbeat_interval. Default 41,250 ms as Discord; tests want ~1 s. */
  heartbeatIntervalMs?: number;
  /** How long an interaction may wait for its initial response. Default 3,000 ms. */
  interactionWindowMs?: number;
  /** How long the interaction token works for follow-ups and edits. Default 15 minutes. */
  interactionTokenLifetimeMs?: number;
  guilds?: FakeDiscordGuild[];
  users?: FakeDiscordUser[];
  /** Privileged intents enabled in the "developer portal" (bit mask). Default: all three. */
  privilegedIntents?: number;
  /** Deliver MESSAGE_CREATE for the bot's own messages, as Discord does. Default true. */
  echoBotMessages?: boolean;
}

export interface DiscordUserObject {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

/** A message as the fake shows it (Discord's message object, current state). */
export interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  author: DiscordUserObject;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: Json[];
  mentions: Json[];
  mention_roles: string[];
  mention_everyone: boolean;
  pinned: boolean;
  tts: boolean;
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Json;
  channel_type?: number;
}

export interface RecordedDiscordCall {
  method: string;
  /** Path after `/api/v10`, without the query string, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** The JSON body (undefined when none). */
  body: unknown;
  status: number;
  /** Discord's JSON error code for an error answer. */
  code?: number;
  /** Fake-clock milliseconds. */
  at: number;
  /** Files of a multipart request (`files[n]`), without their bytes (see `attachment`). */
  files?: { field: string; filename: string; size: number; contentType: string }[];
}

export interface InteractionAck {
  interactionId: string;
  type: number;
  data?: Json;
  /** Fake-clock milliseconds. */
  at: number;
  /** Milliseconds from the dispatch to the acknowledgement (fake clock). */
  ms: number;
}

export interface RejectedAck {
  interactionId: string;
  reason: "late" | "double";
  /** The callback type the bot tried. */
  type: number;
  status: number;
  code: number;
  ms: number;
}

export interface GatewayConnectionRecord {
  id: number;
  /** "/gateway" or "/resume". */
  path: string;
  query: Record<string, string>;
  open: boolean;
  heartbeats: number;
  /** The close code, once closed. */
  closeCode?: number;
  closedBy?: "client" | "fake";
  sessionId?: string;
}

export interface IdentifyRecord {
  connectionId: number;
  token: string;
  intents: number;
  properties: Json;
  shard?: [number, number];
  compress?: boolean;
  sessionId?: string;
  /** Close code when the identify was refused. */
  refused?: number;
}

export interface ResumeRecord {
  connectionId: number;
  sessionId: string;
  seq: number;
  /** How many dispatches were replayed; undefined when the resume failed (op 9 sent). */
  replayed?: number;
}

export interface GatewayDispatch {
  op: 0;
  t: string;
  s: number;
  d: Json;
}

/** Where an interaction happens: a guild channel, or (no guildId) the user's DM with the bot. */
export interface InteractionPlace {
  guildId?: string;
  channelId?: string;
}

/** A file a user attaches to an ATTACHMENT option (type 11) of a slash command. */
export interface FakeDiscordFile {
  readonly filename: string;
  readonly content: string | Uint8Array;
  readonly contentType?: string;
}

export type CommandOptionValue = string | number | boolean | FakeDiscordFile;

/** A file stored with a message or uploaded with a command, as the fake keeps it. */
export interface StoredAttachment {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export type DiscordFault = { status: number; code?: number; message?: string } | "network";

export interface RateLimitOptions {
  global?: boolean;
  /** How many calls in a row answer 429. Default 1. */
  times?: number;
  scope?: "user" | "global" | "shared";
}

export interface FakeDiscord {
  /** `http://127.0.0.1:<port>/api` — discord.js's `rest.api` (it appends `/v10`). */
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly bot: DiscordUserObject;

  addUser(user: FakeDiscordUser): void;
  setDmsClosed(userId: string, closed: boolean): void;
  /** The user's DM channel id (opened if needed). */
  dmChannelOf(userId: string): string;

  // --- what the bot did
  /** Calls whose `METHOD /path` matches (see `rateLimitNext` for patterns), all when omitted. */
  calls(pattern?: string | RegExp): RecordedDiscordCall[];
  /** Registered commands: global ones, or a guild's. */
  commands(where?: { guildId?: string }): Json[];
  /** Messages in a channel, oldest first, as shown now (edits applied, deletions gone), the user's included. */
  messages(channelId: string): DiscordMessage[];
  /** A stored file by its attachment id (from a message's `attachments`, or a command's resolved attachments). */
  attachment(id: string): StoredAttachment | undefined;
  waitForMessages(
    channelId: string,
    predicate: (messages: DiscordMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<DiscordMessage[]>;
  /** Resolves with the interaction's initial response (rejects after `timeoutMs`, default 2 s). */
  waitForResponse(interactionId: string, timeoutMs?: number): Promise<InteractionAck>;
  /** Every accepted initial response. */
  responses(): InteractionAck[];
  /** Every refused initial response: after the window, or a second one. */
  lateOrDoubleAcks(): RejectedAck[];
  /** The modal last shown to the user and not yet submitted. */
  openModal(userId: string): Json | undefined;
  /** Polls `probe` every 10 ms until it returns something other than undefined / false. */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;

  // --- the gateway
  connections(): GatewayConnectionRecord[];
  identifies(): IdentifyRecord[];
  resumes(): ResumeRecord[];
  /** Resolves once a session is connected and ready (after IDENTIFY or RESUME). */
  waitForSession(timeoutMs?: number): Promise<string>;
  /** Sends a dispatch on the current session (queued for replay when it is between connections). */
  dispatch(t: string, d: Json): Promise<GatewayDispatch>;
  /** op 7 RECONNECT on the connected session; returns how many connections were told. */
  requestReconnect(): number;
  /** op 9 INVALID_SESSION; a non-resumable one ends the session. */
  invalidateSession(resumable: boolean): number;
  /** Stop (or resume) answering heartbeats, so the client sees a zombie connection. */
  setHeartbeatAcks(on: boolean): void;

  // --- the user side
  /**
   * A slash command as the user sends it. `name` is the command, or a path to a subcommand as the user sees it
   * (`"cx export"`, `"perm user get"`); `options` are the leaf's options (a {@link FakeDiscordFile} for an
   * ATTACHMENT option).
   */
  userRunsCommand(
    user: FakeDiscordUser,
    name: string,
    options?: Record<string, CommandOptionValue>,
    where?: InteractionPlace,
  ): Promise<Json>;
  userAutocompletes(
    user: FakeDiscordUser,
    name: string,
    focused: string,
    options: Record<string, CommandOptionValue>,
    where?: InteractionPlace,
  ): Promise<Json>;
  userPressesButton(user: FakeDiscordUser, message: DiscordMessage | string, customId: string): Promise<Json>;
  userSelects(
    user: FakeDiscordUser,
    message: DiscordMessage | string,
    customId: string,
    values: string[],
  ): Promise<Json>;
  userSubmitsModal(user: FakeDiscordUser, customId: string, fields: Record<string, string>): Promise<Json>;
  /**
   * A DM from the user, with files attached if given (≤ 10, each within the upload limit); `delivered` is false
   * when the session lacks the DIRECT_MESSAGES intent.
   */
  userSendsDm(
    user: FakeDiscordUser,
    text: string,
    files?: readonly FakeDiscordFile[],
  ): Promise<{ message: DiscordMessage; delivered: boolean }>;
  /** The same INTERACTION_CREATE again (same id and token), as after a resume. */
  redeliver(interaction: Json): Promise<GatewayDispatch>;

  // --- faults and time
  /**
   * The next `times` calls matching `pattern` answer 429 `{message, retry_after, global}` with `Retry-After` and
   * `X-RateLimit-*` headers (fractions of seconds are kept so tests stay fast; Discord's header is whole seconds).
   * A pattern is `"POST /channels/:id/messages"` (`:name` matches one segment, `*` anything; the method may be
   * left out) or a RegExp tested against `"POST /channels/123/messages"`.
   */
  rateLimitNext(pattern: string | RegExp, retryAfterSeconds: number, options?: RateLimitOptions): void;
  failNext(pattern: string | RegExp, fault: DiscordFault, times?: number): void;
  /** Moves the fake's clock (interaction windows, token lifetimes, timestamps) forward. */
  advanceTime(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

/** Discord's locales (discord.com/developers/docs/reference#locales). No Persian, no Arabic. */
export const DISCORD_LOCALES = [
  "id",
  "da",
  "de",
  "en-GB",
  "en-US",
  "es-ES",
  "es-419",
  "fr",
  "hr",
  "it",
  "lt",
  "hu",
  "nl",
  "no",
  "pl",
  "pt-BR",
  "ro",
  "fi",
  "sv-SE",
  "vi",
  "tr",
  "cs",
  "el",
  "bg",
  "ru",
  "uk",
  "hi",
  "th",
  "zh-CN",
  "ja",
  "zh-TW",
  "ko",
] as const;
const LOCALES: ReadonlySet<string> = new Set(DISCORD_LOCALES);

// ---------------------------------------------------------------------------------------------------------
// Constants

const DISCORD_EPOCH = 1_420_070_400_000n;
const INTENT_GUILDS = 1 << 0;
const INTENT_GUILD_MEMBERS = 1 << 1;
const INTENT_GUILD_PRESENCES = 1 << 8;
const INTENT_GUILD_MESSAGES = 1 << 9;
const INTENT_DIRECT_MESSAGES = 1 << 12;
const INTENT_MESSAGE_CONTENT = 1 << 15;
const PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT;
/** Every intent bit Discord knows (0–25, without the retired 22–23). */
const ALL_INTENTS = (1 << 26) - 1;
const FLAG_EPHEMERAL = 1 << 6;
const FLAG_LOADING = 1 << 7;
/** Files per message, and bytes per file without boosts (the interaction's `attachment_size_limit`). */
const MAX_ATTACHMENTS = 10;
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
const APP_PERMISSIONS = "2248473465835073";

enum Op {
  Dispatch = 0,
  Heartbeat = 1,
  Identify = 2,
  PresenceUpdate = 3,
  VoiceStateUpdate = 4,
  Resume = 6,
  Reconnect = 7,
  RequestGuildMembers = 8,
  InvalidSession = 9,
  Hello = 10,
  HeartbeatAck = 11,
}

enum InteractionType {
  Ping = 1,
  ApplicationCommand = 2,
  MessageComponent = 3,
  Autocomplete = 4,
  ModalSubmit = 5,
}

enum Callback {
  Pong = 1,
  ChannelMessage = 4,
  DeferredChannelMessage = 5,
  DeferredUpdateMessage = 6,
  UpdateMessage = 7,
  AutocompleteResult = 8,
  Modal = 9,
}

// ---------------------------------------------------------------------------------------------------------
// Errors and validation

class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
  ) {
    super(message);
  }
}

interface Issue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** Collects validation issues and turns them into Discord's nested `errors` object. */
class Issues {
  readonly list: Issue[] = [];
  add(path: (string | number)[], code: string, message: string): void {
    this.list.push({ path, code, message });
  }
  maxLength(path: (string | number)[], value: unknown, max: number): void {
    if (typeof value === "string" && chars(value) > max) {
      this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
    }
  }
  /** A required (when `required`) string of min–max code points. */
  str(path: (string | number)[], value: unknown, min: number, max: number, required = true): void {
    if (value === undefined || value === null) {
      if (required) this.add(path, "BASE_TYPE_REQUIRED", "This field is required");
      return;
    }
    if (typeof value !== "string") {
      this.add(path, "BASE_TYPE_STRING", "Must be a string. (approx.)");
      return;
    }
    const n = chars(value);
    if (n < min || n > max) {
      this.add(
        path,
        min === 0 ? "BASE_TYPE_MAX_LENGTH" : "BASE_TYPE_BAD_LENGTH",
        min === 0 ? `Must be ${max} or fewer in length.` : `Must be between ${min} and ${max} in length.`,
      );
    }
  }
  int(path: (string | number)[], value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.add(path, "NUMBER_TYPE_COERCE", `Value "${String(value)}" is not int.`);
    } else if (value < min) {
      this.add(path, "NUMBER_TYPE_MIN", `int value should be greater than or equal to ${min}.`);
    } else if (value > max) {
      this.add(path, "NUMBER_TYPE_MAX", `int value should be less than or equal to ${max}.`);
    }
  }
  throwIfAny(prefix: (string | number)[] = []): void {
    if (this.list.length === 0) return;
    const errors: Json = {};
    for (const issue of this.list) {
      let node = errors;
      for (const key of [...prefix, ...issue.path]) {
        const k = String(key);
        const next = node[k];
        if (isRecord(next)) node = next;
        else {
          const created: Json = {};
          node[k] = created;
          node = created;
        }
      }
      const list = Array.isArray(node._errors) ? node._errors : [];
      list.push({ code: issue.code, message: issue.message });
      node._errors = list;
    }
    throw new DiscordError(400, 50035, "Invalid Form Body", errors);
  }
}

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const chars = (s: string) => [...s].length;
const asArray = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
/** Option types: SUB_COMMAND, SUB_COMMAND_GROUP; STRING, INTEGER, NUMBER take choices and autocomplete. */
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const CHOICE_TYPES: ReadonlySet<unknown> = new Set([3, 4, 10]);
/** Name, description and value characters of a command, its options and choices (the longest localization counts). */
const COMMAND_CHARACTERS = 8000;

function validateLocalizations(
  issues: Issues,
  path: (string | number)[],
  value: unknown,
  max: number,
  min = 1,
) {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    issues.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType (approx.)");
    return;
  }
  for (const [locale, text] of Object.entries(value)) {
    if (!LOCALES.has(locale)) {
      issues.add(
        [...path, locale],
        "ENUM_TYPE_COERCE",
        `Value "${locale}" is not a valid enum value. (approx.)`,
      );
    } else {
      issues.str([...path, locale], text, min, max);
    }
  }
}

function validateCommandName(issues: Issues, path: (string | number)[], name: unknown, chatInput: boolean) {
  if (typeof name !== "string") {
    issues.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (chars(name) < 1 || chars(name) > 32) {
    issues.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
  } else if (chatInput && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
    issues.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
}

function validateCommandOption(issues: Issues, path: (string | number)[], option: unknown, depth: number) {
  if (!isRecord(option)) {
    issues.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const type = option.type;
  if (typeof type !== "number" || !Number.isInteger(type) || type < 1 || type > 11) {
    issues.add([...path, "type"], "ENUM_TYPE_COERCE", `Value "${String(type)}" is not a valid enum value.`);
  }
  validateCommandName(issues, [...path, "name"], option.name, true);
  issues.str([...path, "description"], option.description, 1, 100);
  validateLocalizations(issues, [...path, "name_localizations"], option.name_localizations, 32);
  validateLocalizations(
    issues,
    [...path, "description_localizations"],
    option.description_localizations,
    100,
  );
  const choices = asArray(option.choices);
  if (choices) {
    if (choices.length > 25) {
      issues.add([...path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    }
    if (option.autocomplete === true && choices.length > 0) {
      issues.add(
        [...path, "autocomplete"],
        "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
        "Autocomplete cannot be set with choices (approx.)",
      );
    }
    choices.forEach((choice, i) => {
      const p = [...path, "choices", i];
      if (!isRecord(choice)) {
        issues.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
        return;
      }
      issues.str([...p, "name"], choice.name, 1, 100);
      validateLocalizations(issues, [...p, "name_localizations"], choice.name_localizations, 100);
      if (typeof choice.value === "string") issues.str([...p, "value"], choice.value, 1, 100);
      else if (typeof choice.value !== "number")
        issues.add([...p, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    });
  }
  if ((choices || option.autocomplete === true) && !CHOICE_TYPES.has(type)) {
    issues.add(
      [...path, choices ? "choices" : "autocomplete"],
      "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
      "Only STRING, INTEGER and NUMBER options take choices or autocomplete (approx.)",
    );
  }
  const sub = asArray(option.options);
  if (sub) {
    if (type !== SUB_COMMAND && type !== SUB_COMMAND_GROUP) {
      issues.add(
        [...path, "options"],
        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        "Options not allowed (approx.)",
      );
    } else {
      // One level of nesting: a group holds subcommands, a subcommand holds plain options.
      sub.forEach((child, i) => {
        const childType = isRecord(child) ? child.type : undefined;
        const nested = childType === SUB_COMMAND || childType === SUB_COMMAND_GROUP;
        if ((type === SUB_COMMAND_GROUP && childType !== SUB_COMMAND) || (type === SUB_COMMAND && nested)) {
          issues.add(
            [...path, "options", i, "type"],
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Invalid nesting of subcommands (approx.)",
          );
        }
      });
      if (depth < 2) validateOptionList(issues, [...path, "options"], sub, depth + 1);
    }
  }
}

/** Characters a command counts toward its 8000: names, descriptions and string values, the longest localization of each. */
function commandCharacters(node: Json): number {
  const longest = (value: unknown, localizations: unknown): number => {
    const texts = [value, ...(isRecord(localizations) ? Object.values(localizations) : [])];
    return Math.max(0, ...texts.map((t) => (typeof t === "string" ? chars(t) : 0)));
  };
  let total =
    longest(node.name, node.name_localizations) + longest(node.description, node.description_localizations);
  for (const choice of (asArray(node.choices) ?? []).filter(isRecord))
    total += longest(choice.name, choice.name_localizations) + longest(choice.value, undefined);
  for (const option of (asArray(node.options) ?? []).filter(isRecord)) total += commandCharacters(option);
  return total;
}

function validateOptionList(issues: Issues, path: (string | number)[], options: unknown[], depth: number) {
  if (options.length > 25) issues.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  const subcommands = options.filter(
    (o) => isRecord(o) && (o.type === SUB_COMMAND || o.type === SUB_COMMAND_GROUP),
  ).length;
  if (subcommands > 0 && subcommands < options.length) {
    issues.add(
      path,
      "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      "Sub-command and sub-command group option types are mutually exclusive to all other types",
    );
  }
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((option, i) => {
    validateCommandOption(issues, [...path, i], option, depth);
    if (!isRecord(option)) return;
    const name = str(option.name);
    if (name !== undefined) {
      if (names.has(name)) {
        issues.add(
          [...path, i, "name"],
          "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
          "Option names must be unique (approx.)",
        );
      }
      names.add(name);
    }
    if (option.required === true && sawOptional) {
      issues.add(
        [...path, i, "required"],
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    if (option.required !== true) sawOptional = true;
  });
}

function validateCommand(issues: Issues, path: (string | number)[], command: unknown): void {
  if (!isRecord(command)) {
    issues.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const type = command.type ?? 1;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    issues.add([...path, "type"], "ENUM_TYPE_COERCE", `Value "${String(type)}" is not a valid enum value.`);
  }
  const chatInput = type === 1;
  validateCommandName(issues, [...path, "name"], command.name, chatInput);
  validateLocalizations(issues, [...path, "name_localizations"], command.name_localizations, 32);
  if (chatInput) {
    issues.str([...path, "description"], command.description, 1, 100);
    validateLocalizations(
      issues,
      [...path, "description_localizations"],
      command.description_localizations,
      100,
    );
  } else if (command.description !== undefined && command.description !== "") {
    issues.add(
      [...path, "description"],
      "APPLICATION_COMMAND_DESCRIPTION_INVALID",
      "Must be empty (approx.)",
    );
  }
  const options = asArray(command.options);
  if (options) validateOptionList(issues, [...path, "options"], options, 0);
  if (chatInput && commandCharacters(command) > COMMAND_CHARACTERS) {
    issues.add(
      path,
      "APPLICATION_COMMAND_TOO_LARGE",
      `Command exceeds maximum size (${COMMAND_CHARACTERS}) (approx.)`,
    );
  }
}

function validateEmoji(issues: Issues, path: (string | number)[], emoji: unknown) {
  if (emoji === undefined || emoji === null) return;
  if (!isRecord(emoji) || (emoji.id === undefined && emoji.name === undefined)) {
    issues.add(path, "COMPONENT_INVALID_EMOJI", "Invalid emoji");
  }
}

function validateButton(issues: Issues, path: (string | number)[], b: Json, customIds: Set<string>) {
  const style = b.style;
  if (typeof style !== "number" || style < 1 || style > 6) {
    issues.add([...path, "style"], "ENUM_TYPE_COERCE", `Value "${String(style)}" is not a valid enum value.`);
    return;
  }
  issues.maxLength([...path, "label"], b.label, 80);
  validateEmoji(issues, [...path, "emoji"], b.emoji);
  if (style === 5) {
    if (typeof b.url !== "string") {
      issues.add([...path, "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A url is required (approx.)");
    } else if (!/^(https?|discord):\/\/\S+$/.test(b.url) || chars(b.url) > 512) {
      issues.add([...path, "url"], "URL_TYPE_INVALID_URL", "Not a well formed URL.");
    }
    if (b.custom_id !== undefined) {
      issues.add(
        [...path, "custom_id"],
        "BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID",
        "A custom id cannot be specified on a link button (approx.)",
      );
    }
  } else if (style === 6) {
    if (typeof b.sku_id !== "string") {
      issues.add([...path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required");
    }
  } else {
    if (b.custom_id === undefined) {
      issues.add([...path, "custom_id"], "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id required");
    } else customId(issues, [...path, "custom_id"], b.custom_id, customIds);
    if (b.url !== undefined) {
      issues.add([...path, "url"], "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url cannot be set (approx.)");
    }
  }
  if (style !== 6 && (b.label === undefined || b.label === "") && b.emoji === undefined) {
    issues.add(
      [...path, "label"],
      "BUTTON_COMPONENT_LABEL_REQUIRED",
      "A label or emoji is required (approx.)",
    );
  }
}

function customId(issues: Issues, path: (string | number)[], value: unknown, customIds: Set<string>) {
  issues.str(path, value, 1, 100);
  if (typeof value !== "string") return;
  if (customIds.has(value)) {
    issues.add(path, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
  }
  customIds.add(value);
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function validateSelect(issues: Issues, path: (string | number)[], s: Json, customIds: Set<string>) {
  customId(issues, [...path, "custom_id"], s.custom_id, customIds);
  issues.str([...path, "placeholder"], s.placeholder, 0, 150, false);
  issues.int([...path, "min_values"], s.min_values, 0, 25);
  issues.int([...path, "max_values"], s.max_values, 1, 25);
  if (s.type !== 3) return;
  const options = asArray(s.options);
  if (!options || options.length < 1 || options.length > 25) {
    issues.add([...path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.");
    return;
  }
  const values = new Set<string>();
  options.forEach((o, i) => {
    const p = [...path, "options", i];
    if (!isRecord(o)) {
      issues.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
      return;
    }
    issues.str([...p, "label"], o.label, 1, 100);
    issues.str([...p, "value"], o.value, 1, 100);
    issues.str([...p, "description"], o.description, 0, 100, false);
    validateEmoji(issues, [...p, "emoji"], o.emoji);
    if (typeof o.value === "string") {
      if (values.has(o.value)) {
        issues.add(
          [...p, "value"],
          "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
          "The specified option value is already used",
        );
      }
      values.add(o.value);
    }
  });
  if (typeof s.max_values === "number" && s.max_values > options.length) {
    issues.add(
      [...path, "max_values"],
      "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
      "Max values must be less than or equal to the number of options (approx.)",
    );
  }
}

/** Action rows of a message (not components v2). */
function validateMessageComponents(issues: Issues, path: (string | number)[], components: unknown) {
  const rows = asArray(components);
  if (!rows) {
    if (components !== undefined && components !== null) {
      issues.add(path, "BASE_TYPE_LIST", "Must be a list. (approx.)");
    }
    return;
  }
  if (rows.length > 5) issues.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  const customIds = new Set<string>();
  rows.forEach((row, r) => {
    const rp = [...path, r];
    if (!isRecord(row) || row.type !== 1) {
      issues.add(
        [...rp, "type"],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (1,). (approx.)',
      );
      return;
    }
    const items = asArray(row.components) ?? [];
    if (items.length < 1 || items.length > 5) {
      issues.add([...rp, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
    }
    const hasSelect = items.some(
      (c) => isRecord(c) && typeof c.type === "number" && SELECT_TYPES.has(c.type),
    );
    items.forEach((c, i) => {
      const cp = [...rp, "components", i];
      if (!isRecord(c)) {
        issues.add(cp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
        return;
      }
      if (c.type === 2) {
        validateButton(issues, cp, c, customIds);
        if (hasSelect) {
          issues.add(
            cp,
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
          );
        }
      } else if (typeof c.type === "number" && SELECT_TYPES.has(c.type)) {
        validateSelect(issues, cp, c, customIds);
        if (items.length > 1 && i > 0) {
          issues.add(
            cp,
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
          );
        }
      } else {
        issues.add(
          [...cp, "type"],
          "COMPONENT_TYPE_INVALID",
          `Invalid component type ${String(c.type)} (approx.)`,
        );
      }
    });
  });
}

function validateEmbeds(issues: Issues, path: (string | number)[], embeds: unknown) {
  const list = asArray(embeds);
  if (!list) return;
  if (list.length > 10) issues.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  let total = 0;
  const count = (v: unknown) => {
    if (typeof v === "string") total += chars(v);
  };
  list.forEach((e, i) => {
    const p = [...path, i];
    if (!isRecord(e)) {
      issues.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
      return;
    }
    issues.str([...p, "title"], e.title, 0, 256, false);
    issues.str([...p, "description"], e.description, 0, 4096, false);
    count(e.title);
    count(e.description);
    if (isRecord(e.footer)) {
      issues.str([...p, "footer", "text"], e.footer.text, 1, 2048);
      count(e.footer.text);
    }
    if (isRecord(e.author)) {
      issues.str([...p, "author", "name"], e.author.name, 1, 256);
      count(e.author.name);
    }
    const fields = asArray(e.fields);
    if (fields) {
      if (fields.length > 25)
        issues.add([...p, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
      fields.forEach((f, j) => {
        const fp = [...p, "fields", j];
        if (!isRecord(f)) {
          issues.add(fp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
          return;
        }
        issues.str([...fp, "name"], f.name, 1, 256);
        issues.str([...fp, "value"], f.value, 1, 1024);
        count(f.name);
        count(f.value);
      });
    }
  });
  if (total > 6000) issues.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
}

/** A message body (create or edit). Throws 50035 for form errors, 50006 for an empty new message. */
function validateMessageBody(
  body: unknown,
  prefix: (string | number)[],
  creating: boolean,
  withFiles = false,
): Json {
  const issues = new Issues();
  if (!isRecord(body)) {
    issues.add([], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    issues.throwIfAny(prefix);
    return {};
  }
  if (body.content !== undefined && body.content !== null) issues.str(["content"], body.content, 0, 2000);
  validateEmbeds(issues, ["embeds"], body.embeds);
  if (typeof body.flags === "number" && (body.flags & (1 << 15)) !== 0) {
    issues.add(["flags"], "COMPONENTS_V2_NOT_SUPPORTED", "The fake does not model components v2 (approx.)");
  } else {
    validateMessageComponents(issues, ["components"], body.components);
  }
  issues.throwIfAny(prefix);
  if (creating && !withFiles && isEmptyMessage(body))
    throw new DiscordError(400, 50006, "Cannot send an empty message");
  return body;
}

function isEmptyMessage(m: Json): boolean {
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    (typeof m.content !== "string" || m.content.trim() === "") &&
    !nonEmpty(m.embeds) &&
    !nonEmpty(m.components) &&
    !nonEmpty(m.sticker_ids) &&
    !nonEmpty(m.attachments) &&
    !isRecord(m.poll)
  );
}

function validateTextInput(
  issues: Issues,
  path: (string | number)[],
  t: Json,
  customIds: Set<string>,
  inRow: boolean,
) {
  customId(issues, [...path, "custom_id"], t.custom_id, customIds);
  if (t.style !== 1 && t.style !== 2) {
    issues.add(
      [...path, "style"],
      "ENUM_TYPE_COERCE",
      `Value "${String(t.style)}" is not a valid enum value.`,
    );
  }
  if (inRow) issues.str([...path, "label"], t.label, 1, 45);
  issues.int([...path, "min_length"], t.min_length, 0, 4000);
  issues.int([...path, "max_length"], t.max_length, 1, 4000);
  issues.str([...path, "placeholder"], t.placeholder, 0, 100, false);
  issues.str([...path, "value"], t.value, 0, 4000, false);
}

function validateModal(data: unknown): Json {
  const issues = new Issues();
  if (!isRecord(data)) {
    issues.add([], "BASE_TYPE_REQUIRED", "This field is required");
    issues.throwIfAny(["data"]);
    return {};
  }
  issues.str(["title"], data.title, 1, 45);
  issues.str(["custom_id"], data.custom_id, 1, 100);
  const rows = asArray(data.components) ?? [];
  if (rows.length < 1 || rows.length > 5) {
    issues.add(["components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
  const customIds = new Set<string>();
  rows.forEach((row, r) => {
    const rp = ["components", r];
    if (!isRecord(row)) {
      issues.add(rp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
      return;
    }
    if (row.type === 1) {
      const items = asArray(row.components) ?? [];
      if (items.length !== 1) {
        issues.add([...rp, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1 in length.");
      }
      items.forEach((c, i) => {
        if (!isRecord(c) || c.type !== 4) {
          issues.add(
            [...rp, "components", i, "type"],
            "COMPONENT_TYPE_INVALID",
            "Invalid component type (approx.)",
          );
        } else validateTextInput(issues, [...rp, "components", i], c, customIds, true);
      });
    } else if (row.type === 18) {
      issues.str([...rp, "label"], row.label, 1, 45);
      issues.str([...rp, "description"], row.description, 0, 100, false);
      const c = row.component;
      if (isRecord(c) && c.type === 4) validateTextInput(issues, [...rp, "component"], c, customIds, false);
      else if (isRecord(c) && typeof c.type === "number" && SELECT_TYPES.has(c.type)) {
        validateSelect(issues, [...rp, "component"], c, customIds);
      } else issues.add([...rp, "component"], "COMPONENT_TYPE_INVALID", "Invalid component type (approx.)");
    } else if (row.type !== 10) {
      issues.add([...rp, "type"], "COMPONENT_TYPE_INVALID", "Invalid component type (approx.)");
    }
  });
  issues.throwIfAny(["data"]);
  return data;
}

function validateAutocompleteResult(data: unknown): Json {
  const issues = new Issues();
  const choices = isRecord(data) ? asArray(data.choices) : undefined;
  if (!isRecord(data) || !choices) {
    issues.add(["choices"], "BASE_TYPE_REQUIRED", "This field is required");
  } else {
    if (choices.length > 25)
      issues.add(["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    choices.forEach((c, i) => {
      if (!isRecord(c)) {
        issues.add(["choices", i], "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
        return;
      }
      issues.str(["choices", i, "name"], c.name, 1, 100);
      validateLocalizations(issues, ["choices", i, "name_localizations"], c.name_localizations, 100);
      if (typeof c.value === "string") issues.str(["choices", i, "value"], c.value, 0, 100);
      else if (typeof c.value !== "number")
        issues.add(["choices", i, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    });
  }
  issues.throwIfAny(["data"]);
  return isRecord(data) ? data : {};
}

/**
 * A multipart body as Discord reads one (discord.com/developers/docs/reference#uploading-files): the JSON in a
 * `payload_json` part (or, without it, the other text parts as fields), files as `files[n]` parts with their
 * file names in Content-Disposition.
 */
async function readMultipart(
  raw: Buffer,
  contentType: string,
): Promise<{ ok: true; body: Json; uploads: Upload[] } | { ok: false; error: DiscordError }> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  } catch {
    return { ok: false, error: new DiscordError(400, 50109, "The request body contains invalid JSON.") };
  }
  const issues = new Issues();
  const fields: Json = {};
  let payload: string | undefined;
  const uploads: Upload[] = [];
  for (const [field, value] of form) {
    if (typeof value === "string") {
      if (field === "payload_json") payload = value;
      else fields[field] = value;
      continue;
    }
    const n = /^files\[(\d{1,19})\]$/.exec(field)?.[1];
    if (n === undefined) {
      issues.add([field], "FILE_FIELD_INVALID", "Files are named files[n] (approx.)");
      continue;
    }
    uploads.push({
      field,
      index: Number(n),
      filename: value.name,
      contentType: value.type || "application/octet-stream",
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  try {
    issues.throwIfAny();
  } catch (e) {
    return { ok: false, error: e as DiscordError };
  }
  if (payload === undefined) return { ok: true, body: fields, uploads };
  try {
    const body: unknown = JSON.parse(payload);
    return { ok: true, body: isRecord(body) ? body : {}, uploads };
  } catch {
    return { ok: false, error: new DiscordError(400, 50109, "The request body contains invalid JSON.") };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Patterns

function compilePattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const m = /^(GET|POST|PUT|PATCH|DELETE)\s+(.*)$/i.exec(pattern.trim());
  const method = m?.[1]?.toUpperCase() ?? "[A-Z]+";
  const path = (m?.[2] ?? pattern.trim())
    .split(/(:[A-Za-z_]+|\*)/)
    .map((part) => {
      if (part === "*") return ".*";
      if (part.startsWith(":")) return "[^/]+";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${method} ${path}$`);
}

// ---------------------------------------------------------------------------------------------------------
// Internal state

interface StoredMessage {
  message: DiscordMessage;
  deleted: boolean;
  /** For ephemeral messages: the only user who sees them. */
  visibleTo?: string;
}

interface CommandRecord {
  command: Json;
  guildId?: string;
}

interface InteractionRecord {
  payload: Json;
  id: string;
  token: string;
  type: number;
  user: FakeDiscordUser;
  channelId: string;
  guildId?: string;
  issuedAt: number;
  /** The message a component (or a modal opened from one) belongs to. */
  messageId?: string;
  ack?: InteractionAck;
  originalMessageId?: string;
}

interface Connection {
  record: GatewayConnectionRecord;
  ws: WebSocket;
  session?: Session;
  deflate?: zlib.Deflate;
  sendChain: Promise<void>;
  /** READY or RESUMED was sent on it and no RECONNECT since. */
  ready: boolean;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  log: GatewayDispatch[];
  conn?: Connection;
  alive: boolean;
}

/** A file of a multipart request: the `files[n]` part, `n` being the id the payload's `attachments` use. */
interface Upload {
  field: string;
  index: number;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (params: string[], body: unknown, query: URLSearchParams, uploads: Upload[]) => RouteResult;
}

type RouteResult = { status: number; body?: unknown; headers?: Record<string, string> };

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const noContent: RouteResult = { status: 204 };

// ---------------------------------------------------------------------------------------------------------
// The fake

export async function createFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? "1100000000000000001";
  const token =
    options.token ??
    `${Buffer.from(applicationId).toString("base64url")}.Gz8Fkq.${randomBytes(20).toString("base64url")}`;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  const interactionWindowMs = options.interactionWindowMs ?? 3_000;
  const tokenLifetimeMs = options.interactionTokenLifetimeMs ?? 15 * 60_000;
  const privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
  const echoBotMessages = options.echoBotMessages ?? true;
  const bot: DiscordUserObject = {
    id: applicationId,
    username: options.botUsername ?? "cxbot",
    discriminator: "0",
    global_name: null,
    avatar: null,
    bot: true,
  };

  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  const iso = () => new Date(now()).toISOString();
  let snowflakeCounter = 0n;
  const snowflake = () => {
    snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
    return String(((BigInt(now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeCounter);
  };

  const users = new Map<string, FakeDiscordUser>();
  for (const u of options.users ?? []) users.set(u.id, { ...u });
  const guilds = new Map<string, FakeDiscordGuild>();
  for (const g of options.guilds ?? []) {
    guilds.set(g.id, { ...g, channels: g.channels ?? [{ id: `${g.id}1`, name: "general" }] });
  }
  const dmChannels = new Map<string, string>(); // user id → channel id
  const dmRecipients = new Map<string, string>(); // channel id → user id
  const channelMessages = new Map<string, Map<string, StoredMessage>>();
  const commandRecords: CommandRecord[] = [];
  const interactions = new Map<string, InteractionRecord>();
  const interactionsByToken = new Map<string, InteractionRecord>();
  const openModals = new Map<string, { modal: Json; messageId?: string }>();
  const calls: RecordedDiscordCall[] = [];
  const files = new Map<string, StoredAttachment>();
  const acks: InteractionAck[] = [];
  const rejected: RejectedAck[] = [];
  const faults: { pattern: RegExp; fault: DiscordFault | ({ rateLimit: number } & RateLimitOptions) }[] = [];
  const connections: Connection[] = [];
  const identifies: IdentifyRecord[] = [];
  const resumes: ResumeRecord[] = [];
  const sessions = new Map<string, Session>();
  let currentSession: Session | undefined;
  let heartbeatAcks = true;
  let nextConnectionId = 1;
  let closed = false;

  const userObject = (u: FakeDiscordUser): DiscordUserObject => ({
    id: u.id,
    username: u.username,
    discriminator: "0",
    global_name: u.global_name ?? null,
    avatar: null,
  });

  const dmChannelOf = (userId: string): string => {
    let id = dmChannels.get(userId);
    if (id === undefined) {
      id = snowflake();
      dmChannels.set(userId, id);
      dmRecipients.set(id, userId);
      channelMessages.set(id, new Map());
    }
    return id;
  };

  const guildOfChannel = (channelId: string): FakeDiscordGuild | undefined => {
    for (const g of guilds.values()) if (g.channels?.some((c) => c.id === channelId)) return g;
    return undefined;
  };

  const channelObject = (channelId: string): Json | undefined => {
    const recipient = dmRecipients.get(channelId);
    if (recipient !== undefined) {
      const u = users.get(recipient);
      const last = [...(channelMessages.get(channelId)?.keys() ?? [])].pop() ?? null;
      return {
        id: channelId,
        type: 1,
        last_message_id: last,
        flags: 0,
        recipients: u ? [userObject(u)] : [],
      };
    }
    const g = guildOfChannel(channelId);
    const c = g?.channels?.find((ch) => ch.id === channelId);
    if (!g || !c) return undefined;
    return {
      id: c.id,
      type: 0,
      guild_id: g.id,
      name: c.name,
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0,
    };
  };

  const messagesIn = (channelId: string): Map<string, StoredMessage> => {
    let map = channelMessages.get(channelId);
    if (!map) {
      map = new Map();
      channelMessages.set(channelId, map);
    }
    return map;
  };

  const findMessage = (messageId: string): StoredMessage | undefined => {
    for (const map of channelMessages.values()) {
      const m = map.get(messageId);
      if (m && !m.deleted) return m;
    }
    return undefined;
  };

  // --- gateway sending ---------------------------------------------------------------------------------

  const sendRaw = (conn: Connection, payload: Json): Promise<void> => {
    const text = JSON.stringify(payload);
    conn.sendChain = conn.sendChain.then(
      () =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState !== conn.ws.OPEN) return resolve();
          const deflate = conn.deflate;
          if (!deflate) {
            conn.ws.send(text, () => resolve());
            return;
          }
          const chunks: Buffer[] = [];
          const onData = (c: Buffer) => chunks.push(c);
          deflate.on("data", onData);
          deflate.write(text);
          deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            deflate.off("data", onData);
            if (conn.ws.readyState !== conn.ws.OPEN) return resolve();
            conn.ws.send(Buffer.concat(chunks), () => resolve());
          });
        }),
    );
    return conn.sendChain;
  };

  const closeConn = (conn: Connection, code: number, reason: string) => {
    if (!conn.record.open) return;
    conn.record.closedBy = "fake";
    conn.ws.close(code, reason);
  };

  const sessionDispatch = async (session: Session, t: string, d: Json): Promise<GatewayDispatch> => {
    session.seq += 1;
    const payload: GatewayDispatch = { op: 0, t, s: session.seq, d };
    session.log.push(payload);
    const conn = session.conn;
    if (conn?.record.open) await sendRaw(conn, payload as unknown as Json);
    return payload;
  };

  const liveSession = (): Session => {
    if (!currentSession?.alive) {
      throw new Error("fake discord: no gateway session; log the client in (and wait for it) first");
    }
    return currentSession;
  };

  const guildCreatePayload = (g: FakeDiscordGuild): Json => ({
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: "1000000000000000001",
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: g.id,
        name: "@everyone",
        color: 0,
        hoist: false,
        position: 0,
        permissions: "2248473465835073",
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: g.preferred_locale ?? "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date(now() - 86_400_000).toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [],
    channels: (g.channels ?? []).map((c, i) => ({
      id: c.id,
      type: 0,
      name: c.name,
      position: i,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0,
    })),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  // --- gateway receiving -------------------------------------------------------------------------------

  const onIdentify = (conn: Connection, d: unknown) => {
    const data = isRecord(d) ? d : {};
    const record: IdentifyRecord = {
      connectionId: conn.record.id,
      token: str(data.token) ?? "",
      intents: typeof data.intents === "number" ? data.intents : Number.NaN,
      properties: isRecord(data.properties) ? data.properties : {},
    };
    const shard = asArray(data.shard);
    if (shard && typeof shard[0] === "number" && typeof shard[1] === "number")
      record.shard = [shard[0], shard[1]];
    if (typeof data.compress === "boolean") record.compress = data.compress;
    identifies.push(record);
    const refuse = (code: number, reason: string) => {
      record.refused = code;
      closeConn(conn, code, reason);
    };
    if (conn.session) return refuse(4005, "Already authenticated.");
    if (record.token.replace(/^Bot\s+/i, "") !== token) return refuse(4004, "Authentication failed.");
    if (!Number.isInteger(record.intents) || record.intents < 0 || (record.intents & ~ALL_INTENTS) !== 0) {
      return refuse(4013, "Invalid intent(s).");
    }
    if ((record.intents & PRIVILEGED_INTENTS & ~privilegedIntents) !== 0)
      return refuse(4014, "Disallowed intent(s).");
    if (record.shard && (record.shard[1] !== 1 || record.shard[0] !== 0))
      return refuse(4010, "Invalid shard.");
    if (record.compress === true) return refuse(4000, "The fake does not do identify compression.");

    const session: Session = {
      id: randomBytes(16).toString("hex"),
      intents: record.intents,
      seq: 0,
      log: [],
      alive: true,
    };
    record.sessionId = session.id;
    sessions.set(session.id, session);
    if (currentSession) currentSession.alive = false;
    currentSession = session;
    session.conn = conn;
    conn.session = session;
    conn.record.sessionId = session.id;
    void sessionDispatch(session, "READY", {
      v: 10,
      user: { ...bot, flags: 0, verified: true, mfa_enabled: false },
      guilds: [...guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: `ws://127.0.0.1:${port}/resume`,
      shard: [0, 1],
      application: { id: applicationId, flags: 0 },
      user_settings: {},
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['["gateway-fake",{"micros":0}]'],
    });
    for (const g of guilds.values()) void sessionDispatch(session, "GUILD_CREATE", guildCreatePayload(g));
    conn.ready = true;
  };

  const onResume = (conn: Connection, d: unknown) => {
    const data = isRecord(d) ? d : {};
    const sessionId = str(data.session_id) ?? "";
    const seq = typeof data.seq === "number" ? data.seq : 0;
    const record: ResumeRecord = { connectionId: conn.record.id, sessionId, seq };
    resumes.push(record);
    const session = sessions.get(sessionId);
    if (!session?.alive || str(data.token)?.replace(/^Bot\s+/i, "") !== token || seq > session.seq) {
      void sendRaw(conn, { op: Op.InvalidSession, d: false });
      return;
    }
    const old = session.conn;
    if (old && old !== conn) {
      old.session = undefined;
      closeConn(old, 4009, "Session resumed elsewhere.");
    }
    session.conn = conn;
    conn.session = session;
    conn.record.sessionId = session.id;
    const missed = session.log.filter((p) => p.s > seq);
    record.replayed = missed.length;
    for (const p of missed) void sendRaw(conn, p as unknown as Json);
    void sessionDispatch(session, "RESUMED", { _trace: ['["gateway-fake",{"micros":0}]'] });
    conn.ready = true;
  };

  const onGatewayMessage = (conn: Connection, raw: RawData, isBinary: boolean) => {
    if (isBinary) return closeConn(conn, 4002, "Error while decoding payload.");
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString());
    } catch {
      return closeConn(conn, 4002, "Error while decoding payload.");
    }
    if (!isRecord(payload)) return closeConn(conn, 4002, "Error while decoding payload.");
    switch (payload.op) {
      case Op.Heartbeat:
        conn.record.heartbeats += 1;
        if (heartbeatAcks) void sendRaw(conn, { op: Op.HeartbeatAck });
        return;
      case Op.Identify:
        return onIdentify(conn, payload.d);
      case Op.Resume:
        return onResume(conn, payload.d);
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!conn.session) closeConn(conn, 4003, "Not authenticated.");
        return;
      default:
        return closeConn(conn, 4001, "Unknown opcode.");
    }
  };

  const acceptSocket = (ws: WebSocket, path: string, query: URLSearchParams) => {
    const record: GatewayConnectionRecord = {
      id: nextConnectionId++,
      path,
      query: Object.fromEntries(query),
      open: true,
      heartbeats: 0,
    };
    const conn: Connection = { record, ws, sendChain: Promise.resolve(), ready: false };
    connections.push(conn);
    ws.on("message", (data, isBinary) => onGatewayMessage(conn, data, isBinary));
    ws.on("error", () => undefined);
    ws.on("close", (code) => {
      record.open = false;
      record.closeCode = code;
      record.closedBy ??= "client";
      conn.deflate?.close();
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = undefined;
        // Discord: a client closing with 1000 or 1001 ends its session; other codes leave it resumable.
        if (record.closedBy === "client" && (code === 1000 || code === 1001)) session.alive = false;
      }
    });
    if (query.get("v") !== "10") return closeConn(conn, 4012, "Invalid API version.");
    if ((query.get("encoding") ?? "json") !== "json")
      return closeConn(conn, 4002, "Error while decoding payload.");
    const compress = query.get("compress");
    if (compress === "zlib-stream") conn.deflate = zlib.createDeflate();
    else if (compress !== null) return closeConn(conn, 4000, "Unknown compression.");
    void sendRaw(conn, {
      op: Op.Hello,
      d: { heartbeat_interval: heartbeatIntervalMs, _trace: ['["gateway-fake",{"micros":0}]'] },
    });
  };

  // --- interactions ------------------------------------------------------------------------------------

  const baseInteraction = (
    user: FakeDiscordUser,
    type: number,
    data: Json,
    where: InteractionPlace,
    message?: StoredMessage,
  ): InteractionRecord => {
    const id = snowflake();
    const interactionToken = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString("base64url")}`;
    users.set(user.id, { ...(users.get(user.id) ?? {}), ...user });
    const guildId = where.guildId ?? message?.message.guild_id;
    let channelId: string;
    const payload: Json = {
      id,
      application_id: applicationId,
      type,
      data,
      token: interactionToken,
      version: 1,
      locale: user.locale ?? "en-US",
      app_permissions: APP_PERMISSIONS,
      entitlements: [],
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    if (guildId !== undefined) {
      const g = guilds.get(guildId);
      if (!g) throw new Error(`fake discord: no guild ${guildId}; pass it in options.guilds`);
      channelId = where.channelId ?? message?.message.channel_id ?? g.channels?.[0]?.id ?? "";
      if (!g.channels?.some((c) => c.id === channelId)) {
        throw new Error(`fake discord: guild ${guildId} has no channel ${channelId}`);
      }
      Object.assign(payload, {
        guild_id: g.id,
        guild: { id: g.id, locale: g.preferred_locale ?? "en-US", features: [] },
        guild_locale: g.preferred_locale ?? "en-US",
        member: {
          user: userObject(user),
          roles: [],
          premium_since: null,
          permissions: "2248473465835073",
          pending: false,
          nick: null,
          mute: false,
          joined_at: new Date(now() - 3_600_000).toISOString(),
          flags: 0,
          deaf: false,
          communication_disabled_until: null,
          avatar: null,
        },
        context: 0,
        authorizing_integration_owners: { "0": g.id },
      });
    } else {
      channelId = dmChannelOf(user.id);
      Object.assign(payload, {
        user: userObject(user),
        context: 1,
        authorizing_integration_owners: { "0": "0" },
      });
    }
    payload.channel = channelObject(channelId);
    payload.channel_id = channelId;
    if (message) payload.message = structuredClone(message.message);
    const record: InteractionRecord = {
      payload,
      id,
      token: interactionToken,
      type,
      user,
      channelId,
      issuedAt: now(),
    };
    if (guildId !== undefined) record.guildId = guildId;
    if (message) record.messageId = message.message.id;
    interactions.set(id, record);
    interactionsByToken.set(interactionToken, record);
    return record;
  };

  const sendInteraction = async (record: InteractionRecord): Promise<Json> => {
    await sessionDispatch(liveSession(), "INTERACTION_CREATE", structuredClone(record.payload));
    return structuredClone(record.payload);
  };

  const findCommand = (name: string, where: InteractionPlace): CommandRecord => {
    const found =
      (where.guildId !== undefined
        ? commandRecords.find((c) => c.guildId === where.guildId && c.command.name === name)
        : undefined) ?? commandRecords.find((c) => c.guildId === undefined && c.command.name === name);
    if (!found) throw new Error(`fake discord: no command /${name} is registered where the user is`);
    const contexts = asArray(found.command.contexts);
    const inDm = where.guildId === undefined;
    if (inDm && (found.command.dm_permission === false || (contexts && !contexts.includes(1)))) {
      throw new Error(`fake discord: /${name} cannot be used in DMs`);
    }
    if (!inDm && contexts && !contexts.includes(0))
      throw new Error(`fake discord: /${name} cannot be used in guilds`);
    return found;
  };

  /**
   * A command's options as the user's client sends them: down the subcommand `path`, each value checked against
   * its option (type, choices, ranges, lengths; a file against the upload limit), required ones present.
   */
  const commandOptions = (
    command: Json,
    path: readonly string[],
    values: Record<string, CommandOptionValue>,
    focused?: string,
  ): { options: Json[]; resolved?: Json } => {
    const label = `/${[String(command.name), ...path].join(" ")}`;
    let defs = (asArray(command.options) ?? []).filter(isRecord);
    const trail: Json[] = [];
    for (const step of path) {
      const sub = defs.find(
        (d) => d.name === step && (d.type === SUB_COMMAND || d.type === SUB_COMMAND_GROUP),
      );
      if (!sub) throw new Error(`fake discord: ${label} is not a command (no subcommand ${step})`);
      trail.push(sub);
      defs = (asArray(sub.options) ?? []).filter(isRecord);
    }
    if (defs.some((d) => d.type === SUB_COMMAND || d.type === SUB_COMMAND_GROUP))
      throw new Error(`fake discord: ${label} needs a subcommand; it cannot be run alone`);
    let options: Json[] = [];
    const resolvedUsers: Json = {};
    const resolvedAttachments: Json = {};
    for (const [name, value] of Object.entries(values)) {
      const def = defs.find((d) => d.name === name);
      if (!def) throw new Error(`fake discord: ${label} has no option ${name}`);
      const type = typeof def.type === "number" ? def.type : 3;
      if (name === focused) {
        if (def.autocomplete !== true) throw new Error(`fake discord: option ${name} has no autocomplete`);
        options.push({ name, type, value: String(value), focused: true });
        continue;
      }
      if (type === 11) {
        if (typeof value !== "object")
          throw new Error(`fake discord: option ${name} takes a file, not ${JSON.stringify(value)}`);
        const bytes = Buffer.from(value.content);
        if (bytes.length > ATTACHMENT_SIZE_LIMIT)
          throw new Error(`fake discord: ${value.filename} is over the upload limit; the client refuses it`);
        const attachment = keepFile(
          "ephemeral-attachments",
          applicationId,
          { filename: value.filename, contentType: value.contentType ?? "application/octet-stream", bytes },
          { ephemeral: true },
        );
        resolvedAttachments[String(attachment.id)] = attachment;
        options.push({ name, type, value: attachment.id });
        continue;
      }
      const expected = type === 4 || type === 10 ? "number" : type === 5 ? "boolean" : "string";
      if (typeof value !== expected) {
        throw new Error(
          `fake discord: option ${name} (type ${type}) takes a ${expected}, not ${JSON.stringify(value)}`,
        );
      }
      if (type === 4 && !Number.isInteger(value))
        throw new Error(`fake discord: option ${name} takes an integer`);
      if (
        typeof value === "number" &&
        ((typeof def.min_value === "number" && value < def.min_value) ||
          (typeof def.max_value === "number" && value > def.max_value))
      )
        throw new Error(`fake discord: ${value} is out of the range of option ${name}`);
      if (
        typeof value === "string" &&
        (chars(value) > (typeof def.max_length === "number" ? def.max_length : 6000) ||
          chars(value) < (typeof def.min_length === "number" ? def.min_length : 0))
      )
        throw new Error(`fake discord: option ${name} does not take ${chars(value)} characters`);
      const choices = asArray(def.choices)?.filter(isRecord);
      if (choices && choices.length > 0 && !choices.some((c) => c.value === value)) {
        throw new Error(`fake discord: ${JSON.stringify(value)} is not a choice of option ${name}`);
      }
      if (type === 6 && typeof value === "string") {
        const u = users.get(value);
        if (u) resolvedUsers[value] = userObject(u);
      }
      options.push({ name, type, value });
    }
    if (focused === undefined) {
      for (const d of defs) {
        if (d.required === true && typeof d.name === "string" && !(d.name in values)) {
          throw new Error(`fake discord: ${label} needs option ${d.name}`);
        }
      }
    } else if (!(focused in values))
      throw new Error(`fake discord: the focused option ${focused} needs a value`);
    for (const sub of trail.reverse()) options = [{ name: sub.name, type: sub.type, options }];
    const out: { options: Json[]; resolved?: Json } = { options };
    const resolved: Json = {};
    if (Object.keys(resolvedUsers).length > 0) resolved.users = resolvedUsers;
    if (Object.keys(resolvedAttachments).length > 0) resolved.attachments = resolvedAttachments;
    if (Object.keys(resolved).length > 0) out.resolved = resolved;
    return out;
  };

  const componentsOf = (m: DiscordMessage): Json[] =>
    m.components.flatMap((row) => (asArray(row.components) ?? []).filter(isRecord));

  const messageFor = (user: FakeDiscordUser, message: DiscordMessage | string): StoredMessage => {
    const id = typeof message === "string" ? message : message.id;
    const stored = findMessage(id);
    if (!stored) throw new Error(`fake discord: no message ${id}`);
    if (stored.visibleTo !== undefined && stored.visibleTo !== user.id) {
      throw new Error(`fake discord: message ${id} is ephemeral and not shown to ${user.id}`);
    }
    const dmUser = dmRecipients.get(stored.message.channel_id);
    if (dmUser !== undefined && dmUser !== user.id)
      throw new Error(`fake discord: message ${id} is in another DM`);
    return stored;
  };

  // --- files -------------------------------------------------------------------------------------------

  /** Where a stored file is served, as Discord's CDN does (signed query parameters, not checked here). */
  const fileUrl = (path: "attachments" | "ephemeral-attachments", scope: string, a: StoredAttachment) => {
    const expires = Math.floor(now() / 1000 + 86_400).toString(16);
    return (
      `http://127.0.0.1:${port}/${path}/${scope}/${a.id}/${encodeURIComponent(a.filename)}` +
      `?ex=${expires}&is=${Math.floor(now() / 1000).toString(16)}&hm=${randomBytes(8).toString("hex")}`
    );
  };

  /** Keeps a file and describes it as Discord's attachment object. */
  const keepFile = (
    path: "attachments" | "ephemeral-attachments",
    scope: string,
    file: Omit<StoredAttachment, "id">,
    extra: Json = {},
  ): Json => {
    const stored: StoredAttachment = { id: snowflake(), ...file };
    files.set(stored.id, stored);
    const url = fileUrl(path, scope, stored);
    return {
      id: stored.id,
      filename: stored.filename,
      size: stored.bytes.length,
      url,
      proxy_url: url,
      content_type: stored.contentType,
      ...extra,
    };
  };

  /**
   * A message's attachments after a create or an edit (discord.com/developers/docs/reference#uploading-files):
   * each `files[n]` part is referenced from the payload's `attachments` by `id: n` (a file no entry names is
   * dropped); without `attachments` every uploaded file is attached. On an edit, `attachments` lists the
   * existing ones to keep by their ids. At most 10 per message; a file over the size limit is 413 code 40005.
   */
  const attachmentsOf = (
    channelId: string,
    body: Json,
    uploads: Upload[],
    existing: Json[],
    ephemeral: boolean,
    prefix: (string | number)[],
  ): Json[] => {
    const issues = new Issues();
    const seen = new Set<number>();
    for (const u of uploads) {
      if (u.bytes.length > ATTACHMENT_SIZE_LIMIT)
        throw new DiscordError(413, 40005, "Request entity too large");
      if (seen.has(u.index))
        issues.add([u.field], "FILE_DUPLICATED", "Each files[n] must be named once (approx.)");
      seen.add(u.index);
    }
    const pending: { upload: Upload; entry?: Json }[] = [];
    const kept: Json[] = [];
    const listed = body.attachments;
    if (listed === undefined || listed === null) {
      kept.push(...existing);
      for (const upload of uploads) pending.push({ upload });
    } else if (!Array.isArray(listed)) {
      issues.add(["attachments"], "BASE_TYPE_LIST", "Must be a list. (approx.)");
    } else {
      listed.forEach((entry: unknown, i) => {
        const p = ["attachments", i];
        if (!isRecord(entry)) {
          issues.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
          return;
        }
        issues.str([...p, "filename"], entry.filename, 1, 1024, false);
        issues.str([...p, "description"], entry.description, 0, 1024, false);
        const id = String(entry.id);
        const upload = uploads.find((u) => String(u.index) === id);
        const old = existing.find((a) => a.id === id);
        if (upload) pending.push({ upload, entry });
        else if (old) kept.push(old);
        else issues.add([...p, "id"], "ATTACHMENT_NOT_FOUND", `Unknown attachment ${id} (approx.)`);
      });
    }
    if (kept.length + pending.length > MAX_ATTACHMENTS)
      issues.add(["attachments"], "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_ATTACHMENTS} or fewer in length.`);
    issues.throwIfAny(prefix);
    return [
      ...kept,
      ...pending.map(({ upload, entry }) =>
        keepFile(
          "attachments",
          channelId,
          {
            filename: str(entry?.filename) ?? upload.filename,
            contentType: upload.contentType,
            bytes: upload.bytes,
          },
          {
            ...(typeof entry?.description === "string" && { description: entry.description }),
            ...(ephemeral && { ephemeral: true }),
          },
        ),
      ),
    ];
  };

  // --- message storage ---------------------------------------------------------------------------------

  const storeMessage = (
    channelId: string,
    body: Json,
    extra: Partial<DiscordMessage> = {},
    visibleTo?: string,
    uploads: Upload[] = [],
    prefix: (string | number)[] = [],
  ): StoredMessage => {
    const attachments = attachmentsOf(channelId, body, uploads, [], visibleTo !== undefined, prefix);
    const g = guildOfChannel(channelId);
    const message: DiscordMessage = {
      id: snowflake(),
      channel_id: channelId,
      type: 0,
      author: { ...bot },
      content: str(body.content) ?? "",
      embeds: structuredClone((asArray(body.embeds) ?? []).filter(isRecord)),
      components: structuredClone((asArray(body.components) ?? []).filter(isRecord)),
      attachments,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: body.tts === true,
      flags: typeof body.flags === "number" ? body.flags : 0,
      timestamp: iso(),
      edited_timestamp: null,
      ...extra,
    };
    if (g) message.guild_id = g.id;
    const stored: StoredMessage = { message, deleted: false };
    if (visibleTo !== undefined) stored.visibleTo = visibleTo;
    messagesIn(channelId).set(message.id, stored);
    if (echoBotMessages && message.author.id === bot.id && visibleTo === undefined) {
      const session = currentSession;
      const intent = g ? INTENT_GUILD_MESSAGES : INTENT_DIRECT_MESSAGES;
      if (session?.alive && (session.intents & intent) !== 0) {
        // The bot always sees its own messages' content (MESSAGE_CONTENT does not apply to them).
        const d: Json = { ...structuredClone(message), channel_type: g ? 0 : 1 };
        void sessionDispatch(session, "MESSAGE_CREATE", d);
      }
    }
    return stored;
  };

  const editMessage = (
    stored: StoredMessage,
    body: Json,
    uploads: Upload[] = [],
    prefix: (string | number)[] = [],
  ): DiscordMessage => {
    const m = stored.message;
    if ("attachments" in body || uploads.length > 0) {
      const eph = stored.visibleTo !== undefined;
      m.attachments = attachmentsOf(m.channel_id, body, uploads, m.attachments, eph, prefix);
    }
    if ("content" in body) m.content = str(body.content) ?? "";
    if ("embeds" in body) m.embeds = structuredClone((asArray(body.embeds) ?? []).filter(isRecord));
    if ("components" in body)
      m.components = structuredClone((asArray(body.components) ?? []).filter(isRecord));
    if (typeof body.flags === "number") m.flags = (m.flags & FLAG_EPHEMERAL) | (body.flags & ~FLAG_EPHEMERAL);
    m.flags &= ~FLAG_LOADING;
    m.edited_timestamp = iso();
    if (isEmptyMessage(m as unknown as Json))
      throw new DiscordError(400, 50006, "Cannot send an empty message");
    return structuredClone(m);
  };

  const canSendTo = (channelId: string) => {
    const userId = dmRecipients.get(channelId);
    if (userId !== undefined && users.get(userId)?.dmsClosed === true) {
      throw new DiscordError(403, 50007, "Cannot send messages to this user");
    }
    if (userId === undefined && !guildOfChannel(channelId))
      throw new DiscordError(404, 10003, "Unknown Channel");
  };

  // --- interaction callbacks and webhooks --------------------------------------------------------------

  const interactionMetadata = (rec: InteractionRecord): Json => {
    const meta: Json = {
      id: rec.id,
      type: rec.type,
      user: userObject(rec.user),
      authorizing_integration_owners: rec.payload.authorizing_integration_owners,
    };
    const data = rec.payload.data;
    if (rec.type === InteractionType.ApplicationCommand && isRecord(data)) meta.name = data.name;
    if (rec.messageId !== undefined) meta.interacted_message_id = rec.messageId;
    return meta;
  };

  const responseMessage = (
    rec: InteractionRecord,
    body: Json,
    loading: boolean,
    uploads: Upload[] = [],
    prefix: (string | number)[] = [],
  ): StoredMessage => {
    const flags = typeof body.flags === "number" ? body.flags : 0;
    const ephemeral = (flags & FLAG_EPHEMERAL) !== 0;
    return storeMessage(
      rec.channelId,
      { ...body, flags: loading ? flags | FLAG_LOADING : flags },
      {
        type: rec.type === InteractionType.ApplicationCommand ? 20 : 19,
        webhook_id: applicationId,
        application_id: applicationId,
        interaction_metadata: interactionMetadata(rec),
      },
      ephemeral ? rec.user.id : undefined,
      uploads,
      prefix,
    );
  };

  const interactionCallback = (
    params: string[],
    body: unknown,
    query: URLSearchParams,
    uploads: Upload[],
  ): RouteResult => {
    const [interactionId = "", interactionToken = ""] = params;
    const rec = interactions.get(interactionId);
    if (!rec || rec.token !== interactionToken) throw new DiscordError(404, 10062, "Unknown interaction");
    const cb = isRecord(body) ? body : {};
    const type = typeof cb.type === "number" ? cb.type : 0;
    const ms = now() - rec.issuedAt;
    if (rec.ack) {
      rejected.push({ interactionId, reason: "double", type, status: 400, code: 40060, ms });
      throw new DiscordError(400, 40060, "Interaction has already been acknowledged.");
    }
    if (ms > interactionWindowMs) {
      rejected.push({ interactionId, reason: "late", type, status: 404, code: 10062, ms });
      throw new DiscordError(404, 10062, "Unknown interaction");
    }
    const allowed: Record<number, number[]> = {
      [InteractionType.ApplicationCommand]: [
        Callback.ChannelMessage,
        Callback.DeferredChannelMessage,
        Callback.Modal,
      ],
      [InteractionType.MessageComponent]: [
        Callback.ChannelMessage,
        Callback.DeferredChannelMessage,
        Callback.DeferredUpdateMessage,
        Callback.UpdateMessage,
        Callback.Modal,
      ],
      [InteractionType.Autocomplete]: [Callback.AutocompleteResult],
      [InteractionType.ModalSubmit]: [
        Callback.ChannelMessage,
        Callback.DeferredChannelMessage,
        ...(rec.messageId !== undefined ? [Callback.DeferredUpdateMessage, Callback.UpdateMessage] : []),
      ],
      [InteractionType.Ping]: [Callback.Pong],
    };
    if (!(allowed[rec.type] ?? []).includes(type)) {
      const issues = new Issues();
      issues.add(
        ["type"],
        "INTERACTION_RESPONSE_TYPE_INVALID",
        "Invalid interaction response type (approx.)",
      );
      issues.throwIfAny();
    }
    const data = isRecord(cb.data) ? cb.data : {};
    let resource: Json = { type };
    let responseMessageId: string | undefined;
    switch (type) {
      case Callback.Pong:
        break;
      case Callback.ChannelMessage: {
        validateMessageBody(data, ["data"], true, uploads.length > 0);
        const stored = responseMessage(rec, data, false, uploads, ["data"]);
        rec.originalMessageId = stored.message.id;
        responseMessageId = stored.message.id;
        resource = { type, message: structuredClone(stored.message) };
        break;
      }
      case Callback.DeferredChannelMessage: {
        const stored = responseMessage(rec, { flags: typeof data.flags === "number" ? data.flags : 0 }, true);
        rec.originalMessageId = stored.message.id;
        responseMessageId = stored.message.id;
        resource = { type, message: structuredClone(stored.message) };
        break;
      }
      case Callback.DeferredUpdateMessage:
        rec.originalMessageId = rec.messageId;
        responseMessageId = rec.messageId;
        break;
      case Callback.UpdateMessage: {
        validateMessageBody(data, ["data"], false);
        const target = rec.messageId === undefined ? undefined : findMessage(rec.messageId);
        if (!target) throw new DiscordError(404, 10008, "Unknown Message");
        const edited = editMessage(target, data, uploads, ["data"]);
        rec.originalMessageId = target.message.id;
        responseMessageId = target.message.id;
        resource = { type, message: edited };
        break;
      }
      case Callback.AutocompleteResult:
        validateAutocompleteResult(data);
        break;
      case Callback.Modal: {
        const modal = validateModal(data);
        const open: { modal: Json; messageId?: string } = { modal: structuredClone(modal) };
        if (rec.messageId !== undefined) open.messageId = rec.messageId;
        openModals.set(rec.user.id, open);
        break;
      }
    }
    const ack: InteractionAck = { interactionId, type, at: now(), ms };
    if (cb.data !== undefined) ack.data = structuredClone(data);
    rec.ack = ack;
    acks.push(ack);
    if (query.get("with_response") !== "true") return noContent;
    const original = responseMessageId === undefined ? undefined : findMessage(responseMessageId);
    return ok({
      interaction: {
        id: rec.id,
        type: rec.type,
        ...(responseMessageId !== undefined && {
          response_message_id: responseMessageId,
          response_message_loading: type === Callback.DeferredChannelMessage,
          response_message_ephemeral: ((original?.message.flags ?? 0) & FLAG_EPHEMERAL) !== 0,
        }),
      },
      resource,
    });
  };

  const webhookInteraction = (app: string, interactionToken: string): InteractionRecord => {
    const rec = interactionsByToken.get(interactionToken);
    if (app !== applicationId || !rec) throw new DiscordError(404, 10015, "Unknown Webhook");
    if (now() - rec.issuedAt > tokenLifetimeMs) throw new DiscordError(401, 50027, "Invalid Webhook Token");
    if (!rec.ack) throw new DiscordError(404, 10015, "Unknown Webhook");
    return rec;
  };

  const webhookMessage = (rec: InteractionRecord, messageId: string): StoredMessage => {
    const id = messageId === "@original" ? rec.originalMessageId : messageId;
    const stored = id === undefined ? undefined : findMessage(id);
    if (!stored || stored.message.channel_id !== rec.channelId)
      throw new DiscordError(404, 10008, "Unknown Message");
    return stored;
  };

  // --- REST routes -------------------------------------------------------------------------------------

  const registerCommands = (list: unknown, guildId?: string): Json[] => {
    const issues = new Issues();
    const commands = asArray(list);
    if (!commands) {
      issues.add([], "BASE_TYPE_LIST", "Must be a list. (approx.)");
      issues.throwIfAny();
      return [];
    }
    if (commands.length > 110) issues.add([], "BASE_TYPE_MAX_LENGTH", "Must be 110 or fewer in length.");
    const seen = new Set<string>();
    commands.forEach((c, i) => {
      validateCommand(issues, [i], c);
      if (isRecord(c) && typeof c.name === "string") {
        const key = `${String(c.type ?? 1)}:${c.name}`;
        if (seen.has(key)) {
          issues.add(
            [i, "name"],
            "APPLICATION_COMMANDS_DUPLICATE_NAME",
            `Application command names must be unique`,
          );
        }
        seen.add(key);
      }
    });
    issues.throwIfAny();
    const previous = commandRecords.filter((r) => r.guildId === guildId);
    const stored = commands.filter(isRecord).map((c) => commandObject(c, guildId, previous));
    for (let i = commandRecords.length - 1; i >= 0; i--) {
      if (commandRecords[i]?.guildId === guildId) commandRecords.splice(i, 1);
    }
    for (const command of stored) {
      const record: CommandRecord = { command };
      if (guildId !== undefined) record.guildId = guildId;
      commandRecords.push(record);
    }
    return structuredClone(stored);
  };

  const commandObject = (c: Json, guildId: string | undefined, previous: CommandRecord[]): Json => {
    const type = typeof c.type === "number" ? c.type : 1;
    const same = previous.find((p) => p.command.name === c.name && (p.command.type ?? 1) === type);
    const out: Json = {
      id: str(same?.command.id) ?? snowflake(),
      application_id: applicationId,
      version: snowflake(),
      default_member_permissions: c.default_member_permissions ?? null,
      type,
      name: c.name,
      name_localizations: c.name_localizations ?? null,
      description: c.description ?? "",
      description_localizations: c.description_localizations ?? null,
      dm_permission: c.dm_permission ?? true,
      contexts: c.contexts ?? null,
      integration_types: c.integration_types ?? [0],
      nsfw: c.nsfw ?? false,
    };
    if (c.options !== undefined) out.options = structuredClone(c.options);
    if (guildId !== undefined) out.guild_id = guildId;
    return out;
  };

  const checkApp = (app: string) => {
    if (app !== applicationId) {
      throw new DiscordError(403, 20012, "You are not authorized to perform this action on this application");
    }
  };
  const checkGuild = (guildId: string) => {
    if (!guilds.has(guildId)) throw new DiscordError(403, 50001, "Missing Access");
  };
  const userApplication = () => ({
    id: applicationId,
    name: bot.username,
    icon: null,
    description: "",
    bot_public: true,
    bot_require_code_grant: false,
    flags: 0,
    owner: { ...userObject({ id: "1000000000000000001", username: "owner" }), flags: 0 },
    team: null,
    verify_key: "0".repeat(64),
    bot: { ...bot },
  });

  const routes: Route[] = [];
  const route = (method: string, path: string, auth: boolean, handle: Route["handle"]) => {
    const pattern = new RegExp(`^${path.replace(/:[a-z_]+/gi, "([^/]+)")}$`);
    routes.push({ method, pattern, auth, handle });
  };

  route("GET", "/gateway", false, () => ok({ url: `ws://127.0.0.1:${port}/gateway` }));
  route("GET", "/gateway/bot", true, () =>
    ok({
      url: `ws://127.0.0.1:${port}/gateway`,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    }),
  );
  route("GET", "/users/@me", true, () => ok({ ...bot, flags: 0, verified: true, mfa_enabled: false }));
  route("GET", "/applications/@me", true, () => ok(userApplication()));
  route("GET", "/oauth2/applications/@me", true, () => ok(userApplication()));
  route("GET", "/users/:id", true, ([id = ""]) => {
    const u = id === bot.id ? undefined : users.get(id);
    if (id === bot.id) return ok({ ...bot });
    if (!u) throw new DiscordError(404, 10013, "Unknown User");
    return ok(userObject(u));
  });
  route("POST", "/users/@me/channels", true, (_p, body) => {
    const recipient = isRecord(body) ? str(body.recipient_id) : undefined;
    if (recipient === undefined || !users.has(recipient))
      throw new DiscordError(400, 50033, "Invalid Recipient(s)");
    return ok(channelObject(dmChannelOf(recipient)));
  });
  route("GET", "/channels/:id", true, ([id = ""]) => {
    const channel = channelObject(id);
    if (!channel) throw new DiscordError(404, 10003, "Unknown Channel");
    return ok(channel);
  });
  route("POST", "/channels/:id/messages", true, ([id = ""], body, _q, uploads) => {
    if (!channelObject(id)) throw new DiscordError(404, 10003, "Unknown Channel");
    const valid = validateMessageBody(body, [], true, uploads.length > 0);
    if (typeof valid.flags === "number" && (valid.flags & FLAG_EPHEMERAL) !== 0) {
      const issues = new Issues();
      issues.add(
        ["flags"],
        "MESSAGE_FLAGS_INVALID",
        "Ephemeral messages are for interactions only (approx.)",
      );
      issues.throwIfAny();
    }
    canSendTo(id);
    return ok(structuredClone(storeMessage(id, valid, {}, undefined, uploads).message));
  });
  route("GET", "/channels/:id/messages/:msg", true, ([id = "", msg = ""]) => {
    if (!channelObject(id)) throw new DiscordError(404, 10003, "Unknown Channel");
    const stored = messagesIn(id).get(msg);
    if (!stored || stored.deleted || stored.visibleTo !== undefined) {
      throw new DiscordError(404, 10008, "Unknown Message");
    }
    return ok(structuredClone(stored.message));
  });
  route("PATCH", "/channels/:id/messages/:msg", true, ([id = "", msg = ""], body, _q, uploads) => {
    if (!channelObject(id)) throw new DiscordError(404, 10003, "Unknown Channel");
    const stored = messagesIn(id).get(msg);
    if (!stored || stored.deleted || stored.visibleTo !== undefined) {
      throw new DiscordError(404, 10008, "Unknown Message");
    }
    const valid = validateMessageBody(body, [], false);
    if (stored.message.author.id !== bot.id) {
      throw new DiscordError(403, 50005, "Cannot edit a message authored by another user");
    }
    return ok(editMessage(stored, valid, uploads));
  });
  route("DELETE", "/channels/:id/messages/:msg", true, ([id = "", msg = ""]) => {
    const stored = messagesIn(id).get(msg);
    if (!stored || stored.deleted) throw new DiscordError(404, 10008, "Unknown Message");
    if (stored.message.author.id !== bot.id && dmRecipients.has(id)) {
      throw new DiscordError(403, 50003, "Cannot execute action on a DM channel");
    }
    stored.deleted = true;
    return noContent;
  });
  route("GET", "/applications/:app/commands", true, ([app = ""]) => {
    checkApp(app);
    return ok(commandRecords.filter((r) => r.guildId === undefined).map((r) => structuredClone(r.command)));
  });
  route("PUT", "/applications/:app/commands", true, ([app = ""], body) => {
    checkApp(app);
    return ok(registerCommands(body));
  });
  route("POST", "/applications/:app/commands", true, ([app = ""], body) => {
    checkApp(app);
    const others = commandRecords.filter(
      (r) => r.guildId === undefined && !(isRecord(body) && r.command.name === body.name),
    );
    const all = registerCommands([...others.map((r) => r.command), body]);
    return { status: 201, body: all[all.length - 1] };
  });
  route("GET", "/applications/:app/guilds/:guild/commands", true, ([app = "", guild = ""]) => {
    checkApp(app);
    checkGuild(guild);
    return ok(commandRecords.filter((r) => r.guildId === guild).map((r) => structuredClone(r.command)));
  });
  route("PUT", "/applications/:app/guilds/:guild/commands", true, ([app = "", guild = ""], body) => {
    checkApp(app);
    checkGuild(guild);
    return ok(registerCommands(body, guild));
  });
  route("POST", "/interactions/:id/:token/callback", false, interactionCallback);
  route("POST", "/webhooks/:app/:token", false, ([app = "", tok = ""], body, _q, uploads) => {
    const rec = webhookInteraction(app, tok);
    const valid = validateMessageBody(body, [], true, uploads.length > 0);
    const stored = responseMessage(rec, valid, false, uploads);
    return ok(structuredClone(stored.message));
  });
  route("GET", "/webhooks/:app/:token/messages/:msg", false, ([app = "", tok = "", msg = ""]) => {
    const rec = webhookInteraction(app, tok);
    return ok(structuredClone(webhookMessage(rec, msg).message));
  });
  route(
    "PATCH",
    "/webhooks/:app/:token/messages/:msg",
    false,
    ([app = "", tok = "", msg = ""], body, _q, uploads) => {
      const rec = webhookInteraction(app, tok);
      const stored = webhookMessage(rec, msg);
      return ok(editMessage(stored, validateMessageBody(body, [], false), uploads));
    },
  );
  route("DELETE", "/webhooks/:app/:token/messages/:msg", false, ([app = "", tok = "", msg = ""]) => {
    const rec = webhookInteraction(app, tok);
    webhookMessage(rec, msg).deleted = true;
    return noContent;
  });

  // --- HTTP --------------------------------------------------------------------------------------------

  const send = (res: http.ServerResponse, result: RouteResult) => {
    const headers: Record<string, string> = { ...result.headers };
    if (result.body === undefined) {
      res.writeHead(result.status, headers).end();
      return;
    }
    headers["Content-Type"] = "application/json";
    res.writeHead(result.status, headers).end(JSON.stringify(result.body));
  };

  const takeFault = (line: string) => {
    const i = faults.findIndex((f) => f.pattern.test(line));
    if (i === -1) return undefined;
    return faults.splice(i, 1)[0]?.fault;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, "");
    const call: RecordedDiscordCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      at: now(),
    };
    calls.push(call);
    const answer = (result: RouteResult) => {
      call.status = result.status;
      if (result.status >= 400 && isRecord(result.body) && typeof result.body.code === "number") {
        call.code = result.body.code;
      }
      send(res, result);
    };
    const fail = (e: DiscordError) =>
      answer({
        status: e.status,
        body: { message: e.message, code: e.code, ...(e.errors !== undefined && { errors: e.errors }) },
      });
    try {
      // The CDN: stored files by `/<attachments|ephemeral-attachments>/<scope>/<id>/<filename>`.
      const cdn = /^\/(?:ephemeral-)?attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname);
      if (method === "GET" && cdn) {
        const file = files.get(cdn[1] ?? "");
        if (!file) return answer({ status: 404, body: { message: "404: Not Found", code: 0 } });
        call.status = 200;
        res
          .writeHead(200, { "Content-Type": file.contentType, "Content-Length": String(file.bytes.length) })
          .end(file.bytes);
        return;
      }
      if (!url.pathname.startsWith("/api/v10/")) {
        return answer({ status: 404, body: { message: "404: Not Found", code: 0 } });
      }
      const contentType = req.headers["content-type"] ?? "";
      const uploads: Upload[] = [];
      if (raw.length > 0) {
        if (contentType.startsWith("multipart/form-data")) {
          const form = await readMultipart(raw, contentType);
          if (!form.ok) return fail(form.error);
          call.body = form.body;
          uploads.push(...form.uploads);
          call.files = uploads.map((u) => ({
            field: u.field,
            filename: u.filename,
            size: u.bytes.length,
            contentType: u.contentType,
          }));
        } else {
          try {
            call.body = JSON.parse(raw.toString("utf8")) as unknown;
          } catch {
            return answer({ status: 400, body: { message: "400: Bad Request", code: 50109 } });
          }
        }
      }
      const line = `${method} ${path}`;
      const fault = takeFault(line);
      if (fault === "network") {
        call.status = 0;
        req.socket.destroy();
        return;
      }
      if (fault && "rateLimit" in fault) {
        const retryAfter = fault.rateLimit;
        const headers: Record<string, string> = {
          "Retry-After": String(retryAfter),
          "X-RateLimit-Limit": "5",
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": String((now() / 1000 + retryAfter).toFixed(3)),
          "X-RateLimit-Reset-After": String(retryAfter),
          "X-RateLimit-Bucket": `fake-${Buffer.from(path.replace(/\d{15,}/g, ":id"))
            .toString("hex")
            .slice(0, 24)}`,
          "X-RateLimit-Scope": fault.scope ?? (fault.global ? "global" : "user"),
        };
        if (fault.global) headers["X-RateLimit-Global"] = "true";
        return answer({
          status: 429,
          headers,
          body: {
            message: "You are being rate limited.",
            retry_after: retryAfter,
            global: fault.global === true,
          },
        });
      }
      if (fault) {
        return answer({
          status: fault.status,
          body: { message: fault.message ?? `${fault.status}: Injected fault`, code: fault.code ?? 0 },
        });
      }
      for (const r of routes) {
        if (r.method !== method) continue;
        const m = r.pattern.exec(path);
        if (!m) continue;
        if (r.auth && req.headers.authorization !== `Bot ${token}`) {
          return answer({ status: 401, body: { message: "401: Unauthorized", code: 0 } });
        }
        return answer(r.handle(m.slice(1).map(decodeURIComponent), call.body, url.searchParams, uploads));
      }
      const known = routes.some((r) => r.pattern.test(path));
      return answer(
        known
          ? { status: 405, body: { message: "405: Method Not Allowed", code: 0 } }
          : { status: 404, body: { message: "404: Not Found", code: 0 } },
      );
    } catch (e) {
      if (e instanceof DiscordError) return fail(e);
      const message = e instanceof Error ? e.message : String(e);
      return answer({ status: 500, body: { message: `500: fake discord crashed: ${message}`, code: 0 } });
    }
  };

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/$/, "") || "/";
    if (closed || (path !== "/gateway" && path !== "/resume")) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => acceptSocket(ws, path, url.searchParams));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  // --- the handle --------------------------------------------------------------------------------------

  const waitFor = async <T>(probe: () => T | undefined | false, timeoutMs = 2_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let value: T | undefined | false;
      try {
        value = probe();
      } catch {
        value = undefined;
      }
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake discord: timed out after ${timeoutMs} ms`);
      await sleep(10);
    }
  };

  const shown = (channelId: string) =>
    [...(channelMessages.get(channelId)?.values() ?? [])]
      .filter((s) => !s.deleted)
      .map((s) => structuredClone(s.message));

  const fake: FakeDiscord = {
    apiBase: `http://127.0.0.1:${port}/api`,
    gatewayUrl: `ws://127.0.0.1:${port}/gateway`,
    token,
    applicationId,
    bot,

    addUser(user) {
      users.set(user.id, { ...user });
    },
    setDmsClosed(userId, isClosed) {
      const u = users.get(userId);
      if (!u) throw new Error(`fake discord: unknown user ${userId}`);
      u.dmsClosed = isClosed;
    },
    dmChannelOf,

    calls(pattern) {
      if (pattern === undefined) return structuredClone(calls);
      const re = compilePattern(pattern);
      return structuredClone(calls.filter((c) => re.test(`${c.method} ${c.path}`)));
    },
    commands(where = {}) {
      return commandRecords.filter((r) => r.guildId === where.guildId).map((r) => structuredClone(r.command));
    },
    messages: shown,
    attachment: (id) => {
      const file = files.get(id);
      return file ? { ...file, bytes: Buffer.from(file.bytes) } : undefined;
    },
    async waitForMessages(channelId, predicate, timeoutMs = 2_000) {
      try {
        return await waitFor(() => {
          const list = shown(channelId);
          return predicate(list) ? list : undefined;
        }, timeoutMs);
      } catch {
        throw new Error(
          `fake discord: timed out waiting for messages in ${channelId}: ${JSON.stringify(shown(channelId))}`,
        );
      }
    },
    async waitForResponse(interactionId, timeoutMs = 2_000) {
      try {
        return await waitFor(() => interactions.get(interactionId)?.ack, timeoutMs);
      } catch {
        throw new Error(`fake discord: interaction ${interactionId} got no response in ${timeoutMs} ms`);
      }
    },
    responses: () => structuredClone(acks),
    lateOrDoubleAcks: () => structuredClone(rejected),
    openModal: (userId) => {
      const open = openModals.get(userId);
      return open ? structuredClone(open.modal) : undefined;
    },
    waitFor,

    connections: () => connections.map((c) => ({ ...c.record, query: { ...c.record.query } })),
    identifies: () => structuredClone(identifies),
    resumes: () => structuredClone(resumes),
    waitForSession(timeoutMs = 5_000) {
      return waitFor(() => {
        const s = currentSession;
        return s?.alive && s.conn?.record.open && s.conn.ready ? s.id : undefined;
      }, timeoutMs);
    },
    dispatch: (t, d) => sessionDispatch(liveSession(), t, d),
    requestReconnect() {
      const conn = currentSession?.conn;
      if (!conn?.record.open) return 0;
      conn.ready = false;
      void sendRaw(conn, { op: Op.Reconnect, d: null });
      return 1;
    },
    invalidateSession(resumable) {
      const session = currentSession;
      const conn = session?.conn;
      if (!session || !conn?.record.open) return 0;
      if (!resumable) session.alive = false;
      conn.ready = false;
      void sendRaw(conn, { op: Op.InvalidSession, d: resumable });
      return 1;
    },
    setHeartbeatAcks(on) {
      heartbeatAcks = on;
    },

    userRunsCommand(user, typed, values = {}, where = {}) {
      const [name = "", ...path] = typed.trim().split(/\s+/);
      const found = findCommand(name, where);
      const { options, resolved } = commandOptions(found.command, path, values);
      const data: Json = { id: found.command.id, name, type: found.command.type ?? 1 };
      if (options.length > 0) data.options = options;
      if (resolved) data.resolved = resolved;
      if (found.guildId !== undefined) data.guild_id = found.guildId;
      return sendInteraction(baseInteraction(user, InteractionType.ApplicationCommand, data, where));
    },
    userAutocompletes(user, typed, focused, values, where = {}) {
      const [name = "", ...path] = typed.trim().split(/\s+/);
      const found = findCommand(name, where);
      const { options } = commandOptions(found.command, path, values, focused);
      const data: Json = { id: found.command.id, name, type: found.command.type ?? 1, options };
      if (found.guildId !== undefined) data.guild_id = found.guildId;
      return sendInteraction(baseInteraction(user, InteractionType.Autocomplete, data, where));
    },
    userPressesButton(user, message, customIdValue) {
      const stored = messageFor(user, message);
      const button = componentsOf(stored.message).find((c) => c.type === 2 && c.custom_id === customIdValue);
      if (!button) {
        throw new Error(
          `fake discord: message ${stored.message.id} shows no button ${JSON.stringify(customIdValue)}; ` +
            `it shows ${JSON.stringify(stored.message.components)}`,
        );
      }
      if (button.disabled === true) throw new Error(`fake discord: button ${customIdValue} is disabled`);
      const data = { component_type: 2, custom_id: customIdValue };
      return sendInteraction(baseInteraction(user, InteractionType.MessageComponent, data, {}, stored));
    },
    userSelects(user, message, customIdValue, values) {
      const stored = messageFor(user, message);
      const select = componentsOf(stored.message).find((c) => c.type === 3 && c.custom_id === customIdValue);
      if (!select)
        throw new Error(`fake discord: message ${stored.message.id} shows no select ${customIdValue}`);
      if (select.disabled === true) throw new Error(`fake discord: select ${customIdValue} is disabled`);
      const offered = new Set((asArray(select.options) ?? []).filter(isRecord).map((o) => o.value));
      const min = typeof select.min_values === "number" ? select.min_values : 1;
      const max = typeof select.max_values === "number" ? select.max_values : 1;
      if (values.length < min || values.length > max || values.some((v) => !offered.has(v))) {
        throw new Error(
          `fake discord: ${JSON.stringify(values)} cannot be chosen in select ${customIdValue}`,
        );
      }
      const data = { component_type: 3, custom_id: customIdValue, values: [...values] };
      return sendInteraction(baseInteraction(user, InteractionType.MessageComponent, data, {}, stored));
    },
    userSubmitsModal(user, customIdValue, fields) {
      const open = openModals.get(user.id);
      if (!open || open.modal.custom_id !== customIdValue) {
        throw new Error(`fake discord: no modal ${customIdValue} is open for ${user.id}`);
      }
      const inputs: { input: Json; row: Json }[] = [];
      for (const row of (asArray(open.modal.components) ?? []).filter(isRecord)) {
        if (row.type === 1) {
          for (const c of (asArray(row.components) ?? []).filter(isRecord)) inputs.push({ input: c, row });
        } else if (row.type === 18 && isRecord(row.component)) inputs.push({ input: row.component, row });
      }
      for (const key of Object.keys(fields)) {
        if (!inputs.some((i) => i.input.custom_id === key)) {
          throw new Error(`fake discord: modal ${customIdValue} has no input ${key}`);
        }
      }
      const components: Json[] = [];
      for (const { input, row } of inputs) {
        const id = str(input.custom_id) ?? "";
        const value = fields[id] ?? "";
        const required = input.required !== false;
        const min = typeof input.min_length === "number" ? input.min_length : 0;
        const max = typeof input.max_length === "number" ? input.max_length : 4000;
        if ((required && value === "") || (value !== "" && (chars(value) < min || chars(value) > max))) {
          throw new Error(`fake discord: ${JSON.stringify(value)} does not fit input ${id} (${min}–${max})`);
        }
        const submitted = { type: input.type, id: 0, custom_id: id, value };
        components.push(
          row.type === 18
            ? { type: 18, id: 0, component: submitted }
            : { type: 1, id: 0, components: [submitted] },
        );
      }
      openModals.delete(user.id);
      const stored = open.messageId === undefined ? undefined : findMessage(open.messageId);
      const data = { custom_id: customIdValue, components };
      return sendInteraction(baseInteraction(user, InteractionType.ModalSubmit, data, {}, stored));
    },
    async userSendsDm(user, text, attached = []) {
      users.set(user.id, { ...(users.get(user.id) ?? {}), ...user });
      const channelId = dmChannelOf(user.id);
      const session = liveSession();
      if (attached.length > MAX_ATTACHMENTS)
        throw new Error("fake discord: a message takes at most 10 files");
      for (const f of attached)
        if (Buffer.from(f.content).length > ATTACHMENT_SIZE_LIMIT)
          throw new Error(`fake discord: ${f.filename} is over the upload limit; the client refuses it`);
      if (text.trim() === "" && attached.length === 0) throw new Error("fake discord: an empty message");
      const message: DiscordMessage = {
        id: snowflake(),
        channel_id: channelId,
        type: 0,
        author: userObject(user),
        content: text,
        embeds: [],
        components: [],
        attachments: attached.map((f) =>
          keepFile("attachments", channelId, {
            filename: f.filename,
            contentType: f.contentType ?? "application/octet-stream",
            bytes: Buffer.from(f.content),
          }),
        ),
        mentions: [],
        mention_roles: [],
        mention_everyone: false,
        pinned: false,
        tts: false,
        flags: 0,
        timestamp: iso(),
        edited_timestamp: null,
      };
      messagesIn(channelId).set(message.id, { message, deleted: false });
      const delivered = (session.intents & INTENT_DIRECT_MESSAGES) !== 0;
      if (delivered)
        await sessionDispatch(session, "MESSAGE_CREATE", { ...structuredClone(message), channel_type: 1 });
      return { message: structuredClone(message), delivered };
    },
    redeliver(interaction) {
      const id = str(interaction.id) ?? "";
      const rec = interactions.get(id);
      if (!rec) throw new Error(`fake discord: no interaction ${id}`);
      return sessionDispatch(liveSession(), "INTERACTION_CREATE", structuredClone(rec.payload));
    },

    rateLimitNext(pattern, retryAfterSeconds, opts = {}) {
      const re = compilePattern(pattern);
      for (let i = 0; i < (opts.times ?? 1); i++)
        faults.push({ pattern: re, fault: { ...opts, rateLimit: retryAfterSeconds } });
    },
    failNext(pattern, fault, times = 1) {
      const re = compilePattern(pattern);
      for (let i = 0; i < times; i++) faults.push({ pattern: re, fault });
    },
    advanceTime(ms) {
      clockOffset += ms;
    },
    now,
    async close() {
      if (closed) return;
      closed = true;
      for (const c of connections) {
        if (c.record.open) {
          c.record.closedBy = "fake";
          c.ws.terminate();
        }
        c.deflate?.close();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

/** Discord's intent bits the fake checks, for tests that build identify payloads by hand. */
export const FAKE_DISCORD_INTENTS = {
  Guilds: INTENT_GUILDS,
  GuildMessages: INTENT_GUILD_MESSAGES,
  DirectMessages: INTENT_DIRECT_MESSAGES,
  MessageContent: INTENT_MESSAGE_CONTENT,
} as const;
