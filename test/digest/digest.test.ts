import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderChartLazily } from "../../bots/charts/digest.ts";
import { CHART_SCALE, renderChartPng } from "../../bots/charts/render.ts";
import { loadConfig } from "../../bots/config.ts";
import { createDiscordNotifier } from "../../bots/discord/notifier.ts";
import { createLogger, type Logger } from "../../bots/logger.ts";
import { postDueDigests } from "../../bots/platforms.ts";
import { digestBlocks } from "../../bots/slack/blocks.ts";
import { createSlackAdapter } from "../../bots/slack/slack.ts";
import { createFanOutNotifier } from "../../core/alerts/fanout.ts";
import { type AlertNotifier, createAlertService, type Digest, isoWeek } from "../../core/alerts/service.ts";
import { digestCharts, digestView } from "../../core/alerts/view.ts";
import { LOCALES } from "../../core/locale.ts";
import { CHART_HEIGHT, CHART_WIDTH } from "../../core/reports/chart.ts";
import { addDays } from "../../core/scores.ts";
import type { InboundInput } from "../../core/types.ts";
import type { DiscordMessage, FakeDiscord } from "../fakes/discord-api.ts";
import { blockKitErrors, type FakeSlack, type StoredSlackMessage } from "../fakes/slack-api.ts";
import { type DiscordRig, startDiscordRig } from "../helpers/discord.ts";
import { decodePng, inkShare } from "./png.ts";

/**
 * The daily and weekly digests with their charts, through cxbot as `npm start` runs it with Slack (the alert
 * channel) and a Discord alert channel beside it, both on their fake servers: the text and a PNG per flow with
 * answers (uploaded with files.uploadV2 on Slack, attached on Discord), once per day or ISO week, on a clock the
 * test sets. Respondents answer through the survey service (channel "console"), as the console adapter does.
 */

const GUILD = "420000000000000001";
const SUPPORT = "420000000000000777";
const ALERTS = "C0DIGEST";
const FULL_WIDTH = CHART_WIDTH * CHART_SCALE;
const FULL_HEIGHT = CHART_HEIGHT * CHART_SCALE;

let rig: DiscordRig;
let slack: FakeSlack;
let discord: FakeDiscord;
/** Today in UTC (every shipped flow and the digest's time zone are UTC): the day the answers count on. */
let today: string;

let seq = 0;
async function answer(userId: string, inputs: readonly InboundInput[]): Promise<void> {
  for (const input of inputs)
    await rig.cxbot.app.service.handle({
      eventId: `digest:${userId}:${++seq}`,
      respondent: { channel: "console", userId, displayName: `Customer ${userId}` },
      input,
      receivedAt: new Date(),
    });
}

