import { existsSync } from "node:fs";
import { z } from "zod";
import { ZTimeZone } from "../core/flow/schema.ts";
import { ZLocale } from "../core/locale.ts";
import { CxError } from "../core/result.ts";

const ZAdmin = z
  .string()
  .regex(/^(telegram|slack|discord|console):[A-Za-z0-9_.@-]{1,64}$/, "must look like platform:userId");

/** Weekdays as DIGEST_WEEKLY names them, Sunday first (as `Date#getDay` counts). */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When the weekly digest is due: a weekday (0 = Sunday … 6 = Saturday) and `HH:MM`, in DIGEST_TIME_ZONE. */
export interface WeeklySchedule {
  readonly weekday: number;
  readonly at: string;
}

/** The environment cxbot reads, validated once at start-up. Platform adapters add their own keys. */
export const ZConfig = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://")
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  DEFAULT_LOCALE: ZLocale.default("en"),
  DEFAULT_FLOW: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, "must be a flow key (a–z, 0–9, '-')")
    .default("nps"),
  CX_ADMINS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((a) => a.trim())
        .filter((a) => a !== ""),
    )
    .pipe(z.array(ZAdmin)),
  FLOWS_DIR: z.string().min(1).default("flows"),
  /** Flow keys whose file in FLOWS_DIR wins over the database at this start (`*`: all), after admins changed them. */
  CX_RESEED_FLOWS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k !== ""),
    )
    .pipe(z.array(z.string().regex(/^(\*|[a-z0-9-]{1,32})$/, "must be flow keys or *"))),
  /** Comments a language needs before the model learned from the responses is used beside the rules. */
  CX_LEARN_MIN_EXAMPLES: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Hours between retrainings of the learned sentiment model (0: only by `/cx learn`). */
  CX_RETRAIN_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /** How often each process reads which flow versions are live (a publish elsewhere shows within this). */
  CX_FLOW_SYNC_MS: z.coerce.number().int().min(200).max(600_000).default(2000),
  /** Outgoing webhooks to loopback receivers (127.0.0.1, localhost) over http: tests and local development only. */
  CX_WEBHOOKS_ALLOW_HTTP: z
    .enum(["0", "1", "false", "true"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  DATA_DIR: z.string().min(1).default("data"),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC… (from @BotFather)")
    .optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
  /** Webhook mode when set (the public host name Telegram posts to); long polling otherwise. */
  TELEGRAM_WEBHOOK_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i, "must be a host name such as bot.example.com")
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A–Z, a–z, 0–9, _ or -")
    .optional(),
  TELEGRAM_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(8),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-[A-Za-z0-9-]{8,}$/, "must be a bot token (xoxb-…)")
    .optional(),
  /** HTTP mode: Slack's requests arrive at /slack/events on PORT, verified with this secret. */
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9]{16,128}$/, "must be the app's signing secret (letters and digits)")
    .optional(),
  /** Socket Mode instead of HTTP. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-[A-Za-z0-9-]{8,}$/, "must be an app-level token (xapp-…)")
    .optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default("https://slack.com/api/"),
  /** Channel id (C…) where alerts and the daily digest go; a flow's alert rule may route elsewhere. */
  SLACK_ALERT_CHANNEL: z
    .string()
    .regex(/^[CGD][A-Z0-9]{2,20}$/, "must be a channel id such as C024BE91L")
    .optional(),
  /** The bot token from the Discord developer portal; Discord runs when it is set (with the application id). */
  DISCORD_BOT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{20,200}$/, "must be a bot token from the developer portal")
    .optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{5,25}$/, "must be the application id (digits)")
    .optional(),
  /** Register the slash commands in this server only (instant, for development) instead of globally. */
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{5,25}$/, "must be a server id (digits)")
    .optional(),
  /** REST base without a version (discord.js adds /v10); the gateway is discovered from /gateway/bot. */
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default("https://discord.com/api"),
  /** Channel id where alerts (with their buttons) and the daily digest also go, for teams working in Discord. */
  DISCORD_ALERT_CHANNEL: z
    .string()
    .regex(/^\d{5,25}$/, "must be a channel id (digits)")
    .optional(),
  /**
   * Default survey language per server, for languages Discord's clients never report (Persian, Arabic):
   * `guildId:fa,guildId:ar`. A member's own choice (/language) wins.
   */
  DISCORD_SERVER_LOCALES: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== ""),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^\d{5,25}:(en|fa|ar|tr)$/, "must be serverId:locale, e.g. 123456789012345678:fa")
          .transform((x) => {
            const [guild = "", locale = "en"] = x.split(":");
            return { guild, locale: ZLocale.parse(locale) };
          }),
      ),
    ),
  /** Alerts posted one by one per channel per minute; more are folded into one summary. */
  ALERT_FLOOD_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  /** The language of alerts, digests and their buttons (defaults to DEFAULT_LOCALE). */
  ALERT_LOCALE: ZLocale.optional(),
  /** When the daily digest is posted (HH:MM in DIGEST_TIME_ZONE), or `off`. */
  DIGEST_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, "must be HH:MM (24-hour) or off")
    .default("09:00"),
  DIGEST_TIME_ZONE: ZTimeZone.default("UTC"),
  /**
   * When the weekly digest (the last 7 complete days against the 7 before) is posted: `off`, or a weekday and
   * HH:MM in DIGEST_TIME_ZONE (`mon 09:00`).
   */
  DIGEST_WEEKLY: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^(off|(mon|tue|wed|thu|fri|sat|sun) +([01]\d|2[0-3]):[0-5]\d)$/,
      "must be off, or a weekday (mon, tue, wed, thu, fri, sat, sun) and a time HH:MM (24-hour), e.g. mon 09:00",
    )
    .default("off")
    .transform((s): WeeklySchedule | "off" => {
      if (s === "off") return "off";
      const [day = "", at = ""] = s.split(/ +/);
      return { weekday: WEEKDAYS.indexOf(day as Weekday), at };
    }),
  /**
   * A first HTTP API key for automated deployments (`Authorization: Bearer …`), stored hashed at start. More keys:
   * `/cx keys create`. Revoking it by command sticks; set a new one to rotate.
   */
  CX_API_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{32,256}$/,
      "must be 32–256 characters of A–Z, a–z, 0–9, _ or - (e.g. openssl rand -hex 32)",
    )
    .optional(),
  /**
   * Database work in flight at once. Unset: 8 on MongoDB, 2 on the embedded server, which gets slower, not
   * faster, with concurrency (same throughput at 2 as at 8 in `npm run bench`, half the p99 in a burst).
   */
  CX_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** Send-queue workers in this process (surveys, reminders, webhooks); 0: this process only enqueues. */
  CX_SEND_WORKERS: z.coerce.number().int().min(0).max(1).default(1),
  /**
   * How long a worker holds a send job it took: a process that dies mid-batch leaves its jobs to the others
   * after this. Longer than any send takes.
   */
  CX_SEND_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** At most one survey per respondent in this many days, across flows (0: no limit). */
  CX_FATIGUE_DAYS: z.coerce.number().min(0).max(3650).default(30),
  /** When cxbot sends nothing on its own initiative, `21:00-09:00`, in the respondent's zone where known. */
  CX_QUIET_HOURS: z
    .string()
    .regex(
      /^([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-3]):[0-5]\d$/,
      "must be HH:MM-HH:MM (24-hour), like 21:00-09:00",
    )
    .optional(),
  /** The time zone quiet hours are read in when a respondent's is unknown. */
  CX_TIMEZONE: ZTimeZone.default("UTC"),
  /**
   * Days transcripts and comments are kept; older ones are erased or anonymized once a day (scores and rollups
   * stay). Unset: kept.
   */
  CX_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
});
export type Config = z.infer<typeof ZConfig>;

