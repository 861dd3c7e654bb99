import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import { type FakeSlack, type StoredSlackMessage, startFakeSlack } from "../fakes/slack-api.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { lastButton } from "../helpers/telegram.ts";

/**
 * cxbot as `npm start` wires it (Telegram and Slack on the fakes), logging at info level into memory: a customer's
 * survey, the Slack alert it raises, and their `/forget`. The log names no one and quotes nothing they wrote; the
 * alert already posted is edited to say their data was erased.
 */

const ALERTS = "C0PRIVACY";
const SIGNING_SECRET = "fedcba9876543210fedcba9876543210";
const USER: FakeUser = {
  id: 5551234777,
  first_name: "Evangelina",
  last_name: "Thistlewood",
  language_code: "en",
};
const COMMENT = "the okapi courier threw my parcel over the fence";

const lines: string[] = [];
let telegram: FakeTelegram;
let slack: FakeSlack;
let cxbot: RunningCxbot;

beforeAll(async () => {
  telegram = await startFakeTelegram({
    token: "6666:privacy-logs-token-ffffffffffffffff",
    maxLongPollMs: 200,
  });
  slack = await startFakeSlack({ signingSecret: SIGNING_SECRET });
  slack.addChannel(ALERTS, "cx-alerts");
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  cxbot = await startCxbot(
    loadConfig({
      MONGODB_URI: inject("mongoUri"),
      PORT: "0",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: ALERTS,
      DIGEST_AT: "off",
      DEFAULT_LOCALE: "en",
    }),
    {
      projectRoot: resolve(import.meta.dirname, "../.."),
      logger: createLogger("info", sink),
      dbName: `cxtest_privacy_logs_${randomBytes(4).toString("hex")}`,
      host: "127.0.0.1",
    },
  );
  slack.routeTo(`http://127.0.0.1:${cxbot.platforms.http.port}/slack/events`);
}, 60_000);

afterAll(async () => {
  await cxbot.platforms.close();
  await cxbot.app.database.connection.dropDatabase().catch(() => undefined);
  await cxbot.close();
  await slack.close();
  await telegram.close();
});

const alertCard = (ms: StoredSlackMessage[]) => JSON.stringify(ms.at(-1)?.blocks ?? []);

describe("personal data in logs and posted alerts", { timeout: 60_000 }, () => {
  it("a survey with an alert and a /forget logs no user id, name or comment at info level, and no secret", async () => {
    telegram.userSendsText(USER, "/start csat__ord-5");
    let shown: ShownMessage[] = await telegram.waitForMessages(USER.id, (m) => m.length > 0, 20_000);
    const one = lastButton(shown, "1");
    telegram.userPressesButton(USER, one.id, one.data);
    shown = await telegram.waitForMessages(USER.id, (m) => m.length > 1, 20_000);
    telegram.userSendsText(USER, COMMENT);
    await slack.waitForMessages(ALERTS, (ms) => alertCard(ms).includes("okapi courier"), 20_000);

    telegram.userSendsText(USER, "/forget");
    shown = await telegram.waitForMessages(
      USER.id,
      (m) => (m.at(-1)?.text ?? "").startsWith("Do you want"),
      20_000,
    );
    const yes = lastButton(shown, "Yes, erase it");
    telegram.userPressesButton(USER, yes.id, yes.data);
    await telegram.waitForMessages(USER.id, (m) => m.some((x) => x.text.startsWith("Done.")), 20_000);
    // The alert already posted in Slack now says the data was erased, and shows none of it.
    const edited = await slack.waitForMessages(
      ALERTS,
      (ms) => alertCard(ms).includes("data erased at the customer"),
      20_000,
    );
    expect(alertCard(edited)).not.toContain("okapi");
    expect(alertCard(edited)).not.toContain("Evangelina");

    expect(lines.length).toBeGreaterThan(3);
    const log = lines.join("\n");
    for (const personal of [String(USER.id), "Evangelina", "Thistlewood", "okapi"])
      expect(log).not.toContain(personal);
    for (const secret of [telegram.token, slack.botToken, SIGNING_SECRET]) expect(log).not.toContain(secret);
  });

  it("/forget as a Slack slash command asks in the DM; its Yes button erases the Slack user", async () => {
    const user = { id: "U0FORGETME", name: "ottoline", real_name: "Ottoline Varga", locale: "tr-TR" };
    slack.addUser(user);
    const dm = slack.dmChannelOf(user.id);
    const texts = (ms: StoredSlackMessage[]) =>
      ms.map((m) => `${m.text ?? ""} ${JSON.stringify(m.blocks ?? [])}`);
    await slack.sendSlashCommand(user, "/feedback", "csat", { channelId: dm });
    await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes('"button"')), 20_000);
    await slack.userSendsDm(user, "4");
    await slack.waitForMessages(dm, (ms) => ms.length >= 2, 20_000);
    await slack.userSendsDm(user, "mürekkep balığı çok güzeldi");
    await slack.waitForMessages(dm, (ms) => ms.length >= 3, 20_000);
    const stores = cxbot.app.database.stores;
    const before = [];
    for await (const r of stores.responses.list({})) if (r.key === `slack:${user.id}`) before.push(r);
    expect(before.length + ((await stores.conversations.getActive(`slack:${user.id}`)) ? 1 : 0)).toBe(1);

    await slack.sendSlashCommand(user, "/forget", "", { channelId: dm });
    const asked = await slack.waitForMessages(
      dm,
      (ms) => texts(ms).some((t) => t.includes("silmemizi istiyor musunuz")),
      20_000,
    );
    const question = asked.find((m) => texts([m])[0]?.includes("silmemizi istiyor musunuz"));
    await slack.clickButton(user, dm, question?.ts ?? "", { text: "Evet, sil" });
    await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("her şey silindi")), 20_000);
    const after = [];
    for await (const r of stores.responses.list({})) if (r.key === `slack:${user.id}`) after.push(r);
    expect(after).toEqual([]);
    expect(await stores.respondents.get(`slack:${user.id}`)).toBeNull();
    expect(lines.join("\n")).not.toContain(user.id);
  });
});
