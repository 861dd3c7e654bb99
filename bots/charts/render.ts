import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";
import { CHART_FONT, CHART_HEIGHT, CHART_WIDTH, type ChartOption } from "../../core/reports/chart.ts";

/**
 * Draws a chart option to PNG with no browser: ECharts' server-side SVG renderer, then resvg (Rust, prebuilt
 * for each platform through npm's optional dependencies), which shapes Arabic-script text (letter joining,
 * right-to-left runs) with the Vazirmatn font shipped by the `vazirmatn` package. Heavy: import this module
 * only when a chart is asked for (`import("./charts/render.ts")`).
 */

/** How much larger than its layout size a chart is drawn, for sharp text on phones. */
export const CHART_SCALE = 2;

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve("vazirmatn/package.json")), "fonts", "ttf");
/** The font files (resvg reads them itself); the system's fonts are never scanned, so output is the same anywhere. */
const FONTS = ["Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"].map((f) => join(fontDir, f));

const WIDTHS = new Map<string, number>();
const MAX_CACHED_WIDTHS = 20_000;

const escapeXml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));

/**
 * The advance width of `text` in a CSS `font` ("bold 18px Vazirmatn"), measured by resvg with the real font:
 * ECharts lays out titles, legends and labels from these widths, and its own guess without a canvas takes
 * every non-ASCII letter as a square (Persian and Arabic text would be placed far off). Measured between two
 * bars, so spaces and side bearings count as they do in a line.
 */
function measureWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const cached = WIDTHS.get(key);
  if (cached !== undefined) return cached;
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 12);
  const weight = /\bbold(?:er)?\b|\b[6-9]00\b/.test(font) ? "bold" : "normal";
  const bars = (inner: string): number => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(size * (inner.length + 4) * 1.2)}" height="${Math.ceil(size * 2)}"><text x="0" y="${size * 1.5}" xml:space="preserve" style="font-size:${size}px;font-family:${CHART_FONT};font-weight:${weight}">|${escapeXml(inner)}|</text></svg>`;
    const box = new Resvg(svg, {
      font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: CHART_FONT },
    }).getBBox();
    return box?.width ?? 0;
  };
  const width = Math.max(0, bars(text) - bars(""));
  if (WIDTHS.size >= MAX_CACHED_WIDTHS) WIDTHS.clear();
  WIDTHS.set(key, width);
  return width;
}

echarts.setPlatformAPI({ measureText: (text, font) => ({ width: measureWidth(text, font ?? "12px") }) });

/** A chart option as SVG markup (what the PNG is drawn from). */
export function renderChartSvg(option: ChartOption): string {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A drawn chart: the PNG bytes and its size in pixels. */
export interface RenderedChart {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A chart option drawn by resvg, {@link CHART_SCALE} times its layout size, on a white background. */
export function drawChart(option: ChartOption): ReturnType<Resvg["render"]> {
  return new Resvg(renderChartSvg(option), {
    background: "#ffffff",
    fitTo: { mode: "zoom", value: CHART_SCALE },
    font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: CHART_FONT },
  }).render();
}

/** A chart option as a PNG (see {@link drawChart}). */
export function renderChartPng(option: ChartOption): RenderedChart {
  const image = drawChart(option);
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}
