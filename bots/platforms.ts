import { type AdminServiceDeps, createAdminService } from "../core/admin/service.ts";
import type { AdminService, TextLimits } from "../core/admin/types.ts";
import { createFanOutNotifier } from "../core/alerts/fanout.ts";
import { type AlertService, createAlertService } from "../core/alerts/service.ts";
import { createOperations, type Messenger, type Operations } from "../core/operations.ts";
import { erasedAlert } from "../core/privacy/alerts.ts";
import { pseudonymOf, subjectOf } from "../core/privacy/registry.ts";
import { CxError } from "../core/result.ts";
import { OWED_GRACE_MS } from "../core/service.ts";
import type { Channel } from "../core/types.ts";
import { createExportStore } from "../storage/export-store.ts";
import { createHttpApi } from "./api/api.ts";
import { type App, type AppOptions, createApp } from "./app.ts";
import { type Config, WEEKDAYS, type Weekday, type WeeklySchedule } from "./config.ts";
import type { PlatformAdapter, PlatformModule } from "./contract.ts";
import type { DiscordAdapter } from "./discord/discord.ts";
import { type HttpServer, type Route, startHttpServer } from "./http.ts";
import type { Logger } from "./logger.ts";
import { type Sending, startSending } from "./sending/sending.ts";
// Type-only: each platform's module (and its SDK) is loaded only when that platform is configured.
import type { SlackAdapter } from "./slack/slack.ts";
import type { TelegramAdapter } from "./telegram/telegram.ts";
import { type RunningWebhooks, startWebhooks, type WebhookOptions } from "./webhooks.ts";

/** How long an erase waits for alert work in flight (see `onBeforeErase` below). */
const ERASE_SETTLE_MS = 2_000;

/** The configured platforms, running on one HTTP server, with alerts wired to the notifier that offers them. */
export interface Platforms {
  readonly http: HttpServer;
  /** Every running adapter, in {@link PLATFORM_MODULES} order. */
  readonly adapters: readonly PlatformAdapter[];
  readonly telegram?: TelegramAdapter;
  readonly slack?: SlackAdapter;
  readonly discord?: DiscordAdapter;
  readonly alerts?: AlertService;
  /** What cxbot does for respondents on its own initiative, on whichever platform they use. */
  readonly operations: Operations;
  /** `/cx` admin commands. */
  readonly admin: AdminService;
  /** The send queue, the survey dispatcher and the worker (surveys and reminders; webhooks register here). */
  readonly sending: Sending;
  /** Outgoing webhooks (`/cx webhooks`), delivered through the send queue. */
  readonly webhooks: RunningWebhooks;
  /** Stops input, finishes alert work, closes the HTTP server. */
  close(): Promise<void>;
}

const HOUSEKEEPING_MS = 60_000;

/**
 * Every platform cxbot knows, in start order. Its SDK is imported only when its token is set, so a
 * Telegram-only deployment never loads @slack/bolt. Adding a platform is one line here (see bots/contract.ts).
 */
export const PLATFORM_MODULES: readonly PlatformModule[] = [
  {
    channel: "telegram",
    configured: (config) => config.TELEGRAM_BOT_TOKEN !== undefined,
    preload: () => import("./telegram/telegram.ts"),
    async create({ config, service, logger }) {
      const { createTelegramAdapter } = await import("./telegram/telegram.ts");
      return createTelegramAdapter({
        token: config.TELEGRAM_BOT_TOKEN ?? "",
        apiRoot: config.TELEGRAM_API_ROOT,
        service,
        logger,
        defaultLocale: config.DEFAULT_LOCALE,
        ...(config.TELEGRAM_WEBHOOK_DOMAIN && config.TELEGRAM_WEBHOOK_SECRET
          ? {
              webhook: {
                domain: config.TELEGRAM_WEBHOOK_DOMAIN,
                secret: config.TELEGRAM_WEBHOOK_SECRET,
                maxConnections: config.TELEGRAM_MAX_CONNECTIONS,
              },
            }
          : {}),
      });
    },
  },
  {
    channel: "slack",
    configured: (config) => config.SLACK_BOT_TOKEN !== undefined,
    preload: () => import("./slack/slack.ts"),
    async create({ config, service, logger, staffLocale }) {
      const { createSlackAdapter } = await import("./slack/slack.ts");
      return createSlackAdapter({
        token: config.SLACK_BOT_TOKEN ?? "",
        ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
        ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
        apiUrl: config.SLACK_API_URL,
        ...(config.SLACK_ALERT_CHANNEL ? { alertChannel: config.SLACK_ALERT_CHANNEL } : {}),
        service,
        logger,
        defaultLocale: config.DEFAULT_LOCALE,
        staffLocale,
      });
    },
  },
  {
    channel: "discord",
    configured: (config) => config.DISCORD_BOT_TOKEN !== undefined,
    preload: () => import("./discord/discord.ts"),
    async create({ config, service, logger, flowKeys, flowTitles, staffLocale }) {
      const { createDiscordAdapter } = await import("./discord/discord.ts");
      return createDiscordAdapter({
        token: config.DISCORD_BOT_TOKEN ?? "",
        applicationId: config.DISCORD_APPLICATION_ID ?? "",
        ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
        apiUrl: config.DISCORD_API_URL,
        service,
        logger,
        defaultLocale: config.DEFAULT_LOCALE,
        flowKeys,
        flowTitles,
        serverLocales: new Map(config.DISCORD_SERVER_LOCALES.map((s) => [s.guild, s.locale])),
        staffLocale,
        ...(config.DISCORD_ALERT_CHANNEL ? { alertChannel: config.DISCORD_ALERT_CHANNEL } : {}),
      });
    },
  },
];

