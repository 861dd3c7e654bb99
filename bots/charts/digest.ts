import type { Digest } from "../../core/alerts/service.ts";
import { digestCharts } from "../../core/alerts/view.ts";
import type { Locale } from "../../core/locale.ts";
import type { ChartOption } from "../../core/reports/chart.ts";

/** Draws a chart option as PNG bytes. */
export type ChartRenderer = (option: ChartOption) => Promise<Uint8Array>;

/** The real renderer, loaded on the first chart (ECharts, resvg and the font are heavy; see ./render.ts). */
export const renderChartLazily: ChartRenderer = async (option) =>
  (await import("./render.ts")).renderChartPng(option).png;

/** A digest's chart drawn as an image file, ready to upload or attach. */
export interface DigestImage {
  readonly flowKey: string;
  readonly name: string;
  readonly png: Uint8Array;
}

/**
 * Draws the charts of a digest (one per flow with answers, see {@link digestCharts}). A chart that cannot be
 * drawn is left out and reported to `onError` with the flow's key: the digest's text goes out without it.
 */
export async function drawDigestCharts(
  digest: Digest,
  locale: Locale,
  render: ChartRenderer,
  onError: (error: unknown, flowKey: string) => void,
): Promise<DigestImage[]> {
  const images: DigestImage[] = [];
  for (const chart of digestCharts(digest, locale)) {
    try {
      images.push({ flowKey: chart.flowKey, name: chart.fileName, png: await render(chart.option) });
    } catch (error) {
      onError(error, chart.flowKey);
    }
  }
  return images;
}
