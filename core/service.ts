import { randomUUID } from "node:crypto";
import { ALERT_TRANSCRIPT_LINES } from "./alerts/alert.ts";
import { BoundedMap } from "./bounded-map.ts";
import { parseConfirmation, parseText, type TextIntent } from "./commands.ts";
import { KeyedQueue, Semaphore } from "./concurrency.ts";
import {
  applyInput,
  currentQuestion,
  type EngineInput,
  expireConversation,
  languageMenu,
  resolveLanguage,
  type StepOutcome,
  startConversation,
} from "./engine/engine.ts";
import type { ConversationState } from "./engine/state.ts";
import type { FlowRegistry } from "./flow/registry.ts";
import type { Flow } from "./flow/schema.ts";
import { t } from "./i18n/messages.ts";
import { type Locale, matchLocale, RTL_LOCALES } from "./locale.ts";
import { decodePayload, encodePayload } from "./payload.ts";
import type { ConversationRecord, SurveyStores, TranscriptEntry } from "./ports.ts";
import { type ErasureReport, type PrivacyRegistry, subjectOf } from "./privacy/registry.ts";
import { CxError } from "./result.ts";
import { activityChanges, activityIncrements, RollupBuffer, rollupIncrements } from "./rollups.ts";
import type { SentimentAnalyzer } from "./sentiment/types.ts";
import { cutText } from "./text/cut.ts";
import type { Channel, DomainEvent, InboundEvent, OutboundMessage, RespondentRef } from "./types.ts";

/** How the survey service is put together. */
export interface SurveyServiceDeps {
  readonly stores: SurveyStores;
  readonly flows: FlowRegistry;
  readonly analyzer: SentimentAnalyzer;
  readonly defaultLocale: Locale;
  /** The flow a bare start (`/start`, `/feedback`) begins. */
  readonly defaultFlow: string;
  /** Database work in flight at once, across all conversations. */
  readonly maxConcurrency?: number;
  /** Rollup flush interval; 0 disables the timer (tests flush by hand). */
  readonly rollupFlushMs?: number;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** Called with domain events after they are saved (alerts go to Slack from here, in a later adapter). */
  readonly onEvents?: (events: readonly DomainEvent[]) => void;
  /**
   * Offered text a respondent sent with no survey in progress (a reply to support, say); true when it was
   * handed on, and the respondent is told so instead of "no survey".
   */
  readonly forward?: (respondent: RespondentRef, text: string) => Promise<boolean>;
  /** Told about failures in background work (the expiry sweep) that do not stop it. */
  readonly onError?: (error: unknown) => void;
  /** Every store's personal data: with it, `/forget` erases the respondent's (without it, `/forget` is help). */
  readonly privacy?: PrivacyRegistry;
}

/** What happened to one inbound event, and what to send back. */
export interface HandleResult {
  /**
   * `handled`: applied; `duplicate`: this event id was seen before, nothing done, nothing to send (make no
   * platform call at all); `owed`: seen before and saved, but the reply was never confirmed sent (a crash in
   * between): send `messages` now, with no acknowledgement or edit of the old question; `no-survey`: no
   * conversation to apply it to.
   */
  readonly status: "handled" | "duplicate" | "owed" | "no-survey";
  readonly messages: readonly OutboundMessage[];
  /**
   * Set when `messages` are owed to the respondent (saved with the answer): once they are all sent, pass it to
   * {@link SurveyService.delivered}, so a redelivery or a restart does not send them again.
   */
  readonly receipt?: string;
  /** The question just answered and how to show the answer (to edit the old question). */
  readonly answered?: { readonly stepId: string; readonly label: string };
  /** A button of a question that is no longer current: the adapter may show the notice as a toast. */
  readonly stale?: boolean;
  readonly conversationId?: string;
  readonly locale?: Locale;
}

