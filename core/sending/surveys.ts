import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { FlowRegistry } from "../flow/registry.ts";
import { delayMs } from "../flow/schema.ts";
import type { SurveyHub } from "../hub.ts";
import { t } from "../i18n/messages.ts";
import { RTL_LOCALES, ZLocale } from "../locale.ts";
import type { Operations } from "../operations.ts";
import type { RespondentStore } from "../ports.ts";
import { CxError } from "../result.ts";
import { dayKey } from "../scores.ts";
import { respondentKey, type SurveyService } from "../service.ts";
import type { OutboundMessage, RespondentRef } from "../types.ts";
import { type ContactRecord, decideSend, type SendPolicy } from "./fatigue.ts";
import { backoffMs } from "./queue.ts";
import type {
  FailReason,
  Job,
  JobHandler,
  JobOutcome,
  JobQueue,
  JobSpec,
  SendPlatform,
  SkipReason,
  SurveyDispatcher,
  SurveySend,
  SurveySendRequest,
  SurveySendStatus,
} from "./types.ts";

/**
 * Surveys sent on cxbot's initiative: the {@link SurveyDispatcher} the HTTP API and campaigns call, the
 * `survey` and `reminder` job handlers, and the listener that follows each sent survey to its end.
 *
 * A request is a job on the send queue (id = the survey's id, carrying the whole request) plus a record
 * (`SurveySend`) that the API reads. When the job runs, the fatigue rules decide (core/sending/fatigue.ts);
 * the survey is started through `Operations.startSurvey` with the survey's id in its request id, so a job
 * run twice (a lease that expired, a crash after starting) starts it once. The record then follows the
 * conversation: `sent`, then `completed`, `partial` (ended with some answers) or `expired` (none).
 */

/** A survey send as stored: the contract's record plus what the handler keeps between attempts. */
export interface StoredSurveySend extends SurveySend {
  /** Deliveries the platform refused for a passing reason so far: each new one starts under a new request id. */
  readonly tries: number;
}

/** What changes on a record over its life. */
export interface SurveySendPatch {
  readonly status?: SurveySendStatus;
  readonly reason?: SkipReason | FailReason;
  readonly conversationId?: string;
  readonly sentAt?: Date;
  readonly remindersSent?: number;
  readonly tries?: number;
}

/** Where sent surveys and what cxbot knows about reaching each respondent are kept (storage/survey-send-store.ts). */
export interface SurveySendStore {
  /** Inserts records whose id is new; existing ones are left as they are. */
  create(sends: readonly StoredSurveySend[]): Promise<void>;
  get(id: string): Promise<StoredSurveySend | null>;
  /**
   * Sets fields of a record, only while its status is one of `onlyIf` when given. Its writers: the holder of
   * its job's lease, and its conversation's end.
   */
  update(id: string, patch: SurveySendPatch, at: Date, onlyIf?: readonly SurveySendStatus[]): Promise<void>;
  contact(key: string): Promise<ContactRecord | null>;
  /** Records, before the survey starts, that `sendId` sends `flowKey` to the respondent now. */
  recordSend(key: string, sendId: string, flowKey: string, at: Date): Promise<void>;
  /** The platform refused a delivery for good: no further sends until they start a survey themselves. */
  markUnreachable(key: string, reason: FailReason, at: Date): Promise<void>;
  /** Counts one decided send of a flow on a day (the flow's zone): sent, or skipped / failed with the reason. */
  tally(flowKey: string, day: string, outcome: SendOutcome): Promise<void>;
  /** The counts of a flow's sends on these days (`YYYY-MM-DD`), summed. */
  tallies(flowKey: string, days: readonly string[]): Promise<SendTally>;
}

/** How a send was decided, as counted for reports. */
export type SendOutcome = "sent" | `skipped:${SkipReason}` | `failed:${FailReason}`;

/** A flow's sends over some days: how many went out, and how many did not, by reason. */
export interface SendTally {
  readonly sent: number;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  readonly failed: Readonly<Partial<Record<FailReason, number>>>;
}

/** What a failed delivery means for sending, as the app classifies a platform's error (bots/sending/). */
export type DeliveryFailure =
  | { readonly kind: "rate-limited"; readonly retryAfterMs: number }
  /**
   * Refused for good: the bot was blocked, the account is gone, DMs are closed (the respondent is marked and
   * not tried again); `refused`: this message was refused, for a reason of its own.
   */
  | { readonly kind: "final"; readonly reason: FailReason }
  /** The network, an outage, an unexplained refusal: try again later. */
  | { readonly kind: "transient"; readonly message: string };

