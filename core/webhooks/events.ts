import { createHash, createHmac } from "node:crypto";
import type { Actor, AlertRecord, AlertStatus } from "../alerts/alert.ts";
import type { ConversationState } from "../engine/state.ts";
import type { Band, Flow, ScaleName } from "../flow/schema.ts";
import type { Locale } from "../locale.ts";
import { ratingRange } from "../parse/answer.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { type Theme, tagThemes } from "../themes/themes.ts";
import type { Channel, ConversationStatus, RespondentRef } from "../types.ts";
import type { WebhookEventType } from "./registry.ts";

/**
 * The JSON bodies cxbot POSTs to webhook endpoints. The shape is stable: every key is always present (`null`
 * or `[]` when there is nothing), new keys may be added, none is renamed or removed. Every event is
 * `{ id, type, createdAt, data }`; `id` is the same on every retry of one event to one endpoint, so a receiver
 * can ignore a repeat.
 *
 * **The respondent is pseudonymous.** `respondent.id` is `rsp_` + an HMAC of the platform and user id keyed
 * with the endpoint's signing secret: the same person has the same id in every event an endpoint receives, but
 * their chat or user id is never sent, and two endpoints cannot join their data on it. Businesses find their
 * customer through `reference` and `properties`, which they set when triggering the survey.
 */

/** A rating, with the scale's bounds. */
export interface WebhookScore {
  readonly stepId: string;
  readonly scale: ScaleName | "custom";
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly band: Band | null;
}

/** One answer, by step. `value` for ratings, `options` for choices, `text` and `sentiment` for free text. */
export interface WebhookAnswer {
  readonly stepId: string;
  readonly type: "rating" | "choice" | "text" | "skipped";
  readonly value: number | null;
  readonly options: readonly string[];
  readonly text: string | null;
  readonly sentiment: SentimentLabel | null;
}

export interface WebhookRespondent {
  /** Pseudonymous, stable per endpoint (see above). */
  readonly id: string;
}

/** `data` of `response.completed` and `response.partial`. */
export interface ResponseEventData {
  readonly conversationId: string;
  readonly flow: { readonly key: string; readonly version: number };
  readonly channel: Channel;
  readonly respondent: WebhookRespondent;
  readonly locale: Locale;
  readonly reference: string | null;
  /** Set by whoever triggered the survey (order id, agent, product, touchpoint). */
  readonly properties: Readonly<Record<string, string>>;
  /** `completed`, or why a partial response ended: `stopped`, `expired`, `replaced` (a new survey began). */
  readonly status: Exclude<ConversationStatus, "active">;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly scores: readonly WebhookScore[];
  readonly answers: readonly WebhookAnswer[];
  /** The first free-text answer, in full. */
  readonly comment: string | null;
  /** How the comment reads. */
  readonly sentiment: SentimentLabel | null;
  /** The CX components the comments mention. */
  readonly themes: readonly Theme[];
}

export interface WebhookActor {
  readonly id: string;
  readonly name: string | null;
}

/** `data` of `alert.raised` and `alert.resolved`. */
export interface AlertEventData {
  /** The alert's id, which is its conversation's id. */
  readonly alertId: string;
  readonly conversationId: string;
  readonly flow: { readonly key: string; readonly version: number };
  /** The alert rules that fired. */
  readonly rules: readonly string[];
  readonly channel: Channel;
  readonly respondent: WebhookRespondent;
  readonly locale: Locale;
  readonly reference: string | null;
  readonly score: WebhookScore | null;
  readonly comment: string | null;
  readonly sentiment: SentimentLabel | null;
  readonly themes: readonly Theme[];
  readonly status: AlertStatus;
  readonly raisedAt: string;
  readonly acknowledgedBy: WebhookActor | null;
  readonly assignee: WebhookActor | null;
  readonly resolvedBy: WebhookActor | null;
  readonly resolvedAt: string | null;
}

/** `data` of `ping` (`/cx webhooks test`). */
export interface PingEventData {
  readonly endpointId: string;
}

export type WebhookEvent =
  | {
      readonly id: string;
      readonly type: "response.completed" | "response.partial";
      readonly createdAt: string;
      readonly data: ResponseEventData;
    }
  | {
      readonly id: string;
      readonly type: "alert.raised" | "alert.resolved";
      readonly createdAt: string;
      readonly data: AlertEventData;
    }
  | { readonly id: string; readonly type: "ping"; readonly createdAt: string; readonly data: PingEventData };

/** `evt_` + 32 hex digits derived from what the event is about: one event, one id, in every process. */
export function eventId(type: WebhookEventType | "ping", subject: string): string {
  return `evt_${createHash("sha256").update(`${type}|${subject}`).digest("hex").slice(0, 32)}`;
}

/** The respondent's id as an endpoint sees it. */
export function pseudonym(secret: string, respondent: Pick<RespondentRef, "channel" | "userId">): string {
  const mac = createHmac("sha256", secret).update(`respondent|${respondent.channel}|${respondent.userId}`);
  return `rsp_${mac.digest("hex").slice(0, 24)}`;
}

/** The bounds of the named scales, for a rating whose step is no longer in the flow. */
const SCALE_RANGES: Readonly<Partial<Record<ScaleName | "custom", { min: number; max: number }>>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

const actorOf = (actor: Actor | undefined): WebhookActor | null =>
  actor ? { id: actor.id, name: actor.name ?? null } : null;

