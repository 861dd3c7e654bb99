import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { RunningCxbot } from "../../bots/platforms.ts";
import { t } from "../../core/i18n/messages.ts";
import { LOCALES } from "../../core/locale.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import type { FakeTelegram, FakeUser, ShownMessage, TgChat, TgUpdate } from "../fakes/telegram-api.ts";
import { startTelegramRig, type TelegramRig } from "../helpers/telegram.ts";

/**
 * `/cx` admin commands on Telegram through the production wiring: cxbot started as `npm start` starts it
 * (`startCxbot`, webhook mode, CX_ADMINS), the real telegraf, the fake Bot API, the real database. A delivery
 * resolves once cxbot has answered the webhook, so every reply an update caused is in the fake by then.
 */

const ADMIN: FakeUser = { id: 9001, first_name: "Ada", language_code: "en" };
/** An admin who never started the bot: the bot cannot write to them first. */
const SHY_ADMIN: FakeUser = { id: 9002, first_name: "Noor", language_code: "en" };
const STRANGER: FakeUser = { id: 9300, first_name: "Sam", language_code: "en" };
const GROUP: TgChat = { id: -1_001_234, type: "supergroup", title: "CX team" };
const SECRET = "admin-suite-webhook-secret_0123456";

let fake: FakeTelegram;
let cx: RunningCxbot;
let rig: TelegramRig | undefined;
/** Real (not test-mode) CSAT scores given in this file, for the report. */
let scored = 0;

