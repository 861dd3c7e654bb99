import { randomUUID } from "node:crypto";
import type { RateLimiter } from "./limiter.ts";
import { type QueueStore, retryLater, stepOf } from "./queue.ts";
import type { Job, JobHandler, JobKind, JobOutcome } from "./types.ts";

/**
 * Drains the send queue. Every cxbot process may run one; they share the work through the queue's leases.
 * A pass fetches a page of due jobs (one scan of the queue) and works through it locally: each job is claimed
 * just before its handler runs, so a job another worker took meanwhile is passed over, and one whose lane is
 * paused (a 429) waits in the queue rather than holding a lease.
 */
export interface SendWorker {
  /** Sets the handler of a kind of job; jobs of kinds without one are left to processes that have one. */
  register(kind: JobKind, handler: JobHandler): void;
  /** Starts polling in the background. */
  start(): void;
  /** Stops taking jobs and waits for the handlers running to record their outcome. */
  stop(): Promise<void>;
  /**
   * Stops at once, as a crash would: handlers still running are never recorded, and their jobs come back to
   * the queue when the leases expire.
   */
  abandon(): void;
  /** One pass over a page of due jobs, waiting for their handlers; returns how many ran (tests, a manual drain). */
  runOnce(): Promise<number>;
}

export interface SendWorkerOptions {
  readonly store: QueueStore;
  readonly limiter?: RateLimiter;
  /** This worker's name on its leases (default: a random id). */
  readonly owner?: string;
  readonly clock?: () => Date;
  /** Due jobs fetched per scan (default 500). */
  readonly pageSize?: number;
  /** How long a claim holds a job (default 60 s): longer than any handler runs. */
  readonly leaseMs?: number;
  /** Wait between scans that found nothing to run (default 1 s). */
  readonly pollMs?: number;
  /** Handlers running at once (default 32). */
  readonly concurrency?: number;
  /** A paused lane or a busy chat that frees up within this is waited for; a later one is left for a later scan. */
  readonly lookaheadMs?: number;
  /** How long finished jobs stay readable (default 30 days); older ones are pruned now and then. */
  readonly retentionMs?: number;
  readonly random?: () => number;
  /** Told about failures of the queue itself (the database), which the worker survives by trying again. */
  readonly onError?: (error: unknown, job?: Job) => void;
}

const PRUNE_EVERY_MS = 3_600_000;

export function createSendWorker(options: SendWorkerOptions): SendWorker {
  const { store, limiter } = options;
  const clock = options.clock ?? (() => new Date());
  const owner = options.owner ?? `w-${randomUUID()}`;
  const pageSize = options.pageSize ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const lookaheadMs = options.lookaheadMs ?? 1500;
  const retentionMs = options.retentionMs ?? 30 * 86_400_000;
  const slots = createSlots(options.concurrency ?? 32);
  const handlers = new Map<JobKind, JobHandler>();
  /** Jobs this worker is running: skipped when a later page lists them again. */
  const running = new Map<string, Promise<void>>();
  let state: "idle" | "running" | "stopping" | "abandoned" = "idle";
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lastPrune = 0;

  const report = (error: unknown, job?: Job): void => {
    try {
      options.onError?.(error, job);
    } catch {
      // A failing reporter must not stop the worker.
    }
  };

  const run = async (job: Job, handler: JobHandler): Promise<void> => {
    const lease = await store.claim(job, owner, clock(), leaseMs);
    if (!lease) return;
    let outcome: JobOutcome;
    try {
      outcome = await handler(job);
    } catch (error) {
      report(error, job);
      outcome = retryLater(
        job,
        error instanceof Error ? error.message : String(error),
        clock(),
        options.random,
      );
    }
    if (state === "abandoned") return;
    await store.settle(lease, job, stepOf(job, outcome), clock());
  };

  /** Starts the jobs of one page; resolves once all are started (not finished). */
  const dispatch = async (page: readonly Job[]): Promise<{ started: Promise<void>[]; waitMs: number }> => {
    const started: Promise<void>[] = [];
    let waitMs = Number.POSITIVE_INFINITY;
    for (const job of page) {
      if (state !== "running" && state !== "idle") break;
      const handler = handlers.get(job.kind);
      if (!handler || running.has(job.id)) continue;
      const delay = limiter?.delayFor(job.lane, job.chatKey) ?? 0;
      if (delay > lookaheadMs) {
        waitMs = Math.min(waitMs, delay);
        continue;
      }
      const release = await slots.acquire();
      if (state !== "running" && state !== "idle") {
        release();
        break;
      }
      const p = run(job, handler)
        .catch((error: unknown) => report(error, job))
        .finally(() => {
          running.delete(job.id);
          release();
        });
      running.set(job.id, p);
      started.push(p);
    }
    return { started, waitMs };
  };

  const pass = async (): Promise<{ ran: number; waitMs: number }> => {
    const now = clock();
    if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now.getTime();
      await store.prune(new Date(now.getTime() - retentionMs)).catch((error: unknown) => report(error));
    }
    const page = await store.due(now, pageSize);
    const { started, waitMs } = await dispatch(page);
    return { ran: started.length, waitMs: started.length === 0 ? waitMs : 0 };
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const forever = async (): Promise<void> => {
    while (state === "running") {
      let waitMs = pollMs;
      try {
        const result = await pass();
        waitMs = result.ran > 0 ? 0 : Math.min(pollMs, result.waitMs);
      } catch (error) {
        report(error);
      }
      if (state === "running" && waitMs > 0) await sleep(waitMs);
    }
  };

  return {
    register(kind, handler) {
      handlers.set(kind, handler);
    },
    start() {
      if (state !== "idle") return;
      state = "running";
      loop = forever();
    },
    async stop() {
      if (state === "running" || state === "idle") state = "stopping";
      wake?.();
      await loop;
      await Promise.all(running.values());
      await store.flush();
    },
    abandon() {
      state = "abandoned";
      wake?.();
    },
    async runOnce() {
      const { started } = await dispatch(await store.due(clock(), pageSize));
      await Promise.all(started);
      await store.flush();
      return started.length;
    },
  };
}

/** At most `limit` holders at once; `acquire` resolves with the release once a slot is free. */
function createSlots(limit: number): { acquire(): Promise<() => void> } {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    async acquire() {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release();
      };
    },
  };
}
