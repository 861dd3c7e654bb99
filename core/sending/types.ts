import type { Locale } from "../locale.ts";
import type { Channel } from "../types.ts";

/**
 * Sending on cxbot's own initiative (issue 13): surveys triggered by the HTTP API or a campaign, reminders and
 * outgoing webhooks all go through one persistent queue in the database. Jobs survive restarts, are taken with
 * leases so several processes share the work, and are retried with backoff. This file is the contract between
 * the queue (`core/sending/queue.ts`, `storage/send-queue-store.ts`), the HTTP API (`bots/api/`) and the
 * webhooks (`core/webhooks/`): none of them imports another's internals.
 */

/** What a job does; each kind has one handler. */
export type JobKind = "survey" | "reminder" | "webhook";

/** A job to put on the queue. `id` is deterministic, so enqueuing the same job twice creates it once. */
export interface JobSpec {
  readonly id: string;
  readonly kind: JobKind;
  /** Not before this time. */
  readonly dueAt: Date;
  /** The handler's input; plain JSON. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The rate-limit lane: the platform a message goes to (`telegram`), or `webhook:<host>`. */
  readonly lane: string;
  /** Within the lane, the chat a message goes to (per-chat limits); absent for webhooks. */
  readonly chatKey?: string;
  /** Attempts before the job fails for good (default 8). */
  readonly maxAttempts?: number;
}

export type JobState = "queued" | "done" | "failed" | "cancelled";

/** A job as stored. */
export interface Job extends JobSpec {
  readonly state: JobState;
  /** Attempts made so far (a rate-limited attempt does not count). */
  readonly attempts: number;
  readonly lastError?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a handler says about one attempt. */
export type JobOutcome =
  | { readonly type: "done" }
  /** Try again at `at`; `countAttempt: false` when the platform only asked us to slow down (429). */
  | { readonly type: "retry"; readonly at: Date; readonly error: string; readonly countAttempt: boolean }
  /** Never again (bot blocked, account deleted, DMs closed, endpoint gone). */
  | { readonly type: "failed"; readonly reason: string };

export type JobHandler = (job: Job) => Promise<JobOutcome>;

/** The producer side of the queue: what the API, the webhooks and the survey service use. */
export interface JobQueue {
  /** Creates the jobs whose id is new; existing ids are left as they are. */
  enqueue(specs: readonly JobSpec[]): Promise<{ readonly created: number; readonly existing: number }>;
  get(id: string): Promise<Job | null>;
  /** Cancels a queued job; false when it is no longer queued. */
  cancel(id: string): Promise<boolean>;
}

// ─── Surveys sent on cxbot's initiative ────────────────────────────────────────────────────────────────

export type SendPlatform = Exclude<Channel, "console">;

/** A request to send a survey (one API call, one batch row, one CSV line). */
export interface SurveySendRequest {
  readonly platform: SendPlatform;
  readonly userId: string;
  readonly flow: string;
  readonly locale?: Locale;
  readonly reference?: string;
  /** Kept with the response; report segments (order id, agent, product, touchpoint). */
  readonly properties?: Readonly<Record<string, string>>;
  /** When to send; now when absent. */
  readonly sendAt?: Date;
}

/**
 * Where a sent survey stands. `scheduled` → `sent` → `completed` | `partial` | `expired`; or `skipped` (fatigue,
 * sampling, opt-out, quiet hours past the window, unknown or disabled flow) or `failed` (the platform refused for
 * good). `reason` says why for `skipped` and `failed`.
 */
export type SurveySendStatus =
  | "scheduled"
  | "sent"
  | "completed"
  | "partial"
  | "expired"
  | "skipped"
  | "failed";

export type SkipReason =
  | "opted-out"
  | "fatigue"
  | "recontact"
  | "sampled-out"
  | "quiet-hours"
  | "busy"
  | "unknown-flow"
  | "flow-disabled";

export type FailReason = "blocked" | "not-found" | "dms-closed" | "refused" | "attempts-exhausted";

/** One survey sent (or to be sent) on cxbot's initiative, as stored and as `GET /api/v1/surveys/{id}` shows. */
export interface SurveySend {
  /** `sv_` + 26 characters; the job id of its send job. */
  readonly id: string;
  readonly request: SurveySendRequest;
  readonly status: SurveySendStatus;
  readonly reason?: SkipReason | FailReason;
  /** Where it came from: an API key's id, a campaign's id, an admin's CSV. */
  readonly source: string;
  readonly conversationId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly sentAt?: Date;
  readonly remindersSent: number;
}

/** Creates and reads surveys sent on cxbot's initiative; implemented in `core/sending/`. */
export interface SurveyDispatcher {
  /** Records the requests and queues their sending. Each gets an id; nothing is sent twice for one id. */
  request(
    requests: readonly SurveySendRequest[],
    source: string,
  ): Promise<readonly { readonly id: string; readonly status: SurveySendStatus }[]>;
  get(id: string): Promise<SurveySend | null>;
}