beforeAll(async () => {
  rig = await startTelegramRig({
    token: "6666:admin-suite-bot-token-ffffffffffffff",
    secret: SECRET,
    label: "tgadmin",
    env: {
      CX_ADMINS: `telegram:${ADMIN.id},telegram:${SHY_ADMIN.id}`,
      DEFAULT_LOCALE: "en",
      DEFAULT_FLOW: "nps",
    },
  });
  ({ fake, cx } = rig);
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

const stores = () => cx.app.database.stores;

async function deliver(update: TgUpdate): Promise<void> {
  const answer = await fake.deliver(update);
  expect(answer.status).toBe(200);
}

/** What the bot showed in `chatId` while `work` ran (new messages only). */
async function during(chatId: number, work: () => Promise<void>): Promise<ShownMessage[]> {
  const before = new Set(fake.messages(chatId).map((m) => m.message_id));
  await work();
  return fake.messages(chatId).filter((m) => !before.has(m.message_id));
}

/** Sends text and returns what the bot answered in `replyChat` (the user's private chat by default). */
function say(user: FakeUser, text: string, chat?: TgChat, replyChat = user.id): Promise<ShownMessage[]> {
  return during(replyChat, () => deliver(fake.userSendsText(user, text, chat)));
}

const textOf = (messages: readonly ShownMessage[]): string =>
  messages.map((m) => (m.document || m.photo ? (m.caption ?? "") : m.text)).join("\n");

/** The newest message in the chat with a button labelled `label`. */
function buttonIn(chatId: number, label: string): { messageId: number; data: string } {
  const messages = fake.messages(chatId);
  for (let i = messages.length - 1; i >= 0; i--) {
    const b = messages[i]?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
    if (b?.callback_data !== undefined)
      return { messageId: messages[i]?.message_id ?? 0, data: b.callback_data };
  }
  throw new Error(`no button "${label}" in chat ${chatId}: ${JSON.stringify(messages.slice(-3))}`);
}

/** Presses a button in `chat` (private by default); returns the replies in `replyChat` and the callback answer. */
async function press(
  user: FakeUser,
  label: string,
  chat?: TgChat,
  replyChat = user.id,
): Promise<{ replies: ShownMessage[]; answered: boolean }> {
  const { messageId, data } = buttonIn(chat?.id ?? user.id, label);
  const update = fake.userPressesButton(user, messageId, data, chat);
  const replies = await during(replyChat, () => deliver(update));
  return { replies, answered: fake.callbackAnswer(update.callback_query?.id ?? "") !== undefined };
}

/** Sends a document with a caption; returns the replies in the user's private chat. */
function sendFile(
  user: FakeUser,
  file: { name: string; content: string | Buffer; size?: number },
  caption: string,
): Promise<ShownMessage[]> {
  return during(user.id, () => deliver(fake.userSendsDocument(user, file, caption)));
}

/** Exports a flow; returns the message (a document) and the file's text, read back from the fake. */
async function exportFlow(flow: string): Promise<{ message: ShownMessage; yaml: string }> {
  const [message, ...rest] = await say(ADMIN, `/cx export ${flow}`);
  expect(rest).toEqual([]);
  const file = fake.file(message?.document?.file_id ?? "");
  if (!message || !file) throw new Error(`no exported file: ${JSON.stringify(message)}`);
  return { message, yaml: file.bytes.toString("utf8") };
}

async function liveVersion(flow: string): Promise<number> {
  const control = await stores().admin.control(flow);
  if (!control) throw new Error(`no control record for ${flow}`);
  return control.live;
}

/** The version the next publish of a changed draft gets (after a rollback, not live + 1). */
async function nextVersion(flow: string): Promise<number> {
  const [newest] = await stores().admin.versions(flow, 1);
  return (newest?.version ?? 0) + 1;
}

/** Starts csat as a respondent; returns the score question. */
async function startCsat(user: FakeUser): Promise<ShownMessage> {
  const shown = await say(user, "/feedback csat");
  const question = shown.at(-1);
  if (!question?.reply_markup) throw new Error(`no score question: ${JSON.stringify(shown)}`);
  return question;
}

async function score(user: FakeUser, value: string): Promise<ShownMessage[]> {
  const { replies } = await press(user, value);
  scored++;
  return replies;
}

async function archived(userId: number, flow: string): Promise<ConversationRecord[]> {
  const found: ConversationRecord[] = [];
  for await (const r of stores().responses.list({ flowKey: flow }))
    if (r.state.respondent.channel === "telegram" && r.state.respondent.userId === String(userId))
      found.push(r);
  return found;
}

describe("Telegram admin commands", { timeout: 60_000 }, () => {
  it("never advertises /cx in the command menus", () => {
    for (const locale of [undefined, ...LOCALES]) {
      const commands = fake.commands(undefined, locale).map((c) => c.command);
      expect(commands).toContain("feedback");
      expect(commands).not.toContain("cx");
    }
    for (const call of fake.callsTo("setMyCommands")) expect(JSON.stringify(call.body)).not.toMatch(/"cx"/);
  });

  it("edits a text with buttons, shows the diff, publishes by button; a new survey shows the new text", async () => {
    const next = await nextVersion("csat");
    expect(textOf(await say(ADMIN, "/cx text csat"))).toContain("Which text of csat");
    const pickLocale = await press(ADMIN, "score");
    expect(pickLocale.answered).toBe(true);
    expect(textOf(pickLocale.replies)).toContain("In which language?");
    const prompt = await press(ADMIN, "English");
    expect(textOf(prompt.replies)).toContain("How satisfied were you with your recent experience with us?");
    const saved = await say(ADMIN, "How happy are you with us today?");
    expect(textOf(saved)).toContain("Saved in the draft of csat");
    // Admin buttons: callback_data `cx:…` within Telegram's 64 bytes.
    for (const b of saved.flatMap((m) => m.reply_markup?.inline_keyboard.flat() ?? [])) {
      expect(b.callback_data).toMatch(/^cx:/);
      expect(Buffer.byteLength(b.callback_data ?? "")).toBeLessThanOrEqual(64);
    }

    const diff = textOf(await say(ADMIN, "/cx diff csat"));
    expect(diff).toContain("How satisfied were you with your recent experience with us?");
    expect(diff).toContain("How happy are you with us today?");
    // Nobody sees the draft yet.
    const early = await startCsat({ id: 9100, first_name: "Ece", language_code: "en" });
    expect(early.text).toContain("How satisfied were you");

    const published = await press(ADMIN, "Publish");
    expect(published.answered).toBe(true);
    expect(textOf(published.replies)).toContain(`csat version ${next} is live`);
    expect(await liveVersion("csat")).toBe(next);
    const question = await startCsat({ id: 9101, first_name: "Omid", language_code: "en" });
    expect(question.text.split("\n")[0]).toBe("How happy are you with us today?");
  });

  it("an import with errors lists each with its path and line and changes nothing; a valid edit imports and publishes", async () => {
    const { message, yaml } = await exportFlow("csat");
    expect(message.document?.file_name).toBe("csat.yaml");
    const calls = fake.callsTo("getFile").length;
    /** Imports `source`; returns the problems listed (one line each, `• path (line n): reason`). */
    const problems = async (source: string): Promise<string[]> => {
      expect(source).not.toBe(yaml);
      const refused = textOf(
        await sendFile(ADMIN, { name: "csat.yaml", content: source }, "/cx import csat"),
      );
      expect(refused).toContain("Nothing changed");
      return refused.split("\n").filter((l) => l.startsWith("•"));
    };
    const lineOf = (source: string, needle: string) =>
      source.split("\n").findIndex((l) => l.includes(needle)) + 1;

    // A file wrong in both ways lists every shape error (an empty prompt) and every broken reference, each with
    // its path and line.
    const shapeless = yaml
      .replace("goto: thanks-contact", "goto: nowhere")
      .replace(/(\n\s+en: )["']?We.re sorry your experience[^\n]*/, '$1""')
      .replace(/(\n\s+en: )["']?What would have made[^\n]*/, '$1""');
    const empty = await problems(shapeless);
    expect(empty).toHaveLength(3);
    expect(empty[2]).toMatch(
      new RegExp(
        `^• steps\\[\\d+\\]\\.next\\[\\d+\\]\\.goto \\(line ${lineOf(shapeless, "goto: nowhere")}\\): unknown step "nowhere"`,
      ),
    );
    const [firstEmpty, secondEmpty] = shapeless
      .split("\n")
      .flatMap((l, i) => (l.trim() === 'en: ""' ? [i + 1] : []));
    expect(empty[0]).toMatch(
      new RegExp(`^• steps\\[1\\]\\.prompt\\.en \\(line ${firstEmpty}\\): must not be empty`),
    );
    expect(empty[1]).toMatch(
      new RegExp(`^• steps\\[2\\]\\.prompt\\.en \\(line ${secondEmpty}\\): must not be empty`),
    );
    // Once the shape is right, every unknown goto target.
    const misrouted = yaml
      .replace("goto: thanks-contact", "goto: nowhere")
      .replace("goto: why-neutral", "goto: elsewhere");
    const unknown = await problems(misrouted);
    expect(unknown).toHaveLength(2);
    for (const target of ["nowhere", "elsewhere"])
      expect(unknown.find((p) => p.includes(target))).toMatch(
        new RegExp(
          `^• steps\\[\\d+\\]\\.next\\[\\d+\\]\\.goto \\(line ${lineOf(misrouted, `goto: ${target}`)}\\): `,
        ),
      );
    // Each document was downloaded the documented way: getFile, then the file link.
    expect(fake.callsTo("getFile").length).toBe(calls + 2);
    expect(textOf(await say(ADMIN, "/cx diff csat"))).toContain("csat has no draft");

    const next = await nextVersion("csat");
    const edited = yaml.replace("How happy are you with us today?", "How was it, honestly?");
    expect(edited).not.toBe(yaml);
    const imported = textOf(
      await sendFile(ADMIN, { name: "csat-v2.yaml", content: edited }, "/cx import csat"),
    );
    expect(imported).toContain("The file is now the draft of csat");
    expect(imported).toContain("How was it, honestly?");
    expect(textOf((await press(ADMIN, "Publish")).replies)).toContain(`csat version ${next} is live`);
    const question = await startCsat({ id: 9102, first_name: "Lale", language_code: "en" });
    expect(question.text.split("\n")[0]).toBe("How was it, honestly?");
  });

  it("refuses an import too large before downloading it, cuts a download at the limit, and rejects a file that is not text", async () => {
    const calls = fake.callsTo("getFile").length;
    const big = "# padding\n".repeat(30_000);
    const tooBig = textOf(await sendFile(ADMIN, { name: "big.yaml", content: big }, "/cx import csat"));
    expect(tooBig).toContain("The file is too large (293 KB)");
    expect(fake.callsTo("getFile").length).toBe(calls);
    // A client that reports a wrong size: the download stops one byte past the limit.
    const lying = textOf(
      await sendFile(ADMIN, { name: "big.yaml", content: big, size: 100 }, "/cx import csat"),
    );
    expect(lying).toContain("The file is too large (257 KB)");
    expect(fake.callsTo("getFile").length).toBe(calls + 1);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x82]);
    const unreadable = textOf(
      await sendFile(ADMIN, { name: "csat.yaml", content: binary }, "/cx import csat"),
    );
    expect(unreadable).toContain("could not be downloaded");
    expect((await stores().admin.control("csat"))?.draft).toBeUndefined();
    // A document without the command is not an admin request (and not an answer).
    expect(await sendFile(ADMIN, { name: "notes.yaml", content: "a: 1\n" }, "for later")).toEqual([]);
  });

  it("a rollback while respondents are mid-survey: each finishes on the version they started with", async () => {
    const original = await liveVersion("csat");
    const next = await nextVersion("csat");
    const first: FakeUser = { id: 9201, first_name: "Aziz", language_code: "en" };
    const second: FakeUser = { id: 9202, first_name: "Berk", language_code: "en" };
    await startCsat(first);
    expect(textOf(await say(ADMIN, "/cx text csat why-positive en What made you smile?"))).toContain(
      "Saved in the draft",
    );
    expect(textOf(await say(ADMIN, "/cx publish csat"))).toContain(`csat version ${next} is live`);
    await startCsat(second);
    expect(textOf(await say(ADMIN, `/cx rollback csat ${original}`))).toContain(
      `csat is back on version ${original}`,
    );
    expect(await liveVersion("csat")).toBe(original);

    // The second respondent started on the published version and keeps it after the rollback.
    expect(textOf(await score(second, "5"))).toContain("What made you smile?");
    expect(textOf(await say(second, "Great service, thank you"))).toContain("Thanks for sharing");
    // The first started before it: the original follow-up.
    expect(textOf(await score(first, "5"))).toContain("What did you like most?");
    expect(textOf(await say(first, "Lovely people"))).toContain("Thanks for sharing");
    // Someone new starts on the version rolled back to.
    const third: FakeUser = { id: 9203, first_name: "Cem", language_code: "en" };
    await startCsat(third);
    expect(textOf(await score(third, "4"))).toContain("What did you like most?");

    expect((await archived(second.id, "csat")).map((r) => r.state.flowVersion)).toEqual([next]);
    expect((await archived(first.id, "csat")).map((r) => r.state.flowVersion)).toEqual([original]);
    const active = await stores().conversations.getActive(`telegram:${third.id}`, { fresh: true });
    expect(active?.state.flowVersion).toBe(original);
  });

  it("a non-admin's /cx gets the survey help, changes nothing, and is audited as refused", async () => {
    const control = await stores().admin.control("csat");
    const reply = await say(STRANGER, "/cx flows");
    expect(textOf(reply)).toBe(t("en", "help"));
    const calls = fake.callsTo("getFile").length;
    const upload = await sendFile(STRANGER, { name: "csat.yaml", content: "key: csat\n" }, "/cx import csat");
    expect(textOf(upload)).toBe(t("en", "help"));
    // Refused before anything was downloaded.
    expect(fake.callsTo("getFile").length).toBe(calls);
    expect(await stores().admin.control("csat")).toEqual(control);
    const refused = (await stores().audit.recent(50)).filter(
      (e) => e.action === "admin.refused" && e.actor === `telegram:${STRANGER.id}`,
    );
    expect(refused.map((e) => e.target).sort()).toEqual(["flows", "import"]);
  });

  it("/cx export arrives as a document (a multipart upload) and /cx report returns the scores", async () => {
    const { message, yaml } = await exportFlow("csat");
    const upload = fake.callsTo("sendDocument").at(-1);
    expect(upload?.body.document).toMatchObject({ name: "csat.yaml" });
    expect(message.caption).toContain(`csat, version ${await liveVersion("csat")}`);
    expect(message.document?.mime_type).toBe("application/x-yaml");
    expect(parseYaml(yaml)).toMatchObject({ key: "csat", steps: expect.arrayContaining([]) });

    // Scores reach the report once the rollups are flushed (batched): ask until it counts every answer.
    let report = "";
    const deadline = Date.now() + 20_000;
    while (!report.includes(`(${scored} answers)`) && Date.now() < deadline) {
      report = textOf(await say(ADMIN, "/cx report csat"));
      if (!report.includes(`(${scored} answers)`)) await new Promise((r) => setTimeout(r, 300));
    }
    expect(report).toContain("Customer Satisfaction (CSAT)");
    // Two 5s and a 4: all satisfied.
    expect(report).toMatch(new RegExp(`CSAT: 100(\\.0)?% \\(${scored} answers\\)`));

    // The chart follows the text as a photo (sendPhoto, a multipart PNG upload), drawn at twice 800×500.
    const replies = await say(ADMIN, "/cx report csat 12m");
    const photo = replies.find((m) => m.photo)?.photo?.[0];
    expect(photo).toMatchObject({ width: 1600, height: 1000 });
    expect(fake.callsTo("sendPhoto").at(-1)?.body.photo).toMatchObject({ name: "csat-report.png" });
    expect(textOf(replies)).toContain("report for the last 12 months");
  });
});

describe("Telegram admin commands in a group", { timeout: 60_000 }, () => {
  it("answers an admin privately, never in the group; /cx for another bot is not ours", async () => {
    const inGroup = await during(GROUP.id, async () => {
      expect(textOf(await say(ADMIN, "/cx flows", GROUP))).toContain("Flows:");
      expect(textOf(await say(ADMIN, "/cx@cx_survey_test_bot help", GROUP))).toContain("Admin commands");
      expect(await say(ADMIN, "/cx@another_bot flows", GROUP)).toEqual([]);
      // `try` starts the survey in the admin's private chat, not in the group.
      const tried = await say(ADMIN, "/cx try csat", GROUP);
      expect(textOf(tried)).toContain("Started csat for you in test mode");
      expect(tried.some((m) => m.reply_markup?.inline_keyboard.flat().length === 5)).toBe(true);
    });
    expect(inGroup).toEqual([]);
    // Group chatter is no business of the bot's, even from an admin.
    expect(await during(GROUP.id, () => deliver(fake.userSendsText(ADMIN, "lunch?", GROUP)))).toEqual([]);
  });

  it("answers an admin who never started the bot in the group, where the guided edit continues by reply", async () => {
    const shown = await say(SHY_ADMIN, "/cx show csat", GROUP, GROUP.id);
    expect(textOf(shown)).toContain("(csat)");
    expect(fake.messages(SHY_ADMIN.id)).toEqual([]);
    const picked = await press(SHY_ADMIN, "Edit a text", GROUP, GROUP.id);
    expect(picked.answered).toBe(true);
    expect(textOf(picked.replies)).toContain("Which text of csat");
    await press(SHY_ADMIN, "thanks", GROUP, GROUP.id);
    const asked = (await press(SHY_ADMIN, "English", GROUP, GROUP.id)).replies;
    expect(textOf(asked)).toContain("Send the new text for thanks (English)");

    // Someone else's reply, and the admin's own message that replies to nothing, are not the text.
    const other: FakeUser = { id: 9400, first_name: "Pat" };
    const prompt = asked.at(-1)?.message_id ?? 0;
    expect(
      await during(GROUP.id, () => deliver(fake.userRepliesText(other, prompt, "Cheers!", GROUP))),
    ).toEqual([]);
    expect(await during(GROUP.id, () => deliver(fake.userSendsText(SHY_ADMIN, "brb", GROUP)))).toEqual([]);
    const saved = await during(GROUP.id, () =>
      deliver(fake.userRepliesText(SHY_ADMIN, prompt, "Thanks a lot, see you soon!", GROUP)),
    );
    expect(textOf(saved)).toContain("Saved in the draft of csat: thanks (English)");
    const next = await nextVersion("csat");
    expect(textOf((await press(SHY_ADMIN, "Publish", GROUP, GROUP.id)).replies)).toContain(
      `csat version ${next} is live`,
    );
    const control = await stores().admin.control("csat");
    expect(control?.updatedBy).toBe(`telegram:${SHY_ADMIN.id}`);
    // Once they start the bot, replies go to them privately.
    await say(SHY_ADMIN, "/start");
    const privately = await during(GROUP.id, async () => {
      expect(textOf(await say(SHY_ADMIN, "/cx diff csat", GROUP))).toContain("csat has no draft");
    });
    expect(privately).toEqual([]);
  });
});