/** Property names: safe as stored field names (no `.`, no `$`) and short. */
export const ZPropertyKey = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, "must be 1–64 letters, digits, '_' or '-'");
/** The properties of one request (kept with the response, used as report segments). */
export const ZSurveyProperties = z
  .record(ZPropertyKey, z.string().max(500))
  .refine((p) => Object.keys(p).length <= 32, "at most 32 properties");

/** A send request as it travels in a job's payload (plain JSON). */
const ZRequestPayload = z.object({
  sendId: z.string(),
  source: z.string(),
  platform: z.enum(["telegram", "slack", "discord"]),
  userId: z.string().min(1).max(64),
  flow: z.string().min(1).max(64),
  locale: ZLocale.optional(),
  reference: z.string().max(200).optional(),
  properties: ZSurveyProperties.optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
  createdAt: z.iso.datetime({ offset: true }),
});
type RequestPayload = z.infer<typeof ZRequestPayload>;

const ZReminderPayload = z.object({ sendId: z.string(), index: z.number().int().min(0) });

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `sv_` + a ULID (26 characters: the time in milliseconds, then 80 random bits), so ids sort by creation. */
export function newSurveyId(now: Date): string {
  let time = now.getTime();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = "";
  for (let i = 0; i < 16; i++) tail += CROCKFORD[(bytes[i] ?? 0) % 32];
  return `sv_${head}${tail}`;
}

/** The respondent a request names, as the platform adapters address them. */
const respondentOf = (platform: SendPlatform, userId: string): RespondentRef => ({
  channel: platform,
  userId,
});

/** How sending is put together (bots/sending/ wires it). */
export interface SurveySendingDeps {
  readonly queue: JobQueue;
  readonly store: SurveySendStore;
  readonly respondents: RespondentStore;
  readonly flows: FlowRegistry;
  readonly survey: SurveyService;
  /** Starts surveys and delivers reminders through the rate-limited messenger. */
  readonly operations: Operations;
  readonly hub: SurveyHub;
  readonly policy: SendPolicy;
  /** What a platform's delivery error means (rate limit, refused for good, passing). */
  readonly classify: (error: unknown) => DeliveryFailure;
  /** Holds a platform's lane after a 429 (core/sending/limiter.ts). */
  readonly pauseLane?: (lane: string, untilMs: number) => void;
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
}

export interface SurveySending {
  readonly dispatcher: SurveyDispatcher;
  readonly surveyHandler: JobHandler;
  readonly reminderHandler: JobHandler;
  /** Stops following conversations' ends. */
  close(): void;
}

const toContract = (s: StoredSurveySend): SurveySend => {
  const { tries: _tries, ...send } = s;
  return send;
};

function requestOf(p: RequestPayload): SurveySendRequest {
  return {
    platform: p.platform,
    userId: p.userId,
    flow: p.flow,
    ...(p.locale === undefined ? {} : { locale: p.locale }),
    ...(p.reference === undefined ? {} : { reference: p.reference }),
    ...(p.properties === undefined ? {} : { properties: p.properties }),
    ...(p.sendAt === undefined ? {} : { sendAt: new Date(p.sendAt) }),
  };
}

function recordOf(p: RequestPayload): StoredSurveySend {
  const createdAt = new Date(p.createdAt);
  return {
    id: p.sendId,
    request: requestOf(p),
    status: "scheduled",
    source: p.source,
    createdAt,
    updatedAt: createdAt,
    remindersSent: 0,
    tries: 0,
  };
}

