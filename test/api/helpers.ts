import { randomBytes } from "node:crypto";
import { createHttpApi, type HttpApi } from "../../bots/api/api.ts";
import { type HttpServer, startHttpServer } from "../../bots/http.ts";
import { createLogger } from "../../bots/logger.ts";
import { seedFlows } from "../../core/admin/seed.ts";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminActor, AdminAttachment, AdminOutcome } from "../../core/admin/types.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createOperations } from "../../core/operations.ts";
import type { SurveyDispatcher, SurveySend, SurveySendRequest } from "../../core/sending/types.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import type { TestDb } from "../helpers/db.ts";

/**
 * A dispatcher that records what it is asked to send, for the API's own tests: the real one (the send queue)
 * is another part's, tested there; here only what reaches it matters.
 */
export function recordingDispatcher(): SurveyDispatcher & { readonly sends: Map<string, SurveySend> } {
  const sends = new Map<string, SurveySend>();
  return {
    sends,
    async request(requests: readonly SurveySendRequest[], source: string) {
      return requests.map((request) => {
        const id = `sv_${randomBytes(13).toString("hex").slice(0, 26)}`;
        const now = new Date();
        sends.set(id, {
          id,
          request,
          status: "scheduled",
          source,
          createdAt: now,
          updatedAt: now,
          remindersSent: 0,
        });
        return { id, status: "scheduled" as const };
      });
    },
    async get(id: string) {
      return sends.get(id) ?? null;
    },
  };
}

export const ADMIN: AdminActor = { channel: "telegram", userId: "100" };

/** cxbot's API on a real HTTP server and database: flows seeded from flows/, admin commands beside it. */
export async function startApi(db: TestDb, options: { envKey?: string; maxBodyBytes?: number } = {}) {
  const stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const flows = new FlowRegistry(stores.flows, stores.admin);
  await seedFlows((await loadFlowDirectory("flows")).flows, {
    registry: flows,
    admin: stores.admin,
    audit: stores.audit,
    reseed: [],
    now: () => new Date(),
  });
  await flows.sync();
  const dispatcher = recordingDispatcher();
  const logger = createLogger("silent");
  const api: HttpApi = await createHttpApi({
    connection: db.connection,
    flows,
    logger,
    dispatcher,
    ...(options.envKey ? { envKey: options.envKey } : {}),
  });
  const service = createSurveyService({
    stores,
    flows,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    maxConcurrency: 4,
  });
  const admin = createAdminService({
    stores,
    flows,
    operations: createOperations({ survey: service, messenger: { deliver: async () => {} } }),
    admins: ["telegram:100"],
    limits: { buttonLabel: 64, message: 1500 },
    defaultLocale: "en",
    apiKeys: api.keys,
    dispatcher,
  });
  const mount = api.mount;
  if (!mount) throw new Error("the API has a dispatcher, so it is mounted");
  const routes = new Map([
    [
      "/hook",
      async (_req: unknown, res: import("node:http").ServerResponse) => {
        res.writeHead(204).end();
      },
    ],
  ]);
  const http: HttpServer = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    logger,
    routes,
    mounts: [mount],
    health: async () => ({ ok: true, checks: { database: true } }),
  });
  const base = `http://127.0.0.1:${http.port}`;
  let n = 0;
  const run = (
    text: string,
    attachment?: AdminAttachment,
    actor: AdminActor = ADMIN,
  ): Promise<AdminOutcome> =>
    admin.handle({
      eventId: `api-test-${++n}-${Math.random()}`,
      actor,
      input: { type: "command", text },
      receivedAt: new Date(),
      ...(attachment ? { attachment } : {}),
    });
  return {
    base,
    api,
    admin,
    run,
    dispatcher,
    flows,
    stores,
    /** A fresh key, created as an admin would. */
    async newKey(name = "test"): Promise<string> {
      const created = await api.keys.create(name, "telegram:100");
      return created.key;
    },
    async close() {
      await http.close();
      api.close();
      await service.close();
    },
  };
}

export const texts = (o: AdminOutcome): string =>
  o.status === "duplicate" ? "" : o.messages.map((m) => m.text).join("\n");

export const csvFile = (content: string, name = "campaign.csv"): AdminAttachment => ({
  name,
  size: Buffer.byteLength(content),
  read: async () => content,
});