export interface SurveyService {
  /** Applies one inbound event. Never throws for bad input; throws only when storage keeps failing. */
  handle(event: InboundEvent): Promise<HandleResult>;
  /** Ends conversations idle longer than their flow allows; returns how many. */
  expireIdle(): Promise<number>;
  /** The respondent's conversation in progress, if any. */
  activeConversation(
    ref: RespondentRef,
  ): Promise<{ conversationId: string; flowKey: string; sendId?: string } | null>;
  /**
   * Adds lines that happened outside the survey (a support agent's reply) to a conversation's transcript,
   * whether it is still in progress or already archived.
   */
  appendTranscript(
    ref: RespondentRef,
    conversationId: string,
    lines: readonly { direction: "in" | "out"; text: string }[],
  ): Promise<void>;
  /** Confirms that the messages of a {@link HandleResult.receipt} reached the respondent. */
  delivered(receipt: string): void;
  /**
   * The question to send again as a reminder: the current question of conversation `conversationId`, when
   * it is still the respondent's conversation in progress and still waits for its first answer; else null.
   */
  reminderFor(ref: RespondentRef, conversationId: string): Promise<OutboundMessage | null>;
  /**
   * Sends what is still owed to respondents after a crash (saved replies never confirmed sent, for conversations
   * updated between `olderThanMs` and `withinMs` ago) through `deliver`; returns how many replies were sent.
   */
  resendOwed(
    deliver: (to: RespondentRef, messages: readonly OutboundMessage[]) => Promise<void>,
    options?: { withinMs?: number; olderThanMs?: number; channels?: readonly Channel[] },
  ): Promise<number>;
  /**
   * Erases everything kept about the respondent (their conversation in progress ends first; the rollups keep
   * its counts); null without a privacy registry. What `/forget` does once confirmed, and `/cx erase`.
   */
  erase(ref: RespondentRef): Promise<ErasureReport | null>;
  /** Writes buffered rollup increments and delivery receipts now. */
  flush(): Promise<void>;
  /** Stops taking events, waits for those in flight and flushes rollups. */
  close(): Promise<void>;
}

/** The respondent's key: at most one active conversation each. */
export function respondentKey(ref: RespondentRef): string {
  return `${ref.channel}:${ref.userId}`;
}

const RECENT_EVENT_IDS = 16;
const TRANSCRIPT_LIMIT = 200;
const TRANSCRIPT_TEXT_LIMIT = 4000;
const MAX_ATTEMPTS = 5;
const MAX_INBOUND_TEXT = 64 * 1024;
/** Conversations an expiry sweep looks at. */
const SWEEP_PAGE = 500;
/** How often delivery receipts are written: a crash loses at most this much of them (a reply sent twice). */
const RECEIPT_FLUSH_MS = 250;
/**
 * Replies younger than this may still be on their way (from this process or another): neither a redelivered
 * event nor the sweep at start sends them; the sweep runs again once they are older.
 */
export const OWED_GRACE_MS = 10_000;

function entry(direction: "in" | "out", text: string, at: Date, messageId?: string): TranscriptEntry {
  const capped = cutText(text, TRANSCRIPT_TEXT_LIMIT, { ellipsis: true });
  return { direction, text: capped, at: at.toISOString(), ...(messageId === undefined ? {} : { messageId }) };
}

function appendTranscript(
  previous: readonly TranscriptEntry[],
  added: readonly TranscriptEntry[],
): readonly TranscriptEntry[] {
  const all = [...previous, ...added];
  return all.length > TRANSCRIPT_LIMIT ? all.slice(all.length - TRANSCRIPT_LIMIT) : all;
}

function notice(locale: Locale, text: string): OutboundMessage {
  return { kind: "notice", text, locale, rtl: RTL_LOCALES.has(locale), expectsText: false };
}

class Conflict extends Error {}

/** How long a `/forget` question waits for a typed yes or no (its buttons work for as long as they are shown). */
const FORGET_ASK_HOURS = 1;
/**
 * The marker that a respondent was asked to confirm `/forget` in an hour: a processed-event id (an exact `_id`
 * lookup), naming the respondent only by pseudonym, read for this hour and the one before.
 */
const forgetMarker = (pseudonym: string, hour: number): string => `forget-ask:${pseudonym}:${hour}`;

function forgetQuestion(locale: Locale): OutboundMessage {
  return {
    kind: "question",
    text: t(locale, "forgetConfirm"),
    locale,
    rtl: RTL_LOCALES.has(locale),
    expectsText: true,
    choices: [
      {
        payload: encodePayload({ kind: "forget", erase: true }),
        label: t(locale, "forgetYes"),
        role: "command",
      },
      {
        payload: encodePayload({ kind: "forget", erase: false }),
        label: t(locale, "forgetNo"),
        role: "command",
      },
    ],
    layout: "list",
  };
}

/** The id under which the reply to an event is marked delivered. */
const receiptOf = (conversationId: string, eventId: string): string => `sent:${conversationId}:${eventId}`;

/**
 * The record with the reply it owes for `eventId`: only the event's id is stored (a few bytes in the insert that
 * saves the answer); what is owed is the conversation's current question, rendered again when it is sent.
 */
function withOutbox(
  record: ConversationRecord,
  eventId: string,
  messages: readonly OutboundMessage[],
): ConversationRecord {
  return messages.length === 0 ? record : { ...record, outbox: { eventId } };
}

