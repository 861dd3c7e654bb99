import type { AdminAttachment, AdminMessage, AdminRequest, AdminService } from "../../core/admin/types.ts";
import { BoundedMap } from "../../core/bounded-map.ts";
import { t } from "../../core/i18n/messages.ts";
import { type Locale, matchLocale, RTL_LOCALES } from "../../core/locale.ts";
import { CxError } from "../../core/result.ts";
import type { HandleResult, SurveyService } from "../../core/service.ts";
import type { InboundEvent, OutboundMessage } from "../../core/types.ts";
import type { Logger } from "../logger.ts";
import { adminRequestOf, asOutbound } from "./admin.ts";

/**
 * How a platform shows survey messages: the few native calls the {@link Responder} needs. `Ref` is the
 * platform's handle on a sent message (a Telegram message id, a Slack ts).
 */
export interface SurveySurface<Ref> {
  /**
   * Sends one message to a chat (splitting text at the platform's limit, buttons on the last part); returns the
   * handle of the part that carries the buttons, if any.
   */
  post(chat: string, message: OutboundMessage): Promise<Ref | undefined>;
  /** Shows an answered question closed: its text and the answer, without buttons. Absent: no edits. */
  closeAnswered?(chat: string, ref: Ref, questionText: string, label: string): Promise<void>;
  /** Takes the buttons off a question pressed after it was answered. Absent: no edits. */
  closeStale?(chat: string, ref: Ref, questionText: string, notice: string): Promise<void>;
  /**
   * Sends an admin reply that carries a file (an exported flow) as the platform's attachment. Absent: the file's
   * text follows the reply as a message.
   */
  postFile?(chat: string, message: AdminMessage, file: NonNullable<AdminMessage["file"]>): Promise<void>;
}

/** A button press as the adapter got it: where the pressed message is, and how to acknowledge the press. */
export interface Press<Ref> {
  readonly ref: Ref;
  /** The pressed message's text, to show it answered. */
  readonly text: string;
  /**
   * Acknowledges the press, with a short notice when there is one (a toast on Telegram). Called at most once,
   * never for a duplicate event; a platform whose acknowledgement is its HTTP answer passes a no-op.
   */
  ack(notice?: string): Promise<void>;
}

/** The survey half of every adapter: an inbound event in, the platform's calls out. */
export interface Responder<Ref> {
  /**
   * Hands an event to the survey service and answers on the platform: nothing for a duplicate; the owed reply
   * for a redelivered event whose reply was never sent; otherwise acknowledges a press, closes the answered
   * question (pressed, or the last one shown when the answer was typed), sends the next messages and confirms
   * their delivery. When the event cannot be handled, the respondent is told, in their language, to try again.
   */
  respond(
    event: InboundEvent,
    chat: string,
    press?: Press<Ref>,
    extra?: { readonly attachment?: AdminAttachment },
  ): Promise<HandleResult | undefined>;
  /** Sends messages outside a reply (tracking the question they ask, so a typed answer can close it). */
  deliver(chat: string, messages: readonly OutboundMessage[]): Promise<void>;
}

export interface ResponderOptions<Ref> {
  readonly service: SurveyService;
  readonly surface: SurveySurface<Ref>;
  readonly logger: Logger;
  readonly defaultLocale: Locale;
  /** A stable string for a message handle (for the closed-message memory). */
  readonly refKey: (ref: Ref) => string;
  /** How many chats' last question and closed messages are remembered (a bounded cache). */
  readonly cacheLimit?: number;
  /** The admin service, once the app has built it: `/cx …`, admin buttons and guided edits go there. */
  readonly admin?: () => AdminService | undefined;
}

