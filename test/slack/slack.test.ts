import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { App } from "../../bots/app.ts";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type Platforms, type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import {
  type FakeSlack,
  type FakeSlackUser,
  type StoredSlackMessage,
  startFakeSlack,
} from "../fakes/slack-api.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { eventually, waitForAlert } from "../helpers/alerts.ts";

/**
 * Slack end to end: the real bolt app and telegraf bot, wired exactly as `npm start` wires them
 * (bots/platforms.ts), against fake Slack and Telegram servers on 127.0.0.1 and the real database.
 */

/** Every log line at the most verbose level, to check that no token or secret is ever written. */
const logLines: string[] = [];
const logger = createLogger("trace", {
  write(line: string) {
    logLines.push(line);
    if (process.env.TEST_LOG_LEVEL) process.stderr.write(line);
  },
});
const ALERTS = "C0ALERTS";
const TG_SECRET = "tg-webhook-secret-for-slack-tests_01";

let slack: FakeSlack;
let telegram: FakeTelegram;
let app: App;
let platforms: Platforms;
let running: RunningCxbot | undefined;
let base = "";

const agent: FakeSlackUser = { id: "U0AGENT", name: "maryam", real_name: "Maryam Ahmadi", locale: "en-US" };
const dmUser: FakeSlackUser = { id: "U0NEDA", name: "neda", real_name: "Neda", locale: "fa-IR" };

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: "8f742231b10e8888abcd99yyyzzz85a5" });
  slack.addUser(agent);
  slack.addUser(dmUser);
  slack.addUser({ id: "U0TOLGA", name: "tolga", locale: "tr-TR" });
  slack.addChannel(ALERTS, "cx-alerts");
  telegram = await startFakeTelegram({ token: "3333:slack-e2e-bot-token-dddddddddddddddd" });
  const config = loadConfig({
    MONGODB_URI: inject("mongoUri"),
    PORT: "0",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: ALERTS,
    ALERT_FLOOD_PER_MINUTE: "50",
    DIGEST_AT: "off",
  });
  running = await startCxbot(config, {
    projectRoot: resolve(import.meta.dirname, "../.."),
    logger,
    dbName: `cxtest_slack_${randomBytes(4).toString("hex")}`,
    host: "127.0.0.1",
  });
  app = running.app;
  platforms = running.platforms;
  base = `http://127.0.0.1:${platforms.http.port}`;
  telegram.routeWebhooks(base);
  slack.routeTo(`${base}/slack/events`);
});

afterAll(async () => {
  await platforms?.close();
  await app?.database.connection.dropDatabase().catch(() => undefined);
  await running?.close();
  await slack?.close();
  await telegram?.close();
});

const lastWithButtons = (messages: StoredSlackMessage[]) =>
  [...messages].reverse().find((m) => JSON.stringify(m.blocks ?? []).includes('"button"'));
const blocksText = (m: StoredSlackMessage) => JSON.stringify(m.blocks ?? []);
const texts = (messages: StoredSlackMessage[]) => messages.map((m) => m.text ?? "");
const tgButton = (messages: ShownMessage[], label: string) => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    const b = m?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
    if (m && b && "callback_data" in b && typeof b.callback_data === "string")
      return { message: m, data: b.callback_data };
  }
  throw new Error(`no button ${label}`);
};

/** A Telegram customer who answers NPS with a low score and a comment; returns the conversation id. */
async function telegramDetractor(
  user: FakeUser,
  score: string,
  comment: string,
  ref = "order42",
): Promise<string> {
  await telegram.deliver(telegram.userSendsText(user, `/start nps__${ref}`));
  const shown = await telegram.waitForMessages(user.id, (m) => m.length > 0);
  const b = tgButton(shown, score);
  await telegram.deliver(telegram.userPressesButton(user, b.message.message_id, b.data));
  await telegram.deliver(telegram.userSendsText(user, comment));
  const record = await app.database.stores.conversations.getActive(`telegram:${user.id}`, { fresh: true });
  const id = record?.state.id ?? (await findArchived(`telegram:${user.id}`));
  if (!id) throw new Error("no conversation");
  return id;
}

async function findArchived(key: string, flowKey?: string): Promise<string | undefined> {
  for await (const r of app.database.stores.responses.list(flowKey ? { flowKey } : {}))
    if (r.key === key) return r.state.id;
  return undefined;
}

