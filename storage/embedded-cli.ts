/**
 * The embedded database by hand:
 *   npx tsx storage/embedded-cli.ts build             builds (or reuses) the FerretDB binary and prints its path
 *   npx tsx storage/embedded-cli.ts start [--data d]  serves ./data (or d) and prints the URI until Ctrl-C
 */
import { resolve } from "node:path";
import { CxError } from "../core/result.ts";
import { ensureFerretdbBinary, resolveMongo } from "./embedded.ts";

const projectRoot = resolve(import.meta.dirname, "..");
const usage = "usage: tsx storage/embedded-cli.ts build | start [--data <dir>]";

function log(msg: string, fields?: Record<string, unknown>): void {
  const extra = fields === undefined ? "" : ` ${JSON.stringify(fields)}`;
  process.stderr.write(`${msg}${extra}\n`);
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "build") {
    const started = Date.now();
    const path = await ensureFerretdbBinary(projectRoot, log);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`${path}\n`);
    return 0;
  }
  if (command === "start") {
    let dataDir = resolve(projectRoot, "data");
    if (rest[0] === "--data" && rest[1] !== undefined) dataDir = resolve(rest[1]);
    else if (rest.length > 0) {
      log(usage);
      return 2;
    }
    const target = await resolveMongo({ dataDir, projectRoot, log });
    process.stdout.write(`${target.uri}\n`);
    log(`serving ${dataDir} (${target.kind}); connect with: mongosh ${target.uri}cxbot — Ctrl-C stops it`);
    await new Promise<void>((done) => {
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    await target.stop();
    log("stopped");
    return 0;
  }
  log(usage);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CxError) log(`${error.code}: ${error.message}`);
    else log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
