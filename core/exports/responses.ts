import { createHmac } from "node:crypto";
import { localize } from "../engine/engine.ts";
import type { ConversationState } from "../engine/state.ts";
import type { Flow } from "../flow/schema.ts";
import type { Locale } from "../locale.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { type Theme, tagThemesDetailed } from "../themes/themes.ts";
import type { Channel, ConversationStatus } from "../types.ts";

/**
 * Responses as rows, for analysts: one row per archived conversation of a flow (complete, partial or expired,
 * with its status; an admin's `/cx try` never), built by pure functions from the stored records. The columns
 * are fixed before the first row (CSV needs its header first): the steps of every stored version of the flow,
 * and the property keys of a sample of the responses (a cheap first look); a property beyond those lands in the
 * `properties` JSON column, so nothing is lost. Respondents are pseudonyms unless identities were asked for.
 */

/** Which responses: a flow's, started in `[from, to)` (either end open). */
export interface ResponseExportQuery {
  readonly flowKey: string;
  readonly from?: Date;
  readonly to?: Date;
}

/** What the export reads from storage. */
export interface ResponseExportSource {
  /**
   * The archived responses of the query, test conversations left out, read with a cursor (never all at once)
   * in storage order; transcripts are not read.
   */
  responses(query: ResponseExportQuery): AsyncIterable<ConversationState>;
  /**
   * Property keys for columns, most frequent first, at most `limit`: those of the query's responses, or of a
   * sample of them (the first ones read); a key not among them is kept in the `properties` JSON column.
   */
  propertyKeys(query: ResponseExportQuery, limit: number): Promise<string[]>;
  /** The deployment's pseudonym secret: made once, kept in the database, never shown. */
  pseudonymSecret(): Promise<Uint8Array>;
}

/** Property columns at most; other keys go to the `properties` JSON column. */
export const MAX_PROPERTY_COLUMNS = 50;

/** A respondent's pseudonym: HMAC-SHA256 of `channel:userId` with the deployment secret, first 16 hex digits. */
export const pseudonymOf = (secret: Uint8Array, respondentKey: string): string =>
  createHmac("sha256", secret).update(respondentKey, "utf8").digest("hex").slice(0, 16);

/** A question step as the export lays it out. */
export type ExportStep =
  | { readonly id: string; readonly type: "rating" }
  | { readonly id: string; readonly type: "choice" }
  | { readonly id: string; readonly type: "text" };

/** The columns of one export, decided before its first row. */
export interface ExportLayout {
  readonly flowKey: string;
  /** Question steps: the newest version's in order, then those only older versions had. */
  readonly steps: readonly ExportStep[];
  readonly propertyKeys: readonly string[];
  /** Respondent ids as they are (`channel:userId`) instead of pseudonyms. */
  readonly identities: boolean;
}

/** One response, structured: a JSON Lines record, and what a CSV row is flattened from. */
export interface ExportRecord {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly flow: string;
  readonly flowVersion: number;
  readonly status: ConversationStatus;
  readonly channel: Channel;
  readonly locale: Locale;
  /** A pseudonym (16 hex digits), or `channel:userId` when identities were asked for. */
  readonly respondent: string;
  readonly reference: string | null;
  readonly scores: Readonly<Record<string, number | null>>;
  readonly answers: Readonly<
    Record<string, { readonly ids: readonly string[]; readonly labels: readonly string[] }>
  >;
  readonly comments: Readonly<Record<string, { readonly text: string; readonly sentiment: SentimentLabel }>>;
  /** The overall sentiment: the first comment's, else the first score's. */
  readonly sentiment: SentimentLabel | null;
  /** The CX components the comments talk about, each with the sentiment of the clauses that mention it. */
  readonly themes: readonly { readonly theme: Theme; readonly sentiment: SentimentLabel }[];
  readonly properties: Readonly<Record<string, string>>;
}

/** The question steps of every version of a flow, newest first: the export's step columns. */
export function exportSteps(versions: readonly Flow[]): ExportStep[] {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const seen = new Map<string, ExportStep>();
  for (const flow of sorted)
    for (const step of flow.steps)
      if ((step.type === "rating" || step.type === "choice" || step.type === "text") && !seen.has(step.id))
        seen.set(step.id, { id: step.id, type: step.type });
  return [...seen.values()];
}

export interface ExportContext {
  readonly layout: ExportLayout;
  /** Stored versions by number (labels are read from the response's own version). */
  readonly versions: ReadonlyMap<number, Flow>;
  /** The newest version: labels of a response whose version is gone. */
  readonly latest: Flow;
  readonly secret: Uint8Array;
}

