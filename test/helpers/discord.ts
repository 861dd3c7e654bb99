import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import { createFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "../fakes/discord-api.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-api.ts";

/** cxbot with Discord and Slack (its alert channel) on the fake servers, started as `npm start` starts it. */
export interface DiscordRig {
  readonly discord: FakeDiscord;
  readonly slack: FakeSlack;
  readonly cxbot: RunningCxbot;
  close(): Promise<void>;
}

const SIGNING_SECRET = "d1sc0rdsu1te5ign1ngs3cret01234567";

export async function startDiscordRig(options: {
  readonly fake: FakeDiscordOptions;
  /** The Slack alert channel. */
  readonly slackAlerts: string;
  /** More settings (DISCORD_ALERT_CHANNEL…). */
  readonly env?: (discord: FakeDiscord) => Record<string, string>;
}): Promise<DiscordRig> {
  const discord = await createFakeDiscord({ heartbeatIntervalMs: 1_000, ...options.fake });
  const slack = await startFakeSlack({ signingSecret: SIGNING_SECRET });
  slack.addChannel(options.slackAlerts, "cx-alerts");
  const cxbot = await startCxbot(
    loadConfig({
      MONGODB_URI: inject("mongoUri"),
      PORT: "0",
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiBase,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: options.slackAlerts,
      DIGEST_AT: "off",
      DEFAULT_LOCALE: "en",
      ...options.env?.(discord),
    }),
    {
      projectRoot: resolve(import.meta.dirname, "../.."),
      logger: createLogger(process.env.TEST_LOG_LEVEL === "trace" ? "trace" : "silent"),
      dbName: `cxtest_discord_${randomBytes(4).toString("hex")}`,
      host: "127.0.0.1",
    },
  );
  slack.routeTo(`http://127.0.0.1:${cxbot.platforms.http.port}/slack/events`);
  return {
    discord,
    slack,
    cxbot,
    async close() {
      await cxbot.platforms.close();
      await cxbot.app.database.connection.dropDatabase().catch(() => undefined);
      await cxbot.close();
      await discord.close();
      await slack.close();
    },
  };
}
