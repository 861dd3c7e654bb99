import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAdminCommand, YEAR_DAYS } from "../../core/admin/grammar.ts";
import { buildReport, renderReport } from "../../core/admin/report.ts";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminOutcome, AdminService } from "../../core/admin/types.ts";
import type { ConversationState } from "../../core/engine/state.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { Locale } from "../../core/locale.ts";
import { createOperations } from "../../core/operations.ts";
import {
  activityChanges,
  activityIncrements,
  countsInScores,
  RollupBuffer,
  recomputeActivity,
  recomputeRollups,
  rollupIncrements,
} from "../../core/rollups.ts";
import { dayKey } from "../../core/scores.ts";
import { tagThemesDetailed } from "../../core/themes/themes.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

/**
 * The daily rollups behind `/cx report`, on the real database: surveys answered through the survey service
 * (comments, skips, stops, a restart, a change of language, a trial run), the rollups flushed, then wiped and
 * rebuilt from the stored responses by `/cx rollups rebuild`: the documents must be equal. Segments are
 * tested with conversation states that carry properties, through the same writer.
 */

let h: Harness;
let admin: AdminService;
let nps: Flow;

const DAY = 86_400_000;
const NOW = new Date("2026-11-24T18:00:00Z");

const COMMENTS: readonly [string, Locale][] = [
  ["The delivery was late and the courier was rude", "en"],
  ["ارسال خیلی دیر بود و بسته خراب رسید", "fa"],
  ["Great prices and friendly staff", "en"],
  ["Kargo çok geç geldi", "tr"],
  ["التوصيل كان سريعا وممتازا", "ar"],
  ["Nothing special", "en"],
];

let user = 0;
const respondent = (locale?: Locale, channel: "telegram" | "slack" = "telegram") =>
  new FakeRespondent(h.service, `rollups-${++user}`, {
    channel,
    ...(locale === undefined ? {} : { languageTag: locale }),
  });

async function answerSurveys(): Promise<void> {
  for (let i = 0; i < 36; i++) {
    h.setNow(new Date(Date.parse("2026-10-01T09:00:00Z") + (i % 18) * 3 * DAY + i * 60_000));
    const [text, locale] = COMMENTS[i % COMMENTS.length] as [string, Locale];
    const r = respondent(locale, i % 3 === 0 ? "slack" : "telegram");
    await r.start("nps", { locale });
    await r.send(String(i % 11));
    if (i % 5 === 0) {
      await r.send("/stop");
      continue;
    }
    if (i % 7 === 0) await r.send("/skip");
    else await r.send(text);
    if (r.last?.messages.some((m) => m.stepId === "contact")) await r.send("2");
  }
  h.setNow(new Date("2026-11-24T10:00:00Z"));
  // In progress: a score, and nothing yet.
  await (async () => {
    const r = respondent();
    await r.start("nps");
    await r.send("9");
  })();
  await respondent().start("nps");
  // Skips the score and stops: started, not responded.
  const skipper = respondent();
  await skipper.start("nps");
  await skipper.send("/skip");
  await skipper.send("/stop");
  // Starts over: the first attempt is replaced and counts nowhere.
  const again = respondent();
  await again.start("nps");
  await again.send("0");
  await again.send("/restart");
  await again.send("10");
  await again.send("I love the quality of the product");
  // Changes language mid-survey: its conversation moves to the new locale's bucket.
  const switcher = respondent("en");
  await switcher.start("nps", { locale: "en" });
  await switcher.send("/language fa");
  await switcher.send("8");
  // Another flow on the same day.
  const other = respondent();
  await other.start("csat");
  await other.send("4");
}

/** Every rollup document of both kinds, without the batch guards and without zero counts. */
async function snapshot(): Promise<Record<string, unknown>[]> {
  const prune = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === 0 || (typeof p === "object" && p !== null && Object.keys(p).length === 0)) continue;
      out[k] = p;
    }
    return out;
  };
  const docs: Record<string, unknown>[] = [];
  for (const name of ["score_rollups", "activity_rollups"]) {
    for (const d of await h.db.connection.collection(name).find({}).toArray()) {
      const { a: _guards, ...rest } = d;
      const pruned = prune(rest) as Record<string, unknown>;
      // A document whose every count went back to zero (a withdrawn attempt) holds nothing.
      if (Object.keys(pruned).every((k) => ["_id", "flowKey", "stepId", "scale", "day"].includes(k)))
        continue;
      docs.push({ collection: name, ...pruned });
    }
  }
  return docs.sort((x, y) => (`${x.collection}${x._id}` < `${y.collection}${y._id}` ? -1 : 1));
}

