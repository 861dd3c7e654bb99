import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { App } from "../../bots/app.ts";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type Platforms, startCxbot } from "../../bots/platforms.ts";
import type { InboundInput } from "../../core/types.ts";
import {
  type FakeSlack,
  type FakeSlackUser,
  type StoredSlackMessage,
  startFakeSlack,
} from "../fakes/slack-api.ts";
import { waitForAlert } from "../helpers/alerts.ts";

/**
 * Alerts in Slack beyond the happy path: floods, rate limits, long and hostile comments, an unreachable
 * customer, the daily digest, and alerts with no way for Slack to call back. Respondents answer through the
 * survey service (channel "console"), exactly as the console adapter does; Slack is the fake on 127.0.0.1.
 */

const logger = createLogger("silent");
const ALERTS = "C0FLOOD";
const agent: FakeSlackUser = { id: "U0AGENT2", name: "deniz", locale: "tr-TR" };

interface Rig {
  slack: FakeSlack;
  app: App;
  platforms: Platforms;
  close(): Promise<void>;
}

async function startRig(env: Record<string, string>, foldWindowMs = 300): Promise<Rig> {
  const slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addUser(agent);
  slack.addChannel(ALERTS, "cx-alerts");
  const config = loadConfig({
    MONGODB_URI: inject("mongoUri"),
    PORT: "0",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: ALERTS,
    DIGEST_AT: "off",
    ...env,
  });
  const running = await startCxbot(config, {
    projectRoot: resolve(import.meta.dirname, "../.."),
    logger,
    dbName: `cxtest_alerts_${randomBytes(4).toString("hex")}`,
    host: "127.0.0.1",
    alertFoldWindowMs: foldWindowMs,
  });
  slack.routeTo(`http://127.0.0.1:${running.platforms.http.port}/slack/events`);
  return {
    slack,
    app: running.app,
    platforms: running.platforms,
    async close() {
      await running.platforms.close();
      await running.app.database.connection.dropDatabase().catch(() => undefined);
      await running.close();
      await slack.close();
    },
  };
}

let seq = 0;
/** A console respondent answering in order; returns the conversation id. */
async function answer(rig: Rig, userId: string, inputs: readonly InboundInput[]): Promise<string> {
  let id = "";
  for (const input of inputs) {
    const result = await rig.app.service.handle({
      eventId: `test:${userId}:${++seq}`,
      respondent: { channel: "console", userId, displayName: `Customer ${userId}` },
      input,
      receivedAt: new Date(),
    });
    id = result.conversationId ?? id;
  }
  return id;
}
const detractor = (rig: Rig, userId: string, comment: string) =>
  answer(rig, userId, [
    { type: "start", flowKey: "nps", locale: "en" },
    { type: "text", text: "1" },
    { type: "text", text: comment },
  ]);

