import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../bots/http.ts";
import { createLogger } from "../../bots/logger.ts";
import { createTelegramAdapter, type TelegramAdapter } from "../../bots/telegram/telegram.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

const logger = createLogger("silent");
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const button = (messages: ShownMessage[], label: string) => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    const b = m?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
    if (m && b && "callback_data" in b && typeof b.callback_data === "string")
      return { message: m, data: b.callback_data };
  }
  throw new Error(`no button ${label}`);
};
const lastText = (messages: ShownMessage[]) => messages.at(-1)?.text ?? "";

describe("Telegram by long polling", () => {
  let fake: FakeTelegram;
  let adapter: TelegramAdapter;
  beforeAll(async () => {
    fake = await startFakeTelegram({ maxLongPollMs: 200, token: "1111:polling-bot-token-aaaaaaaaaaaaaaaa" });
    adapter = createTelegramAdapter({
      token: fake.token,
      apiRoot: fake.apiRoot,
      service: h.service,
      logger,
      defaultLocale: "en",
    });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });

  it("registers the commands in every language", () => {
    expect(fake.commands(undefined, "fa").map((c) => c.description)).toContain("تغییر زبان");
    expect(fake.commands(undefined, "tr").map((c) => c.command)).toEqual([
      "feedback",
      "skip",
      "stop",
      "language",
      "forget",
      "help",
    ]);
  });

  it("runs a Persian NPS survey from a deep link, by buttons and typed text, and edits answered questions", async () => {
    const sara: FakeUser = { id: 501, first_name: "Sara", language_code: "fa" };
    fake.userSendsText(sara, "/start nps__order42");
    let shown = await fake.waitForMessages(501, (m) => lastText(m).includes("معرفی کنید"));
    const rows = shown.at(-1)?.reply_markup?.inline_keyboard.map((r) => r.map((b) => b.text));
    expect(rows).toEqual([
      ["۵", "۴", "۳", "۲", "۱", "۰"],
      ["۱۰", "۹", "۸", "۷", "۶"],
    ]);
    const three = button(shown, "۳");
    const press = fake.userPressesButton(sara, three.message.message_id, three.data);
    shown = await fake.waitForMessages(501, (m) => lastText(m).includes("نارضایتی"));
    const question = shown.find((m) => m.message_id === three.message.message_id);
    expect(question?.text).toContain("✓ ۳");
    expect(question?.reply_markup).toBeUndefined();
    expect(fake.callbackAnswer(press.callback_query?.id ?? "")).toBeDefined();

    const why = shown.at(-1);
    fake.userSendsText(sara, "پیک خیلی دیر رسید و برخوردش بد بود");
    shown = await fake.waitForMessages(501, (m) => lastText(m).includes("تماس بگیرد"));
    // A typed answer closes its question like a pressed button: marked, and its Skip button gone.
    const closed = shown.find((m) => m.message_id === why?.message_id);
    expect(closed?.text).toContain("✓ پیک خیلی دیر رسید");
    expect(closed?.reply_markup).toBeUndefined();
    const yes = button(shown, "بله");
    fake.userPressesButton(sara, yes.message.message_id, yes.data);
    await fake.waitForMessages(501, (m) => lastText(m).includes("به‌زودی با شما تماس می‌گیرد"));

    const responses = [];
    for await (const r of h.stores.responses.list({ flowKey: "nps" })) {
      if (r.state.respondent.channel === "telegram" && r.state.respondent.userId === "501") responses.push(r);
    }
    expect(responses).toHaveLength(1);
    expect(responses[0]?.state.reference).toBe("order42");
    expect(responses[0]?.state.answers.map((a) => a.stepId)).toEqual(["score", "why-negative", "contact"]);
  });

  it("answers a button of an already-answered question with a localized toast and records nothing", async () => {
    const reza: FakeUser = { id: 504, first_name: "Reza", language_code: "fa" };
    fake.userSendsText(reza, "/feedback csat");
    let shown = await fake.waitForMessages(504, (m) => lastText(m).includes("راضی"));
    const first = button(shown, "۴");
    // Tapping the link again resumes: the question comes again, and the first copy keeps its buttons.
    fake.userSendsText(reza, "/feedback csat");
    shown = await fake.waitForMessages(504, (m) => m.length >= 3 && lastText(m).includes("راضی"));
    const second = button(shown, "۲");
    fake.userPressesButton(reza, second.message.message_id, second.data);
    shown = await fake.waitForMessages(
      504,
      (m) => lastText(m).includes("متأسفیم") || lastText(m).includes("چه چیزی"),
    );
    const press = fake.userPressesButton(reza, first.message.message_id, first.data);
    await expect
      .poll(() => fake.callbackAnswer(press.callback_query?.id ?? "")?.text)
      .toBe("به این سؤال قبلاً پاسخ داده شده است.");
    const record = await h.stores.conversations.getActive("telegram:504", { fresh: true });
    expect(record?.state.answers.map((a) => (a.answer.type === "rating" ? a.answer.value : -1))).toEqual([2]);
  });

  it("reads typed digits in any numeral system and waits out a 429", async () => {
    const ali: FakeUser = { id: 502, first_name: "Ali", language_code: "en" };
    fake.userSendsText(ali, "/feedback csat");
    await fake.waitForMessages(502, (m) => lastText(m).includes("How satisfied"));
    fake.failNext("sendMessage", { error_code: 429, parameters: { retry_after: 1 } });
    fake.userSendsText(ali, "٤");
    await fake.waitForMessages(502, (m) => lastText(m).includes("What did you like"), 5_000);
    expect(fake.callsTo("sendMessage").length).toBeGreaterThanOrEqual(3);
  });

  it("points a group to a private chat, with a link that starts the survey the group asked for", async () => {
    const group = { id: -900, type: "group" as const, title: "Team" };
    const mehmet: FakeUser = { id: 503, first_name: "Mehmet", language_code: "tr" };
    fake.userSendsText(mehmet, "/feedback", group);
    let shown = await fake.waitForMessages(-900, (m) => m.length > 0);
    // No flow named: the link just opens the chat (its Start button sends a bare /start).
    expect(lastText(shown)).toBe("Anketler benimle özel sohbette yapılır: https://t.me/cx_survey_test_bot");
    fake.userSendsText(mehmet, `/feedback@cx_survey_test_bot csat`, group);
    shown = await fake.waitForMessages(-900, (m) => m.length > 1);
    const link = /https:\/\/t\.me\/\S+/.exec(lastText(shown))?.[0] ?? "";
    expect(link).toBe("https://t.me/cx_survey_test_bot?start=csat");
    // Following it starts that survey in the private chat.
    fake.userSendsText(mehmet, `/start ${new URL(link).searchParams.get("start") ?? ""}`);
    await fake.waitForMessages(503, (m) =>
      m.some((x) => (x.reply_markup?.inline_keyboard.flat().length ?? 0) === 5),
    );
    expect(fake.messages(-900)).toHaveLength(2);
  });
});

