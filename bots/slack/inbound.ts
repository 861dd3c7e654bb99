import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { err, ok, type Result } from "../../core/result.ts";
import type { Logger } from "../logger.ts";
import { ACTION, VIEW } from "./blocks.ts";

/**
 * The gate in front of bolt's HTTP receiver. Slack's requests are untrusted input even when correctly signed
 * (a leaked signing secret, a replay inside the window, a proxy mangling bodies), and bolt reads nested fields
 * of whatever it is given: `null` crashed the process, `actions: null` became a 500. So the body is read here,
 * with a limit, its signature checked, parsed and validated against what Slack really sends; only then does bolt
 * see it (its own signature check still runs, on the same bytes).
 */

/** Slack's own bodies are a few kilobytes; a modal's state with every input full stays far below this. */
export const SLACK_MAX_BODY_BYTES = 1_000_000;
/** Slack's and bolt's replay window. */
const SIGNATURE_WINDOW_SECONDS = 5 * 60;

const ZId = z.string().min(1).max(255);
const ZTs = z.string().max(64);
const ZUrl = z.url({ protocol: /^https?$/ }).max(3000);
/** A key bolt classifies bodies by (`getTypeAndConversation`): a body of one kind must not carry another's. */
const absent = z.never().optional();
const ZRecord = z.record(z.string(), z.unknown());

const ZTeam = z.object({ id: ZId, domain: z.string().max(255).optional(), enterprise_id: ZId.optional() });
const ZEnterprise = z.object({ id: ZId }).nullable().optional();
const ZUser = z.object({
  id: ZId,
  name: z.string().max(255).optional(),
  username: z.string().max(255).optional(),
  team_id: ZId.optional(),
});

/** The event fields bolt reads to route it (conversation, user, thread) and the ones cxbot reads. */
const ZEvent = z.object({
  type: ZId,
  subtype: z.string().max(255).optional(),
  channel: z.union([ZId, z.object({ id: ZId, creator: z.string().max(255).optional() })]).optional(),
  channel_id: ZId.optional(),
  channel_type: z.string().max(64).optional(),
  user: z.union([ZId, z.object({ id: ZId })]).optional(),
  bot_id: z.string().max(255).optional(),
  item: z.object({ channel: ZId.optional() }).optional(),
  subteam: z.object({ created_by: z.string().max(255).optional() }).optional(),
  text: z.string().max(40_000).optional(),
  ts: ZTs.optional(),
  thread_ts: ZTs.optional(),
  event_ts: ZTs.optional(),
  message: ZRecord.optional(),
  previous_message: ZRecord.optional(),
});

const ZEventCallback = z.object({
  type: z.literal("event_callback"),
  team_id: ZId,
  api_app_id: ZId.optional(),
  event_id: ZId,
  event_time: z.number().optional(),
  event: ZEvent,
  authorizations: z
    .array(
      z.object({
        team_id: ZId.nullable().optional(),
        enterprise_id: ZId.nullable().optional(),
        user_id: ZId.optional(),
        is_enterprise_install: z.boolean().optional(),
      }),
    )
    .max(100)
    .optional(),
  enterprise_id: ZId.nullable().optional(),
});

const ZUrlVerification = z.object({
  type: z.literal("url_verification"),
  challenge: z.string().min(1).max(1000),
  token: z.string().max(255).optional(),
});

/** Events API: Slack stopped sending for a minute (the app is rate limited); nothing to do. */
const ZAppRateLimited = z.object({
  type: z.literal("app_rate_limited"),
  team_id: ZId,
  minute_rate_limited: z.number(),
  api_app_id: ZId.optional(),
});

const ZBlockAction = z.object({
  type: ZId,
  action_id: ZId,
  block_id: ZId,
  action_ts: ZTs.optional(),
  value: z.string().max(2000).optional(),
});

const ZInteractive = {
  user: ZUser,
  team: ZTeam.nullable(),
  enterprise: ZEnterprise,
  api_app_id: ZId.optional(),
  is_enterprise_install: z.boolean().optional(),
  event: absent,
  command: absent,
  name: absent,
};