/** True when at least one chat platform is configured (otherwise cxbot runs in the console). */
export function hasPlatform(config: Config): boolean {
  return PLATFORM_MODULES.some((m) => m.configured(config));
}

/** Whether `now` is at or past `HH:MM` in `timeZone`. */
export function isPast(now: Date, at: string, timeZone: string): boolean {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(now)
    .split(":");
  return `${parts[0]}:${parts[1]}` >= at;
}

const WEEKDAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Whether the weekly digest is due at `now`: its weekday in `timeZone`, at or past its time. */
export function isWeeklyDue(now: Date, schedule: WeeklySchedule, timeZone: string): boolean {
  let format = WEEKDAY_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
    WEEKDAY_FORMATS.set(timeZone, format);
  }
  const weekday = WEEKDAYS.indexOf(format.format(now).toLowerCase() as Weekday);
  return weekday === schedule.weekday && isPast(now, schedule.at, timeZone);
}

/**
 * Posts the digests due at `now` (what the housekeeping timer runs every minute): the daily one once DIGEST_AT
 * has passed, the weekly one on DIGEST_WEEKLY's day once its time has passed; each once (the alert service
 * claims them). A failing one is reported to `onError` and does not stop the other.
 */
export async function postDueDigests(
  alerts: AlertService,
  config: Pick<Config, "DIGEST_AT" | "DIGEST_WEEKLY" | "DIGEST_TIME_ZONE">,
  now: Date,
  onError: (error: unknown, digest: "daily" | "weekly") => void,
): Promise<{ daily: boolean; weekly: boolean }> {
  const zone = config.DIGEST_TIME_ZONE;
  const daily =
    config.DIGEST_AT !== "off" && isPast(now, config.DIGEST_AT, zone)
      ? await alerts.digest(now).catch((error: unknown) => {
          onError(error, "daily");
          return false;
        })
      : false;
  const weekly =
    config.DIGEST_WEEKLY !== "off" && isWeeklyDue(now, config.DIGEST_WEEKLY, zone)
      ? await alerts.weeklyDigest(now).catch((error: unknown) => {
          onError(error, "weekly");
          return false;
        })
      : false;
  return { daily, weekly };
}

/** Runs every undo function. */
const combine =
  (...undo: (() => unknown)[]) =>
  (): void => {
    for (const u of undo) u();
  };

/** A messenger that reaches each respondent through the adapter of their platform. */
function messengerFor(adapters: ReadonlyMap<Channel, PlatformAdapter>): Messenger {
  return {
    async deliver(to, messages) {
      const adapter = adapters.get(to.channel);
      if (!adapter) throw new CxError("PLATFORM_UNAVAILABLE", `no ${to.channel} channel is running`);
      await adapter.deliver(to, messages);
    },
  };
}

/**
 * The admin service of an app: its stores, flows and learning, `CX_ADMINS`, refusals and failures logged; with
 * the HTTP API's keys and the survey dispatcher where this process has them (`/cx keys`, `/cx send`).
 */