/** One stored response as an export record; null for what an export leaves out (an admin's trial run). */
export function exportRecord(state: ConversationState, context: ExportContext): ExportRecord | null {
  if (state.test) return null;
  const { layout } = context;
  const flow = context.versions.get(state.flowVersion) ?? context.latest;
  const language = flow.fallback[0] ?? "en";
  const key = `${state.respondent.channel}:${state.respondent.userId}`;
  const scores: Record<string, number | null> = {};
  const answers: Record<string, { ids: readonly string[]; labels: readonly string[] }> = {};
  const comments: Record<string, { text: string; sentiment: SentimentLabel }> = {};
  let commentSentiment: SentimentLabel | null = null;
  let scoreSentiment: SentimentLabel | null = null;
  const themes = new Map<Theme, SentimentLabel>();
  // The last answer to a step wins (a changed answer), as in the engine.
  const latestAnswers = new Map(state.answers.map((a) => [a.stepId, a]));
  for (const recorded of latestAnswers.values()) {
    const answer = recorded.answer;
    switch (answer.type) {
      case "rating":
        scores[recorded.stepId] = answer.value;
        scoreSentiment ??= answer.sentiment;
        break;
      case "choice": {
        const step = flow.steps.find((s) => s.id === recorded.stepId);
        const options = step?.type === "choice" ? step.options : [];
        answers[recorded.stepId] = {
          ids: answer.optionIds,
          labels: answer.optionIds.map((id) => {
            const option = options.find((o) => o.id === id);
            return option ? localize(flow, option.label, language) : id;
          }),
        };
        break;
      }
      case "text": {
        const text = answer.original ?? answer.text;
        comments[recorded.stepId] = { text, sentiment: answer.sentiment.label };
        commentSentiment ??= answer.sentiment.label;
        for (const mention of tagThemesDetailed(text, recorded.locale))
          if (!themes.has(mention.theme)) themes.set(mention.theme, mention.sentiment);
        break;
      }
      case "skipped":
        break;
      default: {
        const never: never = answer;
        throw new Error(`unhandled answer ${JSON.stringify(never)}`);
      }
    }
  }
  return {
    id: state.id,
    startedAt: state.startedAt,
    endedAt: state.endedAt ?? state.updatedAt,
    flow: state.flowKey,
    flowVersion: state.flowVersion,
    status: state.status,
    channel: state.respondent.channel,
    locale: state.locale,
    respondent: layout.identities ? key : pseudonymOf(context.secret, key),
    reference: state.reference ?? null,
    scores,
    answers,
    comments,
    sentiment: commentSentiment ?? scoreSentiment,
    themes: [...themes].map(([theme, sentiment]) => ({ theme, sentiment })),
    properties: state.properties ?? {},
  };
}

/** The CSV header of a layout. */
export function csvHeader(layout: ExportLayout): string[] {
  const steps = layout.steps.flatMap((s): string[] => {
    switch (s.type) {
      case "rating":
        return [`score.${s.id}`];
      case "choice":
        return [`answer.${s.id}`, `answer.${s.id}.ids`];
      case "text":
        return [`comment.${s.id}`, `comment.${s.id}.sentiment`];
      default: {
        const never: never = s;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
  });
  return [
    "id",
    "started_at",
    "ended_at",
    "flow",
    "flow_version",
    "status",
    "channel",
    "locale",
    "respondent",
    ...steps,
    "sentiment",
    "themes",
    "reference",
    ...layout.propertyKeys.map((k) => `property.${k}`),
    "properties",
  ];
}

/** A record as CSV cells, in the header's order (numbers stay numbers, absent values are empty). */
export function csvCells(record: ExportRecord, layout: ExportLayout): (string | number)[] {
  const steps = layout.steps.flatMap((s): (string | number)[] => {
    switch (s.type) {
      case "rating":
        return [record.scores[s.id] ?? ""];
      case "choice": {
        const a = record.answers[s.id];
        return a ? [a.labels.join("; "), a.ids.join(";")] : ["", ""];
      }
      case "text": {
        const c = record.comments[s.id];
        return c ? [c.text, c.sentiment] : ["", ""];
      }
      default: {
        const never: never = s;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
  });
  const columns = new Set(layout.propertyKeys);
  const rest = Object.entries(record.properties).filter(([k]) => !columns.has(k));
  return [
    record.id,
    record.startedAt,
    record.endedAt,
    record.flow,
    record.flowVersion,
    record.status,
    record.channel,
    record.locale,
    record.respondent,
    ...steps,
    record.sentiment ?? "",
    record.themes.map((t) => `${t.theme}:${t.sentiment}`).join("; "),
    record.reference ?? "",
    ...layout.propertyKeys.map((k) => record.properties[k] ?? ""),
    rest.length === 0 ? "" : JSON.stringify(Object.fromEntries(rest)),
  ];
}

/** What an export needs besides the stored responses: every stored version of the flow. */
export interface ExportFlows {
  latest(key: string): Promise<Flow | null>;
  get(key: string, version: number): Promise<Flow | null>;
}

/** A prepared export: its layout, fixed, and its records, read as they are consumed. */
export interface ResponseExport {
  readonly layout: ExportLayout;
  records(): AsyncGenerator<ExportRecord>;
}

/**
 * Prepares an export of `query`: reads the flow's versions and the property keys, then yields records one at a
 * time (nothing is read ahead of the consumer). Null when the flow does not exist.
 */
export async function prepareResponseExport(
  source: ResponseExportSource,
  flows: ExportFlows,
  query: ResponseExportQuery,
  options: { readonly identities: boolean },
): Promise<ResponseExport | null> {
  const latest = await flows.latest(query.flowKey);
  if (!latest) return null;
  const versions = new Map<number, Flow>([[latest.version, latest]]);
  for (let v = latest.version - 1; v >= 1; v--) {
    const flow = await flows.get(query.flowKey, v);
    if (flow) versions.set(v, flow);
  }
  const [propertyKeys, secret] = await Promise.all([
    source.propertyKeys(query, MAX_PROPERTY_COLUMNS),
    source.pseudonymSecret(),
  ]);
  const layout: ExportLayout = {
    flowKey: query.flowKey,
    steps: exportSteps([...versions.values()]),
    propertyKeys,
    identities: options.identities,
  };
  const context: ExportContext = { layout, versions, latest, secret };
  return {
    layout,
    async *records() {
      for await (const state of source.responses(query)) {
        const record = exportRecord(state, context);
        if (record) yield record;
      }
    },
  };
}