const ZBlockActions = z.object({
  ...ZInteractive,
  type: z.literal("block_actions"),
  trigger_id: ZId,
  container: z.object({
    type: ZId,
    message_ts: ZTs.optional(),
    channel_id: ZId.optional(),
    view_id: ZId.optional(),
  }),
  channel: z.object({ id: ZId, name: z.string().max(255).optional() }).optional(),
  message: z
    .object({ ts: ZTs, text: z.string().max(40_000).optional(), thread_ts: ZTs.optional() })
    .optional(),
  view: z.object({ id: ZId }).optional(),
  response_url: ZUrl.optional(),
  actions: z.array(ZBlockAction).min(1).max(25),
});

const ZStateValue = z.object({
  type: ZId,
  value: z.string().max(3000).nullable().optional(),
  selected_option: z
    .object({ value: z.string().max(150) })
    .nullable()
    .optional(),
  selected_options: z
    .array(z.object({ value: z.string().max(150) }))
    .max(100)
    .optional(),
});

const ZView = z.object({
  id: ZId,
  callback_id: z.string().max(255),
  private_metadata: z.string().max(3000).optional(),
  hash: z.string().max(255).optional(),
  app_installed_team_id: ZId.optional(),
  state: z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), ZStateValue)) }),
});

const ZViewSubmission = z.object({
  ...ZInteractive,
  type: z.literal("view_submission"),
  trigger_id: ZId.optional(),
  view: ZView,
  response_urls: z
    .array(z.object({ response_url: ZUrl }))
    .max(10)
    .optional(),
  actions: absent,
});

/** Interactions Slack may send that cxbot does not act on: answered 200 and dropped. */
const ZOtherInteraction = z.object({
  ...ZInteractive,
  type: z.enum(["view_closed", "shortcut", "message_action", "block_suggestion"]),
  actions: absent,
});

const ZInteraction = z.discriminatedUnion("type", [ZBlockActions, ZViewSubmission, ZOtherInteraction]);
const ZEventsApiBody = z.discriminatedUnion("type", [ZEventCallback, ZUrlVerification, ZAppRateLimited]);

/** A slash command: form fields, all strings (a repeated field is rejected before this). */
const ZSlashCommand = z.object({
  command: z.string().regex(/^\/[^\s/]{1,32}$/),
  text: z.string().max(4000),
  user_id: ZId,
  team_id: ZId,
  channel_id: ZId,
  trigger_id: ZId,
  response_url: ZUrl,
  user_name: z.string().max(255).optional(),
  team_domain: z.string().max(255).optional(),
  channel_name: z.string().max(255).optional(),
  api_app_id: ZId.optional(),
  enterprise_id: ZId.optional(),
  is_enterprise_install: z.enum(["true", "false"]).optional(),
  event: absent,
});

export type SlackInboundBody =
  | { readonly kind: "events"; readonly body: z.infer<typeof ZEventsApiBody> }
  | { readonly kind: "interaction"; readonly body: z.infer<typeof ZInteraction> }
  | { readonly kind: "command"; readonly body: z.infer<typeof ZSlashCommand> };

/** Why a request never reaches bolt. */
export type SlackRejection =
  | { readonly status: 400; readonly reason: string; readonly issues?: readonly string[] }
  | { readonly status: 401; readonly reason: string }
  | { readonly status: 413; readonly reason: string };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Slack's v0 signature over `v0:<timestamp>:<body bytes>`, timing-safe, within the replay window. */
export function verifySlackSignature(
  signingSecret: string,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  nowSeconds: number,
): boolean {
  const signature = headers["x-slack-signature"];
  const timestamp = headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string") return false;
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return false;
  const expected = createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.slice(3), "hex"));
}

const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const issuesOf = (error: z.ZodError): string[] =>
  error.issues.slice(0, 10).map((i) => `${i.path.join(".") || "(body)"}: ${i.code}`);

function parseJson(text: string): Result<unknown, SlackRejection> {
  try {
    return ok(JSON.parse(text));
  } catch {
    return err({ status: 400, reason: "body is not JSON" });
  }
}

/**
 * Parses a verified body as bolt would (JSON for the Events API; form fields with a JSON `payload` for
 * interactivity; plain form fields for slash commands) and checks its shape.
 */