async function alertMessage(predicate: (m: StoredSlackMessage) => boolean): Promise<StoredSlackMessage> {
  const messages = await slack.waitForMessages(ALERTS, (ms) => ms.some(predicate), 10_000);
  const found = messages.find(predicate);
  if (!found) throw new Error("no alert message");
  return found;
}

describe("surveys in Slack", () => {
  it("runs a Persian NPS survey in a DM: locale from users.info, buttons, the answered question updated", async () => {
    const dm = slack.dmChannelOf(dmUser.id);
    const start = await slack.userSendsDm(dmUser, "feedback");
    expect(start.status).toBe(200);
    let messages = await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("معرفی")));
    const question = lastWithButtons(messages);
    expect(question).toBeDefined();
    const click = await slack.clickButton(dmUser, dm, question?.ts ?? "", { text: "۲" });
    expect(click.status).toBe(200);
    messages = await slack.waitForMessages(dm, (ms) =>
      ms.some((m) => m.ts === question?.ts && m.updatedCount > 0),
    );
    const answered = messages.find((m) => m.ts === question?.ts);
    expect(JSON.stringify(answered?.blocks)).toContain("✓ ۲");
    expect(JSON.stringify(answered?.blocks)).not.toContain('"button"');
    await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("نارضایتی")));
    await slack.userSendsDm(dmUser, "ارسال خیلی دیر شد و پشتیبانی جواب نداد");
    // A negative comment leads to the contact question; a typed "no" in Persian answers it.
    messages = await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("تماس بگیرد")));
    const contact = lastWithButtons(messages);
    await slack.clickButton(dmUser, dm, contact?.ts ?? "", { text: "خیر" });
    await slack.waitForMessages(dm, (ms) => ms.some((m) => m.ts === contact?.ts && m.updatedCount > 0));
    const conversationId = await eventually(() => findArchived(`slack:${dmUser.id}`));
    const response = await app.database.stores.responses.get(conversationId);
    expect(response?.state).toMatchObject({ status: "completed", locale: "fa" });
    expect(response?.state.answers.map((a) => a.stepId)).toEqual(["score", "why-negative", "contact"]);
    expect(slack.lateAcks()).toEqual([]);
  });

  it("ignores a stale button and a retried event: nothing is recorded twice", async () => {
    const user: FakeSlackUser = { id: "U0TOLGA", name: "tolga", locale: "tr-TR" };
    const dm = slack.dmChannelOf(user.id);
    const withButtons = (n: number) => (ms: StoredSlackMessage[]) =>
      ms.filter((m) => blocksText(m).includes('"button"')).length >= n;
    // An NPS survey, then a CSAT one that replaces it: the NPS question's buttons are left behind.
    await slack.sendSlashCommand(user, "/feedback", "nps", { channelId: ALERTS });
    const npsQuestion = lastWithButtons(await slack.waitForMessages(dm, withButtons(1)));
    await slack.sendSlashCommand(user, "/feedback", "csat", { channelId: ALERTS });
    const csatQuestion = lastWithButtons(await slack.waitForMessages(dm, withButtons(2)));
    expect(csatQuestion?.ts).not.toBe(npsQuestion?.ts);

    // Turkish: the stale button is answered with a notice and its buttons are removed; nothing is recorded.
    await slack.clickButton(user, dm, npsQuestion?.ts ?? "", { text: "3" });
    const stale = await slack.waitForMessages(dm, (ms) =>
      ms.some((m) => m.ts === npsQuestion?.ts && m.updatedCount > 0),
    );
    expect(blocksText(stale.find((m) => m.ts === npsQuestion?.ts) as StoredSlackMessage)).toContain(
      "zaten yanıtlandı",
    );
    const csat = await app.database.stores.conversations.getActive(`slack:${user.id}`, { fresh: true });
    expect(csat?.state).toMatchObject({ flowKey: "csat", answers: [] });

    await slack.clickButton(user, dm, csatQuestion?.ts ?? "", { text: "5" });
    await slack.waitForMessages(dm, (ms) => ms.some((m) => m.ts === csatQuestion?.ts && m.updatedCount > 0));
    const sent = await slack.userSendsDm(user, "Her şey çok hızlıydı, teşekkürler");
    const fromBot = () => slack.messages(dm).filter((m) => m.user === slack.botUserId).length;
    const repliesBefore = await eventually(async () => (fromBot() >= 4 ? fromBot() : undefined));
    const retried = await slack.userSendsDm(user, "Her şey çok hızlıydı, teşekkürler", {
      retryOf: sent.eventId,
    });
    expect(retried.status).toBe(200);
    // Observable instead of a pause: the customer's next message is answered after the retry was dealt with.
    await slack.userSendsDm(user, "?");
    await eventually(async () => (fromBot() > repliesBefore ? true : undefined));
    expect(fromBot()).toBe(repliesBefore + 1);
    const id = await eventually(() => findArchived(`slack:${user.id}`, "csat"));
    const response = await app.database.stores.responses.get(id);
    expect(response?.state.flowKey).toBe("csat");
    expect(response?.state.answers.map((a) => a.stepId)).toEqual(["score", "why-positive"]);
  });

  it("takes /language and /stop as slash commands, replying in the DM", async () => {
    const user: FakeSlackUser = { id: "U0SAMI", name: "sami", locale: "en-GB" };
    slack.addUser(user);
    const dm = slack.dmChannelOf(user.id);
    const started = await slack.sendSlashCommand(user, "/feedback", "ces", { channelId: ALERTS });
    expect(started.status).toBe(200);
    await slack.waitForMessages(dm, (ms) =>
      ms.some((m) => JSON.stringify(m.blocks ?? []).includes('"button"')),
    );
    await slack.sendSlashCommand(user, "/language", "ar", { channelId: dm });
    await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => /[\u0600-\u06FF]/.test(t)));
    await slack.sendSlashCommand(user, "/stop", "", { channelId: dm });
    const id = await eventually(() => findArchived(`slack:${user.id}`));
    const response = await app.database.stores.responses.get(id);
    expect(response?.state).toMatchObject({ status: "stopped", locale: "ar", flowKey: "ces" });
  });

  it("answers a forged or stale signature with 401 and records nothing", async () => {
    const forged = await slack.sendSlashCommand(dmUser, "/feedback", "nps", { signature: "forged" });
    expect(forged.status).toBe(401);
    const stale = await slack.sendEvent(
      {
        type: "message",
        channel_type: "im",
        channel: slack.dmChannelOf(agent.id),
        user: agent.id,
        text: "feedback",
        ts: "1.2",
      },
      { signature: "stale" },
    );
    expect(stale.status).toBe(401);
    expect(slack.messages(slack.dmChannelOf(agent.id))).toEqual([]);
  });
});

