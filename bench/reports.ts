/**
 * Report charts: how long drawing one takes (ECharts SVG + resvg to PNG, Vazirmatn), cold (loading the renderer
 * and the font, the first chart) and warm (median of repeated charts), for each period and en / fa / ar, and
 * the PNG's size. No database: the series comes from synthetic daily rollup rows.
 *
 * `node --import tsx bench/reports.ts [--runs N]` (also part of `npm run bench`).
 */
import { parseArgs } from "node:util";
import type { Locale } from "../core/locale.ts";
import type { RollupRow } from "../core/ports.ts";
import { buildChartOption } from "../core/reports/chart.ts";
import { bucketFor, seriesFromRows } from "../core/reports/series.ts";
import { addDays } from "../core/scores.ts";
import { median } from "./server.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" } } });
const RUNS = Number(values.runs);
const TO = "2026-12-05";
const TITLES = { en: "After purchase", fa: "نظرسنجی پس از خرید", ar: "استبيان ما بعد الشراء" } as const;

function rows(days: number): RollupRow[] {
  const from = addDays(TO, -(days - 1));
  return Array.from({ length: days }, (_, i) => ({
    flowKey: "nps",
    stepId: "score",
    scale: "nps" as const,
    day: addDays(from, i),
    channel: "telegram" as const,
    locale: "en",
    histogram: { 10: 20 + (i % 7), 8: 9, 3: 6 + (i % 5) },
  }));
}

async function main(): Promise<void> {
  const started = performance.now();
  const { renderChartPng } = await import("../bots/charts/render.ts");
  const loaded = performance.now() - started;
  const option = (days: number, locale: Locale) => {
    const from = addDays(TO, -(days - 1));
    const [series] = seriesFromRows(rows(days), from, TO, bucketFor(days));
    if (!series) throw new Error("no series");
    return buildChartOption({ title: TITLES[locale as keyof typeof TITLES] ?? "", locale, series });
  };
  const firstStart = performance.now();
  renderChartPng(option(30, "fa"));
  const first = performance.now() - firstStart;
  console.log(`report chart: renderer loaded in ${loaded.toFixed(0)} ms, first chart ${first.toFixed(0)} ms`);
  for (const [label, days] of [
    ["7d", 7],
    ["30d", 30],
    ["90d", 90],
    ["12m", 364],
  ] as const) {
    const cells: string[] = [];
    for (const locale of ["en", "fa", "ar"] as const) {
      const o = option(days, locale);
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        bytes = renderChartPng(o).png.length;
        times.push(performance.now() - t);
      }
      cells.push(`${locale} ${median(times).toFixed(1)} ms (${Math.round(bytes / 1024)} KB)`);
    }
    console.log(`report chart ${label}: ${cells.join(" · ")} — median of ${RUNS}`);
  }
}

await main();
