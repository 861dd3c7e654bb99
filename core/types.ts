import type { CommandName } from "./commands.ts";
import type { Band, ScaleName } from "./flow/schema.ts";
import type { Locale } from "./locale.ts";
import type { SentimentLabel, SentimentResult } from "./sentiment/types.ts";

/**
 * The contract between the conversation core and the platform adapters.
 * Adapters turn platform updates into {@link InboundEvent}s, hand them to the survey service and render the
 * {@link OutboundMessage}s it returns with native buttons. They hold no survey logic.
 */

/** The platforms a respondent can answer on. */
export type Channel = "console" | "telegram" | "slack" | "discord";

/** Who is answering, as the platform identifies them. `userId` is stable per platform. */
export interface RespondentRef {
  readonly channel: Channel;
  readonly userId: string;
  /** Where replies go when it differs from the user (a DM channel id, a Telegram chat id). */
  readonly chatId?: string;
  readonly displayName?: string;
  /** The platform's language tag for the user (`fa-IR`, `tr`), used when nothing better is known. */
  readonly languageTag?: string;
}

export type { CommandName } from "./commands.ts";

/** What the respondent did. */
export type InboundInput =
  /** Start (or resume) a survey: a flow key and an optional reference kept with the conversation. */
  | {
      readonly type: "start";
      readonly flowKey?: string;
      readonly reference?: string;
      readonly locale?: Locale;
      /** Kept with the conversation and its response (order id, agent…): report segments. */
      readonly properties?: Readonly<Record<string, string>>;
      /** The survey send that starts it (cxbot's own initiative; see core/sending/). */
      readonly sendId?: string;
      /** Until its first answer the conversation expires at this ISO instant rather than by idle time. */
      readonly expiresAt?: string;
      /** Start only when the respondent has no survey in progress (a survey sent by support, not asked for). */
      readonly onlyIfIdle?: boolean;
      /** An admin trying the flow (`/cx try`): nothing counts in the scores, no alert is raised. */
      readonly test?: boolean;
      /** With `test`: this stored version instead of the live one (an admin trying their draft). */
      readonly version?: number;
    }
  /** A button press; `payload` is the raw, untrusted string the adapter got back from the platform. */
  | { readonly type: "choice"; readonly payload: string }
  /** Typed text, possibly a number, a number word, an emoji or a command word. */
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "command"; readonly command: CommandName; readonly argument?: string };

/** One thing the respondent did, with the platform's id for it (used to ignore redeliveries). */
export interface InboundEvent {
  /** Unique per channel: Telegram update id, Slack event id, Discord interaction id… */
  readonly eventId: string;
  readonly respondent: RespondentRef;
  readonly input: InboundInput;
  /** Platform message id of the inbound message, kept in the transcript. */
  readonly messageId?: string;
  /**
   * Where the platform numbers its events in order (Telegram's `update_id`): a redelivered event older than
   * the respondent's current conversation is then recognised without a database lookup.
   */
  readonly sequence?: number;
  readonly receivedAt: Date;
}

/**
 * What pressing a choice does, so an adapter can lay choices out without reading payloads: `answer` (a value of
 * the question), `done` (finish a multiple choice), `skip`, `language` (switch to a language), `command`.
 */
export type ChoiceRole = "answer" | "done" | "skip" | "language" | "command";

/** A button the adapter renders. `payload` is compact (≤ 64 bytes) and must come back unchanged. */
export interface Choice {
  readonly payload: string;
  readonly label: string;
  readonly role: ChoiceRole;
}

/** How the adapter should lay out choices: a scale fits in rows of short buttons, a list one per row. */
export type ChoiceLayout = "scale" | "list";

/** A message for the respondent, already localized. */
export interface OutboundMessage {
  /** `question`: waits for an answer; `info`: a step or notice; `end`: the conversation is over. */
  readonly kind: "question" | "info" | "notice" | "end";
  readonly text: string;
  readonly locale: Locale;
  /** True for fa and ar: the adapter sets direction and orders scale buttons accordingly. */
  readonly rtl: boolean;
  readonly choices?: readonly Choice[];
  readonly layout?: ChoiceLayout;
  /** The question accepts typed text (free text, or a typed number for a rating). */
  readonly expectsText: boolean;
  /** The step this message belongs to, so an adapter can edit it once answered. */
  readonly stepId?: string;
  /** For a question just answered: what the respondent chose, so the adapter can edit the old question. */
  readonly answeredLabel?: string;
}

/** One line of the conversation as it happened. */
export interface TranscriptEntry {
  readonly direction: "in" | "out";
  readonly text: string;
  /** ISO 8601 instant. */
  readonly at: string;
  /** The platform's id for the message, when it has one. */
  readonly messageId?: string;
}

/** A recorded answer to one step. */
export type Answer =
  | {
      readonly type: "rating";
      readonly value: number;
      readonly scale: ScaleName | "custom";
      readonly band?: Band;
      readonly sentiment: SentimentLabel;
    }
  | { readonly type: "choice"; readonly optionIds: readonly string[] }
  | {
      readonly type: "text";
      /** Trimmed and capped to the step's `maxLength`. */
      readonly text: string;
      /** The full text as sent, when it was longer than `text`. */
      readonly original?: string;
      readonly sentiment: SentimentResult;
      /**
       * How the customer's score of this conversation bore on the reading: `prior` — the text alone read neutral
       * and the score was low, so it counts as a complaint; `disagrees` — the text reads negative after a high
       * score (or positive after a low one), which support should see. Absent when the score and text agree.
       */
      readonly score?: "prior" | "disagrees";
    }
  | { readonly type: "skipped" };

/** Why a conversation is over. */
export type ConversationStatus = "active" | "completed" | "stopped" | "expired" | "replaced";

/** What an alert needs to know about a conversation whose alert rules fired. */
export interface AlertedConversation {
  readonly flowVersion: number;
  /** The alert rules that fired. */
  readonly rules: readonly string[];
  readonly respondent: RespondentRef;
  readonly locale: Locale;
  readonly reference?: string;
  /** The answers by step id. */
  readonly answers: Readonly<Record<string, Answer>>;
  /** The conversation's last lines. */
  readonly transcript: readonly TranscriptEntry[];
}

/** Things the core tells the rest of the system about, after they have been saved. */
export type DomainEvent =
  | {
      readonly type: "answer.recorded";
      readonly conversationId: string;
      readonly flowKey: string;
      readonly stepId: string;
      readonly answer: Answer;
    }
  | {
      readonly type: "conversation.ended";
      readonly conversationId: string;
      readonly flowKey: string;
      readonly status: Exclude<ConversationStatus, "active">;
      /** Set when cxbot started the conversation on its own initiative: the survey send (`sv_…`). */
      readonly sendId?: string;
      /** With `sendId`: how many answers it ended with (an expired one with answers is a partial response). */
      readonly answered?: number;
      /**
       * Set by the survey service when alert rules fired during the conversation, so an alert can show how
       * it ended: the rules, the final answers by step id and the last transcript lines.
       */
      readonly alerted?: AlertedConversation;
    }
  | {
      readonly type: "alert.due";
      readonly conversationId: string;
      readonly flowKey: string;
      readonly flowVersion: number;
      readonly alertId: string;
      readonly route?: string;
      readonly respondent: RespondentRef;
      readonly locale: Locale;
      readonly reference?: string;
      /** The answers so far, by step id, including the one that triggered the alert. */
      readonly answers: Readonly<Record<string, Answer>>;
      /** The conversation's last lines, attached by the survey service once the answer is saved. */
      readonly transcript?: readonly TranscriptEntry[];
    };
