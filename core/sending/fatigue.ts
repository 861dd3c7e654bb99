import type { FlowSending } from "../flow/schema.ts";
import type { FailReason, SkipReason } from "./types.ts";

/**
 * Whether a survey cxbot was asked to send goes out now: decided when its job runs (not when it was
 * requested), from the respondent's consent and history, the flow's rules and the clock. Pure: every input
 * is a value, so each rule is tested on its own (test/sending/fatigue.test.ts).
 *
 * In order:
 * 1. quiet hours, in the respondent's time zone where known (else the deployment's): the send waits for the
 *    window's end and is decided again then — never skipped for it;
 * 2. opt-out: a respondent who opted out (`/stop` outside a survey) is never contacted;
 * 3. unreachable: the platform refused a delivery for good (bot blocked, account gone, DMs closed) and the
 *    respondent has not started a survey since — failed with that reason, nothing is tried;
 * 4. sampling: the flow's `samplePercent`, decided by the send's id, so a retry decides the same way;
 * 5. recontact: the flow's `recontactDays` since this flow was last sent to them;
 * 6. fatigue: at most one survey per `fatigueDays` per respondent across all flows, counting surveys they
 *    started themselves.
 */

/** What the sending side remembers about a respondent (storage/survey-send-store.ts). */
export interface ContactRecord {
  /** The last survey sent to them on cxbot's initiative, and which send it was. */
  readonly lastSentAt?: Date;
  readonly lastSendId?: string;
  /** When each flow was last sent to them. */
  readonly flows: Readonly<Record<string, Date>>;
  /** The platform refused a delivery for good. */
  readonly unreachable?: { readonly reason: FailReason; readonly at: Date };
}

/** Quiet hours as minutes after local midnight; `start > end` wraps midnight (21:00–09:00). */
export interface QuietHours {
  readonly start: number;
  readonly end: number;
}

/** The deployment's sending rules (from the environment; see bots/sending/config.ts). */
export interface SendPolicy {
  /** Days between two surveys to one respondent across flows; 0 turns the rule off. */
  readonly fatigueDays: number;
  readonly quietHours?: QuietHours;
  /** The time zone quiet hours are read in when the respondent's is unknown. */
  readonly timeZone: string;
}

export interface SendContext {
  readonly now: Date;
  readonly sendId: string;
  readonly flowKey: string;
  readonly sending?: FlowSending;
  readonly policy: SendPolicy;
  readonly optedOut: boolean;
  /** When the respondent last started any survey (their own or one sent), from their profile. */
  readonly lastSurveyedAt?: Date;
  readonly contact: ContactRecord | null;
  /** The respondent's IANA time zone, where known. */
  readonly timeZone?: string;
}

export type SendDecision =
  | { readonly type: "send" }
  | { readonly type: "skip"; readonly reason: SkipReason }
  | { readonly type: "fail"; readonly reason: FailReason }
  /** Quiet hours: decide again at `until`. */
  | { readonly type: "defer"; readonly until: Date };

const DAY_MS = 86_400_000;

/** Parses `21:00-09:00` (24-hour clock); undefined for an empty value, an error message for a bad one. */
export function parseQuietHours(text: string | undefined): QuietHours | undefined | string {
  if (text === undefined || text.trim() === "") return undefined;
  const m = /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$/.exec(text);
  if (!m) return `quiet hours must look like 21:00-09:00, got "${text}"`;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start === end) return "quiet hours must not start and end at the same minute";
  return { start, end };
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after local midnight at `now` in `zone`. */
function localMinutes(now: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

/** When the quiet window around `now` ends, or undefined outside it. */
export function quietUntil(now: Date, quiet: QuietHours, zone: string): Date | undefined {
  const local = localMinutes(now, zone);
  const inside =
    quiet.start < quiet.end
      ? local >= quiet.start && local < quiet.end
      : local >= quiet.start || local < quiet.end;
  if (!inside) return undefined;
  const minutesLeft = (quiet.end - local + 1440) % 1440;
  // To the window's end on the minute (a DST change inside the window shifts it by that hour).
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}

/** A stable number in [0, 10000) from a string (FNV-1a), so sampling decides the same way on every retry. */
function bucketOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 10_000;
}

export function decideSend(ctx: SendContext): SendDecision {
  const { now, policy, contact, sending } = ctx;
  if (policy.quietHours) {
    const zone = ctx.timeZone !== undefined && isTimeZone(ctx.timeZone) ? ctx.timeZone : policy.timeZone;
    const until = quietUntil(now, policy.quietHours, zone);
    if (until) return { type: "defer", until };
  }
  if (ctx.optedOut) return { type: "skip", reason: "opted-out" };
  // Sent by this very send (a retry after a crash between recording and starting): not a previous survey.
  const mine = contact?.lastSendId === ctx.sendId;
  const unreachable = contact?.unreachable;
  if (unreachable && !(ctx.lastSurveyedAt && ctx.lastSurveyedAt > unreachable.at)) {
    return { type: "fail", reason: unreachable.reason };
  }
  if (sending?.samplePercent !== undefined && bucketOf(ctx.sendId) >= sending.samplePercent * 100) {
    return { type: "skip", reason: "sampled-out" };
  }
  if (!mine && sending?.recontactDays !== undefined && sending.recontactDays > 0) {
    const last = contact?.flows[ctx.flowKey];
    if (last && now.getTime() - last.getTime() < sending.recontactDays * DAY_MS) {
      return { type: "skip", reason: "recontact" };
    }
  }
  if (policy.fatigueDays > 0) {
    const window = policy.fatigueDays * DAY_MS;
    const sent = mine ? undefined : contact?.lastSentAt;
    // A survey they started after this send was recorded is this send's own start.
    const own =
      mine && ctx.lastSurveyedAt && contact?.lastSentAt && ctx.lastSurveyedAt >= contact.lastSentAt
        ? undefined
        : ctx.lastSurveyedAt;
    for (const at of [sent, own]) {
      if (at && now.getTime() - at.getTime() < window) return { type: "skip", reason: "fatigue" };
    }
  }
  return { type: "send" };
}
