import { z } from "zod";
import { ZFlowKey } from "../flow/schema.ts";
import { ZLocale } from "../locale.ts";
import type { SurveySend, SurveySendRequest } from "../sending/types.ts";

/**
 * The HTTP API's bodies, requests and responses alike, as zod schemas. They validate what comes in, shape what
 * goes out, and are the only source of the OpenAPI document (`core/api/openapi.ts`), so the document can't drift
 * from what the server does.
 */

/** The most surveys one batch call may request. */
export const MAX_BATCH = 1000;
/** The most properties one survey may carry, and their sizes. */
export const MAX_PROPERTIES = 20;
export const MAX_PROPERTY_KEY = 40;
export const MAX_PROPERTY_VALUE = 256;
/** How far ahead a survey may be scheduled. */
export const MAX_DELAY_SECONDS = 90 * 24 * 3600;

export const ZSendPlatform = z.enum(["telegram", "slack", "discord"]);

/** A platform's id for the respondent: a Telegram chat id (negative for groups), a Slack or Discord user id. */
export const ZPlatformUserId = z
  .string()
  .regex(/^-?[A-Za-z0-9_.@-]{1,64}$/, "must be the platform's id for the respondent (1–64 characters)");

/** What each platform's ids look like, so an id sent with the wrong platform is refused up front. */
const USER_IDS = {
  telegram: { pattern: /^-?\d{1,20}$/, message: "must be a Telegram chat id (digits)" },
  slack: { pattern: /^[UW][A-Z0-9]{1,20}$/, message: "must be a Slack user id (U… or W…)" },
  discord: { pattern: /^\d{5,25}$/, message: "must be a Discord user id (digits)" },
} as const satisfies Record<z.infer<typeof ZSendPlatform>, { pattern: RegExp; message: string }>;