/** Builds the responder every adapter uses (see {@link Responder}). */
export function createResponder<Ref>(options: ResponderOptions<Ref>): Responder<Ref> {
  const { service, surface, logger } = options;
  const limit = options.cacheLimit ?? 10_000;
  /**
   * The last question shown with buttons in each chat, so a typed answer can close it like a pressed one. A
   * cache for a cosmetic edit: if it is lost (a restart, another worker), the old buttons stay, and pressing
   * one gets the "already answered" notice.
   */
  const shown = new BoundedMap<string, { ref: Ref; text: string; stepId: string }>(limit);
  /** Messages already closed, so a late press never asks the platform for an edit that changes nothing. */
  const closed = new BoundedMap<string, true>(limit);
  const closedKey = (chat: string, ref: Ref): string => `${chat}|${options.refKey(ref)}`;

  const post = async (chat: string, messages: readonly OutboundMessage[]): Promise<void> => {
    for (const m of messages) {
      const ref = await surface.post(chat, m);
      if (ref !== undefined && m.stepId !== undefined && (m.choices?.length ?? 0) > 0) {
        shown.set(chat, { ref, text: m.text, stepId: m.stepId });
      }
    }
  };

  /** A cosmetic edit: logged when it fails, never in the way of the next question. */
  const cosmetic = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      logger.warn({ err: error, what, code: "PLATFORM_EDIT" }, "could not update a sent message");
    }
  };

  const closeAnswered = (chat: string, ref: Ref, text: string, label: string): Promise<void> => {
    const key = closedKey(chat, ref);
    if (!surface.closeAnswered || closed.has(key)) return Promise.resolve();
    closed.set(key, true);
    const close = surface.closeAnswered.bind(surface);
    return cosmetic("close answered", () => close(chat, ref, text, label));
  };

  const closeStale = (chat: string, ref: Ref, text: string, notice: string): Promise<void> => {
    const key = closedKey(chat, ref);
    if (!surface.closeStale || closed.has(key)) return Promise.resolve();
    closed.set(key, true);
    const close = surface.closeStale.bind(surface);
    return cosmetic("close stale", () => close(chat, ref, text, notice));
  };

  const failed = async (event: InboundEvent, chat: string, error: unknown, press?: Press<Ref>) => {
    const code = error instanceof CxError ? error.code : "HANDLER_FAILED";
    logger.error(
      { err: error, code, channel: event.respondent.channel, event: event.eventId },
      "could not handle a respondent's event",
    );
    const locale = matchLocale(event.respondent.languageTag) ?? options.defaultLocale;
    const sorry: OutboundMessage = {
      kind: "notice",
      text: t(locale, "failed"),
      locale,
      rtl: RTL_LOCALES.has(locale),
      expectsText: false,
    };
    try {
      await press?.ack();
      await surface.post(chat, sorry);
    } catch (notTold) {
      logger.error({ err: notTold, code: "PLATFORM_SEND" }, "could not tell the respondent");
    }
  };

  /** An admin request: carried out by the admin service, its replies posted like any notice. */
  const answerAdmin = async (
    request: AdminRequest,
    admin: AdminService,
    chat: string,
    press?: Press<Ref>,
  ) => {
    const outcome = await admin.handle(request);
    if (outcome.status === "duplicate") return;
    await press?.ack();
    for (const message of outcome.messages) {
      if (message.file && surface.postFile) await surface.postFile(chat, message, message.file);
      else {
        await surface.post(chat, asOutbound(message));
        if (typeof message.file?.content === "string")
          await surface.post(chat, asOutbound({ ...message, text: message.file.content, buttons: [] }));
      }
    }
  };

  return {
    async respond(event, chat, press, extra) {
      const admin = options.admin?.();
      let request: AdminRequest | undefined;
      try {
        request = await adminRequestOf(admin, event, options.defaultLocale, extra?.attachment);
        if (request && admin) {
          await answerAdmin(request, admin, chat, press);
          return undefined;
        }
      } catch (error) {
        await failed(event, chat, error, press);
        return undefined;
      }
      let result: HandleResult;
      try {
        result = await service.handle(event);
      } catch (error) {
        await failed(event, chat, error, press);
        return undefined;
      }
      switch (result.status) {
        case "duplicate":
          return result;
        case "owed":
          await post(chat, result.messages);
          if (result.receipt) service.delivered(result.receipt);
          return result;
        case "handled":
        case "no-survey":
          break;
        default: {
          const never: never = result.status;
          throw new Error(`unhandled status ${String(never)}`);
        }
      }
      if (press && result.stale) {
        const notice = result.messages[0]?.text ?? "";
        // The notice is the acknowledgement's toast; the old buttons go, so they are not pressed again.
        await Promise.all([press.ack(notice), closeStale(chat, press.ref, press.text, notice)]);
        if (!surface.closeStale) await post(chat, result.messages);
        return result;
      }
      const answered = result.answered;
      const typed = press === undefined && answered ? shown.get(chat) : undefined;
      if (answered && shown.get(chat)?.stepId === answered.stepId) shown.delete(chat);
      // In the order a platform that queues calls should serve them: the acknowledgement, the next question,
      // then the cosmetic edit of the answered one — all at once, none in another's way.
      const work: Promise<void>[] = [];
      if (press) work.push(press.ack());
      work.push(post(chat, result.messages));
      if (press && answered) work.push(closeAnswered(chat, press.ref, press.text, answered.label));
      else if (answered && typed?.stepId === answered.stepId)
        work.push(closeAnswered(chat, typed.ref, typed.text, answered.label));
      await Promise.all(work);
      if (result.receipt) service.delivered(result.receipt);
      return result;
    },
    deliver: post,
  };
}
