import type { IncomingMessage, ServerResponse } from "node:http";
import {
  App,
  type BlockAction,
  type Logger as BoltLogger,
  type ButtonAction,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  type RespondFn,
  SocketModeReceiver,
  type webApi,
} from "@slack/bolt";
import { z } from "zod";
import { isAdminPayload } from "../../core/admin/service.ts";
import type { AdminActor, AdminInput, AdminMessage, AdminService } from "../../core/admin/types.ts";
import type { Actor, AlertActionError } from "../../core/alerts/alert.ts";
import { ACTION_ERROR_KEY, staffText } from "../../core/alerts/messages.ts";
import type { AlertNotifier, AlertService } from "../../core/alerts/service.ts";
import { digestTitle } from "../../core/alerts/view.ts";
import { BoundedMap } from "../../core/bounded-map.ts";
import { parseText } from "../../core/commands.ts";
import { t } from "../../core/i18n/messages.ts";
import type { Locale } from "../../core/locale.ts";
import { CxError } from "../../core/result.ts";
import type { SurveyService } from "../../core/service.ts";
import { cutText } from "../../core/text/cut.ts";
import type { InboundInput, RespondentRef } from "../../core/types.ts";
import { type ChartRenderer, drawDigestCharts, renderChartLazily } from "../charts/digest.ts";
import type { PlatformAdapter, PlatformCapabilities } from "../contract.ts";
import { isImageFile } from "../kit/admin.ts";
import { createResponder, type SurveySurface } from "../kit/responder.ts";
import type { Logger } from "../logger.ts";
import { slackAttachment, uploadFile, ZSlackFile } from "./admin.ts";
import {
  ACTION,
  adminMessageParts,
  alertBlocks,
  alertFallback,
  answeredBlocks,
  clip,
  customerReplyBlocks,
  digestBlocks,
  escapeMrkdwn,
  fullCommentModal,
  replyModal,
  resolveModal,
  SLACK_LIMITS,
  summaryBlocks,
  surveyBlocks,
  typedText,
  VIEW,
} from "./blocks.ts";
import { boltErrorHandlers, boltLogFields, socketModeErrorHandlers } from "./bolt-logging.ts";
import { SLACK_CLIENT_RETRIES, withRetryPolicy } from "./errors.ts";
import { plainFallbackText, postWithPlainFallback } from "./fallback.ts";
import { createSlackRequestGate, guardSocketMode } from "./inbound.ts";

export interface SlackAdapterConfig {
  readonly token: string;
  /** HTTP mode: requests at {@link SlackAdapter.eventsPath} on the shared server, verified with this secret. */
  readonly signingSecret?: string;
  /** Socket Mode instead of HTTP (an `xapp-` token). */
  readonly appToken?: string;
  /** Web API root; tests and proxies point it elsewhere. */
  readonly apiUrl: string;
  readonly service: SurveyService;
  readonly logger: Logger;
  readonly defaultLocale: Locale;
  /** The language of alerts, digests and their buttons. */
  readonly staffLocale: Locale;
  /** Where alerts and digests go unless a rule routes elsewhere (`SLACK_ALERT_CHANNEL`). */
  readonly alertChannel?: string;
  /** Retries of a rate-limited or failed Web API call before giving up (Slack's `Retry-After` is honoured). */
  readonly retries?: number;
  /** Draws the digest's charts (default: the real renderer, loaded on the first digest). */
  readonly renderChart?: ChartRenderer;
}

/** The Slack channel: surveys in DMs with Block Kit buttons, and the alert notifier support works from. */
/** Slack's limits: 3,000 characters a section (40,000 a message), 25 elements an actions block, 2,000-byte values. */
export const SLACK_CAPABILITIES: PlatformCapabilities = {
  buttons: true,
  buttonsPerRow: 7,
  maxButtons: 25 * 50,
  // A button's text is at most 75 characters (Block Kit: Button element).
  labelLimit: 75,
  textLimit: 3000,
  payloadBytes: 2000,
  edits: true,
  modals: true,
  threads: true,
  deepLinks: false,
  redelivery: true,
  // Slack: chat.postMessage about 1/s per channel; opening a DM (conversations.open) is tier 4, ~100/min.
  sendRate: { perSecond: 10, perChatPerSecond: 1 },
};

