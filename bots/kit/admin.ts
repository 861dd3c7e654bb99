import { isAdminPayload } from "../../core/admin/service.ts";
import type { AdminActor, AdminMessage, AdminRequest, AdminService } from "../../core/admin/types.ts";
import { parseText } from "../../core/commands.ts";
import type { Locale } from "../../core/locale.ts";
import type { InboundEvent, OutboundMessage } from "../../core/types.ts";

/**
 * The admin half every adapter shares: which inbound events are admin requests (`/cx …` typed, an admin
 * button pressed, or plain text a guided edit waits for), and admin replies as the survey messages each
 * adapter already renders (text, and the buttons as a list of command choices). Files (export, import) are
 * the only platform-specific part.
 */

export const actorOf = (event: InboundEvent): AdminActor => ({
  channel: event.respondent.channel,
  userId: event.respondent.userId,
  ...(event.respondent.displayName === undefined ? {} : { displayName: event.respondent.displayName }),
  ...(event.respondent.languageTag === undefined ? {} : { languageTag: event.respondent.languageTag }),
  ...(event.respondent.chatId === undefined ? {} : { chatId: event.respondent.chatId }),
});

/**
 * The admin request an event stands for, if any. Plain text is an admin's only while a guided edit waits for
 * it (one lookup, and only for admins); anything else goes to the survey.
 */
export async function adminRequestOf(
  admin: AdminService | undefined,
  event: InboundEvent,
  defaultLocale: Locale,
  attachment?: AdminRequest["attachment"],
): Promise<AdminRequest | undefined> {
  if (!admin) return undefined;
  const base = { eventId: event.eventId, actor: actorOf(event), receivedAt: event.receivedAt };
  const input = event.input;
  if (input.type === "choice" && isAdminPayload(input.payload))
    return { ...base, input: { type: "press", payload: input.payload } };
  if (input.type !== "text") return undefined;
  const intent = parseText(input.text, defaultLocale);
  if (intent.type === "admin")
    return {
      ...base,
      input: { type: "command", text: intent.argument },
      ...(attachment ? { attachment } : {}),
    };
  if (intent.type === "text" && (await admin.awaitsText(base.actor)))
    return { ...base, input: { type: "text", text: input.text } };
  return undefined;
}

/** An admin reply as a message the survey renderers show: its buttons become a list of command choices. */
/** An admin reply's file as bytes: text files in UTF-8, binary ones (a chart's PNG) as they are. */
export const fileBytes = (file: NonNullable<AdminMessage["file"]>): Buffer =>
  typeof file.content === "string" ? Buffer.from(file.content, "utf8") : Buffer.from(file.content);

/** Whether a reply's file is an image a platform can show inline (a report's chart). */
export const isImageFile = (file: NonNullable<AdminMessage["file"]>): boolean =>
  file.mime.startsWith("image/");

export function asOutbound(message: AdminMessage): OutboundMessage {
  const choices = (message.buttons ?? [])
    .flat()
    .map((b) => ({ payload: b.payload, label: b.label, role: "command" as const }));
  return {
    kind: "notice",
    text: message.text,
    locale: message.locale,
    rtl: message.rtl,
    ...(choices.length > 0 ? { choices, layout: "list" as const } : {}),
    expectsText: false,
  };
}
