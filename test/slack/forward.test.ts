import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import type { InboundInput } from "../../core/types.ts";
import { type FakeSlack, type StoredSlackMessage, startFakeSlack } from "../fakes/slack-api.ts";
import { waitForAlert } from "../helpers/alerts.ts";

/**
 * A customer writing back after an alert: the message reaches the alert's thread whatever it holds — an emoji
 * exactly where it is cut, lone surrogates, or blocks Slack rejects (then as plain text).
 */

const logger = createLogger("silent");
const ALERTS = "C0FORWARD";
let slack: FakeSlack;
let cxbot: RunningCxbot;

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addChannel(ALERTS, "cx-alerts");
  const config = loadConfig({
    MONGODB_URI: inject("mongoUri"),
    PORT: "0",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_ALERT_CHANNEL: ALERTS,
    DIGEST_AT: "off",
  });
  cxbot = await startCxbot(config, {
    projectRoot: resolve(import.meta.dirname, "../.."),
    logger,
    dbName: `cxtest_forward_${randomBytes(4).toString("hex")}`,
    host: "127.0.0.1",
  });
  slack.routeTo(`http://127.0.0.1:${cxbot.platforms.http.port}/slack/events`);
});

afterAll(async () => {
  await cxbot?.app.database.connection.dropDatabase().catch(() => undefined);
  await cxbot?.close();
  await slack?.close();
});

let seq = 0;
async function say(userId: string, input: InboundInput) {
  return cxbot.app.service.handle({
    eventId: `test:${userId}:${++seq}`,
    respondent: { channel: "console", userId, displayName: `Customer ${userId}` },
    input,
    receivedAt: new Date(),
  });
}

/** A detractor whose conversation has ended with an open alert; returns the alert's id and message ts. */
async function openAlert(userId: string): Promise<{ id: string; ts: string }> {
  let id = "";
  for (const input of [
    { type: "start", flowKey: "nps", locale: "en" },
    { type: "text", text: "1" },
    { type: "text", text: "Terrible, the parcel arrived broken." },
    { type: "command", command: "stop" },
  ] as const) {
    id = (await say(userId, input)).conversationId ?? id;
  }
  const alert = await waitForAlert(cxbot, id, (a) => a.post !== undefined);
  return { id, ts: alert.post?.ref ?? "" };
}

const inThread = (ts: string) => (ms: StoredSlackMessage[]) => ms.filter((m) => m.thread_ts === ts);

describe("a customer's message forwarded to the alert thread", () => {
  it("arrives when an emoji sits on the 4000-character cut, and at Slack's 3000-character section edge", async () => {
    const { id, ts } = await openAlert("emoji-edge");
    const text = `${"a".repeat(2999)}😀${"b".repeat(998)}😀 and the rest is cut`;
    expect(text.slice(0, 4000)).toMatch(/\uD83D$/);
    await say("emoji-edge", { type: "text", text });
    const thread = await slack.waitForMessages(ALERTS, (ms) => inThread(ts)(ms).length === 1, 10_000);
    const sections = (inThread(ts)(thread)[0]?.blocks ?? [])
      .map((b) => b.text as { type: string; text: string })
      .filter((t) => t.type === "plain_text")
      .map((t) => t.text);
    // Split between sections before the emoji, not through it.
    expect(sections).toEqual(["a".repeat(2999), `😀${"b".repeat(998)}`]);
    const alert = await waitForAlert(cxbot, id, (a) => a.history.some((h) => h.type === "customer-replied"));
    const replied = alert.history.find((h) => h.type === "customer-replied");
    expect(replied && "text" in replied ? replied.text : "").toBe(`${"a".repeat(2999)}😀${"b".repeat(998)}`);
  });

  it("replaces lone surrogates so the message can be posted", async () => {
    const { ts } = await openAlert("lone-surrogate");
    await say("lone-surrogate", { type: "text", text: "broken \uD83D emoji \uDE00 here" });
    const thread = await slack.waitForMessages(ALERTS, (ms) => inThread(ts)(ms).length === 1, 10_000);
    expect(JSON.stringify(inThread(ts)(thread)[0]?.blocks)).toContain("broken \uFFFD emoji \uFFFD here");
  });

  it("posts it as plain text when Slack rejects the blocks", async () => {
    const { ts } = await openAlert("rejected-blocks");
    slack.failNext("chat.postMessage", { error: "invalid_blocks" });
    await say("rejected-blocks", { type: "text", text: "Still waiting for my refund 😠" });
    const thread = await slack.waitForMessages(ALERTS, (ms) => inThread(ts)(ms).length === 1, 10_000);
    const message = inThread(ts)(thread)[0];
    expect(message?.text).toBe("Still waiting for my refund 😠");
    expect(message?.blocks ?? []).toEqual([]);
    expect(slack.calls("chat.postMessage").some((c) => c.error === "invalid_blocks")).toBe(true);
  });
});
