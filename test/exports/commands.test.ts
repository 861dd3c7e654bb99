import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApi, type HttpApi } from "../../bots/api/api.ts";
import { type HttpServer, startHttpServer } from "../../bots/http.ts";
import { createLogger } from "../../bots/logger.ts";
import { parseAdminCommand } from "../../core/admin/grammar.ts";
import { seedFlows } from "../../core/admin/seed.ts";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminActor, AdminOutcome } from "../../core/admin/types.ts";
import { boundedExport } from "../../core/exports/encode.ts";
import { prepareResponseExport } from "../../core/exports/responses.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createOperations } from "../../core/operations.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { createExportStore } from "../../storage/export-store.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { recordingDispatcher } from "../api/helpers.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { EXPORT_FLOW, insertResponses } from "./helpers.ts";

/** `/cx export-responses` and `GET /api/v1/responses`, through the admin service and a real HTTP server. */

const ADMIN: AdminActor = { channel: "telegram", userId: "100" };
const DAY = 86_400_000;

let db: TestDb;
let stores: ReturnType<typeof createMongoStores>;
let api: HttpApi;
let http: HttpServer;
let base: string;
let run: (text: string, actor?: AdminActor) => Promise<AdminOutcome>;
let closeService: () => Promise<void>;

beforeAll(async () => {
  db = await connectTestDb("export_commands");
  stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const flows = new FlowRegistry(stores.flows, stores.admin);
  await seedFlows([EXPORT_FLOW], {
    registry: flows,
    admin: stores.admin,
    audit: stores.audit,
    reseed: [],
    now: () => new Date(),
  });
  await flows.sync();
  const now = Date.now();
  await insertResponses(db.connection, [
    { id: "c1", userId: "501", startedAt: new Date(now - DAY), score: 2, comment: '+1 was it =cheap?, "no"' },
    {
      id: "c2",
      userId: "502",
      startedAt: new Date(now - 2 * DAY),
      score: 9,
      locale: "ar",
      comment: "خدمة ممتازة",
    },
    { id: "c3", userId: "503", startedAt: new Date(now - 60 * DAY), score: 7, status: "expired" },
    { id: "c4", userId: "100", startedAt: new Date(now - DAY), score: 0, test: true },
  ]);
  const logger = createLogger("silent");
  const dispatcher = recordingDispatcher();
  api = await createHttpApi({
    connection: db.connection,
    flows,
    logger,
    dispatcher,
    exports: { flows: stores.flows, audit: stores.audit },
  });
  const service = createSurveyService({
    stores,
    flows,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "shop",
    maxConcurrency: 2,
  });
  closeService = () => service.close();
  const admin = createAdminService({
    stores,
    flows,
    operations: createOperations({ survey: service, messenger: { deliver: async () => {} } }),
    admins: ["telegram:100"],
    limits: { buttonLabel: 64, message: 1500 },
    defaultLocale: "en",
    exports: createExportStore(db.connection),
  });
  let n = 0;
  run = (text, actor = ADMIN) =>
    admin.handle({
      eventId: `x${++n}-${Math.random()}`,
      actor,
      input: { type: "command", text },
      receivedAt: new Date(),
    });
  const mount = api.mount;
  if (!mount) throw new Error("the API is mounted");
  http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    logger,
    routes: new Map(),
    mounts: [mount],
    health: async () => ({ ok: true, checks: { database: true } }),
  });
  base = `http://127.0.0.1:${http.port}`;
}, 120_000);

afterAll(async () => {
  await http?.close();
  api?.close();
  await closeService?.();
  await db?.drop();
});

const rows = (text: string) =>
  parse(text, { bom: true, columns: true, record_delimiter: "\r\n" }) as Record<string, string>[];

const fileOf = (o: AdminOutcome) => {
  if (o.status !== "handled") throw new Error(`not handled: ${o.status}`);
  const m = o.messages[0];
  if (!m?.file) throw new Error(`no file: ${m?.text}`);
  return { text: m.text, file: m.file };
};

/** A reply file's text: CSV files are text, charts are bytes. */
const textOf = (content: string | Uint8Array): string =>
  typeof content === "string" ? content : Buffer.from(content).toString("utf8");

