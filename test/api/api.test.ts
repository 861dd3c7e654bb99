import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZBatchAccepted, ZProblem, ZSurveyAccepted, ZSurveySend } from "../../core/api/schemas.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { startApi } from "./helpers.ts";

/** The HTTP API end to end: a real HTTP server, real key and idempotency stores on the test database. */

type Api = Awaited<ReturnType<typeof startApi>>;

describe("the HTTP API", () => {
  let db: TestDb;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    db = await connectTestDb("api");
    api = await startApi(db);
    key = await api.newKey("shop");
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  /** A problem response, checked against the schema the OpenAPI document publishes. */
  const problemOf = async (res: Response) => {
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    return ZProblem.parse(await res.json());
  };

  it("accepts a survey with 202 and its id, and GET shows where it stands", async () => {
    const res = await post("/api/v1/surveys", {
      platform: "telegram",
      userId: "555001",
      flow: "nps",
      locale: "fa",
      reference: "order-1042",
      properties: { orderId: "A-1042", agent: "maria" },
      delaySeconds: 60,
    });
    expect(res.status).toBe(202);
    const body = ZSurveyAccepted.parse(await res.json());
    expect(body).toEqual({ id: expect.stringMatching(/^sv_/), status: "scheduled" });
    const sent = api.dispatcher.sends.get(body.id);
    expect(sent?.request).toMatchObject({
      platform: "telegram",
      userId: "555001",
      flow: "nps",
      locale: "fa",
      reference: "order-1042",
      properties: { orderId: "A-1042", agent: "maria" },
    });
    // The delay became a time about a minute from now; the source names the key.
    expect((sent?.request.sendAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(50_000);
    expect(sent?.source).toMatch(/^api:key_/);

    const got = await fetch(`${api.base}/api/v1/surveys/${body.id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(got.status).toBe(200);
    expect(ZSurveySend.parse(await got.json())).toMatchObject({
      id: body.id,
      status: "scheduled",
      platform: "telegram",
      userId: "555001",
      flow: "nps",
      properties: { orderId: "A-1042", agent: "maria" },
      remindersSent: 0,
    });
    const missing = await fetch(`${api.base}/api/v1/surveys/sv_nope`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).status).toBe(404);
  });

  it("refuses a missing, forged or unknown key with 401 problem+json, and creates nothing", async () => {
    const before = api.dispatcher.sends.size;
    const body = { platform: "slack", userId: "U1", flow: "nps" };
    const none = await post("/api/v1/surveys", body, { authorization: "" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await problemOf(none)).toMatchObject({ status: 401, title: "Unauthorized" });
    // The right id with another secret: the hash differs.
    const forged = `${key.slice(0, 15)}${"A".repeat(43)}`;
    expect(forged).not.toBe(key);
    expect((await post("/api/v1/surveys", body, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect(
      (await post("/api/v1/surveys", body, { authorization: `Bearer cxk_aaaaaaaaaa_${"B".repeat(43)}` }))
        .status,
    ).toBe(401);
    expect((await post("/api/v1/surveys", body, { authorization: `Basic ${key}` })).status).toBe(401);
    const get = await fetch(`${api.base}/api/v1/surveys/sv_x`);
    expect(get.status).toBe(401);
    expect(api.dispatcher.sends.size).toBe(before);
  });

  it("answers 422 with a JSON Pointer for each invalid field", async () => {
    const res = await post("/api/v1/surveys", {
      platform: "whatsapp",
      userId: "",
      flow: "NPS!",
      locale: "de",
      properties: { orderId: 42, "bad key": "x" },
      delaySeconds: 10,
      sendAt: "2030-01-01T00:00:00Z",
      extra: true,
    });
    expect(res.status).toBe(422);
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ type: "urn:cxbot:problem:validation", status: 422 });
    const paths = problem.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(["/platform", "/userId", "/flow", "/locale", "/properties/orderId", ""]),
    );
    expect(paths.some((p) => p.startsWith("/properties"))).toBe(true);
    // An id that is not the platform's kind of id.
    const wrongId = await post("/api/v1/surveys", { platform: "telegram", userId: "U024BE7LH", flow: "nps" });
    expect(wrongId.status).toBe(422);
    expect((await problemOf(wrongId)).errors).toEqual([
      expect.objectContaining({ path: "/userId", message: "must be a Telegram chat id (digits)" }),
    ]);
    // delaySeconds with sendAt is refused at /sendAt (once the rest is valid).
    const both = await post("/api/v1/surveys", {
      platform: "slack",
      userId: "U1",
      flow: "nps",
      delaySeconds: 10,
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(both.status).toBe(422);
    expect((await problemOf(both)).errors).toEqual([
      expect.objectContaining({ path: "/sendAt", message: "give delaySeconds or sendAt, not both" }),
    ]);
  });

  it("answers 422 for an unknown flow, 400 for broken JSON, 415 for another type, 413 for a huge body", async () => {
    const unknown = await post("/api/v1/surveys", {
      platform: "discord",
      userId: "80351110224678912",
      flow: "nope",
    });
    expect(unknown.status).toBe(422);
    expect((await problemOf(unknown)).errors).toEqual([expect.objectContaining({ path: "/flow" })]);
    const broken = await post("/api/v1/surveys", "{not json");
    expect(broken.status).toBe(400);
    expect((await problemOf(broken)).type).toBe("urn:cxbot:problem:malformed-json");
    const text = await post("/api/v1/surveys", "platform=slack", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    const huge = await post("/api/v1/surveys", {
      platform: "slack",
      userId: "U1",
      flow: "nps",
      reference: "x".repeat(40_000),
    });
    expect(huge.status).toBe(413);
    expect((await problemOf(huge)).status).toBe(413);
  });

  it("honours Idempotency-Key: a retry replays the first answer and creates nothing twice", async () => {
    const body = { platform: "telegram", userId: "777", flow: "csat", reference: "ticket-9" };
    const before = api.dispatcher.sends.size;
    const first = await post("/api/v1/surveys", body, { "idempotency-key": "order-777-delivered" });
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    // Retried, and raced by two more at once: one survey in all.
    const again = await Promise.all(
      [1, 2, 3].map(() => post("/api/v1/surveys", body, { "idempotency-key": "order-777-delivered" })),
    );
    for (const res of again) {
      expect(res.status).toBe(202);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(await res.json()).toEqual(firstBody);
    }
    expect(api.dispatcher.sends.size).toBe(before + 1);

    // The same key with another body is refused; another key is another call.
    const other = await post(
      "/api/v1/surveys",
      { ...body, userId: "778" },
      { "idempotency-key": "order-777-delivered" },
    );
    expect(other.status).toBe(422);
    expect((await problemOf(other)).type).toBe("urn:cxbot:problem:idempotency-key-reused");
    const fresh = await post("/api/v1/surveys", body, { "idempotency-key": "order-777-again" });
    expect(fresh.status).toBe(202);
    expect(api.dispatcher.sends.size).toBe(before + 2);

    // Concurrent first calls with a new key: exactly one survey.
    const racing = await Promise.all(
      [1, 2, 3, 4].map(() => post("/api/v1/surveys", body, { "idempotency-key": "race-1" })),
    );
    const statuses = racing.map((r) => r.status);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    expect(api.dispatcher.sends.size).toBe(before + 3);
  });

  it("takes a batch with mixed rows: the valid ones get ids, the invalid ones their errors", async () => {
    const before = api.dispatcher.sends.size;
    const res = await post("/api/v1/surveys/batch", {
      surveys: [
        { platform: "telegram", userId: "1001", flow: "nps" },
        { platform: "fax", userId: "1002", flow: "nps" },
        { platform: "slack", userId: "U1003", flow: "unknown-flow" },
        { platform: "discord", userId: "80351110224678912", flow: "ces", properties: { product: "app" } },
        "not an object",
      ],
    });
    expect(res.status).toBe(202);
    const body = ZBatchAccepted.parse(await res.json());
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(3);
    expect(body.results.map((r) => r.status)).toEqual([
      "scheduled",
      "invalid",
      "invalid",
      "scheduled",
      "invalid",
    ]);
    const errorsAt = (i: number) => {
      const r = body.results[i];
      return r && "errors" in r ? r.errors.map((e) => e.path) : [];
    };
    expect(errorsAt(1)).toEqual(["/surveys/1/platform"]);
    expect(errorsAt(2)).toEqual(["/surveys/2/flow"]);
    expect(errorsAt(4)).toEqual(["/surveys/4"]);
    const third = body.results[3];
    expect(api.dispatcher.sends.size).toBe(before + 2);
    expect(api.dispatcher.sends.get(third && "id" in third ? third.id : "")?.request.properties).toEqual({
      product: "app",
    });

    // The envelope itself: an empty batch, or more than the maximum, is one 422.
    const empty = await post("/api/v1/surveys/batch", { surveys: [] });
    expect(empty.status).toBe(422);
    const tooMany = await post("/api/v1/surveys/batch", {
      surveys: Array.from({ length: 1001 }, (_, i) => ({
        platform: "telegram",
        userId: String(i),
        flow: "nps",
      })),
    });
    expect(tooMany.status).toBe(422);
    expect((await problemOf(tooMany)).errors?.[0]?.path).toBe("/surveys");
  });

  it("serves an OpenAPI 3.1 document generated from the schemas, without a key", async () => {
    const res = await fetch(`${api.base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    // Valid against the OpenAPI 3.1 specification's own schema.
    const checked = await new Validator().validate(
      structuredClone(doc) as Parameters<Validator["validate"]>[0],
    );
    expect(checked.errors).toBeUndefined();
    expect(checked.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/surveys",
        "/api/v1/surveys/batch",
        "/api/v1/surveys/{id}",
        "/api/v1/responses",
      ]),
    );
    expect(Object.keys(doc.paths["/api/v1/surveys"] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "SurveyRequest",
        "BatchRequest",
        "SurveyAccepted",
        "BatchAccepted",
        "SurveySend",
        "Problem",
      ]),
    );
    const request = doc.components.schemas.SurveyRequest;
    expect(request?.required).toEqual(["platform", "userId", "flow"]);
    expect(Object.keys(request?.properties ?? {})).toEqual([
      "platform",
      "userId",
      "flow",
      "locale",
      "reference",
      "properties",
      "delaySeconds",
      "sendAt",
    ]);
    // Every $ref points at a schema the document has.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref as string);
  });

  it("answers unknown API paths with a 404 problem", async () => {
    const res = await fetch(`${api.base}/api/v1/nothing`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    expect((await problemOf(res)).status).toBe(404);
  });

  it("keeps the shared server's other routes: /healthz, adapters' exact POST paths, 404 elsewhere", async () => {
    const health = await fetch(`${api.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, checks: { database: true } });
    expect((await fetch(`${api.base}/hook`, { method: "POST" })).status).toBe(204);
    expect((await fetch(`${api.base}/hook`)).status).toBe(404);
    expect((await fetch(`${api.base}/apix`)).status).toBe(404);
  });
});
