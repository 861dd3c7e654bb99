import { hostname } from "node:os";
import type { FlowRegistry } from "../core/flow/registry.ts";
import type { RollupRun, SurveyStores } from "../core/ports.ts";
import { type RollupFlow, type RollupRepairReport, repairRollups } from "../core/rollups.ts";
import { dayKey } from "../core/scores.ts";

/** A live run renews `aliveAt` every 30 s (core/rollups.ts); one silent this long belongs to a process that is gone. */
export const ROLLUP_RUN_STALE_MS = 3 * 60_000;

/** How long after a day ends (in its flow's zone) a live process may still flush increments for it. */
const DAY_GRACE_MS = 10 * 60_000;

/** When this process started: a run of this host and pid opened before then is a previous process's. */
const PROCESS_STARTED_AT = Date.now() - process.uptime() * 1000;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a run's process is gone. `soleWriter`: this process runs the embedded server on its locked data
 * directory, so every run but its own is a dead process's. Otherwise (a shared MongoDB): a run of this host whose
 * process no longer exists, or was an earlier process with this pid (a restarted container), or any run that
 * stopped renewing `aliveAt`.
 */
export function isAbandonedRun(run: RollupRun, options: { soleWriter: boolean; now: Date }): boolean {
  const thisHost = run.host === hostname();
  if (thisHost && run.pid === process.pid) return run.startedAt.getTime() < PROCESS_STARTED_AT - 1000;
  if (options.soleWriter) return true;
  if (thisHost && !processExists(run.pid)) return true;
  return run.aliveAt.getTime() < options.now.getTime() - ROLLUP_RUN_STALE_MS;
}

/** The crash repair of the score rollups (core/rollups.ts `repairRollups`) for this process's database. */
export function createRollupRepair(options: {
  readonly stores: SurveyStores;
  readonly flows: FlowRegistry;
  readonly soleWriter: boolean;
  readonly clock?: () => Date;
}): () => Promise<RollupRepairReport> {
  const { stores, flows, soleWriter } = options;
  const clock = options.clock ?? (() => new Date());
  const flowOf = async (flowKey: string, version?: number): Promise<RollupFlow> => {
    const flow =
      (version === undefined ? null : await flows.get(flowKey, version)) ?? (await flows.latest(flowKey));
    return flow ?? { timeZone: "UTC" };
  };
  const zoneOf = async (flowKey: string): Promise<string> => (await flowOf(flowKey)).timeZone;
  return () => {
    const now = clock();
    return repairRollups({
      rollups: stores.rollups,
      responses: stores.responses,
      conversations: stores.conversations,
      flowOf: (state) => flowOf(state.flowKey, state.flowVersion),
      isAbandoned: (run) => isAbandonedRun(run, { soleWriter, now }),
      isDayOver: async (d) => dayKey(new Date(now.getTime() - DAY_GRACE_MS), await zoneOf(d.flowKey)) > d.day,
    });
  };
}