async function storedStates(flowKey: string): Promise<ConversationState[]> {
  const states = new Map<string, ConversationState>();
  for (const r of await h.stores.conversations.listIdle(new Date("2100-01-01"), 100_000))
    if (r.state.flowKey === flowKey) states.set(r.state.id, r.state);
  for await (const r of h.stores.responses.list({ flowKey })) states.set(r.state.id, r.state);
  return [...states.values()];
}

const texts = (o: AdminOutcome): string =>
  o.status === "duplicate" ? "" : o.messages.map((m) => m.text).join("\n");

let commandSeq = 0;
const command = (text: string) =>
  admin.handle({
    eventId: `rollups-admin-${++commandSeq}`,
    actor: { channel: "telegram", userId: "100" },
    input: { type: "command", text },
    receivedAt: new Date(),
  });

beforeAll(async () => {
  h = await createHarness();
  admin = createAdminService({
    stores: h.stores,
    flows: h.flows,
    operations: createOperations({ survey: h.service, messenger: { deliver: async () => {} } }),
    admins: ["telegram:100"],
    limits: { buttonLabel: 64, message: 4000 },
    defaultLocale: "en",
    clock: () => NOW,
  });
  await answerSurveys();
  await h.service.flush();
  const found = await h.flows.latest("nps");
  if (!found) throw new Error("nps flow missing");
  nps = found;
}, 300_000);
afterAll(async () => {
  await h?.close();
});

describe("rollups", () => {
  it("rebuilt from the stored responses by /cx rollups rebuild, equal the live ones", async () => {
    const live = await snapshot();
    expect(live.some((d) => d.collection === "activity_rollups")).toBe(true);
    const liveReport = await buildReport(h.stores, nps, 90, NOW);

    await h.db.connection.collection("score_rollups").deleteMany({});
    await h.db.connection.collection("activity_rollups").deleteMany({});
    expect((await buildReport(h.stores, nps, 90, NOW)).started).toBe(0);

    const reply = texts(await command("rollups rebuild"));
    expect(reply).toMatch(/Rollups rebuilt from \d+ stored conversations: \d+ days of csat, nps/);
    expect(await snapshot()).toEqual(live);
    expect(await buildReport(h.stores, nps, 90, NOW)).toEqual(liveReport);

    // A second rebuild of one flow changes nothing; the command is understood in Persian too.
    await command("rollups rebuild nps");
    expect(await snapshot()).toEqual(live);
    expect(texts(await command("آمار بازسازی nps"))).toMatch(
      /Rollups rebuilt from \d+ stored conversations: \d+ days of nps/,
    );
    expect(texts(await command("rollups rebuild nope"))).toMatch(/There is no flow “nope”/);
  });

  it("report numbers equal a recomputation from the raw responses, over 12 months", async () => {
    const report = await buildReport(h.stores, nps, YEAR_DAYS, NOW);
    expect(report.days).toBe(YEAR_DAYS);
    const counted = (await storedStates("nps")).filter(countsInScores);
    const inPeriod = counted.filter((s) => {
      const day = dayKey(new Date(s.startedAt), nps.timeZone);
      return day >= report.from && day <= report.to;
    });
    expect(report.started).toBe(inPeriod.length);
    expect(report.responded).toBe(
      inPeriod.filter((s) => s.answers.some((a) => a.answer.type !== "skipped")).length,
    );
    const sentiment = { positive: 0, neutral: 0, negative: 0 };
    const themes = new Map<string, { count: number; negative: number }>();
    for (const s of inPeriod)
      for (const a of s.answers) {
        if (a.answer.type !== "text") continue;
        sentiment[a.answer.sentiment.label]++;
        for (const m of tagThemesDetailed(a.answer.original ?? a.answer.text, a.locale)) {
          const c = themes.get(m.theme) ?? { count: 0, negative: 0 };
          c.count++;
          if (m.sentiment === "negative") c.negative++;
          themes.set(m.theme, c);
        }
      }
    expect(report.sentiment).toEqual(sentiment);
    for (const t of report.themes)
      expect(themes.get(t.theme)).toEqual({ count: t.count, negative: t.negative });
    const ratings = inPeriod.flatMap((s) => s.answers.filter((a) => a.answer.type === "rating"));
    expect(report.scores[0]?.current.responses).toBe(ratings.length);
    // The days and the channel breakdown add up to the totals.
    const daily = report.daily ?? [];
    expect(daily.reduce((n, d) => n + d.started, 0)).toBe(report.started);
    expect(daily.reduce((n, d) => n + (d.scores[0]?.summary.responses ?? 0), 0)).toBe(ratings.length);
    const channels = report.breakdowns?.channel ?? [];
    expect(channels.map((c) => c.value).sort()).toEqual(["slack", "telegram"]);
    expect(channels.reduce((n, c) => n + c.started, 0)).toBe(report.started);
    expect(channels.reduce((n, c) => n + c.responded, 0)).toBe(report.responded);
    const locales = report.breakdowns?.locale ?? [];
    expect(locales.reduce((n, c) => n + c.started, 0)).toBe(report.started);
    expect(locales.find((l) => l.value === "fa")?.started).toBe(
      inPeriod.filter((s) => s.locale === "fa").length,
    );
  });

  it("a trial run (/cx try) counts nowhere", async () => {
    const before = await snapshot();
    h.setNow(new Date("2026-11-24T11:00:00Z"));
    const ref = { channel: "telegram" as const, userId: "rollups-trial" };
    let n = 0;
    const send = (input: Parameters<typeof h.service.handle>[0]["input"]) =>
      h.service.handle({ eventId: `trial-${++n}`, respondent: ref, input, receivedAt: new Date() });
    await send({ type: "start", flowKey: "nps", test: true });
    await send({ type: "text", text: "3" });
    await send({ type: "text", text: "The delivery was late" });
    await send({ type: "text", text: "/stop" });
    await h.service.flush();
    expect(await snapshot()).toEqual(before);
  });
});

