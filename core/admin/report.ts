import type { Flow, FlowDefinition, JourneyStage, LocalizedText, ScaleName } from "../flow/schema.ts";
import { isLocale, type Locale } from "../locale.ts";
import type { ActivityCounter, ActivityCounters, RollupDays, RollupStore } from "../ports.ts";
import { buildChartOption, type ChartOption } from "../reports/chart.ts";
import { bucketFor, type ScoreSeries, seriesFromRows } from "../reports/series.ts";
import type { countsInScores } from "../rollups.ts";
import { readExampleCounter, type StepScores, scoresFromDays } from "../rollups.ts";
import { addDays, dayKey, type Histogram, type ScoreSummary, summarize } from "../scores.ts";
import type { SendTally } from "../sending/surveys.ts";
import type { FailReason, SkipReason } from "../sending/types.ts";
import { toLocaleDigits } from "../text/digits.ts";
import { THEMES, type Theme, themeLabel } from "../themes/themes.ts";
import { type ReportDays, YEAR_DAYS } from "./grammar.ts";

/**
 * `/cx report <flow> [7d|30d|90d|12m]`: a flow's scores over the last 7, 30 or 90 days (or 52 weeks) beside
 * the period before, whether the change is more than noise, what the comments felt and talked about and what
 * drives the complaints, and how many of the conversations started got an answer.
 */

/** What `/cx report` shows, before it is put into words. */
export interface FlowReport {
  readonly flowKey: string;
  readonly days: ReportDays;
  /** `YYYY-MM-DD` in the flow's time zone, inclusive; `to` is today. */
  readonly from: string;
  readonly to: string;
  /** One per rating step with answers in either period (from the rollups), in the flow's step order. */
  readonly scores: readonly ReportScore[];
  /** The free-text comments of the conversations started in the period, by their sentiment. */
  readonly sentiment: { readonly positive: number; readonly neutral: number; readonly negative: number };
  /** The themes those comments talk about: the top 5, most first. */
  readonly themes: readonly {
    readonly theme: Theme;
    readonly count: number;
    /** Of those, the comments whose clauses about this component read negative. */
    readonly negative: number;
  }[];
  /** Conversations started in the period (archived and in progress). */
  readonly started: number;
  /** Of those, how many recorded at least one answer that was not a skip. */
  readonly responded: number;
  /**
   * The period day by day (only days with a rating or a conversation started), oldest first: the data of a
   * score-over-time chart. Weekly or monthly points are sums of these histograms and counters.
   */
  readonly daily?: readonly ReportDay[];
  /**
   * The period broken down by `channel`, `locale` and each segment property the flow declares (`touchpoint`):
   * per dimension, one entry per value seen, most conversations first.
   */
  readonly breakdowns?: Readonly<Record<string, readonly ReportSegment[]>>;
  /** Each rating step's score over the period, day by day (week by week for 12 months): the chart's data. */
  readonly series: readonly ScoreSeries[];
  /** What drives the complaints: the themes of negative comments, most first, with example comments. */
  readonly negativeThemes: readonly NegativeTheme[];
  /** Surveys cxbot sent on its own initiative in the period, and those it did not send, by reason. */
  readonly sends?: SendTally;
}

/** A theme negative comments talk about, and a few of those comments (the shortest found first). */
export interface NegativeTheme {
  readonly theme: Theme;
  readonly count: number;
  readonly examples: readonly string[];
}

/** The conversation figures of a day or a segment of the period. */
export interface ReportFigures {
  /** Per rating step: its answers by value and the score they make. */
  readonly scores: readonly {
    readonly stepId: string;
    readonly scale: ScaleName | "custom";
    readonly histogram: Histogram;
    readonly summary: ScoreSummary;
  }[];
  readonly started: number;
  readonly responded: number;
  readonly sentiment: { readonly positive: number; readonly neutral: number; readonly negative: number };
}

/** One day of {@link FlowReport.daily}. */
export interface ReportDay extends ReportFigures {
  readonly day: string;
}

/** One value of a {@link FlowReport.breakdowns} dimension (`telegram`, `fa`, `checkout`). */
export interface ReportSegment extends ReportFigures {
  readonly value: string;
}

/** One rating step's score in the period beside the period before. */
export interface ReportScore {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly current: ScoreSummary;
  readonly previous: ScoreSummary;
  /** current score − previous score; undefined when either period has too few answers to call a change. */
  readonly change?: number;
  /**
   * `up` / `down`: a change beyond noise (two-sided test at 95 % on the headline score: NPS with the standard
   * error from the promoter and detractor shares, CSAT from the top-box share, CES and custom scales from the
   * mean); `no-change`: the two scores are equal; `not-significant`: they differ within noise;
   * `small-sample`: fewer than {@link MIN_SAMPLE} answers in either period.
   */
  readonly verdict: "up" | "down" | "no-change" | "small-sample" | "not-significant";
}

export type ReportVerdict = ReportScore["verdict"];

/** Answers each period needs before a change is called. */
export const MIN_SAMPLE = 30;

/** Where a report reads from: the daily rollups, and the send tallies (a document per flow and day). */
export interface ReportSources {
  readonly rollups: RollupStore;
  /** The counts of surveys sent on cxbot's initiative (API, campaigns), when sending runs in this process. */
  readonly sends?: { tallies(flowKey: string, days: readonly string[]): Promise<SendTally> };
}

/** How many themes a report lists. */
const TOP_THEMES = 5;
/** The two-sided 95 % critical value of the normal distribution. */
const Z_95 = 1.959963984540054;

type Counts = Partial<Record<ActivityCounter, number>>;

const addCounts = (into: Counts, from: ActivityCounters): void => {
  for (const [k, v] of Object.entries(from) as [ActivityCounter, number][]) into[k] = (into[k] ?? 0) + v;
};

const addHistogram = (into: Record<number, number>, from: Histogram): void => {
  for (const [k, v] of Object.entries(from)) into[Number(k)] = (into[Number(k)] ?? 0) + v;
};

/** A group's histograms per step (with their scale) and its counters, as report figures. */
function figuresOf(
  steps: ReadonlyMap<string, { scale: ScaleName | "custom"; histogram: Histogram }>,
  c: Counts,
) {
  return {
    scores: [...steps]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([stepId, { scale, histogram }]) => ({
        stepId,
        scale,
        histogram,
        summary: summarize(scale, histogram),
      })),
    started: c.started ?? 0,
    responded: c.responded ?? 0,
    sentiment: {
      positive: c["sentiment:positive"] ?? 0,
      neutral: c["sentiment:neutral"] ?? 0,
      negative: c["sentiment:negative"] ?? 0,
    },
  };
}

