import type { Locale } from "./locale.ts";
import type { SurveyService } from "./service.ts";
import type { OutboundMessage, RespondentRef } from "./types.ts";

/**
 * What cxbot does for a respondent on its own initiative, rather than in reply to them: used by the alert
 * service (support's reply, the recovery survey), and by the HTTP API and admin commands. Written once here;
 * the platform a respondent uses is reached through the {@link Messenger} the app wires to its adapters.
 */

/** Reaches a respondent on the platform they answered on. Rejects when the platform cannot. */
export interface Messenger {
  deliver(to: RespondentRef, messages: readonly OutboundMessage[]): Promise<void>;
}

/** What to start for a respondent. */
export interface SurveyRequest {
  readonly flowKey: string;
  readonly locale?: Locale;
  /** Kept with the answers (an order number). */
  readonly reference?: string;
  /** Kept with the conversation and its response: segments for reports (order id, agent, product). */
  readonly properties?: Readonly<Record<string, string>>;
  /** The survey send (`sv_…`) this request carries out. */
  readonly sendId?: string;
  /** Until its first answer, the conversation expires at this time instead of after the flow's idle time. */
  readonly expiresAt?: Date;
  /** Unique per request, so a repeated request starts nothing twice. */
  readonly requestId: string;
  /** Start only when the respondent has no survey in progress (a survey they did not ask for). */
  readonly onlyIfIdle?: boolean;
  /** An admin's trial run: nothing counts in the scores, no alert (`/cx try`). */
  readonly test?: boolean;
  /** With `test`: a stored version other than the live one (the admin's draft). */
  readonly version?: number;
}

/** `sent`: started and delivered; `busy`: the respondent is in another survey; `undeliverable`: started, but
 * the platform refused the question, so the survey was stopped again; `unknown-flow`. */
export type SurveyRequestResult =
  | { readonly status: "sent"; readonly conversationId: string }
  | { readonly status: "busy" | "unknown-flow" | "duplicate" }
  | { readonly status: "undeliverable"; readonly error: unknown };

export interface Operations {
  /** Starts a survey for a respondent and sends its first question. */
  startSurvey(to: RespondentRef, request: SurveyRequest): Promise<SurveyRequestResult>;
  /** Sends messages to a respondent. Rejects when their platform cannot be reached. */
  deliver(to: RespondentRef, messages: readonly OutboundMessage[]): Promise<void>;
  /** Adds lines that happened outside the survey to a conversation's transcript (in progress or archived). */
  appendTranscript(
    to: RespondentRef,
    conversationId: string,
    lines: readonly { direction: "in" | "out"; text: string }[],
  ): Promise<void>;
}

export function createOperations(deps: {
  readonly survey: SurveyService;
  readonly messenger: Messenger;
  readonly clock?: () => Date;
}): Operations {
  const { survey, messenger } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async startSurvey(to, request) {
      const started = await survey.handle({
        eventId: `op:${request.requestId}`,
        respondent: to,
        input: {
          type: "start",
          flowKey: request.flowKey,
          ...(request.locale === undefined ? {} : { locale: request.locale }),
          ...(request.reference === undefined ? {} : { reference: request.reference }),
          ...(request.properties === undefined ? {} : { properties: request.properties }),
          ...(request.sendId === undefined ? {} : { sendId: request.sendId }),
          ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt.toISOString() }),
          ...(request.onlyIfIdle ? { onlyIfIdle: true } : {}),
          ...(request.test ? { test: true } : {}),
          ...(request.test && request.version !== undefined ? { version: request.version } : {}),
        },
        receivedAt: clock(),
      });
      if (started.status === "duplicate") return { status: "duplicate" };
      if (started.status === "no-survey") return { status: "busy" };
      if (started.conversationId === undefined) return { status: "unknown-flow" };
      try {
        await messenger.deliver(to, started.messages);
        if (started.receipt) survey.delivered(started.receipt);
        return { status: "sent", conversationId: started.conversationId };
      } catch (error) {
        // Unseen, it would take the respondent's next message as its answer: end it.
        await survey.handle({
          eventId: `op:${request.requestId}:stop`,
          respondent: to,
          input: { type: "command", command: "stop" },
          receivedAt: clock(),
        });
        return { status: "undeliverable", error };
      }
    },
    deliver: (to, messages) => messenger.deliver(to, messages),
    appendTranscript: (to, conversationId, lines) => survey.appendTranscript(to, conversationId, lines),
  };
}
