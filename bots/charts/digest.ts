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
 * drawn is left out and reported to `onError` with the flow's key (once, by the first caller): the digest's text
 * goes out without it. The same digest in the same language is drawn once, however many notifiers ask.
 */
export function drawDigestCharts(
  digest: Digest,
  locale: Locale,
  render: ChartRenderer,
  onError: (error: unknown, flowKey: string) => void,
): Promise<DigestImage[]> {
  // Slack and Discord are handed the same digest at once (the fan-out notifier): its charts are drawn once.
  let byDigest = drawn.get(render);
  if (!byDigest) {
    byDigest = new WeakMap();
    drawn.set(render, byDigest);
  }
  let byLocale = byDigest.get(digest);
  if (!byLocale) {
    byLocale = new Map();
    byDigest.set(digest, byLocale);
  }
  let images = byLocale.get(locale);
  if (!images) {
    images = draw(digest, locale, render, onError);
    byLocale.set(locale, images);
  }
  return images;
}

const drawn = new WeakMap<ChartRenderer, WeakMap<Digest, Map<Locale, Promise<DigestImage[]>>>>();

async function draw(
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
