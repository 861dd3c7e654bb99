import { describe, expect, it } from "vitest";
import {
  type ContactRecord,
  decideSend,
  parseQuietHours,
  quietUntil,
  type SendContext,
} from "../../core/sending/fatigue.ts";

const now = new Date("2026-12-01T12:00:00Z");
const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
const base: SendContext = {
  now,
  sendId: "sv_01TEST",
  flowKey: "nps",
  policy: { fatigueDays: 30, timeZone: "UTC" },
  optedOut: false,
  contact: null,
};
const contact = (c: Partial<ContactRecord>): ContactRecord => ({ flows: {}, ...c });

describe("deciding whether a survey goes out", () => {
  it("sends to a respondent never surveyed", () => {
    expect(decideSend(base)).toEqual({ type: "send" });
  });

  it("never contacts a respondent who opted out", () => {
    expect(decideSend({ ...base, optedOut: true })).toEqual({ type: "skip", reason: "opted-out" });
  });

  it("fails at once for a respondent the platform refused for good, until they start a survey themselves", () => {
    const refused = contact({ unreachable: { reason: "blocked", at: days(40) } });
    expect(decideSend({ ...base, contact: refused })).toEqual({ type: "fail", reason: "blocked" });
    expect(decideSend({ ...base, contact: refused, lastSurveyedAt: days(41) })).toEqual({
      type: "fail",
      reason: "blocked",
    });
    expect(decideSend({ ...base, contact: refused, lastSurveyedAt: days(35) })).toEqual({ type: "send" });
  });

  it("at most one survey per N days across flows, counting the ones they started themselves", () => {
    expect(
      decideSend({ ...base, contact: contact({ lastSentAt: days(29), lastSendId: "sv_other" }) }),
    ).toEqual({ type: "skip", reason: "fatigue" });
    expect(decideSend({ ...base, lastSurveyedAt: days(3) })).toEqual({ type: "skip", reason: "fatigue" });
    expect(
      decideSend({ ...base, contact: contact({ lastSentAt: days(31) }), lastSurveyedAt: days(31) }),
    ).toEqual({
      type: "send",
    });
    // Off with 0.
    expect(
      decideSend({ ...base, policy: { ...base.policy, fatigueDays: 0 }, lastSurveyedAt: days(0) }),
    ).toEqual({
      type: "send",
    });
  });

  it("a retry of the same send after a crash is not fatigued by its own start", () => {
    const mine = contact({ lastSentAt: days(0), lastSendId: base.sendId, flows: { nps: days(0) } });
    expect(
      decideSend({
        ...base,
        contact: mine,
        lastSurveyedAt: now,
        sending: { recontactDays: 90 },
      }),
    ).toEqual({ type: "send" });
  });

  it("per-flow recontact days", () => {
    const policy = { ...base.policy, fatigueDays: 0 };
    const sentNps = contact({ lastSentAt: days(10), lastSendId: "sv_x", flows: { nps: days(10) } });
    expect(decideSend({ ...base, policy, contact: sentNps, sending: { recontactDays: 14 } })).toEqual({
      type: "skip",
      reason: "recontact",
    });
    expect(decideSend({ ...base, policy, contact: sentNps, sending: { recontactDays: 7 } })).toEqual({
      type: "send",
    });
    expect(
      decideSend({ ...base, policy, flowKey: "csat", contact: sentNps, sending: { recontactDays: 14 } }),
    ).toEqual({ type: "send" });
  });

  it("samples a share of the requests, the same way every time for one send", () => {
    const decisions = Array.from({ length: 2000 }, (_, i) =>
      decideSend({ ...base, sendId: `sv_${i}`, sending: { samplePercent: 25 } }),
    );
    const sent = decisions.filter((d) => d.type === "send").length;
    expect(sent).toBeGreaterThan(400);
    expect(sent).toBeLessThan(600);
    expect(decisions.filter((d) => d.type === "skip").every((d) => d.reason === "sampled-out")).toBe(true);
    const again = decideSend({ ...base, sendId: "sv_7", sending: { samplePercent: 25 } });
    expect(again).toEqual(decisions[7]);
    expect(decideSend({ ...base, sending: { samplePercent: 0 } })).toEqual({
      type: "skip",
      reason: "sampled-out",
    });
    expect(decideSend({ ...base, sending: { samplePercent: 100 } })).toEqual({ type: "send" });
  });

  it("waits for the end of quiet hours in the respondent's time zone, else the deployment's", () => {
    const quietHours = parseQuietHours("21:00-09:00");
    if (typeof quietHours !== "object") throw new Error(String(quietHours));
    const policy = { fatigueDays: 30, quietHours, timeZone: "UTC" };
    // 12:00 UTC is 15:30 in Tehran and 07:00 in New York.
    expect(decideSend({ ...base, policy, timeZone: "Asia/Tehran" })).toEqual({ type: "send" });
    expect(decideSend({ ...base, policy, timeZone: "America/New_York" })).toEqual({
      type: "defer",
      until: new Date("2026-12-01T14:00:00Z"),
    });
    // Unknown zone: the deployment's (UTC, noon: outside the window).
    expect(decideSend({ ...base, policy, timeZone: "Mars/Base" })).toEqual({ type: "send" });
    // Deferred even when it would be skipped: it is decided again at the window's end.
    const late = new Date("2026-12-01T22:30:00Z");
    expect(decideSend({ ...base, now: late, policy, optedOut: true })).toEqual({
      type: "defer",
      until: new Date("2026-12-02T09:00:00Z"),
    });
  });

  it("reads quiet hours that do not wrap midnight, and refuses malformed ones", () => {
    const lunch = parseQuietHours("12:00-13:30");
    if (typeof lunch !== "object") throw new Error(String(lunch));
    expect(quietUntil(new Date("2026-12-01T12:10:00Z"), lunch, "UTC")).toEqual(
      new Date("2026-12-01T13:30:00Z"),
    );
    expect(quietUntil(new Date("2026-12-01T13:30:00Z"), lunch, "UTC")).toBeUndefined();
    expect(parseQuietHours("")).toBeUndefined();
    expect(typeof parseQuietHours("9pm-9am")).toBe("string");
    expect(typeof parseQuietHours("09:00-09:00")).toBe("string");
  });
});