beforeAll(async () => {
  rig = await startDiscordRig({
    fake: {
      users: [],
      guilds: [{ id: GUILD, name: "Shop", channels: [{ id: SUPPORT, name: "support" }] }],
    },
    slackAlerts: ALERTS,
    env: () => ({ DISCORD_ALERT_CHANNEL: SUPPORT }),
  });
  ({ slack, discord } = rig);
  today = new Date().toISOString().slice(0, 10);
  // Three CSAT answers today (5, 4, 2: 67 %); no flow but csat has any.
  for (const [i, score] of ["5", "4", "2"].entries())
    await answer(`csat-${i}`, [
      { type: "start", flowKey: "csat", locale: "en" },
      { type: "text", text: score },
    ]);
  await rig.cxbot.app.service.flush();
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const alerts = () => {
  const service = rig.cxbot.platforms.alerts;
  if (!service) throw new Error("no alert service");
  return service;
};
const slackText = (m: StoredSlackMessage | undefined) =>
  `${m?.text ?? ""} ${JSON.stringify(m?.blocks ?? [])}`;
const embedText = (m: DiscordMessage) => JSON.stringify(m.embeds);
/** The chart files Slack got for the message `digest` (uploaded right after it, in the same channel). */
const slackChartsAfter = (digest: StoredSlackMessage, next?: StoredSlackMessage) =>
  slack
    .messages(ALERTS)
    .filter((m) => m.ts > digest.ts && (next === undefined || m.ts < next.ts))
    .flatMap((m) => m.files ?? []);

/**
 * A chart as the renderer draws it: its full size, and ink on it (a chart of a few days' answers is mostly white
 * plot area: grid lines, labels, one point and one bar are about 3 % of its pixels; a blank image has none).
 */
function expectDrawnChart(bytes: Uint8Array | undefined): void {
  expect(bytes).toBeDefined();
  const png = decodePng(bytes ?? new Uint8Array());
  expect([png.width, png.height]).toEqual([FULL_WIDTH, FULL_HEIGHT]);
  const ink = inkShare(png);
  expect(ink).toBeGreaterThan(0.02);
  expect(ink).toBeLessThan(0.6);
}

/** A notifier that keeps every digest it is given (the Digest value the platforms render). */
function recordingNotifier(): { notifier: AlertNotifier; digests: Digest[] } {
  const digests: Digest[] = [];
  const unused = () => Promise.reject(new Error("not in this test"));
  return {
    digests,
    notifier: {
      name: "recording",
      post: unused,
      update: unused,
      postSummary: unused,
      postCustomerReply: unused,
      async postDigest(_target, digest) {
        digests.push(digest);
      },
    },
  };
}

/** An alert service over the running app's stores, posting through `notifier` to `channel`. */
function alertServiceWith(notifier: AlertNotifier, channel: string) {
  const { app, platforms } = rig.cxbot;
  return createAlertService({
    store: app.database.stores.alerts,
    events: app.database.stores.events,
    rollups: app.database.stores.rollups,
    flows: app.flows,
    operations: platforms.operations,
    notifier,
    defaultChannel: channel,
    floodPerMinute: 10,
    onError: () => undefined,
  });
}

/** A logger whose lines a test reads (as JSON objects). */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n"))
        if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger("error", stream), lines };
}

/** The Monday after today, at `time` UTC (1 to 7 days ahead: today is in the 7 days before it). */
function nextMonday(time: string): Date {
  const d = new Date(`${today}T${time}:00Z`);
  const ahead = (1 - d.getUTCDay() + 7) % 7 || 7;
  return new Date(d.getTime() + ahead * 86_400_000);
}

