import { existsSync } from "node:fs";
import { z } from "zod";
import { ZLocale } from "../core/locale.ts";
import { CxError } from "../core/result.ts";

const ZAdmin = z
  .string()
  .regex(/^(telegram|slack|discord|console):[A-Za-z0-9_.@-]{1,64}$/, "must look like platform:userId");

/** The environment cxbot reads, validated once at start-up. Platform adapters add their own keys. */
export const ZConfig = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
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
  /** Database work in flight at once (the embedded server is fastest with little concurrency). */
  CX_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
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
