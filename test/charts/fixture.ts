import type { Locale } from "../../core/locale.ts";
import type { RollupRow } from "../../core/ports.ts";
import { type ScoreSeries, seriesFromRows } from "../../core/reports/series.ts";
import { addDays } from "../../core/scores.ts";

/** 30 days of NPS answers ending 2026-12-05, with a weekly rhythm, as the daily rollups hold them. */
export const TO = "2026-12-05";
export const FROM = addDays(TO, -29);

export function npsRows(days = 30, to = TO): RollupRow[] {
  const from = addDays(to, -(days - 1));
  return Array.from({ length: days }, (_, i) => ({
    flowKey: "nps",
    stepId: "score",
    scale: "nps" as const,
    day: addDays(from, i),
    channel: "telegram" as const,
    locale: "en",
    histogram: { 10: 5 + (i % 7), 8: 3, 3: 2 + (i % 5) },
  }));
}

export function npsSeries(): ScoreSeries {
  const [series] = seriesFromRows(npsRows(), FROM, TO, "day");
  if (!series) throw new Error("no series");
  return series;
}

export const TITLES = {
  en: "After purchase",
  fa: "نظرسنجی پس از خرید",
  ar: "استبيان ما بعد الشراء",
  tr: "Satın alma sonrası",
} satisfies Record<Locale, string>;
