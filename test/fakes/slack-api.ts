/**
 * A fake Slack platform on 127.0.0.1 for driving a real `@slack/web-api` WebClient and a real bolt `App` in tests.
 *
 * Two directions, like Slack itself:
 * - The Web API (`POST <apiUrl><method>`, form-urlencoded as `@slack/web-api` sends it — nested values such as
 *   `blocks` and `view` arrive as JSON strings — or JSON with the token in `Authorization: Bearer`; GET query
 *   params work too). Answers are `{ ok: true, ... }` or `{ ok: false, error, ... }`, both with HTTP 200, except
 *   injected 429s (with `Retry-After`) and 500s. Every call is recorded, rejected ones included.
 * - Signed requests to the app (events, slash commands, block_actions, view_submission): v0 HMAC-SHA256 of
 *   `v0:<timestamp>:<body>` in `X-Slack-Signature`, the timestamp in `X-Slack-Request-Timestamp`. Answers slower
 *   than Slack's 3 seconds are listed by `lateAcks()`.
 * - Or, started with an app-level token (`startFakeSlack({ appToken: "xapp-…" })`), Socket Mode
 *   (docs.slack.dev/apis/events-api/using-socket-mode): `apps.connections.open` with that token in the
 *   `Authorization` header answers a single-use `ws://127.0.0.1:<port>/link/?ticket=…&app_id=…`; the WebSocket
 *   there starts with `{"type":"hello",...}`, and the same user actions then arrive as envelopes
 *   (`{envelope_id, type: "events_api" | "slash_commands" | "interactive", payload, accepts_response_payload}`,
 *   events with `retry_attempt` / `retry_reason`) instead of signed HTTP requests. The app acknowledges with
 *   `{envelope_id, payload?}` on the socket; the user action resolves with status 200, the milliseconds to the
 *   acknowledgement and the payload as its body (`""` when empty), or status 0 when none came within
 *   `ackTimeoutMs`; later than 3 seconds is listed by `lateAcks()` as over HTTP. `socketDisconnect(reason)`
 *   sends Slack's `{"type":"disconnect"}`. Socket Mode envelopes carry no signature: `forged` / `stale` throw.
 *
 * Limits follow the Block Kit reference (docs.slack.dev/reference/block-kit): 50 blocks in a message, 100 in a
 * modal; section text 3000 chars and 10 fields of 2000; header 150; button text 75, value 2000, url 3000;
 * action_id / block_id 255; actions ≤ 25 elements, context ≤ 10; plain_text_input max_length ≤ 3000; option text 75,
 * value 150; modal title / submit / close 24, private_metadata 3000, callback_id 255; message text 40,000.
 * Lengths are counted in Unicode code points.
 *
 * Files (docs.slack.dev/messaging/working-with-files): the app uploads with files.getUploadURLExternal (`filename`,
 * `length` > 0) → a POST of the bytes (raw, or multipart form-data as @slack/web-api's files.uploadV2 sends them) to
 * the returned `upload_url`, answered `OK - <bytes>` → files.completeUploadExternal (`files` [{id, title}],
 * `channel_id`, `initial_comment`), which shares the file in that conversation as a message. `uploads()` lists
 * them with their bytes. A user shares a file in their DM with `userSharesFile`: a `message` event with subtype
 * `file_share` and `files[]` (`url_private`, `url_private_download`, `size`, `mimetype` …); those URLs serve the
 * bytes to `Authorization: Bearer <bot token>` only, and redirect anyone else to a sign-in page, as Slack does.
 *
 * What users type reaches the app as Slack encodes it (docs: formatting-message-text#escaping): `&`, `<` and `>`
 * in a message event's or a slash command's `text` arrive as `&amp;`, `&lt;`, `&gt;` (rich_text blocks keep them).
 *
 * Error codes are Slack's: message surfaces answer `invalid_blocks` (with `errors` and
 * `response_metadata.messages` of the form `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`),
 * unparseable blocks `invalid_blocks_format`; views.open / views.update answer `invalid_arguments` for anything
 * wrong in the view, its blocks included (that is what Slack does for views), with `[json-pointer:/view/...]`.
 * Trigger ids live 3 seconds and are single-use: unknown → `invalid_trigger_id`, reused → `exchanged_trigger_id`,
 * too old → `expired_trigger_id`. Messages marked "(approx.)" are our best guess at Slack's wording.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

// ---------------------------------------------------------------------------------------------------------
// Public types

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name?: string;
  /** e.g. "fa-IR"; users.info reports it only with include_locale=true (then "en-US" when unset). */
  locale?: string;
  tz?: string;
  is_bot?: boolean;
}

export interface SlackBlock {
  type: string;
  block_id?: string;
  [k: string]: unknown;
}

export interface StoredSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: SlackBlock[];
  thread_ts?: string;
  /** The author: the bot user id for bot posts, the user's id for what a user sent. */
  user?: string;
  /** How many times chat.update (or a response_url replace_original) changed it. */
  updatedCount: number;
  /** Files shared with it (files.completeUploadExternal, or a user's file share). */
  files?: { id: string; name: string; title: string }[];
}

/** A file in the fake: uploaded by the app, or shared by a user. */
export interface SlackFileRecord {
  id: string;
  name: string;
  title: string;
  /** The bot's user id for the app's uploads. */
  user: string;
  /** What files.getUploadURLExternal was told (uploads) or the real size (user files). */
  length: number;
  /** The bytes received at the upload URL (uploads), or the user's file. */
  bytes?: Buffer;
  mimetype: string;
  /** The conversations it is shared in. */
  channels: string[];
  /** files.completeUploadExternal's `initial_comment`. */
  initialComment?: string;
  /** True once files.completeUploadExternal finished it (always for user files). */
  completed: boolean;
}

export interface OpenedView {
  id: string;
  /** The user the modal is shown to. */
  user: string;
  view: {
    type: "modal";
    callback_id?: string;
    private_metadata?: string;
    title: unknown;
    blocks: SlackBlock[];
    [k: string]: unknown;
  };
  /** Current hash (changes with every update), as views.update's `hash` expects. */
  hash: string;
  /** Closed by a plain ack of a submission, `response_action: "clear"`, or never opened further. */
  closed: boolean;
  /** The `errors` of the last `response_action: "errors"` answer, shown under the inputs. */
  errors?: Record<string, string>;
}

export interface SignedResponse {
  /** The app's HTTP status; 0 when it did not answer within the fake's wait (see `ackTimeoutMs`). */
  status: number;
  body: string;
  /** Milliseconds from sending the request to the app's response headers. */
  ms: number;
}

export interface RecordedSlackCall {
  method: string;
  /** Parameters as received (token removed); JSON-valued ones (`blocks`, `view`, ...) decoded when parseable. */
  params: Record<string, unknown>;
  /** Fake-clock milliseconds. */
  at: number;
  /** HTTP status the fake answered with. */
  status: number;
  /** The `error` of an `ok: false` answer. */
  error?: string;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text?: string;
  blocks?: SlackBlock[];
  via: "chat.postEphemeral" | "response_url" | "command_ack";
  /** Set when a response_url `replace_original` / `delete_original` changed it. */
  replaced?: number;
  deleted?: boolean;
}

export type SignedRequestKind = "event" | "command" | "block_actions" | "view_submission";

export interface SignedRequestRecord extends SignedResponse {
  kind: SignedRequestKind;
  /** Always "valid" over Socket Mode (the socket is authenticated; envelopes are not signed). */
  signature: "valid" | "forged" | "stale";
  /** A signed HTTP request to the routed URL, or an envelope on a Socket Mode connection. */
  via: "http" | "socket";
  retryNum?: number;
  eventId?: string;
  triggerId?: string;
  /** Socket Mode: the envelope's id (each delivery, retries included, has its own). */
  envelopeId?: string;
  /** Socket Mode: the connection the envelope went out on. */
  connectionId?: string;
}

/** Why Slack asks a Socket Mode app to reconnect (docs: using-socket-mode#disconnect). */
export type SocketDisconnectReason = "warning" | "refresh_requested" | "link_disabled";

export interface SocketConnection {
  id: string;
  /** Fake-clock milliseconds when the WebSocket was accepted (and hello sent). */
  openedAt: number;
  open: boolean;
  /** Envelopes sent on it. */
  envelopes: number;
  /** Disconnect messages sent on it. */
  disconnectsSent: SocketDisconnectReason[];
  /** Who closed it: the app (its close frame, or dropping the TCP connection) or the fake (`close()`). */
  closedBy?: "app" | "fake";
  /** The close code the fake saw: 1000 for the app's normal closure, 1006 when the TCP connection just ended. */
  closeCode?: number;
  /** Messages from the app that acknowledged nothing in flight (unknown or repeated envelope ids, bad JSON). */
  strayMessages: string[];
}

export type SlackFailure = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { value: string; text?: unknown } | null;
  selected_options?: { value: string; text?: unknown }[];
  selected_date?: string | null;
  [k: string]: unknown;
}

export interface FakeSlack {
  /** "http://127.0.0.1:<port>/api/" — pass as `slackApiUrl` to WebClient / bolt `clientOptions`. */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly apiAppId: string;

  /** Makes the user known to users.info, conversations.open and the user-side helpers. */
  addUser(user: FakeSlackUser): void;
  /** A channel chat.postMessage accepts besides DMs (unknown channels → channel_not_found). */
  addChannel(id: string, name: string): void;
  /** The "D…" id conversations.open returns for that (known) user. */
  dmChannelOf(userId: string): string;
  /** Where signed requests are POSTed (the app's /slack/events URL). */
  routeTo(url: string): void;