export function createSurveySending(deps: SurveySendingDeps): SurveySending {
  const { queue, store, flows, survey, operations, policy } = deps;
  const clock = deps.clock ?? (() => new Date());
  const report = (error: unknown) => deps.onError?.(error);

  const retryOutcome = (job: Job, failure: DeliveryFailure, now: Date): JobOutcome | null => {
    switch (failure.kind) {
      case "rate-limited": {
        const at = new Date(now.getTime() + Math.max(1000, failure.retryAfterMs));
        deps.pauseLane?.(job.lane, at.getTime());
        return {
          type: "retry",
          at,
          error: `rate-limited for ${failure.retryAfterMs} ms`,
          countAttempt: false,
        };
      }
      case "transient":
        return {
          type: "retry",
          at: new Date(now.getTime() + backoffMs(job.attempts + 1, deps.random)),
          error: failure.message,
          countAttempt: true,
        };
      case "final":
        return null;
      default: {
        const never: never = failure;
        throw new Error(`unknown failure ${JSON.stringify(never)}`);
      }
    }
  };

  /** The job's last attempt, when this one fails too: the record says so (the queue fails the job itself). */
  const lastAttempt = (job: Job): boolean => job.attempts + 1 >= (job.maxAttempts ?? 8);

  const surveyHandler: JobHandler = async (job) => {
    const parsed = ZRequestPayload.safeParse(job.payload);
    if (!parsed.success) return { type: "failed", reason: "the job's payload is not a survey request" };
    const payload = parsed.data;
    const id = payload.sendId;
    let send = await store.get(id);
    if (!send) {
      // Queued, then the process stopped before the record was written: write it now.
      await store.create([recordOf(payload)]);
      send = recordOf(payload);
    }
    if (send.status !== "scheduled") return { type: "done" };
    const now = clock();
    // Counted on the day it was decided, in the flow's zone (UTC for a flow that does not exist).
    let timeZone = "UTC";
    const count = (outcome: SendOutcome): Promise<void> =>
      store.tally(payload.flow, dayKey(now, timeZone), outcome);
    const finish = async (
      status: "skipped" | "failed",
      reason: SkipReason | FailReason,
    ): Promise<JobOutcome> => {
      await store.update(id, { status, reason }, now);
      await count(`${status}:${reason}` as SendOutcome);
      return status === "failed" ? { type: "failed", reason } : { type: "done" };
    };

    const startable = await flows.startable(payload.flow);
    if (!("flow" in startable))
      return finish("skipped", startable.reason === "disabled" ? "flow-disabled" : "unknown-flow");
    const { flow } = startable;
    timeZone = flow.timeZone;
    const to = respondentOf(payload.platform, payload.userId);
    const key = respondentKey(to);
    const [profile, contact] = await Promise.all([deps.respondents.get(key), store.contact(key)]);
    const decision = decideSend({
      now,
      sendId: id,
      flowKey: flow.key,
      ...(flow.sending === undefined ? {} : { sending: flow.sending }),
      policy,
      optedOut: profile?.optedOut ?? false,
      ...(profile?.lastSurveyedAt === undefined ? {} : { lastSurveyedAt: new Date(profile.lastSurveyedAt) }),
      contact,
      ...(payload.properties?.timeZone === undefined ? {} : { timeZone: payload.properties.timeZone }),
    });
    switch (decision.type) {
      case "defer":
        return { type: "retry", at: decision.until, error: "quiet hours", countAttempt: false };
      case "skip": {
        // Fatigued by its own start? (An earlier run started it and died before recording it, perhaps before
        // its question went out: starting it again below sends the question if it is still owed.)
        const active = decision.reason === "fatigue" ? await survey.activeConversation(to) : null;
        if (active?.sendId === id) break;
        return finish("skipped", decision.reason);
      }
      case "fail":
        return finish("failed", decision.reason);
      case "send":
        break;
      default: {
        const never: never = decision;
        throw new Error(`unknown decision ${JSON.stringify(never)}`);
      }
    }

    // Only what the rules read later: the cross-flow rule reads the profile's last survey (set by the start).
    if (flow.sending?.recontactDays) await store.recordSend(key, id, flow.key, now);
    const expireHours = flow.sending?.expireHours;
    const result = await operations.startSurvey(to, {
      flowKey: flow.key,
      requestId: send.tries === 0 ? id : `${id}#${send.tries}`,
      onlyIfIdle: true,
      sendId: id,
      ...(payload.locale === undefined ? {} : { locale: payload.locale }),
      ...(payload.reference === undefined ? {} : { reference: payload.reference }),
      ...(payload.properties === undefined ? {} : { properties: payload.properties }),
      ...(expireHours === undefined ? {} : { expiresAt: new Date(now.getTime() + expireHours * 3_600_000) }),
    });
    switch (result.status) {
      case "sent":
      case "duplicate": {
        // `duplicate`: started by an earlier run of this job that stopped before recording it.
        const conversationId =
          result.status === "sent"
            ? result.conversationId
            : (await survey.activeConversation(to))?.conversationId;
        await store.update(
          id,
          { status: "sent", sentAt: now, ...(conversationId === undefined ? {} : { conversationId }) },
          now,
        );
        await count("sent");
        const reminders = flow.sending?.reminders ?? [];
        if (reminders.length > 0) {
          await queue.enqueue(
            reminders.map(
              (delay, index): JobSpec => ({
                id: `${id}:r${index + 1}`,
                kind: "reminder",
                dueAt: new Date(now.getTime() + delayMs(delay)),
                payload: { sendId: id, index },
                lane: job.lane,
                ...(job.chatKey === undefined ? {} : { chatKey: job.chatKey }),
                maxAttempts: 3,
              }),
            ),
          );
        }
        return { type: "done" };
      }
      case "busy":
        return finish("skipped", "busy");
      case "unknown-flow":
        return finish("skipped", "unknown-flow");
      case "undeliverable": {
        // The conversation was stopped again; the next try starts a new one under a new request id.
        await store.update(id, { tries: send.tries + 1 }, now);
        const failure = deps.classify(result.error);
        if (failure.kind === "final") {
          if (failure.reason !== "refused") await store.markUnreachable(key, failure.reason, now);
          return finish("failed", failure.reason);
        }
        const outcome = retryOutcome(job, failure, now);
        if (outcome?.type === "retry" && outcome.countAttempt && lastAttempt(job)) {
          await store.update(id, { status: "failed", reason: "attempts-exhausted" }, now);
          await count("failed:attempts-exhausted");
        }
        return outcome ?? { type: "done" };
      }
      default: {
        const never: never = result;
        throw new Error(`unknown result ${JSON.stringify(never)}`);
      }
    }
  };

  const reminderHandler: JobHandler = async (job) => {
    const parsed = ZReminderPayload.safeParse(job.payload);
    if (!parsed.success) return { type: "failed", reason: "the job's payload is not a reminder" };
    const send = await store.get(parsed.data.sendId);
    if (send?.status !== "sent" || send.conversationId === undefined) return { type: "done" };
    const to = respondentOf(send.request.platform, send.request.userId);
    const question = await survey.reminderFor(to, send.conversationId);
    if (!question) return { type: "done" };
    const now = clock();
    const nudge: OutboundMessage = {
      kind: "notice",
      text: t(question.locale, "reminder"),
      locale: question.locale,
      rtl: RTL_LOCALES.has(question.locale),
      expectsText: false,
    };
    try {
      await operations.deliver(to, [nudge, question]);
    } catch (error) {
      const failure = deps.classify(error);
      if (failure.kind === "final") {
        if (failure.reason !== "refused") await store.markUnreachable(respondentKey(to), failure.reason, now);
        return { type: "failed", reason: failure.reason };
      }
      return retryOutcome(job, failure, now) ?? { type: "done" };
    }
    await store.update(send.id, { remindersSent: send.remindersSent + 1 }, now);
    return { type: "done" };
  };

  /** A sent survey's conversation ended: completed, partial (some answers) or expired (none). */
  const unsubscribe = deps.hub.subscribe((events) => {
    for (const event of events) {
      // A restart replaces the conversation with a new one of the same send, which ends later.
      if (event.type !== "conversation.ended" || event.sendId === undefined || event.status === "replaced")
        continue;
      const status: SurveySendStatus =
        event.status === "completed" ? "completed" : (event.answered ?? 0) > 0 ? "partial" : "expired";
      const sendId = event.sendId;
      // Only a send recorded as sent: a conversation stopped because its first delivery failed (a 429, say)
      // ends while its send is still scheduled, and is tried again.
      store.update(sendId, { status, conversationId: event.conversationId }, clock(), ["sent"]).catch(report);
    }
  });

  const dispatcher = createSurveyDispatcher({ queue, store, clock });

  return { dispatcher, surveyHandler, reminderHandler, close: unsubscribe };
}

