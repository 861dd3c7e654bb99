import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { type MongoTarget, resolveMongo } from "../../storage/embedded.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The server every test file connects to (see test/helpers/db.ts). */
    mongoUri: string;
  }
}

const projectRoot = resolve(import.meta.dirname, "../..");

/** Resolves one server for the whole run: MONGODB_URI if set, else an embedded FerretDB on a temporary directory. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const uri = process.env.MONGODB_URI;
  const dataDir = await mkdtemp(join(tmpdir(), "cxbot-test-db-"));
  const started = Date.now();
  let target: MongoTarget;
  try {
    target = await resolveMongo({
      ...(uri === undefined || uri === "" ? {} : { uri }),
      dataDir,
      projectRoot,
      ephemeral: true,
      log: (msg) => process.stderr.write(`[test db] ${msg}\n`),
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  process.stderr.write(`[test db] ${target.kind} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide("mongoUri", target.uri);
  return async () => {
    await target.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
