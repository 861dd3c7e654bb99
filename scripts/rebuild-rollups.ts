/**
 * `npm run rollups:rebuild -- [flow] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: recomputes the daily rollups
 * (scores, conversation counters, segments) of a flow, or of every flow, from the stored responses and the
 * conversations in progress, on the database `npm start` uses (MONGODB_URI, else the embedded server in
 * DATA_DIR). Run it while the bot is stopped: answers recorded during a rebuild may count twice on the days
 * it rebuilds (the embedded server's data directory is locked by a running bot anyway).
 */
import { resolve } from "node:path";
import { z } from "zod";
import { loadConfig, redactUri } from "../bots/config.ts";
import { ZFlowKey } from "../core/flow/schema.ts";
import { rebuildAllRollups } from "../core/rollups.ts";
import { resolveMongo } from "../storage/embedded.ts";
import { openDatabase } from "../storage/mongo-stores.ts";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

const ZArgs = z.object({
  flowKey: ZFlowKey.optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
});

function parseArgs(argv: readonly string[]): z.infer<typeof ZArgs> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--from" || arg === "--to") {
      const value = argv[++i];
      if (value !== undefined) out[arg.slice(2)] = value;
    } else out.flowKey = arg;
  }
  return ZArgs.parse(out);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const projectRoot = resolve(import.meta.dirname, "..");
  const target = await resolveMongo({
    ...(config.MONGODB_URI === undefined ? {} : { uri: config.MONGODB_URI }),
    dataDir: resolve(projectRoot, config.DATA_DIR),
    projectRoot,
    log: (message) => console.error(message),
  });
  console.error(`database: ${redactUri(target.uri)}`);
  const database = await openDatabase(target.uri, undefined, { soleWriter: target.kind !== "external" });
  try {
    const { stores } = database;
    const started = performance.now();
    const report = await rebuildAllRollups(
      {
        rollups: stores.rollups,
        responses: stores.responses,
        conversations: stores.conversations,
        flowOf: async (state) =>
          (await stores.flows.get(state.flowKey, state.flowVersion)) ??
          (await stores.flows.latest(state.flowKey)) ?? { timeZone: "UTC" },
      },
      {
        ...(args.flowKey === undefined ? {} : { flowKey: args.flowKey }),
        ...(args.from === undefined ? {} : { from: args.from }),
        ...(args.to === undefined ? {} : { to: args.to }),
      },
    );
    console.log(JSON.stringify({ ...report, ms: Math.round(performance.now() - started) }, null, 2));
  } finally {
    await database.close();
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