describe("the daily digest with its charts", { timeout: 60_000 }, () => {
  it("posts its text and, for each flow with answers, the chart /cx report draws, on Slack and Discord, once", async () => {
    const tomorrow = new Date(`${addDays(today, 1)}T10:00:00Z`);
    expect(await alerts().digest(tomorrow)).toBe(true);
    expect(await alerts().digest(tomorrow)).toBe(false);

    // Slack: the digest message, then the chart uploaded right under it in the same channel (files.uploadV2).
    const digests = slack.messages(ALERTS).filter((m) => slackText(m).includes("Daily scores for"));
    expect(digests).toHaveLength(1);
    const digest = digests[0] as StoredSlackMessage;
    expect(slackText(digest)).toContain("Customer Satisfaction (CSAT) — CSAT 67% · answers: 3 · new");
    expect(slackText(digest)).toContain("Net Promoter Score (NPS) — no answers");
    const charts = slackChartsAfter(digest);
    // One chart: csat had answers; nps, ces and recovery had none and get no chart.
    expect(charts.map((f) => f.name)).toEqual([`csat-${today}.png`]);
    const upload = slack.uploads().find((u) => u.id === charts[0]?.id);
    expect(upload?.completed).toBe(true);
    expect(upload?.channels).toEqual([ALERTS]);
    expect(upload?.mimetype).toBe("image/png");
    expectDrawnChart(upload?.bytes);

    // Discord: the digest's embed with the same chart attached to it.
    const posted = discord.messages(SUPPORT).filter((m) => embedText(m).includes("Daily scores for"));
    expect(posted).toHaveLength(1);
    const attachments = (posted[0]?.attachments ?? []) as { id: string; filename: string }[];
    expect(attachments.map((a) => a.filename)).toEqual([`csat-${today}.png`]);
    const file = discord.attachment(attachments[0]?.id ?? "");
    expect(file?.contentType).toBe("image/png");
    expectDrawnChart(file?.bytes);
  });

  it("carries the chart's series in the Digest: 30 days of the headline score, none for a flow without answers", async () => {
    const { notifier, digests } = recordingNotifier();
    const service = alertServiceWith(notifier, "C0RECORD");
    expect(await service.digest(new Date(`${addDays(today, 1)}T10:00:00Z`))).toBe(true);
    const digest = digests[0];
    expect(digest?.period).toBe("day");
    expect([digest?.from, digest?.to]).toEqual([today, today]);
    const csat = digest?.flows.find((f) => f.key === "csat");
    expect(csat?.chart?.bucket).toBe("day");
    expect(csat?.chart?.points).toHaveLength(30);
    expect(csat?.chart?.points.at(-1)).toMatchObject({ from: today, to: today });
    expect(csat?.chart?.points.at(-1)?.summary).toMatchObject({ metric: "csat", responses: 3 });
    expect(csat?.chart?.points[0]?.from).toBe(addDays(today, -29));
    for (const key of ["nps", "ces"]) expect(digest?.flows.find((f) => f.key === key)?.chart).toBeUndefined();

    // In fa the chart reads right to left, in Persian digits, titled in Persian, and draws.
    const [fa] = digest ? digestCharts(digest, "fa") : [];
    const option = fa?.option as { xAxis: { inverse: boolean }[]; title: { text: string; subtext: string } };
    expect(option.xAxis.map((x) => x.inverse)).toEqual([true, true]);
    expect(option.title.subtext).toContain("۳ پاسخ");
    expect(digestView(digest as Digest, "fa").title).toContain("امتیازهای روز");
    const png = renderChartPng(fa?.option ?? {});
    expectDrawnChart(png.png);
  });

  it("posts the text without a chart that cannot be drawn or uploaded, and logs it with a code (Slack and Discord)", async () => {
    slack.addChannel("C0NOCHART", "cx-nochart");
    const { logger, lines } = capturingLogger();
    const broken = () => Promise.reject(new Error("renderer crashed"));
    const adapter = createSlackAdapter({
      token: slack.botToken,
      apiUrl: slack.apiUrl,
      service: rig.cxbot.app.service,
      logger,
      defaultLocale: "en",
      staffLocale: "fa",
      renderChart: broken,
    });
    const uploads = slack.uploads().length;
    const service = alertServiceWith(adapter, "C0NOCHART");
    expect(await service.digest(new Date(`${addDays(today, 1)}T10:00:00Z`))).toBe(true);
    const posted = slack.messages("C0NOCHART");
    expect(posted).toHaveLength(1);
    expect(slackText(posted[0])).toContain("امتیازهای روز");
    expect(slack.uploads()).toHaveLength(uploads);
    expect(lines).toContainEqual(expect.objectContaining({ code: "DIGEST_CHART_FAILED", flow: "csat" }));

    // An upload Slack refuses (the app lacks files:write): the text is out and stays posted once; logged.
    slack.addChannel("C0NOSCOPE", "cx-noscope");
    const scopeLog = capturingLogger();
    const unscoped = createSlackAdapter({
      token: slack.botToken,
      apiUrl: slack.apiUrl,
      service: rig.cxbot.app.service,
      logger: scopeLog.logger,
      defaultLocale: "en",
      staffLocale: "en",
    });
    slack.failNext("files.getUploadURLExternal", { error: "missing_scope" });
    const noScope = alertServiceWith(unscoped, "C0NOSCOPE");
    const tomorrow = new Date(`${addDays(today, 1)}T10:00:00Z`);
    expect(await noScope.digest(tomorrow)).toBe(true);
    expect(await noScope.digest(tomorrow)).toBe(false);
    expect(slack.messages("C0NOSCOPE").map((m) => slackText(m).includes("Daily scores for"))).toEqual([true]);
    expect(scopeLog.lines).toContainEqual(
      expect.objectContaining({ code: "DIGEST_CHART_UPLOAD", flow: "csat" }),
    );

    // Discord: the same digest, its chart failing to draw: the embed alone.
    const { notifier, digests } = recordingNotifier();
    await alertServiceWith(notifier, "C0RECORD2").digest(new Date(`${addDays(today, 1)}T10:00:00Z`));
    const rest = rig.cxbot.platforms.discord?.client.rest;
    if (!rest || !digests[0]) throw new Error("no Discord client or digest");
    const discordLog = capturingLogger();
    const discordNotifier = createDiscordNotifier({
      rest,
      staffLocale: "en",
      recovery: () => false,
      logger: discordLog.logger,
      renderChart: broken,
    });
    const before = discord.messages(SUPPORT).length;
    await discordNotifier.postDigest(SUPPORT, digests[0]);
    const [plain, ...rest2] = discord.messages(SUPPORT).slice(before);
    expect(rest2).toHaveLength(0);
    expect(embedText(plain as DiscordMessage)).toContain("Daily scores for");
    expect(plain?.attachments).toEqual([]);
    expect(discordLog.lines).toContainEqual(
      expect.objectContaining({ code: "DIGEST_CHART_FAILED", flow: "csat" }),
    );
  });
});

