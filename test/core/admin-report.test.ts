import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildReport,
  type FlowReport,
  MIN_SAMPLE,
  type ReportSources,
  renderReport,
} from "../../core/admin/report.ts";
import type { ConversationState } from "../../core/engine/state.ts";
import type { Flow } from "../../core/flow/schema.ts";
import { LOCALES, type Locale } from "../../core/locale.ts";
import { type Theme, tagThemesDetailed, themeLabel } from "../../core/themes/themes.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

/**
 * `/cx report` on the real database: surveys answered through the survey service over two 30-day periods,
 * rollups flushed, and every number of the report checked against a recomputation by hand from the stored
 * conversations (and against the figures the surveys were scripted to produce).
 */

let h: Harness;
let sources: ReportSources;
let nps: Flow;
let csat: Flow;

const NOW = new Date("2026-11-24T18:00:00Z");
const DAY = 86_400_000;

// Comments with an unambiguous sentiment and known themes (in the language of the conversation).
const NEGATIVE: readonly [string, Locale][] = [
  ["The delivery was late and the courier was rude", "en"], // delivery, wait, staff
  ["ارسال خیلی دیر بود و بسته خراب رسید", "fa"], // delivery, wait, quality
  ["Kargo çok geç geldi", "tr"], // delivery, wait
  ["Refund took forever", "en"], // refund, wait
];
const POSITIVE: readonly [string, Locale][] = [
  ["Great prices and friendly staff", "en"], // staff, price
  ["قیمت‌ها عالی است", "fa"], // price
  ["التوصيل كان سريعا وممتازا", "ar"], // delivery, wait
  ["I love the quality of the product", "en"], // quality
];
const NEUTRAL: readonly [string, Locale] = ["Nothing to add", "en"];

/** The previous period's NPS answers (−25: 2 promoters, 4 detractors in 8) and the current one's (+50). */
const PREVIOUS_SCORES = [3, 5, 6, 7, 8, 9, 10, 2];
const CURRENT_SCORES = [10, 9, 9, 10, 8, 7, 6, 10];

let userSeq = 0;
function respondent(locale?: Locale): FakeRespondent {
  return new FakeRespondent(h.service, `report-${++userSeq}`, {
    channel: "telegram",
    ...(locale === undefined ? {} : { languageTag: locale }),
  });
}

/** Answers the comment question, then "No" to the contact question if a negative comment brought it up. */
async function comment(r: FakeRespondent, text: string): Promise<void> {
  await r.send(text);
  if (r.last?.messages.some((m) => m.stepId === "contact")) await r.send("2");
}

async function answerNpsSurveys(): Promise<void> {
  // Previous period (2026-09-26 … 2026-10-25): 40 surveys, a score and then /stop.
  for (let i = 0; i < 40; i++) {
    h.setNow(new Date(Date.parse("2026-09-26T09:00:00Z") + (i % 30) * DAY + i * 60_000));
    const r = respondent();
    await r.start("nps");
    await r.send(String(PREVIOUS_SCORES[i % 8]));
    await r.send("/stop");
  }
  // Current period (2026-10-26 … 2026-11-24): 48 surveys. Every 4th a negative comment, every 4th a positive
  // one, every 8th a neutral one, every 8th skips the comment, every 4th stops after the score.
  for (let i = 0; i < 48; i++) {
    h.setNow(new Date(Date.parse("2026-10-26T09:00:00Z") + (i % 30) * DAY + i * 60_000));
    const kind = i % 4 === 0 ? "negative" : i % 4 === 1 ? "positive" : i % 4 === 3 ? "stop" : "other";
    const [text, locale] =
      kind === "negative"
        ? (NEGATIVE[(i / 4) % 4] as [string, Locale])
        : kind === "positive"
          ? (POSITIVE[((i - 1) / 4) % 4] as [string, Locale])
          : NEUTRAL;
    const r = respondent(locale);
    await r.start("nps", { locale });
    await r.send(String(CURRENT_SCORES[i % 8]));
    if (kind === "stop") await r.send("/stop");
    else if (kind === "other" && i % 8 === 6) await r.send("/skip");
    else await comment(r, text);
  }
  h.setNow(new Date("2026-11-24T12:00:00Z"));
  // Still in progress: two with a score, one with nothing answered yet.
  for (const score of ["10", "9"]) {
    const r = respondent();
    await r.start("nps");
    await r.send(score);
  }
  await respondent().start("nps");
  // Two that skip the score and stop: started, not responded.
  for (let k = 0; k < 2; k++) {
    const r = respondent();
    await r.start("nps");
    await r.send("/skip");
    await r.send("/stop");
  }
  // One that starts over: its first attempt (a 0) is replaced and counts nowhere; the second gives a 10.
  const again = respondent();
  await again.start("nps");
  await again.send("0");
  await again.send("/restart");
  await again.send("10");
  await again.send("/stop");
  // Another flow's survey on the same day: not in this flow's report.
  const other = respondent();
  await other.start("csat");
  await other.send("1");
  await other.send("/stop");
}