/** Cross-field rules, checked on the raw input so they are reported together with every other problem. */
function crossFieldProblems(input: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  if (input.TELEGRAM_WEBHOOK_DOMAIN && !input.TELEGRAM_WEBHOOK_SECRET) {
    problems.push(
      "TELEGRAM_WEBHOOK_SECRET: is required with TELEGRAM_WEBHOOK_DOMAIN (Telegram signs webhook calls with it)",
    );
  }
  if (input.TELEGRAM_WEBHOOK_DOMAIN && !input.TELEGRAM_BOT_TOKEN) {
    problems.push("TELEGRAM_BOT_TOKEN: is required with TELEGRAM_WEBHOOK_DOMAIN");
  }
  for (const key of ["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_ALERT_CHANNEL"] as const) {
    if (input[key] && !input.SLACK_BOT_TOKEN) problems.push(`SLACK_BOT_TOKEN: is required with ${key}`);
  }
  if (input.DISCORD_BOT_TOKEN && !input.DISCORD_APPLICATION_ID) {
    problems.push(
      "DISCORD_APPLICATION_ID: is required with DISCORD_BOT_TOKEN (slash commands are registered under it)",
    );
  }
  for (const key of [
    "DISCORD_APPLICATION_ID",
    "DISCORD_GUILD_ID",
    "DISCORD_SERVER_LOCALES",
    "DISCORD_ALERT_CHANNEL",
  ] as const) {
    if (input[key] && !input.DISCORD_BOT_TOKEN) problems.push(`DISCORD_BOT_TOKEN: is required with ${key}`);
  }
  return problems;
}

/** Loads `.env` (when present; real environment variables win) and validates the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ZConfig.safeParse(input);
  const lines = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`)),
    ...crossFieldProblems(input),
  ];
  if (!parsed.success || lines.length > 0) {
    throw new CxError("CONFIG_INVALID", `invalid configuration:\n${lines.map((l) => `  - ${l}`).join("\n")}`);
  }
  return parsed.data;
}

/** A connection string with any password replaced, safe to log. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
