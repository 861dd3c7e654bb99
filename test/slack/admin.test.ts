import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import { t } from "../../core/i18n/messages.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import {
  type EphemeralMessage,
  type FakeSlack,
  type FakeSlackUser,
  type SlackBlock,
  type StoredSlackMessage,
  startFakeSlack,
} from "../fakes/slack-api.ts";

/**
 * Admin commands in Slack, end to end: `/cx` as a slash command through the real bolt app wired as `npm start`
 * wires it (bots/platforms.ts), its replies ephemeral Block Kit, admin buttons pressed on them, guided edits
 * answered in the DM, flows exported as uploaded files and imported as files shared in the DM — against the fake
 * Slack on 127.0.0.1 and the real database.
 */

const logger = createLogger(process.env.TEST_LOG_LEVEL === "debug" ? "debug" : "silent");
const GENERAL = "C0GENERAL";

const admin: FakeSlackUser = { id: "U0ADMIN", name: "parisa", real_name: "Parisa", locale: "en-US" };
const stranger: FakeSlackUser = { id: "U0EVE", name: "eve", locale: "en-US" };

let slack: FakeSlack;
let cxbot: RunningCxbot;

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: "5f0c0ffee5f0c0ffee5f0c0ffee5f0c0" });
  slack.addUser(admin);
  slack.addUser(stranger);
  slack.addChannel(GENERAL, "general");
  const config = loadConfig({
    MONGODB_URI: inject("mongoUri"),
    PORT: "0",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    CX_ADMINS: `slack:${admin.id},telegram:12345`,
    DIGEST_AT: "off",
  });
  cxbot = await startCxbot(config, {
    projectRoot: resolve(import.meta.dirname, "../.."),
    logger,
    dbName: `cxtest_slack_admin_${randomBytes(4).toString("hex")}`,
    host: "127.0.0.1",
  });
  slack.routeTo(`http://127.0.0.1:${cxbot.platforms.http.port}/slack/events`);
});

afterAll(async () => {
  await cxbot?.app.database.connection.dropDatabase().catch(() => undefined);
  await cxbot?.close();
  await slack?.close();
});

