import type { Band, Flow, LocalizedText, ScaleName } from "../flow/schema.ts";
import type { Locale } from "../locale.ts";
import { ratingRange } from "../parse/answer.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { type Theme, tagThemesDetailed } from "../themes/themes.ts";
import type { AlertedConversation, Answer, RespondentRef, TranscriptEntry } from "../types.ts";

/**
 * A low-score alert: what support needs to close the loop with one customer. One per conversation (its id
 * is the conversation id), however many of the flow's alert rules fire; later answers enrich it.
 */

/** Where an alert stands. `assigned` and `acknowledged` are both open for work; `resolved` is closed. */
export type AlertStatus = "open" | "acknowledged" | "assigned" | "resolved";

/** A support agent, as their platform identifies them (`slack:U024BE7LH`). */
export interface Actor {
  readonly id: string;
  readonly name?: string;
}

/** One thing that happened to an alert, shown under it. */
export type AlertHistoryEntry =
  | { readonly type: "raised"; readonly at: string; readonly rules: readonly string[] }
  | { readonly type: "acknowledged"; readonly at: string; readonly actor: Actor }
  | { readonly type: "assigned"; readonly at: string; readonly actor: Actor; readonly assignee: Actor }
  | {
      readonly type: "replied";
      readonly at: string;
      readonly actor: Actor;
      readonly text: string;
      /** False when the customer's platform could not be reached (the text is kept here). */
      readonly delivered: boolean;
    }
  /** The customer wrote back after the survey (forwarded to the alert's thread). */
  | { readonly type: "customer-replied"; readonly at: string; readonly text: string }
  | {
      readonly type: "resolved";
      readonly at: string;
      readonly actor: Actor;
      /** `sent`: a one-question recovery survey went to the customer; `skipped`: they are mid-survey. */
      readonly recovery?: "sent" | "skipped" | "failed";
    };

/** The score that raised the alert. */
export interface AlertScore {
  readonly stepId: string;
  readonly value: number;
  readonly scale: ScaleName | "custom";
  readonly min: number;
  readonly max: number;
  readonly band?: Band;
}

/** A free-text answer, as written, with how it reads. */
export interface AlertComment {
  readonly stepId: string;
  /** The full text as the customer wrote it. */
  readonly text: string;
  readonly sentiment: SentimentLabel;
  readonly themes: readonly Theme[];
  /**
   * How the clauses that mention each component read ("the food was great but the waiter was rude": product
   * positive, people negative); components absent here read like the whole comment. Older alerts lack it.
   */
  readonly themeSentiment?: Readonly<Partial<Record<Theme, SentimentLabel>>>;
  /** The comment's reading contradicts the customer's score (an angry comment after a 9/10). */
  readonly disagrees?: true;
}

/**
 * Where an alert is shown, once posted: opaque to the alert service, meaningful to the notifier that posted it.
 */
export interface AlertPost {
  /** The notifier that posted it (`slack`). */
  readonly notifier: string;
  /** Where: a channel id of that platform. */
  readonly target: string;
  /** The notifier's handle on the message (a Slack ts); for a folded alert, the summary's. */
  readonly ref: string;
  /** True when the alert is one line of a flood summary rather than a message of its own. */
  readonly folded?: boolean;
}

export interface AlertRecord {
  /** The conversation's id: one alert per conversation. */
  readonly id: string;
  /** Incremented by every write; a write names the revision it read. */
  readonly rev: number;
  readonly flowKey: string;
  readonly flowVersion: number;
  /** The flow's title in every language it has, shown in the support team's language. */
  readonly flowTitle: LocalizedText;
  /** The alert rules that fired, in order. */
  readonly rules: readonly string[];
  /** Where the first rule routes it (a Slack channel), else the default alert channel. */
  readonly route?: string;
  readonly respondent: RespondentRef;
  readonly locale: Locale;
  readonly reference?: string;
  readonly score?: AlertScore;
  readonly comments: readonly AlertComment[];
  /** The last lines of the conversation. */
  readonly transcript: readonly TranscriptEntry[];
  readonly raisedAt: string;
  readonly updatedAt: string;
  readonly status: AlertStatus;
  readonly assignee?: Actor;
  readonly history: readonly AlertHistoryEntry[];
  readonly post?: AlertPost;
}

/** How many transcript lines an alert keeps. */
export const ALERT_TRANSCRIPT_LINES = 12;
const HISTORY_LIMIT = 50;

/** What the alert needs to know about a conversation when a rule fires or the conversation ends. */
export interface AlertSource extends Omit<AlertedConversation, "flowVersion"> {
  readonly conversationId: string;
  readonly flow: Flow;
}