/**
 * The producer side alone: records send requests and queues them (what the HTTP API and campaigns call). A
 * process that only enqueues (or a bench) needs nothing else.
 */
export function createSurveyDispatcher(deps: {
  readonly queue: JobQueue;
  readonly store: SurveySendStore;
  readonly clock?: () => Date;
}): SurveyDispatcher {
  const { queue, store } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async request(requests, source) {
      const now = clock();
      const payloads: RequestPayload[] = requests.map((r) => {
        const properties = r.properties === undefined ? undefined : ZSurveyProperties.safeParse(r.properties);
        if (properties && !properties.success) {
          throw new CxError("PAYLOAD_INVALID", `properties: ${z.prettifyError(properties.error)}`);
        }
        return {
          sendId: newSurveyId(now),
          source,
          platform: r.platform,
          userId: r.userId,
          flow: r.flow,
          ...(r.locale === undefined ? {} : { locale: r.locale }),
          ...(r.reference === undefined ? {} : { reference: r.reference }),
          ...(r.properties === undefined ? {} : { properties: { ...r.properties } }),
          ...(r.sendAt === undefined ? {} : { sendAt: r.sendAt.toISOString() }),
          createdAt: now.toISOString(),
        };
      });
      // The job first: it carries the whole request, so a crash before the record is written loses nothing.
      await queue.enqueue(
        payloads.map((p) => ({
          id: p.sendId,
          kind: "survey",
          dueAt: p.sendAt === undefined ? now : new Date(p.sendAt),
          payload: p,
          lane: p.platform,
          chatKey: p.userId,
        })),
      );
      await store.create(payloads.map(recordOf));
      return payloads.map((p) => ({ id: p.sendId, status: "scheduled" as const }));
    },
    async get(id) {
      const send = await store.get(id);
      return send ? toContract(send) : null;
    },
  };
}
