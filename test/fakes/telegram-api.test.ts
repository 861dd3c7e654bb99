import http from "node:http";
import type { AddressInfo } from "node:net";
import { Markup, Telegraf, TelegramError } from "telegraf";
import { message } from "telegraf/filters";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeTelegram, type FakeUser, startFakeTelegram } from "./telegram-api.ts";

const alice: FakeUser = { id: 5_001_001, first_name: "Alice", language_code: "en" };
const bob: FakeUser = { id: 5_001_002, first_name: "Bob", language_code: "de" };

let fake: FakeTelegram | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake?.close();
  fake = undefined;
});

async function start(options?: Parameters<typeof startFakeTelegram>[0]): Promise<FakeTelegram> {
  fake = await startFakeTelegram(options);
  return fake;
}

function telegrafFor(f: FakeTelegram): Telegraf {
  return new Telegraf(f.token, { telegram: { apiRoot: f.apiRoot } });
}

/** A raw Bot API call, for what telegraf does not let us send. */
async function raw(
  f: FakeTelegram,
  method: string,
  init: { body?: string; contentType?: string; token?: string; httpMethod?: string; query?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${f.apiRoot}/bot${init.token ?? f.token}/${method}${init.query ?? ""}`, {
    method: init.httpMethod ?? "POST",
    headers: init.body === undefined ? {} : { "content-type": init.contentType ?? "application/json" },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function rejection(promise: Promise<unknown>): Promise<TelegramError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("fake Telegram Bot API: protocol", () => {
  it("answers getMe for the right token, 401 for a wrong one and 404 for unknown methods", async () => {
    const f = await start({ token: "123456789:AAtestTOKEN_abc-def" });
    const me = await telegrafFor(f).telegram.getMe();
    expect(me).toMatchObject({ id: 123456789, is_bot: true, username: f.bot.username });

    expect(await raw(f, "getMe", { token: "123456789:wrong" })).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect(await raw(f, "sendInvoice", { body: "{}" })).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: "Not Found" },
    });
    // Method names are case-insensitive; GET with a query string works too.
    expect((await raw(f, "GETME", { httpMethod: "GET" })).json).toMatchObject({
      ok: true,
      result: { id: 123456789 },
    });
    expect(f.callsTo("getMe")).toHaveLength(2);
  });

  it("takes urlencoded and query-string parameters, and refuses a malformed multipart body", async () => {
    const f = await start();
    f.addPrivateChat(alice);
    const form = await raw(f, "sendMessage", {
      body: new URLSearchParams({
        chat_id: String(alice.id),
        text: "Rate us",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "5", callback_data: "nps:5" }]] }),
      }).toString(),
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(200);
    expect(form.json.result).toMatchObject({ text: "Rate us", chat: { id: alice.id, type: "private" } });
    const query = await raw(f, "sendMessage", { query: `?chat_id=${alice.id}&text=42`, httpMethod: "GET" });
    expect(query.json.result).toMatchObject({ text: "42" });
    const multipart = await raw(f, "sendPhoto", {
      body: "--x\r\n\r\n--x--",
      contentType: "multipart/form-data; boundary=x",
    });
    expect(multipart.status).toBe(400);
  });
});

describe("fake Telegram Bot API: sending through telegraf", () => {
  it("sends a message to a known chat and shows it in the history", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const sent = await bot.telegram.sendMessage(alice.id, "How likely are you to recommend us?", {
      ...Markup.inlineKeyboard([
        [Markup.button.callback("10", "nps:10"), Markup.button.url("Site", "https://x.io")],
      ]),
    });
    expect(sent).toMatchObject({
      message_id: 1,
      chat: { id: alice.id },
      from: { id: f.bot.id, is_bot: true },
    });
    const second = await bot.telegram.sendMessage(alice.id, "  second  ");
    expect(second).toMatchObject({ message_id: 2, text: "second" });
    expect(f.messages(alice.id)).toEqual([
      {
        message_id: 1,
        text: "How likely are you to recommend us?",
        reply_markup: {
          inline_keyboard: [
            [
              { text: "10", callback_data: "nps:10" },
              { text: "Site", url: "https://x.io" },
            ],
          ],
        },
        edited: false,
      },
      { message_id: 2, text: "second", edited: false },
    ]);
    const err = await rejection(bot.telegram.sendMessage(99, "who?"));
    expect(err.code).toBe(400);
    expect(err.description).toBe("Bad Request: chat not found");
    f.userBlocksBot(alice.id);
    expect((await rejection(bot.telegram.sendMessage(alice.id, "hi"))).code).toBe(403);
  });

  it("rejects callback_data over 64 bytes (bytes, not characters) with BUTTON_DATA_INVALID", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const send = (data: string) =>
      bot.telegram.sendMessage(alice.id, "pick", Markup.inlineKeyboard([Markup.button.callback("x", data)]));
    await send("a".repeat(64));
    await send("é".repeat(32)); // 64 bytes
    const err = await rejection(send("a".repeat(65)));
    expect(err).toBeInstanceOf(TelegramError);
    expect(err.code).toBe(400);
    expect(err.description).toContain("BUTTON_DATA_INVALID");
    expect((await rejection(send("é".repeat(33)))).description).toContain("BUTTON_DATA_INVALID");
    expect((await rejection(send(""))).description).toContain("BUTTON_DATA_INVALID");
    const noAction = await rejection(
      bot.telegram.sendMessage(alice.id, "pick", {
        reply_markup: { inline_keyboard: [[{ text: "x" } as never]] },
      }),
    );
    expect(noAction.description).toMatch(/^Bad Request: can't parse inline keyboard button/);
    expect(f.messages(alice.id)).toHaveLength(2);
  });

  it("limits text to 4096 UTF-16 code units after entity parsing", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    await bot.telegram.sendMessage(alice.id, "x".repeat(4096));
    const long = await rejection(bot.telegram.sendMessage(alice.id, "x".repeat(4097)));
    expect([long.code, long.description]).toEqual([400, "Bad Request: message is too long"]);
    await bot.telegram.sendMessage(alice.id, "😀".repeat(2048)); // 4096 code units
    expect((await rejection(bot.telegram.sendMessage(alice.id, "😀".repeat(2049)))).code).toBe(400);
    // Markup does not count.
    await bot.telegram.sendMessage(alice.id, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    const empty = await rejection(bot.telegram.sendMessage(alice.id, " \n "));
    expect(empty.description).toBe("Bad Request: message text is empty");
    expect(
      (await rejection(bot.telegram.sendMessage(alice.id, "<b></b>", { parse_mode: "HTML" }))).description,
    ).toBe("Bad Request: message text is empty");
  });

  it("parses HTML and MarkdownV2 into entities and rejects malformed markup", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const html = await bot.telegram.sendMessage(
      alice.id,
      'Hi <b>Al &amp; Bo</b>, <a href="https://x.io">see</a>',
      {
        parse_mode: "HTML",
      },
    );
    expect(html.text).toBe("Hi Al & Bo, see");
    expect(html.entities).toEqual([
      { type: "bold", offset: 3, length: 7 },
      { type: "text_link", offset: 12, length: 3, url: "https://x.io" },
    ]);
    const html400 = async (text: string) =>
      (await rejection(bot.telegram.sendMessage(alice.id, text, { parse_mode: "HTML" }))).description;
    expect(await html400("<b>bold")).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    expect(await html400("<b>x</i>")).toMatch(/Unmatched end tag at byte offset 4, expected "<\/b>"/);
    expect(await html400("1 < 2")).toMatch(/^Bad Request: can't parse entities: /);
    expect(await html400("<div>x</div>")).toMatch(/Unsupported start tag "div"/);

    const md = await bot.telegram.sendMessage(alice.id, "*Thanks\\!* Score: __9__ \\- `a.b`", {
      parse_mode: "MarkdownV2",
    });
    expect(md.text).toBe("Thanks! Score: 9 - a.b");
    expect(md.entities).toEqual([
      { type: "bold", offset: 0, length: 7 },
      { type: "underline", offset: 15, length: 1 },
      { type: "code", offset: 19, length: 3 },
    ]);
    const md400 = async (text: string) =>
      (await rejection(bot.telegram.sendMessage(alice.id, text, { parse_mode: "MarkdownV2" }))).description;
    expect(await md400("Thanks.")).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(await md400("Great!")).toMatch(/Character '!' is reserved/);
    expect(await md400("1-2")).toMatch(/Character '-' is reserved/);
    expect(await md400("*bold")).toMatch(/Can't find end of Bold entity at byte offset 0/);
    const link = await bot.telegram.sendMessage(alice.id, "[site](https://x.io/a\\)b)", {
      parse_mode: "MarkdownV2",
    });
    expect(link.entities).toEqual([{ type: "text_link", offset: 0, length: 4, url: "https://x.io/a)b" }]);
    expect(
      (await rejection(bot.telegram.sendMessage(alice.id, "x", { parse_mode: "BBCode" as never }))).code,
    ).toBe(400);
  });

  it("edits messages: not modified, not found, and dropping the keyboard when reply_markup is omitted", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const keyboard = Markup.inlineKeyboard([Markup.button.callback("Yes", "y")]);
    const sent = await bot.telegram.sendMessage(alice.id, "Q1", keyboard);
    const same = await rejection(
      bot.telegram.editMessageText(alice.id, sent.message_id, undefined, "Q1", keyboard),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await rejection(bot.telegram.editMessageText(alice.id, 777, undefined, "Q1"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
    const edited = await bot.telegram.editMessageText(alice.id, sent.message_id, undefined, "Q1");
    expect(edited).toMatchObject({ text: "Q1", edit_date: expect.any(Number) });
    expect(f.messages(alice.id)).toEqual([{ message_id: sent.message_id, text: "Q1", edited: true }]);
    await bot.telegram.editMessageReplyMarkup(alice.id, sent.message_id, undefined, keyboard.reply_markup);
    expect(f.messages(alice.id)[0]?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Yes", callback_data: "y" }]],
    });
    const again = await rejection(
      bot.telegram.editMessageReplyMarkup(alice.id, sent.message_id, undefined, keyboard.reply_markup),
    );
    expect(again.description).toMatch(/message is not modified/);
    expect(await bot.telegram.deleteMessage(alice.id, sent.message_id)).toBe(true);
    expect(f.messages(alice.id)).toEqual([]);
    expect((await rejection(bot.telegram.deleteMessage(alice.id, sent.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
  });

  it("sets and reads commands per scope and language, with Telegram's limits", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    await bot.telegram.setMyCommands([{ command: "start", description: "Start the survey" }]);
    await bot.telegram.setMyCommands([{ command: "start", description: "Umfrage starten" }], {
      language_code: "de",
    });
    await bot.telegram.setMyCommands([{ command: "stats", description: "Stats" }], {
      scope: { type: "chat", chat_id: 42 },
    });
    expect(await bot.telegram.getMyCommands()).toEqual([
      { command: "start", description: "Start the survey" },
    ]);
    expect(await bot.telegram.getMyCommands({ language_code: "de" })).toEqual([
      { command: "start", description: "Umfrage starten" },
    ]);
    expect(f.commands({ type: "chat", chat_id: 42 })).toEqual([{ command: "stats", description: "Stats" }]);
    const bad = (command: string, description = "d") =>
      rejection(bot.telegram.setMyCommands([{ command, description }]));
    expect((await bad("Start")).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect((await bad("a".repeat(33))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect((await bad("ok", "x".repeat(257))).code).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ command: `c${i}`, description: "d" }));
    expect((await rejection(bot.telegram.setMyCommands(tooMany))).description).toBe(
      "Bad Request: BOT_COMMANDS_TOO_MUCH",
    );
  });

  it("sendChatAction accepts Telegram's actions only", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    expect(await bot.telegram.sendChatAction(alice.id, "typing")).toBe(true);
    expect((await rejection(bot.telegram.sendChatAction(alice.id, "dancing" as never))).code).toBe(400);
  });
});

describe("fake Telegram Bot API: files", () => {
  it("uploads a document by multipart with a caption and buttons, and serves it back through getFile", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const yaml = "key: csat\ntitle:\n  fa: رضایت\n";
    const sent = await bot.telegram.sendDocument(
      alice.id,
      { source: Buffer.from(yaml, "utf8"), filename: "csat.yaml" },
      {
        caption: "  csat v3  ",
        ...Markup.inlineKeyboard([[Markup.button.callback("Publish", "cx:p:csat:1")]]),
      },
    );
    expect(sent).toMatchObject({
      chat: { id: alice.id },
      caption: "csat v3",
      document: {
        file_name: "csat.yaml",
        mime_type: "application/x-yaml",
        file_size: Buffer.byteLength(yaml),
      },
    });
    expect("text" in sent).toBe(false);
    const shown = f.messages(alice.id).at(-1);
    expect(shown?.caption).toBe("csat v3");
    expect(shown?.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("Publish");
    const fileId = shown?.document?.file_id ?? "";
    expect(f.file(fileId)?.bytes.toString("utf8")).toBe(yaml);

    const link = await bot.telegram.getFileLink(fileId);
    expect(link.href).toBe(`${f.apiRoot}/file/bot${f.token}/${f.file(fileId)?.path}`);
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(yaml);
    expect((await fetch(`${f.apiRoot}/file/bot1:wrong/${f.file(fileId)?.path}`)).status).toBe(401);
    expect((await fetch(`${f.apiRoot}/file/bot${f.token}/documents/nope.yaml`)).status).toBe(404);
    // The same file again by its file_id: no upload, the same file.
    const again = await bot.telegram.sendDocument(alice.id, fileId);
    expect(again.document.file_id).toBe(fileId);
    expect((await rejection(bot.telegram.getFile("no-such-file"))).description).toBe(
      "Bad Request: invalid file_id",
    );
  });

  it("holds documents to Telegram's limits: a caption of 1024 characters, a non-empty file, a known file_id", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const file = () => ({ source: Buffer.from("a: 1\n"), filename: "a.yaml" });
    const long = await rejection(bot.telegram.sendDocument(alice.id, file(), { caption: "x".repeat(1025) }));
    expect(long.description).toBe("Bad Request: message caption is too long");
    // Counted after entity parsing: markup does not count.
    await bot.telegram.sendDocument(alice.id, file(), {
      caption: `<b>${"x".repeat(1024)}</b>`,
      parse_mode: "HTML",
    });
    const empty = await rejection(
      bot.telegram.sendDocument(alice.id, { source: Buffer.alloc(0), filename: "e.yaml" }),
    );
    expect(empty.description).toBe("Bad Request: file must be non-empty");
    const unknown = await rejection(bot.telegram.sendDocument(alice.id, "BQACAgIAAxkBAAIunknown"));
    expect(unknown.description).toBe("Bad Request: wrong file identifier/HTTP URL specified");
    const missing = await raw(f, "sendDocument", { body: JSON.stringify({ chat_id: alice.id }) });
    expect(missing.json.description).toBe("Bad Request: there is no document in the request");
    // An attach:// reference to a part of the same request.
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("document", "attach://flow");
    form.set("flow", new Blob(["k: v\n"]), "flow.yml");
    const res = await fetch(`${f.apiRoot}/bot${f.token}/sendDocument`, { method: "POST", body: form });
    expect(
      ((await res.json()) as { result: { document: { file_name: string } } }).result.document,
    ).toMatchObject({ file_name: "flow.yml" });
    // A document has no text to edit.
    const doc = f.messages(alice.id).at(-1);
    const edit = await rejection(bot.telegram.editMessageText(alice.id, doc?.message_id, undefined, "x"));
    expect(edit.description).toBe("Bad Request: there is no text in the message to edit");
  });

  it("delivers a user's document with its caption and bot_command entity; its file can be fetched", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    const update = f.userSendsDocument(
      alice,
      { name: "csat.yaml", content: "key: csat\n" },
      "/cx import csat",
    );
    const message = update.message;
    expect(message?.caption).toBe("/cx import csat");
    expect(message?.caption_entities).toEqual([{ type: "bot_command", offset: 0, length: 3 }]);
    expect(message?.document).toMatchObject({
      file_name: "csat.yaml",
      mime_type: "application/x-yaml",
      file_size: 10,
    });
    const got = await bot.telegram.getFile(message?.document?.file_id ?? "");
    const body = await fetch(`${f.apiRoot}/file/bot${f.token}/${got.file_path}`);
    expect(await body.text()).toBe("key: csat\n");
  });

  it("cannot write first to a user who never started the bot (403), and knows no unseen chat (400)", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    const group = { id: -4242, type: "group" as const, title: "Team" };
    f.userSendsText(bob, "/cx flows", group);
    const err = await rejection(bot.telegram.sendMessage(bob.id, "hi"));
    expect(err.code).toBe(403);
    expect(err.description).toBe("Forbidden: bot can't initiate conversation with a user");
    expect((await rejection(bot.telegram.sendMessage(777, "hi"))).description).toBe(
      "Bad Request: chat not found",
    );
    f.userSendsText(bob, "/start");
    await bot.telegram.sendMessage(bob.id, "hi");
    const reply = f.userRepliesText(bob, 1, "a reply", group);
    expect(reply.message?.reply_to_message?.text).toBe("/cx flows");
  });
});

describe("fake Telegram Bot API: faults", () => {
  it("surfaces an injected 429 as a TelegramError with retry_after; telegraf does not retry", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    f.failNext("sendMessage", { error_code: 429, parameters: { retry_after: 3 } });
    const err = await rejection(bot.telegram.sendMessage(alice.id, "hi"));
    expect(err.code).toBe(429);
    expect(err.description).toBe("Too Many Requests: retry after 3");
    expect(err.parameters?.retry_after).toBe(3);
    expect(f.callsTo("sendMessage")).toHaveLength(1);
    expect(f.messages(alice.id)).toEqual([]);
    await bot.telegram.sendMessage(alice.id, "hi");
    expect(f.messages(alice.id)).toHaveLength(1);
  });

  it("5xx errors carry the HTTP status text, and 'network' destroys the socket", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    f.failNext("sendMessage", { error_code: 502 });
    const err = await rejection(bot.telegram.sendMessage(alice.id, "hi"));
    expect([err.code, err.description]).toEqual([502, "Bad Gateway"]);
    f.failNext("sendMessage", "network");
    await expect(bot.telegram.sendMessage(alice.id, "hi")).rejects.toMatchObject({ name: "FetchError" });
    f.setLatency(50);
    const t0 = Date.now();
    await bot.telegram.sendMessage(alice.id, "slow");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(f.messages(alice.id).map((m) => m.text)).toEqual(["slow"]);
  });
});

describe("fake Telegram Bot API: getUpdates", () => {
  it("holds a long poll until an update arrives or the (capped) timeout passes, and honours offset", async () => {
    const f = await start({ maxLongPollMs: 200 });
    const t0 = Date.now();
    expect((await raw(f, "getUpdates", { body: JSON.stringify({ timeout: 50 }) })).json).toEqual({
      ok: true,
      result: [],
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);

    const held = raw(f, "getUpdates", { body: JSON.stringify({ timeout: 50 }) });
    await until(() => f.callsTo("getUpdates").length === 2);
    const u1 = f.userSendsText(alice, "/start survey_42");
    const got = (await held).json.result as { update_id: number; message: { entities: unknown } }[];
    expect(got).toHaveLength(1);
    expect(got[0]?.message.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const u2 = f.userSendsText(bob, "hello");
    expect(u2.update_id).toBe(u1.update_id + 1);
    // Not confirmed yet: served again until an offset passes it.
    const again = await raw(f, "getUpdates", { body: JSON.stringify({ offset: u1.update_id, limit: 1 }) });
    expect((again.json.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([u1.update_id]);
    await raw(f, "getUpdates", { body: JSON.stringify({ offset: u2.update_id + 1 }) });
    expect(f.pendingUpdates()).toEqual([]);
  });

  it("ends a held poll with 409 when another getUpdates or a setWebhook comes in", async () => {
    const f = await start({ maxLongPollMs: 2_000 });
    const first = raw(f, "getUpdates", { body: JSON.stringify({ timeout: 30 }) });
    await until(() => f.callsTo("getUpdates").length === 1);
    const second = raw(f, "getUpdates", { body: JSON.stringify({ timeout: 30 }) });
    expect((await first).json).toMatchObject({
      error_code: 409,
      description: expect.stringMatching(/^Conflict: terminated by other getUpdates/),
    });
    await until(() => f.callsTo("getUpdates").length === 2);
    const bot = telegrafFor(f);
    await bot.telegram.setWebhook("https://cx.example.test/hook");
    expect((await second).json).toMatchObject({
      error_code: 409,
      description: "Conflict: terminated by setWebhook request",
    });
    const conflict = await rejection(bot.telegram.getUpdates(0, 100, 0, undefined));
    expect(conflict.code).toBe(409);
    expect(conflict.description).toMatch(/can't use getUpdates method while webhook is active/);
  });
});

describe("telegraf long polling against the fake", () => {
  it("receives text, replies, answers a button press, and stops cleanly", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    bot.on(message("text"), (ctx) =>
      ctx.reply(
        `You said: ${ctx.message.text}`,
        Markup.inlineKeyboard([Markup.button.callback("👍", "nps:10")]),
      ),
    );
    bot.on("callback_query", async (ctx) => {
      await ctx.answerCbQuery("Thanks!");
      await ctx.editMessageText("Recorded: 10");
    });
    const running = bot.launch({ dropPendingUpdates: false });
    cleanups.push(async () => {
      try {
        bot.stop("cleanup");
      } catch {
        // already stopped
      }
      await running.catch(() => undefined);
    });

    f.userSendsText(alice, "hello");
    const [reply] = await f.waitForMessages(alice.id, (ms) => ms.length === 1);
    expect(reply).toMatchObject({ text: "You said: hello", edited: false });

    const press = f.userPressesButton(alice, reply!.message_id, "nps:10");
    const queryId = press.callback_query!.id;
    expect(press.callback_query).toMatchObject({
      data: "nps:10",
      message: { message_id: reply!.message_id },
    });
    await f.waitForMessages(alice.id, (ms) => ms[0]?.text === "Recorded: 10");
    expect(f.callbackAnswer(queryId)).toMatchObject({ text: "Thanks!" });
    expect(f.messages(alice.id)).toEqual([
      { message_id: reply!.message_id, text: "Recorded: 10", edited: true },
    ]);
    expect(() => f.userPressesButton(alice, reply!.message_id, "nps:10")).toThrow(/no button/);

    bot.stop("test");
    await running;
    // telegraf confirms the last offset on stop.
    expect(f.pendingUpdates()).toEqual([]);
    expect(f.callsTo("deleteWebhook")[0]?.body).toEqual({ drop_pending_updates: false });
  });

  it("rejects late, repeated and unknown callback answers", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    f.addPrivateChat(alice);
    const sent = await bot.telegram.sendMessage(
      alice.id,
      "Q",
      Markup.inlineKeyboard([Markup.button.callback("a", "a")]),
    );
    const tooOld = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    const late = f.userPressesButton(alice, sent.message_id, "a").callback_query!.id;
    f.advanceTime(15_001);
    expect((await rejection(bot.telegram.answerCbQuery(late))).description).toBe(tooOld);
    const ok = f.userPressesButton(alice, sent.message_id, "a").callback_query!.id;
    await bot.telegram.answerCbQuery(ok);
    expect((await rejection(bot.telegram.answerCbQuery(ok))).description).toBe(tooOld);
    expect((await rejection(bot.telegram.answerCbQuery("12345"))).description).toBe(tooOld);
    const fresh = f.userPressesButton(alice, sent.message_id, "a").callback_query!.id;
    expect((await rejection(bot.telegram.answerCbQuery(fresh, "x".repeat(201)))).code).toBe(400);
  });
});

describe("telegraf webhooks against the fake", () => {
  async function webhookSetup(secret: string) {
    const f = await start();
    const bot = telegrafFor(f);
    const seen: string[] = [];
    bot.on(message("text"), async (ctx) => {
      seen.push(ctx.message.text);
      await ctx.reply("Got it");
    });
    bot.on("callback_query", (ctx) => ctx.answerCbQuery("Noted"));
    const callback = await bot.createWebhook({
      domain: "cx.example.test",
      path: "/tg/hook",
      secret_token: secret,
    });
    const server = http.createServer((req, res) => void callback(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    f.routeWebhooks(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return { f, bot, seen };
  }

  it("delivers updates with the secret header; a wrong or missing secret gets telegraf's 403", async () => {
    const { f, seen } = await webhookSetup("s3cret_Token-1");
    expect(f.webhookInfo()).toMatchObject({ url: "https://cx.example.test/tg/hook", max_connections: 40 });

    const update = f.userSendsText(alice, "hello");
    expect(f.webhookInfo().pending_update_count).toBe(1);
    expect(await f.deliver(update, { secretToken: "wrong" })).toEqual({ status: 403, body: "" });
    expect(await f.deliver(update, { secretToken: null })).toMatchObject({ status: 403 });
    expect(seen).toEqual([]);
    expect(f.webhookInfo()).toMatchObject({
      pending_update_count: 1,
      last_error_message: "Wrong response from the webhook: 403 Forbidden",
    });

    expect(await f.deliver(update)).toEqual({ status: 200, body: "" });
    expect(seen).toEqual(["hello"]);
    expect(f.messages(alice.id).map((m) => m.text)).toEqual(["Got it"]);
    expect(f.webhookInfo().pending_update_count).toBe(0);
    // Telegram redelivers after failures; the bot sees the same update twice (no dedupe in telegraf).
    expect((await f.redeliver(update)).status).toBe(200);
    expect(seen).toEqual(["hello", "hello"]);
  });

  it("executes answerCallbackQuery sent in the webhook answer (telegraf's webhookReply)", async () => {
    const { f, bot } = await webhookSetup("abc");
    f.addPrivateChat(alice);
    const sent = await bot.telegram.sendMessage(
      alice.id,
      "Q",
      Markup.inlineKeyboard([Markup.button.callback("a", "a")]),
    );
    const update = f.userPressesButton(alice, sent.message_id, "a");
    const result = await f.deliver(update);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ method: "answerCallbackQuery", text: "Noted" });
    expect(f.callbackAnswer(update.callback_query!.id)).toMatchObject({ text: "Noted" });
    expect(f.callsTo("answerCallbackQuery").map((c) => c.via)).toEqual(["webhook"]);
  });

  it("works with webhookCallback on an http URL (insecureWebhooks); pending updates survive a 500", async () => {
    const f = await start({ insecureWebhooks: true });
    const bot = telegrafFor(f);
    const seen: string[] = [];
    bot.on(message("text"), (ctx) => {
      seen.push(ctx.message.text);
    });
    const callback = bot.webhookCallback("/hook", { secretToken: "tok" });
    let down = true;
    const server = http.createServer((req, res) => {
      if (down) res.writeHead(500).end();
      else void callback(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    await bot.telegram.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: "tok" });
    f.userSendsText(alice, "one");
    f.userSendsText(alice, "two");
    expect((await f.deliverPending()).map((r) => r.status)).toEqual([500]);
    expect(f.webhookInfo()).toMatchObject({
      pending_update_count: 2,
      last_error_message: expect.stringContaining("500"),
    });
    down = false;
    expect((await f.deliverPending()).map((r) => r.status)).toEqual([200, 200]);
    expect(seen).toEqual(["one", "two"]);
    expect(f.pendingUpdates()).toEqual([]);
  });

  it("validates setWebhook like Telegram", async () => {
    const f = await start();
    const bot = telegrafFor(f);
    const fail = async (url: string, extra: Parameters<typeof bot.telegram.setWebhook>[1] = {}) =>
      (await rejection(bot.telegram.setWebhook(url, extra))).description;
    expect(await fail("http://cx.example.test/hook")).toBe(
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    expect(await fail("https://cx.example.test:3000/hook")).toMatch(/ports 80, 88, 443 or 8443/);
    expect(await fail("https://cx.example.test/hook", { secret_token: "has space" })).toBe(
      "Bad Request: secret token contains unallowed characters",
    );
    expect(await fail("https://cx.example.test/hook", { secret_token: "a".repeat(257) })).toMatch(
      /^Bad Request/,
    );
    expect(await fail("https://cx.example.test/hook", { max_connections: 101 })).toMatch(/^Bad Request/);
    expect(await bot.telegram.setWebhook("https://cx.example.test/hook", { max_connections: 100 })).toBe(
      true,
    );
    f.userSendsText(alice, "queued");
    expect(await bot.telegram.deleteWebhook({ drop_pending_updates: true })).toBe(true);
    expect(f.pendingUpdates()).toEqual([]);
    expect(await bot.telegram.getWebhookInfo()).toEqual({
      url: "",
      has_custom_certificate: false,
      pending_update_count: 0,
    });
  });
});