export function createAppAdmin(
  app: App,
  config: Config,
  logger: Logger,
  operations: Operations,
  limits: TextLimits,
  extras: Pick<AdminServiceDeps, "apiKeys" | "dispatcher" | "webhooks" | "sendTallies"> = {},
): AdminService {
  return createAdminService({
    ...extras,
    // `/cx export-responses`: the response archive through a cursor.
    exports: createExportStore(app.database.connection, {
      onCorrupt: (id) =>
        logger.warn({ code: "STORE_CORRUPT", id }, "an unreadable response was left out of an export"),
    }),
    stores: app.database.stores,
    flows: app.flows,
    operations,
    admins: config.CX_ADMINS,
    learning: {
      status: () => app.sentiment.status(),
      retrain: () => app.sentiment.retrain(app.database.stores.responses),
    },
    limits,
    defaultLocale: config.DEFAULT_LOCALE,
    // The chart renderer (ECharts, resvg, the font) loads on the first report, not at start-up.
    renderChart: async (option) => (await import("./charts/render.ts")).renderChartPng(option).png,
    privacy: {
      erase: (ref) => app.service.erase(ref),
      exportPerson: async (ref) => app.privacy.export(subjectOf(ref), new Date()),
    },
    onRefused: (actor, what) =>
      logger.warn(
        // The log names who tried by pseudonym (the audit log, for admins' eyes, has the id).
        { code: "ADMIN_REFUSED", actor: pseudonymOf(actor), what },
        "an admin command from someone who is not an admin",
      ),
    onError: (error, what) =>
      logger.error({ err: error, code: "ADMIN_FAILED", what }, "admin command failed"),
  });
}

/**
 * Starts every platform whose credentials are set, and subscribes the alert service (when a platform offers a
 * notifier) to the survey service's events and offered messages through the app's hub.
 */
