import type { ProcessedEventStore } from "../ports.ts";
import type { PrivacyRegistry } from "./registry.ts";

/**
 * Retention (`CX_RETENTION_DAYS`): transcripts and comments older than the configured number of days are erased
 * or anonymized by every holder that keeps them; scores and rollups stay. TTL indexes are not used (the embedded
 * server has none): the housekeeping sweep calls {@link RetentionJob.runIfDue} and the job runs once a day,
 * claimed through the processed-event ids so that one process of several does it.
 */
export interface RetentionJob {
  /** Runs the day's pass unless it already ran (here or in another process); null when it was not due. */
  runIfDue(): Promise<Readonly<Record<string, number>> | null>;
  /** Runs a pass now, whatever the day. */
  run(): Promise<Readonly<Record<string, number>>>;
}

export interface RetentionOptions {
  readonly registry: PrivacyRegistry;
  readonly events: ProcessedEventStore;
  /** Keep this many days of transcripts and comments. */
  readonly days: number;
  /** Documents replaced per round (one scan, one delete, one insert on the embedded server; default 1000). */
  readonly batch?: number;
  readonly clock?: () => Date;
}

export function createRetentionJob(options: RetentionOptions): RetentionJob {
  const clock = options.clock ?? (() => new Date());
  const batch = options.batch ?? 1000;
  const run = async (): Promise<Record<string, number>> => {
    const cutoff = new Date(clock().getTime() - options.days * 86_400_000);
    return options.registry.retain(cutoff, batch);
  };
  return {
    async runIfDue() {
      const now = clock();
      const day = now.toISOString().slice(0, 10);
      if (!(await options.events.claim(`retention:${day}`, now))) return null;
      try {
        return await run();
      } catch (error) {
        // Not done: the next sweep tries again.
        await options.events.forget(`retention:${day}`).catch(() => undefined);
        throw error;
      }
    },
    run,
  };
}