  calls(method?: string): RecordedSlackCall[];
  /** Current state (edits applied, deletions gone), oldest first, thread replies included. */
  messages(channel: string): StoredSlackMessage[];
  waitForMessages(
    channel: string,
    predicate: (messages: StoredSlackMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<StoredSlackMessage[]>;
  /** Polls `probe` every 10 ms until it returns something other than undefined / false (a throw counts as not yet). */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Modals opened with views.open (as updated by views.update and submission answers), closed ones included. */
  views(): OpenedView[];
  /** Ephemeral messages (chat.postEphemeral, ephemeral response_url posts, slash-command ack bodies). */
  ephemerals(channel?: string): EphemeralMessage[];
  /** The next `times` (default 1) calls to `method` fail like this. */
  failNext(method: string, failure: SlackFailure, times?: number): void;
  /** Moves the fake's clock (trigger-id and response_url ages) forward. */
  advanceTime(ms: number): void;

  sendEvent(
    event: Record<string, unknown>,
    options?: {
      eventId?: string;
      retryNum?: number;
      retryReason?: string;
      signature?: "forged" | "stale";
    },
  ): Promise<SignedResponse & { eventId: string }>;
  userSendsDm(
    user: FakeSlackUser | string,
    text: string,
    options?: { retryOf?: string; signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { eventId: string; ts: string }>;
  sendSlashCommand(
    user: FakeSlackUser | string,
    command: string,
    text: string,
    options?: { channelId?: string; signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { triggerId: string }>;
  clickButton(
    user: FakeSlackUser | string,
    channel: string,
    messageTs: string,
    match: { actionId?: string; text?: string; value?: string },
    options?: { signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { triggerId: string }>;
  /**
   * Clicks a button on an ephemeral message shown to `user`: `block_actions` with `container.is_ephemeral` and no
   * `message` (Slack does not send ephemeral messages back); its response_url can replace or delete it.
   */
  clickEphemeralButton(
    user: FakeSlackUser | string,
    messageTs: string,
    match: { actionId?: string; text?: string; value?: string },
    options?: { signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { triggerId: string }>;
  /**
   * The user shares a file in their DM with the app, with `text` as its message: the app gets a `message` event
   * with subtype `file_share` (over HTTP or Socket Mode).
   */
  userSharesFile(
    user: FakeSlackUser | string,
    file: { name: string; content: string | Buffer; mimetype?: string },
    text: string,
    options?: { signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { eventId: string; ts: string; fileId: string }>;
  /** Files the app uploaded (files.getUploadURLExternal), oldest first, unfinished ones included. */
  uploads(): SlackFileRecord[];
  /** Requests for a file's url_private(_download): which file, and whether the bot token came with it. */
  fileDownloads(): { fileId: string; authorized: boolean; status: number }[];
  submitView(
    user: FakeSlackUser | string,
    viewId: string,
    values: Record<string, Record<string, ViewStateValue>>,
    options?: { signature?: "forged" | "stale" },
  ): Promise<SignedResponse & { triggerId: string }>;
  /** Signed requests (or Socket Mode envelopes) the app answered after Slack's 3-second limit (or not at all). */
  lateAcks(): { kind: SignedRequestKind; ms: number; status: number }[];
  /** Every signed request (or Socket Mode envelope) sent, in order. */
  signedRequests(): SignedRequestRecord[];

  /** The app-level token apps.connections.open accepts; set when the fake is in Socket Mode. */
  readonly appToken?: string;
  /** Socket Mode connections, oldest first, closed ones included. */
  socketConnections(): SocketConnection[];
  /** Resolves with an open Socket Mode connection once the app has one (default wait 10 s). */
  waitForSocket(timeoutMs?: number): Promise<SocketConnection>;
  /**
   * Sends `{"type":"disconnect","reason":…}` on every open connection, as Slack does before it recycles one;
   * the app is expected to close it and connect again. Returns how many connections were told.
   */
  socketDisconnect(reason?: SocketDisconnectReason): number;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  botToken?: string;
  signingSecret?: string;
  teamId?: string;
  teamDomain?: string;
  /** How long the fake waits for the app's answer to a signed request before giving up (status 0). Default 10 s. */
  ackTimeoutMs?: number;
  /**
   * Socket Mode: the app-level token (`xapp-…`) apps.connections.open accepts. With it, user actions reach the app
   * as envelopes on its WebSocket instead of signed HTTP requests (and `routeTo` is not needed).
   */
  appToken?: string;
  /**
   * Deliver a `message` event for each bot post in a DM, as Slack does when the app subscribes to message.im
   * (bolt's ignoreSelf drops them). Default false.
   */
  echoBotMessages?: boolean;
}

/** Slack's v0 request signature headers for `body` at `timestampSec`. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestampSec: number,
): { "X-Slack-Signature": string; "X-Slack-Request-Timestamp": string } {
  const hash = createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${body}`).digest("hex");
  return { "X-Slack-Signature": `v0=${hash}`, "X-Slack-Request-Timestamp": String(timestampSec) };
}

// ---------------------------------------------------------------------------------------------------------
// Constants

/** Slack's acknowledgement deadline for events, commands and interactions. */
const ACK_LIMIT_MS = 3_000;
const TRIGGER_LIFETIME_MS = 3_000;
/** How long an apps.connections.open URL may wait to be used (approx.: Slack's are "temporary"). */
const SOCKET_TICKET_LIFETIME_MS = 30_000;
const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const RESPONSE_URL_MAX_USES = 5;

const METHODS = [
  "auth.test",
  "chat.postMessage",
  "chat.update",
  "chat.postEphemeral",
  "chat.getPermalink",
  "conversations.open",
  "files.getUploadURLExternal",
  "files.completeUploadExternal",
  "users.info",
  "views.open",
  "views.update",
] as const;
type MethodName = (typeof METHODS)[number];
const isMethod = (m: string): m is MethodName => (METHODS as readonly string[]).includes(m);

const KNOWN_BLOCK_TYPES = new Set([
  "actions",
  "context",
  "context_actions",
  "divider",
  "file",
  "header",
  "image",
  "input",
  "markdown",
  "rich_text",
  "section",
  "table",
  "video",
]);

/** Elements that carry an action_id (Slack generates one when it is missing). */
const INTERACTIVE_ELEMENTS = new Set([
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "email_text_input",
  "file_input",
  "multi_channels_select",
  "multi_conversations_select",
  "multi_external_select",
  "multi_static_select",
  "multi_users_select",
  "number_input",
  "overflow",
  "plain_text_input",
  "radio_buttons",
  "rich_text_input",
  "static_select",
  "channels_select",
  "conversations_select",
  "external_select",
  "users_select",
  "timepicker",
  "url_text_input",
  "workflow_button",
]);

// ---------------------------------------------------------------------------------------------------------
// Small helpers

class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

const withMessages = (error: string, messages: string[]) =>
  new SlackApiError(error, {
    errors: messages,
    response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) },
  });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const chars = (s: string) => [...s].length;

function strParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function boolParam(params: Record<string, unknown>, name: string): boolean {
  const v = params[name];
  return v === true || v === 1 || v === "true" || v === "1";
}

/** A JSON-valued parameter: a string (form encoding) or the value itself (JSON bodies). */
function jsonParam(params: Record<string, unknown>, name: string): { present: boolean; value?: unknown } {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === "") return { present: false };
  if (typeof raw !== "string") return { present: true, value: raw };
  try {
    return { present: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { present: true };
  }
}

const clone = <T>(v: T): T => structuredClone(v);

/** What a user typed as Slack sends it to apps (message events, slash commands): `&`, `<`, `>` as entities. */
const encoded = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The media type Slack reports for a file name (approx.: Slack sniffs content too). */
function mimeOf(name: string): string {
  const extension = /\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1]?.toLowerCase() ?? "";
  const known: Record<string, string> = {
    yaml: "text/yaml",
    yml: "text/yaml",
    txt: "text/plain",
    json: "application/json",
    csv: "text/csv",
    png: "image/png",
    jpg: "image/jpeg",
    pdf: "application/pdf",
  };
  return known[extension] ?? "application/octet-stream";
}

type ButtonMatch = { actionId?: string; text?: string; value?: string };

/** The button matching `match` in `blocks` (an actions block's elements, or a section's accessory). */
function findButton(
  blocks: SlackBlock[] | undefined,
  match: ButtonMatch,
  where: string,
): { block: SlackBlock; el: Record<string, unknown> } {
  const buttons: { block: SlackBlock; el: Record<string, unknown> }[] = [];
  for (const block of blocks ?? []) {
    const candidates = block.type === "actions" && Array.isArray(block.elements) ? block.elements : [];
    for (const el of [...candidates, block.type === "section" ? block.accessory : undefined]) {
      if (isRecord(el) && el.type === "button") buttons.push({ block, el });
    }
  }
  const found = buttons.find(({ el }) => {
    const text = isRecord(el.text) ? el.text.text : undefined;
    return (
      (match.actionId === undefined || el.action_id === match.actionId) &&
      (match.text === undefined || text === match.text) &&
      (match.value === undefined || el.value === match.value)
    );
  });
  if (!found) {
    const shown = buttons.map(({ el }) => ({
      action_id: el.action_id,
      text: isRecord(el.text) ? el.text.text : undefined,
      value: el.value,
    }));
    throw new Error(
      `fake slack: no button matching ${JSON.stringify(match)} in ${where}; buttons: ${JSON.stringify(shown)}`,
    );
  }
  return found;
}

function tzOffsetSeconds(tz: string): number {
  try {
    const name =
      new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" })
        .formatToParts(new Date())
        .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!m) return 0;
    const seconds = (Number(m[2]) * 60 + Number(m[3])) * 60;
    return m[1] === "-" ? -seconds : seconds;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Block Kit validation

interface BlockCheck {
  errors: string[];
  blockIds: Map<string, string>;
}

function checkLength(value: unknown, max: number, pointer: string, errors: string[], min = 0): void {
  if (value === undefined) return;
  if (typeof value !== "string") {
    errors.push(`must be a string [json-pointer:${pointer}]`);
    return;
  }
  const n = chars(value);
  if (n > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  else if (n < min) errors.push(`must be more than ${min - 1} characters [json-pointer:${pointer}]`);
}

function checkText(
  parent: Record<string, unknown>,
  field: string,
  pointer: string,
  errors: string[],
  opts: { max: number; plainOnly?: boolean; required?: boolean },
): void {
  const obj = parent[field];
  if (obj === undefined) {
    if (opts.required) errors.push(`missing required field: ${field} [json-pointer:${pointer}]`);
    return;
  }
  const at = `${pointer}/${field}`;
  if (
    !isRecord(obj) ||
    (obj.type !== "plain_text" && obj.type !== "mrkdwn") ||
    typeof obj.text !== "string" ||
    (opts.plainOnly && obj.type !== "plain_text")
  ) {
    errors.push(`failed to match all allowed schemas [json-pointer:${at}]`);
    return;
  }
  checkLength(obj.text, opts.max, `${at}/text`, errors, 1);
}

function checkCount(
  value: unknown,
  max: number,
  pointer: string,
  errors: string[],
  min = 0,
): value is unknown[] {
  if (!Array.isArray(value)) {
    errors.push(`must be an array [json-pointer:${pointer}]`);
    return false;
  }
  if (value.length > max) errors.push(`no more than ${max} items allowed [json-pointer:${pointer}]`);
  if (value.length < min) errors.push(`must provide at least ${min} items [json-pointer:${pointer}]`);
  return true;
}

function checkOptions(
  el: Record<string, unknown>,
  pointer: string,
  errors: string[],
  max: number,
  opts: { required: boolean; plainOnly: boolean; min?: number },
): void {
  const options = el.options;
  if (options === undefined) {
    if (opts.required && el.option_groups === undefined) {
      errors.push(`missing required field: options [json-pointer:${pointer}]`);
    }
    return;
  }
  if (!checkCount(options, max, `${pointer}/options`, errors, opts.min ?? 1)) return;
  options.forEach((option, i) => {
    const at = `${pointer}/options/${i}`;
    if (!isRecord(option)) {
      errors.push(`failed to match all allowed schemas [json-pointer:${at}]`);
      return;
    }
    checkText(option, "text", at, errors, { max: 75, plainOnly: opts.plainOnly, required: true });
    if (typeof option.value !== "string") errors.push(`missing required field: value [json-pointer:${at}]`);
    else checkLength(option.value, 150, `${at}/value`, errors);
  });
}

function checkElement(
  el: unknown,
  pointer: string,
  errors: string[],
  actionIds: Map<string, string> | undefined,
): void {
  if (!isRecord(el) || typeof el.type !== "string") {
    errors.push(`failed to match all allowed schemas [json-pointer:${pointer}]`);
    return;
  }
  if (el.action_id !== undefined) {
    checkLength(el.action_id, 255, `${pointer}/action_id`, errors, 1);
    if (typeof el.action_id === "string" && actionIds) {
      // (approx.) wording
      if (actionIds.has(el.action_id)) {
        errors.push(`duplicate action_id: ${el.action_id} [json-pointer:${pointer}/action_id]`);
      }
      actionIds.set(el.action_id, pointer);
    }
  }
  switch (el.type) {
    case "button":
      checkText(el, "text", pointer, errors, { max: 75, plainOnly: true, required: true });
      checkLength(el.value, 2000, `${pointer}/value`, errors);
      checkLength(el.url, 3000, `${pointer}/url`, errors);
      if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") {
        errors.push(`must be one of: primary, danger [json-pointer:${pointer}/style]`);
      }
      break;
    case "plain_text_input":
      for (const [field, lo] of [
        ["max_length", 1],
        ["min_length", 0],
      ] as const) {
        const v = el[field];
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isInteger(v)) {
          errors.push(`must be an integer [json-pointer:${pointer}/${field}]`);
        } else if (v > 3000) {
          errors.push(`must be less than 3001 [json-pointer:${pointer}/${field}]`);
        } else if (v < lo) {
          errors.push(`must be greater than ${lo - 1} [json-pointer:${pointer}/${field}]`);
        }
      }
      if (
        typeof el.min_length === "number" &&
        typeof el.max_length === "number" &&
        el.min_length > el.max_length
      ) {
        errors.push(`min_length must not exceed max_length [json-pointer:${pointer}/min_length]`);
      }
      checkText(el, "placeholder", pointer, errors, { max: 150, plainOnly: true });
      checkLength(el.initial_value, 3000, `${pointer}/initial_value`, errors);
      break;
    case "static_select":
    case "multi_static_select":
      checkText(el, "placeholder", pointer, errors, { max: 150, plainOnly: true });
      checkOptions(el, pointer, errors, 100, { required: true, plainOnly: true });
      break;
    case "radio_buttons":
    case "checkboxes":
      checkOptions(el, pointer, errors, 10, { required: true, plainOnly: false });
      break;
    case "overflow":
      checkOptions(el, pointer, errors, 5, { required: true, plainOnly: true, min: 1 });
      break;
    default:
      break;
  }
}

function checkBlock(block: unknown, pointer: string, state: BlockCheck): void {
  const { errors } = state;
  if (!isRecord(block)) {
    errors.push(`failed to match all allowed schemas [json-pointer:${pointer}]`);
    return;
  }
  if (typeof block.type !== "string") {
    errors.push(`missing required field: type [json-pointer:${pointer}]`);
    return;
  }
  if (!KNOWN_BLOCK_TYPES.has(block.type)) {
    errors.push(`unsupported type: ${block.type} [json-pointer:${pointer}/type]`);
    return;
  }
  if (block.block_id !== undefined) {
    checkLength(block.block_id, 255, `${pointer}/block_id`, errors, 1);
    if (typeof block.block_id === "string") {
      // (approx.) wording
      if (state.blockIds.has(block.block_id)) {
        errors.push(`duplicate block_id: ${block.block_id} [json-pointer:${pointer}/block_id]`);
      }
      state.blockIds.set(block.block_id, pointer);
    }
  }
  const actionIds = new Map<string, string>();
  switch (block.type) {
    case "section":
      if (block.text === undefined && block.fields === undefined) {
        errors.push(`must provide either text or fields [json-pointer:${pointer}]`);
      }
      checkText(block, "text", pointer, errors, { max: 3000 });
      if (block.fields !== undefined && checkCount(block.fields, 10, `${pointer}/fields`, errors, 1)) {
        block.fields.forEach((field, i) => {
          const holder = { field };
          checkText(holder, "field", `${pointer}/fields/${i}`, errors, { max: 2000 });
        });
      }
      if (block.accessory !== undefined)
        checkElement(block.accessory, `${pointer}/accessory`, errors, actionIds);
      break;
    case "header":
      checkText(block, "text", pointer, errors, { max: 150, plainOnly: true, required: true });
      break;
    case "actions":
      if (block.elements === undefined) {
        errors.push(`missing required field: elements [json-pointer:${pointer}]`);
      } else if (checkCount(block.elements, 25, `${pointer}/elements`, errors, 1)) {
        block.elements.forEach((el, i) => {
          checkElement(el, `${pointer}/elements/${i}`, errors, actionIds);
        });
      }
      break;
    case "context":
      if (block.elements === undefined) {
        errors.push(`missing required field: elements [json-pointer:${pointer}]`);
      } else {
        checkCount(block.elements, 10, `${pointer}/elements`, errors, 1);
      }
      break;
    case "input":
      checkText(block, "label", pointer, errors, { max: 2000, plainOnly: true, required: true });
      checkText(block, "hint", pointer, errors, { max: 2000, plainOnly: true });
      if (block.element === undefined)
        errors.push(`missing required field: element [json-pointer:${pointer}]`);
      else checkElement(block.element, `${pointer}/element`, errors, actionIds);
      break;
    case "image":
      if (block.image_url === undefined && block.slack_file === undefined) {
        errors.push(`missing required field: image_url [json-pointer:${pointer}]`);
      }
      checkLength(block.image_url, 3000, `${pointer}/image_url`, errors);
      if (typeof block.alt_text !== "string") {
        errors.push(`missing required field: alt_text [json-pointer:${pointer}]`);
      } else {
        checkLength(block.alt_text, 2000, `${pointer}/alt_text`, errors);
      }
      checkText(block, "title", pointer, errors, { max: 2000, plainOnly: true });
      break;
    default:
      break;
  }
}

/** Slack's complaints about a blocks array, without the "[ERROR] " prefix. */
export function blockKitErrors(blocks: unknown[], surface: "message" | "modal", prefix: string): string[] {
  const state: BlockCheck = { errors: [], blockIds: new Map() };
  const max = surface === "message" ? 50 : 100;
  if (blocks.length > max) state.errors.push(`no more than ${max} items allowed [json-pointer:${prefix}]`);
  blocks.forEach((block, i) => {
    checkBlock(block, `${prefix}/${i}`, state);
  });
  return state.errors;
}

/** Slack's complaints about a modal view (views.open / views.update / response_action update). */
export function viewErrors(view: unknown): string[] {
  if (!isRecord(view)) return ["failed to match all allowed schemas [json-pointer:/view]"];
  const errors: string[] = [];
  if (view.type !== "modal") {
    errors.push(`must be one of: modal [json-pointer:/view/type]`);
    return errors;
  }
  checkText(view, "title", "/view", errors, { max: 24, plainOnly: true, required: true });
  checkText(view, "submit", "/view", errors, { max: 24, plainOnly: true });
  checkText(view, "close", "/view", errors, { max: 24, plainOnly: true });
  checkLength(view.private_metadata, 3000, "/view/private_metadata", errors);
  checkLength(view.callback_id, 255, "/view/callback_id", errors);
  checkLength(view.external_id, 255, "/view/external_id", errors);
  if (view.blocks === undefined) {
    errors.push("missing required field: blocks [json-pointer:/view]");
  } else if (!Array.isArray(view.blocks)) {
    errors.push("must be an array [json-pointer:/view/blocks]");
  } else {
    errors.push(...blockKitErrors(view.blocks, "modal", "/view/blocks"));
    if (view.submit === undefined) {
      view.blocks.forEach((b, i) => {
        if (isRecord(b) && b.type === "input") {
          errors.push(
            `must define \`submit\` to use an \`input\` block in modals [json-pointer:/view/blocks/${i}]`,
          );
        }
      });
    }
  }
  if (errors.length > 0) errors.unshift("failed to match all allowed schemas [json-pointer:/view]");
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// Ids

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function shortId(): string {
  const bytes = randomBytes(5);
  return [...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
}

/** Gives blocks and interactive elements the block_id / action_id Slack would generate. */
function withGeneratedIds(blocks: unknown[]): SlackBlock[] {
  const out = clone(blocks) as SlackBlock[];
  const giveActionId = (el: unknown) => {
    if (isRecord(el) && typeof el.type === "string" && INTERACTIVE_ELEMENTS.has(el.type)) {
      if (el.action_id === undefined) el.action_id = shortId();
    }
  };
  for (const block of out) {
    if (block.block_id === undefined) block.block_id = shortId();
    if (Array.isArray(block.elements) && block.type === "actions") block.elements.forEach(giveActionId);
    giveActionId(block.accessory);
    giveActionId(block.element);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Internal state

interface ChannelState {
  id: string;
  name: string;
  kind: "channel" | "im" | "mpim";
  /** The other side of an IM. */
  user?: string;
  members?: string[];
  opened: boolean;
}

interface TriggerState {
  user: string;
  issuedAt: number;
  used: boolean;
}

interface ResponseUrlState {
  kind: "command" | "action";
  channel: string;
  user: string;
  messageTs?: string;
  /** The pressed message is an ephemeral one (replace / delete act on it). */
  ephemeral?: boolean;
  uses: number;
  issuedAt: number;
}

interface SentEvent {
  envelope: Record<string, unknown>;
  retries: number;
  ts?: string;
}

interface SocketState {
  info: SocketConnection;
  ws: WebSocket;
  /** Envelopes in flight by id; settling one resolves the user action waiting for its acknowledgement. */
  pending: Map<string, (ack: { payload: unknown } | undefined) => void>;
}

/** One Socket Mode envelope: what Slack wraps around the same payload it would POST over HTTP. */
interface EnvelopeSpec {
  type: "events_api" | "slash_commands" | "interactive";
  payload: Record<string, unknown>;
  acceptsResponsePayload: boolean;
  /** events_api only (0 and "" on a first delivery). */
  retryAttempt?: number;
  retryReason?: string;
}

const rawText = (data: RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString(
    "utf8",
  );

type Outcome = { status: number; payload: Record<string, unknown>; headers?: Record<string, string> };

// ---------------------------------------------------------------------------------------------------------
// The fake

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? "xoxb-fake-bot-token";
  const signingSecret = options.signingSecret ?? "fake-signing-secret-0123456789abcdef";
  const teamId = options.teamId ?? "T0FAKE";
  const teamDomain = options.teamDomain ?? "fake-team";
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const botUserId = "U0BOT";
  const botId = "B0BOT";
  const apiAppId = "A0FAKEAPP";
  const verificationToken = "fake-verification-token";
  const appToken = options.appToken;
  if (appToken !== undefined && !/^xapp-[A-Za-z0-9-]+$/.test(appToken)) {
    throw new Error(`fake slack: an app-level token looks like "xapp-…": ${appToken}`);
  }
  const socketMode = appToken !== undefined;

  const users = new Map<string, FakeSlackUser>();
  const channels = new Map<string, ChannelState>();
  const messages = new Map<string, StoredSlackMessage[]>();
  const ephemeralList: EphemeralMessage[] = [];
  const views = new Map<string, OpenedView>();
  const triggers = new Map<string, TriggerState>();
  const responseUrls = new Map<string, ResponseUrlState>();
  const sentEvents = new Map<string, SentEvent>();
  const files = new Map<string, SlackFileRecord>();
  /** Upload URL keys (single-use) → the file they fill. */
  const uploadUrls = new Map<string, string>();
  const downloads: { fileId: string; authorized: boolean; status: number }[] = [];
  const calls: RecordedSlackCall[] = [];
  const faults = new Map<string, SlackFailure[]>();
  const signed: SignedRequestRecord[] = [];
  const inFlight = new Set<http.ClientRequest>();
  const background = new Set<Promise<unknown>>();
  let routeUrl: string | undefined;
  let clockOffset = 0;
  let lastMicros = 0;
  let idCounter = 0;
  let closed = false;
  const sockets: SocketState[] = [];
  /** apps.connections.open tickets not yet used, with when they were issued. */
  const socketTickets = new Map<string, number>();
  let socketTurn = 0;

  users.set(botUserId, { id: botUserId, name: "cxbot", real_name: "CX Bot", is_bot: true });

  const now = () => Date.now() + clockOffset;

  /** Unique, increasing "1700000000.000100"-style timestamps. */
  const nextTs = (): string => {
    lastMicros = Math.max(lastMicros + 1, now() * 1000);
    const seconds = Math.floor(lastMicros / 1_000_000);
    return `${seconds}.${String(lastMicros % 1_000_000).padStart(6, "0")}`;
  };
  const nextId = (prefix: string) => `${prefix}${(++idCounter).toString(36).toUpperCase().padStart(8, "0")}`;

  const userOf = (u: FakeSlackUser | string): FakeSlackUser => {
    if (typeof u !== "string") {
      if (!users.has(u.id)) addUser(u);
      return users.get(u.id)!;
    }
    const found = users.get(u);
    if (!found) throw new Error(`fake slack: unknown user ${u} (call addUser first)`);
    return found;
  };

  function addUser(user: FakeSlackUser): void {
    if (!/^[UW][A-Z0-9]+$/.test(user.id)) {
      throw new Error(`fake slack: user ids look like "U…" (upper-case letters and digits): ${user.id}`);
    }
    users.set(user.id, { ...user });
  }

  const imIdOf = (userId: string) => `D${userId.slice(1)}`;

  function imChannel(userId: string): ChannelState {
    const id = imIdOf(userId);
    let state = channels.get(id);
    if (!state) {
      state = { id, name: userId, kind: "im", user: userId, opened: false };
      channels.set(id, state);
    }
    return state;
  }

  /** Channel lookup as chat.postMessage does it: id, user id (→ the DM), or name. */
  function resolveChannel(channel: string | undefined, allowUserAndName: boolean): ChannelState {
    if (!channel) throw new SlackApiError("channel_not_found");
    const direct = channels.get(channel);
    if (direct) return direct;
    if (allowUserAndName) {
      if (users.has(channel) && channel !== botUserId) return imChannel(channel);
      const name = channel.replace(/^#/, "");
      const byName = [...channels.values()].find((c) => c.kind === "channel" && c.name === name);
      if (byName) return byName;
    }
    // A known user's DM exists even before conversations.open.
    if (/^D/.test(channel)) {
      const user = [...users.keys()].find((id) => imIdOf(id) === channel && id !== botUserId);
      if (user) return imChannel(user);
    }
    throw new SlackApiError("channel_not_found");
  }

  const channelMessages = (channel: string): StoredSlackMessage[] => {
    let list = messages.get(channel);
    if (!list) {
      list = [];
      messages.set(channel, list);
    }
    return list;
  };

  const issueTrigger = (user: string): string => {
    const id = `${now()}${String(++idCounter % 1000).padStart(3, "0")}.4242424242.${randomBytes(16).toString("hex")}`;
    triggers.set(id, { user, issuedAt: now(), used: false });
    return id;
  };

  const issueResponseUrl = (state: Omit<ResponseUrlState, "uses" | "issuedAt">): string => {
    const id = `${nextId("")}/${randomBytes(12).toString("hex")}`;
    responseUrls.set(id, { ...state, uses: 0, issuedAt: now() });
    return `${origin}/hooks/${state.kind === "command" ? "commands" : "actions"}/${teamId}/${id}`;
  };

  // --- message content ---------------------------------------------------------------------------------

  interface Content {
    text?: string;
    blocks?: SlackBlock[];
    blocksGiven: boolean;
  }

  /** Reads and validates text + blocks the way chat.postMessage / chat.update / postEphemeral do. */
  function readContent(params: Record<string, unknown>): Content {
    const text = strParam(params, "text");
    const rawBlocks = jsonParam(params, "blocks");
    let blocks: unknown[] | undefined;
    if (rawBlocks.present) {
      if (!Array.isArray(rawBlocks.value)) throw new SlackApiError("invalid_blocks_format");
      blocks = rawBlocks.value;
    }
    const hasText = text !== undefined && text !== "";
    const hasBlocks = blocks !== undefined && blocks.length > 0;
    const attachments = jsonParam(params, "attachments");
    if (!hasText && !hasBlocks && !attachments.present) throw new SlackApiError("no_text");
    if (text !== undefined && chars(text) > 40_000) throw new SlackApiError("msg_too_long");
    if (blocks) {
      const errors = blockKitErrors(blocks, "message", "/blocks");
      if (errors.length > 0) throw withMessages("invalid_blocks", errors);
    }
    const content: Content = { blocksGiven: blocks !== undefined };
    if (text !== undefined) content.text = text;
    if (blocks !== undefined) content.blocks = withGeneratedIds(blocks);
    return content;
  }

  /** A file object as Slack's events and files.* methods show it (the fields apps read, and a few more). */
  const fileJson = (f: SlackFileRecord): Record<string, unknown> => {
    const base = `${origin}/files-pri/${teamId}-${f.id}`;
    const name = encodeURIComponent(f.name);
    const extension = /\.([A-Za-z0-9]{1,10})$/.exec(f.name)?.[1]?.toLowerCase() ?? "";
    const created = Math.floor(now() / 1000);
    return {
      id: f.id,
      created,
      timestamp: created,
      name: f.name,
      title: f.title,
      mimetype: f.mimetype,
      filetype: extension || "binary",
      pretty_type: extension ? extension.toUpperCase() : "Binary",
      user: f.user,
      user_team: teamId,
      editable: f.mimetype.startsWith("text/"),
      size: f.bytes?.length ?? f.length,
      mode: "hosted",
      is_external: false,
      external_type: "",
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: "",
      url_private: `${base}/${name}`,
      url_private_download: `${base}/download/${name}`,
      permalink: `https://${teamDomain}.slack.com/files/${f.user}/${f.id}/${name}`,
      is_starred: false,
      has_rich_preview: false,
      file_access: "visible",
    };
  };

  const messageJson = (m: StoredSlackMessage): Record<string, unknown> => {
    const out: Record<string, unknown> = { type: "message", user: m.user, ts: m.ts, text: m.text ?? "" };
    if (m.user === botUserId) {
      out.bot_id = botId;
      out.app_id = apiAppId;
      out.team = teamId;
      out.bot_profile = { id: botId, app_id: apiAppId, name: "cxbot", team_id: teamId, deleted: false };
    }
    if (m.blocks) out.blocks = clone(m.blocks);
    if (m.files) {
      out.files = m.files.flatMap((f) => {
        const record = files.get(f.id);
        return record ? [fileJson(record)] : [];
      });
      out.upload = false;
    }
    if (m.thread_ts) out.thread_ts = m.thread_ts;
    if (m.updatedCount > 0) out.edited = { user: botUserId, ts: m.ts };
    return out;
  };

  function storeBotMessage(channel: ChannelState, content: Content, threadTs?: string): StoredSlackMessage {
    const message: StoredSlackMessage = {
      channel: channel.id,
      ts: nextTs(),
      user: botUserId,
      updatedCount: 0,
    };
    if (content.text !== undefined) message.text = content.text;
    if (content.blocks !== undefined && content.blocks.length > 0) message.blocks = content.blocks;
    if (threadTs) message.thread_ts = threadTs;
    channelMessages(channel.id).push(message);
    if (options.echoBotMessages && channel.kind === "im" && (routeUrl || socketMode)) {
      const event = {
        ...messageJson(message),
        channel: channel.id,
        channel_type: "im",
        event_ts: message.ts,
      };
      const p = fake.sendEvent(event).catch(() => undefined);
      background.add(p);
      void p.finally(() => background.delete(p));
    }
    return message;
  }

  function findMessage(channel: string, ts: string | undefined): StoredSlackMessage {
    const found = ts ? messages.get(channel)?.find((m) => m.ts === ts) : undefined;
    if (!found) throw new SlackApiError("message_not_found");
    return found;
  }

  function applyUpdate(message: StoredSlackMessage, content: Content): void {
    if (content.text !== undefined) message.text = content.text;
    if (content.blocksGiven) {
      if (content.blocks && content.blocks.length > 0) message.blocks = content.blocks;
      else delete message.blocks;
    }
    message.updatedCount++;
  }

  // --- views -------------------------------------------------------------------------------------------

  const newHash = () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString("hex")}`;

  function readView(params: Record<string, unknown>): Record<string, unknown> {
    const raw = jsonParam(params, "view");
    if (!raw.present) throw withMessages("invalid_arguments", ["missing required field: view"]);
    const errors = viewErrors(raw.value);
    if (errors.length > 0) throw withMessages("invalid_arguments", errors);
    return raw.value as Record<string, unknown>;
  }

  function materializeView(
    id: string,
    source: Record<string, unknown>,
    rootId: string,
    hash: string,
  ): OpenedView["view"] {
    const blocks = withGeneratedIds(source.blocks as unknown[]);
    return {
      id,
      team_id: teamId,
      ...clone(source),
      type: "modal",
      title: clone(source.title),
      blocks,
      private_metadata: typeof source.private_metadata === "string" ? source.private_metadata : "",
      callback_id: typeof source.callback_id === "string" ? source.callback_id : "",
      external_id: typeof source.external_id === "string" ? source.external_id : "",
      state: { values: {} },
      hash,
      clear_on_close: source.clear_on_close === true,
      notify_on_close: source.notify_on_close === true,
      root_view_id: rootId,
      previous_view_id: null,
      app_id: apiAppId,
      app_installed_team_id: teamId,
      bot_id: botId,
    };
  }

  function openView(user: string, source: Record<string, unknown>): OpenedView {
    const id = nextId("V");
    const hash = newHash();
    const opened: OpenedView = { id, user, view: materializeView(id, source, id, hash), hash, closed: false };
    views.set(id, opened);
    return opened;
  }

  function replaceView(opened: OpenedView, source: Record<string, unknown>): void {
    opened.hash = newHash();
    const root = typeof opened.view.root_view_id === "string" ? opened.view.root_view_id : opened.id;
    opened.view = materializeView(opened.id, source, root, opened.hash);
    delete opened.errors;
  }

  // --- Web API methods ---------------------------------------------------------------------------------

  const handlers: Record<MethodName, (params: Record<string, unknown>) => Record<string, unknown>> = {
    "auth.test": () => ({
      url: `https://${teamDomain}.slack.com/`,
      team: "Fake Team",
      user: "cxbot",
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    "chat.postMessage": (params) => {
      const channel = resolveChannel(strParam(params, "channel"), true);
      const content = readContent(params);
      const threadTs = strParam(params, "thread_ts") || undefined;
      const message = storeBotMessage(channel, content, threadTs);
      return { channel: channel.id, ts: message.ts, message: messageJson(message) };
    },

    "chat.update": (params) => {
      const channel = resolveChannel(strParam(params, "channel"), false);
      const message = findMessage(channel.id, strParam(params, "ts"));
      if (message.user !== botUserId) throw new SlackApiError("cant_update_message");
      const content = readContent(params);
      applyUpdate(message, content);
      return { channel: channel.id, ts: message.ts, text: message.text ?? "", message: messageJson(message) };
    },

    "chat.postEphemeral": (params) => {
      const channel = resolveChannel(strParam(params, "channel"), true);
      const user = strParam(params, "user");
      if (!user || !users.has(user)) throw new SlackApiError("user_not_in_channel");
      if (channel.kind === "im" && channel.user !== user) throw new SlackApiError("user_not_in_channel");
      if (channel.kind === "mpim" && !channel.members?.includes(user)) {
        throw new SlackApiError("user_not_in_channel");
      }
      const content = readContent(params);
      const ts = nextTs();
      const entry: EphemeralMessage = { channel: channel.id, user, ts, via: "chat.postEphemeral" };
      if (content.text !== undefined) entry.text = content.text;
      if (content.blocks !== undefined) entry.blocks = content.blocks;
      ephemeralList.push(entry);
      return { message_ts: ts };
    },

    "chat.getPermalink": (params) => {
      const channel = resolveChannel(strParam(params, "channel"), false);
      const message = findMessage(channel.id, strParam(params, "message_ts"));
      const p = `p${message.ts.replace(".", "")}`;
      const thread = message.thread_ts ? `?thread_ts=${message.thread_ts}&cid=${channel.id}` : "";
      return {
        channel: channel.id,
        permalink: `https://${teamDomain}.slack.com/archives/${channel.id}/${p}${thread}`,
      };
    },

    "conversations.open": (params) => {
      const existing = strParam(params, "channel");
      const list = (strParam(params, "users") ?? "")
        .split(",")
        .map((u) => u.trim())
        .filter((u) => u !== "");
      let state: ChannelState;
      if (existing && list.length === 0) {
        state = resolveChannel(existing, false);
        if (state.kind === "channel") throw new SlackApiError("channel_not_found");
      } else {
        if (list.length === 0) throw new SlackApiError("users_list_not_supplied");
        if (list.length > 8) throw new SlackApiError("too_many_users");
        for (const u of list) if (!users.has(u)) throw new SlackApiError("user_not_found");
        const others = list.filter((u) => u !== botUserId);
        if (others.length === 0) throw new SlackApiError("cannot_dm_bot");
        if (others.length === 1) {
          state = imChannel(others[0]!);
        } else {
          const members = [...new Set(others)].sort();
          const id = `G${members.map((m) => m.slice(1)).join("")}`.slice(0, 20);
          state = channels.get(id) ?? {
            id,
            name: `mpdm-${members.join("--")}-1`,
            kind: "mpim",
            members,
            opened: false,
          };
          channels.set(id, state);
        }
      }
      const alreadyOpen = state.opened;
      state.opened = true;
      const result: Record<string, unknown> = {
        channel: boolParam(params, "return_im")
          ? {
              id: state.id,
              created: Math.floor(now() / 1000),
              is_im: state.kind === "im",
              is_mpim: state.kind === "mpim",
              is_org_shared: false,
              user: state.user,
              is_user_deleted: false,
              priority: 0,
            }
          : { id: state.id },
      };
      if (alreadyOpen) {
        result.no_op = true;
        result.already_open = true;
      }
      return result;
    },

    "users.info": (params) => {
      const id = strParam(params, "user");
      const user = id ? users.get(id) : undefined;
      if (!user) throw new SlackApiError("user_not_found");
      const tz = user.tz ?? "America/Los_Angeles";
      const realName = user.real_name ?? user.name;
      const out: Record<string, unknown> = {
        id: user.id,
        team_id: teamId,
        name: user.name,
        deleted: false,
        color: "9f69e7",
        real_name: realName,
        tz,
        tz_label: tz,
        tz_offset: tzOffsetSeconds(tz),
        profile: {
          real_name: realName,
          real_name_normalized: realName,
          display_name: user.name,
          display_name_normalized: user.name,
          team: teamId,
        },
        is_admin: false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.is_bot === true,
        is_app_user: false,
        updated: 1_700_000_000,
      };
      if (user.is_bot) out.profile = { ...(out.profile as object), bot_id: botId, api_app_id: apiAppId };
      if (boolParam(params, "include_locale")) out.locale = user.locale ?? "en-US";
      return { user: out };
    },

    "views.open": (params) => {
      const triggerId = strParam(params, "trigger_id");
      if (!triggerId) {
        if (strParam(params, "interactivity_pointer")) throw new SlackApiError("invalid_trigger_id");
        throw withMessages("invalid_arguments", ["missing required field: trigger_id"]);
      }
      const source = readView(params);
      const trigger = triggers.get(triggerId);
      if (!trigger) throw new SlackApiError("invalid_trigger_id");
      if (trigger.used) throw new SlackApiError("exchanged_trigger_id");
      if (now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError("expired_trigger_id");
      trigger.used = true;
      const opened = openView(trigger.user, source);
      return { view: clone(opened.view) };
    },

    "files.getUploadURLExternal": (params) => {
      const filename = strParam(params, "filename");
      const rawLength = strParam(params, "length");
      if (!filename) throw withMessages("invalid_arguments", ["missing required field: filename"]);
      if (rawLength === undefined)
        throw withMessages("invalid_arguments", ["missing required field: length"]);
      const length = Number(rawLength);
      if (!/^\d+$/.test(rawLength) || !Number.isSafeInteger(length)) {
        throw withMessages("invalid_arguments", ["must be an integer [json-pointer:/length]"]); // (approx.)
      }
      // The docs: missing_argument "typically only occurs when the length provided is 0".
      if (length === 0) throw new SlackApiError("missing_argument");
      const alt = strParam(params, "alt_txt") ?? strParam(params, "alt_text");
      if (alt !== undefined && chars(alt) > 1000) throw new SlackApiError("alt_txt_too_large");
      const id = nextId("F");
      files.set(id, {
        id,
        name: filename,
        title: filename,
        user: botUserId,
        length,
        mimetype: mimeOf(filename),
        channels: [],
        completed: false,
      });
      const key = randomBytes(16).toString("hex");
      uploadUrls.set(key, id);
      return { upload_url: `${origin}/upload/v1/${key}`, file_id: id };
    },

    "files.completeUploadExternal": (params) => {
      const raw = jsonParam(params, "files");
      if (!raw.present) throw withMessages("invalid_arguments", ["missing required field: files"]);
      if (!Array.isArray(raw.value) || raw.value.length === 0) {
        throw withMessages("invalid_arguments", ["must provide at least 1 items [json-pointer:/files]"]);
      }
      const entries = raw.value.map((entry, i) => {
        if (!isRecord(entry) || typeof entry.id !== "string") {
          throw withMessages("invalid_arguments", [`missing required field: id [json-pointer:/files/${i}]`]);
        }
        return { id: entry.id, title: typeof entry.title === "string" ? entry.title : undefined };
      });
      const channelId = strParam(params, "channel_id") || undefined;
      const channelList = (strParam(params, "channels") ?? "")
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== "");
      const targets = [
        ...(channelId ? [resolveChannel(channelId, false)] : []),
        ...channelList.map((c) => resolveChannel(c, true)),
      ];
      const threadTs = strParam(params, "thread_ts") || undefined;
      if (threadTs && targets.length !== 1)
        throw withMessages("invalid_arguments", ["thread_ts needs one channel"]); // (approx.)
      const comment = strParam(params, "initial_comment");
      if (comment !== undefined && chars(comment) > 40_000) throw new SlackApiError("msg_too_long"); // (approx.)
      const records = entries.map(({ id, title }) => {
        const record = files.get(id);
        // (approx.) Slack's code for an unknown upload, one whose bytes never came, or one finished already.
        if (!record || record.user !== botUserId || !record.bytes || record.completed)
          throw new SlackApiError("file_not_found");
        return { record, title };
      });
      for (const { record, title } of records) {
        record.completed = true;
        record.title = title ?? record.name;
        if (comment !== undefined) record.initialComment = comment;
        for (const c of targets) if (!record.channels.includes(c.id)) record.channels.push(c.id);
      }
      for (const c of targets) {
        const message: StoredSlackMessage = {
          channel: c.id,
          ts: nextTs(),
          user: botUserId,
          text: comment ?? "",
          updatedCount: 0,
          files: records.map(({ record }) => ({ id: record.id, name: record.name, title: record.title })),
        };
        if (threadTs) message.thread_ts = threadTs;
        channelMessages(c.id).push(message);
      }
      return { files: records.map(({ record }) => fileJson(record)) };
    },

    "views.update": (params) => {
      const viewId = strParam(params, "view_id");
      const externalId = strParam(params, "external_id");
      if (!viewId && !externalId)
        throw withMessages("invalid_arguments", ["missing required field: view_id"]);
      const source = readView(params);
      const opened = viewId
        ? views.get(viewId)
        : [...views.values()].find((v) => v.view.external_id === externalId && externalId !== "");
      if (!opened || opened.closed) throw new SlackApiError("not_found");
      const hash = strParam(params, "hash");
      if (hash && hash !== opened.hash) throw new SlackApiError("hash_conflict");
      replaceView(opened, source);
      return { view: clone(opened.view) };
    },
  };

  /** apps.connections.open: an app-level token, in the Authorization header (docs: apps.connections.open). */
  function openSocketUrl(token: string | undefined, inHeader: boolean): Outcome {
    const fail = (error: string): Outcome => ({ status: 200, payload: { ok: false, error } });
    if (token === undefined || token === "") return fail("not_authed");
    if (token === botToken) return fail("not_allowed_token_type");
    if (appToken === undefined || token !== appToken) return fail("invalid_auth");
    // The docs say a token passed as a POST parameter "will result in an error"; which one is our guess (approx.).
    if (!inHeader) return fail("not_authed");
    const ticket = randomBytes(16).toString("hex");
    socketTickets.set(ticket, now());
    const url = `${origin.replace(/^http:/, "ws:")}/link/?ticket=${ticket}&app_id=${apiAppId}`;
    return { status: 200, payload: { ok: true, url } };
  }

  function invoke(
    method: string,
    params: Record<string, unknown>,
    token: string | undefined,
    tokenInHeader = true,
  ): Outcome {
    const queued = faults.get(method);
    const fault = queued?.shift();
    if (queued && queued.length === 0) faults.delete(method);
    if (fault) {
      if ("error" in fault) return { status: 200, payload: { ok: false, error: fault.error } };
      if (fault.status === 429) {
        return {
          status: 429,
          payload: { ok: false, error: "ratelimited" },
          headers: { "retry-after": String(fault.retryAfter) },
        };
      }
      return { status: 500, payload: { ok: false, error: "internal_error" } };
    }
    if (method === "apps.connections.open") return openSocketUrl(token, tokenInHeader);
    if (!isMethod(method))
      return { status: 200, payload: { ok: false, error: "unknown_method", req_method: method } };
    if (token === undefined || token === "")
      return { status: 200, payload: { ok: false, error: "not_authed" } };
    // App-level tokens open sockets; they cannot post or read as the bot.
    if (appToken !== undefined && token === appToken)
      return { status: 200, payload: { ok: false, error: "not_allowed_token_type" } };
    if (token !== botToken) return { status: 200, payload: { ok: false, error: "invalid_auth" } };
    try {
      return { status: 200, payload: { ok: true, ...handlers[method](params) } };
    } catch (error) {
      if (error instanceof SlackApiError) {
        return { status: 200, payload: { ok: false, error: error.error, ...error.extra } };
      }
      throw error;
    }
  }

  // --- HTTP --------------------------------------------------------------------------------------------

  const readBytes = async (req: http.IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  /** The upload URL: the file's bytes, raw or as the file part of a multipart form (both documented). */
  async function handleUpload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: string,
  ): Promise<void> {
    const raw = await readBytes(req);
    const fileId = uploadUrls.get(key);
    const call: RecordedSlackCall = {
      method: "upload_url",
      params: { file_id: fileId ?? null, bytes: raw.length },
      at: now(),
      status: 200,
    };
    calls.push(call);
    const answer = (status: number, text: string) => {
      call.status = status;
      if (status !== 200) call.error = text;
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
    };
    const record = fileId ? files.get(fileId) : undefined;
    if (!fileId || !record) return answer(404, "Not Found"); // (approx.)
    let bytes = raw;
    const contentType = req.headers["content-type"] ?? "";
    if (contentType.toLowerCase().startsWith("multipart/form-data")) {
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(raw), {
          headers: { "content-type": contentType },
        }).formData();
      } catch {
        return answer(400, "Bad Request"); // (approx.)
      }
      const part = [...form.values()].find((v) => typeof v !== "string");
      if (part === undefined || typeof part === "string") return answer(400, "Bad Request"); // (approx.)
      bytes = Buffer.from(await part.arrayBuffer());
    }
    uploadUrls.delete(key);
    record.bytes = bytes;
    answer(200, `OK - ${bytes.length}`);
  }

  /** url_private / url_private_download: the bytes for the bot token; a redirect to sign in for anyone else. */
  function handleFileGet(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    fileId: string,
    download: boolean,
  ) {
    const auth = req.headers.authorization;
    const authorized = auth === `Bearer ${botToken}`;
    const record = files.get(fileId);
    const status = !authorized ? 302 : record?.bytes && record.completed ? 200 : 404;
    downloads.push({ fileId, authorized, status });
    if (status === 302) {
      res.writeHead(302, { location: `${origin}/signin?redir=${encodeURIComponent(req.url ?? "/")}` });
      res.end();
      return;
    }
    if (status === 404 || !record?.bytes) {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html><html><body>File not found</body></html>");
      return;
    }
    res.writeHead(200, {
      "content-type": record.mimetype,
      "content-length": String(record.bytes.length),
      ...(download
        ? { "content-disposition": `attachment; filename="${encodeURIComponent(record.name)}"` }
        : {}),
    });
    res.end(record.bytes);
  }

  const readBody = async (req: http.IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  const sendJson = (res: http.ServerResponse, outcome: Outcome) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(outcome.status, { "content-type": "application/json; charset=utf-8", ...outcome.headers });
    res.end(JSON.stringify(outcome.payload));
  };

  const JSON_FIELDS = ["blocks", "view", "attachments", "metadata"];

  async function handleApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    let bodyToken: string | undefined;
    if (raw.length > 0) {
      if (contentType.startsWith("application/json")) {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, { status: 200, payload: { ok: false, error: "invalid_json" } });
        }
        if (!isRecord(body))
          return sendJson(res, { status: 200, payload: { ok: false, error: "json_not_object" } });
        // Slack takes the token of a JSON request from the Authorization header only.
        const { token: _ignored, ...rest } = body;
        Object.assign(params, rest);
      } else if (contentType.startsWith("multipart/form-data")) {
        return sendJson(res, {
          status: 200,
          payload: {
            ok: false,
            error: "invalid_form_data",
            detail: "multipart is not supported by the fake",
          },
        });
      } else if (
        contentType.startsWith("application/x-www-form-urlencoded") ||
        contentType.startsWith("text/plain") ||
        contentType === ""
      ) {
        const form = new URLSearchParams(raw);
        bodyToken = form.get("token") ?? undefined;
        form.delete("token");
        Object.assign(params, Object.fromEntries(form));
      } else {
        return sendJson(res, { status: 200, payload: { ok: false, error: "invalid_post_type" } });
      }
    }
    const queryToken = typeof params.token === "string" ? params.token : undefined;
    delete params.token;
    const auth = req.headers.authorization;
    const headerToken = auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length).trim() : undefined;
    const token = headerToken ?? bodyToken ?? queryToken;

    const recorded: Record<string, unknown> = { ...params };
    for (const field of JSON_FIELDS) {
      const v = recorded[field];
      if (typeof v !== "string") continue;
      try {
        recorded[field] = JSON.parse(v) as unknown;
      } catch {
        // keep the raw string
      }
    }
    const call: RecordedSlackCall = { method, params: recorded, at: now(), status: 200 };
    calls.push(call);
    const outcome = invoke(method, params, token, headerToken !== undefined);
    call.status = outcome.status;
    if (outcome.payload.ok === false && typeof outcome.payload.error === "string")
      call.error = outcome.payload.error;
    sendJson(res, outcome);
  }

  async function handleResponseUrl(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
  ): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const call: RecordedSlackCall = {
      method: "response_url",
      params: isRecord(body) ? { ...body } : { raw },
      at: now(),
      status: 200,
    };
    calls.push(call);
    const fail = (status: number, error: string) => {
      call.status = status;
      call.error = error;
      sendJson(res, { status, payload: { ok: false, error } });
    };
    const state = responseUrls.get(id);
    if (!state) return fail(404, "invalid_url"); // (approx.)
    if (now() - state.issuedAt > RESPONSE_URL_LIFETIME_MS) return fail(404, "expired_url"); // (approx.)
    if (state.uses >= RESPONSE_URL_MAX_USES) return fail(404, "used_url"); // (approx.)
    if (!isRecord(body)) return fail(400, "invalid_payload");
    let content: Content | undefined;
    if (body.delete_original !== true) {
      try {
        content = readContent(body);
      } catch (error) {
        if (error instanceof SlackApiError) return fail(400, error.error);
        throw error;
      }
    }
    state.uses++;
    const channel = channels.get(state.channel);
    if ((body.delete_original === true || body.replace_original === true) && state.ephemeral) {
      const shown = ephemeralList.find(
        (e) => e.ts === state.messageTs && e.user === state.user && !e.deleted,
      );
      if (!shown) return fail(404, "message_not_found");
      if (body.delete_original === true) shown.deleted = true;
      else {
        if (content?.text !== undefined) shown.text = content.text;
        if (content?.blocksGiven) {
          if (content.blocks && content.blocks.length > 0) shown.blocks = content.blocks;
          else delete shown.blocks;
        }
        shown.replaced = (shown.replaced ?? 0) + 1;
      }
    } else if (body.delete_original === true || body.replace_original === true) {
      const list = messages.get(state.channel) ?? [];
      const index = state.messageTs ? list.findIndex((m) => m.ts === state.messageTs) : -1;
      if (index === -1) return fail(404, "message_not_found");
      if (body.delete_original === true) list.splice(index, 1);
      else applyUpdate(list[index]!, content!);
    } else if (body.response_type === "in_channel" && channel) {
      const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : undefined;
      storeBotMessage(channel, content!, threadTs);
    } else {
      const entry: EphemeralMessage = {
        channel: state.channel,
        user: state.user,
        ts: nextTs(),
        via: "response_url",
      };
      if (content?.text !== undefined) entry.text = content.text;
      if (content?.blocks !== undefined) entry.blocks = content.blocks;
      ephemeralList.push(entry);
    }
    sendJson(res, { status: 200, payload: { ok: true } });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const hook = /^\/hooks\/(?:commands|actions)\/[^/]+\/(.+)$/.exec(url.pathname);
    const upload = /^\/upload\/v1\/([0-9a-f]+)$/.exec(url.pathname);
    const file = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\/(download\/)?[^/]+$/.exec(url.pathname);
    const work = api
      ? handleApi(req, res, api[1]!)
      : hook && req.method === "POST"
        ? handleResponseUrl(req, res, hook[1]!)
        : upload && req.method === "POST"
          ? handleUpload(req, res, upload[1]!)
          : file && req.method === "GET"
            ? Promise.resolve(handleFileGet(req, res, file[1]!, file[2] !== undefined))
            : url.pathname === "/signin" && req.method === "GET"
              ? Promise.resolve(
                  void res
                    .writeHead(200, { "content-type": "text/html; charset=utf-8" })
                    .end(
                      "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body></body></html>",
                    ),
                )
              : Promise.resolve(sendJson(res, { status: 404, payload: { ok: false, error: "not_found" } }));
    work.catch((error: unknown) => {
      sendJson(res, { status: 500, payload: { ok: false, error: "fatal_error", detail: String(error) } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // --- Socket Mode -------------------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    const issuedAt = socketTickets.get(ticket);
    // Tickets are single-use and short-lived.
    socketTickets.delete(ticket);
    if (
      closed ||
      url.pathname !== "/link/" ||
      issuedAt === undefined ||
      now() - issuedAt > SOCKET_TICKET_LIFETIME_MS
    ) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => acceptSocket(ws));
  });

  function acceptSocket(ws: WebSocket): void {
    const state: SocketState = {
      info: {
        id: nextId("WS"),
        openedAt: now(),
        open: true,
        envelopes: 0,
        disconnectsSent: [],
        strayMessages: [],
      },
      ws,
      pending: new Map(),
    };
    sockets.push(state);
    ws.on("error", () => undefined);
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? `<binary ${rawText(data).length} bytes>` : rawText(data);
      let ack: unknown;
      try {
        ack = isBinary ? undefined : JSON.parse(text);
      } catch {
        ack = undefined;
      }
      const settle =
        isRecord(ack) && typeof ack.envelope_id === "string" ? state.pending.get(ack.envelope_id) : undefined;
      if (!settle || !isRecord(ack)) {
        state.info.strayMessages.push(text);
        return;
      }
      settle({ payload: ack.payload });
    });
    ws.on("close", (code) => {
      state.info.open = false;
      state.info.closeCode = code;
      state.info.closedBy ??= "app";
      for (const settle of [...state.pending.values()]) settle(undefined);
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: sockets.filter((s) => s.info.open).length,
        debug_info: { host: "applink-fake-0", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: apiAppId },
      }),
    );
  }

  /** An open connection (round robin over several, as Slack spreads payloads), waiting for one if needed. */
  async function openSocket(timeoutMs: number, take: boolean): Promise<SocketState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = sockets.filter((s) => s.info.open && s.ws.readyState === s.ws.OPEN);
      if (open.length > 0) return open[(take ? socketTurn++ : socketTurn) % open.length]!;
      if (closed || Date.now() > deadline) {
        throw new Error(`fake slack: no open Socket Mode connection within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function deliverEnvelope(
    kind: SignedRequestKind,
    spec: EnvelopeSpec,
    meta: Partial<SignedRequestRecord>,
  ): Promise<SignedResponse> {
    if (closed) throw new Error("fake slack: closed");
    const envelopeId = randomUUID();
    const finish = (status: number, body: string, ms: number, connectionId?: string): SignedResponse => {
      const record: SignedRequestRecord = {
        kind,
        signature: "valid",
        via: "socket",
        status,
        body,
        ms,
        envelopeId,
        ...meta,
      };
      if (connectionId !== undefined) record.connectionId = connectionId;
      signed.push(record);
      return { status, body, ms };
    };
    // Slack holds payloads while the app reconnects; the fake waits as long as it would for an answer.
    const waitStarted = performance.now();
    const target = await openSocket(ackTimeoutMs, true).catch(() => undefined);
    if (!target) return finish(0, "", Math.round(performance.now() - waitStarted));
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload: spec.payload,
      type: spec.type,
      accepts_response_payload: spec.acceptsResponsePayload,
    };
    if (spec.type === "events_api") {
      envelope.retry_attempt = spec.retryAttempt ?? 0;
      envelope.retry_reason = spec.retryReason ?? "";
    }
    target.info.envelopes++;
    const started = performance.now();
    const ack = await new Promise<{ payload: unknown; at: number } | undefined>((resolve) => {
      const settle = (a: { payload: unknown } | undefined) => {
        clearTimeout(timer);
        target.pending.delete(envelopeId);
        resolve(a === undefined ? undefined : { payload: a.payload, at: performance.now() });
      };
      const timer = setTimeout(() => settle(undefined), ackTimeoutMs);
      target.pending.set(envelopeId, settle);
      target.ws.send(JSON.stringify(envelope), (error) => {
        if (error) settle(undefined);
      });
    });
    if (!ack) return finish(0, "", Math.round(performance.now() - started), target.info.id);
    const p = ack.payload;
    const body =
      p === undefined || p === null || (isRecord(p) && Object.keys(p).length === 0) ? "" : JSON.stringify(p);
    return finish(200, body, Math.round(ack.at - started), target.info.id);
  }

  // --- signed requests to the app ----------------------------------------------------------------------

  function postSigned(
    kind: SignedRequestKind,
    body: string,
    contentType: string,
    signature: "valid" | "forged" | "stale",
    extraHeaders: Record<string, string> = {},
    meta: Partial<SignedRequestRecord> = {},
  ): Promise<SignedResponse> {
    if (closed) return Promise.reject(new Error("fake slack: closed"));
    if (!routeUrl) return Promise.reject(new Error("fake slack: call routeTo(url) before sending requests"));
    // Stale: 6 minutes old (bolt and Slack's docs allow 5); forged: signed with another secret.
    const timestamp = Math.floor(Date.now() / 1000) - (signature === "stale" ? 6 * 60 : 0);
    const secret = signature === "forged" ? `not-${signingSecret}` : signingSecret;
    const headers = {
      "Content-Type": contentType,
      "Content-Length": String(Buffer.byteLength(body)),
      "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      ...signSlackRequest(secret, body, timestamp),
      ...extraHeaders,
    };
    const target = routeUrl;
    return new Promise((resolve) => {
      const started = performance.now();
      let answeredAt: number | undefined;
      const finish = (status: number, text: string) => {
        inFlight.delete(req);
        const ms = Math.round((answeredAt ?? performance.now()) - started);
        const record: SignedRequestRecord = { kind, signature, via: "http", status, body: text, ms, ...meta };
        signed.push(record);
        resolve({ status, body: text, ms });
      };
      const req = http.request(target, { method: "POST", agent: false, headers }, (res) => {
        answeredAt = performance.now();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
        res.on("error", () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
      });
      inFlight.add(req);
      req.setTimeout(ackTimeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        if (answeredAt === undefined) finish(0, "");
      });
      req.end(body);
    });
  }

  const signatureOf = (s: "forged" | "stale" | undefined) => {
    if (s !== undefined && socketMode) {
      throw new Error(
        `fake slack: Socket Mode envelopes are not signed; a ${s} signature applies to HTTP only`,
      );
    }
    return s ?? "valid";
  };

  /** To the app the way it is set up to receive: a signed HTTP request, or a Socket Mode envelope. */
  const deliver = (
    kind: SignedRequestKind,
    request: { body: string; contentType: string; headers?: Record<string, string> },
    envelope: EnvelopeSpec,
    signature: "valid" | "forged" | "stale",
    meta: Partial<SignedRequestRecord>,
  ): Promise<SignedResponse> =>
    socketMode
      ? deliverEnvelope(kind, envelope, meta)
      : postSigned(kind, request.body, request.contentType, signature, request.headers ?? {}, meta);

  const envelopeFor = (event: Record<string, unknown>, eventId: string): Record<string, unknown> => ({
    token: verificationToken,
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: apiAppId,
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(eventId).toString("base64url")}`,
  });

  /** A user's message as Slack's rich text block carries it. */
  const richText = (text: string): Record<string, unknown>[] => [
    {
      type: "rich_text",
      block_id: shortId(),
      elements: [{ type: "rich_text_section", elements: [{ type: "text", text }] }],
    },
  ];

  /** Sends a user's new message event (remembered, so it can be redelivered as a retry). */
  const sendUserEvent = async (
    event: Record<string, unknown>,
    ts: string,
    signature: ReturnType<typeof signatureOf>,
  ) => {
    const eventId = nextId("Ev0");
    const sent: SentEvent = { envelope: envelopeFor(event, eventId), retries: 0, ts };
    sentEvents.set(eventId, sent);
    const response = await deliverEvent(sent, eventId, undefined, undefined, signature);
    return { ...response, eventId, ts };
  };

  const deliverEvent = (
    sent: SentEvent,
    eventId: string,
    retryNum: number | undefined,
    retryReason: string | undefined,
    signature: "valid" | "forged" | "stale",
  ) => {
    const headers: Record<string, string> = {};
    if (retryNum !== undefined && retryNum > 0) {
      headers["X-Slack-Retry-Num"] = String(retryNum);
      headers["X-Slack-Retry-Reason"] = retryReason ?? "http_timeout";
    }
    const meta: Partial<SignedRequestRecord> = { eventId };
    const retried = retryNum !== undefined && retryNum > 0;
    if (retried) meta.retryNum = retryNum;
    return deliver(
      "event",
      { body: JSON.stringify(sent.envelope), contentType: "application/json", headers },
      {
        type: "events_api",
        payload: sent.envelope,
        acceptsResponsePayload: false,
        retryAttempt: retried ? retryNum : 0,
        // What Slack's Socket Mode retries say (python-slack-sdk's fixtures); over HTTP, X-Slack-Retry-Reason above.
        retryReason: retried ? (retryReason ?? "timeout") : "",
      },
      signature,
      meta,
    );
  };

  const slackUserJson = (user: FakeSlackUser) => ({
    id: user.id,
    username: user.name,
    name: user.name,
    team_id: teamId,
  });

  const channelName = (c: ChannelState) => (c.kind === "im" ? "directmessage" : c.name);

  /** The `actions[]` entry of a pressed button, as Slack sends it. */
  const buttonAction = (found: {
    block: SlackBlock;
    el: Record<string, unknown>;
  }): Record<string, unknown> => {
    const action: Record<string, unknown> = {
      action_id: found.el.action_id,
      block_id: found.block.block_id,
      text: clone(found.el.text),
      type: "button",
      action_ts: nextTs(),
    };
    if (found.el.value !== undefined) action.value = found.el.value;
    if (found.el.style !== undefined) action.style = found.el.style;
    return action;
  };

  // --- the fake's API ----------------------------------------------------------------------------------

  const fake: FakeSlack = {
    apiUrl: `${origin}/api/`,
    botToken,
    signingSecret,
    teamId,
    teamDomain,
    botUserId,
    botId,
    apiAppId,

    addUser,
    addChannel(id, name) {
      if (!/^[CG][A-Z0-9]+$/.test(id)) throw new Error(`fake slack: channel ids look like "C…": ${id}`);
      channels.set(id, { id, name: name.replace(/^#/, ""), kind: "channel", opened: true });
    },
    dmChannelOf(userId) {
      if (!users.has(userId) || userId === botUserId) {
        throw new Error(`fake slack: unknown user ${userId} (call addUser first)`);
      }
      return imChannel(userId).id;
    },
    routeTo(url) {
      routeUrl = url;
    },

    calls: (method) => calls.filter((c) => method === undefined || c.method === method).map((c) => clone(c)),
    messages: (channel) => clone(messages.get(channel) ?? []),
    async waitForMessages(channel, predicate, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = fake.messages(channel);
        if (predicate(current)) return current;
        if (Date.now() > deadline) {
          throw new Error(
            `fake slack: timed out waiting for messages in ${channel}: ${JSON.stringify(current)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 2_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      let lastError: unknown;
      for (;;) {
        try {
          const value = probe();
          if (value !== undefined && value !== false) return value;
        } catch (error) {
          lastError = error;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `fake slack: condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    views: () => [...views.values()].map((v) => clone(v)),
    ephemerals: (channel) =>
      ephemeralList.filter((e) => channel === undefined || e.channel === channel).map(clone),
    failNext(method, failure, times = 1) {
      const list = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      faults.set(method, list);
    },
    advanceTime(ms) {
      clockOffset += ms;
    },

    async sendEvent(event, opts = {}) {
      if (typeof event.type !== "string") throw new Error("fake slack: an event needs a type");
      const eventId = opts.eventId ?? nextId("Ev0");
      const full = { event_ts: typeof event.ts === "string" ? event.ts : nextTs(), ...event };
      const sent: SentEvent = sentEvents.get(eventId) ?? { envelope: envelopeFor(full, eventId), retries: 0 };
      if (!sentEvents.has(eventId)) sentEvents.set(eventId, sent);
      else sent.envelope = envelopeFor(full, eventId);
      const response = await deliverEvent(
        sent,
        eventId,
        opts.retryNum,
        opts.retryReason,
        signatureOf(opts.signature),
      );
      return { ...response, eventId };
    },

    async userSendsDm(u, text, opts = {}) {
      if (opts.retryOf !== undefined) {
        const sent = sentEvents.get(opts.retryOf);
        if (!sent || sent.ts === undefined)
          throw new Error(`fake slack: no DM event ${opts.retryOf} to retry`);
        sent.retries++;
        const response = await deliverEvent(
          sent,
          opts.retryOf,
          sent.retries,
          undefined,
          signatureOf(opts.signature),
        );
        return { ...response, eventId: opts.retryOf, ts: sent.ts };
      }
      const user = userOf(u);
      const channel = imChannel(user.id);
      const ts = nextTs();
      channelMessages(channel.id).push({
        channel: channel.id,
        ts,
        text: encoded(text),
        user: user.id,
        updatedCount: 0,
      });
      const event = {
        user: user.id,
        type: "message",
        ts,
        client_msg_id: randomUUID(),
        text: encoded(text),
        team: teamId,
        blocks: richText(text),
        channel: channel.id,
        event_ts: ts,
        channel_type: "im",
      };
      return sendUserEvent(event, ts, signatureOf(opts.signature));
    },

    async sendSlashCommand(u, command, text, opts = {}) {
      if (!/^\/\S+$/.test(command))
        throw new Error(`fake slack: a slash command starts with "/": ${command}`);
      const user = userOf(u);
      const channel = opts.channelId ? resolveChannel(opts.channelId, false) : imChannel(user.id);
      const triggerId = issueTrigger(user.id);
      const form = new URLSearchParams({
        token: verificationToken,
        team_id: teamId,
        team_domain: teamDomain,
        channel_id: channel.id,
        channel_name: channelName(channel),
        user_id: user.id,
        user_name: user.name,
        command,
        text: encoded(text),
        api_app_id: apiAppId,
        is_enterprise_install: "false",
        response_url: issueResponseUrl({ kind: "command", channel: channel.id, user: user.id }),
        trigger_id: triggerId,
      });
      const response = await deliver(
        "command",
        { body: form.toString(), contentType: "application/x-www-form-urlencoded" },
        { type: "slash_commands", payload: Object.fromEntries(form), acceptsResponsePayload: true },
        signatureOf(opts.signature),
        { triggerId },
      );
      // What Slack shows for the command's HTTP answer: a body becomes an ephemeral (or in_channel) message.
      if (response.status === 200 && response.body.trim() !== "") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(response.body);
        } catch {
          parsed = { text: response.body };
        }
        if (isRecord(parsed)) {
          try {
            const content = readContent(parsed);
            if (parsed.response_type === "in_channel") storeBotMessage(channel, content);
            else {
              const entry: EphemeralMessage = {
                channel: channel.id,
                user: user.id,
                ts: nextTs(),
                via: "command_ack",
              };
              if (content.text !== undefined) entry.text = content.text;
              if (content.blocks !== undefined) entry.blocks = content.blocks;
              ephemeralList.push(entry);
            }
          } catch {
            // Slack shows nothing for an answer it cannot render.
          }
        }
      }
      return { ...response, triggerId };
    },

    async clickButton(u, channelId, messageTs, match, opts = {}) {
      const user = userOf(u);
      const channel = resolveChannel(channelId, true);
      const message = messages.get(channel.id)?.find((m) => m.ts === messageTs);
      if (!message) throw new Error(`fake slack: no message ${messageTs} in ${channel.id}`);
      const found = findButton(message.blocks, match, `message ${messageTs}`);
      const triggerId = issueTrigger(user.id);
      const action = buttonAction(found);
      const payload = {
        type: "block_actions",
        user: slackUserJson(user),
        api_app_id: apiAppId,
        token: verificationToken,
        container: { type: "message", message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
        trigger_id: triggerId,
        team: { id: teamId, domain: teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel.id, name: channelName(channel) },
        message: messageJson(message),
        state: { values: {} },
        response_url: issueResponseUrl({
          kind: "action",
          channel: channel.id,
          user: user.id,
          messageTs: message.ts,
        }),
        actions: [action],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const response = await deliver(
        "block_actions",
        { body, contentType: "application/x-www-form-urlencoded" },
        { type: "interactive", payload, acceptsResponsePayload: true },
        signatureOf(opts.signature),
        { triggerId },
      );
      return { ...response, triggerId };
    },

    async clickEphemeralButton(u, messageTs, match, opts = {}) {
      const user = userOf(u);
      const shown = ephemeralList.find((e) => e.ts === messageTs && e.user === user.id && !e.deleted);
      if (!shown) throw new Error(`fake slack: no ephemeral message ${messageTs} shown to ${user.id}`);
      const channel = resolveChannel(shown.channel, false);
      const found = findButton(shown.blocks, match, `ephemeral message ${messageTs}`);
      const triggerId = issueTrigger(user.id);
      const payload = {
        type: "block_actions",
        user: slackUserJson(user),
        api_app_id: apiAppId,
        token: verificationToken,
        container: { type: "message", message_ts: shown.ts, channel_id: channel.id, is_ephemeral: true },
        trigger_id: triggerId,
        team: { id: teamId, domain: teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel.id, name: channelName(channel) },
        state: { values: {} },
        response_url: issueResponseUrl({
          kind: "action",
          channel: channel.id,
          user: user.id,
          messageTs: shown.ts,
          ephemeral: true,
        }),
        actions: [buttonAction(found)],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const response = await deliver(
        "block_actions",
        { body, contentType: "application/x-www-form-urlencoded" },
        { type: "interactive", payload, acceptsResponsePayload: true },
        signatureOf(opts.signature),
        { triggerId },
      );
      return { ...response, triggerId };
    },

    async userSharesFile(u, file, text, opts = {}) {
      const user = userOf(u);
      const channel = imChannel(user.id);
      const bytes =
        typeof file.content === "string" ? Buffer.from(file.content, "utf8") : Buffer.from(file.content);
      const id = nextId("F");
      const record: SlackFileRecord = {
        id,
        name: file.name,
        title: file.name,
        user: user.id,
        length: bytes.length,
        bytes,
        mimetype: file.mimetype ?? mimeOf(file.name),
        channels: [channel.id],
        completed: true,
      };
      files.set(id, record);
      const ts = nextTs();
      channelMessages(channel.id).push({
        channel: channel.id,
        ts,
        text: encoded(text),
        user: user.id,
        updatedCount: 0,
        files: [{ id, name: record.name, title: record.title }],
      });
      const event = {
        type: "message",
        subtype: "file_share",
        text: encoded(text),
        files: [fileJson(record)],
        upload: false,
        user: user.id,
        display_as_bot: false,
        ts,
        client_msg_id: randomUUID(),
        ...(text === "" ? {} : { blocks: richText(text) }),
        channel: channel.id,
        event_ts: ts,
        channel_type: "im",
      };
      return { ...(await sendUserEvent(event, ts, signatureOf(opts.signature))), fileId: id };
    },

    uploads: () =>
      [...files.values()]
        .filter((f) => f.user === botUserId)
        .map((f) => ({
          ...f,
          channels: [...f.channels],
          ...(f.bytes ? { bytes: Buffer.from(f.bytes) } : {}),
        })),
    fileDownloads: () => downloads.map((d) => ({ ...d })),

    async submitView(u, viewId, values, opts = {}) {
      const user = userOf(u);
      const opened = views.get(viewId);
      if (!opened) throw new Error(`fake slack: no view ${viewId}`);
      if (opened.closed) throw new Error(`fake slack: view ${viewId} is closed`);
      if (opened.user !== user.id) throw new Error(`fake slack: view ${viewId} is shown to ${opened.user}`);
      const state: Record<string, Record<string, ViewStateValue>> = {};
      const inputs = new Map<string, { block: SlackBlock; el: Record<string, unknown> }>();
      for (const block of opened.view.blocks) {
        if (block.type !== "input" || !isRecord(block.element) || typeof block.block_id !== "string")
          continue;
        const el = block.element;
        const actionId = String(el.action_id);
        inputs.set(`${block.block_id}/${actionId}`, { block, el });
        const type = String(el.type);
        const empty: ViewStateValue = { type };
        if (type.startsWith("multi_") || type === "checkboxes") empty.selected_options = [];
        else if (type.endsWith("select") || type === "radio_buttons") empty.selected_option = null;
        else if (type === "datepicker") empty.selected_date = null;
        else empty.value = null;
        state[block.block_id] = { [actionId]: empty };
      }
      for (const [blockId, byAction] of Object.entries(values)) {
        for (const [actionId, value] of Object.entries(byAction)) {
          const input = inputs.get(`${blockId}/${actionId}`);
          if (!input) {
            throw new Error(
              `fake slack: view ${viewId} has no input ${blockId}/${actionId}; has ${[...inputs.keys()]}`,
            );
          }
          if (value.type !== input.el.type) {
            throw new Error(
              `fake slack: input ${blockId}/${actionId} is a ${String(input.el.type)}, not ${value.type}`,
            );
          }
          state[blockId] = { ...state[blockId], [actionId]: clone(value) };
        }
      }
      // What the Slack client enforces before it sends anything.
      for (const [key, { block, el }] of inputs) {
        const [blockId, actionId] = key.split("/") as [string, string];
        const v = state[blockId]?.[actionId];
        const filled =
          (typeof v?.value === "string" && v.value !== "") ||
          (v?.selected_option !== undefined && v.selected_option !== null) ||
          (Array.isArray(v?.selected_options) && v.selected_options.length > 0) ||
          (typeof v?.selected_date === "string" && v.selected_date !== "");
        if (!filled && block.optional !== true) {
          throw new Error(`fake slack: the Slack client would not submit: required input ${key} is empty`);
        }
        if (typeof v?.value === "string" && el.type === "plain_text_input") {
          const n = chars(v.value);
          if (typeof el.max_length === "number" && n > el.max_length) {
            throw new Error(
              `fake slack: the Slack client would not submit: ${key} is longer than ${el.max_length}`,
            );
          }
          if (typeof el.min_length === "number" && n < el.min_length && n > 0) {
            throw new Error(
              `fake slack: the Slack client would not submit: ${key} is shorter than ${el.min_length}`,
            );
          }
        }
      }
      const triggerId = issueTrigger(user.id);
      const payload = {
        type: "view_submission",
        team: { id: teamId, domain: teamDomain },
        user: slackUserJson(user),
        api_app_id: apiAppId,
        token: verificationToken,
        trigger_id: triggerId,
        view: { ...clone(opened.view), state: { values: state }, hash: opened.hash },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const response = await deliver(
        "view_submission",
        { body, contentType: "application/x-www-form-urlencoded" },
        { type: "interactive", payload, acceptsResponsePayload: true },
        signatureOf(opts.signature),
        { triggerId },
      );
      if (response.status === 200) {
        let answer: unknown;
        try {
          answer = response.body.trim() === "" ? undefined : JSON.parse(response.body);
        } catch {
          answer = undefined;
        }
        const action = isRecord(answer) ? answer.response_action : undefined;
        if (action === "errors" && isRecord(answer) && isRecord(answer.errors)) {
          opened.errors = Object.fromEntries(Object.entries(answer.errors).map(([k, v]) => [k, String(v)]));
        } else if (action === "update" && isRecord(answer) && viewErrors(answer.view).length === 0) {
          replaceView(opened, answer.view as Record<string, unknown>);
        } else if (action === "push" && isRecord(answer) && viewErrors(answer.view).length === 0) {
          const pushed = openView(user.id, answer.view as Record<string, unknown>);
          pushed.view.root_view_id = opened.view.root_view_id;
          pushed.view.previous_view_id = opened.id;
        } else if (action === "clear") {
          for (const v of views.values()) if (v.user === user.id) v.closed = true;
        } else if (action === undefined) {
          opened.closed = true;
        }
      }
      return { ...response, triggerId };
    },

    lateAcks: () =>
      signed
        .filter((s) => s.status === 0 || s.ms > ACK_LIMIT_MS)
        .map((s) => ({ kind: s.kind, ms: s.ms, status: s.status })),
    signedRequests: () => signed.map((s) => ({ ...s })),

    ...(appToken === undefined ? {} : { appToken }),
    socketConnections: () => sockets.map((s) => clone(s.info)),
    async waitForSocket(timeoutMs = 10_000) {
      return clone((await openSocket(timeoutMs, false)).info);
    },
    socketDisconnect(reason = "refresh_requested") {
      let told = 0;
      for (const s of sockets) {
        if (!s.info.open || s.ws.readyState !== s.ws.OPEN) continue;
        s.ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake-0" } }));
        s.info.disconnectsSent.push(reason);
        told++;
      }
      return told;
    },

    async close() {
      closed = true;
      for (const req of inFlight) req.destroy();
      for (const s of sockets) {
        for (const settle of [...s.pending.values()]) settle(undefined);
        if (s.info.open) {
          s.info.closedBy ??= "fake";
          s.info.open = false;
          s.ws.terminate();
        }
      }
      wss.close();
      await Promise.allSettled([...background]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
