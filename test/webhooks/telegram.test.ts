import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCxbot } from "../../bots/platforms.ts";
import { verifyWebhook } from "../../core/webhooks/sign.ts";
import type { FakeTelegram, FakeUser, ShownMessage } from "../fakes/telegram-api.ts";
import { lastButton, startTelegramRig, type TelegramRig } from "../helpers/telegram.ts";

/**
 * Outgoing webhooks end to end: cxbot started as `npm start` starts it (webhook mode, the real telegraf against
 * the fake Bot API, the real database, the send queue), an admin registering a receiver with `/cx webhooks`,
 * a customer answering a survey, and a receiver on 127.0.0.1 getting the signed `response.completed`.
 */

const ADMIN: FakeUser = { id: 7001, first_name: "Ada", language_code: "en" };
const CUSTOMER: FakeUser = { id: 7100, first_name: "Sara", language_code: "en" };
const SECRET = "hooks-suite-webhook-secret_0123456789";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let fake: FakeTelegram;
let cx: RunningCxbot;
let rig: TelegramRig | undefined;
let receiver: Server;
let hookUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cx-hook`;
  rig = await startTelegramRig({
    token: "7777:hooks-suite-bot-token-ffffffffffffff",
    secret: SECRET,
    label: "hooks",
    env: {
      CX_ADMINS: `telegram:${ADMIN.id}`,
      CX_WEBHOOKS_ALLOW_HTTP: "1",
      // Several surveys to one customer in this file.
      CX_FATIGUE_DAYS: "0",
      DEFAULT_LOCALE: "en",
      DEFAULT_FLOW: "nps",
    },
    webhooks: { pollMs: 50 },
  });
  ({ fake, cx } = rig);
}, 120_000);

afterAll(async () => {
  await rig?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
});

/** What the bot showed in the user's chat while `text` was handled. */
async function say(user: FakeUser, text: string): Promise<string> {
  const before = new Set(fake.messages(user.id).map((m) => m.message_id));
  expect((await fake.deliver(fake.userSendsText(user, text))).status).toBe(200);
  return fake
    .messages(user.id)
    .filter((m) => !before.has(m.message_id))
    .map((m: ShownMessage) => m.text)
    .join("\n");
}

/** Presses the button labelled `label` on the newest message that has one. */
async function press(user: FakeUser, label: string): Promise<void> {
  const shown = fake.messages(user.id);
  const at = shown.findLastIndex((m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text === label));
  const { id, data } = lastButton(shown.slice(0, at + 1), label);
  expect((await fake.deliver(fake.userPressesButton(user, id, data))).status).toBe(200);
}

async function until<T>(find: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const eventsOfType = (type: string) =>
  received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);

describe("outgoing webhooks through Telegram", () => {
  let id = "";
  let secret = "";

  it("an admin adds a receiver and sees its signing secret once; a private address is refused", async () => {
    expect(await say(ADMIN, "/cx webhooks add https://10.0.0.7/hook")).toContain("private or local network");
    expect(await say(ADMIN, "/cx webhooks add ftp://example.com/x")).toContain("expected an https:// URL");
    const reply = await say(ADMIN, `/cx webhooks add ${hookUrl} response.completed,response.partial`);
    id = /wh_[a-z0-9]{16}/.exec(reply)?.[0] ?? "";
    secret = /whsec_[0-9a-f]{48}/.exec(reply)?.[0] ?? "";
    expect(id).not.toBe("");
    expect(secret).not.toBe("");
    expect(reply).toContain("Events: response.completed, response.partial");
    const list = await say(ADMIN, "/cx webhooks list");
    expect(list).toContain(id);
    expect(list).toContain(hookUrl);
    expect(list).toContain("nothing sent yet");
    // The secret is shown at creation only.
    expect(list).not.toContain(secret);
  });

  it("sends a signed test event on request", async () => {
    const reply = await say(ADMIN, `/cx webhooks test ${id}`);
    expect(reply).toMatch(/Test event delivered to .*: HTTP 204/);
    const [ping] = eventsOfType("ping");
    expect(ping && verifyWebhook(secret, ping.headers, ping.body)).toEqual({ ok: true });
  });

  it("delivers a correctly signed response.completed after a customer answers, and nothing for /cx try", async () => {
    // The admin tries the survey first: test mode sends nothing.
    await say(ADMIN, "/cx try nps");
    await press(ADMIN, "10");
    await say(ADMIN, "Great service");

    await say(CUSTOMER, "/start nps__order42");
    await press(CUSTOMER, "3");
    await say(CUSTOMER, "The courier was late and rude");
    await press(CUSTOMER, "No");
    const delivery = await until(() => eventsOfType("response.completed")[0]);
    expect(verifyWebhook(secret, delivery.headers, delivery.body, 300)).toEqual({ ok: true });
    // A tampered body or an old delivery replayed later is refused by the same verifier.
    expect(verifyWebhook(secret, delivery.headers, delivery.body.replace("order42", "order43"))).toEqual({
      ok: false,
      error: "bad-signature",
    });
    expect(
      verifyWebhook(secret, delivery.headers, delivery.body, 300, new Date(Date.now() + 3_600_000)),
    ).toEqual({
      ok: false,
      error: "too-old",
    });
    expect(delivery.headers["x-cxbot-event"]).toBe("response.completed");
    const event = JSON.parse(delivery.body);
    expect(event).toMatchObject({
      type: "response.completed",
      data: {
        flow: { key: "nps" },
        channel: "telegram",
        locale: "en",
        reference: "order42",
        properties: {},
        status: "completed",
        scores: [{ stepId: "score", scale: "nps", value: 3, min: 0, max: 10, band: "detractor" }],
        comment: "The courier was late and rude",
        sentiment: "negative",
      },
    });
    expect(event.data.respondent.id).toMatch(/^rsp_[0-9a-f]{24}$/);
    expect(delivery.body).not.toContain(String(CUSTOMER.id));
    expect(event.data.answers.map((a: { stepId: string }) => a.stepId)).toEqual([
      "score",
      "why-negative",
      "contact",
    ]);
    // Only the customer's: the admin's trial run was never queued.
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsOfType("response.completed")).toHaveLength(1);
    expect(received.every((r) => r.headers["x-cxbot-endpoint"] === id)).toBe(true);
    expect(await say(ADMIN, "/cx webhooks list")).toContain("delivering · last delivered");
  });

  it("a survey sent on cxbot's initiative carries its properties to the receiver", async () => {
    const [sent] = await cx.platforms.sending.dispatcher.request(
      [
        {
          platform: "telegram",
          userId: String(CUSTOMER.id),
          flow: "csat",
          reference: "ticket-77",
          properties: { agent: "ana", touchpoint: "support" },
        },
      ],
      "test",
    );
    expect(sent?.status).toBe("scheduled");
    // The send worker delivers the first question through the fake Bot API.
    await until(() =>
      fake
        .messages(CUSTOMER.id)
        .at(-1)
        ?.reply_markup?.inline_keyboard.flat()
        .some((b) => b.text === "2")
        ? true
        : undefined,
    );
    await press(CUSTOMER, "2");
    await say(CUSTOMER, "Support never called me back");
    await press(CUSTOMER, "No");
    const delivery = await until(() =>
      eventsOfType("response.completed").find((r) => r.body.includes("ticket-77")),
    );
    expect(verifyWebhook(secret, delivery.headers, delivery.body)).toEqual({ ok: true });
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: "response.completed",
      data: {
        flow: { key: "csat" },
        reference: "ticket-77",
        properties: { agent: "ana", touchpoint: "support" },
        scores: [{ scale: "csat", value: 2, min: 1, max: 5 }],
        comment: "Support never called me back",
      },
    });
    // The API caller reads the same end from the survey's status.
    const end = Date.now() + 10_000;
    while ((await cx.platforms.sending.dispatcher.get(sent?.id ?? ""))?.status !== "completed") {
      if (Date.now() > end) throw new Error("the sent survey never shows completed");
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it("an admin removes the receiver; it gets nothing more", async () => {
    expect(await say(ADMIN, `/cx webhooks remove ${id}`)).toContain(`Webhook ${id} removed`);
    expect(await say(ADMIN, "/cx webhooks list")).toContain("No webhooks yet");
    expect(await say(ADMIN, `/cx webhooks test ${id}`)).toContain(`There is no webhook ${id}`);
    const before = received.length;
    await say(CUSTOMER, "/feedback csat");
    await press(CUSTOMER, "5");
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(before);
  });
});
