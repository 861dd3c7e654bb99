import type { Locale } from "../locale.ts";
import type { Answer, ConversationStatus, RespondentRef } from "../types.ts";

/** One answer as recorded: when, and in which locale, so rollups and recomputations agree. */
export interface RecordedAnswer {
  readonly stepId: string;
  readonly answer: Answer;
  /** ISO 8601 instant. */
  readonly at: string;
  readonly locale: Locale;
}

/**
 * Where a conversation stands: plain data, saved as is. The engine's functions take a state and return a new
 * one; they never mutate and never do I/O.
 */
export interface ConversationState {
  /** Unique id of this conversation (one survey attempt), kept in the response archive. */
  readonly id: string;
  readonly respondent: RespondentRef;
  readonly flowKey: string;
  /** The flow version pinned at start: editing a flow never breaks a conversation in flight. */
  readonly flowVersion: number;
  readonly locale: Locale;
  readonly reference?: string;
  /** Strings the sender attached (order id, agent, product, touchpoint), kept with the response for reports. */
  readonly properties?: Readonly<Record<string, string>>;
  /** The survey send (`sv_…`) that started it, when cxbot started it on its own initiative. */
  readonly sendId?: string;
  /**
   * Until its first answer, a conversation cxbot started expires at this instant (ISO 8601) instead of after
   * the flow's idle time, so reminders have time to work; after an answer, the idle time applies again.
   */
  readonly expiresAt?: string;
  /** The platform sequence number of the event that started it, where the platform has one. */
  readonly startSequence?: number;
  readonly status: ConversationStatus;
  /** The question waiting for an answer; null once the conversation is over. */
  readonly stepId: string | null;
  /** Answers by step id, in the order given. */
  readonly answers: readonly RecordedAnswer[];
  /** Consecutive unusable answers to the current question (after three, skipping is offered). */
  readonly failures: number;
  /** Options ticked so far on a multiple-choice question. */
  readonly selection: readonly string[];
  /**
   * Set on conversations whose buttons carry the conversation's tag (payload version 2): an untagged button
   * can then only be a leftover from an older survey. Conversations stored before the tags lack it.
   */
  readonly taggedButtons?: true;
  /** An admin's trial run (`/cx try`): it counts in no score and raises no alert. */
  readonly test?: true;
  /** Alert rules that have fired, so each fires at most once per conversation. */
  readonly alertsFired: readonly string[];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
}

export function answerOf(state: ConversationState, stepId: string): RecordedAnswer | undefined {
  for (let i = state.answers.length - 1; i >= 0; i--) {
    const a = state.answers[i];
    if (a?.stepId === stepId) return a;
  }
  return undefined;
}
