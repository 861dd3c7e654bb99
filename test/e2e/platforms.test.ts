import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FakeSlack, type StoredSlackMessage, startFakeSlack } from "../fakes/slack-api.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { type CxbotProcess, spawnCxbot } from "../helpers/process.ts";

/**
 * The bot process itself (`npm start`'s entry point) with Telegram (long polling) and Slack (HTTP mode) tokens
 * set, against the fake platforms on 127.0.0.1: health, a Telegram customer's low score reaching the Slack alert
 * channel, and a graceful stop.
 */

const ALERTS = "C0PROCESS";

let slack: FakeSlack;
let telegram: FakeTelegram;
let cxbot: CxbotProcess | undefined;
let port = 0;

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addChannel(ALERTS, "cx-alerts");
  telegram = await startFakeTelegram({
    token: "5555:process-bot-token-eeeeeeeeeeeeeeeeee",
    maxLongPollMs: 200,
  });
  const url = new URL(inject("mongoUri"));
  url.pathname = `/cxtest_process_${Date.now().toString(36)}`;
  cxbot = await spawnCxbot({
    MONGODB_URI: url.toString(),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ALERT_CHANNEL: ALERTS,
    DIGEST_AT: "off",
  });
  port = cxbot.port;
  slack.routeTo(`http://127.0.0.1:${port}/slack/events`);
}, 90_000);

afterAll(async () => {
  if (cxbot && cxbot.child.exitCode === null) cxbot.child.kill("SIGKILL");
  await slack?.close();
  await telegram?.close();
});

const tgButton = (messages: ShownMessage[], label: string) => {
  const m = messages.at(-1);
  const b = m?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
  if (!m || !b || !("callback_data" in b) || typeof b.callback_data !== "string")
    throw new Error(`no ${label}`);
  return { id: m.message_id, data: b.callback_data };
};

describe("npm start with Telegram and Slack", { timeout: 60_000 }, () => {
  it("is healthy once the database and both platforms are ready", async () => {
    const until = Date.now() + 20_000;
    let body: unknown;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      body = await res.json();
      if (res.status === 200 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toEqual({ ok: true, checks: { database: true, telegram: true, slack: true } });
  });

  it("posts a Slack alert when a Telegram customer gives a low score", async () => {
    const user: FakeUser = { id: 4401, first_name: "Selin", language_code: "tr" };
    telegram.userSendsText(user, "/start csat__inv-77");
    let shown = await telegram.waitForMessages(user.id, (m) => m.length > 0, 20_000);
    const one = tgButton(shown, "1");
    telegram.userPressesButton(user, one.id, one.data);
    shown = await telegram.waitForMessages(user.id, (m) => m.length > 1, 20_000);
    telegram.userSendsText(user, "Kargo bir hafta gecikti, kimse telefonu açmadı");
    const messages = await slack.waitForMessages(
      ALERTS,
      (ms: StoredSlackMessage[]) =>
        ms.some((m) => JSON.stringify(m.blocks ?? []).includes("Kargo bir hafta")),
      20_000,
    );
    const card = JSON.stringify(messages.at(-1)?.blocks ?? []);
    expect(card).toContain("1/5");
    expect(card).toContain("inv-77");
    expect(card).toContain("Telegram");
  });

  it("stops gracefully on SIGTERM", async () => {
    expect(await cxbot?.stop()).toBe(0);
    expect(cxbot?.stderr()).not.toContain('"level":50');
  });
});
