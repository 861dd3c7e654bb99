import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { isLocale } from "../core/locale.ts";
import { createOperations } from "../core/operations.ts";
import { CxError } from "../core/result.ts";
import { createApp } from "./app.ts";
import { type Config, loadConfig } from "./config.ts";
import { type ConsoleAdapter, createConsoleAdapter } from "./console/console.ts";
import { createLogger, type Logger } from "./logger.ts";
import { appOptionsFrom, createAppAdmin, hasPlatform, startCxbot } from "./platforms.ts";
import { installProcessGuard } from "./process-guard.ts";
import { findProjectRoot } from "./project-root.ts";
import { startWebhooks } from "./webhooks.ts";

const projectRoot = findProjectRoot(import.meta.dirname);

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
  let stopForFatal: () => Promise<void> = async () => undefined;
  const guard = installProcessGuard({ logger, onFatal: () => stopForFatal() });

  const status = (msg: string): void => {
    if (interactive) process.stderr.write(`${msg}\n`);
  };
  let shuttingDown: Promise<void> | undefined;
  const onSignals = (stop: (reason: string) => Promise<void>): void => {
    process.once("SIGTERM", () => void stop("SIGTERM").then(() => process.exit(0)));
    process.once("SIGINT", () => void stop("SIGINT").then(() => process.exit(0)));
  };

  if (hasPlatform(config)) {
    const running = await startCxbot(config, { projectRoot, logger, onStatus: status });
    onSignals((reason) => {
      shuttingDown ??= (async () => {
        logger.info({ reason }, "shutting down");
        await running.close();
        logger.info("stopped");
      })();
      return shuttingDown;
    });
    stopForFatal = () => running.close();
    guard.started();
    await new Promise<void>(() => undefined);
    return 0;
  }

  const app = await createApp(appOptionsFrom(config, { projectRoot, logger, onStatus: status }));
  // Outgoing webhooks work from the console too (responses answered here are sent to the receivers).
  const webhooks = await startWebhooks(app, config, logger);
  const adapters: ConsoleAdapter[] = [];
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, "shutting down");
      for (const a of adapters) await a.stop();
      await webhooks.close();
      await app.close();
      logger.info("stopped");
    })();
    return shuttingDown;
  };
  onSignals(shutdown);

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
    logger,
    interactive,
  });
  adapters.push(consoleAdapter);
  consoleAdapter.attachAdmin?.(
    createAppAdmin(
      app,
      config,
      logger,
      createOperations({ survey: app.service, messenger: consoleAdapter }),
      // Labels edited here may be shown on any platform later: the strictest one's limit (Telegram's).
      { buttonLabel: 64, message: 1500 },
      { webhooks: webhooks.registry },
    ),
  );
  await consoleAdapter.start();
  stopForFatal = () => app.close();
  guard.started();
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
