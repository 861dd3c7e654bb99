import { parseCommand } from "../commands.ts";
import type {
  ChoiceStep,
  Condition,
  Flow,
  LocalizedText,
  QuestionStep,
  RatingStep,
  Step,
  TextStep,
} from "../flow/schema.ts";
import { LANGUAGE_NAMES, t } from "../i18n/messages.ts";
import { LOCALES, type Locale, matchLocale, RTL_LOCALES } from "../locale.ts";
import { parseChoice, parseRating, ratingRange } from "../parse/answer.ts";
import { foldAnswer } from "../parse/fold.ts";
import { type ButtonPayload, conversationTag, encodePayload } from "../payload.ts";
import { bandOf, bandSentiment } from "../scores.ts";
import type { SentimentAnalyzer, SentimentLabel } from "../sentiment/types.ts";
import { cutText } from "../text/cut.ts";
import { toLocaleDigits } from "../text/digits.ts";
import { tagThemes } from "../themes/themes.ts";
import type { Answer, Choice, CommandName, DomainEvent, OutboundMessage, RespondentRef } from "../types.ts";
import { answerOf, type ConversationState, type RecordedAnswer } from "./state.ts";

/** What the engine needs from outside: the analyzer and the clock. Nothing else. */
export interface EngineDeps {
  readonly analyzer: SentimentAnalyzer;
  readonly now: Date;
}

/** An input the engine understands; adapters' raw events are turned into these by the service. */
export type EngineInput =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "button"; readonly payload: ButtonPayload }
  | { readonly type: "command"; readonly command: CommandName; readonly argument?: string };

/** The result of one step: the new state, what to send, and what happened. */
export interface StepOutcome {
  readonly state: ConversationState;
  readonly messages: readonly OutboundMessage[];
  readonly events: readonly DomainEvent[];
  /** The question just answered and how to show the answer (adapters edit the old question with it). */
  readonly answered?: { readonly stepId: string; readonly label: string };
  /** The input was a button of a question that is no longer current; nothing was recorded. */
  readonly stale?: boolean;
  /** The respondent asked to start over; the service archives this conversation and starts a new one. */
  readonly restart?: boolean;
}

/** Hard cap on stored free text, whatever the step allows: the original is kept up to this. */
export const MAX_ORIGINAL_TEXT = 16_000;
const MAX_FAILURES_BEFORE_SKIP = 3;

/** A string in the respondent's locale, else along the flow's fallback chain, else any. */
export function localize(flow: Flow, text: LocalizedText, locale: Locale): string {
  const direct = text[locale];
  if (direct !== undefined) return direct;
  for (const l of flow.fallback) {
    const v = text[l];
    if (v !== undefined) return v;
  }
  for (const l of LOCALES) {
    const v = text[l];
    if (v !== undefined) return v;
  }
  return "";
}

function stepById(flow: Flow, id: string): Step | undefined {
  return flow.steps.find((s) => s.id === id);
}

function message(
  state: ConversationState,
  kind: OutboundMessage["kind"],
  text: string,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    kind,
    text,
    locale: state.locale,
    rtl: RTL_LOCALES.has(state.locale),
    expectsText: false,
    ...extra,
  };
}

function skipChoice(flow: Flow, step: Step, state: ConversationState): Choice {
  return {
    payload: encodePayload({
      kind: "skip",
      conversation: conversationTag(state.id),
      flowVersion: flow.version,
      stepId: step.id,
    }),
    label: t(state.locale, "skip"),
    role: "skip",
  };
}