export function parseSlackBody(
  rawBody: Buffer,
  contentType: string | undefined,
): Result<SlackInboundBody, SlackRejection> {
  let text: string;
  try {
    text = strictUtf8.decode(rawBody);
  } catch {
    return err({ status: 400, reason: "body is not UTF-8" });
  }
  const media = mediaTypeOf(contentType);
  if (media === "application/json") {
    const json = parseJson(text);
    if (!json.ok) return json;
    const parsed = ZEventsApiBody.safeParse(json.value);
    return parsed.success
      ? ok({ kind: "events", body: parsed.data })
      : err({ status: 400, reason: "not an Events API body", issues: issuesOf(parsed.error) });
  }
  if (media !== "application/x-www-form-urlencoded") {
    return err({ status: 400, reason: `unsupported content type ${media || "(none)"}` });
  }
  const form = new URLSearchParams(text);
  const fields: Record<string, string> = {};
  for (const [key, value] of form) {
    if (key in fields) return err({ status: 400, reason: `form field ${key.slice(0, 40)} repeated` });
    fields[key] = value;
  }
  if (fields.payload !== undefined) {
    if (Object.keys(fields).length !== 1) return err({ status: 400, reason: "fields beside payload" });
    const json = parseJson(fields.payload);
    if (!json.ok) return json;
    const parsed = ZInteraction.safeParse(json.value);
    return parsed.success
      ? ok({ kind: "interaction", body: parsed.data })
      : err({ status: 400, reason: "not an interaction payload", issues: issuesOf(parsed.error) });
  }
  const parsed = ZSlashCommand.safeParse(fields);
  return parsed.success
    ? ok({ kind: "command", body: parsed.data })
    : err({ status: 400, reason: "not a slash command", issues: issuesOf(parsed.error) });
}

/** The action ids, view callback ids and slash commands cxbot's listeners in slack.ts answer. */
export const SLACK_LISTENS = {
  action: (id: string): boolean =>
    new RegExp(`^(${ACTION.answer}|${ACTION.admin})_\\d+$`).test(id) ||
    (Object.values(ACTION) as string[]).some((a) => a !== ACTION.answer && a !== ACTION.admin && a === id),
  view: (callbackId: string): boolean => (Object.values(VIEW) as string[]).includes(callbackId),
  command: (command: string): boolean =>
    /^\/(feedback|survey|skip|stop|language|forget|help|restart|cx)$/.test(command),
} as const;

/**
 * Whether bolt should see a valid body: one a listener answers, or one bolt answers itself (events are acked by
 * bolt, url_verification returns the challenge). Anything else is valid but unhandled: without this, bolt
 * would wait 3 seconds for an ack no listener gives, log an error and answer 404.
 */
export function routeSlackBody(inbound: SlackInboundBody, listens = SLACK_LISTENS): "bolt" | "ignore" {
  switch (inbound.kind) {
    case "events":
      return inbound.body.type === "app_rate_limited" ? "ignore" : "bolt";
    case "command":
      return listens.command(inbound.body.command) ? "bolt" : "ignore";
    case "interaction": {
      const body = inbound.body;
      switch (body.type) {
        case "block_actions":
          // bolt routes by the first action only.
          return body.actions[0] && listens.action(body.actions[0].action_id) ? "bolt" : "ignore";
        case "view_submission":
          return listens.view(body.view.callback_id) ? "bolt" : "ignore";
        default:
          return "ignore";
      }
    }
    default: {
      const never: never = inbound;
      return never;
    }
  }
}

/** Reads the body up to `limit` bytes; `undefined` when it is larger (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export interface SlackRequestGateConfig {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** Seconds since the epoch (tests move it). */
  readonly now?: () => number;
}

/**
 * Returns the checker run before bolt: it answers (401, 400, 413, or 200 for a valid body nobody handles) and
 * resolves `undefined`, or resolves the raw body for bolt, with the request's content type normalised to the
 * bare media type bolt compares against.
 */