/** Groups a period's daily rollups by a key (the day, a channel, a segment value) into report figures. */
class FigureGroups {
  readonly #steps = new Map<
    string,
    Map<string, { scale: ScaleName | "custom"; histogram: Record<number, number> }>
  >();
  readonly #counts = new Map<string, Counts>();

  score(key: string, stepId: string, scale: ScaleName | "custom", histogram: Histogram): void {
    let steps = this.#steps.get(key);
    if (!steps) {
      steps = new Map();
      this.#steps.set(key, steps);
    }
    const step = steps.get(stepId) ?? { scale, histogram: {} };
    addHistogram(step.histogram, histogram);
    steps.set(stepId, step);
  }

  counts(key: string, counters: ActivityCounters): void {
    const c = this.#counts.get(key) ?? {};
    addCounts(c, counters);
    this.#counts.set(key, c);
  }

  figures(): [string, ReportFigures][] {
    const keys = new Set([...this.#steps.keys(), ...this.#counts.keys()]);
    return [...keys].map((key) => [
      key,
      figuresOf(this.#steps.get(key) ?? new Map(), this.#counts.get(key) ?? {}),
    ]);
  }
}

/** The day-by-day figures of a period's rollups. */
export function dailyFigures(data: RollupDays): ReportDay[] {
  const groups = new FigureGroups();
  for (const s of data.scores) groups.score(s.day, s.stepId, s.scale, s.histogram);
  for (const a of data.activity) groups.counts(a.day, a.counters);
  return groups
    .figures()
    .map(([day, figures]) => ({ day, ...figures }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** A period's figures per channel, per locale and per value of each segment property. */
export function breakdownFigures(data: RollupDays): Record<string, ReportSegment[]> {
  const dimensions = new Map<string, FigureGroups>();
  const groupOf = (dimension: string) => {
    let g = dimensions.get(dimension);
    if (!g) {
      g = new FigureGroups();
      dimensions.set(dimension, g);
    }
    return g;
  };
  groupOf("channel");
  groupOf("locale");
  for (const s of data.scores) {
    for (const [v, h] of Object.entries(s.byChannel)) groupOf("channel").score(v, s.stepId, s.scale, h);
    for (const [v, h] of Object.entries(s.byLocale)) groupOf("locale").score(v, s.stepId, s.scale, h);
    for (const [key, values] of Object.entries(s.bySegment))
      for (const [v, h] of Object.entries(values)) groupOf(key).score(v, s.stepId, s.scale, h);
  }
  for (const a of data.activity) {
    for (const [v, c] of Object.entries(a.byChannel)) groupOf("channel").counts(v, c);
    for (const [v, c] of Object.entries(a.byLocale)) groupOf("locale").counts(v, c);
    for (const [key, values] of Object.entries(a.bySegment))
      for (const [v, c] of Object.entries(values)) groupOf(key).counts(v, c);
  }
  const answers = (f: ReportFigures) => f.scores.reduce((n, s) => n + s.summary.responses, 0);
  return Object.fromEntries(
    [...dimensions].map(([dimension, g]) => [
      dimension,
      g
        .figures()
        .map(([value, figures]) => ({ value, ...figures }))
        .sort((a, b) => b.started - a.started || answers(b) - answers(a) || (a.value < b.value ? -1 : 1)),
    ]),
  );
}

/**
 * The report of a flow over the last `days` days, today included, in the flow's time zone, read from the daily
 * rollups alone (one bounded read of the flow's documents for this period and the one before: a document per
 * step and day, and one per day for the conversations), so its cost follows the days, not the responses.
 *
 * Scores count each rating on the day it was given. Everything else (comment sentiment and themes, started
 * and responded) counts per conversation on the day it *started*: the archived responses and those still in
 * progress. Every number counts only the conversations {@link countsInScores} counts.
 */
export async function buildReport(
  sources: ReportSources,
  flow: Flow,
  days: ReportDays,
  now: Date,
): Promise<FlowReport> {
  const to = dayKey(now, flow.timeZone);
  const from = addDays(to, -(days - 1));
  const previousFrom = addDays(from, -days);
  const data = await sources.rollups.readDays(flow.key, previousFrom, to);
  const inPeriod = <T extends { day: string }>(d: T) => d.day >= from;
  const current: RollupDays = {
    scores: data.scores.filter(inPeriod),
    activity: data.activity.filter(inPeriod),
  };
  const previous = data.scores.filter((d) => d.day < from);

  const counts: Counts = {};
  for (const a of current.activity) addCounts(counts, a.counters);
  const themes = THEMES.map((theme) => ({
    theme,
    count: counts[`theme:${theme}`] ?? 0,
    negative: counts[`themeNegative:${theme}`] ?? 0,
  }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme))
    .slice(0, TOP_THEMES);
  const totals = figuresOf(new Map(), counts);

  return {
    flowKey: flow.key,
    days,
    from,
    to,
    scores: reportScores(flow, scoresFromDays(current.scores), scoresFromDays(previous)),
    sentiment: totals.sentiment,
    themes,
    started: totals.started,
    responded: totals.responded,
    daily: dailyFigures(current),
    breakdowns: breakdownFigures(current),
    series: seriesFromRows(current.scores, from, to, bucketFor(days)),
    negativeThemes: negativeThemes(current, counts),
    ...(await sendsOf(sources, flow.key, from, days)),
  };
}

/** The period's send counts, when there were any. */
async function sendsOf(
  sources: ReportSources,
  flowKey: string,
  from: string,
  days: number,
): Promise<{ sends?: SendTally }> {
  if (!sources.sends) return {};
  const tally = await sources.sends.tallies(
    flowKey,
    Array.from({ length: days }, (_, i) => addDays(from, i)),
  );
  const total =
    tally.sent +
    Object.values(tally.skipped).reduce((a, n) => a + (n ?? 0), 0) +
    Object.values(tally.failed).reduce((a, n) => a + (n ?? 0), 0);
  return total === 0 ? {} : { sends: tally };
}

// ─── What drives detractors ──────────────────────────────────────────────────────────────────────────────────

/** How many themes of negative comments a report lists, and how many example comments each. */
const TOP_NEGATIVE_THEMES = 3;
const EXAMPLES_PER_THEME = 2;
/** Example comments gathered per theme before the shortest are picked (the latest days first). */
const EXAMPLE_CANDIDATES = 8;

/**
 * The themes negative comments (a comment whose sentiment, or whose clause about the theme, reads negative)
 * talk about, most first (the rollups' `driver:<theme>` counts), each with up to {@link EXAMPLES_PER_THEME}
 * example comments in the respondent's own words: the shortest of the few the rollups keep per day (already
 * cut short), latest days first. A comment erased since (a person's erasure, retention) is no longer there.
 */
function negativeThemes(period: RollupDays, counts: Counts): NegativeTheme[] {
  const top = THEMES.map((theme) => ({ theme, count: counts[`driver:${theme}`] ?? 0 }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme))
    .slice(0, TOP_NEGATIVE_THEMES);
  const out: NegativeTheme[] = [];
  for (const { theme, count } of top) {
    const texts: string[] = [];
    for (const day of [...period.activity].reverse()) {
      for (const [counter, text] of Object.entries(day.examples ?? {})) {
        const counted = (day.counters[counter as ActivityCounter] ?? 0) > 0;
        if (counted && readExampleCounter(counter)?.theme === theme) texts.push(text);
      }
      if (texts.length >= EXAMPLE_CANDIDATES) break;
    }
    out.push({
      theme,
      count,
      examples: [...new Set(texts)]
        .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, EXAMPLES_PER_THEME),
    });
  }
  return out;
}

/** The rating steps with answers in either period, in the flow's order (steps no longer in it last). */
function reportScores(
  flow: FlowDefinition,
  current: readonly StepScores[],
  previous: readonly StepScores[],
): ReportScore[] {
  const order = new Map(flow.steps.map((s, i) => [s.id, i]));
  const ids = [...new Set([...current, ...previous].map((s) => s.stepId))].sort(
    (a, b) =>
      (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
  return ids.map((stepId) => {
    const now = current.find((s) => s.stepId === stepId);
    const before = previous.find((s) => s.stepId === stepId);
    const scale = now?.scale ?? before?.scale ?? "custom";
    return compareScores(stepId, scale, now?.histogram ?? {}, before?.histogram ?? {});
  });
}

/** A step's two periods and the verdict on the change between them. */
export function compareScores(
  stepId: string,
  scale: ScaleName | "custom",
  current: Histogram,
  previous: Histogram,
): ReportScore {
  const now = summarize(scale, current);
  const before = summarize(scale, previous);
  const base = { stepId, scale, current: now, previous: before };
  if (now.value === null || before.value === null) return { ...base, verdict: "small-sample" };
  if (now.responses < MIN_SAMPLE || before.responses < MIN_SAMPLE)
    return { ...base, verdict: "small-sample" };
  const change = Math.round((now.value - before.value) * 100) / 100;
  if (change === 0) return { ...base, change: 0, verdict: "no-change" };
  const a = estimate(scale, current);
  const b = estimate(scale, previous);
  const se = Math.sqrt(a.variance + b.variance);
  const significant = se === 0 || Math.abs(a.value - b.value) / se > Z_95;
  return { ...base, change, verdict: significant ? (change > 0 ? "up" : "down") : "not-significant" };
}

/**
 * The headline score of a histogram, unrounded, on the scale `summarize` reports it in, and the variance of
 * that estimate: NPS points from the per-answer +1/0/−1 (promoter/passive/detractor) variance, CSAT percent
 * from the top-box share, CES and custom scales from the sample variance of the mean.
 */
function estimate(scale: ScaleName | "custom", histogram: Histogram): { value: number; variance: number } {
  let n = 0;
  let sum = 0;
  let squares = 0;
  let high = 0;
  let low = 0;
  for (const [key, count] of Object.entries(histogram)) {
    const v = Number(key);
    n += count;
    sum += v * count;
    squares += v * v * count;
    if (scale === "nps" ? v >= 9 : v >= 4) high += count;
    if (v <= 6) low += count;
  }
  switch (scale) {
    case "nps": {
      const p = high / n;
      const d = low / n;
      return { value: 100 * (p - d), variance: (10_000 * (p + d - (p - d) ** 2)) / n };
    }
    case "csat": {
      const p = high / n;
      return { value: 100 * p, variance: (10_000 * p * (1 - p)) / n };
    }
    case "ces":
    case "custom": {
      const mean = sum / n;
      const sampleVariance = n > 1 ? (squares - n * mean * mean) / (n - 1) : 0;
      return { value: mean, variance: Math.max(0, sampleVariance) / n };
    }
    default: {
      const never: never = scale;
      throw new Error(`unknown scale ${String(never)}`);
    }
  }
}

// ─── Words ───────────────────────────────────────────────────────────────────────────────────────────────────

/** A count: the number, for grammar, and how it is written in the locale's digits. */
interface Count {
  readonly n: number;
  readonly text: string;
}

interface ReportWords {
  heading(flow: string, days: Count): string;
  period(from: string, to: string, days: Count): string;
  score(metric: string, value: string, answers: Count, previous: string, previousAnswers: Count): string;
  scoreNoPrevious(metric: string, value: string, answers: Count): string;
  /** The verdict, with the signed change where there is one. */
  verdict(verdict: ReportVerdict, change: string): string;
  noScores: string;
  comments(total: Count, positive: string, neutral: string, negative: string): string;
  noComments: string;
  themes(list: string): string;
  /** One theme in that list: how many comments mention it, and how many of them complain about it. */
  theme(label: string, total: Count, negative: Count): string;
  noThemes: string;
  listSeparator: string;
  responseRate(rate: string, started: Count, responded: Count): string;
  noConversations: string;
  /** Surveys cxbot sent on its own initiative (the HTTP API, campaigns). */
  sent(n: Count): string;
  /** Surveys it did not send, with the reasons and their counts. */
  notSent(n: Count, reasons: string): string;
  sendFailed(n: Count, reasons: string): string;
  sendReason: Readonly<Record<SkipReason | FailReason, string>>;
  /**
   * A score's name from its acronym (NPS, CSAT and CES keep their Latin acronyms in every language; fa and ar
   * put a word before one, so a line still starts right-to-left).
   */
  metric(acronym: string): string;
  /** The name of a custom scale's score. */
  mean: string;
}

/**
 * Arabic counted nouns: one and two have their own words, 3–10 (and 103–110…) take the plural, the rest the
 * singular (accusative after 11–99).
 */
function arabicCount(c: Count, one: string, two: string, plural: string, singular: string): string {
  if (c.n === 1) return one;
  if (c.n === 2) return two;
  const rest = c.n % 100;
  if (rest >= 3 && rest <= 10) return `${c.text} ${plural}`;
  return `${c.text} ${singular}`;
}

const WORDS = {
  en: {
    heading: (flow, days) => `${flow} — report for the last ${days.text} days`,
    period: (from, to, days) => `${from} – ${to}, compared with the ${days.text} days before`,
    score: (metric, value, answers, previous, previousAnswers) =>
      `${metric}: ${value} (${enAnswers(answers)}) · previous period: ${previous} (${enAnswers(previousAnswers)})`,
    scoreNoPrevious: (metric, value, answers) =>
      `${metric}: ${value} (${enAnswers(answers)}) · previous period: no answers`,
    verdict: (verdict, change) => {
      switch (verdict) {
        case "up":
          return `${change}, a significant rise`;
        case "down":
          return `${change}, a significant drop`;
        case "not-significant":
          return `${change}, no significant change`;
        case "no-change":
          return "no change";
        case "small-sample":
          return "too few answers to call a change";
      }
    },
    noScores: "No ratings in this period.",
    comments: (total, positive, neutral, negative) =>
      `Comments: ${total.text} — positive ${positive}, neutral ${neutral}, negative ${negative}`,
    noComments: "No comments in this period.",
    themes: (list) => `Top themes: ${list}`,
    theme: (label, total, negative) =>
      negative.n === 0 ? `${label} (${total.text})` : `${label} (${total.text}, ${negative.text} negative)`,
    noThemes: "No recognisable themes in the comments.",
    listSeparator: ", ",
    responseRate: (rate, started, responded) =>
      `Response rate: ${rate} — ${responded.text} of ${started.text} ${started.n === 1 ? "conversation" : "conversations"} started got at least one answer`,
    noConversations: "No conversations were started in this period.",
    sent: (n) => `Surveys sent: ${n.text}`,
    notSent: (n, reasons) => `not sent: ${n.text} (${reasons})`,
    sendFailed: (n, reasons) => `failed: ${n.text} (${reasons})`,
    sendReason: {
      "opted-out": "opted out",
      fatigue: "surveyed recently",
      recontact: "same survey recently",
      "sampled-out": "not in the sample",
      "quiet-hours": "quiet hours",
      busy: "in another survey",
      "unknown-flow": "unknown survey",
      "flow-disabled": "survey turned off",
      blocked: "blocked the bot",
      "not-found": "account not found",
      "dms-closed": "private messages closed",
      refused: "refused by the platform",
      "attempts-exhausted": "gave up after retries",
    },
    metric: (acronym) => acronym,
    mean: "Average",
  },
  fa: {
    heading: (flow, days) => `گزارش ${flow} — ${days.text} روز گذشته`,
    period: (from, to, days) => `از ${from} تا ${to}، در مقایسه با ${days.text} روز پیش از آن`,
    score: (metric, value, answers, previous, previousAnswers) =>
      `${metric}: ${value} (${answers.text} پاسخ) · دورهٔ قبل: ${previous} (${previousAnswers.text} پاسخ)`,
    scoreNoPrevious: (metric, value, answers) =>
      `${metric}: ${value} (${answers.text} پاسخ) · در دورهٔ قبل پاسخی ثبت نشد`,
    verdict: (verdict, change) => {
      switch (verdict) {
        case "up":
          return `${change}، افزایش معنادار`;
        case "down":
          return `${change}، کاهش معنادار`;
        case "not-significant":
          return `${change}، تغییر معناداری نیست`;
        case "no-change":
          return "بدون تغییر";
        case "small-sample":
          return "پاسخ‌ها برای قضاوت دربارهٔ تغییر کافی نیست";
      }
    },
    noScores: "در این دوره امتیازی ثبت نشد.",
    comments: (total, positive, neutral, negative) =>
      `نظرها: ${total.text} — مثبت ${positive}، خنثی ${neutral}، منفی ${negative}`,
    noComments: "در این دوره نظری نوشته نشد.",
    themes: (list) => `موضوع‌های پرتکرار: ${list}`,
    theme: (label, total, negative) =>
      negative.n === 0 ? `${label} (${total.text})` : `${label} (${total.text}، ${negative.text} منفی)`,
    noThemes: "موضوع مشخصی در نظرها پیدا نشد.",
    listSeparator: "، ",
    responseRate: (rate, started, responded) =>
      `نرخ پاسخ: ${rate} — در ${responded.text} گفت‌وگو از ${started.text} گفت‌وگوی آغازشده دست‌کم یک پاسخ ثبت شد`,
    noConversations: "در این دوره هیچ گفت‌وگویی آغاز نشد.",
    sent: (n) => `نظرسنجی‌های فرستاده‌شده: ${n.text}`,
    notSent: (n, reasons) => `فرستاده‌نشده: ${n.text} (${reasons})`,
    sendFailed: (n, reasons) => `ناموفق: ${n.text} (${reasons})`,
    sendReason: {
      "opted-out": "انصراف داده",
      fatigue: "به‌تازگی نظرسنجی داشته",
      recontact: "همین نظرسنجی را به‌تازگی داشته",
      "sampled-out": "خارج از نمونه",
      "quiet-hours": "ساعت‌های سکوت",
      busy: "در حال پاسخ به نظرسنجی دیگر",
      "unknown-flow": "نظرسنجی ناشناخته",
      "flow-disabled": "نظرسنجی خاموش",
      blocked: "ربات را مسدود کرده",
      "not-found": "حساب پیدا نشد",
      "dms-closed": "پیام خصوصی بسته است",
      refused: "پلتفرم نپذیرفت",
      "attempts-exhausted": "پس از چند تلاش رها شد",
    },
    metric: (acronym) => `امتیاز ${acronym}`,
    mean: "میانگین",
  },
  ar: {
    heading: (flow, days) => `تقرير ${flow} — آخر ${arabicCount(days, "يوم", "يومين", "أيام", "يومًا")}`,
    period: (from, to) => `من ${from} إلى ${to}، مقارنةً بالفترة السابقة ذات الطول نفسه`,
    score: (metric, value, answers, previous, previousAnswers) =>
      `${metric}: ${value} (${arAnswers(answers)}) · الفترة السابقة: ${previous} (${arAnswers(previousAnswers)})`,
    scoreNoPrevious: (metric, value, answers) =>
      `${metric}: ${value} (${arAnswers(answers)}) · لا إجابات في الفترة السابقة`,
    verdict: (verdict, change) => {
      switch (verdict) {
        case "up":
          return `${change}، ارتفاع ذو دلالة إحصائية`;
        case "down":
          return `${change}، انخفاض ذو دلالة إحصائية`;
        case "not-significant":
          return `${change}، وهو تغيّر غير دالّ إحصائيًا`;
        case "no-change":
          return "دون تغيّر";
        case "small-sample":
          return "عدد الإجابات غير كافٍ للحكم على التغيّر";
      }
    },
    noScores: "لا توجد تقييمات في هذه الفترة.",
    comments: (total, positive, neutral, negative) =>
      `التعليقات: ${total.text} — إيجابية ${positive}، محايدة ${neutral}، سلبية ${negative}`,
    noComments: "لا توجد تعليقات في هذه الفترة.",
    themes: (list) => `أبرز المواضيع: ${list}`,
    theme: (label, total, negative) =>
      negative.n === 0 ? `${label} (${total.text})` : `${label} (${total.text}، منها ${negative.text} سلبية)`,
    noThemes: "لم تُرصد مواضيع محددة في التعليقات.",
    listSeparator: "، ",
    responseRate: (rate, started, responded) =>
      `معدل الاستجابة: ${rate} — بدأت ${arabicCount(started, "محادثة واحدة", "محادثتان", "محادثات", "محادثة")} في هذه الفترة، وفي ${responded.text} منها إجابة واحدة على الأقل`,
    noConversations: "لم تبدأ أي محادثة في هذه الفترة.",
    sent: (n) => `الاستبيانات المرسلة: ${n.text}`,
    notSent: (n, reasons) => `لم تُرسل: ${n.text} (${reasons})`,
    sendFailed: (n, reasons) => `تعذّر إرسالها: ${n.text} (${reasons})`,
    sendReason: {
      "opted-out": "ألغى الاشتراك",
      fatigue: "تلقّى استبيانًا مؤخرًا",
      recontact: "تلقّى الاستبيان نفسه مؤخرًا",
      "sampled-out": "خارج العيّنة",
      "quiet-hours": "ساعات الهدوء",
      busy: "يجيب عن استبيان آخر",
      "unknown-flow": "استبيان غير معروف",
      "flow-disabled": "الاستبيان معطّل",
      blocked: "حظر البوت",
      "not-found": "الحساب غير موجود",
      "dms-closed": "الرسائل الخاصة مغلقة",
      refused: "رفضته المنصة",
      "attempts-exhausted": "توقفت المحاولات",
    },
    metric: (acronym) => `مؤشر ${acronym}`,
    mean: "المتوسط",
  },
  tr: {
    heading: (flow, days) => `${flow} raporu — son ${days.text} gün`,
    period: (from, to, days) => `${from} – ${to}, önceki ${days.text} günle karşılaştırmalı`,
    score: (metric, value, answers, previous, previousAnswers) =>
      `${metric}: ${value} (${answers.text} yanıt) · önceki dönem: ${previous} (${previousAnswers.text} yanıt)`,
    scoreNoPrevious: (metric, value, answers) =>
      `${metric}: ${value} (${answers.text} yanıt) · önceki dönemde yanıt yok`,
    verdict: (verdict, change) => {
      switch (verdict) {
        case "up":
          return `${change}, anlamlı bir artış`;
        case "down":
          return `${change}, anlamlı bir düşüş`;
        case "not-significant":
          return `${change}, istatistiksel olarak anlamlı bir değişim değil`;
        case "no-change":
          return "değişim yok";
        case "small-sample":
          return "değişimi değerlendirmek için yanıt sayısı yetersiz";
      }
    },
    noScores: "Bu dönemde puan verilmedi.",
    comments: (total, positive, neutral, negative) =>
      `Yorumlar: ${total.text} — olumlu ${positive}, nötr ${neutral}, olumsuz ${negative}`,
    noComments: "Bu dönemde yorum yazılmadı.",
    themes: (list) => `En sık konular: ${list}`,
    theme: (label, total, negative) =>
      negative.n === 0 ? `${label} (${total.text})` : `${label} (${total.text}, ${negative.text} olumsuz)`,
    noThemes: "Yorumlarda belirgin bir konu bulunamadı.",
    listSeparator: ", ",
    responseRate: (rate, started, responded) =>
      `Yanıt oranı: ${rate} — başlayan görüşme: ${started.text}, en az bir yanıt alınan: ${responded.text}`,
    noConversations: "Bu dönemde hiç görüşme başlamadı.",
    sent: (n) => `Gönderilen anketler: ${n.text}`,
    notSent: (n, reasons) => `gönderilmeyen: ${n.text} (${reasons})`,
    sendFailed: (n, reasons) => `başarısız: ${n.text} (${reasons})`,
    sendReason: {
      "opted-out": "anketlerden çıktı",
      fatigue: "yakın zamanda anket aldı",
      recontact: "aynı anketi yakın zamanda aldı",
      "sampled-out": "örneklem dışında",
      "quiet-hours": "sessiz saatler",
      busy: "başka bir ankette",
      "unknown-flow": "bilinmeyen anket",
      "flow-disabled": "anket kapalı",
      blocked: "botu engelledi",
      "not-found": "hesap bulunamadı",
      "dms-closed": "özel mesajlar kapalı",
      refused: "platform reddetti",
      "attempts-exhausted": "denemeler tükendi",
    },
    metric: (acronym) => acronym,
    mean: "Ortalama",
  },
} satisfies Record<Locale, ReportWords>;

function enAnswers(c: Count): string {
  return `${c.text} ${c.n === 1 ? "answer" : "answers"}`;
}

function arAnswers(c: Count): string {
  if (c.n === 0) return "لا إجابات";
  return arabicCount(c, "إجابة واحدة", "إجابتان", "إجابات", "إجابة");
}

// ─── Numbers and dates ───────────────────────────────────────────────────────────────────────────────────────

interface NumberStyle {
  readonly decimal: string;
  /** Written before a sign, so a right-to-left line keeps the sign with its number (as CLDR does). */
  readonly signMark: string;
  readonly percent: (n: string) => string;
  /** Intl locale for dates: the Persian calendar for fa, Gregorian with Arabic-Indic digits for ar. */
  readonly dateLocale: string;
}

const NUMBERS = {
  en: { decimal: ".", signMark: "", percent: (n) => `${n}%`, dateLocale: "en-GB" },
  fa: {
    decimal: "٫",
    signMark: "\u200e",
    percent: (n) => `${n}٪`,
    dateLocale: "fa-IR-u-ca-persian-nu-arabext",
  },
  ar: { decimal: "٫", signMark: "\u061c", percent: (n) => `${n}٪`, dateLocale: "ar-u-ca-gregory-nu-arab" },
  tr: { decimal: ",", signMark: "", percent: (n) => `%${n}`, dateLocale: "tr-TR" },
} satisfies Record<Locale, NumberStyle>;

const MINUS = "−";

function formatNumber(value: number, decimals: number, locale: Locale, signed = false): string {
  const digits = Math.abs(value).toFixed(decimals);
  const zero = Number(digits) === 0;
  const sign = zero ? "" : value < 0 ? MINUS : signed ? "+" : "";
  const text = digits.replace(".", NUMBERS[locale].decimal);
  return toLocaleDigits(`${sign === "" ? "" : NUMBERS[locale].signMark}${sign}${text}`, locale);
}

const count = (n: number, locale: Locale): Count => ({ n, text: toLocaleDigits(String(n), locale) });

const percentOf = (part: number, whole: number, locale: Locale): string =>
  NUMBERS[locale].percent(formatNumber(whole === 0 ? 0 : (part / whole) * 100, 0, locale));

/** Places after the decimal point a score is shown with: whole points for NPS and CSAT. */
const decimalsOf = (summary: ScoreSummary): number =>
  summary.metric === "nps" || summary.metric === "csat" ? 0 : 2;

function scoreValue(summary: ScoreSummary, locale: Locale): string {
  if (summary.value === null) return "—";
  const text = formatNumber(summary.value, decimalsOf(summary), locale);
  return summary.metric === "csat" ? NUMBERS[locale].percent(text) : text;
}

const DATE_FORMATS = new Map<Locale, Intl.DateTimeFormat>();

/** A `YYYY-MM-DD` day as the locale writes a date ("24 November 2026", "۳ آذر ۱۴۰۵"). */
function formatDay(day: string, locale: Locale): string {
  let format = DATE_FORMATS.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(NUMBERS[locale].dateLocale, {
      timeZone: "UTC",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    DATE_FORMATS.set(locale, format);
  }
  return toLocaleDigits(format.format(new Date(`${day}T12:00:00Z`)), locale);
}

function titleOf(title: LocalizedText, flow: FlowDefinition, locale: Locale): string {
  const found = title[locale] ?? flow.fallback.map((l) => title[l]).find((t) => t !== undefined);
  return found ?? Object.values(title).find((t) => t !== undefined) ?? flow.key;
}

const METRIC_NAMES = { nps: "NPS", csat: "CSAT", ces: "CES" } as const;

/**
 * The report as plain-text lines for an admin, in `locale`: the heading and period, one line per scored step
 * (score, answers, the previous period and the verdict on the change), the comments' sentiment split, the top
 * themes and the response rate. Numbers, percentages and dates are written as the locale writes them.
 */
export function renderReport(
  report: FlowReport,
  flow: FlowDefinition,
  locale: Locale,
  by?: string,
): string[] {
  const w: ReportWords = WORDS[locale];
  const days = count(report.days, locale);
  const x: ReportExtraWords = EXTRA_WORDS[locale];
  const year = report.days === YEAR_DAYS;
  const lines = [
    year
      ? x.yearHeading(titleOf(flow.title, flow, locale))
      : w.heading(titleOf(flow.title, flow, locale), days),
    year
      ? x.yearPeriod(formatDay(report.from, locale), formatDay(report.to, locale))
      : w.period(formatDay(report.from, locale), formatDay(report.to, locale), days),
    ...(flow.journey ? [x.journey(x.stage[flow.journey])] : []),
  ];

  if (report.scores.length === 0) lines.push(w.noScores);
  for (const s of report.scores) {
    const name = s.current.metric === "mean" ? w.mean : w.metric(METRIC_NAMES[s.current.metric]);
    const metric = report.scores.length > 1 ? `${name} (${s.stepId})` : name;
    const value = scoreValue(s.current, locale);
    const line =
      s.previous.responses === 0
        ? w.scoreNoPrevious(metric, value, count(s.current.responses, locale))
        : w.score(
            metric,
            value,
            count(s.current.responses, locale),
            scoreValue(s.previous, locale),
            count(s.previous.responses, locale),
          );
    const change = s.change === undefined ? "" : formatNumber(s.change, decimalsOf(s.current), locale, true);
    lines.push(`${line} — ${w.verdict(s.verdict, change)}`);
  }
  lines.push(...testNotes(report, locale));

  const { positive, neutral, negative } = report.sentiment;
  const comments = positive + neutral + negative;
  if (comments === 0) lines.push(w.noComments);
  else {
    const part = (n: number) => `${count(n, locale).text} (${percentOf(n, comments, locale)})`;
    lines.push(w.comments(count(comments, locale), part(positive), part(neutral), part(negative)));
    lines.push(
      report.themes.length === 0
        ? w.noThemes
        : w.themes(
            report.themes
              .map((t) =>
                w.theme(themeLabel(t.theme, locale), count(t.count, locale), count(t.negative, locale)),
              )
              .join(w.listSeparator),
          ),
    );
  }

  lines.push(...negativeThemeLines(report, locale));
  if (by !== undefined) lines.push(...breakdownLines(report, by, locale));

  lines.push(
    report.started === 0
      ? w.noConversations
      : w.responseRate(
          percentOf(report.responded, report.started, locale),
          count(report.started, locale),
          count(report.responded, locale),
        ),
  );
  if (report.sends) lines.push(sendsLine(report.sends, locale));
  return lines;
}

/** "Surveys sent: 120 · not sent: 14 (survey fatigue 9, opted out 5) · failed: 2 (blocked the bot 2)". */
function sendsLine(sends: SendTally, locale: Locale): string {
  const w: ReportWords = WORDS[locale];
  const reasons = (counts: Readonly<Partial<Record<SkipReason | FailReason, number>>>): string =>
    Object.entries(counts)
      .filter((e): e is [SkipReason | FailReason, number] => (e[1] ?? 0) > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${w.sendReason[reason]} ${count(n, locale).text}`)
      .join(w.listSeparator);
  const total = (counts: Readonly<Partial<Record<string, number>>>): number =>
    Object.values(counts).reduce((a: number, n) => a + (n ?? 0), 0);
  const skipped = total(sends.skipped);
  const failed = total(sends.failed);
  return [
    w.sent(count(sends.sent, locale)),
    ...(skipped > 0 ? [w.notSent(count(skipped, locale), reasons(sends.skipped))] : []),
    ...(failed > 0 ? [w.sendFailed(count(failed, locale), reasons(sends.failed))] : []),
  ].join(" · ");
}

// ─── The test behind a verdict, and what drives complaints (words) ──────────────────────────────────────────

interface ReportExtraWords {
  /** The journey stage a flow asks about, and the names of the stages. */
  journey(stage: string): string;
  stage: Readonly<Record<JourneyStage, string>>;
  /** The heading of a breakdown (`dimension` already in words), and one value's line. */
  breakdown(dimension: string): string;
  segment(value: string, score: string, answers: Count, started: Count, rate: string): string;
  segmentNoScore(value: string, started: Count, rate: string): string;
  dimension: { readonly channel: string; readonly locale: string };
  /** The languages' names in this language. */
  language: Readonly<Record<Locale, string>>;
  yearHeading(flow: string): string;
  yearPeriod(from: string, to: string): string;
  /** Which test decided "not significant" for a metric. */
  test(metric: ScoreSummary["metric"]): string;
  /** Why a change is not called at all. */
  smallSample(min: string): string;
  negativeThemes: string;
  /** One theme of negative comments with how many, then its example comments on their own lines. */
  negativeTheme(label: string, count: Count): string;
  quote(comment: string): string;
}

const EXTRA_WORDS = {
  en: {
    language: { en: "English", fa: "Persian", ar: "Arabic", tr: "Turkish" },
    journey: (stage) => `Journey stage: ${stage}`,
    stage: {
      "before-purchase": "before purchase",
      "during-purchase": "during purchase",
      "after-purchase": "after purchase",
    },
    breakdown: (dimension) => `By ${dimension}:`,
    segment: (value, score, answers, started, rate) =>
      `• ${value}: ${score} (${answers.text} ${answers.n === 1 ? "answer" : "answers"}) · ${started.text} started, ${rate} responded`,
    segmentNoScore: (value, started, rate) =>
      `• ${value}: no scores · ${started.text} started, ${rate} responded`,
    dimension: { channel: "channel", locale: "language" },
    yearHeading: (flow) => `${flow} — report for the last 12 months`,
    yearPeriod: (from, to) => `${from} – ${to} (52 weeks), compared with the 52 weeks before`,
    test: (metric) =>
      metric === "csat"
        ? "Significance: two-proportion z-test on the share of satisfied answers, 95 % confidence."
        : metric === "nps"
          ? "Significance: two-sample z-test on NPS (promoter and detractor shares), 95 % confidence."
          : "Significance: two-sample z-test on the mean score, 95 % confidence.",
    smallSample: (min) => `A change is only tested when both periods have at least ${min} answers.`,
    negativeThemes: "What the negative comments are about:",
    negativeTheme: (label, count) => `• ${label} — ${count.text} ${count.n === 1 ? "comment" : "comments"}`,
    quote: (comment) => `   “${comment}”`,
  },
  fa: {
    language: { en: "انگلیسی", fa: "فارسی", ar: "عربی", tr: "ترکی" },
    journey: (stage) => `مرحلهٔ سفر مشتری: ${stage}`,
    stage: {
      "before-purchase": "پیش از خرید",
      "during-purchase": "هنگام خرید",
      "after-purchase": "پس از خرید",
    },
    breakdown: (dimension) => `به تفکیک ${dimension}:`,
    segment: (value, score, answers, started, rate) =>
      `• ${value}: ${score} (${answers.text} پاسخ) · ${started.text} گفت‌وگو، ${rate} پاسخ داده‌اند`,
    segmentNoScore: (value, started, rate) =>
      `• ${value}: بدون امتیاز · ${started.text} گفت‌وگو، ${rate} پاسخ داده‌اند`,
    dimension: { channel: "پلتفرم", locale: "زبان" },
    yearHeading: (flow) => `گزارش ${flow} — ۱۲ ماه گذشته`,
    yearPeriod: (from, to) => `از ${from} تا ${to} (۵۲ هفته)، در مقایسه با ۵۲ هفتهٔ پیش از آن`,
    test: (metric) =>
      metric === "csat"
        ? "آزمون معناداری: آزمون z دو نسبت روی سهم پاسخ‌های راضی، با اطمینان ۹۵٪."
        : metric === "nps"
          ? "آزمون معناداری: آزمون z دو نمونه‌ای روی NPS (سهم مروجان و منتقدان)، با اطمینان ۹۵٪."
          : "آزمون معناداری: آزمون z دو نمونه‌ای روی میانگین امتیاز، با اطمینان ۹۵٪.",
    smallSample: (min) => `تغییر فقط وقتی سنجیده می‌شود که هر دو دوره دست‌کم ${min} پاسخ داشته باشند.`,
    negativeThemes: "نظرهای منفی بیشتر دربارهٔ این‌هاست:",
    negativeTheme: (label, count) => `• ${label} — ${count.text} نظر`,
    quote: (comment) => `   «${comment}»`,
  },
  ar: {
    language: { en: "الإنجليزية", fa: "الفارسية", ar: "العربية", tr: "التركية" },
    journey: (stage) => `مرحلة رحلة العميل: ${stage}`,
    stage: {
      "before-purchase": "قبل الشراء",
      "during-purchase": "أثناء الشراء",
      "after-purchase": "بعد الشراء",
    },
    breakdown: (dimension) => `حسب ${dimension}:`,
    segment: (value, score, answers, started, rate) =>
      `• ${value}: ${score} (${arabicCount(answers, "إجابة واحدة", "إجابتان", "إجابات", "إجابة")}) · ${started.text} محادثة، أجاب منها ${rate}`,
    segmentNoScore: (value, started, rate) =>
      `• ${value}: بلا تقييمات · ${started.text} محادثة، أجاب منها ${rate}`,
    dimension: { channel: "المنصة", locale: "اللغة" },
    yearHeading: (flow) => `تقرير ${flow} — آخر ١٢ شهرًا`,
    yearPeriod: (from, to) => `من ${from} إلى ${to} (٥٢ أسبوعًا)، مقارنةً بالأسابيع الـ٥٢ السابقة`,
    test: (metric) =>
      metric === "csat"
        ? "اختبار الدلالة: اختبار z لنسبتين على حصة الإجابات الراضية، بمستوى ثقة ٩٥٪."
        : metric === "nps"
          ? "اختبار الدلالة: اختبار z لعينتين على مؤشر NPS (حصتا المروّجين والمنتقدين)، بمستوى ثقة ٩٥٪."
          : "اختبار الدلالة: اختبار z لعينتين على متوسط التقييم، بمستوى ثقة ٩٥٪.",
    smallSample: (min) => `لا يُختبر التغيّر إلا إذا بلغ عدد الإجابات ${min} على الأقل في كلتا الفترتين.`,
    negativeThemes: "أبرز ما تتناوله التعليقات السلبية:",
    negativeTheme: (label, count) =>
      `• ${label} — ${arabicCount(count, "تعليق واحد", "تعليقان", "تعليقات", "تعليقًا")}`,
    quote: (comment) => `   «${comment}»`,
  },
  tr: {
    language: { en: "İngilizce", fa: "Farsça", ar: "Arapça", tr: "Türkçe" },
    journey: (stage) => `Müşteri yolculuğu aşaması: ${stage}`,
    stage: {
      "before-purchase": "satın alma öncesi",
      "during-purchase": "satın alma sırası",
      "after-purchase": "satın alma sonrası",
    },
    breakdown: (dimension) => `${dimension} bazında:`,
    segment: (value, score, answers, started, rate) =>
      `• ${value}: ${score} (${answers.text} yanıt) · ${started.text} başlatılan, ${rate} yanıtlandı`,
    segmentNoScore: (value, started, rate) =>
      `• ${value}: puan yok · ${started.text} başlatılan, ${rate} yanıtlandı`,
    dimension: { channel: "Platform", locale: "Dil" },
    yearHeading: (flow) => `${flow} raporu — son 12 ay`,
    yearPeriod: (from, to) => `${from} – ${to} (52 hafta), önceki 52 haftayla karşılaştırmalı`,
    test: (metric) =>
      metric === "csat"
        ? "Anlamlılık: memnun yanıtların payı üzerinde iki oran z testi, %95 güven."
        : metric === "nps"
          ? "Anlamlılık: NPS üzerinde (destekçi ve kötüleyen payları) iki örneklem z testi, %95 güven."
          : "Anlamlılık: ortalama puan üzerinde iki örneklem z testi, %95 güven.",
    smallSample: (min) => `Değişim ancak iki dönemde de en az ${min} yanıt olduğunda test edilir.`,
    negativeThemes: "Olumsuz yorumların konuları:",
    negativeTheme: (label, count) => `• ${label} — ${count.text} yorum`,
    quote: (comment) => `   “${comment}”`,
  },
} satisfies Record<Locale, ReportExtraWords>;

/**
 * Under the scores, when a change was not called: which test said it is within noise, and the minimum sample
 * below which nothing is tested (once each).
 */
function testNotes(report: FlowReport, locale: Locale): string[] {
  const x: ReportExtraWords = EXTRA_WORDS[locale];
  const notes: string[] = [];
  const metrics = new Set(
    report.scores.filter((s) => s.verdict === "not-significant").map((s) => s.current.metric),
  );
  for (const metric of metrics) notes.push(x.test(metric));
  if (
    report.scores.some((s) => s.verdict === "small-sample" && s.current.responses + s.previous.responses > 0)
  )
    notes.push(x.smallSample(count(MIN_SAMPLE, locale).text));
  return notes;
}

/** The themes of negative comments, each with its example comments quoted on the lines below. */
function negativeThemeLines(report: FlowReport, locale: Locale): string[] {
  if (report.negativeThemes.length === 0) return [];
  const x: ReportExtraWords = EXTRA_WORDS[locale];
  const lines = [x.negativeThemes];
  for (const t of report.negativeThemes) {
    lines.push(x.negativeTheme(themeLabel(t.theme, locale), count(t.count, locale)));
    for (const example of t.examples) lines.push(x.quote(example));
  }
  return lines;
}

const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  telegram: "Telegram",
  slack: "Slack",
  discord: "Discord",
  console: "Console",
};

/**
 * A breakdown of the period by `by` (`channel`, `locale` or one of the flow's segment properties): each value
 * with the headline score (the flow's first rating step with answers), its answers, and how many
 * conversations started there and what share responded; most conversations first, at most ten values.
 */
function breakdownLines(report: FlowReport, by: string, locale: Locale): string[] {
  const x: ReportExtraWords = EXTRA_WORDS[locale];
  const segments = report.breakdowns?.[by] ?? [];
  // Nothing to break down: the lines above already say the period is empty.
  if (segments.length === 0) return [];
  const dimension = by === "channel" ? x.dimension.channel : by === "locale" ? x.dimension.locale : by;
  const lines = [x.breakdown(dimension)];
  const headline = report.scores.find((s) => s.current.responses > 0)?.stepId;
  for (const segment of segments.slice(0, MAX_SEGMENTS)) {
    const value =
      by === "channel"
        ? (CHANNEL_NAMES[segment.value] ?? segment.value)
        : by === "locale" && isLocale(segment.value)
          ? x.language[segment.value]
          : segment.value;
    const step = segment.scores.find((sc) => sc.stepId === headline && sc.summary.responses > 0);
    const rate = percentOf(segment.responded, segment.started, locale);
    lines.push(
      step
        ? x.segment(
            value,
            scoreValue(step.summary, locale),
            count(step.summary.responses, locale),
            count(segment.started, locale),
            rate,
          )
        : x.segmentNoScore(value, count(segment.started, locale), rate),
    );
  }
  return lines;
}

/** Values a breakdown lists. */
const MAX_SEGMENTS = 10;

/**
 * The chart of a report: the first scored step's score over the period (the headline score), in `locale`;
 * undefined when no step has answers in the period.
 */
export function reportChart(
  report: FlowReport,
  flow: FlowDefinition,
  locale: Locale,
): ChartOption | undefined {
  const headline = report.scores.find((s) => s.current.responses > 0);
  const series = headline && report.series.find((s) => s.stepId === headline.stepId);
  if (!series) return undefined;
  return buildChartOption({ title: titleOf(flow.title, flow, locale), locale, series });
}
