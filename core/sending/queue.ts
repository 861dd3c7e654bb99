import type { Job, JobOutcome, JobQueue, JobState } from "./types.ts";

/**
 * The persistent send queue, as the worker sees it. `storage/send-queue-store.ts` implements it on MongoDB and
 * FerretDB with the one atomic primitive both have, a unique `_id` insert:
 *
 * - a job is inserted by its deterministic id, so enqueuing it twice creates it once;
 * - a worker takes a job with a **lease**: lease `n` of job `J` is the document `J#n`; a lease that expired (or
 *   was released) is succeeded by inserting `J#(n+1)`, and of several workers racing for it one insert wins;
 * - a finished job (done, failed, cancelled) moves to an archive, so the collection workers scan holds only
 *   the jobs still to run (the embedded server scans whole collections).
 */

/** Default attempts before a job fails for good. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** A worker's hold on one job, until `until`. */
export interface Lease {
  readonly jobId: string;
  /** `1, 2, 3…` per job: one more than the lease it succeeded. */
  readonly epoch: number;
  readonly owner: string;
  readonly until: Date;
}

/** What a worker records once an attempt is over. */
export type JobStep =
  /** Finished for good: moved to the archive. */
  | {
      readonly type: "finish";
      readonly state: Exclude<JobState, "queued">;
      readonly reason?: string;
      /** The attempt count to record, when this attempt counted. */
      readonly attempts?: number;
    }
  /** Queued again for `dueAt`; `attempts` is the new count. */
  | { readonly type: "retry"; readonly dueAt: Date; readonly attempts: number; readonly error: string };

/** The queue's storage: the producer side ({@link JobQueue}) plus what the worker needs. */
export interface QueueStore extends JobQueue {
  /**
   * Up to `limit` queued jobs due at `now`, earliest first: a page the worker works through locally, claiming
   * each just before it runs it. Jobs another worker holds may be among them (the claim then fails).
   */
  due(now: Date, limit: number): Promise<Job[]>;
  /**
   * Takes a job for `leaseMs`: null when another worker holds an unexpired lease on it, won the race for the
   * next lease, or the job is no longer queued (finished meanwhile).
   */
  claim(job: Job, owner: string, now: Date, leaseMs: number): Promise<Lease | null>;
  /** Records the end of an attempt made under `lease` (and gives the lease up). */
  settle(lease: Lease, job: Job, step: JobStep, now: Date): Promise<void>;
  /** Gives a lease up without an attempt made (the worker stopped before running the job). */
  release(lease: Lease, now: Date): Promise<void>;
  /** Forgets finished jobs archived before `before` (their ids can then be enqueued again); returns how many. */
  prune(before: Date): Promise<number>;
  /** Queued jobs (for tests and the admin view). */
  countQueued(): Promise<number>;
  /** Writes what `settle` buffered (finished jobs are archived in batches). */
  flush(): Promise<void>;
  /** Flushes and stops the store's timer. */
  close(): Promise<void>;
}

/** First retry delay; it doubles with each attempt. */
const BACKOFF_BASE_MS = 5_000;
/** The longest wait between two attempts. */
const BACKOFF_CAP_MS = 3_600_000;

/**
 * The wait before retry number `attempts` (1 after the first failure): exponential, capped, with "equal
 * jitter" — half the delay fixed, half random — so retries of jobs that failed together spread out while each
 * still waits at least half its delay.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * What a handler's outcome means for the job: done, failed for good, or queued again. A rate-limited retry
 * (`countAttempt: false`) does not count an attempt; a counted one that was the last fails the job.
 */
export function stepOf(job: Job, outcome: JobOutcome): JobStep {
  switch (outcome.type) {
    case "done":
      return { type: "finish", state: "done" };
    case "failed":
      return { type: "finish", state: "failed", reason: outcome.reason };
    case "retry": {
      const attempts = outcome.countAttempt ? job.attempts + 1 : job.attempts;
      if (attempts >= (job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
        return { type: "finish", state: "failed", reason: `attempts-exhausted: ${outcome.error}`, attempts };
      }
      return { type: "retry", dueAt: outcome.at, attempts, error: outcome.error };
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/** A retry after a transient failure (the network, a handler that threw), with backoff. */
export function retryLater(job: Job, error: string, now: Date, random?: () => number): JobOutcome {
  return {
    type: "retry",
    at: new Date(now.getTime() + backoffMs(job.attempts + 1, random)),
    error,
    countAttempt: true,
  };
}
