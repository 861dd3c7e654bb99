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
  /** Database work in flight at once (the embedded server is fastest with little concurrency). */
  CX_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
});
export type Config = z.infer<typeof ZConfig>;

/** Loads `.env` (when present; real environment variables win) and validates the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ZConfig.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new CxError("CONFIG_INVALID", `invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** A connection string with any password replaced, safe to log. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
