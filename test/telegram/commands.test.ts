import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bots/logger.ts";
import { createTelegramAdapter, type TelegramAdapter } from "../../bots/telegram/telegram.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

let h: Harness;
let fake: FakeTelegram;
let adapter: TelegramAdapter;
beforeAll(async () => {
  h = await createHarness();
  fake = await startFakeTelegram({ maxLongPollMs: 200, token: "3333:commands-bot-token-aaaaaaaaaaaaaaaa" });
  adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service: h.service,
    logger: createLogger("silent"),
    defaultLocale: "en",
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
  await h.close();
});

const lastText = (messages: ShownMessage[]) => messages.at(-1)?.text ?? "";
const buttons = (m: ShownMessage | undefined) => m?.reply_markup?.inline_keyboard.flat() ?? [];

describe("Telegram commands at any time", () => {
  it("starts the default flow on a bare /start, in the default locale when the app's language is not supported", async () => {
    const hans: FakeUser = { id: 801, first_name: "Hans", language_code: "de" };
    fake.userSendsText(hans, "/start");
    const shown = await fake.waitForMessages(801, (m) =>
      lastText(m).includes("How likely are you to recommend"),
    );
    expect(buttons(shown.at(-1))).toHaveLength(11);
  });

  it("/help repeats the question, /stop ends the survey and keeps what was answered", async () => {
    const lin: FakeUser = { id: 802, first_name: "Lin", language_code: "en" };
    fake.userSendsText(lin, "/feedback csat");
    await fake.waitForMessages(802, (m) => lastText(m).includes("How satisfied"));
    fake.userSendsText(lin, "/help");
    let shown = await fake.waitForMessages(802, (m) =>
      m.some((x) => x.text.startsWith("Answer with the buttons")),
    );
    shown = await fake.waitForMessages(802, (m) => lastText(m).includes("How satisfied") && m.length >= 3);
    fake.userSendsText(lin, "4");
    shown = await fake.waitForMessages(802, (m) => m.length >= 4);
    fake.userSendsText(lin, "/stop");
    shown = await fake.waitForMessages(802, (m) => lastText(m).startsWith("Survey stopped."));
    expect(shown.length).toBeGreaterThanOrEqual(5);
    const archived = [];
    for await (const r of h.stores.responses.list({ flowKey: "csat" }))
      if (r.state.respondent.userId === "802") archived.push(r);
    expect(archived.map((r) => r.state.status)).toEqual(["stopped"]);
    expect(archived[0]?.state.answers.map((a) => a.stepId)).toEqual(["score"]);
  });

  it("/language in a survey offers the languages; the choice is used there and remembered for the next survey", async () => {
    const ayse: FakeUser = { id: 803, first_name: "Ayşe", language_code: "en" };
    fake.userSendsText(ayse, "/feedback ces");
    await fake.waitForMessages(803, (m) => m.length > 0);
    fake.userSendsText(ayse, "/language");
    let shown = await fake.waitForMessages(803, (m) =>
      buttons(m.at(-1)).some((b) => b.text.includes("Türkçe")),
    );
    const picker = shown.at(-1);
    const turkish = buttons(picker).find((b) => b.text.includes("Türkçe"));
    fake.userPressesButton(ayse, picker?.message_id ?? 0, String(turkish?.callback_data));
    shown = await fake.waitForMessages(803, (m) =>
      m.some((x) => x.text === "Dil Türkçe olarak değiştirildi."),
    );
    fake.userSendsText(ayse, "/stop");
    await fake.waitForMessages(803, (m) => lastText(m).length > 0 && m.length > shown.length);
    // The app still says English; the remembered choice wins.
    fake.userSendsText(ayse, "/feedback csat");
    shown = await fake.waitForMessages(803, (m) => lastText(m).includes("memnun"));
    expect(lastText(shown)).not.toMatch(/How satisfied/);
  });

  it("sends plain text (no parse_mode), so nothing a flow or a customer writes is read as markup", () => {
    const sends = [...fake.callsTo("sendMessage"), ...fake.callsTo("editMessageText")];
    expect(sends.length).toBeGreaterThan(5);
    expect(sends.every((c) => c.body.parse_mode === undefined)).toBe(true);
  });

  it("retries a reply whose connection failed, with backoff, and delivers it once", async () => {
    const noor: FakeUser = { id: 804, first_name: "Noor", language_code: "ar" };
    fake.failNext("sendMessage", "network", 2);
    const before = fake.callsTo("sendMessage").length;
    fake.userSendsText(noor, "/feedback csat");
    const shown = await fake.waitForMessages(804, (m) => m.length > 0, 5_000);
    expect(shown).toHaveLength(1);
    expect(fake.callsTo("sendMessage").length - before).toBe(3);
  });

  it("/skip skips a question, /restart begins again, and a restart of cxbot mid-survey loses nothing", async () => {
    const omid: FakeUser = { id: 805, first_name: "Omid", language_code: "fa" };
    fake.userSendsText(omid, "/feedback ces");
    await fake.waitForMessages(805, (m) => m.length > 0);
    fake.userSendsText(omid, "۲");
    await fake.waitForMessages(805, (m) => m.length >= 2);
    // cxbot restarts: a new process, with nothing in memory, on the same database.
    await adapter.stop();
    const stores = createMongoStores(h.db.connection);
    const flows = new FlowRegistry(stores.flows);
    for (const f of (await loadFlowDirectory("flows")).flows) await flows.store(f, "test");
    const service = createSurveyService({
      stores,
      flows,
      analyzer: createRuleBasedSentimentAnalyzer(),
      defaultLocale: "en",
      defaultFlow: "nps",
      rollupFlushMs: 0,
      // The harness's clock, which the first process used.
      clock: () => new Date("2026-11-24T09:00:00Z"),
    });
    adapter = createTelegramAdapter({
      token: fake.token,
      apiRoot: fake.apiRoot,
      service,
      logger: createLogger("silent"),
      defaultLocale: "en",
    });
    await adapter.start();
    // The answer given before the restart is there: /restart replaces that conversation (kept, as replaced).
    fake.userSendsText(omid, "/restart");
    await fake.waitForMessages(805, (m) => (m.at(-1)?.message_id ?? 0) > 4 && lastText(m).includes("آسان"));
    const active = await stores.conversations.getActive("telegram:805", { fresh: true });
    expect(active?.state).toMatchObject({ flowKey: "ces", stepId: "score", answers: [] });
    fake.userSendsText(omid, "۶");
    await fake.waitForMessages(
      805,
      (m) => buttons(m.at(-1)).some((b) => b.text === "رد شدن") && m.length >= 4,
    );
    fake.userSendsText(omid, "/skip");
    await fake.waitForMessages(805, (m) => lastText(m).includes("ممنون"));
    const archived = [];
    for await (const r of stores.responses.list({ flowKey: "ces" }))
      if (r.state.respondent.userId === "805") archived.push(r);
    const byStatus = Object.fromEntries(
      archived.map((r) => [r.state.status, r.state.answers.map((x) => `${x.stepId}:${x.answer.type}`)]),
    );
    expect(byStatus).toEqual({
      replaced: ["score:rating"],
      completed: ["score:rating", "why-positive:skipped"],
    });
    await service.close();
  });
});
