import { describe, expect, it } from "vitest";
import { addDays, bandOf, bandSentiment, dayKey, daySpan, summarize } from "../../core/scores.ts";

describe("bands", () => {
  it("splits NPS into detractors 0–6, passives 7–8, promoters 9–10", () => {
    expect([0, 6, 7, 8, 9, 10].map((v) => bandOf("nps", v, 0, 10))).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });
  it("splits CSAT 1–2 / 3 / 4–5 and CES 1–3 / 4 / 5–7", () => {
    expect([1, 2, 3, 4, 5].map((v) => bandOf("csat", v, 1, 5))).toEqual([
      "low",
      "low",
      "neutral",
      "high",
      "high",
    ]);
    expect([1, 3, 4, 5, 7].map((v) => bandOf("ces", v, 1, 7))).toEqual([
      "low",
      "low",
      "neutral",
      "high",
      "high",
    ]);
  });
  it("reads bands as feelings", () => {
    expect(bandSentiment("detractor")).toBe("negative");
    expect(bandSentiment("neutral")).toBe("neutral");
    expect(bandSentiment("promoter")).toBe("positive");
  });
});

describe("scores", () => {
  it("computes NPS as % promoters − % detractors with counts", () => {
    // 4 promoters, 2 passives, 4 detractors → 0
    expect(summarize("nps", { 10: 2, 9: 2, 8: 1, 7: 1, 6: 1, 3: 2, 0: 1 })).toEqual({
      metric: "nps",
      value: 0,
      responses: 10,
      promoters: 4,
      passives: 2,
      detractors: 4,
    });
    expect(summarize("nps", { 10: 3 }).value).toBe(100);
    expect(summarize("nps", { 2: 3 }).value).toBe(-100);
    expect(summarize("nps", {}).value).toBeNull();
  });
  it("computes CSAT as % of 4–5 and CES as the mean", () => {
    expect(summarize("csat", { 5: 1, 4: 2, 3: 1, 1: 1 })).toEqual({
      metric: "csat",
      value: 60,
      responses: 5,
    });
    expect(summarize("ces", { 7: 1, 5: 2, 2: 1 })).toEqual({ metric: "ces", value: 4.75, responses: 4 });
  });
});

describe("days", () => {
  it("keys a day in the flow's time zone", () => {
    const at = new Date("2026-03-20T22:30:00Z");
    expect(dayKey(at, "UTC")).toBe("2026-03-20");
    expect(dayKey(at, "Asia/Tehran")).toBe("2026-03-21");
    expect(dayKey(at, "America/New_York")).toBe("2026-03-20");
  });
  it("does calendar arithmetic", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daySpan("2026-01-01", "2026-01-31")).toBe(31);
  });
});