describe("alerts and closing the loop", () => {
  const customer: FakeUser = { id: 880, first_name: "Reza", language_code: "fa" };
  let alertId = "";
  let alertTs = "";

  it("posts an alert to Slack when a Telegram customer gives a low score, with the comment, sentiment, themes and transcript", async () => {
    alertId = await telegramDetractor(customer, "۲", "پیک دو روز دیر آورد و قیمت هم خیلی گرونه");
    // The customer declines contact, which ends the survey (the alert is updated with how it ended).
    const shown = await telegram.waitForMessages(customer.id, (m) =>
      m.some((x) => x.text?.includes("تماس بگیرد")),
    );
    const no = tgButton(shown, "خیر");
    await telegram.deliver(telegram.userPressesButton(customer, no.message.message_id, no.data));
    const alert = await waitForAlert(
      { app, platforms },
      alertId,
      (a) => a.post !== undefined && a.comments.length > 0,
    );
    expect(alert).toMatchObject({
      flowKey: "nps",
      reference: "order42",
      locale: "fa",
      status: "open",
      score: { value: 2, max: 10, band: "detractor" },
      respondent: { channel: "telegram", userId: "880", displayName: "Reza" },
    });
    expect(alert.comments[0]?.sentiment).toBe("negative");
    expect(alert.comments[0]?.themes).toContain("processes");
    const message = await alertMessage(
      (m) => m.ts === alert.post?.ref && JSON.stringify(m.blocks).includes("پیک دو روز"),
    );
    alertTs = message.ts;
    const card = JSON.stringify(message.blocks);
    for (const part of [
      "Net Promoter Score (NPS): 2/10 · detractor",
      "detractor",
      "Reza",
      "Telegram",
      "order42",
      "negative",
      "فارسی",
      "Acknowledge",
    ]) {
      expect(card).toContain(part);
    }
    // One alert per conversation, even though two rules fired (the score and the negative comment).
    expect(slack.messages(ALERTS).filter((m) => JSON.stringify(m.blocks).includes(alertId))).toHaveLength(1);
  });

  it("assigns, replies to the customer on Telegram (kept in the transcript) and resolves with a recovery question", async () => {
    await slack.clickButton(agent, ALERTS, alertTs, { text: "Assign to me" });
    await waitForAlert({ app, platforms }, alertId, (a) => a.status === "assigned");
    await slack.waitForMessages(ALERTS, (ms) =>
      JSON.stringify(ms.find((m) => m.ts === alertTs)?.blocks).includes("<@U0AGENT>"),
    );

    const opened = await slack.clickButton(agent, ALERTS, alertTs, { text: "Reply to customer" });
    const view = await slack.waitFor(() => slack.views().find((v) => v.view.callback_id === "cx_reply"));
    expect(opened.status).toBe(200);
    const submitted = await slack.submitView(agent, view.id, {
      reply: { text: { type: "plain_text_input", value: "سلام رضا، هزینهٔ ارسال را برگرداندیم. ببخشید!" } },
    });
    expect(submitted.status).toBe(200);
    const chat = await telegram.waitForMessages(customer.id, (m) =>
      m.some((x) => x.text?.includes("هزینهٔ ارسال را برگرداندیم")),
    );
    expect(chat.at(-1)?.text).toContain("تیم پشتیبانی");
    const replied = await waitForAlert({ app, platforms }, alertId, (a) =>
      a.history.some((h) => h.type === "replied"),
    );
    expect(replied.history.find((h) => h.type === "replied")).toMatchObject({
      delivered: true,
      actor: { id: "slack:U0AGENT" },
    });
    const stored =
      (await app.database.stores.responses.get(alertId)) ??
      (await app.database.stores.conversations.getActive("telegram:880", { fresh: true }));
    expect(stored?.transcript.some((l) => l.text.includes("هزینهٔ ارسال را برگرداندیم"))).toBe(true);

    // The customer writes back on Telegram: it reaches the alert's thread, and they are told so.
    await telegram.deliver(telegram.userSendsText(customer, "مرسی، پولم برگشت"));
    await telegram.waitForMessages(customer.id, (m) =>
      m.some((x) => x.text?.includes("به تیم پشتیبانی رساندم")),
    );
    const threaded = await slack.waitForMessages(ALERTS, (ms) =>
      ms.some((m) => m.thread_ts === alertTs && blocksText(m).includes("مرسی، پولم برگشت")),
    );
    expect(threaded.filter((m) => m.thread_ts === alertTs)).toHaveLength(1);
    await waitForAlert({ app, platforms }, alertId, (a) =>
      a.history.some((h) => h.type === "customer-replied"),
    );

    // An agent's reply and a message from the customer at the same moment: both complete (no lock cycle between
    // the alert and the customer's conversation).
    const both = await Promise.race([
      Promise.all([
        platforms.alerts?.act(
          alertId,
          { id: "slack:U0AGENT" },
          { type: "reply", text: "یک سؤال دیگر هم داشتیم" },
        ),
        telegram.deliver(telegram.userSendsText(customer, "راستی یک چیز دیگر")),
      ]),
      new Promise<"stuck">((r) => setTimeout(() => r("stuck"), 10_000)),
    ]);
    expect(both).not.toBe("stuck");
    await waitForAlert(
      { app, platforms },
      alertId,
      (a) => a.history.filter((h) => h.type === "customer-replied").length === 2,
    );

    await slack.clickButton(agent, ALERTS, alertTs, { text: "Resolve" });
    const resolveView = await slack.waitFor(() =>
      slack.views().find((v) => v.view.callback_id === "cx_resolve"),
    );
    await slack.submitView(agent, resolveView.id, {
      recovery: { ask: { type: "checkboxes", selected_options: [{ value: "ask" }] } },
    });
    const resolved = await waitForAlert({ app, platforms }, alertId, (a) =>
      a.history.some((h) => h.type === "resolved" && h.recovery !== undefined),
    );
    expect(resolved.history.at(-1)).toMatchObject({ type: "resolved", recovery: "sent" });
    await telegram.waitForMessages(customer.id, (m) => m.some((x) => x.text?.includes("نحوهٔ رسیدگی")));
    const final = await slack.waitForMessages(ALERTS, (ms) => {
      const b = JSON.stringify(ms.find((m) => m.ts === alertTs)?.blocks ?? []);
      return b.includes("Resolved") && !b.includes("Assign to me");
    });
    expect(final.length).toBeGreaterThan(0);
    expect(slack.lateAcks()).toEqual([]);
  });
});

describe("logs", () => {
  it("never contain a token or a secret, even at trace level", () => {
    const all = logLines.join("");
    expect(all.length).toBeGreaterThan(1000);
    for (const secret of [slack.botToken, slack.signingSecret, telegram.token, TG_SECRET]) {
      expect(all).not.toContain(secret);
    }
  });
});