/** CSAT: 32 answers before (62.5 % top-box), 33 now (63.6 %; 61.8 % with the NPS test's other-flow survey): within noise. */
async function answerCsatSurveys(): Promise<void> {
  const previous = [5, 4, 3, 2, 5, 4, 5, 1];
  const current = [5, 4, 3, 5, 4, 2, 4, 1];
  for (let i = 0; i < 65; i++) {
    const inCurrent = i >= 32;
    const j = inCurrent ? i - 32 : i;
    h.setNow(
      new Date(Date.parse(inCurrent ? "2026-10-27T08:00:00Z" : "2026-09-27T08:00:00Z") + (j % 28) * DAY),
    );
    const r = respondent();
    await r.start("csat");
    await r.send(String(j === 32 ? 5 : ((inCurrent ? current : previous)[j % 8] ?? 3)));
    await r.send("/stop");
  }
}

beforeAll(async () => {
  h = await createHarness();
  sources = h.stores;
  await answerNpsSurveys();
  await answerCsatSurveys();
  await h.service.flush();
  const found = await h.flows.latest("nps");
  const foundCsat = await h.flows.latest("csat");
  if (!found || !foundCsat) throw new Error("shipped flows missing");
  nps = found;
  csat = foundCsat;
}, 300_000);
afterAll(async () => {
  await h?.close();
});

// ─── The recomputation by hand ───────────────────────────────────────────────────────────────────────────────

/** Every stored conversation of a flow: in progress, then archived (the archived state wins). */
async function storedStates(flowKey: string): Promise<ConversationState[]> {
  const states = new Map<string, ConversationState>();
  for (const r of await h.stores.conversations.listIdle(new Date("2100-01-01"), 100_000)) {
    if (r.state.flowKey === flowKey) states.set(r.state.id, r.state);
  }
  for await (const r of h.stores.responses.list({ flowKey })) states.set(r.state.id, r.state);
  return [...states.values()];
}

interface HandFigures {
  nps: { n: number; promoters: number; detractors: number; value: number | null };
  started: number;
  responded: number;
  sentiment: { positive: number; neutral: number; negative: number };
  themes: Map<Theme, { count: number; negative: number }>;
}

const inRange = (day: string, from: string, to: string) => day >= from && day <= to;