/** Renders a question with its buttons; `lead` replaces the prompt (for a re-ask), `withSkip` adds Skip. */
export function renderQuestion(
  flow: Flow,
  step: QuestionStep,
  state: ConversationState,
  options: { lead?: string; withSkip?: boolean } = {},
): OutboundMessage {
  const locale = state.locale;
  const prompt = localize(flow, step.prompt, locale);
  const conversation = conversationTag(state.id);
  const answer = (value: string): string =>
    encodePayload({ kind: "answer", conversation, flowVersion: flow.version, stepId: step.id, value });
  let text = options.lead ?? prompt;
  let choices: Choice[] = [];
  let layout: OutboundMessage["layout"] = "list";
  switch (step.type) {
    case "rating": {
      const { min, max } = ratingRange(step);
      for (let v = min; v <= max; v++)
        choices.push({
          payload: answer(String(v)),
          label: toLocaleDigits(String(v), locale),
          role: "answer",
        });
      layout = "scale";
      if (step.labels && options.lead === undefined) {
        const lo = `${toLocaleDigits(String(min), locale)} = ${localize(flow, step.labels.min, locale)}`;
        const hi = `${toLocaleDigits(String(max), locale)} = ${localize(flow, step.labels.max, locale)}`;
        text = `${text}\n${lo} · ${hi}`;
      }
      break;
    }
    case "choice": {
      choices = step.options.map((o) => ({
        payload: answer(o.id),
        label: `${state.selection.includes(o.id) ? "✓ " : ""}${localize(flow, o.label, locale)}`,
        role: "answer" as const,
      }));
      if (step.multiple) {
        choices.push({
          payload: encodePayload({ kind: "done", conversation, flowVersion: flow.version, stepId: step.id }),
          label: t(locale, "done"),
          role: "done",
        });
        if (options.lead === undefined) text = `${text}\n${t(locale, "multipleHint")}`;
      }
      break;
    }
    case "text":
      break;
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
  if ((options.withSkip || step.type === "text") && step.optional)
    choices.push(skipChoice(flow, step, state));
  return message(state, "question", text, {
    choices,
    layout: step.type === "text" ? "list" : layout,
    expectsText: true,
    stepId: step.id,
  });
}

function sentimentOfAnswer(a: Answer | undefined): SentimentLabel | undefined {
  if (a === undefined) return undefined;
  switch (a.type) {
    case "rating":
      return a.sentiment;
    case "text":
      return a.sentiment.label;
    case "choice":
    case "skipped":
      return undefined;
    default: {
      const never: never = a;
      throw new Error(`unhandled answer ${JSON.stringify(never)}`);
    }
  }
}

/** Whether a condition holds for the answers so far; `current` is the step whose rules are being evaluated. */
export function conditionHolds(cond: Condition, state: ConversationState, current: string): boolean {
  const entry = answerOf(state, cond.step ?? current);
  const recorded = entry?.answer;
  const given = recorded !== undefined && recorded.type !== "skipped";
  if (cond.answered !== undefined && cond.answered !== given) return false;
  if (cond.band !== undefined) {
    if (recorded?.type !== "rating" || recorded.band === undefined) return false;
    if (![cond.band].flat().includes(recorded.band)) return false;
  }
  if (cond.min !== undefined || cond.max !== undefined) {
    if (recorded?.type !== "rating") return false;
    if (cond.min !== undefined && recorded.value < cond.min) return false;
    if (cond.max !== undefined && recorded.value > cond.max) return false;
  }
  if (cond.choice !== undefined) {
    if (recorded?.type !== "choice") return false;
    const wanted = [cond.choice].flat();
    if (!recorded.optionIds.some((id) => wanted.includes(id))) return false;
  }
  if (cond.sentiment !== undefined) {
    const s = sentimentOfAnswer(recorded);
    if (s === undefined || ![cond.sentiment].flat().includes(s)) return false;
  }
  if (cond.theme !== undefined) {
    if (recorded?.type !== "text" || entry === undefined) return false;
    const themes = tagThemes(recorded.original ?? recorded.text, entry.locale);
    if (![cond.theme].flat().some((t) => themes.includes(t))) return false;
  }
  return true;
}

/** The step after `step`, following its rules; null when the flow ends. */
export function nextStepId(flow: Flow, step: Step, state: ConversationState): string | null {
  const following = (): string | null => {
    const i = flow.steps.findIndex((s) => s.id === step.id);
    return flow.steps[i + 1]?.id ?? null;
  };
  if (step.type === "end") return null;
  if (step.next === undefined) return following();
  if (typeof step.next === "string") return step.next;
  for (const rule of step.next) {
    if ("goto" in rule) {
      if (rule.when === undefined || conditionHolds(rule.when, state, step.id)) return rule.goto;
      continue;
    }
    const feeling = sentimentOfAnswer(answerOf(state, step.id)?.answer);
    if (feeling === undefined) continue;
    const match = rule.followUp.find((id) => stepById(flow, id)?.sentiment === feeling);
    if (match !== undefined) return match;
  }
  return following();
}

/**
 * Moves into `stepId`: shows message steps and goes on, stops at a question, and completes the conversation
 * at an end step or past the last step.
 */
function enter(
  flow: Flow,
  state: ConversationState,
  stepId: string | null,
  now: Date,
): { state: ConversationState; messages: OutboundMessage[]; events: DomainEvent[] } {
  const messages: OutboundMessage[] = [];
  let current = stepId;
  let s: ConversationState = { ...state, failures: 0, selection: [], updatedAt: now.toISOString() };
  // Targets only move forward (validated), so this visits each step at most once.
  for (let guard = 0; guard <= flow.steps.length; guard++) {
    const step = current === null ? undefined : stepById(flow, current);
    if (step === undefined || step.type === "end") {
      const text = step?.type === "end" ? localize(flow, step.text, s.locale) : t(s.locale, "thanks");
      s = { ...s, stepId: null, status: "completed", endedAt: now.toISOString() };
      messages.push(message(s, "end", text));
      return {
        state: s,
        messages,
        events: [
          { type: "conversation.ended", conversationId: s.id, flowKey: s.flowKey, status: "completed" },
        ],
      };
    }
    if (step.type === "message") {
      messages.push(message(s, "info", localize(flow, step.text, s.locale)));
      current = nextStepId(flow, step, s);
      continue;
    }
    s = { ...s, stepId: step.id };
    messages.push(renderQuestion(flow, step, s));
    return { state: s, messages, events: [] };
  }
  throw new Error(`flow ${flow.key} v${flow.version} loops`);
}

/** Starts a conversation on a flow: the first question (after any opening messages). */
export function startConversation(
  flow: Flow,
  init: {
    id: string;
    respondent: RespondentRef;
    locale: Locale;
    reference?: string;
    properties?: Readonly<Record<string, string>>;
    sendId?: string;
    expiresAt?: string;
    startSequence?: number;
    test?: boolean;
  },
  now: Date,
): StepOutcome {
  const at = now.toISOString();
  const state: ConversationState = {
    id: init.id,
    respondent: init.respondent,
    flowKey: flow.key,
    flowVersion: flow.version,
    locale: init.locale,
    ...(init.reference === undefined ? {} : { reference: init.reference }),
    ...(init.properties === undefined ? {} : { properties: { ...init.properties } }),
    ...(init.sendId === undefined ? {} : { sendId: init.sendId }),
    ...(init.expiresAt === undefined ? {} : { expiresAt: init.expiresAt }),
    ...(init.startSequence === undefined ? {} : { startSequence: init.startSequence }),
    ...(init.test ? { test: true as const } : {}),
    status: "active",
    stepId: flow.steps[0]?.id ?? null,
    answers: [],
    failures: 0,
    selection: [],
    alertsFired: [],
    taggedButtons: true,
    startedAt: at,
    updatedAt: at,
  };
  return enter(flow, state, state.stepId, now);
}

function answerLabel(flow: Flow, step: QuestionStep, answer: Answer, locale: Locale): string {
  switch (answer.type) {
    case "rating":
      return toLocaleDigits(String(answer.value), locale);
    case "choice": {
      if (step.type !== "choice") return answer.optionIds.join(", ");
      return answer.optionIds
        .map((id) => {
          const o = step.options.find((x) => x.id === id);
          return o ? localize(flow, o.label, locale) : id;
        })
        .join(locale === "fa" || locale === "ar" ? "، " : ", ");
    }
    case "text": {
      return cutText(answer.text, 201, { ellipsis: true, unit: "codePoint" });
    }
    case "skipped":
      return t(locale, "skipped");
    default: {
      const never: never = answer;
      throw new Error(`unhandled answer ${JSON.stringify(never)}`);
    }
  }
}

/** Records an answer to the current question, fires due alerts, and moves on. */
function record(
  flow: Flow,
  state: ConversationState,
  step: QuestionStep,
  answer: Answer,
  now: Date,
): StepOutcome {
  const recorded: RecordedAnswer = { stepId: step.id, answer, at: now.toISOString(), locale: state.locale };
  let s: ConversationState = { ...state, answers: [...state.answers, recorded] };
  const events: DomainEvent[] = [
    { type: "answer.recorded", conversationId: s.id, flowKey: s.flowKey, stepId: step.id, answer },
  ];
  // An admin's trial run raises no alert: support would chase a customer who is not one.
  for (const rule of state.test ? [] : flow.alerts) {
    if (rule.when.step !== step.id || s.alertsFired.includes(rule.id)) continue;
    if (!conditionHolds(rule.when, s, step.id)) continue;
    s = { ...s, alertsFired: [...s.alertsFired, rule.id] };
    events.push({
      type: "alert.due",
      conversationId: s.id,
      flowKey: s.flowKey,
      flowVersion: s.flowVersion,
      alertId: rule.id,
      ...(rule.route === undefined ? {} : { route: rule.route }),
      respondent: s.respondent,
      locale: s.locale,
      ...(s.reference === undefined ? {} : { reference: s.reference }),
      answers: Object.fromEntries(s.answers.map((a) => [a.stepId, a.answer])),
    });
  }
  const entered = enter(flow, s, nextStepId(flow, step, s), now);
  return {
    state: entered.state,
    messages: entered.messages,
    events: [...events, ...entered.events],
    answered: { stepId: step.id, label: answerLabel(flow, step, answer, state.locale) },
  };
}

/** A re-ask after an unusable answer; offers Skip after three in a row when the question allows it. */
function reask(flow: Flow, state: ConversationState, step: QuestionStep, hint: string): StepOutcome {
  const s = { ...state, failures: state.failures + 1 };
  const offer = s.failures >= MAX_FAILURES_BEFORE_SKIP && step.optional;
  const lead = offer ? `${hint}\n${t(s.locale, "offerSkip")}` : hint;
  return { state: s, messages: [renderQuestion(flow, step, s, { lead, withSkip: offer })], events: [] };
}

function ratingAnswer(step: RatingStep, value: number): Answer {
  const { min, max } = ratingRange(step);
  const band = bandOf(step.scale, value, min, max);
  return { type: "rating", value, scale: step.scale, band, sentiment: bandSentiment(band) };
}

/**
 * The score as a prior: the customer already said how they feel with a number. A comment that reads neutral
 * after a low score is read as the complaint it most likely is; a comment whose reading contradicts the score
 * (negative after a high one, positive after a low one) keeps its reading and is marked, for support to see.
 */
function textAnswer(
  step: TextStep,
  raw: string,
  analyzer: SentimentAnalyzer,
  state: ConversationState,
): Answer | undefined {
  const trimmed = raw.trim();
  if (trimmed === "") return undefined;
  const original = cutText(trimmed, MAX_ORIGINAL_TEXT, { unit: "codePoint" });
  const text = cutText(trimmed, step.maxLength, { unit: "codePoint" }).trimEnd();
  const read = analyzer.analyze(original, state.locale);
  let scored: Answer | undefined;
  for (let i = state.answers.length - 1; i >= 0 && scored === undefined; i--) {
    const a = state.answers[i]?.answer;
    if (a?.type === "rating") scored = a;
  }
  const felt = scored?.type === "rating" ? scored.sentiment : undefined;
  const base = { type: "text" as const, text, ...(text === original ? {} : { original }) };
  if (felt === "negative" && read.label === "neutral")
    return { ...base, sentiment: { ...read, label: "negative" }, score: "prior" };
  if (
    (felt === "positive" && read.label === "negative") ||
    (felt === "negative" && read.label === "positive")
  )
    return { ...base, sentiment: read, score: "disagrees" };
  return { ...base, sentiment: read };
}

function currentStep(flow: Flow, state: ConversationState): QuestionStep | undefined {
  const step = state.stepId === null ? undefined : stepById(flow, state.stepId);
  return step && (step.type === "rating" || step.type === "choice" || step.type === "text")
    ? step
    : undefined;
}

/** The language choice, as buttons (each language named in itself), asked in `locale`. */
export function languageMenu(locale: Locale): OutboundMessage {
  return {
    kind: "question",
    text: t(locale, "chooseLanguage"),
    locale,
    rtl: RTL_LOCALES.has(locale),
    expectsText: false,
    choices: LOCALES.map((l) => ({
      payload: encodePayload({ kind: "language", locale: l }),
      label: LANGUAGE_NAMES[l],
      role: "language" as const,
    })),
    layout: "list",
  };
}

/** A locale from what a respondent typed after `/language`: a tag (`fa`, `tr-TR`) or a language's name. */
export function resolveLanguage(argument: string): Locale | undefined {
  const byTag = matchLocale(argument.trim());
  if (byTag) return byTag;
  const folded = foldAnswer(argument, "en");
  return LOCALES.find(
    (l) => foldAnswer(LANGUAGE_NAMES[l], l) === folded || foldAnswer(LANGUAGE_NAMES[l], "en") === folded,
  );
}

function switchLanguage(flow: Flow, state: ConversationState, locale: Locale): StepOutcome {
  const s = { ...state, locale };
  const step = currentStep(flow, s);
  const notice = message(s, "notice", t(locale, "languageChanged"));
  return { state: s, messages: step ? [notice, renderQuestion(flow, step, s)] : [notice], events: [] };
}

function runCommand(
  flow: Flow,
  state: ConversationState,
  step: QuestionStep,
  command: CommandName,
  argument: string | undefined,
  now: Date,
): StepOutcome {
  switch (command) {
    case "skip":
      if (!step.optional)
        return {
          state,
          messages: [renderQuestion(flow, step, state, { lead: t(state.locale, "required") })],
          events: [],
        };
      return record(flow, state, step, { type: "skipped" }, now);
    case "stop": {
      const s: ConversationState = { ...state, status: "stopped", stepId: null, endedAt: now.toISOString() };
      return {
        state: s,
        messages: [message(s, "end", t(s.locale, "stopped"))],
        events: [{ type: "conversation.ended", conversationId: s.id, flowKey: s.flowKey, status: "stopped" }],
      };
    }
    case "restart":
      return { state, messages: [], events: [], restart: true };
    // `/forget` is answered by the survey service before any step sees it (core/privacy).
    case "forget":
    case "help":
      return {
        state,
        messages: [message(state, "notice", t(state.locale, "help")), renderQuestion(flow, step, state)],
        events: [],
      };
    case "language": {
      const locale = argument === undefined ? undefined : resolveLanguage(argument);
      if (locale !== undefined) return switchLanguage(flow, state, locale);
      return { state, messages: [languageMenu(state.locale)], events: [] };
    }
    default: {
      const never: never = command;
      throw new Error(`unhandled command ${String(never)}`);
    }
  }
}

function staleOutcome(state: ConversationState): StepOutcome {
  return { state, messages: [message(state, "notice", t(state.locale, "stale"))], events: [], stale: true };
}

function onButton(
  flow: Flow,
  state: ConversationState,
  step: QuestionStep,
  p: ButtonPayload,
  now: Date,
): StepOutcome {
  switch (p.kind) {
    case "language":
      return switchLanguage(flow, state, p.locale);
    case "command":
      return runCommand(flow, state, step, p.command, undefined, now);
    // Answered by the survey service before any step sees it.
    case "forget":
      return staleOutcome(state);
    case "answer":
    case "done":
    case "skip":
      break;
    default: {
      const never: never = p;
      throw new Error(`unhandled payload ${JSON.stringify(never)}`);
    }
  }
  if (
    p.flowVersion !== state.flowVersion ||
    p.stepId !== step.id ||
    (p.conversation === undefined
      ? state.taggedButtons === true
      : p.conversation !== conversationTag(state.id))
  )
    return staleOutcome(state);
  if (p.kind === "skip") return runCommand(flow, state, step, "skip", undefined, now);
  switch (step.type) {
    case "rating": {
      if (p.kind !== "answer" || !/^\d+$/.test(p.value)) return staleOutcome(state);
      const value = Number(p.value);
      const { min, max } = ratingRange(step);
      if (value < min || value > max) return staleOutcome(state);
      return record(flow, state, step, ratingAnswer(step, value), now);
    }
    case "choice":
      return onChoiceButton(flow, state, step, p, now);
    case "text":
      return staleOutcome(state);
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
}

function onChoiceButton(
  flow: Flow,
  state: ConversationState,
  step: ChoiceStep,
  p: ButtonPayload & { kind: "answer" | "done" },
  now: Date,
): StepOutcome {
  if (p.kind === "done") {
    if (!step.multiple) return staleOutcome(state);
    if (state.selection.length === 0) return reask(flow, state, step, t(state.locale, "nothingSelected"));
    return record(flow, state, step, { type: "choice", optionIds: state.selection }, now);
  }
  if (!step.options.some((o) => o.id === p.value)) return staleOutcome(state);
  if (!step.multiple) return record(flow, state, step, { type: "choice", optionIds: [p.value] }, now);
  const selection = state.selection.includes(p.value)
    ? state.selection.filter((id) => id !== p.value)
    : [...state.selection, p.value];
  const s = { ...state, selection, updatedAt: now.toISOString() };
  return { state: s, messages: [renderQuestion(flow, step, s)], events: [] };
}

function onText(
  flow: Flow,
  state: ConversationState,
  step: QuestionStep,
  text: string,
  deps: EngineDeps,
): StepOutcome {
  const command = parseCommand(text, state.locale);
  if (command) return runCommand(flow, state, step, command.command, command.argument, deps.now);
  switch (step.type) {
    case "rating": {
      const parsed = parseRating(text, step, state.locale);
      if (parsed.ok) return record(flow, state, step, ratingAnswer(step, parsed.value), deps.now);
      const { min, max } = ratingRange(step);
      const hint =
        parsed.error === "OUT_OF_RANGE"
          ? t(state.locale, "outOfRange", { value: cutText(text.trim(), 12), min, max })
          : t(state.locale, "reaskRating", { min, max });
      return reask(flow, state, step, hint);
    }
    case "choice": {
      const parsed = parseChoice(text, step, state.locale);
      if (parsed.ok) return record(flow, state, step, { type: "choice", optionIds: parsed.value }, deps.now);
      return reask(flow, state, step, t(state.locale, step.multiple ? "reaskMultiple" : "reaskChoice"));
    }
    case "text": {
      const answer = textAnswer(step, text, deps.analyzer, state);
      if (answer === undefined) return reask(flow, state, step, t(state.locale, "reaskText"));
      return record(flow, state, step, answer, deps.now);
    }
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Applies one input to an active conversation. Pure: the same state, flow, input and clock give the same
 * outcome. Unusable input never throws: it is re-asked with a localized hint.
 */
export function applyInput(
  flow: Flow,
  state: ConversationState,
  input: EngineInput,
  deps: EngineDeps,
): StepOutcome {
  const step = currentStep(flow, state);
  if (state.status !== "active" || step === undefined) return staleOutcome(state);
  switch (input.type) {
    case "text":
      return onText(flow, state, step, input.text, deps);
    case "button":
      return onButton(flow, state, step, input.payload, deps.now);
    case "command":
      return runCommand(flow, state, step, input.command, input.argument, deps.now);
    default: {
      const never: never = input;
      throw new Error(`unhandled input ${JSON.stringify(never)}`);
    }
  }
}

/** Re-sends the current question (a respondent who comes back, or asks again). */
export function currentQuestion(flow: Flow, state: ConversationState): OutboundMessage | undefined {
  const step = currentStep(flow, state);
  return step ? renderQuestion(flow, step, state) : undefined;
}

/** Ends an idle conversation: the partial response is kept as `expired`. */
export function expireConversation(state: ConversationState, now: Date): StepOutcome {
  const s: ConversationState = { ...state, status: "expired", stepId: null, endedAt: now.toISOString() };
  return {
    state: s,
    messages: [],
    events: [{ type: "conversation.ended", conversationId: s.id, flowKey: s.flowKey, status: "expired" }],
  };
}
