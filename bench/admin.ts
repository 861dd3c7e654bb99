import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { seedFlows } from "../core/admin/seed.ts";
import { createAdminService } from "../core/admin/service.ts";
import type { AdminActor } from "../core/admin/types.ts";
import { loadFlowDirectory } from "../core/flow/load.ts";
import { FlowRegistry } from "../core/flow/registry.ts";
import { createOperations } from "../core/operations.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { createSurveyService } from "../core/service.ts";
import { openDatabase } from "../storage/mongo-stores.ts";
import { benchServer, median } from "./server.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { responses: { type: "string", default: "2000" } } });
const RESPONSES = Number(values.responses);
const SYNC_MS = 2000;
const ADMIN: AdminActor = { channel: "telegram", userId: "1" };

async function main(): Promise<void> {
  const server = await benchServer("admin");
  const { target } = server;
  const dbName = `cxbench_admin_${Date.now().toString(36)}`;
  const db = await openDatabase(target.uri, dbName, { soleWriter: false });
  const other = await openDatabase(target.uri, dbName, { soleWriter: false });
  try {
    const definitions = (await loadFlowDirectory(join(root, "flows"))).flows;
    const flows = new FlowRegistry(db.stores.flows, db.stores.admin);
    await seedFlows(definitions, {
      registry: flows,
      admin: db.stores.admin,
      audit: db.stores.audit,
      reseed: [],
      now: () => new Date(),
    });
    await flows.syncMissing();
    const service = createSurveyService({
      stores: db.stores,
      flows,
      analyzer: createRuleBasedSentimentAnalyzer(),
      defaultLocale: "en",
      defaultFlow: "nps",
      maxConcurrency: 8,
    });
    const start = Date.now();
    const comments = ["late delivery", "great staff", "too expensive", "ok", "the app crashed"];
    for (let i = 0; i < RESPONSES; i++) {
      const respondent = { channel: "telegram" as const, userId: `u${i}` };
      const at = new Date(start - (i % 60) * 86_400_000);
      let n = 0;
      const send = (input: Parameters<typeof service.handle>[0]["input"]) =>
        service.handle({ eventId: `b${i}-${n++}`, respondent, input, receivedAt: at });
      await send({ type: "start", flowKey: "nps" });
      await send({ type: "text", text: String(i % 11) });
      await send({ type: "text", text: comments[i % comments.length] as string });
      await send({ type: "command", command: "stop" });
    }
    await service.flush();

    const operations = createOperations({ survey: service, messenger: { deliver: async () => {} } });
    const admin = createAdminService({
      stores: db.stores,
      flows,
      operations,
      admins: ["telegram:1"],
      limits: { buttonLabel: 64, message: 1500 },
      defaultLocale: "en",
    });
    let e = 0;
    const time = async (text: string, runs = 5): Promise<number> => {
      const samples: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        await admin.handle({
          eventId: `a${e++}`,
          actor: ADMIN,
          input: { type: "command", text },
          receivedAt: new Date(),
        });
        samples.push(performance.now() - t0);
      }
      return median(samples);
    };
    console.log(
      `\n## Admin commands (${target.kind}; nps with ${RESPONSES} archived responses; median of 5)`,
    );
    for (const command of [
      "flows",
      "show nps",
      "diff nps",
      "history nps",
      "export nps",
      "audit nps",
      "report nps 7d",
      "report nps 90d",
    ])
      console.log(`  /cx ${command.padEnd(18)} ${(await time(command)).toFixed(1)} ms`);
    let k = 0;
    const editPublish: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      await admin.handle({
        eventId: `x${e++}`,
        actor: ADMIN,
        input: { type: "command", text: `text nps score en Question ${k++}?` },
        receivedAt: new Date(),
      });
      await admin.handle({
        eventId: `x${e++}`,
        actor: ADMIN,
        input: { type: "command", text: "publish nps" },
        receivedAt: new Date(),
      });
      editPublish.push(performance.now() - t0);
    }
    console.log(`  /cx text + /cx publish    ${median(editPublish).toFixed(1)} ms`);

    // A second process: its own connection and registry, syncing on its timer.
    const second = new FlowRegistry(other.stores.flows, other.stores.admin);
    await second.sync();
    const syncs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      await second.sync();
      syncs.push(performance.now() - t0);
    }
    console.log(
      `  one sync (every ${SYNC_MS} ms, ${definitions.length} flows)   ${median(syncs).toFixed(1)} ms`,
    );
    second.startSync(SYNC_MS, () => {});
    const seen: number[] = [];
    for (let r = 0; r < 5; r++) {
      await admin.handle({
        eventId: `y${e++}`,
        actor: ADMIN,
        input: { type: "command", text: `text nps score en Seen ${r}?` },
        receivedAt: new Date(),
      });
      const t0 = performance.now();
      await admin.handle({
        eventId: `y${e++}`,
        actor: ADMIN,
        input: { type: "command", text: "publish nps" },
        receivedAt: new Date(),
      });
      const want = (await flows.latest("nps"))?.version;
      for (;;) {
        if ((await second.latest("nps"))?.version === want) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      seen.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, Math.random() * SYNC_MS));
    }
    second.stopSync();
    console.log(
      `  publish → live in a 2nd process: median ${median(seen).toFixed(0)} ms, max ${Math.max(...seen).toFixed(0)} ms (target: within seconds)`,
    );
    await service.close();
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await other.close();
    await db.close();
    await server.stop();
  }
}

await main();