/** The report's figures recomputed from the stored conversations (UTC flows: the day is the ISO date). */
function byHand(states: readonly ConversationState[], from: string, to: string): HandFigures {
  const figures: HandFigures = {
    nps: { n: 0, promoters: 0, detractors: 0, value: null },
    started: 0,
    responded: 0,
    sentiment: { positive: 0, neutral: 0, negative: 0 },
    themes: new Map(),
  };
  for (const s of states) {
    if (s.status === "replaced") continue;
    for (const a of s.answers) {
      if (a.stepId !== "score" || a.answer.type !== "rating" || !inRange(a.at.slice(0, 10), from, to))
        continue;
      figures.nps.n++;
      if (a.answer.value >= 9) figures.nps.promoters++;
      if (a.answer.value <= 6) figures.nps.detractors++;
    }
    if (!inRange(s.startedAt.slice(0, 10), from, to)) continue;
    figures.started++;
    if (s.answers.some((a) => a.answer.type !== "skipped")) figures.responded++;
    for (const a of s.answers) {
      if (a.answer.type !== "text") continue;
      figures.sentiment[a.answer.sentiment.label]++;
      for (const m of tagThemesDetailed(a.answer.original ?? a.answer.text, a.locale)) {
        const counts = figures.themes.get(m.theme) ?? { count: 0, negative: 0 };
        counts.count++;
        if (m.sentiment === "negative") counts.negative++;
        figures.themes.set(m.theme, counts);
      }
    }
  }
  const { n, promoters, detractors } = figures.nps;
  figures.nps.value = n === 0 ? null : Math.round(((promoters - detractors) / n) * 1000) / 10;
  return figures;
}