const stores = () => cxbot.app.database.stores;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What Slack shows of a message's sections (mrkdwn entities decoded, as the reader sees them). */
function shown(blocks: readonly SlackBlock[] | undefined): string {
  return (blocks ?? [])
    .flatMap((b) => (b.type === "section" && isRecord(b.text) ? [String(b.text.text)] : []))
    .join("\n")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The buttons of a message: label, value, action id and style. */
function buttons(blocks: readonly SlackBlock[] | undefined) {
  return (blocks ?? []).flatMap((b) =>
    b.type === "actions" && Array.isArray(b.elements)
      ? b.elements.filter(isRecord).map((el) => ({
          label: isRecord(el.text) ? String(el.text.text) : "",
          value: String(el.value),
          actionId: String(el.action_id),
          style: el.style,
        }))
      : [],
  );
}

/** Waits until `count` more ephemeral messages came than `before`; returns the new ones. */
async function newEphemerals(before: number, count = 1): Promise<EphemeralMessage[]> {
  const all = await slack.waitFor(
    () => slack.ephemerals().length >= before + count && slack.ephemerals(),
    10_000,
  );
  return all.slice(before);
}

/** Runs `/cx <text>` as `user` (in #general unless told) and returns its ephemeral replies once `count` came. */
async function cx(
  text: string,
  options: { user?: FakeSlackUser; channel?: string; count?: number } = {},
): Promise<EphemeralMessage[]> {
  const before = slack.ephemerals().length;
  const sent = await slack.sendSlashCommand(options.user ?? admin, "/cx", text, {
    channelId: options.channel ?? GENERAL,
  });
  // Acknowledged at once and empty: the replies follow through the response_url.
  expect(sent).toMatchObject({ status: 200, body: "" });
  expect(sent.ms).toBeLessThan(3000);
  return newEphemerals(before, options.count);
}

/** Presses a button of an ephemeral reply; resolves once the press was acknowledged. */
async function pressEphemeral(message: EphemeralMessage, label: string): Promise<void> {
  const click = await slack.clickEphemeralButton(admin, message.ts, { text: label });
  expect(click.status).toBe(200);
}

const botMessages = (channel: string) => slack.messages(channel).filter((m) => m.user === slack.botUserId);

/** Waits for a bot message in `channel` after the first `before` whose text includes `needle`. */
async function botMessage(channel: string, before: number, needle: string): Promise<StoredSlackMessage> {
  const found = await slack.waitFor(
    () =>
      botMessages(channel)
        .slice(before)
        .find((m) => `${m.text ?? ""}\n${shown(m.blocks)}`.includes(needle)),
    10_000,
  );
  return found;
}

/** A respondent starts CSAT with `/feedback csat`; returns the first question (with its buttons). */
async function startCsat(user: FakeSlackUser): Promise<StoredSlackMessage> {
  slack.addUser(user);
  const dm = slack.dmChannelOf(user.id);
  const before = botMessages(dm).length;
  const sent = await slack.sendSlashCommand(user, "/feedback", "csat");
  expect(sent.status).toBe(200);
  return slack.waitFor(
    () =>
      botMessages(dm)
        .slice(before)
        .find((m) => buttons(m.blocks).length > 0),
    10_000,
  );
}

/** Answers the question with the button `label`; returns the next question's text. */
async function answer(user: FakeSlackUser, question: StoredSlackMessage, label: string): Promise<string> {
  const dm = slack.dmChannelOf(user.id);
  const before = botMessages(dm).length;
  const click = await slack.clickButton(user, dm, question.ts, { text: label });
  expect(click.status).toBe(200);
  const next = await slack.waitFor(() => botMessages(dm)[before], 10_000);
  return shown(next.blocks) || (next.text ?? "");
}

/** Types a DM and waits for the bot's next message; returns its text. */
async function say(user: FakeSlackUser, text: string): Promise<string> {
  const dm = slack.dmChannelOf(user.id);
  const before = botMessages(dm).length;
  await slack.userSendsDm(user, text);
  const next = await slack.waitFor(() => botMessages(dm)[before], 10_000);
  return shown(next.blocks) || (next.text ?? "");
}

async function archived(userId: string): Promise<ConversationRecord | undefined> {
  for await (const r of stores().responses.list({ flowKey: "csat" }))
    if (r.key === `slack:${userId}`) return r;
  return undefined;
}

/** The respondent's archived CSAT response, once their conversation has ended. */
async function eventuallyArchived(userId: string): Promise<ConversationRecord> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const record = await archived(userId);
    if (record) return record;
    if (Date.now() > deadline) throw new Error(`no archived response of ${userId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const liveVersion = async (flow: string): Promise<number> => (await stores().admin.control(flow))?.live ?? 0;

describe("/cx in Slack", () => {
  it("answers privately in Block Kit: escaped mrkdwn sections, admin buttons", async () => {
    const [help] = await cx("help");
    expect(help?.via).toBe("response_url");
    expect(help?.user).toBe(admin.id);
    // `<flow>` is escaped, so Slack shows it instead of reading a link.
    const section = help?.blocks?.find((b) => b.type === "section");
    expect(section).toMatchObject({ text: { type: "mrkdwn", verbatim: true } });
    expect(JSON.stringify(section)).toContain("show &lt;flow&gt; [language]");
    expect(shown(help?.blocks)).toContain("show <flow> [language]");
    // Nothing of it was posted in the channel.
    expect(slack.messages(GENERAL)).toEqual([]);

    const [flows] = await cx("flows");
    expect(shown(flows?.blocks)).toContain("csat");
    expect(buttons(flows?.blocks).length).toBeGreaterThan(0);
    expect(
      buttons(flows?.blocks).every((b) => b.value.startsWith("cx:") && /^cx_admin_\d+$/.test(b.actionId)),
    ).toBe(true);
  });

  it("edit → diff → publish: a guided edit with buttons, the text sent in the DM; new surveys show it", async () => {
    const before = await liveVersion("csat");
    const newPrompt = "How happy are you with us today? <3 & more";
    const [targets] = await cx("text csat");
    expect(shown(targets?.blocks)).toContain("Which text of csat");
    const picked = slack.ephemerals().length;
    await pressEphemeral(targets!, "score");
    const [languages] = await newEphemerals(picked);
    expect(shown(languages?.blocks)).toContain("In which language?");
    expect(buttons(languages?.blocks).map((b) => b.label)).toEqual(["English", "فارسی", "العربية", "Türkçe"]);

    // The reply that waits for the new text goes to the DM: plain messages reach the app only there.
    const dm = slack.dmChannelOf(admin.id);
    const inDm = botMessages(dm).length;
    await pressEphemeral(languages!, "English");
    const ask = await botMessage(dm, inDm, "Send the new text for score (English)");
    expect(shown(ask.blocks)).toContain("How satisfied were you with your recent experience with us?");

    const saved = await say(admin, newPrompt);
    expect(saved).toContain("Saved in the draft of csat");
    // Survey answers were not touched: the admin has no conversation.
    expect(await stores().conversations.getActive(`slack:${admin.id}`, { fresh: true })).toBeNull();

    // "Show changes" on the reply in the DM (its buttons came through the survey responder): answered privately.
    const savedMessage = await botMessage(dm, inDm, "Saved in the draft of csat");
    const ephemeralsBefore = slack.ephemerals().length;
    const click = await slack.clickButton(admin, dm, savedMessage.ts, { text: "Show changes" });
    expect(click.status).toBe(200);
    const [diff] = await newEphemerals(ephemeralsBefore);
    expect(shown(diff?.blocks)).toContain("How satisfied were you with your recent experience with us?");
    expect(shown(diff?.blocks)).toContain(newPrompt);
    expect(JSON.stringify(diff?.blocks)).toContain("&lt;3 &amp; more");
    const publish = buttons(diff?.blocks).find((b) => b.label === "Publish");
    expect(publish).toMatchObject({ style: "primary", actionId: expect.stringMatching(/^cx_admin_\d+$/) });

    const published = slack.ephemerals().length;
    await pressEphemeral(diff!, "Publish");
    const [done] = await newEphemerals(published);
    expect(shown(done?.blocks)).toContain(`csat version ${before + 1} is live`);
    expect(await liveVersion("csat")).toBe(before + 1);

    // A respondent's new survey asks the new question.
    const question = await startCsat({ id: "U0NEWRESP", name: "newresp", locale: "en-US" });
    expect(shown(question.blocks)).toContain(newPrompt);
  });

  it("import: a broken file lists every problem with path and line and changes nothing; a good one publishes", async () => {
    const dm = slack.dmChannelOf(admin.id);
    const uploaded = slack.uploads().length;
    // `/cx export` anywhere: the caption privately, the file uploaded into the admin's DM.
    const [caption] = await cx("export csat");
    expect(shown(caption?.blocks)).toContain("send it back attached to /cx import csat");
    const file = await slack.waitFor(
      () => slack.uploads()[uploaded]?.completed && slack.uploads()[uploaded],
      10_000,
    );
    expect(file).toMatchObject({ name: "csat.yaml", title: "csat.yaml", channels: [dm] });
    expect(file.bytes?.length).toBe(file.length);
    const exported = file.bytes?.toString("utf8") ?? "";
    expect(exported).toContain(`# cxbot-base: ${await liveVersion("csat")}.0`);
    expect(slack.messages(dm).find((m) => m.files?.[0]?.id === file.id)).toMatchObject({
      user: slack.botUserId,
      text: expect.stringContaining("csat, version"),
    });

    // Two unknown goto targets: both listed, with their path and line. (The core checks cross-references once the
    // schema holds, so a file's schema errors, like empty prompts, are listed on their own: the second file.)
    const dangling = exported
      .replace("- goto: why-neutral", "- goto: nowhere")
      .replace("- goto: thanks-contact", "- goto: elsewhere");
    const empty = exported
      .replace(/(\n\s+en: )What would have made your experience better\?/, '$1""')
      .replace(/(\n\s+en: )We're sorry your experience wasn't better\. What went wrong\?/, '$1""');
    for (const broken of [dangling, empty]) expect(broken).not.toBe(exported);
    const before = botMessages(dm).length;
    const shared = await slack.userSharesFile(
      admin,
      { name: "csat.yaml", content: dangling },
      "/cx import csat",
    );
    expect(shared.status).toBe(200);
    const problems = shown((await botMessage(dm, before, "Nothing changed. Problems in the file: 2")).blocks);
    expect(problems).toMatch(/steps\[0\]\.next\[1\]\.goto \(line \d+\): .*nowhere/);
    expect(problems).toMatch(/steps\[\d\]\.next\[\d\]\.goto \(line \d+\): .*elsewhere/);
    const secondAt = botMessages(dm).length;
    await slack.userSharesFile(admin, { name: "csat.yaml", content: empty }, "/cx import csat");
    const emptyProblems = shown(
      (await botMessage(dm, secondAt, "Nothing changed. Problems in the file: 2")).blocks,
    );
    expect(emptyProblems).toMatch(/steps\[1\]\.prompt\.en \(line \d+\): must not be empty/);
    expect(emptyProblems).toMatch(/steps\[2\]\.prompt\.en \(line \d+\): must not be empty/);
    // Downloaded with the bot token from url_private_download.
    expect(slack.fileDownloads().filter((d) => d.fileId === shared.fileId)).toEqual([
      { fileId: shared.fileId, authorized: true, status: 200 },
    ]);
    expect((await stores().admin.control("csat"))?.draft).toBeUndefined();
    // `/cx export` typed in the DM (a client that sends it as a message): the survey responder's path, the same file.
    const typedAt = slack.uploads().length;
    await slack.userSendsDm(admin, "/cx export csat");
    const again = await slack.waitFor(
      () => slack.uploads()[typedAt]?.completed && slack.uploads()[typedAt],
      10_000,
    );
    expect(again).toMatchObject({
      name: "csat.yaml",
      channels: [dm],
      initialComment: expect.stringContaining("csat, version"),
    });
    expect(again.bytes?.toString("utf8")).toBe(exported);

    const [noDraft] = await cx("diff csat");
    expect(shown(noDraft?.blocks)).toContain("csat has no draft");

    // The export, edited well, becomes the draft; published, new surveys show it.
    const edited = exported.replace(
      "What would have made your experience better?",
      "What one thing should we fix?",
    );
    const importedAt = botMessages(dm).length;
    await slack.userSharesFile(admin, { name: "csat-edited.yaml", content: edited }, "/cx import csat");
    await botMessage(dm, importedAt, "The file is now the draft of csat");
    const diff = await botMessage(dm, importedAt, "What one thing should we fix?");
    expect(shown(diff.blocks)).toContain("What would have made your experience better?");
    const [published] = await cx("publish csat");
    expect(shown(published?.blocks)).toMatch(/csat version \d+ is live/);
    const dora: FakeSlackUser = { id: "U0DORA", name: "dora", locale: "en-US" };
    expect(await answer(dora, await startCsat(dora), "3")).toContain("What one thing should we fix?");
  });

  it("report: the scores of a flow, after respondents answered it", async () => {
    const [created] = await cx("new pulse from csat");
    expect(shown(created?.blocks)).toContain("Created pulse");
    await pressEphemeral(created!, "Publish");
    await expect
      .poll(async () => (await stores().admin.control("pulse"))?.live ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const answers: [FakeSlackUser, string][] = [
      [{ id: "U0PULSE1", name: "p1", locale: "en-US" }, "5"],
      [{ id: "U0PULSE2", name: "p2", locale: "en-US" }, "4"],
      [{ id: "U0PULSE3", name: "p3", locale: "en-US" }, "1"],
    ];
    for (const [user, score] of answers) {
      slack.addUser(user);
      const dm = slack.dmChannelOf(user.id);
      const before = botMessages(dm).length;
      await slack.sendSlashCommand(user, "/feedback", "pulse");
      const question = await slack.waitFor(
        () =>
          botMessages(dm)
            .slice(before)
            .find((m) => buttons(m.blocks).length > 0),
        10_000,
      );
      await answer(user, question, score);
    }
    await cxbot.app.service.flush();
    const uploaded = slack.uploads().length;
    const [report] = await cx("report pulse");
    const text = shown(report?.blocks);
    expect(text).toContain("report for the last 7 days");
    expect(text).toMatch(/CSAT: 67\s?% \(3 answers\)/);
    // The chart follows as an image uploaded into the admin's DM (files.uploadV2, PNG bytes).
    const chart = await slack.waitFor(
      () => slack.uploads()[uploaded]?.completed && slack.uploads()[uploaded],
      10_000,
    );
    expect(chart.name).toBe("pulse-report.png");
    expect(
      [...(chart.bytes ?? Buffer.alloc(0)).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(""),
    ).toBe("PNG");
  });

  it("a rollback while respondents are mid-survey: each finishes on the version they started with", async () => {
    const v1 = await liveVersion("csat");
    const ali: FakeSlackUser = { id: "U0ALI", name: "ali", locale: "en-US" };
    const bea: FakeSlackUser = { id: "U0BEA", name: "bea", locale: "en-US" };
    const cem: FakeSlackUser = { id: "U0CEM", name: "cem", locale: "en-US" };
    const oldFollowUp = "We're glad you were happy with it! What did you like most?";
    const newFollowUp = "Wonderful. What should we never change?";

    const aliQuestion = await startCsat(ali);
    const [saved] = await cx(`text csat why-positive en ${newFollowUp}`);
    expect(shown(saved?.blocks)).toContain("Saved in the draft of csat");
    const [published] = await cx("publish csat");
    expect(shown(published?.blocks)).toContain(`csat version ${v1 + 1} is live`);
    const beaQuestion = await startCsat(bea);

    const [rolledBack] = await cx(`rollback csat ${v1}`);
    expect(shown(rolledBack?.blocks)).toContain(`csat is back on version ${v1}`);
    expect(await liveVersion("csat")).toBe(v1);

    // Ali started on v1 and finishes on it; Bea started on v2 and finishes on v2, though v1 is live again.
    expect(await answer(ali, aliQuestion, "5")).toContain(oldFollowUp);
    expect(await answer(bea, beaQuestion, "5")).toContain(newFollowUp);
    await say(ali, "Quick delivery");
    await say(bea, "Kind people");
    const aliRecord = await eventuallyArchived(ali.id);
    const beaRecord = await eventuallyArchived(bea.id);
    expect(aliRecord.state.flowVersion).toBe(v1);
    expect(beaRecord.state.flowVersion).toBe(v1 + 1);
    // Whoever starts now gets v1 again.
    expect(shown((await startCsat(cem)).blocks)).toBe(shown(aliQuestion.blocks));
    expect(
      (await stores().conversations.getActive(`slack:${cem.id}`, { fresh: true }))?.state.flowVersion,
    ).toBe(v1);
  });

  it("a non-admin's /cx flows gets the survey help, changes nothing, and is audited", async () => {
    const control = await stores().admin.control("csat");
    const [reply] = await cx("flows", { user: stranger });
    expect(shown(reply?.blocks)).toBe(t("en", "help"));
    expect(shown(reply?.blocks)).not.toContain("csat");
    const [alsoRefused] = await cx("disable csat", { user: stranger });
    expect(shown(alsoRefused?.blocks)).toBe(t("en", "help"));
    expect(await stores().admin.control("csat")).toEqual(control);
    const refused = (await stores().audit.recent(50)).filter(
      (e) => e.action === "admin.refused" && e.actor === `slack:${stranger.id}`,
    );
    expect(refused.map((e) => e.target)).toEqual(["disable", "flows"]);
    expect(refused[0]?.detail).toMatchObject({ platform: "slack" });
  });

  it("acknowledged every request within Slack's 3 seconds", () => {
    expect(slack.signedRequests().length).toBeGreaterThan(30);
    expect(slack.lateAcks()).toEqual([]);
  });

  it("a forged /cx gets 401 and runs nothing", async () => {
    const audits = (await stores().audit.recent(100)).length;
    const ephemerals = slack.ephemerals().length;
    const forged = await slack.sendSlashCommand(admin, "/cx", "disable csat", {
      channelId: GENERAL,
      signature: "forged",
    });
    expect(forged.status).toBe(401);
    const stale = await slack.sendSlashCommand(admin, "/cx", "disable csat", {
      channelId: GENERAL,
      signature: "stale",
    });
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.ephemerals()).toHaveLength(ephemerals);
    expect((await stores().audit.recent(100)).length).toBe(audits);
    expect((await stores().admin.control("csat"))?.enabled).toBe(true);
  });
});
