/**
 * The child process of socket-mode.test.ts ("stops cleanly: the process ends by itself"): cxbot's platforms in
 * Socket Mode against the parent's fake Slack, set up by the environment. It says `ready`, serves until its
 * standard input ends, then closes everything and returns WITHOUT process.exit, so the process ends only if
 * stopping left no socket, timer or other handle behind. Lines for the parent start with "child:".
 */
import { resolve } from "node:path";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { startCxbot } from "../../bots/platforms.ts";

const env = process.env;
const say = (line: string): void => {
  process.stdout.write(`child: ${line}\n`);
};

const logger = createLogger(env.CHILD_LOG_LEVEL ?? "warn");
const config = loadConfig({
  MONGODB_URI: env.CHILD_MONGO_URI,
  PORT: "0",
  SLACK_BOT_TOKEN: env.SLACK_BOT_TOKEN,
  SLACK_APP_TOKEN: env.SLACK_APP_TOKEN,
  SLACK_API_URL: env.SLACK_API_URL,
  SLACK_ALERT_CHANNEL: env.SLACK_ALERT_CHANNEL,
  DIGEST_AT: "off",
});
const running = await startCxbot(config, {
  projectRoot: resolve(import.meta.dirname, "../.."),
  logger,
  dbName: env.CHILD_DB_NAME ?? "cxtest_socket_child",
  host: "127.0.0.1",
});
say("ready");

await new Promise<void>((done) => {
  process.stdin.on("end", done);
  process.stdin.resume();
});
const started = performance.now();
await running.platforms.close();
await running.app.database.connection.dropDatabase().catch(() => undefined);
await running.close();
say(`stopped in ${Math.round(performance.now() - started)} ms`);
// Diagnostics only: this timer is unref'd, so it never keeps the process alive by itself.
setTimeout(() => say(`still running: ${JSON.stringify(process.getActiveResourcesInfo())}`), 2_000).unref();