describe("segments", () => {
  /** A state of the nps flow, answered, carrying properties as a survey sent by the API does. */
  async function statesWithProperties(): Promise<ConversationState[]> {
    const answered = (await storedStates("nps")).filter(
      (s) => countsInScores(s) && s.answers.some((a) => a.answer.type === "rating"),
    );
    const touchpoints = ["checkout", "delivery", "support.chat", undefined];
    return answered.map((s, i) => {
      const touchpoint = touchpoints[i % touchpoints.length];
      const properties = touchpoint === undefined ? { order: `o-${i}` } : { touchpoint, order: `o-${i}` };
      return { ...s, id: `seg-${s.id}`, flowKey: "nps-seg", properties } as ConversationState;
    });
  }

  it("count each declared property's values, live equal to rebuilt, and break the report down by them", async () => {
    const flow: Flow = { ...nps, key: "nps-seg", segments: ["touchpoint"] };
    const states = await statesWithProperties();
    // Live: each state's changes written as the service writes them, a save at a time.
    const buffer = new RollupBuffer(h.stores.rollups, { intervalMs: 0 });
    for (const s of states) {
      let previous: ConversationState | null = null;
      for (let k = 0; k <= s.answers.length; k++) {
        const next = { ...s, answers: s.answers.slice(0, k) };
        const added = next.answers.slice(previous?.answers.length ?? 0);
        const changes = [
          ...rollupIncrements({ ...next, answers: added }, flow),
          ...activityChanges(previous, next, flow),
        ];
        await buffer.prepare(changes);
        buffer.add(changes);
        previous = next;
      }
    }
    await buffer.close();
    const report = await buildReport(h.stores, flow, YEAR_DAYS, NOW);
    const byTouchpoint = report.breakdowns?.touchpoint ?? [];
    expect(byTouchpoint.map((t) => t.value).sort()).toEqual(["checkout", "delivery", "support.chat"]);
    const inPeriod = states.filter((s) => dayKey(new Date(s.startedAt), flow.timeZone) >= report.from);
    for (const t of byTouchpoint) {
      const mine = inPeriod.filter(
        (s) => (s as { properties?: { touchpoint?: string } }).properties?.touchpoint === t.value,
      );
      expect(t.started).toBe(mine.length);
      expect(t.scores[0]?.summary.responses).toBe(
        mine.flatMap((s) => s.answers.filter((a) => a.answer.type === "rating")).length,
      );
    }
    // Conversations without the property count in the totals, not under any touchpoint.
    expect(byTouchpoint.reduce((n, t) => n + t.started, 0)).toBeLessThan(report.started);
    expect(report.breakdowns?.order).toBeUndefined();

    // Rebuilt: the recomputation from the same states, written day by day, gives the same documents.
    const live = (await snapshot()).filter((d) => d.flowKey === "nps-seg");
    const scores = recomputeRollups(states, flow);
    const activity = recomputeActivity(states, flow);
    const days = new Set([...scores.values(), ...activity.values()].map((r) => r.day));
    await h.db.connection.collection("score_rollups").deleteMany({ flowKey: "nps-seg" });
    await h.db.connection.collection("activity_rollups").deleteMany({ flowKey: "nps-seg" });
    for (const day of days)
      await h.stores.rollups.replaceDay(
        { flowKey: "nps-seg", day },
        [...scores.values()].filter((r) => r.day === day),
        [...activity.values()].filter((r) => r.day === day),
      );
    expect((await snapshot()).filter((d) => d.flowKey === "nps-seg")).toEqual(live);
    expect(activityIncrements(states[0] as ConversationState, flow)[0]?.bucket.segments).toEqual({
      touchpoint: "checkout",
    });

    // Put into words: `by touchpoint` lists each value with its score, answers and response rate.
    const lines = renderReport(report, flow, "en", "touchpoint");
    const at = lines.indexOf("By touchpoint:");
    expect(at).toBeGreaterThan(0);
    for (const t of byTouchpoint) {
      const line = lines.find((l) => l.startsWith(`• ${t.value}: `)) ?? "";
      expect(line).toContain(`${t.started} started`);
      expect(line).toMatch(new RegExp(`\\(${t.scores[0]?.summary.responses} answers?\\)`));
    }
    const byChannel = renderReport(report, flow, "fa", "channel");
    expect(byChannel).toContain("به تفکیک پلتفرم:");
    expect(byChannel.some((l) => l.startsWith("• Telegram: "))).toBe(true);
  });
});