const blocksOf = (m: StoredSlackMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe("alerts with Slack's buttons (HTTP mode)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
      ALERT_FLOOD_PER_MINUTE: "50",
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it("waits out a 429 on chat.postMessage and posts the alert once", async () => {
    rig.slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const id = await detractor(rig, "rate-limited", "The app crashed twice at checkout.");
    const alert = await waitForAlert(rig, id, (a) => a.post !== undefined);
    await rig.platforms.alerts?.retryUnposted();
    const posts = rig.slack.messages(ALERTS).filter((m) => blocksOf(m).includes(id));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.ts).toBe(alert.post?.ref);
    expect(rig.slack.calls("chat.postMessage").some((c) => c.status === 429)).toBe(true);
  });

  it("cuts a long comment visibly, shows it whole one click away, and escapes mentions", async () => {
    const long = `<!channel> ${"The courier never came and nobody answered the phone. ".repeat(70)}`;
    const id = await detractor(rig, "long-comment", long);
    const alert = await waitForAlert(rig, id, (a) => a.post !== undefined);
    const card = rig.slack.messages(ALERTS).find((m) => m.ts === alert.post?.ref);
    const json = blocksOf(card);
    expect(json).toContain("&lt;!channel&gt;");
    expect(json).not.toContain("<!channel>");
    expect(json).toMatch(/shortened: \d+ of 3\d{3} characters/);
    const opened = await rig.slack.clickButton(agent, ALERTS, card?.ts ?? "", { text: "Show full comment" });
    expect(opened.status).toBe(200);
    const view = await rig.slack.waitFor(() =>
      rig.slack.views().find((v) => v.view.title && JSON.stringify(v.view.title).includes("Full comment")),
    );
    const shown = view.view.blocks.map((b) => (b.text as { text: string }).text).join("");
    expect(shown).toBe(long.trim());
  });

  it("tells the agent when the customer's platform cannot be reached, and keeps the reply", async () => {
    const id = await detractor(rig, "unreachable", "Terrible support, nobody called back.");
    const alert = await waitForAlert(rig, id, (a) => a.post !== undefined);
    await rig.slack.clickButton(agent, ALERTS, alert.post?.ref ?? "", { text: "Acknowledge" });
    await waitForAlert(rig, id, (a) => a.status === "acknowledged");
    await rig.slack.clickButton(agent, ALERTS, alert.post?.ref ?? "", { text: "Reply to customer" });
    const view = await rig.slack.waitFor(() =>
      rig.slack.views().find((v) => v.view.callback_id === "cx_reply" && v.view.private_metadata === id),
    );
    await rig.slack.submitView(agent, view.id, {
      reply: { text: { type: "plain_text_input", value: "We are on it." } },
    });
    const after = await waitForAlert(rig, id, (a) => a.history.some((h) => h.type === "replied"));
    expect(after.history.find((h) => h.type === "replied")).toMatchObject({
      delivered: false,
      text: "We are on it.",
    });
    await rig.slack.waitFor(() =>
      rig.slack.ephemerals(ALERTS).find((e) => e.text?.includes("could not be delivered")),
    );
    const card = await rig.slack.waitForMessages(ALERTS, (ms) =>
      blocksOf(ms.find((m) => m.ts === alert.post?.ref)).includes("could not be delivered"),
    );
    expect(blocksOf(card.find((m) => m.ts === alert.post?.ref))).not.toContain("cx_alert_ack");
  });

  it("lets one of two agents resolving at the same moment win; the other is told it is already resolved", async () => {
    const id = await detractor(rig, "two-agents", "Nobody answers the phone.");
    await waitForAlert(rig, id, (a) => a.post !== undefined);
    const alerts = rig.platforms.alerts;
    if (!alerts) throw new Error("no alert service");
    const results = await Promise.all([
      alerts.act(id, { id: "slack:U1" }, { type: "resolve", recovery: true }),
      alerts.act(id, { id: "slack:U2" }, { type: "resolve", recovery: true }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "ALERT_RESOLVED")).toHaveLength(1);
    const alert = await waitForAlert(rig, id, (a) => a.status === "resolved");
    expect(alert.history.filter((h) => h.type === "resolved")).toHaveLength(1);
  });

  it("posts the day's digest once, with each flow's score, count and change", async () => {
    await answer(rig, "digest-promoter", [
      { type: "start", flowKey: "csat", locale: "en" },
      { type: "text", text: "5" },
    ]);
    await rig.app.service.flush();
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    expect(await rig.platforms.alerts?.digest(tomorrow)).toBe(true);
    expect(await rig.platforms.alerts?.digest(tomorrow)).toBe(false);
    const digests = rig.slack.messages(ALERTS).filter((m) => blocksOf(m).includes("Daily scores for"));
    expect(digests).toHaveLength(1);
    const text = blocksOf(digests[0]);
    expect(text).toMatch(/Net Promoter Score \(NPS\) — NPS -100 · answers: \d+/);
    expect(text).toContain("Customer Satisfaction (CSAT) — CSAT 100% · answers: 1 · new");
  });
});

describe("a flood of alerts", () => {
  let flooded: Rig;
  beforeAll(async () => {
    // The summary waits 2 s (a minute in production), long enough for all four to be folded even on a busy machine.
    flooded = await startRig(
      { SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef", ALERT_FLOOD_PER_MINUTE: "1" },
      2000,
    );
  });
  afterAll(async () => {
    await flooded?.close();
  });

  it("folds a flood into one summary message, and opens a folded alert in its thread", async () => {
    // The limit is 1 a minute per channel: the first alert is posted, the next four are folded.
    const first = await detractor(flooded, "flood-first", "First one.");
    await waitForAlert(flooded, first, (a) => a.post !== undefined);
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(await detractor(flooded, `flood-${i}`, `Order ${i} arrived broken.`));
    const folded = await Promise.all(
      ids.map((id) => waitForAlert(flooded, id, (a) => a.post?.folded === true)),
    );
    const summaryTs = folded[0]?.post?.ref;
    expect(new Set(folded.map((a) => a.post?.ref)).size).toBe(1);
    const summary = flooded.slack.messages(ALERTS).find((m) => m.ts === summaryTs);
    expect(blocksOf(summary)).toContain("More alerts in the last minute: 4");
    for (const i of [0, 1, 2, 3]) expect(blocksOf(summary)).toContain(`Order ${i} arrived broken.`);
    await flooded.slack.clickButton(agent, ALERTS, summaryTs ?? "", { value: ids[2] });
    const expanded = await waitForAlert(flooded, ids[2] ?? "", (a) => a.post?.folded !== true);
    const thread = flooded.slack.messages(ALERTS).find((m) => m.ts === expanded.post?.ref);
    expect(thread?.thread_ts).toBe(summaryTs);
    expect(blocksOf(thread)).toContain("Order 2 arrived broken.");
  });
});

describe("alerts with only a bot token and a channel (no way for Slack to call back)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({});
  });
  afterAll(async () => {
    await rig?.close();
  });

  it("posts alerts, and has no Slack endpoint to forge requests against", async () => {
    const id = await detractor(rig, "send-only", "Waited an hour on the phone.");
    const alert = await waitForAlert(rig, id, (a) => a.post !== undefined);
    expect(rig.slack.messages(ALERTS).some((m) => m.ts === alert.post?.ref)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${rig.platforms.http.port}/slack/events`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(404);
    const health = await fetch(`http://127.0.0.1:${rig.platforms.http.port}/healthz`);
    expect(await health.json()).toEqual({ ok: true, checks: { database: true, slack: true } });
  });
});