function expectAgreesWithStored(report: FlowReport, states: readonly ConversationState[]): void {
  const previousTo = new Date(Date.parse(`${report.from}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const previousFrom = new Date(Date.parse(`${report.from}T00:00:00Z`) - report.days * DAY)
    .toISOString()
    .slice(0, 10);
  const current = byHand(states, report.from, report.to);
  const previous = byHand(states, previousFrom, previousTo);
  const score = report.scores.find((s) => s.stepId === "score");
  expect(score?.current).toMatchObject({
    metric: "nps",
    value: current.nps.value,
    responses: current.nps.n,
    promoters: current.nps.promoters,
    detractors: current.nps.detractors,
  });
  expect(score?.previous).toMatchObject({
    value: previous.nps.value,
    responses: previous.nps.n,
    promoters: previous.nps.promoters,
    detractors: previous.nps.detractors,
  });
  expect(report.started).toBe(current.started);
  expect(report.responded).toBe(current.responded);
  expect(report.sentiment).toEqual(current.sentiment);
  const top = [...current.themes].sort((a, b) => b[1].count - a[1].count).slice(0, 5);
  expect(report.themes.map((t) => t.count)).toEqual(top.map(([, c]) => c.count));
  for (const t of report.themes)
    expect(current.themes.get(t.theme)).toEqual({ count: t.count, negative: t.negative });
}

// ─── The report ──────────────────────────────────────────────────────────────────────────────────────────────

describe("buildReport", () => {
  it("reports the last 30 days beside the 30 before, as recomputed from the stored responses", async () => {
    const report = await buildReport(sources, nps, 30, NOW);
    expect(report).toMatchObject({ flowKey: "nps", days: 30, from: "2026-10-26", to: "2026-11-24" });
    expectAgreesWithStored(report, await storedStates("nps"));

    // The figures the surveys were scripted to give.
    const [score] = report.scores;
    expect(report.scores).toHaveLength(1);
    // 48 answered surveys (30 promoters, 6 detractors), two in progress (10, 9) and the restart's 10.
    expect(score?.current).toEqual({
      metric: "nps",
      value: 52.9,
      responses: 51,
      promoters: 33,
      passives: 12,
      detractors: 6,
    });
    expect(score?.previous).toEqual({
      metric: "nps",
      value: -25,
      responses: 40,
      promoters: 10,
      passives: 10,
      detractors: 20,
    });
    // SE of NPS: 100·√((p + d − (p − d)²)/n) per period; the difference is far beyond 1.96 of them.
    const se = (p: number, d: number, n: number) => 100 * Math.sqrt((p + d - (p - d) ** 2) / n);
    const z = (52.9 - -25) / Math.hypot(se(33 / 51, 6 / 51, 51), se(10 / 40, 20 / 40, 40));
    expect(z).toBeGreaterThan(1.96);
    expect(score?.change).toBe(77.9);
    expect(score?.verdict).toBe("up");

    // 12 negative, 12 positive and 6 neutral comments; 6 comments skipped, 12 surveys stopped before one.
    expect(report.sentiment).toEqual({ positive: 12, neutral: 6, negative: 12 });
    // Waiting and delivery comments both count once under processes.
    // Each with how many of its comments complain about it (the clause that mentions it reads negative).
    expect(report.themes).toEqual([
      { theme: "processes", count: 15, negative: 12 },
      { theme: "product", count: 6, negative: 3 },
      { theme: "people", count: 6, negative: 3 },
      { theme: "price", count: 6, negative: 0 },
    ]);
    // 48 + 3 in progress + 2 that skipped the score + the restart's second attempt; the replaced one not.
    expect(report.started).toBe(54);
    expect(report.responded).toBe(51);
  });

  it("calls no change with fewer than MIN_SAMPLE answers in a period", async () => {
    const report = await buildReport(sources, nps, 7, NOW);
    expect(report).toMatchObject({ from: "2026-11-18", to: "2026-11-24" });
    expectAgreesWithStored(report, await storedStates("nps"));
    const [score] = report.scores;
    expect(score?.current.responses).toBeGreaterThan(0);
    expect(score?.current.responses).toBeLessThan(MIN_SAMPLE);
    expect(score?.previous.responses).toBeGreaterThan(0);
    expect(score?.verdict).toBe("small-sample");
    expect(score?.change).toBeUndefined();
  });

  it("compares 90 days with an empty period before as too few answers", async () => {
    const report = await buildReport(sources, nps, 90, NOW);
    expect(report.from).toBe("2026-08-27");
    expectAgreesWithStored(report, await storedStates("nps"));
    const [score] = report.scores;
    expect(score?.current.responses).toBe(91);
    expect(score?.previous).toMatchObject({ value: null, responses: 0 });
    expect(score?.verdict).toBe("small-sample");
    expect(report.started).toBe(94);
  });

  it("calls a CSAT change within noise not significant", async () => {
    const report = await buildReport(sources, csat, 30, NOW);
    const [score] = report.scores;
    // The other flow's survey of 2026-11-24 (a 1) is the 34th answer of the period.
    expect(score?.current).toEqual({ metric: "csat", value: 61.8, responses: 34 });
    expect(score?.previous).toEqual({ metric: "csat", value: 62.5, responses: 32 });
    expect(score?.change).toBe(-0.7);
    expect(score?.verdict).toBe("not-significant");
    expect(report.sentiment).toEqual({ positive: 0, neutral: 0, negative: 0 });
    expect(report.started).toBe(34);
    expect(report.responded).toBe(34);
  });

  it("counts days in the flow's time zone", async () => {
    const { version: _, ...definition } = nps;
    const tehran = (
      await h.flows.store({ ...definition, key: "nps-tehran", timeZone: "Asia/Tehran" }, "test")
    ).flow;
    // 20:00 UTC is 23:30 in Tehran (2026-11-17, the previous week); 21:00 UTC is already 2026-11-18 there.
    for (const at of ["2026-11-17T20:00:00Z", "2026-11-17T21:00:00Z"]) {
      h.setNow(new Date(at));
      const r = respondent();
      await r.start("nps-tehran");
      await r.send("9");
      await r.send("/stop");
    }
    await h.service.flush();
    const report = await buildReport(sources, tehran, 7, new Date("2026-11-24T20:45:00Z"));
    // 00:15 on 2026-11-25 in Tehran: that is "today" there.
    expect(report).toMatchObject({ from: "2026-11-19", to: "2026-11-25", started: 0 });
    const earlier = await buildReport(sources, tehran, 7, new Date("2026-11-24T20:00:00Z"));
    expect(earlier).toMatchObject({ from: "2026-11-18", to: "2026-11-24", started: 1, responded: 1 });
    expect(earlier.scores[0]?.current.responses).toBe(1);
    expect(earlier.scores[0]?.previous.responses).toBe(1);
  });
});

// ─── Words ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Latin words allowed in fa and ar lines: the score names every language uses. */
// The scores keep their Latin acronyms, and the statistic its letter (آزمون z, اختبار z), in every language.
const ACRONYMS = /\b(?:NPS|CSAT|CES|z)\b/g;
const ENGLISH_WORDS = [
  "report",
  "last",
  "days",
  "compared",
  "before",
  "answer",
  "answers",
  "previous",
  "period",
  "significant",
  "change",
  "rise",
  "drop",
  "few",
  "comments",
  "positive",
  "neutral",
  "negative",
  "top",
  "themes",
  "response",
  "rate",
  "conversations",
  "started",
  "October",
  "November",
  "Average",
];

describe("renderReport", () => {
  let reports: { report: FlowReport; flow: Flow }[];
  beforeAll(async () => {
    reports = [
      { report: await buildReport(sources, nps, 30, NOW), flow: nps },
      { report: await buildReport(sources, nps, 7, NOW), flow: nps },
      { report: await buildReport(sources, csat, 30, NOW), flow: csat },
      { report: await buildReport(sources, nps, 90, NOW), flow: nps },
    ];
  });
  const lines = (i: number, locale: Locale) => {
    const r = reports[i];
    if (!r) throw new Error(`no report ${i}`);
    return renderReport(r.report, r.flow, locale);
  };

  it("writes the report in English with signed changes, verdicts, sentiment, themes and response rate", () => {
    const en = lines(0, "en");
    expect(en.slice(0, 5)).toEqual([
      "Net Promoter Score (NPS) — report for the last 30 days",
      "26 October 2026 – 24 November 2026, compared with the 30 days before",
      "NPS: 53 (51 answers) · previous period: −25 (40 answers) — +78, a significant rise",
      "Comments: 30 — positive 12 (40%), neutral 6 (20%), negative 12 (40%)",
      "Top themes: Processes (15, 12 negative), Product (6, 3 negative), Staff & support (6, 3 negative), Price (6)",
    ]);
    // What drives the complaints: negative themes, each with its shortest comments quoted.
    expect(en[5]).toBe("What the negative comments are about:");
    expect(en[6]).toMatch(/^• Processes — \d+ comments$/);
    expect(en[7]).toMatch(/^ {3}“.+”$/);
    expect(en.at(-1)).toBe("Response rate: 94% — 51 of 54 conversations started got at least one answer");
    expect(lines(1, "en")[2]).toMatch(/ — too few answers to call a change$/);
    expect(lines(2, "en")[2]).toBe(
      "CSAT: 62% (34 answers) · previous period: 63% (32 answers) — −1, no significant change",
    );
    expect(lines(2, "en").slice(3)).toEqual([
      "Significance: two-proportion z-test on the share of satisfied answers, 95 % confidence.",
      "No comments in this period.",
      "Response rate: 100% — 34 of 34 conversations started got at least one answer",
    ]);
    expect(lines(3, "en")[2]).toBe(
      "NPS: 19 (91 answers) · previous period: no answers — too few answers to call a change",
    );
  });

  it("writes fa and ar in their own digits and words, tr in Turkish, with no English left", () => {
    for (const locale of LOCALES.filter((l) => l !== "en")) {
      for (let i = 0; i < reports.length; i++) {
        // Example comments are quoted in the respondent's own words and language.
        const text = lines(i, locale)
          .filter((l) => !/^ {3}[«“]/.test(l))
          .join("\n");
        for (const word of ENGLISH_WORDS) {
          expect(text, `${locale} #${i}: "${word}"`).not.toMatch(new RegExp(`\\b${word}\\b`, "i"));
        }
        if (locale === "fa" || locale === "ar") {
          expect(text, `${locale} #${i}`).not.toMatch(/[0-9]/);
          expect(text.replace(ACRONYMS, ""), `${locale} #${i}`).not.toMatch(/[A-Za-z]/);
        }
      }
    }
    const fa = lines(0, "fa");
    expect(fa[0]).toBe("گزارش شاخص خالص مروجان (NPS) — ۳۰ روز گذشته");
    expect(fa[1]).toBe("از ۴ آبان ۱۴۰۵ تا ۳ آذر ۱۴۰۵، در مقایسه با ۳۰ روز پیش از آن");
    expect(fa[2]).toBe(
      "امتیاز NPS: ۵۳ (۵۱ پاسخ) · دورهٔ قبل: \u200e−۲۵ (۴۰ پاسخ) — \u200e+۷۸، افزایش معنادار",
    );
    expect(fa[3]).toBe("نظرها: ۳۰ — مثبت ۱۲ (۴۰٪)، خنثی ۶ (۲۰٪)، منفی ۱۲ (۴۰٪)");
    expect(fa[4]).toContain(`${themeLabel("processes", "fa")} (۱۵، ۱۲ منفی)`);
    expect(fa.find((l) => l.startsWith("نرخ پاسخ"))).toBe(
      "نرخ پاسخ: ۹۴٪ — در ۵۱ گفت‌وگو از ۵۴ گفت‌وگوی آغازشده دست‌کم یک پاسخ ثبت شد",
    );
    expect(lines(1, "fa")[2]).toMatch(/پاسخ‌ها برای قضاوت دربارهٔ تغییر کافی نیست$/);
    expect(lines(2, "fa")[2]).toMatch(/^امتیاز CSAT: ۶۲٪ \(۳۴ پاسخ\) .* \u200e−۱، تغییر معناداری نیست$/);

    const ar = lines(0, "ar");
    expect(ar[0]).toBe("تقرير صافي نقاط الترويج (NPS) — آخر ٣٠ يومًا");
    expect(ar[2]).toBe(
      "مؤشر NPS: ٥٣ (٥١ إجابة) · الفترة السابقة: \u061c−٢٥ (٤٠ إجابة) — \u061c+٧٨، ارتفاع ذو دلالة إحصائية",
    );
    expect(ar[3]).toBe("التعليقات: ٣٠ — إيجابية ١٢ (٤٠٪)، محايدة ٦ (٢٠٪)، سلبية ١٢ (٤٠٪)");
    expect(ar.find((l) => l.startsWith("معدل الاستجابة"))).toBe(
      "معدل الاستجابة: ٩٤٪ — بدأت ٥٤ محادثة في هذه الفترة، وفي ٥١ منها إجابة واحدة على الأقل",
    );
    expect(lines(1, "ar")[0]).toBe("تقرير صافي نقاط الترويج (NPS) — آخر ٧ أيام");
    expect(lines(1, "ar")[2]).toMatch(/عدد الإجابات غير كافٍ للحكم على التغيّر$/);

    const tr = lines(0, "tr");
    expect(tr[0]).toBe("Net Tavsiye Skoru (NPS) raporu — son 30 gün");
    expect(tr[1]).toBe("26 Ekim 2026 – 24 Kasım 2026, önceki 30 günle karşılaştırmalı");
    expect(tr[2]).toBe("NPS: 53 (51 yanıt) · önceki dönem: −25 (40 yanıt) — +78, anlamlı bir artış");
    expect(tr[3]).toBe("Yorumlar: 30 — olumlu 12 (%40), nötr 6 (%20), olumsuz 12 (%40)");
    expect(tr.find((l) => l.startsWith("Yanıt oranı"))).toBe(
      "Yanıt oranı: %94 — başlayan görüşme: 54, en az bir yanıt alınan: 51",
    );
    expect(lines(2, "tr")[2]).toBe(
      "CSAT: %62 (34 yanıt) · önceki dönem: %63 (32 yanıt) — −1, istatistiksel olarak anlamlı bir değişim değil",
    );
  });

  it("puts a drop, no change, a custom scale's average and an empty period into words in every locale", () => {
    const summary = (value: number | null, responses: number) =>
      ({ metric: "mean", value, responses }) as const;
    const empty: FlowReport = {
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
    };
    const scored: FlowReport = {
      ...empty,
      scores: [
        {
          stepId: "effort",
          scale: "custom",
          current: summary(3.25, 40),
          previous: summary(4.5, 40),
          change: -1.25,
          verdict: "down",
        },
        {
          stepId: "score",
          scale: "custom",
          current: summary(4, 40),
          previous: summary(4, 40),
          change: 0,
          verdict: "no-change",
        },
      ],
      sentiment: { positive: 0, neutral: 1, negative: 0 },
      started: 1,
      responded: 1,
    };
    expect(renderReport(empty, nps, "en").slice(2)).toEqual([
      "No ratings in this period.",
      "No comments in this period.",
      "No conversations were started in this period.",
    ]);
    expect(renderReport(scored, nps, "en").slice(2)).toEqual([
      "Average (effort): 3.25 (40 answers) · previous period: 4.50 (40 answers) — −1.25, a significant drop",
      "Average (score): 4.00 (40 answers) · previous period: 4.00 (40 answers) — no change",
      "Comments: 1 — positive 0 (0%), neutral 1 (100%), negative 0 (0%)",
      "No recognisable themes in the comments.",
      "Response rate: 100% — 1 of 1 conversation started got at least one answer",
    ]);
    expect(renderReport(scored, nps, "fa")[2]).toBe(
      "میانگین (effort): ۳٫۲۵ (۴۰ پاسخ) · دورهٔ قبل: ۴٫۵۰ (۴۰ پاسخ) — \u200e−۱٫۲۵، کاهش معنادار",
    );
    expect(renderReport(scored, nps, "ar")[3]).toBe(
      "المتوسط (score): ٤٫٠٠ (٤٠ إجابة) · الفترة السابقة: ٤٫٠٠ (٤٠ إجابة) — دون تغيّر",
    );
    expect(renderReport(scored, nps, "tr")[2]).toBe(
      "Ortalama (effort): 3,25 (40 yanıt) · önceki dönem: 4,50 (40 yanıt) — −1,25, anlamlı bir düşüş",
    );
    for (const locale of LOCALES) {
      for (const line of [...renderReport(empty, nps, locale), ...renderReport(scored, nps, locale)]) {
        expect(line.trim(), locale).not.toBe("");
      }
    }
  });
  it("says how many surveys cxbot sent, and why the others were not sent, in every locale", () => {
    const report: FlowReport = {
      flowKey: "nps",
      days: 30,
      from: "2026-10-26",
      to: "2026-11-24",
      scores: [],
      sentiment: { positive: 0, neutral: 0, negative: 0 },
      themes: [],
      started: 0,
      responded: 0,
      series: [],
      negativeThemes: [],
      sends: { sent: 120, skipped: { fatigue: 9, "opted-out": 5 }, failed: { blocked: 2 } },
    };
    expect(renderReport(report, nps, "en").at(-1)).toBe(
      "Surveys sent: 120 · not sent: 14 (surveyed recently 9, opted out 5) · failed: 2 (blocked the bot 2)",
    );
    expect(renderReport(report, nps, "fa").at(-1)).toBe(
      "نظرسنجی‌های فرستاده‌شده: ۱۲۰ · فرستاده‌نشده: ۱۴ (به‌تازگی نظرسنجی داشته ۹، انصراف داده ۵) · ناموفق: ۲ (ربات را مسدود کرده ۲)",
    );
    expect(renderReport(report, nps, "ar").at(-1)).toMatch(/^الاستبيانات المرسلة: ١٢٠ · لم تُرسل: ١٤ /);
    expect(renderReport(report, nps, "tr").at(-1)).toMatch(/^Gönderilen anketler: 120 · gönderilmeyen: 14 /);
    // None sent and none skipped: no line at all.
    expect(renderReport({ ...report, sends: undefined }, nps, "en").at(-1)).toBe(
      "No conversations were started in this period.",
    );
  });
});
