import { describe, expect, it } from "vitest";
import { CHART_SCALE, drawChart, renderChartPng } from "../../bots/charts/render.ts";
import { buildChartOption, CHART_HEIGHT, CHART_WIDTH } from "../../core/reports/chart.ts";
import { npsSeries, TITLES } from "./fixture.ts";

/**
 * Charts drawn with the real renderer (ECharts SSR SVG, resvg, the Vazirmatn font from npm): the PNG has the
 * expected size, is not blank, and the title sits at the reading edge (left in en, right in fa and ar).
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Columns with ink (a non-white pixel) in the rows `top`…`bottom`. */
function inkColumns(pixels: Buffer, width: number, top: number, bottom: number): number[] {
  const columns: number[] = [];
  for (let x = 0; x < width; x++) {
    for (let y = top; y < bottom; y++) {
      const i = (y * width + x) * 4;
      if ((pixels[i] ?? 255) < 200 || (pixels[i + 1] ?? 255) < 200 || (pixels[i + 2] ?? 255) < 200) {
        columns.push(x);
        break;
      }
    }
  }
  return columns;
}

describe("chart rendering", () => {
  for (const locale of ["en", "fa", "ar"] as const) {
    it(`draws a ${CHART_WIDTH * CHART_SCALE}×${CHART_HEIGHT * CHART_SCALE} PNG that is not blank in ${locale}`, () => {
      const option = buildChartOption({ title: TITLES[locale], locale, series: npsSeries() });
      const chart = renderChartPng(option);
      expect(chart.width).toBe(CHART_WIDTH * CHART_SCALE);
      expect(chart.height).toBe(CHART_HEIGHT * CHART_SCALE);
      expect([...chart.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      // The PNG's own header says the same size.
      const view = new DataView(chart.png.buffer, chart.png.byteOffset);
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([chart.width, chart.height]);

      const image = drawChart(option);
      const pixels = image.pixels;
      let ink = 0;
      for (let i = 0; i < pixels.length; i += 4)
        if ((pixels[i] ?? 255) < 240 || (pixels[i + 1] ?? 255) < 240 || (pixels[i + 2] ?? 255) < 240) ink++;
      const share = ink / (image.width * image.height);
      expect(share).toBeGreaterThan(0.05);
      expect(share).toBeLessThan(0.6);

      // The title line (top 60 layout pixels): flush with the left margin in en, the right margin in fa/ar.
      const title = inkColumns(pixels, image.width, 12 * CHART_SCALE, 40 * CHART_SCALE);
      const margin = 40 * CHART_SCALE;
      if (locale === "en") expect(title[0]).toBeLessThan(margin);
      else expect(image.width - (title.at(-1) ?? 0)).toBeLessThan(margin);
    });
  }
});
