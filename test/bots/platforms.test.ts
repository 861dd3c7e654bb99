import { describe, expect, it } from "vitest";
import { isPast } from "../../bots/platforms.ts";

describe("the daily digest's hour", () => {
  it("is read in the digest's time zone", () => {
    // 09:00 in Tehran (UTC+3:30) is 05:30 UTC.
    expect(isPast(new Date("2026-12-01T05:29:00Z"), "09:00", "Asia/Tehran")).toBe(false);
    expect(isPast(new Date("2026-12-01T05:30:00Z"), "09:00", "Asia/Tehran")).toBe(true);
    expect(isPast(new Date("2026-12-01T05:30:00Z"), "09:00", "UTC")).toBe(false);
    expect(isPast(new Date("2026-12-01T20:59:00Z"), "23:59", "Europe/Istanbul")).toBe(true);
  });

  it("starts again after midnight, when the day has turned", () => {
    expect(isPast(new Date("2026-12-01T21:00:00Z"), "09:00", "Europe/Istanbul")).toBe(false);
    expect(isPast(new Date("2026-12-01T00:00:00Z"), "00:00", "UTC")).toBe(true);
  });
});
