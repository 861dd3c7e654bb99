import { type Locale, RTL_LOCALES } from "../locale.ts";
import type { ScoreSummary } from "../scores.ts";
import { toLocaleDigits } from "../text/digits.ts";
import type { ScoreSeries } from "./series.ts";

/**
 * A report's chart as an ECharts option: plain data built here (no ECharts import, snapshot-testable), drawn
 * by `bots/charts/render.ts`. Two panels share the time axis: the score on top (NPS −100…100, CSAT %, CES or
 * a custom scale's mean) and the answers below (for NPS stacked into promoters, passives and detractors).
 * In fa and ar the layout reads right to left: title and legend on the right, time running from right to left,
 * the value axes on the right; every number and date is written in the locale (Persian digits and the Solar
 * Hijri calendar for fa, Arabic-Indic digits for ar).
 */

/** What a chart shows. */
export interface ChartInput {
  /** The flow's title in the reader's language. */
  readonly title: string;
  readonly locale: Locale;
  readonly series: ScoreSeries;
}

/** An ECharts option (the subset cxbot builds): only data, and formatters that are pure functions. */
export type ChartOption = Readonly<Record<string, unknown>>;

/** The size charts are drawn at, in pixels (rendered at twice this for sharp text). */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 500;
/** The font every chart text is set in: Vazirmatn has Latin and Arabic-script glyphs (shipped by npm). */
export const CHART_FONT = "Vazirmatn";

interface ChartWords {
  readonly metric: Record<ScoreSummary["metric"], string>;
  readonly promoters: string;
  readonly passives: string;
  readonly detractors: string;
  readonly answers: string;
  readonly answersTotal: (n: string) => string;
  readonly noAnswers: string;
  readonly separator: string;
}

const WORDS = {
  en: {
    metric: { nps: "NPS", csat: "CSAT (%)", ces: "CES (average effort)", mean: "Average score" },
    promoters: "Promoters",
    passives: "Passives",
    detractors: "Detractors",
    answers: "Answers",
    answersTotal: (n) => `${n} answers`,
    noAnswers: "No answers in this period",
    separator: " · ",
  },
  fa: {
    metric: {
      nps: "امتیاز NPS",
      csat: "امتیاز CSAT (٪)",
      ces: "امتیاز CES (میانگین سختی)",
      mean: "میانگین امتیاز",
    },
    promoters: "مروجان",
    passives: "بی‌طرف‌ها",
    detractors: "منتقدان",
    answers: "تعداد پاسخ",
    answersTotal: (n) => `${n} پاسخ`,
    noAnswers: "در این دوره پاسخی ثبت نشد",
    separator: " · ",
  },
  ar: {
    metric: { nps: "مؤشر NPS", csat: "مؤشر CSAT (٪)", ces: "مؤشر CES (متوسط الجهد)", mean: "متوسط التقييم" },
    promoters: "المروّجون",
    passives: "المحايدون",
    detractors: "المنتقدون",
    answers: "عدد الإجابات",
    answersTotal: (n) => `عدد الإجابات: ${n}`,
    noAnswers: "لا توجد إجابات في هذه الفترة",
    separator: " · ",
  },
  tr: {
    metric: { nps: "NPS", csat: "CSAT (%)", ces: "CES (ortalama efor)", mean: "Ortalama puan" },
    promoters: "Destekçiler",
    passives: "Pasifler",
    detractors: "Kötüleyenler",
    answers: "Yanıtlar",
    answersTotal: (n) => `${n} yanıt`,
    noAnswers: "Bu dönemde yanıt yok",
    separator: " · ",
  },
} satisfies Record<Locale, ChartWords>;

/** Intl locales for chart dates: the Solar Hijri calendar for fa, Arabic-Indic digits for ar. */
const DATE_LOCALES = {
  en: "en-GB",
  fa: "fa-IR-u-ca-persian-nu-arabext",
  ar: "ar-u-ca-gregory-nu-arab",
  tr: "tr-TR",
} satisfies Record<Locale, string>;

const COLORS = {
  score: "#1f5fbf",
  promoters: "#2e9e5b",
  passives: "#c9c9c9",
  detractors: "#d9534f",
  answers: "#8fb3e6",
  text: "#222222",
  muted: "#666666",
  grid: "#e6e6e6",
} as const;

