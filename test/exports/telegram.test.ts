import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCxbot } from "../../bots/platforms.ts";
import type { FakeTelegram, FakeUser, ShownMessage } from "../fakes/telegram-api.ts";
import { startTelegramRig, type TelegramRig } from "../helpers/telegram.ts";
import { EXPORT_FLOW, EXPORT_FLOW_HASH, insertResponses } from "./helpers.ts";

/**
 * `/cx export-responses` on Telegram through the production wiring (`startCxbot`, webhook mode, the real
 * telegraf, the fake Bot API, the real database): the CSV arrives as a document.
 */

const ADMIN: FakeUser = { id: 9101, first_name: "Ada", language_code: "fa" };
const SECRET = "exports-suite-webhook-secret_01234";

let fake: FakeTelegram;
let cx: RunningCxbot;
let rig: TelegramRig | undefined;

beforeAll(async () => {
  rig = await startTelegramRig({
    token: "6767:exports-suite-bot-token-hhhhhhhhhhhhhh",
    secret: SECRET,
    label: "tgexport",
    env: {
      CX_ADMINS: `telegram:${ADMIN.id}`,
      DEFAULT_LOCALE: "en",
      DEFAULT_FLOW: "nps",
    },
  });
  ({ fake, cx } = rig);
  await cx.app.database.stores.flows.publish(EXPORT_FLOW, EXPORT_FLOW_HASH, "test");
  const now = Date.now();
  await insertResponses(cx.app.database.connection, [
    {
      id: "g1",
      userId: "601",
      startedAt: new Date(now - 3_600_000),
      score: 4,
      comment: "پیک دیر آمد\nو بسته خراب بود",
    },
    { id: "g2", userId: "602", startedAt: new Date(now - 7_200_000), score: 10, locale: "ar" },
  ]);
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

async function say(text: string): Promise<ShownMessage[]> {
  const before = new Set(fake.messages(ADMIN.id).map((m) => m.message_id));
  const answer = await fake.deliver(fake.userSendsText(ADMIN, text));
  expect(answer.status).toBe(200);
  return fake.messages(ADMIN.id).filter((m) => !before.has(m.message_id));
}

describe("/cx export-responses on Telegram", () => {
  it("sends the responses as a CSV document, captioned in the admin's language", async () => {
    const [message, ...rest] = await say("/cx خروجی-پاسخ‌ها shop 7d");
    expect(rest).toEqual([]);
    expect(message?.document?.file_name).toMatch(/^shop-responses-7d-.*\.csv$/);
    expect(message?.caption).toContain("ردیف");
    const bytes = fake.file(message?.document?.file_id ?? "")?.bytes ?? Buffer.alloc(0);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString("utf8"), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.id).sort()).toEqual(["g1", "g2"]);
    expect(rows.find((r) => r.id === "g1")?.["comment.why"]).toBe("پیک دیر آمد\nو بسته خراب بود");
    expect(rows.every((r) => /^[0-9a-f]{16}$/.test(r.respondent ?? ""))).toBe(true);
  });
});