describe("a digest on Slack and Discord at once", { timeout: 60_000 }, () => {
  it("draws each chart once for both", async () => {
    slack.addChannel("C0FANOUT", "cx-fanout");
    let drawn = 0;
    const counting = (option: Parameters<typeof renderChartLazily>[0]) => {
      drawn++;
      return renderChartLazily(option);
    };
    const { logger } = capturingLogger();
    const rest = rig.cxbot.platforms.discord?.client.rest;
    if (!rest) throw new Error("no Discord client");
    const fan = createFanOutNotifier(
      [
        {
          notifier: createSlackAdapter({
            token: slack.botToken,
            apiUrl: slack.apiUrl,
            service: rig.cxbot.app.service,
            logger,
            defaultLocale: "en",
            staffLocale: "en",
            renderChart: counting,
          }),
          target: "C0FANOUT",
        },
        {
          notifier: createDiscordNotifier({
            rest,
            staffLocale: "en",
            recovery: () => false,
            logger,
            renderChart: counting,
          }),
          target: SUPPORT,
        },
      ],
      (error) => {
        throw error;
      },
    );
    const before = discord.messages(SUPPORT).length;
    expect(await alertServiceWith(fan, "C0FANOUT").digest(new Date(`${addDays(today, 1)}T10:00:00Z`))).toBe(
      true,
    );
    expect(drawn).toBe(1);
    expect(
      slack
        .messages("C0FANOUT")
        .flatMap((m) => m.files ?? [])
        .map((f) => f.name),
    ).toEqual([`csat-${today}.png`]);
    const attached = discord
      .messages(SUPPORT)
      .slice(before)
      .flatMap((m) => m.attachments as { filename: string }[]);
    expect(attached.map((a) => a.filename)).toEqual([`csat-${today}.png`]);
  });
});