export function createSlackRequestGate(
  config: SlackRequestGateConfig,
): (req: IncomingMessage, res: ServerResponse) => Promise<Buffer | undefined> {
  const { logger } = config;
  const limit = config.maxBodyBytes ?? SLACK_MAX_BODY_BYTES;
  const now = config.now ?? (() => Math.floor(Date.now() / 1000));
  const answer = (res: ServerResponse, status: number, headers: Record<string, string> = {}): undefined => {
    if (!res.headersSent) res.writeHead(status, headers);
    res.end();
    return undefined;
  };
  return async (req, res) => {
    let rawBody: Buffer | undefined;
    try {
      rawBody = await readBody(req, limit);
    } catch (error) {
      // The client went away mid-body: nobody to answer.
      logger.debug({ err: error, code: "SLACK_BODY_ABORTED" }, "slack request body not received");
      req.destroy();
      return undefined;
    }
    if (rawBody === undefined) {
      logger.warn({ code: "SLACK_BODY_TOO_LARGE", limit }, "slack request body too large");
      answer(res, 413, { connection: "close" });
      req.destroy();
      return undefined;
    }
    const media = mediaTypeOf(req.headers["content-type"]);
    // Slack's SSL check carries no signature (bolt answers it the same way, and ignores the rest of the body).
    if (
      media === "application/x-www-form-urlencoded" &&
      new URLSearchParams(rawBody.toString("latin1")).getAll("ssl_check").join() === "1"
    ) {
      return answer(res, 200);
    }
    if (!verifySlackSignature(config.signingSecret, req.headers, rawBody, now())) {
      logger.warn(
        { code: "SLACK_FORGED_REQUEST", ip: req.socket.remoteAddress },
        "slack request with a bad or stale signature",
      );
      return answer(res, 401);
    }
    const parsed = parseSlackBody(rawBody, req.headers["content-type"]);
    if (!parsed.ok) {
      logger.warn(
        {
          code: "SLACK_BAD_REQUEST",
          reason: parsed.error.reason,
          ...("issues" in parsed.error ? { issues: parsed.error.issues } : {}),
        },
        "signed slack request that slack does not send",
      );
      return answer(res, parsed.error.status);
    }
    if (routeSlackBody(parsed.value) === "ignore") {
      logger.debug({ kind: parsed.value.kind, type: bodyType(parsed.value) }, "slack request not handled");
      return answer(res, 200);
    }
    req.headers["content-type"] = media;
    return rawBody;
  };
}

const bodyType = (inbound: SlackInboundBody): string =>
  inbound.kind === "command" ? inbound.body.command : inbound.body.type;

/** The part of @slack/socket-mode's client the guard needs. */
export interface SocketModeClientLike {
  listeners(event: "ws_message"): ((...args: unknown[]) => unknown)[];
  removeAllListeners(event: "ws_message"): unknown;
  on(event: "ws_message", listener: (data: unknown, isBinary: boolean) => void): unknown;
}

const ZEnvelope = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello") }),
  z.object({ type: z.literal("disconnect") }),
  z.object({ type: z.literal("events_api"), envelope_id: ZId, payload: ZEventsApiBody }),
  z.object({ type: z.literal("interactive"), envelope_id: ZId, payload: ZInteraction }),
  z.object({ type: z.literal("slash_commands"), envelope_id: ZId, payload: ZSlashCommand }),
]);

/**
 * Socket Mode: checks every WebSocket message before the socket-mode client parses and emits it (it reads
 * `payload.event.type` of whatever arrives, in an async listener: a `null` payload was an unhandled rejection).
 * A malformed envelope is logged and dropped unacknowledged (the client's `send` is private; Slack gives up on
 * it after its retries). Must run after the receiver is constructed (it registers the client's own listener).
 */
export function guardSocketMode(client: SocketModeClientLike, logger: Logger): void {
  const original = client.listeners("ws_message");
  client.removeAllListeners("ws_message");
  client.on("ws_message", (data, isBinary) => {
    if (!isBinary) {
      let message: unknown;
      try {
        message = JSON.parse(typeof data === "string" ? data : String(data));
      } catch {
        logger.warn({ code: "SLACK_BAD_ENVELOPE", reason: "not JSON" }, "socket mode message dropped");
        return;
      }
      const parsed = ZEnvelope.safeParse(message);
      if (!parsed.success) {
        logger.warn(
          { code: "SLACK_BAD_ENVELOPE", issues: issuesOf(parsed.error) },
          "socket mode envelope that slack does not send, dropped",
        );
        return;
      }
    }
    for (const listener of original) {
      void (async () => listener.call(client, data, isBinary))().catch((error: unknown) =>
        logger.error({ err: error, code: "SLACK_SOCKET_MESSAGE" }, "socket mode message failed"),
      );
    }
  });
}
