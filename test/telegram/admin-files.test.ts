import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bots/logger.ts";
import { createTelegramAdapter, type TelegramAdapter } from "../../bots/telegram/telegram.ts";
import type { AdminMessage, AdminRequest, AdminService } from "../../core/admin/types.ts";
import { type FakeTelegram, type FakeUser, startFakeTelegram } from "../fakes/telegram-api.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

/**
 * How the adapter uploads an admin reply that carries a file, for replies the admin service's own catalog never
 * makes (a text longer than a caption): a stand-in admin service answers with the message under test; the
 * adapter, telegraf and the fake Bot API are real (long polling).
 */

const ADMIN: FakeUser = { id: 7701, first_name: "Ada", language_code: "en" };
const YAML = "key: csat\ntitle:\n  en: Customer Satisfaction\n";

const reply = (text: string): AdminMessage => ({
  text,
  locale: "en",
  rtl: false,
  buttons: [
    [{ label: "Show changes", payload: "cx:c:diff csat" }],
    [{ label: "Publish", payload: "cx:p:csat:1" }],
  ],
  file: { name: "csat.yaml", content: YAML, mime: "application/yaml" },
});

let h: Harness;
let fake: FakeTelegram;
let adapter: TelegramAdapter;
const requests: AdminRequest[] = [];

beforeAll(async () => {
  h = await createHarness();
  fake = await startFakeTelegram({ maxLongPollMs: 200, token: "7777:admin-files-bot-token-gggggggggggggg" });
  adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service: h.service,
    logger: createLogger("silent"),
    defaultLocale: "en",
  });
  const admin: AdminService = {
    async handle(request) {
      requests.push(request);
      const text = request.input.type === "command" ? request.input.text : "";
      return {
        status: "handled",
        messages: [reply(text === "export long" ? `${"x".repeat(1500)} end` : "csat v1")],
      };
    },
    awaitsText: async () => false,
    flowKeys: async () => ["csat"],
    isAdmin: async () => true,
  };
  adapter.attachAdmin?.(admin);
  await adapter.start();
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
  await h.close();
});

describe("Telegram admin files", () => {
  it("sends a short reply as the document's caption, with the buttons on the document", async () => {
    fake.userSendsText(ADMIN, "/cx export short");
    const [document] = await fake.waitForMessages(ADMIN.id, (m) => m.length === 1);
    expect(document?.document?.file_name).toBe("csat.yaml");
    expect(document?.caption).toBe("csat v1");
    expect(document?.reply_markup?.inline_keyboard.map((r) => r.map((b) => b.callback_data))).toEqual([
      ["cx:c:diff csat"],
      ["cx:p:csat:1"],
    ]);
    expect(fake.file(document?.document?.file_id ?? "")?.bytes.toString("utf8")).toBe(YAML);
  });

  it("sends a reply longer than a caption (1024) as a message first, then the document with the buttons", async () => {
    const before = fake.messages(ADMIN.id).length;
    fake.userSendsText(ADMIN, "/cx export long");
    const shown = await fake.waitForMessages(ADMIN.id, (m) => m.length === before + 2);
    const [text, document] = shown.slice(before);
    expect(text?.text).toBe(`${"x".repeat(1500)} end`);
    expect(text?.reply_markup).toBeUndefined();
    expect(document?.caption).toBeUndefined();
    expect(document?.document?.file_name).toBe("csat.yaml");
    expect(document?.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      "Show changes",
      "Publish",
    ]);
  });

  it("hands a document captioned /cx to the admin service, read on demand through getFile (long polling too)", async () => {
    const calls = fake.callsTo("getFile").length;
    fake.userSendsDocument(ADMIN, { name: "edited.yaml", content: "key: csat\n# é\n" }, "/cx import csat");
    await fake.waitForMessages(ADMIN.id, () => requests.some((r) => r.attachment !== undefined));
    const request = requests.find((r) => r.attachment !== undefined);
    expect(request?.input).toEqual({ type: "command", text: "import csat" });
    expect(request?.attachment?.name).toBe("edited.yaml");
    expect(request?.attachment?.size).toBe(Buffer.byteLength("key: csat\n# é\n"));
    // Nothing is downloaded until the service reads it.
    expect(fake.callsTo("getFile").length).toBe(calls);
    expect(await request?.attachment?.read()).toBe("key: csat\n# é\n");
    expect(fake.callsTo("getFile").length).toBe(calls + 1);
  });
});