function scoreOf(flow: Flow, answers: Readonly<Record<string, Answer>>): AlertScore | undefined {
  for (const step of flow.steps) {
    if (step.type !== "rating") continue;
    const answer = answers[step.id];
    if (answer?.type !== "rating") continue;
    const range = ratingRange(step);
    return {
      stepId: step.id,
      value: answer.value,
      scale: answer.scale,
      ...range,
      ...(answer.band === undefined ? {} : { band: answer.band }),
    };
  }
  return undefined;
}

function commentsOf(
  flow: Flow,
  answers: Readonly<Record<string, Answer>>,
  locale: Locale,
): readonly AlertComment[] {
  const comments: AlertComment[] = [];
  for (const step of flow.steps) {
    const answer = answers[step.id];
    if (answer?.type !== "text") continue;
    const text = answer.original ?? answer.text;
    const mentions = tagThemesDetailed(text, locale);
    comments.push({
      stepId: step.id,
      text,
      sentiment: answer.sentiment.label,
      themes: mentions.map((m) => m.theme),
      ...(mentions.length > 0
        ? { themeSentiment: Object.fromEntries(mentions.map((m) => [m.theme, m.sentiment])) }
        : {}),
      ...(answer.score === "disagrees" ? { disagrees: true as const } : {}),
    });
  }
  return comments;
}

/** A new alert for a conversation whose first rule has just fired. */
export function raiseAlert(source: AlertSource, now: Date): AlertRecord {
  const at = now.toISOString();
  const route = source.flow.alerts.find((r) => source.rules.includes(r.id) && r.route)?.route;
  const score = scoreOf(source.flow, source.answers);
  return {
    id: source.conversationId,
    rev: 1,
    flowKey: source.flow.key,
    flowVersion: source.flow.version,
    flowTitle: source.flow.title,
    rules: [...source.rules],
    ...(route === undefined ? {} : { route }),
    respondent: source.respondent,
    locale: source.locale,
    ...(source.reference === undefined ? {} : { reference: source.reference }),
    ...(score === undefined ? {} : { score }),
    comments: commentsOf(source.flow, source.answers, source.locale),
    transcript: source.transcript.slice(-ALERT_TRANSCRIPT_LINES),
    raisedAt: at,
    updatedAt: at,
    status: "open",
    history: [{ type: "raised", at, rules: [...source.rules] }],
  };
}

/**
 * The alert with what the conversation has said since (a comment after the score, another rule). Returns the
 * same object when nothing changed, so no write is needed.
 */
export function enrichAlert(alert: AlertRecord, source: AlertSource, now: Date): AlertRecord {
  const rules = [...alert.rules, ...source.rules.filter((r) => !alert.rules.includes(r))];
  const score = scoreOf(source.flow, source.answers) ?? alert.score;
  const comments = commentsOf(source.flow, source.answers, source.locale);
  const transcript = source.transcript.slice(-ALERT_TRANSCRIPT_LINES);
  const unchanged =
    rules.length === alert.rules.length &&
    score?.value === alert.score?.value &&
    comments.length === alert.comments.length &&
    comments.every((c, i) => c.text === alert.comments[i]?.text) &&
    transcript.length === alert.transcript.length &&
    transcript.at(-1)?.at === alert.transcript.at(-1)?.at;
  if (unchanged) return alert;
  return {
    ...alert,
    rev: alert.rev + 1,
    rules,
    ...(score === undefined ? {} : { score }),
    comments,
    transcript,
    updatedAt: now.toISOString(),
  };
}

/** What a support agent can do with an alert. */
export type AlertAction =
  | { readonly type: "acknowledge" }
  | { readonly type: "assign"; readonly to?: Actor }
  | { readonly type: "reply"; readonly text: string }
  | { readonly type: "resolve"; readonly recovery: boolean };

/** Why an action was not applied. */
export type AlertActionError =
  | "ALERT_NOT_FOUND"
  | "ALERT_RESOLVED"
  | "REPLY_EMPTY"
  | "REPLY_TOO_LONG"
  | "DELIVERY_FAILED";

/** The longest reply an agent may send (Telegram's message limit; Slack and Discord allow more). */
export const MAX_REPLY_LENGTH = 4000;

/** Appends a history entry and sets the fields it implies. Pure: the service saves and delivers. */
export function recordAction(alert: AlertRecord, entry: AlertHistoryEntry): AlertRecord {
  const history = [...alert.history, entry].slice(-HISTORY_LIMIT);
  const base = { ...alert, rev: alert.rev + 1, history, updatedAt: entry.at };
  switch (entry.type) {
    case "raised":
      return base;
    case "acknowledged":
      return { ...base, status: alert.status === "open" ? "acknowledged" : alert.status };
    case "assigned":
      return { ...base, status: "assigned", assignee: entry.assignee };
    case "replied":
      return { ...base, status: alert.status === "open" ? "acknowledged" : alert.status };
    case "customer-replied":
      return base;
    case "resolved":
      return { ...base, status: "resolved" };
    default: {
      const never: never = entry;
      throw new Error(`unknown history entry ${JSON.stringify(never)}`);
    }
  }
}