function withContext(event: DomainEvent, record: ConversationRecord): DomainEvent {
  const { state } = record;
  switch (event.type) {
    case "alert.due":
      return { ...event, transcript: record.transcript.slice(-ALERT_TRANSCRIPT_LINES) };
    case "conversation.ended": {
      const sent =
        state.sendId === undefined
          ? event
          : { ...event, sendId: state.sendId, answered: state.answers.length };
      if (state.alertsFired.length === 0) return sent;
      return {
        ...sent,
        alerted: {
          flowVersion: state.flowVersion,
          rules: state.alertsFired,
          respondent: state.respondent,
          locale: state.locale,
          ...(state.reference === undefined ? {} : { reference: state.reference }),
          answers: Object.fromEntries(state.answers.map((a) => [a.stepId, a.answer])),
          transcript: record.transcript.slice(-ALERT_TRANSCRIPT_LINES),
        },
      };
    }
    case "answer.recorded":
      return event;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** Creates the service every adapter talks to. */
export function createSurveyService(deps: SurveyServiceDeps): SurveyService {
  const { stores, flows, analyzer } = deps;
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? (() => randomUUID());
  const semaphore = new Semaphore(deps.maxConcurrency ?? 8);
  const queue = new KeyedQueue();
  const rollups = new RollupBuffer(stores.rollups, { intervalMs: deps.rollupFlushMs ?? 1000 });
  let closing = false;
  /** Replies confirmed sent: kept in memory (bounded) and written in batches as processed-event ids. */
  const confirmed = new BoundedMap<string, true>(20_000);
  let receipts: string[] = [];
  let receiptsWriting: Promise<void> = Promise.resolve();
  const writeReceipts = (): Promise<void> => {
    if (receipts.length === 0) return receiptsWriting;
    const batch = receipts;
    receipts = [];
    receiptsWriting = receiptsWriting
      .then(() => stores.events.remember(batch, clock()))
      .catch((error: unknown) => {
        // Unwritten receipts only mean a reply may be sent twice after a crash; never lose the next batch.
        deps.onError?.(error);
      });
    return receiptsWriting;
  };
  const receiptTimer = setInterval(() => void writeReceipts(), RECEIPT_FLUSH_MS);
  receiptTimer.unref();

  /** Tells listeners what a saved record's change meant, with the context alerts need. */
  const emit = (events: readonly DomainEvent[], record: ConversationRecord): void => {
    if (events.length > 0) deps.onEvents?.(events.map((e) => withContext(e, record)));
  };

  const flowOf = async (state: ConversationState): Promise<Flow> => {
    const flow = await flows.get(state.flowKey, state.flowVersion);
    if (!flow)
      throw new CxError("FLOW_NOT_FOUND", `flow ${state.flowKey}@${state.flowVersion} is not stored`);
    return flow;
  };

  /** Ends a conversation for good: saved with its final state, then archived; rollups follow the status. */
  const finish = async (record: ConversationRecord, previousRev: number | null): Promise<void> => {
    if (previousRev !== null && (await stores.conversations.update(record, previousRev)) === "conflict") {
      throw new Conflict();
    }
    await stores.conversations.archive(record);
    await stores.events.remember(record.recentEventIds, clock());
  };

  const replaceRecord = async (record: ConversationRecord, now: Date): Promise<void> => {
    const flow = await flowOf(record.state);
    const state: ConversationState = {
      ...record.state,
      status: "replaced",
      stepId: null,
      endedAt: now.toISOString(),
    };
    const replaced = { ...record, rev: record.rev + 1, state };
    const withdrawn = [
      ...rollupIncrements(record.state, flow, -1),
      ...activityIncrements(record.state, flow, -1),
    ];
    await rollups.prepare(withdrawn);
    await finish(replaced, record.rev);
    rollups.add(withdrawn);
    emit(
      [{ type: "conversation.ended", conversationId: state.id, flowKey: state.flowKey, status: "replaced" }],
      replaced,
    );
  };

  const isIdle = async (record: ConversationRecord, now: Date): Promise<boolean> => {
    const { state } = record;
    // A survey cxbot sent waits for its first answer until `expiresAt` (reminders go out meanwhile).
    if (state.expiresAt !== undefined && state.answers.length === 0)
      return Date.parse(state.expiresAt) < now.getTime();
    const flow = await flowOf(state);
    return Date.parse(state.updatedAt) + flow.idleMinutes * 60_000 < now.getTime();
  };

  const expireRecord = async (record: ConversationRecord, now: Date): Promise<void> => {
    const outcome = expireConversation(record.state, now);
    const expired = { ...record, rev: record.rev + 1, state: outcome.state };
    await finish(expired, record.rev);
    emit(outcome.events, expired);
  };

  const localeFor = async (ref: RespondentRef, explicit?: Locale): Promise<Locale> => {
    if (explicit) return explicit;
    const profile = await stores.respondents.get(respondentKey(ref));
    return profile?.locale ?? profile?.lastLocale ?? matchLocale(ref.languageTag) ?? deps.defaultLocale;
  };

  /** The reply to return for an event already applied: owed when its delivery was never confirmed. */
  const redelivery = async (record: ConversationRecord, event: InboundEvent): Promise<HandleResult> => {
    const { eventId } = event;
    const outbox = record.outbox;
    if (outbox?.eventId !== eventId) return { status: "duplicate", messages: [] };
    const receipt = receiptOf(record.state.id, eventId);
    // A young reply is most likely still on its way (a double tap, a retry while the first is being answered):
    // sending it again would show the question twice. If its sender died, the sweep after a start sends it.
    // Not so a survey sent on cxbot's initiative: its start comes again only from a new run of its send job,
    // under a new lease, so the run that saved it is over (it died before the question went out).
    const resent = event.input.type === "start" && event.input.sendId !== undefined;
    const young = !resent && clock().getTime() - Date.parse(record.state.updatedAt) < OWED_GRACE_MS;
    if (young || confirmed.has(receipt) || (await stores.events.has(receipt))) {
      return { status: "duplicate", messages: [] };
    }
    const question = currentQuestion(await flowOf(record.state), record.state);
    if (!question) return { status: "duplicate", messages: [] };
    return {
      status: "owed",
      messages: [question],
      receipt,
      conversationId: record.state.id,
      locale: record.state.locale,
    };
  };

  const start = async (
    event: InboundEvent,
    input: {
      flowKey?: string;
      reference?: string;
      locale?: Locale;
      properties?: Readonly<Record<string, string>>;
      sendId?: string;
      expiresAt?: string;
      onlyIfIdle?: boolean;
      test?: boolean;
      version?: number;
    },
    active: ConversationRecord | null,
    now: Date,
  ): Promise<HandleResult> => {
    if (input.onlyIfIdle && active) return { status: "no-survey", messages: [] };
    const key = respondentKey(event.respondent);
    const flowKey = input.flowKey ?? deps.defaultFlow;
    // An admin may try a disabled flow; nobody else may start one.
    const startable = input.test
      ? await (input.version === undefined ? flows.latest(flowKey) : flows.get(flowKey, input.version)).then(
          (f) => (f ? { flow: f } : { reason: "unknown" as const }),
        )
      : await flows.startable(flowKey);
    const locale = await localeFor(event.respondent, input.locale ?? active?.state.locale);
    if (!("flow" in startable)) {
      const text =
        startable.reason === "disabled"
          ? t(locale, "flowPaused")
          : t(locale, "unknownFlow", { flow: cutText(flowKey, 40) });
      return { status: "handled", messages: [notice(locale, text)] };
    }
    const { flow } = startable;
    if (active) {
      if (
        active.state.flowKey === flow.key &&
        (active.state.test === true) === (input.test === true) &&
        (input.reference ?? active.state.reference) === active.state.reference &&
        (input.locale === undefined || input.locale === active.state.locale)
      ) {
        // No write tells us if this read was behind another process: check, as for any reply without a write.
        const newest = await stores.conversations.getActive(key, { fresh: true });
        if (newest?.rev !== active.rev || newest.state.id !== active.state.id) throw new Conflict();
        const question = currentQuestion(await flowOf(active.state), active.state);
        await stores.events.remember([event.eventId], now);
        return {
          status: "handled",
          messages: [
            notice(active.state.locale, t(active.state.locale, "resumed")),
            ...(question ? [question] : []),
          ],
          conversationId: active.state.id,
          locale: active.state.locale,
        };
      }
      await replaceRecord(active, now);
    }
    const outcome = startConversation(
      flow,
      {
        id: newId(),
        respondent: event.respondent,
        locale,
        ...(input.reference === undefined ? {} : { reference: input.reference }),
        ...(input.properties === undefined ? {} : { properties: input.properties }),
        ...(input.sendId === undefined ? {} : { sendId: input.sendId }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        ...(event.sequence === undefined ? {} : { startSequence: event.sequence }),
        ...(input.test ? { test: true } : {}),
      },
      now,
    );
    const record = withOutbox(
      {
        key,
        rev: 1,
        state: outcome.state,
        recentEventIds: [event.eventId],
        transcript: outcome.messages.map((m) => entry("out", m.text, now)),
      },
      event.eventId,
      outcome.messages,
    );
    // Counted on its start day (the rollups' conversation counters), recorded on the run before it is saved.
    const counted = activityChanges(null, outcome.state, flow);
    await rollups.prepare(counted);
    if ((await stores.conversations.create(record)) === "conflict") throw new Conflict();
    rollups.add(counted);
    await stores.events.remember([event.eventId], now);
    await stores.respondents.touchSurveyed(event.respondent, now, locale);
    if (outcome.state.status !== "active") await finish(record, null);
    emit(outcome.events, record);
    return {
      status: "handled",
      messages: input.test ? [notice(locale, t(locale, "testMode")), ...outcome.messages] : outcome.messages,
      conversationId: outcome.state.id,
      locale,
      ...(record.outbox ? { receipt: receiptOf(outcome.state.id, event.eventId) } : {}),
    };
  };

  /** What a typed line means: a start, a command, an admin command or an answer. */
  const intentOf = (event: InboundEvent, locale: Locale): TextIntent | undefined =>
    event.input.type === "text" ? parseText(event.input.text, locale) : undefined;

  const toEngineInput = (event: InboundEvent, intent: TextIntent | undefined): EngineInput | "invalid" => {
    switch (event.input.type) {
      case "text":
        if (intent?.type === "command") {
          return {
            type: "command",
            command: intent.command,
            ...(intent.argument === undefined ? {} : { argument: intent.argument }),
          };
        }
        // An admin command is never an answer; until admin commands are served, the neutral reply is the help.
        if (intent?.type === "admin") return { type: "command", command: "help" };
        // Platforms cap messages far below this; anything longer is hostile or broken input.
        return { type: "text", text: cutText(event.input.text, MAX_INBOUND_TEXT) };
      case "command":
        return {
          type: "command",
          command: event.input.command,
          ...(event.input.argument === undefined ? {} : { argument: event.input.argument }),
        };
      case "choice": {
        const decoded = decodePayload(event.input.payload);
        return decoded.ok ? { type: "button", payload: decoded.value } : "invalid";
      }
      case "start":
        return "invalid";
      default: {
        const never: never = event.input;
        throw new Error(`unhandled input ${JSON.stringify(never)}`);
      }
    }
  };

  const inboundText = (event: InboundEvent, outcome: StepOutcome): string => {
    switch (event.input.type) {
      case "text":
        return event.input.text;
      case "choice":
        return outcome.answered ? `[${outcome.answered.label}]` : `[${event.input.payload}]`;
      case "command":
        return `/${event.input.command}${event.input.argument ? ` ${event.input.argument}` : ""}`;
      case "start":
        return "/start";
      default: {
        const never: never = event.input;
        throw new Error(`unhandled input ${JSON.stringify(never)}`);
      }
    }
  };

  /** A respondent with no survey in progress: a language choice, help, a message for support, or a notice. */
  const idle = async (
    event: InboundEvent,
    intent: TextIntent | undefined,
    expiredNotice: boolean,
    now: Date,
  ): Promise<HandleResult> => {
    if (await stores.events.has(event.eventId)) return { status: "duplicate", messages: [] };
    const input = event.input;
    const locale = await localeFor(event.respondent);
    const stale = input.type === "choice";
    if (input.type === "choice") {
      // A language button outside a survey still sets the respondent's language.
      const decoded = decodePayload(input.payload);
      if (decoded.ok && decoded.value.kind === "language") {
        await stores.respondents.setLocale(event.respondent, decoded.value.locale);
        const l = decoded.value.locale;
        return { status: "handled", messages: [notice(l, t(l, "languageChanged"))], locale: l };
      }
    }
    const command =
      intent?.type === "command"
        ? intent
        : input.type === "command"
          ? { command: input.command, argument: input.argument }
          : undefined;
    // With no survey to stop, `/stop` means "stop sending me surveys": an explicit opt-out. Only the command
    // itself (typed with its slash, or the platform's command), never a bare word like "cancel" in a chat.
    const explicitStop =
      command?.command === "stop" &&
      (input.type === "command" || (input.type === "text" && /^\s*\//.test(input.text)));
    if (explicitStop) {
      await stores.respondents.setOptedOut(event.respondent, true);
      await stores.events.remember([event.eventId], now);
      return { status: "handled", messages: [notice(locale, t(locale, "optedOut"))], locale };
    }
    if (command?.command === "language") {
      // Outside a survey too: `/language fa` sets it, a bare `/language` offers the choice.
      const chosen = command.argument === undefined ? undefined : resolveLanguage(command.argument);
      await stores.events.remember([event.eventId], now);
      if (chosen === undefined) return { status: "handled", messages: [languageMenu(locale)], locale };
      await stores.respondents.setLocale(event.respondent, chosen);
      return {
        status: "handled",
        messages: [notice(chosen, t(chosen, "languageChanged"))],
        locale: chosen,
      };
    }
    if (input.type === "text" && intent?.type === "text" && deps.forward) {
      // Claimed before it is handed on, so a redelivery (or a second worker) never forwards it twice.
      if (!(await stores.events.claim(event.eventId, now))) return { status: "duplicate", messages: [] };
      let forwarded: boolean;
      try {
        forwarded = await deps.forward(event.respondent, cutText(input.text, MAX_INBOUND_TEXT));
      } catch (error) {
        // Not handed on: a redelivery must be able to try again.
        await stores.events.forget(event.eventId);
        throw error;
      }
      if (forwarded) return { status: "handled", messages: [notice(locale, t(locale, "forwarded"))], locale };
    }
    const text =
      command?.command === "help"
        ? t(locale, "help")
        : stale
          ? t(locale, "stale")
          : t(locale, expiredNotice ? "expired" : "noSurvey");
    return { status: "no-survey", messages: [notice(locale, text)], stale, locale };
  };

  /**
   * Ends the respondent's conversation in progress (kept in the rollups, raising no alert) and erases everything
   * every store keeps about them. Runs in the respondent's queue.
   */
  const eraseLocked = async (
    ref: RespondentRef,
    registry: PrivacyRegistry,
    active: ConversationRecord | null,
    now: Date,
  ): Promise<ErasureReport> => {
    const current = active ?? (await stores.conversations.getActive(respondentKey(ref), { fresh: true }));
    if (current) {
      if (current.state.status === "active") {
        const state: ConversationState = {
          ...current.state,
          status: "stopped",
          stepId: null,
          endedAt: now.toISOString(),
        };
        await finish({ ...current, rev: current.rev + 1, state }, current.rev);
      } else await stores.conversations.archive(current);
    }
    // Receipts waiting to be written name their conversations: written now, so nothing lands after the erase.
    await writeReceipts();
    return registry.erase(subjectOf(ref));
  };

  /**
   * `/forget` and its confirmation (buttons, or a typed yes/no while the question is open), before anything
   * else reads the input; undefined when the event is neither.
   */
  const privacyStep = async (
    event: InboundEvent,
    active: ConversationRecord | null,
    now: Date,
  ): Promise<HandleResult | undefined> => {
    const registry = deps.privacy;
    if (!registry) return undefined;
    const input = event.input;
    const reading = active?.state.locale ?? deps.defaultLocale;
    let step: "ask" | "yes" | "no" | undefined;
    const pseudonym = subjectOf(event.respondent).pseudonym;
    const hour = Math.floor(now.getTime() / 3_600_000);
    const markers = Array.from({ length: FORGET_ASK_HOURS + 1 }, (_, i) => forgetMarker(pseudonym, hour - i));
    if (input.type === "command") step = input.command === "forget" ? "ask" : undefined;
    else if (input.type === "choice") {
      const decoded = decodePayload(input.payload);
      if (decoded.ok && decoded.value.kind === "forget") step = decoded.value.erase ? "yes" : "no";
    } else if (input.type === "text") {
      const intent = parseText(input.text, reading);
      if (intent.type === "command" && intent.command === "forget") step = "ask";
      else {
        // Only a whole yes or no costs a lookup, and only while the question is open.
        const answer = parseConfirmation(input.text, reading);
        if (answer !== undefined) {
          const open = await Promise.all(markers.map((m) => stores.events.has(m)));
          if (open.some(Boolean)) step = answer;
        }
      }
    }
    if (step === undefined) return undefined;
    if (!(await stores.events.claim(event.eventId, now))) return { status: "duplicate", messages: [] };
    const locale = active?.state.locale ?? (await localeFor(event.respondent));
    if (step === "ask") {
      await stores.events.remember([forgetMarker(pseudonym, hour)], now);
      return { status: "handled", messages: [forgetQuestion(locale)], locale };
    }
    for (const m of markers) await stores.events.forget(m);
    if (step === "no")
      return { status: "handled", messages: [notice(locale, t(locale, "forgetKept"))], locale };
    await eraseLocked(event.respondent, registry, active, now);
    return { status: "handled", messages: [notice(locale, t(locale, "forgotten"))], locale };
  };

  const attempt = async (event: InboundEvent): Promise<HandleResult> => {
    const now = clock();
    const key = respondentKey(event.respondent);
    let active = await stores.conversations.getActive(key);
    if (active?.recentEventIds.includes(event.eventId)) return redelivery(active, event);
    const privacy = await privacyStep(event, active, now);
    if (privacy) return privacy;
    // A redelivered event from before this conversation began (an answer to the previous survey) is not an
    // answer to this one.
    const since = active?.state.startSequence;
    if (since !== undefined && event.sequence !== undefined && event.sequence < since) {
      return { status: "duplicate", messages: [] };
    }
    if (active && active.state.status !== "active") {
      // A crash between saving the end and archiving: finish the job.
      await stores.conversations.archive(active);
      active = null;
    }
    let expiredNotice = false;
    if (active && (await isIdle(active, now))) {
      await expireRecord(active, now);
      active = null;
      expiredNotice = true;
    }

    const input = event.input;
    const intent = intentOf(event, active?.state.locale ?? deps.defaultLocale);
    const startInput =
      input.type === "start"
        ? input
        : intent?.type === "start" && !(intent.word && active)
          ? intent
          : undefined;
    if (startInput !== undefined) {
      // Checked here, recorded only once the start has succeeded: a start that lost a race is retried, not dropped.
      if (await stores.events.has(event.eventId)) return { status: "duplicate", messages: [] };
      return start(event, startInput, active, now);
    }

    if (!active) return idle(event, intent, expiredNotice, now);

    const flow = await flowOf(active.state);
    const engineInput = toEngineInput(event, intent);
    const outcome: StepOutcome =
      engineInput === "invalid"
        ? {
            state: active.state,
            messages: [notice(active.state.locale, t(active.state.locale, "stale"))],
            events: [],
            stale: true,
          }
        : applyInput(flow, active.state, engineInput, { analyzer, now });

    if (outcome.restart) {
      await replaceRecord(active, now);
      return start(
        event,
        {
          flowKey: active.state.flowKey,
          locale: active.state.locale,
          ...(active.state.reference === undefined ? {} : { reference: active.state.reference }),
          // The same survey again: what it was sent with stays with it.
          ...(active.state.properties === undefined ? {} : { properties: active.state.properties }),
          ...(active.state.sendId === undefined ? {} : { sendId: active.state.sendId }),
        },
        null,
        now,
      );
    }
    const base = {
      conversationId: active.state.id,
      locale: outcome.state.locale,
      ...(outcome.answered ? { answered: outcome.answered } : {}),
      ...(outcome.stale ? { stale: true } : {}),
    };
    if (outcome.state === active.state) {
      // Nothing changed (a stale button, help): no write, so no conflict would tell us we read an old revision.
      const newest = await stores.conversations.getActive(key, { fresh: true });
      if (newest?.rev !== active.rev || newest.state.id !== active.state.id) throw new Conflict();
      return { status: "handled", messages: outcome.messages, ...base };
    }
    const record = withOutbox(
      {
        key,
        rev: active.rev + 1,
        state: outcome.state,
        recentEventIds: [...active.recentEventIds, event.eventId].slice(-RECENT_EVENT_IDS),
        transcript: appendTranscript(active.transcript, [
          entry("in", inboundText(event, outcome), now, event.messageId),
          ...outcome.messages.map((m) => entry("out", m.text, now)),
        ]),
      },
      event.eventId,
      outcome.messages,
    );
    const recorded = outcome.state.answers.slice(active.state.answers.length);
    const increments = [
      ...(recorded.length > 0 ? rollupIncrements({ ...outcome.state, answers: recorded }, flow) : []),
      ...activityChanges(active.state, outcome.state, flow),
    ];
    // Before the save: once saved, the answers count, and a crash before their flush must be repaired.
    await rollups.prepare(increments);
    if (outcome.state.status === "active") {
      if ((await stores.conversations.update(record, active.rev)) === "conflict") throw new Conflict();
    } else {
      await finish(record, active.rev);
    }
    if (outcome.state.locale !== active.state.locale)
      await stores.respondents.setLocale(event.respondent, outcome.state.locale);
    if (increments.length > 0) rollups.add(increments);
    emit(outcome.events, record);
    return {
      status: "handled",
      messages: outcome.messages,
      ...base,
      ...(record.outbox && outcome.state.status === "active"
        ? { receipt: receiptOf(outcome.state.id, event.eventId) }
        : {}),
    };
  };

  const handle = async (event: InboundEvent): Promise<HandleResult> => {
    if (closing) throw new CxError("STORE_UNAVAILABLE", "the survey service is shutting down");
    return queue.run(respondentKey(event.respondent), () =>
      semaphore.run(async () => {
        for (let i = 1; ; i++) {
          try {
            return await attempt(event);
          } catch (error) {
            if (!(error instanceof Conflict) || i >= MAX_ATTEMPTS) {
              if (error instanceof Conflict) {
                throw new CxError("STORE_CONFLICT", `gave up after ${MAX_ATTEMPTS} conflicting writes`);
              }
              throw error;
            }
          }
        }
      }),
    );
  };

  /**
   * Where the next sweep starts when the last one found a full page: surveys sent on cxbot's initiative wait
   * days for an answer, and a sweep must move past them to reach the ones that did expire.
   */
  let sweepAfter: Date | undefined;
  const expireIdle = async (): Promise<number> => {
    const now = clock();
    const idle = await stores.conversations.listIdle(
      new Date(now.getTime() - 60_000),
      SWEEP_PAGE,
      sweepAfter === undefined ? undefined : { after: sweepAfter },
    );
    sweepAfter =
      idle.length < SWEEP_PAGE
        ? undefined
        : new Date(Math.max(...idle.map((c) => Date.parse(c.state.updatedAt))));
    let expired = 0;
    for (const candidate of idle) {
      await queue.run(candidate.key, () =>
        semaphore.run(async () => {
          const current = await stores.conversations.getActive(candidate.key);
          if (!current || current.state.id !== candidate.state.id) return;
          if (current.state.status !== "active") {
            await stores.conversations.archive(current);
            return;
          }
          if (!(await isIdle(current, now))) return;
          try {
            await expireRecord(current, now);
            expired++;
          } catch (error) {
            // One conversation that cannot be expired now must not stop the sweep; it is tried again next time.
            if (!(error instanceof Conflict)) deps.onError?.(error);
          }
        }),
      );
    }
    return expired;
  };

  const appendLines = async (
    ref: RespondentRef,
    conversationId: string,
    lines: readonly { direction: "in" | "out"; text: string }[],
  ): Promise<void> => {
    const key = respondentKey(ref);
    await queue.run(key, () =>
      semaphore.run(async () => {
        for (let i = 1; ; i++) {
          const now = clock();
          const added = lines.map((l) => entry(l.direction, l.text, now));
          const active = await stores.conversations.getActive(key, { fresh: true });
          if (active?.state.id !== conversationId) {
            await stores.responses.appendTranscript(conversationId, added);
            return;
          }
          const record = {
            ...active,
            rev: active.rev + 1,
            transcript: appendTranscript(active.transcript, added),
          };
          if ((await stores.conversations.update(record, active.rev)) === "ok") return;
          if (i >= MAX_ATTEMPTS)
            throw new CxError("STORE_CONFLICT", `gave up after ${MAX_ATTEMPTS} conflicting writes`);
        }
      }),
    );
  };

  const resendOwed = async (
    deliver: (to: RespondentRef, messages: readonly OutboundMessage[]) => Promise<void>,
    options: { withinMs?: number; olderThanMs?: number; channels?: readonly Channel[] } = {},
  ): Promise<number> => {
    const now = clock().getTime();
    const candidates = await stores.conversations.listIdle(
      new Date(now - (options.olderThanMs ?? OWED_GRACE_MS)),
      1000,
      { after: new Date(now - (options.withinMs ?? 24 * 3_600_000)) },
    );
    let sent = 0;
    for (const record of candidates) {
      const outbox = record.outbox;
      if (!outbox || record.state.status !== "active") continue;
      if (options.channels && !options.channels.includes(record.state.respondent.channel)) continue;
      const receipt = receiptOf(record.state.id, outbox.eventId);
      if (confirmed.has(receipt) || (await stores.events.has(receipt))) continue;
      const question = currentQuestion(await flowOf(record.state), record.state);
      if (!question) continue;
      try {
        await deliver(record.state.respondent, [question]);
      } catch (error) {
        deps.onError?.(error);
        continue;
      }
      confirmed.set(receipt, true);
      receipts.push(receipt);
      sent++;
    }
    await writeReceipts();
    return sent;
  };

  let inFlight = 0;
  const tracked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      inFlight++;
      try {
        return await fn(...args);
      } finally {
        inFlight--;
      }
    };

  return {
    handle: tracked(handle),
    expireIdle: tracked(expireIdle),
    async activeConversation(ref) {
      const active = await stores.conversations.getActive(respondentKey(ref), { fresh: true });
      return active && active.state.status === "active"
        ? {
            conversationId: active.state.id,
            flowKey: active.state.flowKey,
            ...(active.state.sendId === undefined ? {} : { sendId: active.state.sendId }),
          }
        : null;
    },
    appendTranscript: tracked(appendLines),
    reminderFor: tracked(async (ref: RespondentRef, conversationId: string) => {
      const active = await stores.conversations.getActive(respondentKey(ref), { fresh: true });
      if (active?.state.id !== conversationId || active.state.status !== "active") return null;
      if (active.state.answers.length > 0 || (await isIdle(active, clock()))) return null;
      return currentQuestion(await flowOf(active.state), active.state) ?? null;
    }),
    delivered(receipt) {
      if (confirmed.has(receipt)) return;
      confirmed.set(receipt, true);
      receipts.push(receipt);
    },
    resendOwed: tracked(resendOwed),
    erase: tracked(async (ref: RespondentRef) => {
      const registry = deps.privacy;
      if (!registry) return null;
      return queue.run(respondentKey(ref), () =>
        semaphore.run(() => eraseLocked(ref, registry, null, clock())),
      );
    }),
    async flush() {
      await Promise.all([rollups.flush(), writeReceipts()]);
    },
    async close() {
      closing = true;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      clearInterval(receiptTimer);
      await Promise.all([rollups.close(), writeReceipts()]);
    },
  };
}
