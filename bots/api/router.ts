import { getRequestListener } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type IdempotencyStore, runIdempotent } from "../../core/api/idempotency.ts";
import type { ApiKeyRecord, ApiKeys } from "../../core/api/keys.ts";
import { buildOpenApiDocument } from "../../core/api/openapi.ts";
import {
  type Problem,
  type SurveyRequest,
  toSendRequest,
  toSurveySendView,
  validationErrors,
  ZBatchEnvelope,
  ZIdempotencyKey,
  ZSurveyRequest,
} from "../../core/api/schemas.ts";
import type { Startable } from "../../core/flow/registry.ts";
import type { SurveyDispatcher } from "../../core/sending/types.ts";
import type { Mount } from "../http.ts";
import type { Logger } from "../logger.ts";
import { type ResponseExportDeps, registerResponseExport } from "./exports.ts";

/**
 * The HTTP API (`/api/v1/…`) on the shared server: a Hono router, mounted under `/api/` by `bots/http.ts`.
 * It translates only: bodies are checked with the zod schemas of `core/api/schemas.ts`, surveys go to the
 * {@link SurveyDispatcher}, and every error is an RFC 9457 problem (`application/problem+json`).
 */

export interface ApiDeps {
  readonly keys: ApiKeys;
  readonly idempotency: IdempotencyStore;
  readonly dispatcher: SurveyDispatcher;
  /** Whether a flow may be started (the flow registry). */
  readonly flows: { startable(key: string): Promise<Startable> };
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** The largest body of a single survey call (default 32 KiB) and of a batch (default 4 MiB). */
  readonly maxBodyBytes?: { readonly single: number; readonly batch: number };
  /** `GET /api/v1/responses` (bots/api/exports.ts); absent: not served. */
  readonly exports?: ResponseExportDeps;
}

type Env = { Variables: { apiKey: ApiKeyRecord } };

const PROBLEM = "urn:cxbot:problem:";
type ValidationError = ReturnType<typeof validationErrors>[number];