export const ZProperties = z
  .record(
    z
      .string()
      .regex(
        new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${MAX_PROPERTY_KEY - 1}}$`),
        `keys are 1–${MAX_PROPERTY_KEY} characters of A–Z, a–z, 0–9, _ or -, starting with a letter`,
      ),
    z.string().max(MAX_PROPERTY_VALUE),
  )
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `at most ${MAX_PROPERTIES} properties`)
  .meta({
    description: `Kept with the response and usable as report segments (order id, agent, product, touchpoint). At most ${MAX_PROPERTIES}, values up to ${MAX_PROPERTY_VALUE} characters.`,
    example: { orderId: "A-1042", agent: "maria", touchpoint: "delivery" },
  });

export const ZSurveyRequest = z
  .strictObject({
    platform: ZSendPlatform.meta({ description: "Where the respondent is." }),
    userId: ZPlatformUserId.meta({
      description: "The respondent's platform id: a Telegram chat id, a Slack user id, a Discord user id.",
      example: "123456789",
    }),
    flow: ZFlowKey.meta({ description: "The flow (survey) key.", example: "nps" }),
    locale: ZLocale.optional().meta({
      description: "The survey's language; the respondent's own choice otherwise.",
    }),
    reference: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .meta({ description: "Your reference (an order or ticket id).", example: "order-1042" }),
    properties: ZProperties.optional(),
    delaySeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_DELAY_SECONDS)
      .optional()
      .meta({ description: "Send this many seconds from now (at most 90 days). Not with sendAt." }),
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: "Send at this time (ISO 8601, at most 90 days ahead). Not with delaySeconds." }),
  })
  .superRefine((value, ctx) => {
    const id = USER_IDS[value.platform];
    if (!id.pattern.test(value.userId))
      ctx.addIssue({ code: "custom", path: ["userId"], message: id.message });
    if (value.delaySeconds !== undefined && value.sendAt !== undefined)
      ctx.addIssue({ code: "custom", path: ["sendAt"], message: "give delaySeconds or sendAt, not both" });
    if (value.sendAt !== undefined && Date.parse(value.sendAt) > Date.now() + MAX_DELAY_SECONDS * 1000)
      ctx.addIssue({ code: "custom", path: ["sendAt"], message: "must be at most 90 days ahead" });
  })
  .meta({ id: "SurveyRequest", description: "One survey to send." });
export type SurveyRequest = z.infer<typeof ZSurveyRequest>;

/** The batch body as documented; the server reads each item on its own, so one bad item fails only itself. */
export const ZBatchRequest = z
  .strictObject({ surveys: z.array(ZSurveyRequest).min(1).max(MAX_BATCH) })
  .meta({ id: "BatchRequest", description: `Up to ${MAX_BATCH} surveys in one call.` });

/** How the server reads a batch body before reading each item. */
export const ZBatchEnvelope = z.strictObject({ surveys: z.array(z.unknown()).min(1).max(MAX_BATCH) });

export const ZSurveyStatus = z.enum([
  "scheduled",
  "sent",
  "completed",
  "partial",
  "expired",
  "skipped",
  "failed",
]);

export const ZSurveyAccepted = z
  .strictObject({
    id: z.string().meta({ description: "The survey's id, for GET /api/v1/surveys/{id}.", example: "sv_…" }),
    status: ZSurveyStatus,
  })
  .meta({ id: "SurveyAccepted" });

export const ZValidationError = z
  .strictObject({
    path: z
      .string()
      .meta({ description: "Where in the body, as a JSON Pointer.", example: "/properties/orderId" }),
    message: z.string(),
    code: z.string(),
  })
  .meta({ id: "ValidationError" });

export const ZBatchItemResult = z
  .union([
    z.strictObject({ index: z.number().int(), id: z.string(), status: ZSurveyStatus }),
    z.strictObject({
      index: z.number().int(),
      status: z.literal("invalid"),
      errors: z.array(ZValidationError),
    }),
  ])
  .meta({ id: "BatchItemResult", description: "One item of a batch: accepted with its id, or invalid." });

export const ZBatchAccepted = z
  .strictObject({
    accepted: z.number().int(),
    rejected: z.number().int(),
    results: z.array(ZBatchItemResult).meta({ description: "One per item, in the order sent." }),
  })
  .meta({ id: "BatchAccepted" });

export const ZSurveySend = z
  .strictObject({
    id: z.string(),
    status: ZSurveyStatus,
    reason: z.string().optional().meta({ description: "Why it was skipped or failed." }),
    platform: ZSendPlatform,
    userId: z.string(),
    flow: z.string(),
    locale: ZLocale.optional(),
    reference: z.string().optional(),
    properties: z.record(z.string(), z.string()).optional(),
    sendAt: z.iso.datetime().optional(),
    source: z.string().meta({ description: "Who asked: an API key's id, a campaign." }),
    conversationId: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    sentAt: z.iso.datetime().optional(),
    remindersSent: z.number().int(),
  })
  .meta({
    id: "SurveySend",
    description: "A survey sent on cxbot's initiative and where its delivery stands.",
  });
export type SurveySendView = z.infer<typeof ZSurveySend>;

export const ZProblem = z
  .looseObject({
    type: z.string().meta({ example: "urn:cxbot:problem:validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(ZValidationError).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)." });
export type Problem = z.infer<typeof ZProblem>;

export const ZIdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "must be 1–255 visible ASCII characters");

/** A zod issue as a validation error: the path as a JSON Pointer (RFC 6901). */
export function validationErrors(
  issues: readonly z.core.$ZodIssue[],
  prefix = "",
): z.infer<typeof ZValidationError>[] {
  return issues.map((i) => ({
    path: prefix + i.path.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join(""),
    message: i.message,
    code: i.code,
  }));
}

/** A validated body as the dispatcher's request; `now` turns a delay into a time. */
export function toSendRequest(body: SurveyRequest, now: Date): SurveySendRequest {
  const sendAt =
    body.delaySeconds !== undefined && body.delaySeconds > 0
      ? new Date(now.getTime() + body.delaySeconds * 1000)
      : body.sendAt !== undefined
        ? new Date(body.sendAt)
        : undefined;
  return {
    platform: body.platform,
    userId: body.userId,
    flow: body.flow,
    ...(body.locale === undefined ? {} : { locale: body.locale }),
    ...(body.reference === undefined ? {} : { reference: body.reference }),
    ...(body.properties === undefined ? {} : { properties: body.properties }),
    ...(sendAt === undefined ? {} : { sendAt }),
  };
}

/** A stored survey as the API shows it. */
export function toSurveySendView(send: SurveySend): SurveySendView {
  const { request } = send;
  return {
    id: send.id,
    status: send.status,
    ...(send.reason === undefined ? {} : { reason: send.reason }),
    platform: request.platform,
    userId: request.userId,
    flow: request.flow,
    ...(request.locale === undefined ? {} : { locale: request.locale }),
    ...(request.reference === undefined ? {} : { reference: request.reference }),
    ...(request.properties === undefined ? {} : { properties: { ...request.properties } }),
    ...(request.sendAt === undefined ? {} : { sendAt: request.sendAt.toISOString() }),
    source: send.source,
    ...(send.conversationId === undefined ? {} : { conversationId: send.conversationId }),
    createdAt: send.createdAt.toISOString(),
    updatedAt: send.updatedAt.toISOString(),
    ...(send.sentAt === undefined ? {} : { sentAt: send.sentAt.toISOString() }),
    remindersSent: send.remindersSent,
  };
}
