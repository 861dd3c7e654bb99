import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isLocale } from "../core/locale.ts";
import { CxError } from "../core/result.ts";
import type { ChannelAdapter } from "../core/types.ts";
import { createApp } from "./app.ts";
import { type Config, loadConfig } from "./config.ts";
import { createConsoleAdapter } from "./console/console.ts";
import { createLogger, type Logger } from "./logger.ts";
import { hasPlatform, type Platforms, startPlatforms } from "./platforms.ts";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `Usage: npm start -- [--flow nps|csat|ces] [--lang en|fa|ar|tr] [--ref ORDER-42] [--user NAME]

With no platform tokens set, cxbot runs a survey in this terminal. Settings come from the
environment or .env (see README): MONGODB_URI, PORT, LOG_LEVEL, DEFAULT_LOCALE, DEFAULT_FLOW, CX_ADMINS.`;

function parseCli(argv: string[]): {
  flow?: string;
  lang?: string;
  ref?: string;
  user?: string;
  help: boolean;
} {
  const { values } = parseArgs({
    args: argv,
    options: {
      flow: { type: "string" },
      lang: { type: "string" },
      ref: { type: "string" },
      user: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  return { ...values, help: values.help === true };
}

async function main(): Promise<number> {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cli.lang !== undefined && !isLocale(cli.lang)) {
    process.stderr.write(`--lang must be one of en, fa, ar, tr (got "${cli.lang}")\n`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`cxbot: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  // The console shares the terminal with the logs: keep them quiet there unless asked.
  const logger: Logger = createLogger(config.LOG_LEVEL ?? (hasPlatform(config) ? "info" : "warn"));

  const status = (msg: string): void => {
    if (interactive) process.stderr.write(`${msg}\n`);
  };
  let platforms: Platforms | undefined;
  const app = await createApp({
    ...(config.MONGODB_URI === undefined ? {} : { mongoUri: config.MONGODB_URI }),
    dataDir: config.DATA_DIR,
    flowsDir: config.FLOWS_DIR,
    defaultLocale: config.DEFAULT_LOCALE,
    defaultFlow: config.DEFAULT_FLOW,
    maxConcurrency: config.CX_MAX_CONCURRENCY ?? (config.MONGODB_URI ? 8 : 2),
    projectRoot,
    logger,
    onStatus: status,
    onEvents: (events) => platforms?.onEvents(events),
    forward: async (respondent, text) => (await platforms?.alerts?.forward(respondent, text)) ?? false,
  });

  const adapters: ChannelAdapter[] = [];
  const closers: (() => Promise<void>)[] = [];
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, "shutting down");
      for (const a of adapters) await a.stop();
      for (const close of closers) await close();
      await app.close();
      logger.info("stopped");
    })();
    return shuttingDown;
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM").then(() => process.exit(0)));
  process.once("SIGINT", () => void shutdown("SIGINT").then(() => process.exit(0)));

  if (hasPlatform(config)) {
    try {
      platforms = await startPlatforms(app, config, logger);
    } catch (error) {
      await app.close();
      throw error;
    }
    const running = platforms;
    closers.push(() => running.close());
    await new Promise<void>(() => undefined);
    return 0;
  }

  const consoleAdapter = createConsoleAdapter({
    service: app.service,
    input: process.stdin,
    output: process.stdout,
    flowKeys: app.flowKeys,
    flowTitles: app.flowTitles,
    ...(cli.flow === undefined ? {} : { flow: cli.flow }),
    ...(cli.lang !== undefined && isLocale(cli.lang) ? { locale: cli.lang } : {}),
    ...(cli.ref === undefined ? {} : { reference: cli.ref }),
    userId: cli.user ?? userInfo().username,
    interactive,
  });
  adapters.push(consoleAdapter);
  await consoleAdapter.start();
  await consoleAdapter.finished;
  await shutdown("input ended");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = error instanceof CxError ? error.code : "UNEXPECTED";
    process.stderr.write(`cxbot: ${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