/** Which event an ended conversation makes: `completed`, else `partial` when anything was answered. */
export function responseEventType(
  state: ConversationState,
): "response.completed" | "response.partial" | null {
  if (state.status === "completed") return "response.completed";
  if (state.status === "active") return null;
  return state.answers.some((a) => a.answer.type !== "skipped") ? "response.partial" : null;
}

/**
 * The `response.*` event of an ended conversation (from the response archive), for one endpoint (`secret`
 * keys the respondent's pseudonym); null when it makes none (nothing answered, or still active).
 */
export function responseEvent(
  state: ConversationState,
  flow: Flow | null,
  secret: string,
): WebhookEvent | null {
  const type = responseEventType(state);
  if (type === null) return null;
  const latest = new Map<string, ConversationState["answers"][number]>();
  for (const a of state.answers) {
    latest.delete(a.stepId);
    latest.set(a.stepId, a);
  }
  const scores: WebhookScore[] = [];
  const answers: WebhookAnswer[] = [];
  let comment: string | null = null;
  let sentiment: SentimentLabel | null = null;
  const themes = new Set<Theme>();
  for (const { stepId, answer, locale } of latest.values()) {
    switch (answer.type) {
      case "rating": {
        const step = flow?.steps.find((s) => s.id === stepId);
        const range =
          step?.type === "rating"
            ? ratingRange(step)
            : (SCALE_RANGES[answer.scale] ?? { min: answer.value, max: answer.value });
        scores.push({
          stepId,
          scale: answer.scale,
          value: answer.value,
          ...range,
          band: answer.band ?? null,
        });
        answers.push({
          stepId,
          type: "rating",
          value: answer.value,
          options: [],
          text: null,
          sentiment: answer.sentiment,
        });
        break;
      }
      case "choice":
        answers.push({
          stepId,
          type: "choice",
          value: null,
          options: [...answer.optionIds],
          text: null,
          sentiment: null,
        });
        break;
      case "text": {
        const text = answer.original ?? answer.text;
        answers.push({
          stepId,
          type: "text",
          value: null,
          options: [],
          text,
          sentiment: answer.sentiment.label,
        });
        if (comment === null) {
          comment = text;
          sentiment = answer.sentiment.label;
        }
        for (const theme of tagThemes(text, locale)) themes.add(theme);
        break;
      }
      case "skipped":
        answers.push({ stepId, type: "skipped", value: null, options: [], text: null, sentiment: null });
        break;
      default: {
        const never: never = answer;
        throw new Error(`unknown answer ${JSON.stringify(never)}`);
      }
    }
  }
  const status = state.status === "active" ? "completed" : state.status;
  return {
    id: eventId(type, state.id),
    type,
    createdAt: state.endedAt ?? state.updatedAt,
    data: {
      conversationId: state.id,
      flow: { key: state.flowKey, version: state.flowVersion },
      channel: state.respondent.channel,
      respondent: { id: pseudonym(secret, state.respondent) },
      locale: state.locale,
      reference: state.reference ?? null,
      properties: { ...state.properties },
      status,
      startedAt: state.startedAt,
      endedAt: state.endedAt ?? null,
      scores,
      answers,
      comment,
      sentiment,
      themes: [...themes],
    },
  };
}

/** The `alert.raised` or `alert.resolved` event of an alert, for one endpoint. */
export function alertEvent(
  type: "alert.raised" | "alert.resolved",
  alert: AlertRecord,
  secret: string,
): WebhookEvent {
  const resolved = alert.history.findLast((h) => h.type === "resolved");
  const acknowledged = alert.history.find((h) => h.type === "acknowledged" || h.type === "replied");
  const first = alert.comments[0];
  const themes = new Set<Theme>(alert.comments.flatMap((c) => c.themes));
  return {
    id: eventId(type, alert.id),
    type,
    createdAt: type === "alert.resolved" && resolved ? resolved.at : alert.raisedAt,
    data: {
      alertId: alert.id,
      conversationId: alert.id,
      flow: { key: alert.flowKey, version: alert.flowVersion },
      rules: [...alert.rules],
      channel: alert.respondent.channel,
      respondent: { id: pseudonym(secret, alert.respondent) },
      locale: alert.locale,
      reference: alert.reference ?? null,
      score: alert.score
        ? {
            stepId: alert.score.stepId,
            scale: alert.score.scale,
            value: alert.score.value,
            min: alert.score.min,
            max: alert.score.max,
            band: alert.score.band ?? null,
          }
        : null,
      comment: first?.text ?? null,
      sentiment: first?.sentiment ?? null,
      themes: [...themes],
      status: alert.status,
      raisedAt: alert.raisedAt,
      acknowledgedBy: acknowledged && "actor" in acknowledged ? actorOf(acknowledged.actor) : null,
      assignee: actorOf(alert.assignee),
      resolvedBy: resolved && "actor" in resolved ? actorOf(resolved.actor) : null,
      resolvedAt: resolved?.at ?? null,
    },
  };
}

/** The `ping` event a test delivery sends. */
export function pingEvent(endpointId: string, now: Date): WebhookEvent {
  return {
    id: eventId("ping", `${endpointId}|${now.toISOString()}`),
    type: "ping",
    createdAt: now.toISOString(),
    data: { endpointId },
  };
}