describe("Telegram by webhook", () => {
  let fake: FakeTelegram;
  let adapter: TelegramAdapter;
  let close: () => Promise<void>;
  let port = 0;
  const secret = "s3cret-token-for-tests_0123456789";
  beforeAll(async () => {
    fake = await startFakeTelegram({ token: "2222:webhook-bot-token-bbbbbbbbbbbbbbbb" });
    adapter = createTelegramAdapter({
      token: fake.token,
      apiRoot: fake.apiRoot,
      service: h.service,
      logger,
      defaultLocale: "en",
      webhook: { domain: "bot.example.com", secret, maxConnections: 8 },
    });
    const path = adapter.webhookPath ?? "";
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      logger,
      routes: new Map([[path, (req, res) => adapter.handleWebhook(req, res)]]),
      health: async () => ({ ok: adapter.ready, checks: { telegram: adapter.ready } }),
    });
    port = http.port;
    close = () => http.close();
    fake.routeWebhooks(`http://127.0.0.1:${port}`);
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await close();
    await fake.close();
  });

  it("registers the webhook with its secret and answers /healthz", async () => {
    expect(fake.webhookInfo().url).toBe(`https://bot.example.com${adapter.webhookPath}`);
    expect(fake.webhookInfo().max_connections).toBe(8);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it("rejects a forged delivery with 401 and records nothing", async () => {
    const update = fake.userSendsText({ id: 601, first_name: "Eve", language_code: "en" }, "/start nps");
    const forged = await fake.deliver(update, { secretToken: "wrong" });
    expect(forged.status).toBe(401);
    const missing = await fake.deliver(update, { secretToken: null });
    expect(missing.status).toBe(401);
    expect(fake.messages(601)).toEqual([]);
  });

  it("refuses an oversized body with 413, even with the right secret", async () => {
    const res = await fetch(`http://127.0.0.1:${port}${adapter.webhookPath}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify({ update_id: 1, padding: "x".repeat(2_000_000) }),
    });
    expect(res.status).toBe(413);
    // The same without a Content-Length (chunked).
    const chunked = await fetch(`http://127.0.0.1:${port}${adapter.webhookPath}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode("x".repeat(600_000)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("ignores a redelivered update: one answer recorded", async () => {
    const user: FakeUser = { id: 602, first_name: "Omar", language_code: "ar" };
    await fake.deliver(fake.userSendsText(user, "/start csat"));
    const shown = await fake.waitForMessages(602, (m) => m.length > 0);
    const five = button(shown, "٥");
    const press = fake.userPressesButton(user, five.message.message_id, five.data);
    expect((await fake.deliver(press)).status).toBe(200);
    expect((await fake.redeliver(press)).status).toBe(200);
    const record = await h.stores.conversations.getActive("telegram:602", { fresh: true });
    expect(record?.state.answers.filter((a) => a.stepId === "score")).toHaveLength(1);
  });

  it("records every answer once when 200 respondents answer at once (each press delivered twice)", async () => {
    const users: FakeUser[] = Array.from({ length: 200 }, (_, i) => ({ id: 7000 + i, first_name: `U${i}` }));
    await Promise.all(users.map((u) => fake.deliver(fake.userSendsText(u, "/start nps"))));
    const presses = await Promise.all(
      users.map(async (u, i) => {
        const shown = await fake.waitForMessages(u.id, (m) => m.length > 0);
        const b = button(shown, String(i % 11));
        return fake.userPressesButton(u, b.message.message_id, b.data);
      }),
    );
    const results = await Promise.all(presses.flatMap((p) => [fake.deliver(p), fake.redeliver(p)]));
    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const [i, u] of users.entries()) {
      const record = await h.stores.conversations.getActive(`telegram:${u.id}`, { fresh: true });
      const scores = record?.state.answers.filter((a) => a.stepId === "score") ?? [];
      expect(scores.map((a) => (a.answer.type === "rating" ? a.answer.value : -1))).toEqual([i % 11]);
    }
  });
});
