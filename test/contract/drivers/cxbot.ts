import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../../../bots/config.ts";
import { createLogger } from "../../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../../bots/platforms.ts";
import type { AlertRecord } from "../../../core/alerts/alert.ts";
import type { ConversationRecord } from "../../../core/ports.ts";
import { type FakeSlack, startFakeSlack } from "../../fakes/slack-api.ts";
import { waitForAlert } from "../../helpers/alerts.ts";

/**
 * cxbot started as `npm start` starts it (bots/platforms.ts `startCxbot`), on the run's database, with a fake
 * Slack for the alert channel (support replies go through the alert service). Shared by the drivers; nothing
 * here is specific to the platform a driver drives.
 */
export interface Cxbot {
  readonly running: RunningCxbot;
  /** The fake Slack: the alert channel, and the survey platform for the Slack driver. */
  readonly slack: FakeSlack;
  readonly alertChannel: string;
  /** The respondent's newest conversation: in progress, else the newest archived. */
  conversation(key: string): Promise<ConversationRecord | undefined>;
  conversations(key: string): Promise<readonly ConversationRecord[]>;
  alert(key: string): Promise<AlertRecord | undefined>;
  /** Answers the alert on the respondent's newest conversation with the Reply action. */
  supportReply(key: string, text: string): Promise<{ delivered: boolean }>;
  close(): Promise<void>;
}

export const SIGNING_SECRET = "c0ntractsu1te5ign1ngs3cret0123456";
const ALERTS = "C0CONTRACT";

/** Starts a fake Slack, then cxbot with `env` on top of the shared settings. */
export async function startContractCxbot(env: (slack: FakeSlack) => Record<string, string>): Promise<Cxbot> {
  const slack = await startFakeSlack({ signingSecret: SIGNING_SECRET });
  slack.addChannel(ALERTS, "cx-alerts");
  let running: RunningCxbot;
  try {
    const config = loadConfig({
      MONGODB_URI: inject("mongoUri"),
      PORT: "0",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: ALERTS,
      ALERT_FLOOD_PER_MINUTE: "100",
      DIGEST_AT: "off",
      DEFAULT_LOCALE: "en",
      DEFAULT_FLOW: "nps",
      ...env(slack),
    });
    running = await startCxbot(config, {
      projectRoot: resolve(import.meta.dirname, "../../.."),
      logger: createLogger(process.env.TEST_LOG_LEVEL === "trace" ? "trace" : "silent"),
      dbName: `cxtest_contract_${randomBytes(4).toString("hex")}`,
      host: "127.0.0.1",
    });
  } catch (error) {
    await slack.close();
    throw error;
  }
  const stores = running.app.database.stores;

  const conversations = async (key: string): Promise<ConversationRecord[]> => {
    const all: ConversationRecord[] = [];
    for await (const r of stores.responses.list({})) if (r.key === key) all.push(r);
    const active = await stores.conversations.getActive(key, { fresh: true });
    if (active && !all.some((r) => r.state.id === active.state.id)) all.push(active);
    return all.sort((a, b) => a.state.startedAt.localeCompare(b.state.startedAt));
  };
  const conversation = async (key: string) => {
    const active = await stores.conversations.getActive(key, { fresh: true });
    return active ?? (await conversations(key)).at(-1);
  };
  const alert = async (key: string) => {
    const newest = await conversation(key);
    if (!newest) return undefined;
    return waitForAlert(running, newest.state.id, (a) => a.post !== undefined);
  };

  return {
    running,
    slack,
    alertChannel: ALERTS,
    conversation,
    conversations,
    alert,
    async supportReply(key, text) {
      const raised = await alert(key);
      const alerts = running.platforms.alerts;
      if (!raised || !alerts) throw new Error(`no alert for ${key}`);
      await alerts.act(raised.id, { id: "slack:U0CONTRACTAGENT", name: "agent" }, { type: "reply", text });
      const after = await waitForAlert(running, raised.id, (a) =>
        a.history.some((h) => h.type === "replied"),
      );
      const replied = after.history.find((h) => h.type === "replied");
      return { delivered: replied?.type === "replied" && replied.delivered };
    },
    async close() {
      await running.platforms.close();
      await running.app.database.connection.dropDatabase().catch(() => undefined);
      await running.close();
      await slack.close();
    },
  };
}

/** The direction a client gives a text: that of its first strong character (Unicode bidi, rule P2). */
export function textDirection(text: string): "ltr" | "rtl" {
  for (const ch of text) {
    if (
      /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u.test(ch) &&
      /\p{L}/u.test(ch)
    )
      return "rtl";
    if (/\p{L}/u.test(ch)) return "ltr";
  }
  return "ltr";
}