export interface SlackAdapter extends PlatformAdapter, AlertNotifier {
  /** Where Slack's requests go on the shared HTTP server (HTTP mode only). */
  readonly eventsPath?: string;
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Lets the alert buttons act (the alert service is built after the adapter it notifies through). */
  attachAlerts(alerts: AlertService): void;
  readonly ready: boolean;
  /** Whether Slack can send cxbot requests (buttons, DMs, slash commands). */
  readonly receives: boolean;
}

const EVENTS_PATH = "/slack/events";
const CACHE_LIMIT = 10_000;

/** Slack payloads are untrusted input: the few fields cxbot reads, validated where they enter. */
const ZDmMessage = z.object({
  type: z.literal("message"),
  channel: z.string().min(1),
  channel_type: z.literal("im"),
  user: z.string().min(1),
  /** As typed (Slack encodes `&`, `<`, `>` and marks up links). */
  text: z.string().max(40_000).default("").transform(typedText),
  ts: z.string(),
  /** Edits, joins and the bot's own posts carry a subtype or a bot id: not answers. */
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
});
/** A file shared in the DM: the only message with a subtype cxbot reads (an admin's `/cx import` file). */
const ZFileShare = ZDmMessage.extend({
  subtype: z.literal("file_share"),
  files: z.array(ZSlackFile).min(1).max(20),
});
const ZAlertId = z.string().min(1).max(100);

