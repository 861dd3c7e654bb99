import { describe, expect, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { isWeeklyDue } from "../../bots/platforms.ts";
import { isoWeek } from "../../core/alerts/service.ts";
import { CxError } from "../../core/result.ts";

/** DIGEST_WEEKLY as the environment gives it, and when the weekly digest is due and which week it counts as. */

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(CxError);
    expect((error as CxError).code).toBe("CONFIG_INVALID");
    return (error as CxError).message;
  }
  throw new Error("the configuration was accepted");
}

describe("DIGEST_WEEKLY", () => {
  it("is off unless set, and reads a weekday and a time", () => {
    expect(loadConfig({}).DIGEST_WEEKLY).toBe("off");
    expect(loadConfig({ DIGEST_WEEKLY: "off" }).DIGEST_WEEKLY).toBe("off");
    expect(loadConfig({ DIGEST_WEEKLY: "mon 09:00" }).DIGEST_WEEKLY).toEqual({ weekday: 1, at: "09:00" });
    expect(loadConfig({ DIGEST_WEEKLY: " Fri 17:30 " }).DIGEST_WEEKLY).toEqual({ weekday: 5, at: "17:30" });
    expect(loadConfig({ DIGEST_WEEKLY: "sun 00:00" }).DIGEST_WEEKLY).toEqual({ weekday: 0, at: "00:00" });
  });

  it("refuses anything else, saying what it must be", () => {
    for (const bad of [
      "monday 09:00",
      "mon 9:00",
      "mon",
      "09:00",
      "mon 24:00",
      "lun 09:00",
      "mon 09:00 UTC",
    ]) {
      const message = configError({ DIGEST_WEEKLY: bad });
      expect(message).toContain(
        "DIGEST_WEEKLY: must be off, or a weekday (mon, tue, wed, thu, fri, sat, sun) and a time HH:MM (24-hour), e.g. mon 09:00",
      );
    }
  });
});

describe("when the weekly digest is due", () => {
  const monday9 = { weekday: 1, at: "09:00" };

  it("on its weekday, at or after its time, in the digest's time zone", () => {
    // 2026-12-07 is a Monday; 09:00 in Tehran (UTC+3:30) is 05:30 UTC.
    expect(isWeeklyDue(new Date("2026-12-07T05:29:00Z"), monday9, "Asia/Tehran")).toBe(false);
    expect(isWeeklyDue(new Date("2026-12-07T05:30:00Z"), monday9, "Asia/Tehran")).toBe(true);
    expect(isWeeklyDue(new Date("2026-12-07T20:29:00Z"), monday9, "Asia/Tehran")).toBe(true);
    // 20:30 UTC Monday is already Tuesday in Tehran.
    expect(isWeeklyDue(new Date("2026-12-07T20:30:00Z"), monday9, "Asia/Tehran")).toBe(false);
    expect(isWeeklyDue(new Date("2026-12-07T08:59:00Z"), monday9, "UTC")).toBe(false);
    expect(isWeeklyDue(new Date("2026-12-07T09:00:00Z"), monday9, "UTC")).toBe(true);
    // Sunday evening in UTC is Monday morning in Tokyo (UTC+9).
    expect(isWeeklyDue(new Date("2026-12-07T00:30:00Z"), monday9, "Asia/Tokyo")).toBe(true);
    expect(isWeeklyDue(new Date("2026-12-08T09:00:00Z"), monday9, "UTC")).toBe(false);
  });

  it("counts weeks as ISO 8601 does (Monday first; week 1 holds the year's first Thursday)", () => {
    expect(isoWeek("2026-12-07")).toBe("2026-W50");
    expect(isoWeek("2026-12-13")).toBe("2026-W50");
    expect(isoWeek("2026-12-14")).toBe("2026-W51");
    expect(isoWeek("2021-01-03")).toBe("2020-W53");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
    expect(isoWeek("2026-01-01")).toBe("2026-W01");
  });
});
