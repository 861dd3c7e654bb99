import { describe, expect, it } from "vitest";
import { buildChartOption, chartDate, chartNumber } from "../../core/reports/chart.ts";
import { seriesBuckets, seriesFromRows } from "../../core/reports/series.ts";
import { addDays } from "../../core/scores.ts";
import { FROM, npsRows, npsSeries, TITLES, TO } from "./fixture.ts";

/** The option as plain data: what ECharts is given (formatters shown by name). */
const optionFor = (locale: "en" | "fa" | "ar" | "tr") =>
  buildChartOption({ title: TITLES[locale], locale, series: npsSeries() });

interface Axis {
  data?: string[];
  inverse?: boolean;
  position?: string;
  axisLabel: { formatter?: (v: number) => string };
}
const axes = (option: Record<string, unknown>, key: "xAxis" | "yAxis") => option[key] as Axis[];

describe("the report chart's option", () => {
  for (const locale of ["en", "fa", "ar"] as const) {
    it(`is stable in ${locale}`, () => {
      expect(optionFor(locale)).toMatchSnapshot();
    });
  }

  it("reads right to left in fa and ar: time runs right to left, value axes and title on the right", () => {
    for (const locale of ["fa", "ar"] as const) {
      const option = optionFor(locale);
      expect(axes(option, "xAxis").every((a) => a.inverse === true)).toBe(true);
      expect(axes(option, "yAxis").every((a) => a.position === "right")).toBe(true);
      expect(option.title).toMatchObject({ textAlign: "right", left: 776 });
      expect(option.legend).toMatchObject({ align: "right", right: 24 });
    }
    const en = optionFor("en");
    expect(axes(en, "xAxis").every((a) => a.inverse === false)).toBe(true);
    expect(axes(en, "yAxis").every((a) => a.position === "left")).toBe(true);
  });

  it("writes fa in Persian digits and the Solar Hijri calendar, ar in Arabic-Indic digits", () => {
    const fa = optionFor("fa");
    const days = axes(fa, "xAxis")[1]?.data ?? [];
    // 2026-11-06 is 15 Aban 1405; 2026-12-05 is 14 Azar 1405.
    expect(days[0]).toBe("۱۵ آبان");
    expect(days.at(-1)).toBe("۱۴ آذر");
    expect(JSON.stringify(fa.title)).toContain("۱۵ آبان ۱۴۰۵ – ۱۴ آذر ۱۴۰۵");
    const words = (t: unknown) => {
      const { text, subtext } = t as { text: string; subtext: string };
      return `${text} ${subtext}`;
    };
    expect(words(fa.title)).not.toMatch(/[0-9]/);
    expect(days.join(" ")).not.toMatch(/[0-9]/);
    expect(axes(fa, "yAxis")[0]?.axisLabel.formatter?.(-50)).toBe("\u200e−۵۰");
    expect(chartNumber(3.25, "fa", 2)).toBe("۳٫۲۵");

    const ar = optionFor("ar");
    expect(axes(ar, "xAxis")[1]?.data?.[0]).toBe("٦ نوفمبر");
    expect(axes(ar, "yAxis")[0]?.axisLabel.formatter?.(100)).toBe("١٠٠");
    expect(words(ar.title)).not.toMatch(/[0-9]/);
    expect(chartDate(TO, "en", true)).toBe("5 December 2026");
  });

  it("stacks promoters, passives and detractors under the NPS line, and counts every answer", () => {
    const option = optionFor("en");
    const series = option.series as { name: string; type: string; data: (number | null)[] }[];
    expect(series.map((s) => [s.name, s.type])).toEqual([
      ["NPS", "line"],
      ["Promoters", "bar"],
      ["Passives", "bar"],
      ["Detractors", "bar"],
    ]);
    const total = npsRows().reduce((n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0), 0);
    const stacked = series.slice(1).flatMap((s) => s.data as number[]);
    expect(stacked.reduce((a, b) => a + b, 0)).toBe(total);
    expect(JSON.stringify(option.title)).toContain(`${total} answers`);
    for (const v of series[0]?.data ?? []) expect(v === null || (v >= -100 && v <= 100)).toBe(true);
  });
});

describe("the score series", () => {
  it("has a point per day up to 90 days and a point per week for 12 months (52 whole weeks)", () => {
    expect(seriesBuckets(FROM, TO, "day")).toHaveLength(30);
    const from = addDays(TO, -363);
    const weeks = seriesBuckets(from, TO, "week");
    expect(weeks).toHaveLength(52);
    expect(weeks[0]).toEqual({ from, to: addDays(from, 6) });
    expect(weeks.at(-1)?.to).toBe(TO);
    const [series] = seriesFromRows(npsRows(364), from, TO, "week");
    const answers = (series?.points ?? []).reduce((n, p) => n + p.summary.responses, 0);
    const total = npsRows(364).reduce((n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0), 0);
    expect(answers).toBe(total);
  });
});