export async function startPlatforms(
  app: App,
  config: Config,
  logger: Logger,
  options: {
    host?: string;
    recoveryFlow?: string;
    alertFoldWindowMs?: number;
    webhooks?: WebhookOptions;
  } = {},
): Promise<Platforms> {
  const staffLocale = config.ALERT_LOCALE ?? config.DEFAULT_LOCALE;
  const adapters: PlatformAdapter[] = [];
  for (const module of PLATFORM_MODULES) {
    if (!module.configured(config)) continue;
    adapters.push(
      await module.create({
        config,
        service: app.service,
        logger,
        staffLocale,
        flowKeys: app.flowKeys,
        flowTitles: app.flowTitles,
      }),
    );
  }
  const routes = new Map<string, Route>();
  for (const adapter of adapters)
    for (const route of adapter.routes) {
      if (routes.has(route.path)) throw new CxError("CONFIG_INVALID", `two platforms serve ${route.path}`);
      routes.set(route.path, route.handle);
    }
  const messenger = messengerFor(new Map(adapters.map((a) => [a.channel, a])));
  const operations = createOperations({ survey: app.service, messenger });
  const sending = await startSending({ app, adapters, messenger, config, logger });

  // Outgoing webhooks: ended conversations (through the hub) and alerts, delivered from the send queue.
  const webhooks = await startWebhooks(app, config, logger, { ...options.webhooks, sending });
  // The HTTP API (`/api/v1/…`) and its keys.
  const api = await createHttpApi({
    connection: app.database.connection,
    flows: app.flows,
    logger,
    exports: { flows: app.database.stores.flows, audit: app.database.stores.audit },
    dispatcher: sending.dispatcher,
    ...(config.CX_API_KEY ? { envKey: config.CX_API_KEY } : {}),
  });

  // Admin commands (`/cx …`) from every platform, carried out once in core.
  const admin = createAppAdmin(
    app,
    config,
    logger,
    operations,
    {
      buttonLabel: Math.min(200, ...adapters.map((a) => a.capabilities.labelLimit)),
      message: Math.min(1500, ...adapters.map((a) => a.capabilities.textLimit)),
    },
    {
      apiKeys: api.keys,
      dispatcher: sending.dispatcher,
      webhooks: webhooks.registry,
      sendTallies: sending.sends,
    },
  );
  for (const adapter of adapters) adapter.attachAdmin?.(admin);

  // Alerts go to every notifier the platforms offer: the first takes the rules' routes, each other one posts to
  // its own alert channel (one opaque post stands for all of them).
  const offering = adapters.flatMap((a) =>
    a.notifier ? [{ notifier: a.notifier, target: a.alertTarget }] : [],
  );
  const [primary, ...others] = offering;
  const mirrors = others.flatMap((o) => (o.target ? [{ notifier: o.notifier, target: o.target }] : []));
  const onAlertError = (error: unknown, context: string) =>
    logger.error({ err: error, context, code: "ALERT_FAILED" }, "alert work failed");
  const notifier =
    primary && mirrors.length > 0
      ? createFanOutNotifier(
          [{ notifier: primary.notifier, target: primary.target ?? "" }, ...mirrors],
          onAlertError,
        )
      : primary?.notifier;
  // An erased customer's posted alerts are re-rendered without their words or name (the notifiers edit in place).
  const stopMarkingErased = notifier
    ? app.privacy.onErased(async (report) => {
        for (const alert of report.alerts)
          if (alert.post)
            await notifier.update(erasedAlert(alert, report.pseudonym, staffLocale), alert.post);
      })
    : undefined;
  const slack = adapters.find((a): a is SlackAdapter => a.channel === "slack");
  const telegram = adapters.find((a): a is TelegramAdapter => a.channel === "telegram");
  const discord = adapters.find((a): a is DiscordAdapter => a.channel === "discord");
  let alerts: AlertService | undefined;
  if (notifier) {
    const recoveryFlow = options.recoveryFlow ?? "recovery";
    alerts = createAlertService({
      store: app.database.stores.alerts,
      events: app.database.stores.events,
      rollups: app.database.stores.rollups,
      flows: app.flows,
      digestTimeZone: config.DIGEST_TIME_ZONE,
      operations,
      notifier,
      ...(primary?.target ? { defaultChannel: primary.target } : {}),
      floodPerMinute: config.ALERT_FLOOD_PER_MINUTE,
      ...(options.alertFoldWindowMs === undefined ? {} : { foldWindowMs: options.alertFoldWindowMs }),
      ...(app.flowKeys.includes(recoveryFlow) ? { recoveryFlow } : {}),
      onChange: webhooks.onAlert,
      onError: onAlertError,
    });
    for (const adapter of adapters) adapter.attachAlerts?.(alerts);
  }
  // The survey service's events and offered messages reach the alert service (or the log, without one).
  const alertService = alerts;
  // An alert still being raised from a person's last answer is written before their erase looks for it. Bounded:
  // the erase holds the person's survey queue, and alert work for them (an agent's reply) may wait on that queue.
  const stopSettlingAlerts = alertService
    ? app.privacy.onBeforeErase(() =>
        Promise.race([alertService.idle(), new Promise<void>((r) => setTimeout(r, ERASE_SETTLE_MS).unref())]),
      )
    : undefined;
  const unsubscribe = alertService
    ? combine(
        app.hub.subscribe((events) => alertService.onEvents(events)),
        app.hub.handleOffers((respondent, text) => alertService.forward(respondent, text)),
      )
    : app.hub.subscribe((events) => {
        for (const e of events)
          if (e.type === "alert.due")
            logger.info({ alert: e.alertId, flow: e.flowKey, conversation: e.conversationId }, "alert due");
      });

  const http = await startHttpServer({
    port: config.PORT,
    ...(options.host ? { host: options.host } : {}),
    logger,
    routes,
    mounts: api.mount ? [api.mount] : [],
    health: async () => {
      const database = await app.database.connection.db
        ?.admin()
        .ping()
        .then(() => true)
        .catch(() => false);
      const checks: Record<string, boolean> = { database: database === true };
      for (const adapter of adapters) checks[adapter.channel] = adapter.ready;
      return { ok: Object.values(checks).every(Boolean), checks };
    },
  });

  const started: PlatformAdapter[] = [];
  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
    }
  } catch (error) {
    for (const a of started) await a.stop();
    await sending.close();
    await http.close();
    await webhooks.close();
    api.close();
    throw error;
  }
  sending.start();

  // Replies saved with an answer but never confirmed sent (the process died in between) go out now, and once
  // more when those saved just before the restart are old enough to be sure nobody else is sending them.
  const resendOwed = (): void =>
    void app.service
      .resendOwed((to, messages) => operations.deliver(to, messages), {
        channels: adapters.map((a) => a.channel),
      })
      .then((sent) => {
        if (sent > 0)
          logger.info({ sent, code: "OUTBOX_RESENT" }, "sent replies owed since before the restart");
      })
      .catch((error: unknown) =>
        logger.error({ err: error, code: "OUTBOX_RESEND" }, "could not resend owed replies"),
      );
  resendOwed();
  const owedSweep = setTimeout(resendOwed, OWED_GRACE_MS + 1000);
  owedSweep.unref();

  const housekeeping = alerts
    ? setInterval(() => {
        const service = alerts;
        void (async () => {
          await service.retryUnposted();
          await postDueDigests(service, config, new Date(), (error, digest) =>
            logger.error({ err: error, code: "DIGEST_FAILED", digest }, "the digest could not be posted"),
          );
        })().catch((error: unknown) =>
          logger.error({ err: error, code: "ALERT_HOUSEKEEPING" }, "alert housekeeping failed"),
        );
      }, HOUSEKEEPING_MS)
    : undefined;
  housekeeping?.unref();

  let closing: Promise<void> | undefined;
  return {
    http,
    adapters,
    operations,
    admin,
    sending,
    webhooks,
    ...(telegram ? { telegram } : {}),
    ...(slack ? { slack } : {}),
    ...(discord ? { discord } : {}),
    ...(alerts ? { alerts } : {}),
    close() {
      closing ??= (async () => {
        unsubscribe();
        stopMarkingErased?.();
        stopSettlingAlerts?.();
        if (housekeeping) clearInterval(housekeeping);
        clearTimeout(owedSweep);
        // Sends in flight finish while the adapters still deliver.
        await sending.close();
        for (const a of started) await a.stop();
        await alerts?.close();
        await webhooks.close();
        await http.close();
        api.close();
      })();
      return closing;
    },
  };
}