const FORMATS = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: Locale, withYear: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withYear}`;
  let format = FORMATS.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(DATE_LOCALES[locale], {
      timeZone: "UTC",
      day: "numeric",
      month: withYear ? "long" : "short",
      ...(withYear ? { year: "numeric" } : {}),
    });
    FORMATS.set(key, format);
  }
  return format;
}

/** A `YYYY-MM-DD` day as the locale writes it: "3 Dec" / "۱۲ آذر" / "٣ ديسمبر", with the year when asked. */
export function chartDate(day: string, locale: Locale, withYear = false): string {
  return toLocaleDigits(dateFormat(locale, withYear).format(new Date(`${day}T12:00:00Z`)), locale);
}

/** A number in the locale's digits, with a real minus sign (kept left of its digits in a right-to-left line). */
export function chartNumber(value: number, locale: Locale, decimals = 0): string {
  const text = Math.abs(value).toFixed(decimals);
  const decimal = locale === "fa" || locale === "ar" ? "٫" : locale === "tr" ? "," : ".";
  const sign = value < 0 && Number(text) !== 0 ? "−" : "";
  const mark = sign !== "" && RTL_LOCALES.has(locale) ? "\u200e" : "";
  return toLocaleDigits(`${mark}${sign}${text.replace(".", decimal)}`, locale);
}

/** The value axis of each metric: fixed ranges where the scale has them. */
function valueAxisRange(metric: ScoreSummary["metric"]): { min?: number; max?: number; interval?: number } {
  switch (metric) {
    case "nps":
      return { min: -100, max: 100, interval: 50 };
    case "csat":
      return { min: 0, max: 100, interval: 25 };
    case "ces":
      return { min: 1, max: 7, interval: 1 };
    case "mean":
      return {};
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

/** The ECharts option of a report's chart. */
/**
 * A right-to-left line as one right-to-left embedding (RLE … PDF): the renderer lays a text out from its own
 * base direction, and a line that starts with a number ("۱۵ آبان …") would otherwise put that number last.
 */
function embed(text: string, rtl: boolean): string {
  return rtl ? `\u202b${text}\u202c` : text;
}

export function buildChartOption(input: ChartInput): ChartOption {
  const { locale, series } = input;
  const w: ChartWords = WORDS[locale];
  const rtl = RTL_LOCALES.has(locale);
  const points = series.points;
  const metric = points[0]?.summary.metric ?? "mean";
  const decimals = metric === "ces" || metric === "mean" ? 2 : 1;
  const total = points.reduce((sum, p) => sum + p.summary.responses, 0);
  const first = points[0];
  const last = points[points.length - 1];
  const period =
    first && last
      ? `${chartDate(first.from, locale, true)} – ${chartDate(last.to, locale, true)}${w.separator}`
      : "";
  const side = rtl ? { right: 24 } : { left: 24 };
  const categories = points.map((p) => chartDate(p.from, locale));
  const label = { color: COLORS.muted, fontFamily: CHART_FONT, fontSize: 12 };
  const axisLabel = (formatter?: (value: number) => string) => ({
    ...label,
    ...(formatter ? { formatter } : {}),
  });
  const xAxis = (gridIndex: number, showLabels: boolean) => ({
    type: "category",
    gridIndex,
    data: categories,
    inverse: rtl,
    boundaryGap: true,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: COLORS.grid } },
    axisLabel: { ...axisLabel(), show: showLabels, hideOverlap: true },
  });
  const valueAxis = (
    gridIndex: number,
    range: { min?: number; max?: number; interval?: number; minInterval?: number },
    d: number,
  ) => ({
    type: "value",
    gridIndex,
    position: rtl ? "right" : "left",
    ...range,
    splitLine: { lineStyle: { color: COLORS.grid } },
    axisLabel: axisLabel((value: number) => chartNumber(value, locale, Number.isInteger(value) ? 0 : d)),
  });
  const scoreData = points.map((p) => p.summary.value);
  const countSeries =
    metric === "nps"
      ? (
          [
            ["promoters", w.promoters, COLORS.promoters],
            ["passives", w.passives, COLORS.passives],
            ["detractors", w.detractors, COLORS.detractors],
          ] as const
        ).map(([key, name, color]) => ({
          name,
          type: "bar",
          stack: "answers",
          xAxisIndex: 1,
          yAxisIndex: 1,
          barMaxWidth: 28,
          itemStyle: { color },
          data: points.map((p) => p.summary[key] ?? 0),
        }))
      : [
          {
            name: w.answers,
            type: "bar",
            xAxisIndex: 1,
            yAxisIndex: 1,
            barMaxWidth: 28,
            itemStyle: { color: COLORS.answers },
            data: points.map((p) => p.summary.responses),
          },
        ];
  const metricName = embed(w.metric[metric], rtl);
  const names = [metricName, ...countSeries.map((s) => s.name)];
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: CHART_FONT, color: COLORS.text },
    title: {
      text: embed(`${input.title} — ${w.metric[metric]}`, rtl),
      subtext: embed(
        total === 0 ? `${period}${w.noAnswers}` : `${period}${w.answersTotal(chartNumber(total, locale))}`,
        rtl,
      ),
      // Anchored at its reading edge: in RTL the title and the period under it both end at the right margin.
      ...(rtl ? { left: CHART_WIDTH - 24, textAlign: "right" } : { left: 24, textAlign: "left" }),
      top: 12,
      itemGap: 12,
      textStyle: { fontFamily: CHART_FONT, fontSize: 18, fontWeight: "bold", color: COLORS.text },
      subtextStyle: { fontFamily: CHART_FONT, fontSize: 13, color: COLORS.muted },
    },
    legend: {
      data: rtl ? [...names].reverse() : names,
      ...side,
      top: 68,
      align: rtl ? "right" : "left",
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontFamily: CHART_FONT, fontSize: 12, color: COLORS.text },
    },
    grid: [
      { left: 64, right: 64, top: 108, height: 210 },
      { left: 64, right: 64, top: 356, height: 100 },
    ],
    xAxis: [xAxis(0, false), xAxis(1, true)],
    yAxis: [valueAxis(0, valueAxisRange(metric), decimals), valueAxis(1, { min: 0, minInterval: 1 }, 0)],
    series: [
      {
        name: metricName,
        type: "line",
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: scoreData,
        connectNulls: true,
        symbol: "circle",
        symbolSize: points.length > 40 ? 4 : 7,
        lineStyle: { width: 2.5, color: COLORS.score },
        itemStyle: { color: COLORS.score },
        ...(metric === "nps"
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                label: { show: false },
                lineStyle: { color: COLORS.muted, type: "dashed" },
                data: [{ yAxis: 0 }],
              },
            }
          : {}),
      },
      ...countSeries,
    ],
  };
}
