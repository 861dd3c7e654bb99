import type { Context, Hono } from "hono";
import { z } from "zod";
import type { ApiKeyRecord } from "../../core/api/keys.ts";
import { encodeExport } from "../../core/exports/encode.ts";
import {
  type ExportFlows,
  prepareResponseExport,
  type ResponseExportSource,
} from "../../core/exports/responses.ts";
import { ZFlowKey } from "../../core/flow/schema.ts";
import type { AuditLog } from "../../core/ports.ts";

/**
 * `GET /api/v1/responses?flow=…&from=…&to=…&format=csv|jsonl[&identities=true]`: a flow's responses, streamed.
 * The body is pulled from the export one chunk at a time (a web stream with a high-water mark of one chunk), so
 * a slow client slows the database cursor instead of filling memory. `from`/`to` are ISO 8601 instants or days
 * (`2026-01-31`, UTC), `to` exclusive; identities instead of pseudonyms only with `identities=true`, audited.
 */

export interface ResponseExportDeps {
  readonly source: ResponseExportSource;
  readonly flows: ExportFlows;
  readonly audit: AuditLog;
}

const ZInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));

export const ZResponsesQuery = z.strictObject({
  flow: ZFlowKey,
  from: ZInstant.optional(),
  to: ZInstant.optional(),
  format: z.enum(["csv", "jsonl"]).default("csv"),
  identities: z.enum(["true", "false"]).default("false"),
});

const CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/jsonl; charset=utf-8",
} as const;

type Problem = (status: number, name: string, title: string, detail?: string) => Response;

export function registerResponseExport(
  app: Hono<{ Variables: { apiKey: ApiKeyRecord } }>,
  deps: ResponseExportDeps,
  problem: Problem,
  clock: () => Date,
): void {
  app.get("/responses", async (c: Context<{ Variables: { apiKey: ApiKeyRecord } }>) => {
    const parsed = ZResponsesQuery.safeParse(c.req.query());
    if (!parsed.success)
      return problem(
        400,
        "bad-query",
        "Bad request",
        `Query: flow (required), from and to (ISO 8601), format=csv|jsonl, identities=true|false. ${parsed.error.issues
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; ")}`,
      );
    const q = parsed.data;
    const identities = q.identities === "true";
    const exported = await prepareResponseExport(
      deps.source,
      deps.flows,
      { flowKey: q.flow, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) },
      { identities },
    );
    if (!exported) return problem(404, "not-found", "Not found", `There is no flow ${q.flow}.`);
    const key = c.get("apiKey");
    await deps.audit.record({
      at: clock(),
      actor: `api:${key.id}`,
      action: "responses.export",
      target: q.flow,
      flow: q.flow,
      detail: {
        platform: "api",
        format: q.format,
        identities,
        ...(q.from ? { from: q.from.toISOString() } : {}),
        ...(q.to ? { to: q.to.toISOString() } : {}),
      },
    });
    const chunks = encodeExport(exported, q.format);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await chunks.return(undefined);
        },
      },
      { highWaterMark: 1 },
    );
    const name = `${q.flow}-responses.${q.format}`;
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": CONTENT_TYPES[q.format],
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  });
}
