import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bots/logger.ts";
import { createTelegramAdapter, type TelegramAdapter } from "../../bots/telegram/telegram.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
} from "../fakes/telegram-api.ts";
import { lastButton } from "../helpers/telegram.ts";
import { createPrivacyHarness, everyDocument, type PrivacyHarness, rollupCounts } from "./setup.ts";

let h: PrivacyHarness;
let fake: FakeTelegram;
let adapter: TelegramAdapter;
beforeAll(async () => {
  h = await createPrivacyHarness();
  fake = await startFakeTelegram({ maxLongPollMs: 200, token: "4444:privacy-bot-token-aaaaaaaaaaaaaaaaa" });
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
const mentioning = async (needles: readonly string[]) =>
  (await everyDocument(h)).filter((d) => needles.some((n) => d.json.includes(n)));

describe("/forget on Telegram", () => {
  it("is in the command menu of every language", () => {
    const menus = fake
      .callsTo("setMyCommands")
      .map((c) => c.body as { commands: { command: string; description: string }[]; language_code?: string });
    const forget = (code?: string) =>
      menus.find((m) => m.language_code === code)?.commands.find((c) => c.command === "forget")?.description;
    expect(forget(undefined)).toBe("Erase my data");
    expect(forget("fa")).toBe("پاک کردن اطلاعات من");
    expect(forget("ar")).toBe("حذف بياناتي");
    expect(forget("tr")).toBe("Verilerimi sil");
  });

  it("asks first in English: No keeps everything, a typed yes erases it all and the rollups keep the counts", async () => {
    const user: FakeUser = {
      id: 5550123987,
      first_name: "Ignatius",
      last_name: "Fairweather",
      language_code: "en",
    };
    fake.userSendsText(user, "/feedback nps");
    await fake.waitForMessages(user.id, (m) => lastText(m).includes("recommend"), 5_000);
    fake.userSendsText(user, "3");
    await fake.waitForMessages(user.id, (m) => m.length >= 2, 5_000);
    fake.userSendsText(user, "the quokka sandwiches were stale");
    await fake.waitForMessages(user.id, (m) => m.length >= 3, 5_000);
    fake.userSendsText(user, "/forget");
    let shown = await fake.waitForMessages(
      user.id,
      (m) => lastText(m).startsWith("Do you want us to erase"),
      5_000,
    );
    const no = lastButton(shown, "No, keep it");
    fake.userPressesButton(user, no.id, no.data);
    shown = await fake.waitForMessages(
      user.id,
      (m) => m.some((x) => x.text === "Nothing was erased."),
      5_000,
    );
    expect((await mentioning(["quokka"])).length).toBeGreaterThan(0);

    await h.service.flush();
    const rollups = await rollupCounts(h);
    fake.userSendsText(user, "/forget");
    shown = await fake.waitForMessages(
      user.id,
      (m) => m.filter((x) => x.text.startsWith("Do you want us to erase")).length >= 2,
      5_000,
    );
    fake.userSendsText(user, "yes");
    await fake.waitForMessages(
      user.id,
      (m) => m.some((x) => x.text.startsWith("Done. Everything we kept")),
      5_000,
    );
    await h.service.flush();
    expect(await mentioning([String(user.id), "Ignatius", "Fairweather", "quokka"])).toEqual([]);
    expect(await rollupCounts(h)).toEqual(rollups);
  });

  it("asks in Persian and a typed «بله» erases", async () => {
    const user: FakeUser = { id: 5550456321, first_name: "Shahrzad", language_code: "fa" };
    fake.userSendsText(user, "/feedback csat");
    await fake.waitForMessages(user.id, (m) => m.length >= 1, 5_000);
    fake.userSendsText(user, "۲");
    await fake.waitForMessages(user.id, (m) => m.length >= 2, 5_000);
    fake.userSendsText(user, "فراموشم کن");
    const shown = await fake.waitForMessages(
      user.id,
      (m) => lastText(m).startsWith("می‌خواهید همهٔ اطلاعاتی"),
      5_000,
    );
    expect(
      shown
        .at(-1)
        ?.reply_markup?.inline_keyboard.flat()
        .map((b) => b.text),
    ).toEqual(["بله، پاک شود", "خیر، بماند"]);
    expect((await mentioning([String(user.id)])).length).toBeGreaterThan(0);
    fake.userSendsText(user, "بله");
    await fake.waitForMessages(
      user.id,
      (m) => m.some((x) => x.text === "انجام شد. همهٔ اطلاعاتی که از شما داشتیم پاک شد."),
      5_000,
    );
    expect(await mentioning([String(user.id), "Shahrzad"])).toEqual([]);
  });

  it("a typed yes with no question open is an answer, not an erase", async () => {
    const user: FakeUser = { id: 5550789654, first_name: "Marguerite", language_code: "en" };
    fake.userSendsText(user, "/feedback nps");
    await fake.waitForMessages(user.id, (m) => lastText(m).includes("recommend"), 5_000);
    fake.userSendsText(user, "2");
    await fake.waitForMessages(user.id, (m) => m.length >= 2, 5_000);
    fake.userSendsText(user, "slow");
    await fake.waitForMessages(user.id, (m) => lastText(m).includes("get in touch"), 5_000);
    fake.userSendsText(user, "yes");
    await fake.waitForMessages(user.id, (m) => m.length >= 4, 5_000);
    const kept = await mentioning([String(user.id)]);
    expect(kept.some((d) => d.collection === "responses")).toBe(true);
  });
});
