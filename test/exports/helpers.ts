import type { Connection } from "mongoose";
import type { ConversationState } from "../../core/engine/state.ts";
import { flowHash } from "../../core/flow/registry.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import type { ConversationStatus } from "../../core/types.ts";
import { STORED_VERSION } from "../../storage/schemas.ts";
import { flowFrom } from "../helpers/flows.ts";

/** A flow with a score, a choice (labelled in Persian first: its default language is fa) and a comment. */
export const EXPORT_FLOW: FlowDefinition = flowFrom(`
key: shop
title: { en: Shop, fa: فروشگاه }
fallback: [fa, en]
steps:
  - id: score
    type: rating
    scale: nps
    prompt: { en: Recommend us?, fa: ما را پیشنهاد می‌کنید؟ }
  - id: reason
    type: choice
    multiple: true
    prompt: { en: Why?, fa: چرا؟ }
    options:
      - { id: price, label: { en: Price, fa: قیمت } }
      - { id: speed, label: { en: Speed, fa: سرعت } }
  - id: why
    type: text
    prompt: { en: Tell us more, fa: بیشتر بگویید }
  - id: thanks
    type: end
    text: { en: Thanks, fa: ممنون }
`);

export const EXPORT_FLOW_HASH = flowHash(EXPORT_FLOW);

export interface FakeResponse {
  readonly id: string;
  readonly userId: string;
  readonly startedAt: Date;
  readonly status?: Exclude<ConversationStatus, "active">;
  readonly score?: number;
  readonly reasons?: readonly string[];
  readonly comment?: string;
  readonly test?: boolean;
  readonly properties?: Readonly<Record<string, string>>;
  readonly reference?: string;
  readonly locale?: "en" | "fa" | "ar" | "tr";
}

/** A stored response document, as the conversation store archives one. */
export function responseDoc(r: FakeResponse) {
  const at = r.startedAt.toISOString();
  const locale = r.locale ?? "en";
  const answers: ConversationState["answers"][number][] = [];
  if (r.score !== undefined)
    answers.push({
      stepId: "score",
      answer: {
        type: "rating",
        value: r.score,
        scale: "nps",
        band: r.score <= 6 ? "detractor" : r.score <= 8 ? "passive" : "promoter",
        sentiment: r.score <= 6 ? "negative" : r.score <= 8 ? "neutral" : "positive",
      },
      at,
      locale,
    });
  if (r.reasons)
    answers.push({ stepId: "reason", answer: { type: "choice", optionIds: r.reasons }, at, locale });
  if (r.comment !== undefined)
    answers.push({
      stepId: "why",
      answer: { type: "text", text: r.comment, sentiment: { label: "negative", score: -0.5, evidence: [] } },
      at,
      locale,
    });
  const status = r.status ?? "completed";
  const state: ConversationState = {
    id: r.id,
    respondent: { channel: "telegram", userId: r.userId },
    flowKey: "shop",
    flowVersion: 1,
    locale,
    ...(r.reference === undefined ? {} : { reference: r.reference }),
    ...(r.properties === undefined ? {} : { properties: r.properties }),
    status,
    stepId: null,
    answers,
    failures: 0,
    selection: [],
    ...(r.test ? { test: true as const } : {}),
    alertsFired: [],
    startedAt: at,
    updatedAt: at,
    endedAt: at,
  };
  return {
    _id: r.id,
    v: STORED_VERSION,
    key: `telegram:${r.userId}`,
    rev: 3,
    flowKey: "shop",
    flowVersion: 1,
    status,
    channel: "telegram",
    startedAt: r.startedAt,
    endedAt: r.startedAt,
    state,
    recentEventIds: [],
    transcript: [{ direction: "in", text: "ok", at }],
  };
}

/** Writes responses straight into the archive, in batches. */
export async function insertResponses(
  connection: Connection,
  responses: Iterable<FakeResponse>,
): Promise<void> {
  const collection = connection.db?.collection<{ _id: string }>("responses");
  if (!collection) throw new Error("the connection is not open");
  let batch: ReturnType<typeof responseDoc>[] = [];
  for (const r of responses) {
    batch.push(responseDoc(r));
    if (batch.length === 1000) {
      await collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await collection.insertMany(batch, { ordered: false });
}