describe("report breakdowns and the journey stage", () => {
  it("`report <flow> [period] by <dimension>` in the four languages; an unknown dimension is refused with the choices", async () => {
    expect(parseAdminCommand("report nps 30d by channel")).toEqual({
      ok: true,
      value: { name: "report", flow: "nps", days: 30, by: "channel" },
    });
    expect(parseAdminCommand("report nps by touchpoint")).toEqual({
      ok: true,
      value: { name: "report", flow: "nps", days: 7, by: "touchpoint" },
    });
    expect(parseAdminCommand("گزارش nps ۹۰روز به-تفکیک زبان")).toMatchObject({
      ok: true,
      value: { days: 90, by: "locale" },
    });
    expect(parseAdminCommand("report nps 12m حسب القناة")).toMatchObject({
      ok: true,
      value: { days: YEAR_DAYS, by: "channel" },
    });
    expect(parseAdminCommand("report nps 7d dil göre")).toMatchObject({ ok: true, value: { by: "locale" } });
    expect(parseAdminCommand("rapor nps 30g platform göre")).toMatchObject({
      ok: true,
      value: { days: 30, by: "channel" },
    });
    expect(parseAdminCommand("report nps by")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT" },
    });
    expect(parseAdminCommand("report nps 7d 30d")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });

    const reply = texts(await command("report nps 90d by channel"));
    expect(reply).toContain("By channel:");
    expect(reply).toMatch(/• (Telegram|Slack|Discord|Console): /);
    expect(texts(await command("report nps by touchpoint"))).toMatch(
      /A report can be broken down by channel, locale; "touchpoint" is not one of them/,
    );
  });

  it("names the journey stage a flow asks about", () => {
    const report = {
      flowKey: "nps",
      days: 7,
      from: "2026-11-18",
      to: "2026-11-24",
      scores: [],
      sentiment: { positive: 0, neutral: 0, negative: 0 },
      themes: [],
      started: 0,
      responded: 0,
      series: [],
      negativeThemes: [],
    } as const;
    const flow = { ...nps, journey: "after-purchase" } as const;
    expect(renderReport(report, flow, "en")).toContain("Journey stage: after purchase");
    expect(renderReport(report, flow, "fa")).toContain("مرحلهٔ سفر مشتری: پس از خرید");
    expect(renderReport(report, flow, "ar")).toContain("مرحلة رحلة العميل: بعد الشراء");
    expect(renderReport(report, flow, "tr")).toContain("Müşteri yolculuğu aşaması: satın alma sonrası");
    expect(renderReport(report, nps, "en").some((l) => l.startsWith("Journey stage"))).toBe(false);
  });
});

describe("the commands", () => {
  it("reads `rollups rebuild [flow]` and the 12m period in the four languages", () => {
    expect(parseAdminCommand("rollups rebuild")).toEqual({
      ok: true,
      value: { name: "rollups", action: "rebuild" },
    });
    expect(parseAdminCommand("özetler yenile nps")).toEqual({
      ok: true,
      value: { name: "rollups", action: "rebuild", flow: "nps" },
    });
    expect(parseAdminCommand("الإحصاءات بناء nps")).toMatchObject({ ok: true, value: { flow: "nps" } });
    expect(parseAdminCommand("rollups nps")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    expect(parseAdminCommand("report nps 12m")).toEqual({
      ok: true,
      value: { name: "report", flow: "nps", days: YEAR_DAYS },
    });
    expect(parseAdminCommand("گزارش nps ۱۲ماه")).toMatchObject({ ok: true, value: { days: YEAR_DAYS } });
  });
});
