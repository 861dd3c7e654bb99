import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type MongoTarget, resolveMongo } from "../storage/embedded.ts";

/** A bench's database server and how to stop it. */
export interface BenchServer {
  readonly target: MongoTarget;
  /** Stops the embedded server (if one was started) and removes its temporary data folder. */
  stop(): Promise<void>;
}

/**
 * The server a bench runs on: `MONGODB_URI` when set, else the embedded server on a temporary data folder
 * (`cxbench-<label>-…`), started for this bench alone. `quiet`: without the server's start-up lines.
 */
export async function benchServer(label: string, options: { quiet?: boolean } = {}): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), `cxbench-${label}-`));
  const target = await resolveMongo({
    ...(process.env.MONGODB_URI ? { uri: process.env.MONGODB_URI } : {}),
    dataDir,
    projectRoot: resolve(import.meta.dirname, ".."),
    ephemeral: true,
    log: options.quiet ? () => undefined : (m) => console.log(`  (${m})`),
  });
  return {
    target,
    async stop() {
      await target.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The middle value (the upper one of an even count). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