/** The options of {@link createApp} that come from the configuration. */
export function appOptionsFrom(
  config: Config,
  base: Pick<AppOptions, "projectRoot" | "logger"> & Partial<AppOptions>,
): AppOptions {
  return {
    ...(config.MONGODB_URI === undefined ? {} : { mongoUri: config.MONGODB_URI }),
    dataDir: config.DATA_DIR,
    flowsDir: config.FLOWS_DIR,
    defaultLocale: config.DEFAULT_LOCALE,
    defaultFlow: config.DEFAULT_FLOW,
    maxConcurrency: config.CX_MAX_CONCURRENCY ?? (config.MONGODB_URI ? 8 : 2),
    reseedFlows: config.CX_RESEED_FLOWS,
    flowSyncMs: config.CX_FLOW_SYNC_MS,
    learnMinExamples: config.CX_LEARN_MIN_EXAMPLES,
    retrainHours: config.CX_RETRAIN_HOURS,
    ...(config.CX_RETENTION_DAYS === undefined ? {} : { retentionDays: config.CX_RETENTION_DAYS }),
    ...base,
  };
}

/** cxbot with its platforms: the app, wired so survey events reach alerts and replies reach support. */
export interface RunningCxbot {
  readonly app: App;
  readonly platforms: Platforms;
  /** Stops the platforms, then the app (answers in flight finish; the database closes). */
  close(): Promise<void>;
}

/** Starts the app and every configured platform, as `npm start` does when a platform token is set. */
export async function startCxbot(
  config: Config,
  options: Pick<AppOptions, "projectRoot" | "logger"> &
    Partial<Pick<AppOptions, "dbName" | "onStatus">> & {
      host?: string;
      alertFoldWindowMs?: number;
      webhooks?: WebhookOptions;
    },
): Promise<RunningCxbot> {
  let platforms: Platforms;
  // The platforms' modules load while the database connects (startPlatforms' import() then finds them loaded).
  for (const module of PLATFORM_MODULES) if (module.configured(config)) module.preload().catch(() => {});
  const app = await createApp(
    appOptionsFrom(config, {
      projectRoot: options.projectRoot,
      logger: options.logger,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
      ...(options.onStatus === undefined ? {} : { onStatus: options.onStatus }),
    }),
  );
  try {
    platforms = await startPlatforms(app, config, options.logger, {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.alertFoldWindowMs === undefined ? {} : { alertFoldWindowMs: options.alertFoldWindowMs }),
      ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const running = platforms;
  let closing: Promise<void> | undefined;
  return {
    app,
    platforms: running,
    close() {
      closing ??= (async () => {
        await running.close();
        await app.close();
      })();
      return closing;
    },
  };
}
