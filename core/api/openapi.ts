import { z } from "zod";
import {
  MAX_BATCH,
  ZBatchAccepted,
  ZBatchItemResult,
  ZBatchRequest,
  ZProblem,
  ZSurveyAccepted,
  ZSurveyRequest,
  ZSurveySend,
  ZValidationError,
} from "./schemas.ts";

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the server validates with
 * (`z.toJSONSchema`; OpenAPI 3.1 schemas are JSON Schema 2020-12). Built once, on the first request for it.
 */

const COMPONENTS = [
  ZSurveyRequest,
  ZBatchRequest,
  ZSurveyAccepted,
  ZBatchItemResult,
  ZBatchAccepted,
  ZSurveySend,
  ZValidationError,
  ZProblem,
] as const;

const ref = (schema: z.ZodType): { $ref: string } => {
  const id = z.globalRegistry.get(schema)?.id;
  if (id === undefined) throw new Error("an API schema has no id");
  return { $ref: `#/components/schemas/${id}` };
};

const json = (schema: z.ZodType) => ({ "application/json": { schema: ref(schema) } });
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref(ZProblem) } },
});

const IDEMPOTENCY_HEADER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Retrying with the same key and body replays the first answer and creates nothing twice (kept 24 hours); the same key with another body is refused with 422.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
} as const;

const COMMON_ERRORS = {
  "400": problem("The body is not JSON."),
  "401": problem("The API key is missing, unknown or revoked."),
  "409": problem("A call with this Idempotency-Key is still being handled."),
  "413": problem("The body is too large."),
  "415": problem("The body is not application/json."),
  "422": problem(
    "The body is not valid (see `errors`), the flow is unknown, or the Idempotency-Key was used with another body.",
  ),
} as const;

export function buildOpenApiDocument(options: { readonly serverUrl?: string } = {}): Record<string, unknown> {
  const generated = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}` });
  const schemas: Record<string, unknown> = {};
  for (const schema of COMPONENTS) {
    const id = z.globalRegistry.get(schema)?.id;
    const body = id === undefined ? undefined : generated.schemas[id];
    if (id === undefined || body === undefined) throw new Error("an API schema was not generated");
    const { $schema: _schema, $id: _id, ...rest } = body;
    schemas[id] = rest;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "cxbot API",
      version: "1.0.0",
      description:
        "Send NPS, CSAT and CES surveys to people in Telegram, Slack and Discord when something happens (an order delivered, a ticket closed). Authenticate with `Authorization: Bearer <API key>` (`/cx keys create <name>`). Errors are RFC 9457 problem details.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/surveys": {
        post: {
          operationId: "createSurvey",
          summary: "Send a survey to one person",
          parameters: [IDEMPOTENCY_HEADER],
          requestBody: { required: true, content: json(ZSurveyRequest) },
          responses: {
            "202": { description: "Accepted: the survey is scheduled.", content: json(ZSurveyAccepted) },
            ...COMMON_ERRORS,
          },
        },
      },
      "/api/v1/surveys/batch": {
        post: {
          operationId: "createSurveys",
          summary: `Send surveys to up to ${MAX_BATCH} people`,
          description:
            "Each item is validated on its own: valid items are accepted, invalid ones are listed with their errors, and the call answers 202 with a result per item.",
          parameters: [IDEMPOTENCY_HEADER],
          requestBody: { required: true, content: json(ZBatchRequest) },
          responses: {
            "202": { description: "A result per item.", content: json(ZBatchAccepted) },
            ...COMMON_ERRORS,
          },
        },
      },
      "/api/v1/surveys/{id}": {
        get: {
          operationId: "getSurvey",
          summary: "Where a survey's delivery stands",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "The survey.", content: json(ZSurveySend) },
            "401": COMMON_ERRORS["401"],
            "404": problem("No such survey."),
          },
        },
      },
      "/api/v1/responses": {
        get: {
          operationId: "exportResponses",
          summary: "A flow's responses, streamed as CSV or JSON Lines",
          description:
            "One row per response: time, flow and version, channel, locale, scores, answers, comments with sentiment, themes, reference and properties. Respondents are pseudonymous unless `identities=true` (audited). CSV is UTF-8 with a BOM.",
          parameters: [
            { name: "flow", in: "query", required: true, schema: { type: "string" } },
            {
              name: "from",
              in: "query",
              description: "ISO 8601 instant or day (UTC), inclusive.",
              schema: { type: "string" },
            },
            {
              name: "to",
              in: "query",
              description: "ISO 8601 instant or day (UTC), exclusive.",
              schema: { type: "string" },
            },
            {
              name: "format",
              in: "query",
              schema: { type: "string", enum: ["csv", "jsonl"], default: "csv" },
            },
            {
              name: "identities",
              in: "query",
              schema: { type: "string", enum: ["true", "false"], default: "false" },
            },
          ],
          responses: {
            "200": {
              description: "The responses, streamed.",
              content: {
                "text/csv": { schema: { type: "string" } },
                "application/jsonl": { schema: { type: "string" } },
              },
            },
            "400": problem("The query is not valid."),
            "401": COMMON_ERRORS["401"],
            "404": problem("No such flow."),
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document",
          security: [],
          responses: { "200": { description: "The OpenAPI document." } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key (`cxk_…`) from `/cx keys create`.",
        },
      },
    },
  };
}
