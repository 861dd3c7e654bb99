import type { Locale } from "../locale.ts";
import type { Channel } from "../types.ts";

/**
 * The admin side of cxbot, platform-neutral: who asks (an {@link AdminActor}), what they sent (an
 * {@link AdminRequest}) and what they get back ({@link AdminMessage}s, rendered by each adapter). The state it
 * keeps ({@link AdminStore}) lives in the database, so every cxbot process on it sees the same flows and admins.
 */

/** Who sent an admin command, as their platform identifies them. */
export interface AdminActor {
  readonly channel: Channel;
  readonly userId: string;
  readonly displayName?: string;
  /** The platform's language tag for the user (`fa-IR`), for the reply's language. */
  readonly languageTag?: string;
  /** Where a survey they try is sent, when it differs from the user (a DM channel, a Telegram chat). */
  readonly chatId?: string;
}

/** `telegram:12345`: how admins are listed (`CX_ADMINS`) and how changes are attributed. */
export const actorId = (a: Pick<AdminActor, "channel" | "userId">): string => `${a.channel}:${a.userId}`;

/** A file the admin attached to `/cx import` (a Telegram document, a Slack file, a Discord attachment). */
export interface AdminAttachment {
  readonly name: string;
  /** As the platform reports it, before downloading. */
  readonly size: number;
  /** Downloads it (the adapter knows how); rejects when it cannot. */
  read(): Promise<string>;
}

export type AdminInput =
  /** `/cx …`: the text after `/cx` (a platform's slash command hands over its text the same way). */
  | { readonly type: "command"; readonly text: string }
  /** A pressed admin button: its payload, as it came back (untrusted). */
  | { readonly type: "press"; readonly payload: string }
  /** Plain text while a guided edit waits for it (see {@link AdminService.awaitsText}). */
  | { readonly type: "text"; readonly text: string };

export interface AdminRequest {
  /** The platform's id for the event, so a redelivered command is not carried out twice. */
  readonly eventId: string;
  readonly actor: AdminActor;
  readonly input: AdminInput;
  readonly attachment?: AdminAttachment;
  readonly receivedAt: Date;
}

/** An admin button: `payload` is ≤ 64 bytes (it fits Telegram's callback_data) and starts with `cx:`. */
export interface AdminButton {
  readonly label: string;
  readonly payload: string;
  readonly style?: "primary" | "danger";
}

/** One admin reply, already localized. Adapters render `text` (plain, with line breaks) and the buttons. */
export interface AdminMessage {
  readonly text: string;
  readonly locale: Locale;
  readonly rtl: boolean;
  /** Rows of buttons, in reading order (adapters mirror nothing: admin rows are not scales). */
  readonly buttons?: readonly (readonly AdminButton[])[];
  /**
   * A file to attach: an exported flow (text), or a report's chart (`image/png` bytes, which adapters show as an
   * image).
   */
  readonly file?: { readonly name: string; readonly content: string | Uint8Array; readonly mime: string };
}

/**
 * What became of a request: `handled` (reply with `messages`), `refused` (not an admin: reply with the neutral
 * `messages`, which never reveal that admin commands exist), `duplicate` (already handled: reply nothing).
 */
export type AdminOutcome =
  | { readonly status: "handled" | "refused"; readonly messages: readonly AdminMessage[] }
  | { readonly status: "duplicate" };

/** What every adapter calls. */
export interface AdminService {
  handle(request: AdminRequest): Promise<AdminOutcome>;
  /**
   * True when this actor is an admin with a guided edit waiting for plain text: the adapter then hands their
   * next plain message to {@link handle} as `text` instead of to the survey. Cheap for everyone else (no
   * database read for a non-admin).
   */
  awaitsText(actor: AdminActor): Promise<boolean>;
  /** Flow keys for pickers and autocomplete (every flow, live or not), sorted. */
  flowKeys(): Promise<readonly string[]>;
  /**
   * Whether this actor may use admin commands (CX_ADMINS or added by command), for what a platform shows before
   * any command runs (Discord's autocomplete), so nothing about the flows reaches anyone else.
   */
  isAdmin(actor: AdminActor): Promise<boolean>;
}

/** Per-platform text limits an edit must fit, checked at edit time (never at send time). */
export interface TextLimits {
  /** The longest option label every enabled platform can show on a button (Slack 75, Discord 80). */
  readonly buttonLabel: number;
  /** The longest question or message text. */
  readonly message: number;
}

// ─── Storage (declared with the other storage ports, re-exported here) ──────────────────────────────────────

export type {
  AdminGrant,
  AdminSession,
  AdminStore,
  FlowControl,
  FlowDraft,
  FlowVersionInfo,
} from "../ports.ts";