describe("/cx export-responses", () => {
  it("reads the period and `with identities` in the four languages", () => {
    expect(parseAdminCommand("export-responses shop")).toMatchObject({
      ok: true,
      value: { name: "export-responses", flow: "shop", period: "30d", identities: false },
    });
    expect(parseAdminCommand("export-responses shop 12m with identities")).toMatchObject({
      value: { period: "12m", identities: true },
    });
    expect(parseAdminCommand("خروجی-پاسخ‌ها shop همه با هویت")).toMatchObject({
      value: { name: "export-responses", period: "all", identities: true },
    });
    expect(parseAdminCommand("تصدير-الردود shop ٩٠ مع الهويات")).toMatchObject({
      value: { period: "90d", identities: true },
    });
    expect(parseAdminCommand("yanıtları-dışaaktar shop 7gün")).toMatchObject({
      value: { period: "7d", identities: false },
    });
    expect(parseAdminCommand("export-responses shop 5d")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
  });

  it("replies with a CSV file of the period's responses, pseudonymous, and audits it", async () => {
    const { text, file } = fileOf(await run("export-responses shop 30d"));
    expect(file.mime).toBe("text/csv");
    expect(file.name).toMatch(/^shop-responses-30d-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(text).toContain("2 rows");
    const got = rows(textOf(file.content));
    expect(got.map((r) => r.id).sort()).toEqual(["c1", "c2"]);
    const c1 = got.find((r) => r.id === "c1");
    expect(c1?.respondent).toMatch(/^[0-9a-f]{16}$/);
    expect(c1?.["comment.why"]).toBe('\'+1 was it =cheap?, "no"');
    expect(got.find((r) => r.id === "c2")?.["comment.why"]).toBe("خدمة ممتازة");
    const [entry] = await stores.audit.recent(1, { flow: "shop" });
    expect(entry).toMatchObject({ actor: "telegram:100", action: "responses.export", target: "shop" });
    expect(entry?.detail).toMatchObject({ identities: false, period: "30d", rows: 2 });
  });

  it("gives identities only when asked, and the audit log says so", async () => {
    const { text, file } = fileOf(await run("export-responses shop all with identities"));
    expect(text).toContain("identities");
    const got = rows(textOf(file.content));
    expect(got.map((r) => r.respondent).sort()).toEqual(["telegram:501", "telegram:502", "telegram:503"]);
    const [entry] = await stores.audit.recent(1, { flow: "shop" });
    expect(entry?.detail).toMatchObject({ identities: true, period: "all", rows: 3 });
  });

  it("refuses strangers like any unknown command, and names an unknown flow", async () => {
    const stranger = await run("export-responses shop 7d", { channel: "slack", userId: "U9" });
    expect(stranger.status).toBe("refused");
    const none = await run("export-responses nps 7d");
    expect(none.status === "handled" && none.messages[0]?.text).toContain("There is no flow");
  });

  it("refuses an export larger than the platform's file limit, pointing at the HTTP API", async () => {
    const exported = await prepareResponseExport(
      createExportStore(db.connection),
      stores.flows,
      { flowKey: "shop" },
      { identities: false },
    );
    if (!exported) throw new Error("no flow");
    expect(await boundedExport(exported, "csv", 200)).toEqual({ kind: "too-big" });
  });
});

describe("GET /api/v1/responses", () => {
  it("needs an API key", async () => {
    const res = await fetch(`${base}/api/v1/responses?flow=shop`);
    expect(res.status).toBe(401);
  });

  it("streams CSV and JSON Lines, checks its query, and audits identities", async () => {
    const { key, record } = await api.keys.create("exports", "telegram:100");
    const auth = { authorization: `Bearer ${key}` };
    const csv = await fetch(`${base}/api/v1/responses?flow=shop&format=csv`, { headers: auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const body = Buffer.from(await csv.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      rows(body.toString("utf8"))
        .map((r) => r.id)
        .sort(),
    ).toEqual(["c1", "c2", "c3"]);

    const from = new Date(Date.now() - 30 * DAY).toISOString();
    const jsonl = await fetch(
      `${base}/api/v1/responses?flow=shop&format=jsonl&identities=true&from=${encodeURIComponent(from)}`,
      { headers: auth },
    );
    expect(jsonl.status).toBe(200);
    const lines = (await jsonl.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; respondent: string });
    expect(lines.map((l) => l.id).sort()).toEqual(["c1", "c2"]);
    expect(lines.map((l) => l.respondent).sort()).toEqual(["telegram:501", "telegram:502"]);
    const [entry] = await stores.audit.recent(1, { flow: "shop" });
    expect(entry).toMatchObject({ actor: `api:${record.id}`, action: "responses.export" });
    expect(entry?.detail).toMatchObject({ identities: true, format: "jsonl" });

    expect((await fetch(`${base}/api/v1/responses?flow=shop&format=xml`, { headers: auth })).status).toBe(
      400,
    );
    expect((await fetch(`${base}/api/v1/responses?flow=nope`, { headers: auth })).status).toBe(404);
  });
});