function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.WARN;
  return {
    debug: (...msg) => logger.debug(boltLogFields(msg), "bolt"),
    info: (...msg) => logger.debug(boltLogFields(msg), "bolt"),
    warn: (...msg) => logger.warn(boltLogFields(msg), "bolt"),
    error: (...msg) => logger.error({ ...boltLogFields(msg), code: "SLACK_BOLT" }, "bolt"),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** Creates the Slack adapter. Without a signing secret or app token it only sends (alerts, digests). */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const { service, logger, staffLocale } = config;
  const boltLog = boltLogger(logger);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl,
    logger: boltLog,
    // Retries and rate limits follow cxbot's one policy (bots/kit/retry.ts), applied to every call below.
    ...SLACK_CLIENT_RETRIES,
  };
  const receiver: Receiver | undefined = config.appToken
    ? new SocketModeReceiver({
        appToken: config.appToken,
        logger: boltLog,
        // Its own WebClient opens the socket (apps.connections.open): same API root as the bot's.
        installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
        ...socketModeErrorHandlers(logger),
      })
    : config.signingSecret
      ? new HTTPReceiver({
          signingSecret: config.signingSecret,
          endpoints: EVENTS_PATH,
          // Answer Slack as soon as a handler acks (they ack first); the work runs after the answer.
          processBeforeResponse: false,
          logger: boltLog,
          ...boltErrorHandlers(logger),
        })
      : undefined;
  const app = new App({
    token: config.token,
    ...(receiver ? { receiver } : { signingSecret: "unused-in-send-only-mode" }),
    clientOptions,
    logger: boltLog,
    deferInitialization: true,
  });
  const client = app.client;
  withRetryPolicy(client, logger, (config.retries ?? 5) + 1);
  let alerts: AlertService | undefined;
  let ready = false;

  const dmChannels = new BoundedMap<string, string>(CACHE_LIMIT);
  const profiles = new BoundedMap<string, { at: number; name?: string; locale?: string }>(CACHE_LIMIT);

  const dmOf = async (userId: string): Promise<string> => {
    const known = dmChannels.get(userId);
    if (known) return known;
    const opened = await client.conversations.open({ users: userId });
    const id = opened.channel?.id;
    if (!id) throw new Error(`conversations.open gave no channel for ${userId}`);
    dmChannels.set(userId, id);
    return id;
  };

  /** The user's name and Slack locale (`fa-IR`), cached for an hour. */
  const profileOf = async (userId: string): Promise<{ name?: string; locale?: string }> => {
    const cached = profiles.get(userId);
    if (cached && Date.now() - cached.at < 3_600_000) return cached;
    try {
      const info = await client.users.info({ user: userId, include_locale: true });
      const name = info.user?.profile?.display_name || info.user?.real_name || info.user?.name;
      const profile = {
        at: Date.now(),
        ...(name ? { name } : {}),
        ...(info.user?.locale ? { locale: info.user.locale } : {}),
      };
      profiles.set(userId, profile);
      return profile;
    } catch (error) {
      logger.warn({ err: error, code: "SLACK_USERS_INFO" }, "could not read the user's profile");
      return {};
    }
  };

  const respondentOf = async (userId: string, channel?: string): Promise<RespondentRef> => {
    const [profile, dm] = await Promise.all([
      profileOf(userId),
      channel ? Promise.resolve(channel) : dmOf(userId),
    ]);
    return {
      channel: "slack",
      userId,
      chatId: dm,
      ...(profile.name ? { displayName: profile.name } : {}),
      ...(profile.locale ? { languageTag: profile.locale } : {}),
    };
  };

  const surface: SurveySurface<string> = {
    async post(channel, m) {
      const posted = await client.chat.postMessage({
        channel,
        text: clip(m.text, SLACK_LIMITS.messageText),
        blocks: surveyBlocks(m),
        unfurl_links: false,
        unfurl_media: false,
      });
      return m.choices && m.choices.length > 0 ? posted.ts : undefined;
    },
    async closeAnswered(channel, ts, text, label) {
      await client.chat.update({
        channel,
        ts,
        text: clip(`${text}\n✓ ${label}`, SLACK_LIMITS.messageText),
        blocks: answeredBlocks(text, label),
      });
    },
    async closeStale(channel, ts, text, notice) {
      // Slack has no toast: the notice replaces the buttons, so the old question cannot be pressed again.
      await client.chat.update({
        channel,
        ts,
        text: clip(`${text}\n✓ ${notice}`, SLACK_LIMITS.messageText),
        blocks: answeredBlocks(text, notice),
      });
    },
    async postFile(channel, message, file) {
      // A file carries a caption but no buttons: a reply with buttons goes first as its own message, and so
      // does a report beside its chart (longer than a caption; the image then shows under it).
      const first = (message.buttons ?? []).some((row) => row.length > 0) || isImageFile(file);
      if (first) await postAdmin(channel, message);
      await uploadFile(client, channel, file, first ? undefined : message.text);
    },
  };

  /** An admin reply as a message in a conversation (the admin's DM with the app). */
  const postAdmin = async (channel: string, message: AdminMessage): Promise<void> => {
    for (const part of adminMessageParts(message))
      await client.chat.postMessage({
        channel,
        text: part.text,
        blocks: part.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
  };
  /** The admin service, attached once the app has built it (`attachAdmin`). */
  let adminService: AdminService | undefined;
  const responder = createResponder({
    service,
    surface,
    logger,
    defaultLocale: config.defaultLocale,
    refKey: (ts: string) => ts,
    cacheLimit: CACHE_LIMIT,
    admin: () => adminService,
  });

  const eventOf = (eventId: string, respondent: RespondentRef, input: InboundInput, messageId?: string) => ({
    eventId: `slack:${eventId}`,
    respondent,
    input,
    ...(messageId === undefined ? {} : { messageId }),
    receivedAt: new Date(),
  });

  /** Runs slow work after Slack has its acknowledgement; failures are logged, never thrown at Slack. */
  const afterAck = (what: string, work: () => Promise<void>): void => {
    void work().catch((error: unknown) =>
      logger.error({ err: error, code: "SLACK_HANDLER", what }, "slack work failed"),
    );
  };

  // Surveys: a DM with the app. Commands, start words ("feedback") and answers: the core's one grammar.
  app.event("message", async ({ event, body }) => {
    const parsed = ZDmMessage.safeParse(event);
    if (!parsed.success) {
      logger.debug({ issues: parsed.error.issues.map((i) => i.path.join(".")) }, "slack message ignored");
      return;
    }
    const m = parsed.data;
    if (m.bot_id !== undefined) return;
    const eventId = `${body.team_id}:${body.event_id}`;
    if (m.subtype === "file_share") {
      onFileShare(event, eventId);
      return;
    }
    if (m.subtype !== undefined) return;
    afterAck("dm", async () => {
      const respondent = await respondentOf(m.user, m.channel);
      await responder.respond(eventOf(eventId, respondent, { type: "text", text: m.text }, m.ts), m.channel);
    });
  });

  /**
   * A file shared in the DM with `/cx import <flow>` as its message: handed on with the file as the request's
   * attachment (the responder routes it to the admin service). Other shared files are not answers: ignored.
   */
  const onFileShare = (event: unknown, eventId: string): void => {
    const parsed = ZFileShare.safeParse(event);
    if (!parsed.success) {
      logger.debug({ issues: parsed.error.issues.map((i) => i.path.join(".")) }, "slack file share ignored");
      return;
    }
    const m = parsed.data;
    const [file] = m.files;
    if (!file || parseText(m.text, config.defaultLocale).type !== "admin") return;
    const attachment = slackAttachment(file, { token: config.token, apiUrl: config.apiUrl });
    afterAck("admin file", async () => {
      const respondent = await respondentOf(m.user, m.channel);
      const event = eventOf(eventId, respondent, { type: "text", text: m.text }, m.ts);
      await responder.respond(event, m.channel, undefined, { attachment });
    });
  };

  // ——— admin commands ———

  /** The admin who ran `/cx` or pressed an admin button; their DM is where a survey they try goes. */
  const adminActorOf = async (userId: string): Promise<AdminActor> => {
    const r = await respondentOf(userId);
    return {
      channel: "slack",
      userId,
      ...(r.chatId === undefined ? {} : { chatId: r.chatId }),
      ...(r.displayName === undefined ? {} : { displayName: r.displayName }),
      ...(r.languageTag === undefined ? {} : { languageTag: r.languageTag }),
    };
  };

  /**
   * Carries out a `/cx` command or an admin button press and answers privately: ephemerally, through the
   * request's response_url; an exported flow is uploaded into the admin's DM. When a pressed button leaves a
   * guided edit waiting for the admin's next message, the reply goes to the DM instead: plain messages reach
   * the app only there.
   */
  const answerAdmin = async (
    eventId: string,
    userId: string,
    input: AdminInput,
    respond: RespondFn | undefined,
  ): Promise<void> => {
    const admin = adminService;
    if (!admin) {
      logger.warn({ code: "SLACK_NO_ADMIN" }, "an admin request before the admin service was attached");
      return;
    }
    const actor = await adminActorOf(userId);
    const outcome = await admin.handle({
      eventId: `slack:${eventId}`,
      actor,
      input,
      receivedAt: new Date(),
    });
    if (outcome.status === "duplicate") return;
    const dm = actor.chatId ?? (await dmOf(userId));
    const toDm =
      respond === undefined ||
      (outcome.status === "handled" && input.type === "press" && (await admin.awaitsText(actor)));
    for (const message of outcome.messages) {
      if (toDm) await postAdmin(dm, message);
      else
        for (const part of adminMessageParts(message))
          await respond({
            response_type: "ephemeral",
            replace_original: false,
            text: part.text,
            blocks: part.blocks,
          });
      if (message.file) await uploadFile(client, dm, message.file, message.text);
    }
  };

  // `/cx <subcommand>` anywhere (docs/slack-app-manifest.yaml). A slash command has no event id: its trigger id
  // names this one invocation.
  app.command("/cx", async ({ command, ack, respond }) => {
    await ack();
    afterAck("admin command", () =>
      answerAdmin(
        `${command.team_id}:cx:${command.trigger_id}`,
        command.user_id,
        { type: "command", text: typedText(command.text) },
        respond,
      ),
    );
  });

  /** An admin button: its value is the admin payload (`cx:…`), as it came back (the service checks it). */
  const onAdminPress = (body: BlockAction<ButtonAction>, action: ButtonAction, respond: RespondFn): void => {
    afterAck("admin button", () =>
      answerAdmin(
        `${body.team?.id ?? "-"}:act:${body.user.id}:${action.action_ts}`,
        body.user.id,
        { type: "press", payload: action.value ?? "" },
        // bolt gives respond() only with a response_url (every message has one).
        body.response_url === undefined ? undefined : respond,
      ),
    );
  };

  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.admin}_\\d+$`),
    async ({ ack, body, action, respond }) => {
      await ack();
      onAdminPress(body, action, respond);
    },
  );

  // `/feedback [flow] [lang]` anywhere (or `/survey`, where a workspace already uses /feedback), and `/skip`,
  // `/stop`, `/language fa`, `/help`, `/restart` (see docs/slack-app-manifest.yaml): handed to the core as the
  // line a respondent would have typed. The survey goes on in the DM.
  app.command(
    /^\/(feedback|survey|skip|stop|language|forget|help|restart)$/,
    async ({ command, ack, respond }) => {
      await ack();
      afterAck("slash command", async () => {
        const respondent = await respondentOf(command.user_id);
        const dm = respondent.chatId ?? (await dmOf(command.user_id));
        const line = `${command.command} ${cutText(typedText(command.text), 200)}`.trim();
        const result = await responder.respond(
          eventOf(`${command.team_id}:cmd:${command.trigger_id}`, respondent, { type: "text", text: line }),
          dm,
        );
        if (/^\/(feedback|survey)$/.test(command.command) && command.channel_id !== dm && result?.locale) {
          await respond({ response_type: "ephemeral", text: t(result.locale, "checkDm") });
        }
      });
    },
  );

  // Surveys: a pressed answer button. Slack's acknowledgement is the HTTP answer bolt gives at once.
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.answer}_\\d+$`),
    async ({ ack, body, action, respond }) => {
      await ack();
      // An admin reply the survey responder posted in a DM (its buttons are command choices).
      if (isAdminPayload(action.value ?? "")) {
        onAdminPress(body, action, respond);
        return;
      }
      const channel = body.channel?.id ?? body.container.channel_id;
      const messageTs = body.message?.ts ?? body.container.message_ts;
      if (typeof channel !== "string") return;
      afterAck("answer button", async () => {
        const respondent = await respondentOf(body.user.id, channel);
        const event = eventOf(`${body.team?.id ?? "-"}:act:${body.user.id}:${action.action_ts}`, respondent, {
          type: "choice",
          payload: action.value ?? "",
        });
        const press =
          typeof messageTs === "string"
            ? { ref: messageTs, text: body.message?.text ?? "", ack: () => Promise.resolve() }
            : undefined;
        await responder.respond(event, channel, press);
      });
    },
  );

  // ——— alerts ———

  const actorOf = (user: { id: string; name?: string; username?: string }): Actor => ({
    id: `slack:${user.id}`,
    ...((user.name ?? user.username) ? { name: user.name ?? user.username } : {}),
  });

  const errorText = (code: AlertActionError): string =>
    staffText(staffLocale, ACTION_ERROR_KEY[code], { max: SLACK_LIMITS.inputMaxLength });

  const tellUser = async (channel: string | undefined, user: string, text: string): Promise<void> => {
    if (!channel) return;
    await client.chat
      .postEphemeral({ channel, user, text })
      .catch((error: unknown) =>
        logger.warn({ err: error, code: "SLACK_EPHEMERAL" }, "could not tell the agent"),
      );
  };

  const alertAction = (
    actionId: string,
    work: (alertService: AlertService, alertId: string, body: BlockAction<ButtonAction>) => Promise<void>,
  ): void => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const id = ZAlertId.safeParse(action.value);
      if (!alerts || !id.success) return;
      const service = alerts;
      afterAck(actionId, () => work(service, id.data, body));
    });
  };

  for (const [actionId, type] of [
    [ACTION.acknowledge, "acknowledge"],
    [ACTION.assign, "assign"],
  ] as const) {
    alertAction(actionId, async (alertService, id, body) => {
      const result = await alertService.act(id, actorOf(body.user), { type });
      if (!result.ok) await tellUser(body.channel?.id, body.user.id, errorText(result.error));
    });
  }

  // Modals need the trigger_id within 3 seconds: open them before anything slow.
  for (const [actionId, modal] of [
    [ACTION.reply, replyModal],
    [ACTION.resolve, resolveModal],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const id = ZAlertId.safeParse(action.value);
      if (!alerts || !id.success) return;
      const alert = await alerts.get(id.data);
      if (!alert || alert.status === "resolved") {
        await tellUser(
          body.channel?.id,
          body.user.id,
          errorText(alert ? "ALERT_RESOLVED" : "ALERT_NOT_FOUND"),
        );
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: modal(alert, staffLocale, { recoveryAvailable: alerts.recoveryAvailable }),
      });
    });
  }

  app.action<BlockAction<ButtonAction>>(ACTION.fullComment, async ({ ack, body, action }) => {
    await ack();
    const [id, index] = (action.value ?? "").split("|");
    if (!alerts || !id) return;
    const alert = await alerts.get(id);
    const comment = alert?.comments[Number(index)];
    if (!comment) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: fullCommentModal(comment.text, staffLocale),
    });
  });

  alertAction(ACTION.open, async (alertService, id, body) => {
    const result = await alertService.expand(id);
    if (!result.ok) await tellUser(body.channel?.id, body.user.id, errorText(result.error));
  });

  app.view(VIEW.reply, async ({ ack, view, body }) => {
    const text = view.state.values.reply?.text?.value ?? "";
    if (text.trim() === "") {
      await ack({ response_action: "errors", errors: { reply: errorText("REPLY_EMPTY") } });
      return;
    }
    await ack();
    const id = ZAlertId.safeParse(view.private_metadata);
    if (!alerts || !id.success) return;
    const alertService = alerts;
    afterAck("reply", async () => {
      const result = await alertService.act(id.data, actorOf(body.user), { type: "reply", text });
      if (!result.ok) {
        const alert = await alertService.get(id.data);
        await tellUser(alert?.post?.target, body.user.id, errorText(result.error));
      }
    });
  });

  app.view(VIEW.resolve, async ({ ack, view, body }) => {
    await ack();
    const id = ZAlertId.safeParse(view.private_metadata);
    if (!alerts || !id.success) return;
    const recovery = (view.state.values.recovery?.ask?.selected_options ?? []).some((o) => o.value === "ask");
    const alertService = alerts;
    afterAck("resolve", async () => {
      const result = await alertService.act(id.data, actorOf(body.user), { type: "resolve", recovery });
      if (!result.ok) {
        const alert = await alertService.get(id.data);
        await tellUser(alert?.post?.target, body.user.id, errorText(result.error));
      }
    });
  });

  app.error(async (error) => {
    logger.error({ err: error, code: "SLACK_APP" }, "slack handler failed");
  });

  const httpReceiver = receiver instanceof HTTPReceiver ? receiver : undefined;
  const gate =
    httpReceiver && config.signingSecret
      ? createSlackRequestGate({ signingSecret: config.signingSecret, logger })
      : undefined;
  if (receiver instanceof SocketModeReceiver) guardSocketMode(receiver.client, logger);

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!httpReceiver || !gate) {
      res.writeHead(404).end();
      return;
    }
    // Checked and validated before bolt sees it; bolt takes the body already read (and checks it again).
    const rawBody = await gate(req, res);
    if (rawBody === undefined) return;
    httpReceiver.requestListener(Object.assign(req, { rawBody }), res);
    await new Promise<void>((resolve) => {
      if (res.writableEnded) resolve();
      else res.once("close", () => resolve());
    });
  };

  const adapter: SlackAdapter = {
    channel: "slack",
    capabilities: SLACK_CAPABILITIES,
    get notifier() {
      return adapter;
    },
    ...(config.alertChannel ? { alertTarget: config.alertChannel } : {}),
    routes: httpReceiver ? [{ path: EVENTS_PATH, handle: handleRequest }] : [],
    ...(httpReceiver ? { eventsPath: EVENTS_PATH } : {}),
    receives: receiver !== undefined,
    get ready() {
      return ready;
    },
    attachAlerts(service) {
      alerts = service;
    },
    attachAdmin(service) {
      adminService = service;
    },
    async start() {
      await app.init();
      const auth = await client.auth.test();
      logger.info(
        {
          team: auth.team_id,
          user: auth.user_id,
          mode: config.appToken ? "socket" : receiver ? "http" : "send-only",
        },
        "slack ready",
      );
      if (receiver instanceof SocketModeReceiver) await receiver.start();
      ready = true;
    },
    async stop() {
      ready = false;
      // bolt's receiver.stop() returns before the socket is closed; the client's disconnect() waits for it.
      if (receiver instanceof SocketModeReceiver) await receiver.client.disconnect();
    },
    async deliver(to, messages) {
      // Send-only (alerts and digests): a survey could not go on, since Slack cannot send cxbot the answers.
      if (!receiver)
        throw new CxError("PLATFORM_UNAVAILABLE", "slack runs send-only: it cannot reach customers");
      await responder.deliver(to.chatId ?? (await dmOf(to.userId)), messages);
    },
    handleRequest,

    // ——— AlertNotifier ———
    name: "slack",
    async post(channel, alert, options) {
      const posted = await client.chat.postMessage({
        channel,
        text: alertFallback(alert, staffLocale),
        blocks: alertBlocks(alert, staffLocale, { interactive: receiver !== undefined }),
        unfurl_links: false,
        unfurl_media: false,
        ...(options?.under ? { thread_ts: options.under.ref } : {}),
      });
      if (!posted.ts || !posted.channel) throw new Error("chat.postMessage returned no ts");
      return { notifier: "slack", target: posted.channel, ref: posted.ts };
    },
    async update(alert, post) {
      if (post.folded) return;
      await client.chat.update({
        channel: post.target,
        ts: post.ref,
        text: alertFallback(alert, staffLocale),
        blocks: alertBlocks(alert, staffLocale, { interactive: receiver !== undefined }),
      });
    },
    async postSummary(channel, list) {
      const posted = await client.chat.postMessage({
        channel,
        text: staffText(staffLocale, "floodTitle", { count: list.length }),
        blocks: summaryBlocks(list, staffLocale, { interactive: receiver !== undefined }),
      });
      if (!posted.ts) throw new Error("chat.postMessage returned no ts");
      return { notifier: "slack", target: posted.channel ?? channel, ref: posted.ts };
    },
    async postCustomerReply(alert, post, text) {
      const { target: channel, ref: ts } = post;
      await postWithPlainFallback(
        logger,
        () =>
          client.chat.postMessage({
            channel,
            thread_ts: ts,
            text: clip(escapeMrkdwn(text), SLACK_LIMITS.messageText),
            blocks: customerReplyBlocks(alert, text, staffLocale),
            unfurl_links: false,
            unfurl_media: false,
          }),
        () => client.chat.postMessage({ channel, thread_ts: ts, text: plainFallbackText(text) }),
      );
    },
    async postDigest(channel, digest) {
      // The charts are drawn first; one that cannot be drawn is left out, never the numbers.
      const images = await drawDigestCharts(
        digest,
        staffLocale,
        config.renderChart ?? renderChartLazily,
        (error, flow) =>
          logger.error(
            { err: error, code: "DIGEST_CHART_FAILED", flow },
            "a digest chart could not be drawn",
          ),
      );
      await client.chat.postMessage({
        channel,
        text: digestTitle(digest, staffLocale),
        blocks: digestBlocks(digest, staffLocale),
        unfurl_links: false,
        unfurl_media: false,
      });
      // Then each chart right under it, as `/cx report` uploads its chart. The text is out by now: a failed
      // upload is logged, not thrown (the digest would be posted again).
      for (const image of images) {
        try {
          await uploadFile(client, channel, { name: image.name, content: image.png, mime: "image/png" });
        } catch (error) {
          logger.error(
            { err: error, code: "DIGEST_CHART_UPLOAD", flow: image.flowKey },
            "a digest chart could not be uploaded",
          );
        }
      }
    },
  };
  return adapter;
}