describe("the weekly digest (DIGEST_WEEKLY)", { timeout: 60_000 }, () => {
  const weekly = () => discord.messages(SUPPORT).filter((m) => embedText(m).includes("Weekly digest"));
  const weeklySlack = () => slack.messages(ALERTS).filter((m) => slackText(m).includes("Weekly digest"));
  const quiet = () => undefined;

  it("is not posted when off, on another day, or before its time", async () => {
    const monday = nextMonday("10:00");
    const off = loadConfig({ DIGEST_AT: "off" });
    expect(off.DIGEST_WEEKLY).toBe("off");
    expect(await postDueDigests(alerts(), off, monday, quiet)).toEqual({ daily: false, weekly: false });
    const on = loadConfig({ DIGEST_AT: "off", DIGEST_WEEKLY: "mon 09:00" });
    const early = new Date(monday.getTime() - 61 * 60_000);
    expect(await postDueDigests(alerts(), on, early, quiet)).toEqual({ daily: false, weekly: false });
    const tuesday = new Date(monday.getTime() + 86_400_000);
    expect(await postDueDigests(alerts(), on, tuesday, quiet)).toEqual({ daily: false, weekly: false });
    expect(weeklySlack()).toHaveLength(0);
    expect(weekly()).toHaveLength(0);
  });

  it("posts the last 7 days against the 7 before with a 12-week chart, once for its week", async () => {
    const on = loadConfig({ DIGEST_AT: "off", DIGEST_WEEKLY: "mon 09:00" });
    const monday = nextMonday("09:00");
    const sunday = addDays(monday.toISOString().slice(0, 10), -1);
    expect(await postDueDigests(alerts(), on, monday, quiet)).toEqual({ daily: false, weekly: true });
    // Later the same Monday, and from a second process sharing the database: not again.
    const later = new Date(monday.getTime() + 3 * 3600_000);
    expect(await postDueDigests(alerts(), on, later, quiet)).toEqual({ daily: false, weekly: false });
    const { notifier, digests } = recordingNotifier();
    const other = alertServiceWith(notifier, ALERTS);
    expect(await other.weeklyDigest(later)).toBe(false);
    expect(digests).toHaveLength(0);

    const posted = weeklySlack();
    expect(posted).toHaveLength(1);
    const text = slackText(posted[0]);
    expect(text).toContain("Customer Satisfaction (CSAT) — CSAT 67% · answers: 3 · new");
    const charts = slackChartsAfter(posted[0] as StoredSlackMessage);
    expect(charts.map((f) => f.name)).toEqual([`csat-${sunday}-week.png`]);
    expectDrawnChart(slack.uploads().find((u) => u.id === charts[0]?.id)?.bytes);

    const onDiscord = weekly();
    expect(onDiscord).toHaveLength(1);
    const attachments = (onDiscord[0]?.attachments ?? []) as { id: string; filename: string }[];
    expect(attachments.map((a) => a.filename)).toEqual([`csat-${sunday}-week.png`]);
    expectDrawnChart(discord.attachment(attachments[0]?.id ?? "")?.bytes);

    // The following Monday is another week: posted again (no answers then, so no chart).
    const next = new Date(monday.getTime() + 7 * 86_400_000);
    expect(await postDueDigests(alerts(), on, next, quiet)).toEqual({ daily: false, weekly: true });
    expect(weeklySlack()).toHaveLength(2);
    expect(slackText(weeklySlack()[1])).toContain("Customer Satisfaction (CSAT) — no answers");
    expect(weekly()[1]?.attachments).toEqual([]);
  });

  it("carries 12 weekly points ending on the last day, and a title in the staff's language", async () => {
    const { notifier, digests } = recordingNotifier();
    const service = alertServiceWith(notifier, "C0RECORDW");
    const monday = nextMonday("09:00");
    const mondayDay = monday.toISOString().slice(0, 10);
    expect(await service.weeklyDigest(monday)).toBe(true);
    const digest = digests[0] as Digest;
    expect(digest.period).toBe("week");
    expect([digest.from, digest.to]).toEqual([addDays(mondayDay, -7), addDays(mondayDay, -1)]);
    expect(digest.week).toBe(isoWeek(mondayDay));
    const csat = digest.flows.find((f) => f.key === "csat");
    expect(csat?.report.previousFrom).toBe(addDays(mondayDay, -14));
    expect(csat?.chart?.bucket).toBe("week");
    expect(csat?.chart?.points).toHaveLength(12);
    expect(csat?.chart?.points[0]?.from).toBe(addDays(mondayDay, -84));
    expect(csat?.chart?.points.at(-1)).toMatchObject({ from: addDays(mondayDay, -7), to: digest.to });
    expect(csat?.chart?.points.at(-1)?.summary.responses).toBe(3);

    expect(digestView(digest, "en").title).toMatch(/^Weekly digest · \d+ \w+ \d{4} – \d+ \w+ \d{4}$/);
    expect(digestView(digest, "fa").title).toMatch(
      /^گزارش هفتگی · [۰-۹]+ \S+ [۰-۹]{4} تا [۰-۹]+ \S+ [۰-۹]{4}$/,
    );
    expect(digestView(digest, "ar").title).toContain("الملخص الأسبوعي");
    expect(digestView(digest, "tr").title).toContain("Haftalık özet");
    expect(digestView(digest, "en").lines).toContain(
      "Customer Satisfaction (CSAT) — CSAT 67% · answers: 3 · new",
    );
    // Slack takes the weekly digest's blocks in every language.
    for (const locale of LOCALES) {
      const blocks = digestBlocks(digest, locale);
      expect(blockKitErrors(blocks, "message", "/blocks")).toEqual([]);
      expect(JSON.stringify(blocks[0])).toContain(digestView(digest, locale).title);
    }
  });
});