function problemResponse(
  status: number,
  name: string,
  title: string,
  detail?: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: `${PROBLEM}${name}`,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

const invalid = (errors: readonly ValidationError[], detail = "The body is not valid: see errors.") =>
  problemResponse(422, "validation", "Unprocessable content", detail, { errors: [...errors] });

export function createApiRouter(deps: ApiDeps): Hono<Env> {
  const { logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const limits = deps.maxBodyBytes ?? { single: 32 * 1024, batch: 4 * 1024 * 1024 };
  let openapi: string | undefined;
  const app = new Hono<Env>().basePath("/api/v1");

  app.onError((error, c) => {
    logger.error({ err: error, path: c.req.path, code: "API_FAILED" }, "API request failed");
    return problemResponse(500, "internal", "Internal error", "Nothing was created; please try again.");
  });
  app.notFound((c) => problemResponse(404, "not-found", "Not found", `No ${c.req.method} ${c.req.path}.`));

  app.get("/openapi.json", (c) => {
    openapi ??= JSON.stringify(buildOpenApiDocument());
    return c.body(openapi, 200, { "content-type": "application/json" });
  });

  // Everything else needs an API key.
  app.use("*", async (c, next) => {
    const header = c.req.header("authorization");
    const presented = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const record = await deps.keys.verify(presented);
    if (!record)
      return problemResponse(
        401,
        "unauthorized",
        "Unauthorized",
        presented === undefined
          ? "Send an API key as Authorization: Bearer <key>."
          : "The API key is unknown or revoked.",
        {},
        { "www-authenticate": 'Bearer realm="cxbot"' },
      );
    c.set("apiKey", record);
    await next();
  });

  const tooLarge = (max: number) => () =>
    problemResponse(413, "too-large", "Content too large", `The body may have at most ${max} bytes.`);

  /** The flows of these requests that cannot be started, by key. */
  const unstartable = async (requests: readonly SurveyRequest[]): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const key of new Set(requests.map((r) => r.flow))) {
      const s = await deps.flows.startable(key);
      if ("reason" in s)
        out.set(key, s.reason === "disabled" ? "the flow is disabled" : "there is no such flow");
    }
    return out;
  };

  /** Reads a JSON body; a problem response when it isn't one. */
  const readJson = async (c: Context): Promise<{ raw: Buffer; value: unknown } | Response> => {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
      return problemResponse(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        "Send application/json.",
      );
    const raw = Buffer.from(await c.req.arrayBuffer());
    try {
      return { raw, value: JSON.parse(raw.toString("utf8")) as unknown };
    } catch {
      return problemResponse(400, "malformed-json", "Bad request", "The body is not valid JSON.");
    }
  };

  /** Runs `work` once per Idempotency-Key (when the caller sent one) and answers with its result. */
  const answer = async (
    c: Context<Env>,
    raw: Buffer,
    work: () => Promise<{ status: number; body: unknown }>,
  ): Promise<Response> => {
    const respond = (status: number, body: string, replayed: boolean) =>
      new Response(body, {
        status,
        headers: {
          "content-type": status >= 400 ? "application/problem+json" : "application/json",
          ...(replayed ? { "idempotent-replayed": "true" } : {}),
        },
      });
    const header = c.req.header("idempotency-key");
    const run = async () => {
      const result = await work();
      return { status: result.status, body: JSON.stringify(result.body) };
    };
    if (header === undefined) {
      const result = await run();
      return respond(result.status, result.body, false);
    }
    const key = ZIdempotencyKey.safeParse(header);
    if (!key.success)
      return problemResponse(
        400,
        "bad-idempotency-key",
        "Bad request",
        "Idempotency-Key: 1–255 visible ASCII characters.",
      );
    const outcome = await runIdempotent(
      deps.idempotency,
      {
        scope: `${c.get("apiKey").id} ${c.req.method} ${c.req.path}`,
        key: key.data,
        body: raw,
        now: clock(),
      },
      run,
    );
    switch (outcome.kind) {
      case "fresh":
      case "replayed":
        return respond(outcome.status, outcome.body, outcome.kind === "replayed");
      case "mismatch":
        return problemResponse(
          422,
          "idempotency-key-reused",
          "Idempotency-Key reused",
          "This Idempotency-Key was used with another body; use a new key for a new request.",
        );
      case "in-progress":
        return problemResponse(
          409,
          "idempotency-key-in-progress",
          "Conflict",
          "A request with this Idempotency-Key is still being handled; retry in a moment.",
        );
      default: {
        const never: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
      }
    }
  };

  const source = (c: Context<Env>) => `api:${c.get("apiKey").id}`;

  app.post("/surveys", bodyLimit({ maxSize: limits.single, onError: tooLarge(limits.single) }), async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const parsed = ZSurveyRequest.safeParse(body.value);
    if (!parsed.success) return invalid(validationErrors(parsed.error.issues));
    const blocked = (await unstartable([parsed.data])).get(parsed.data.flow);
    if (blocked)
      return invalid(
        [{ path: "/flow", message: blocked, code: "unknown_flow" }],
        `Flow "${parsed.data.flow}": ${blocked}.`,
      );
    return answer(c, body.raw, async () => {
      const [created] = await deps.dispatcher.request([toSendRequest(parsed.data, clock())], source(c));
      if (!created) throw new Error("the dispatcher returned no survey");
      return { status: 202, body: { id: created.id, status: created.status } };
    });
  });

  app.post(
    "/surveys/batch",
    bodyLimit({ maxSize: limits.batch, onError: tooLarge(limits.batch) }),
    async (c) => {
      const body = await readJson(c);
      if (body instanceof Response) return body;
      const envelope = ZBatchEnvelope.safeParse(body.value);
      if (!envelope.success) return invalid(validationErrors(envelope.error.issues));
      const items = envelope.data.surveys.map((item) => ZSurveyRequest.safeParse(item));
      const valid = items.flatMap((r, index) => (r.success ? [{ index, request: r.data }] : []));
      const blocked = await unstartable(valid.map((v) => v.request));
      return answer(c, body.raw, async () => {
        const accepted = valid.filter((v) => !blocked.has(v.request.flow));
        const now = clock();
        const created =
          accepted.length === 0
            ? []
            : await deps.dispatcher.request(
                accepted.map((v) => toSendRequest(v.request, now)),
                source(c),
              );
        const byIndex = new Map(accepted.map((v, i) => [v.index, created[i]]));
        const results = items.map((r, index) => {
          const made = byIndex.get(index);
          if (made) return { index, id: made.id, status: made.status };
          const errors: ValidationError[] = r.success
            ? [
                {
                  path: `/surveys/${index}/flow`,
                  message: blocked.get(r.data.flow) ?? "",
                  code: "unknown_flow",
                },
              ]
            : validationErrors(r.error.issues, `/surveys/${index}`);
          return { index, status: "invalid" as const, errors };
        });
        return {
          status: 202,
          body: { accepted: accepted.length, rejected: items.length - accepted.length, results },
        };
      });
    },
  );

  app.get("/surveys/:id", async (c) => {
    const id = c.req.param("id");
    const send = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await deps.dispatcher.get(id) : null;
    if (!send)
      return problemResponse(404, "not-found", "Not found", `There is no survey ${id.slice(0, 64)}.`);
    return c.json(toSurveySendView(send), 200);
  });

  if (deps.exports) registerResponseExport(app, deps.exports, problemResponse, clock);

  return app;
}

/** The API as a mount on the shared server. */
export function apiMount(deps: ApiDeps): Mount {
  const listener = getRequestListener(createApiRouter(deps).fetch, { overrideGlobalObjects: false });
  return { prefix: "/api/", handle: (req, res) => listener(req, res) };
}
