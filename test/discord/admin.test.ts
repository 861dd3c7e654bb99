import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCxbot } from "../../bots/platforms.ts";
import { t } from "../../core/i18n/messages.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import type {
  CommandOptionValue,
  DiscordMessage,
  FakeDiscord,
  FakeDiscordUser,
  Json,
} from "../fakes/discord-api.ts";
import { type DiscordRig, startDiscordRig } from "../helpers/discord.ts";

/**
 * `/cx` on Discord through the production wiring (`startCxbot` with DISCORD_BOT_TOKEN and CX_ADMINS): the real
 * discord.js client against the fake Discord (REST, gateway, files), the real database. Replies to the slash
 * command and to admin buttons are ephemeral; typed `/cx …` and a guided edit's text also work in the DM.
 */

const GUILD = "400000000000000007";
const GENERAL = `${GUILD}1`;
const admin: FakeDiscordUser = { id: "310000000000000001", username: "parisa", global_name: "Parisa" };
const stranger: FakeDiscordUser = { id: "310000000000000002", username: "eve" };

let rig: DiscordRig;
let discord: FakeDiscord;
let cxbot: RunningCxbot;

beforeAll(async () => {
  rig = await startDiscordRig({
    fake: { users: [admin, stranger], guilds: [{ id: GUILD, name: "Shop" }] },
    slackAlerts: "C0DISCORDADMIN",
    env: () => ({ CX_ADMINS: `discord:${admin.id},telegram:12345` }),
  });
  ({ discord, cxbot } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const stores = () => cxbot.app.database.stores;
const dmOf = (u: FakeDiscordUser) => discord.dmChannelOf(u.id);
const EPHEMERAL = 64;
const LOADING = 128;

interface Button {
  readonly label: string;
  readonly customId: string;
  readonly style: number;
}
const buttonsOf = (m: DiscordMessage | undefined): Button[][] =>
  (m?.components ?? []).map((row) =>
    ((row.components as { label?: string; custom_id?: string; style?: number }[]) ?? []).map((b) => ({
      label: b.label ?? "",
      customId: b.custom_id ?? "",
      style: b.style ?? 0,
    })),
  );
const labels = (m: DiscordMessage | undefined) =>
  buttonsOf(m)
    .flat()
    .map((b) => b.label);

/**
 * The replies to an interaction, once cxbot has answered it: acknowledged within Discord's 3 seconds, every
 * message only the user sees, within 2,000 characters, none left "thinking".
 */
async function repliesTo(interaction: Json, channel: string): Promise<DiscordMessage[]> {
  const id = String(interaction.id);
  const ack = await discord.waitForResponse(id, 3_000);
  expect(ack.ms).toBeLessThan(3_000);
  await cxbot.platforms.discord?.settled();
  const replies = discord.messages(channel).filter((m) => m.interaction_metadata?.id === id);
  for (const r of replies) {
    expect(r.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(r.flags & LOADING).toBe(0);
    expect(r.content.length).toBeLessThanOrEqual(2000);
  }
  return replies;
}

/** `/cx <subcommand>` with its options, in #general unless `dm`; its ephemeral replies. */
async function cx(
  subcommand: string,
  options: Record<string, CommandOptionValue> = {},
  where: { user?: FakeDiscordUser; dm?: boolean } = {},
): Promise<DiscordMessage[]> {
  const user = where.user ?? admin;
  const sent = await discord.userRunsCommand(
    user,
    `cx ${subcommand}`,
    options,
    where.dm ? {} : { guildId: GUILD, channelId: GENERAL },
  );
  // Deferred at once, privately: the answer edits it.
  expect(await discord.waitForResponse(String(sent.id))).toMatchObject({
    type: 5,
    data: { flags: EPHEMERAL },
  });
  const replies = await repliesTo(sent, where.dm ? dmOf(user) : GENERAL);
  expect(replies.length).toBeGreaterThan(0);
  return replies;
}

/** Presses the button `label` on `message` as `user`; the replies it got. */
async function press(message: DiscordMessage | undefined, label: string, user = admin) {
  const button = buttonsOf(message)
    .flat()
    .find((b) => b.label === label);
  if (!message || !button) throw new Error(`no button ${label} in ${JSON.stringify(buttonsOf(message))}`);
  const sent = await discord.userPressesButton(user, message, button.customId);
  return repliesTo(sent, message.channel_id);
}

const text = (ms: readonly DiscordMessage[]) => ms.map((m) => m.content).join("\n");
const botMessages = (channel: string) => discord.messages(channel).filter((m) => m.author.bot);

/** Waits for a bot message in `channel` after the first `before` whose content includes `needle`. */
function botMessage(channel: string, before: number, needle: string): Promise<DiscordMessage> {
  return discord.waitFor(
    () =>
      botMessages(channel)
        .slice(before)
        .find((m) => m.content.includes(needle)),
    10_000,
  );
}

/** A respondent starts `flow` with `/feedback` in the server; the first question in their DM. */
async function startSurvey(user: FakeDiscordUser, flow = "csat"): Promise<DiscordMessage> {
  discord.addUser(user);
  const before = botMessages(dmOf(user)).length;
  await discord.userRunsCommand(user, "feedback", { flow }, { guildId: GUILD, channelId: GENERAL });
  return discord.waitFor(
    () =>
      botMessages(dmOf(user))
        .slice(before)
        .find((m) => m.components.length > 0),
    10_000,
  );
}

/** Answers a question with its button `label`; the next question's text. */
async function answer(user: FakeDiscordUser, question: DiscordMessage, label: string): Promise<string> {
  const before = botMessages(dmOf(user)).length;
  const button = buttonsOf(question)
    .flat()
    .find((b) => b.label === label);
  await discord.userPressesButton(user, question, button?.customId ?? "");
  return (await discord.waitFor(() => botMessages(dmOf(user))[before], 10_000)).content;
}

/** Types a DM; the bot's next message. */
async function say(user: FakeDiscordUser, words: string): Promise<string> {
  const before = botMessages(dmOf(user)).length;
  await discord.userSendsDm(user, words);
  return (await discord.waitFor(() => botMessages(dmOf(user))[before], 10_000)).content;
}

async function eventuallyArchived(userId: string): Promise<ConversationRecord> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for await (const r of stores().responses.list({ flowKey: "csat" }))
      if (r.key === `discord:${userId}`) return r;
    if (Date.now() > deadline) throw new Error(`no archived response of ${userId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const liveVersion = async (flow: string): Promise<number> => (await stores().admin.control(flow))?.live ?? 0;

/** The file a message carries, as the fake stored it. */
function fileOf(message: DiscordMessage | undefined): { name: string; content: string } {
  const attachment = message?.attachments[0];
  const stored = attachment ? discord.attachment(String(attachment.id)) : undefined;
  if (!stored) throw new Error(`no file on ${JSON.stringify(message)}`);
  return { name: stored.filename, content: stored.bytes.toString("utf8") };
}

describe("/cx on Discord", { timeout: 60_000 }, () => {
  it("is registered as /cx with a subcommand per admin command: flow autocomplete, choices, a file for import", () => {
    const cxCommand = discord.commands().find((c) => c.name === "cx") as {
      description: string;
      description_localizations: Record<string, string>;
      default_member_permissions: string | null;
      options: {
        type: number;
        name: string;
        description: string;
        options?: {
          type: number;
          name: string;
          required?: boolean;
          autocomplete?: boolean;
          choices?: { value: string }[];
        }[];
      }[];
    };
    // Anyone may see it (admins are CX_ADMINS, not server roles); non-admins get the neutral reply.
    expect(cxCommand.default_member_permissions).toBeNull();
    expect(Object.keys(cxCommand.description_localizations)).toEqual(["tr"]);
    // Subcommands (type 1), and groups of them (type 2): Discord takes at most 25 under one command.
    expect(cxCommand.options.length).toBeLessThanOrEqual(25);
    expect(cxCommand.options.map((o) => o.type)).toEqual([...cxCommand.options.map(() => 1).slice(2), 2, 2]);
    expect(cxCommand.options.map((o) => o.name)).toEqual([
      "help",
      "flows",
      "show",
      "text",
      "alert",
      "route",
      "enable",
      "disable",
      "new",
      "export",
      "import",
      "diff",
      "publish",
      "history",
      "rollback",
      "try",
      "report",
      "admins",
      "audit",
      "learn",
      "connect",
      "data",
    ]);
    const connect = cxCommand.options.find((o) => o.name === "connect") as unknown as {
      options: { name: string; type: number; options: (typeof cxCommand.options)[number]["options"] }[];
    };
    expect(connect.options.map((o) => [o.name, o.type])).toEqual([
      ["keys", 1],
      ["webhooks", 1],
      ["send", 1],
    ]);
    const data = cxCommand.options.find((o) => o.name === "data") as unknown as typeof connect;
    expect(data.options.map((o) => o.name)).toEqual([
      "export-responses",
      "erase",
      "export-person",
      "rollups",
    ]);
    const sub = (name: string) =>
      [...cxCommand.options, ...connect.options, ...data.options].find((o) => o.name === name)?.options ?? [];
    expect(sub("text").map((o) => [o.name, o.type, o.required])).toEqual([
      ["flow", 3, true],
      ["step", 3, false],
      ["language", 3, false],
      ["text", 3, false],
    ]);
    expect(sub("text")[0]?.autocomplete).toBe(true);
    expect(sub("new")[0]?.autocomplete).toBeUndefined();
    expect(sub("show")[1]?.choices?.map((c) => c.value)).toEqual(["en", "fa", "ar", "tr"]);
    expect(sub("import").map((o) => [o.name, o.type, o.required])).toEqual([
      ["flow", 3, true],
      ["file", 11, true],
    ]);
    expect(sub("rollback")[1]).toMatchObject({ name: "version", type: 4, required: true });
    expect(sub("report")[1]?.choices?.map((c) => c.value)).toEqual(["7d", "30d", "90d", "12m"]);
    expect(sub("admins").map((o) => [o.name, o.choices?.map((c) => c.value)])).toEqual([
      ["action", ["add", "remove"]],
      ["who", undefined],
    ]);
    expect(sub("alert").map((o) => o.name)).toEqual(["flow", "rule"]);
    expect(sub("route").map((o) => o.name)).toEqual(["flow", "channel"]);
    expect(sub("keys").map((o) => [o.name, o.choices?.map((c) => c.value)])).toEqual([
      ["operation", ["create", "list", "revoke"]],
      ["key", undefined],
    ]);
    expect(sub("send").map((o) => [o.name, o.type, o.required])).toEqual([
      ["flow", 3, true],
      ["file", 11, true],
    ]);
  });

  it("a grouped subcommand (/cx connect keys) reaches the same admin command as typed elsewhere", async () => {
    const replies = await cx("connect keys");
    expect(replies.map((m) => m.content).join("\n")).toMatch(/API key|HTTP API/);
  });

  it("autocompletes flow keys for admins only: others get no suggestions", async () => {
    const asked = await discord.userAutocompletes(
      admin,
      "cx report",
      "flow",
      { flow: "s" },
      { guildId: GUILD, channelId: GENERAL },
    );
    const suggested = await discord.waitForResponse(String(asked.id));
    expect(suggested.type).toBe(8);
    const keys = ((suggested.data?.choices ?? []) as { value: string }[]).map((c) => c.value);
    // Every flow key with an "s" in it (the shipped flows; recovery has no control record).
    expect(keys).toEqual(["ces", "csat", "nps"]);
    const probed = await discord.userAutocompletes(
      stranger,
      "cx show",
      "flow",
      { flow: "" },
      { guildId: GUILD, channelId: GENERAL },
    );
    expect((await discord.waitForResponse(String(probed.id))).data).toEqual({ choices: [] });
  });

  it("edit → diff → publish: a guided edit with buttons and a text box, then one in the DM; new surveys show it", async () => {
    const before = await liveVersion("csat");
    const newPrompt = "How happy are you with us today? <3 & more";
    const [targets] = await cx("text", { flow: "csat" });
    expect(targets?.content).toContain("Which text of csat");
    // More targets than a row holds: packed 5 a row, within Discord's 5 rows.
    const rows = buttonsOf(targets);
    expect(rows.length).toBeLessThanOrEqual(5);
    expect(rows.every((r) => r.length <= 5)).toBe(true);
    expect(labels(targets)).toContain("score");

    const [languages] = await press(targets, "score");
    expect(languages?.content).toContain("In which language?");
    expect(labels(languages)).toEqual(["English", "فارسی", "العربية", "Türkçe"]);
    const [ask] = await press(languages, "English");
    expect(ask?.content).toContain("Send the new text for score (English)");
    expect(ask?.content).toContain("How satisfied were you with your recent experience with us?");
    // In a server typed messages never reach cxbot: a text box instead.
    const write = buttonsOf(ask)
      .flat()
      .find((b) => b.label === "Write the new text");
    expect(write).toMatchObject({ customId: "cx:write", style: 1 });
    const opened = await discord.userPressesButton(admin, ask!, write!.customId);
    expect((await discord.waitForResponse(String(opened.id))).type).toBe(9);
    const modal = await discord.waitFor(() => discord.openModal(admin.id));
    const submitted = await discord.userSubmitsModal(admin, String(modal.custom_id), { text: newPrompt });
    const [saved] = await repliesTo(submitted, GENERAL);
    expect(saved?.content).toContain("Saved in the draft of csat: score (English)");
    expect(buttonsOf(saved)[0]).toEqual([
      { label: "Show changes", customId: "cx:c:diff csat", style: 2 },
      { label: "Publish", customId: expect.stringMatching(/^cx:p:csat:\d+$/), style: 1 },
    ]);
    // The admin has no survey conversation: nothing went to the survey service.
    expect(await stores().conversations.getActive(`discord:${admin.id}`, { fresh: true })).toBeNull();

    // The same in the DM: the new text typed as the next DM, answered there through the survey responder.
    const [dmTargets] = await cx("text", { flow: "csat" }, { dm: true });
    const [dmLanguages] = await press(dmTargets, "why-neutral");
    await press(dmLanguages, "English");
    const inDm = botMessages(dmOf(admin)).length;
    expect(await say(admin, "What one thing would have made it better?")).toContain(
      "Saved in the draft of csat: why-neutral (English)",
    );
    const savedInDm = await botMessage(dmOf(admin), inDm, "Saved in the draft of csat");
    expect(savedInDm.flags & EPHEMERAL).toBe(0);

    // "Show changes" on the DM reply: the diff, privately.
    const [diff] = await press(savedInDm, "Show changes");
    expect(diff?.content).toContain("How satisfied were you with your recent experience with us?");
    expect(diff?.content).toContain(newPrompt);
    expect(diff?.content).toContain("What one thing would have made it better?");
    const [published] = await press(diff, "Publish");
    expect(published?.content).toContain(`csat version ${before + 1} is live`);
    expect(await liveVersion("csat")).toBe(before + 1);

    const question = await startSurvey({ id: "320000000000000001", username: "newresp" });
    expect(question.content).toContain(newPrompt);
    expect(discord.lateOrDoubleAcks()).toEqual([]);
  });

  it("import: a broken file lists every problem with path and line and changes nothing; a good one publishes", async () => {
    const [exportReply] = await cx("export", { flow: "csat" });
    expect(exportReply?.content).toContain("send it back attached to /cx import csat");
    // The file is Discord's attachment, uploaded with the reply (multipart files[0]).
    const exported = fileOf(exportReply);
    expect(exported.name).toBe("csat.yaml");
    expect(exported.content).toContain(`# cxbot-base: ${await liveVersion("csat")}.0`);
    expect(
      discord
        .calls("PATCH /webhooks/:app/:token/messages/:msg")
        .some((c) => c.files?.[0]?.filename === "csat.yaml" && c.status === 200),
    ).toBe(true);

    const lineOf = (source: string, needle: string) =>
      source.split("\n").findIndex((l) => l.includes(needle)) + 1;
    // An unknown goto target and an empty prompt in one file: both listed, each with its path and line.
    const broken = exported.content
      .replace("- goto: thanks-contact", "- goto: nowhere")
      .replace(/(\n\s+en: )We're sorry your experience wasn't better\. What went wrong\?/, '$1""');
    const dangling = exported.content
      .replace("- goto: why-neutral", "- goto: nowhere")
      .replace("- goto: thanks-contact", "- goto: elsewhere");
    for (const file of [broken, dangling]) expect(file).not.toBe(exported.content);

    const problems = text(
      await cx("import", { flow: "csat", file: { filename: "csat.yaml", content: broken } }),
    );
    expect(problems).toContain("Nothing changed. Problems in the file: 2");
    const emptyLine = broken.split("\n").findIndex((l) => l.trim() === 'en: ""') + 1;
    expect(problems).toContain(`• steps[1].prompt.en (line ${emptyLine}): must not be empty`);
    expect(problems).toMatch(
      new RegExp(
        `• steps\\[\\d+\\]\\.next\\[\\d+\\]\\.goto \\(line ${lineOf(broken, "goto: nowhere")}\\): unknown step "nowhere"`,
      ),
    );
    // Downloaded from the attachment's url.
    expect(discord.calls(/^GET \/ephemeral-attachments\//).map((c) => c.status)).toEqual([200]);

    // Typed in the DM with the file attached: the same checks, answered in the DM.
    const before = botMessages(dmOf(admin)).length;
    await discord.userSendsDm(admin, "/cx import csat", [{ filename: "csat.yaml", content: dangling }]);
    const danglingProblems = (await botMessage(dmOf(admin), before, "Problems in the file: 2")).content;
    expect(danglingProblems).toMatch(/steps\[0\]\.next\[1\]\.goto \(line \d+\): .*nowhere/);
    expect(danglingProblems).toMatch(/steps\[\d\]\.next\[\d\]\.goto \(line \d+\): .*elsewhere/);
    expect((await stores().admin.control("csat"))?.draft).toBeUndefined();
    expect(text(await cx("diff", { flow: "csat" }))).toContain("csat has no draft");

    // `/cx export csat` typed in the DM: the file as a message attachment there.
    const typedAt = botMessages(dmOf(admin)).length;
    await discord.userSendsDm(admin, "/cx export csat");
    const typedExport = await botMessage(dmOf(admin), typedAt, "send it back attached to /cx import csat");
    expect(fileOf(typedExport)).toEqual(exported);

    const sorry = "We're sorry your experience wasn't better. What went wrong?";
    const edited = exported.content.replace(sorry, "What one thing should we fix?");
    expect(edited).not.toBe(exported.content);
    const imported = text(
      await cx("import", { flow: "csat", file: { filename: "csat-edited.yaml", content: edited } }),
    );
    expect(imported).toContain("The file is now the draft of csat");
    expect(imported).toContain(`${sorry} → What one thing should we fix?`);
    expect(text(await cx("publish", { flow: "csat" }))).toMatch(/csat version \d+ is live/);
    const dora: FakeDiscordUser = { id: "320000000000000002", username: "dora" };
    expect(await answer(dora, await startSurvey(dora), "1")).toContain("What one thing should we fix?");
  });

  it("a rollback while respondents are mid-survey: each finishes on the version they started with", async () => {
    const v1 = await liveVersion("csat");
    const ali: FakeDiscordUser = { id: "320000000000000011", username: "ali" };
    const bea: FakeDiscordUser = { id: "320000000000000012", username: "bea" };
    const cem: FakeDiscordUser = { id: "320000000000000013", username: "cem" };
    const oldFollowUp = "We're glad you were happy with it! What did you like most?";
    const newFollowUp = "Wonderful. What should we never change?";

    const aliQuestion = await startSurvey(ali);
    const saved = await cx("text", { flow: "csat", step: "why-positive", language: "en", text: newFollowUp });
    expect(text(saved)).toContain("Saved in the draft of csat");
    expect(text(await cx("publish", { flow: "csat" }))).toContain(`csat version ${v1 + 1} is live`);
    const beaQuestion = await startSurvey(bea);

    expect(text(await cx("rollback", { flow: "csat", version: v1 }))).toContain(
      `csat is back on version ${v1}`,
    );
    expect(await liveVersion("csat")).toBe(v1);

    expect(await answer(ali, aliQuestion, "5")).toContain(oldFollowUp);
    expect(await answer(bea, beaQuestion, "5")).toContain(newFollowUp);
    await say(ali, "Quick delivery");
    await say(bea, "Kind people");
    expect((await eventuallyArchived(ali.id)).state.flowVersion).toBe(v1);
    expect((await eventuallyArchived(bea.id)).state.flowVersion).toBe(v1 + 1);
    // Whoever starts now gets v1 again.
    expect((await startSurvey(cem)).content).toBe(aliQuestion.content);
    expect(
      (await stores().conversations.getActive(`discord:${cem.id}`, { fresh: true }))?.state.flowVersion,
    ).toBe(v1);
  });

  it("export as a file and the report: scores of a flow after respondents answered it", async () => {
    const [created] = await cx("new", { flow: "pulse", template: "csat" });
    expect(created?.content).toContain("Created pulse");
    await press(created, "Publish");
    expect(await liveVersion("pulse")).toBeGreaterThan(0);
    const scores: [FakeDiscordUser, string][] = [
      [{ id: "320000000000000021", username: "p1" }, "5"],
      [{ id: "320000000000000022", username: "p2" }, "4"],
      [{ id: "320000000000000023", username: "p3" }, "1"],
    ];
    for (const [user, score] of scores) await answer(user, await startSurvey(user, "pulse"), score);
    const eda: FakeDiscordUser = { id: "320000000000000024", username: "eda" };
    await answer(eda, await startSurvey(eda, "csat"), "4");
    await cxbot.app.service.flush();
    const replies = await cx("report", { flow: "pulse" });
    const report = text(replies);
    expect(report).toContain("report for the last 7 days");
    // The chart is the reply's attachment (multipart files[0]).
    expect(replies.flatMap((r) => r.attachments ?? []).map((a) => a.filename)).toContain("pulse-report.png");
    expect(report).toMatch(/CSAT: 67\s?% \(3 answers\)/);
    const csat = text(await cx("report", { flow: "csat", period: "30d" }));
    expect(csat).toContain("report for the last 30 days");
    expect(csat).toMatch(/CSAT: \d+\s?% \(\d+ answers?\)/);

    const [file] = await cx("export", { flow: "pulse" });
    expect(fileOf(file).name).toBe("pulse.yaml");
    expect(fileOf(file).content).toContain("key: pulse");
  });

  it("/cx try in a server: the admin takes the survey in test mode in their DM, not in the channel", async () => {
    const before = botMessages(dmOf(admin)).length;
    const inChannel = botMessages(GENERAL).filter((m) => (m.flags & EPHEMERAL) === 0).length;
    expect(text(await cx("try", { flow: "ces" }))).toContain("Started ces for you in test mode");
    const question = await discord.waitFor(
      () =>
        botMessages(dmOf(admin))
          .slice(before)
          .find((m) => m.components.length > 0),
      10_000,
    );
    expect(question.content).toContain("How easy was it to get what you needed from us today?");
    expect(botMessages(GENERAL).filter((m) => (m.flags & EPHEMERAL) === 0)).toHaveLength(inChannel);
    const trial = await stores().conversations.getActive(`discord:${admin.id}`, { fresh: true });
    expect(trial?.state).toMatchObject({ flowKey: "ces", test: true });
    expect(await say(admin, "/stop")).not.toBe("");
  });

  it("a non-admin's /cx flows gets the survey help, changes nothing, and is audited", async () => {
    const control = await stores().admin.control("csat");
    const [reply] = await cx("flows", {}, { user: stranger });
    expect(reply?.content).toBe(t("en", "help"));
    expect(reply?.content).not.toContain("csat");
    const [alsoRefused] = await cx("disable", { flow: "csat" }, { user: stranger });
    expect(alsoRefused?.content).toBe(t("en", "help"));
    expect(await stores().admin.control("csat")).toEqual(control);
    const refused = (await stores().audit.recent(50)).filter(
      (e) => e.action === "admin.refused" && e.actor === `discord:${stranger.id}`,
    );
    expect(refused.map((e) => e.target)).toEqual(["disable", "flows"]);
    expect(refused[0]?.detail).toMatchObject({ platform: "discord" });
  });

  it("a redelivered /cx is carried out once and acknowledged once", async () => {
    const sent = await discord.userRunsCommand(
      admin,
      "cx disable",
      { flow: "nps" },
      { guildId: GUILD, channelId: GENERAL },
    );
    expect(text(await repliesTo(sent, GENERAL))).toContain("nps is off");
    await discord.redeliver(sent);
    await new Promise((r) => setTimeout(r, 200));
    await cxbot.platforms.discord?.settled();
    expect(discord.lateOrDoubleAcks()).toEqual([]);
    const disables = (await stores().audit.recent(50, { flow: "nps" })).filter(
      (e) => e.action === "flow.disable",
    );
    expect(disables).toHaveLength(1);
    expect(text(await cx("enable", { flow: "nps" }))).toContain("nps is on");
  });
});
