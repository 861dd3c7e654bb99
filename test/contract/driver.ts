import type { AlertRecord } from "../../core/alerts/alert.ts";
import type { Locale } from "../../core/locale.ts";
import type { ConversationRecord } from "../../core/ports.ts";
import type { Channel, CommandName } from "../../core/types.ts";

/**
 * The platform contract, seen from the respondent's side: one {@link PlatformDriver} per platform drives the
 * real adapter through its real SDK (telegraf, bolt, a terminal's streams) and the fake platform server, and
 * reads back what the user would see and what the platform recorded. The suite in contract.test.ts is written
 * once against this interface; a driver is the only file that knows its platform.
 */

/** A respondent in one test. Drivers map the name to a platform id (a Telegram number, a Slack `U…`). */
export interface ContractUser {
  /** Unique per test run; the driver derives the platform's user id from it. */
  readonly name: string;
  /** The language the platform reports for the user (Telegram `language_code`, Slack locale, `--lang`). */
  readonly locale: Locale;
}

/** How a platform turns input back into events: what it redelivers on its own. */
export type RedeliveredInput = "text" | "press";

/**
 * What a platform can do. A case the platform cannot do is declared here, and the suite then checks the
 * declared fallback (or that the driver refuses the case as not applicable) — never skips it silently.
 */
export interface Capabilities {
  readonly platform: Channel;
  /**
   * `native`: buttons the user taps. `typed`: the choices are printed and the user types one (a scale value,
   * a list item's number, `/skip`); {@link PlatformDriver.press} types it for them.
   */
  readonly buttons: "native" | "typed";
  /**
   * Whether an answered question is edited in place: its text followed by `✓ <answer>`, its buttons removed.
   * Without edits the question stays as it was shown and the next message follows (the fallback).
   */
  readonly edits: boolean;
  /**
   * Whether the platform lays a right-to-left message out right to left (Telegram follows the text's
   * direction). Slack and terminals lay everything out left to right; there the scale reads lowest-first from
   * the left in every language.
   */
  readonly rtlLayout: boolean;
  /**
   * What a deep link is on this platform (`form`, for the report) and whether it carries a reference kept
   * with the answers. Without one, {@link PlatformDriver.startByDeepLink} uses the nearest thing (a flow by
   * name) and the suite checks that the flow starts with no reference.
   */
  readonly deepLink: { readonly form: string; readonly carriesReference: boolean };
  /** The inputs the platform itself delivers again (a Telegram update, a Slack event retry); empty: none. */
  readonly redelivers: readonly RedeliveredInput[];
  /** Whether a button of an earlier question stays pressable (a chat keeps old messages; a terminal does not). */
  readonly staleButtons: boolean;
  /** Whether the platform answers a burst with 429 and a retry-after that cxbot must wait out. */
  readonly rateLimits: boolean;
  /**
   * Whether a support agent's reply (the alert's Reply action) reaches the user here. Without it the reply is
   * kept on the alert, marked undelivered (the fallback the suite checks).
   */
  readonly supportReplies: boolean;
  /** The longest message a user can send in one go (UTF-16 units); a client splits longer text. */
  readonly inboundTextLimit?: number;
  /** The longest message text the platform shows (UTF-16 units); undefined: no limit. */
  readonly outboundTextLimit?: number;
}

/** A message as the user sees it now. */
export interface SeenMessage {
  /** Its text as shown (edits applied). */
  readonly text: string;
  /**
   * Button labels in reading order, one array per visual row: `rows[r][0]` is the button the reader meets
   * first — the leftmost on screen in a left-to-right layout, the rightmost in a right-to-left one. A typed
   * platform gives its printed choices in the order printed. Empty when the message has no buttons.
   */
  readonly rows: readonly (readonly string[])[];
  /** `rtl` when the platform lays this message out right to left (see {@link Capabilities.rtlLayout}). */
  readonly direction: "ltr" | "rtl";
  /** Whether the platform edited it after sending. */
  readonly edited: boolean;
}

/** A position in the user's chat and in the platform's call log, to ask what happened after it. */
export interface Mark {
  readonly messages: number;
  readonly calls: number;
}

/** One call cxbot made to the platform's API, as the fake recorded it. */
export interface PlatformCall {
  readonly method: string;
  /** False when the platform rejected it (a 4xx/429, or Slack's `ok: false`). */
  readonly ok: boolean;
  /** The message id (Telegram) or ts (Slack) the call was about, when it names one. */
  readonly target?: string;
  /** Whether the call asks to remove a message's buttons and nothing else (Telegram editMessageReplyMarkup). */
  readonly markupOnly?: boolean;
}

/** The stored side of a user, from the real database. */
export interface DriverDb {
  /** The user's newest conversation: the one in progress, else the newest archived one. */
  conversation(user: ContractUser): Promise<ConversationRecord | undefined>;
  /** Every conversation of the user, archived ones included, oldest first. */
  conversations(user: ContractUser): Promise<readonly ConversationRecord[]>;
  /** The alert raised for the user's newest conversation, once its background work is done. */
  alert(user: ContractUser): Promise<AlertRecord | undefined>;
}

/** One platform, driven the way its users drive it. Every method works for any user opened before. */
export interface PlatformDriver {
  readonly capabilities: Capabilities;
  /** Makes the user known to the platform, with the language the platform reports for them. */
  open(user: ContractUser): Promise<void>;
  /** Starts a survey by the platform's command (`/feedback csat`; the console's flow picker). */
  startByCommand(user: ContractUser, flow?: string): Promise<void>;
  /**
   * Starts a survey by the platform's deep link (see {@link Capabilities.deepLink}): Telegram
   * `/start nps__order42`, the console's `--flow nps --ref order42`, Slack's `/feedback nps` (no reference).
   */
  startByDeepLink(user: ContractUser, flow: string, reference: string): Promise<void>;
  /** The newest message cxbot sent the user, as shown now; undefined before any. */
  lastQuestion(user: ContractUser): SeenMessage | undefined;
  /** Presses the button labelled `label` on the newest message that shows it (typed where buttons are typed). */
  press(user: ContractUser, label: string): Promise<void>;
  /** Sends text as the user would, split by the client where the platform limits a message's length. */
  type(user: ContractUser, text: string): Promise<void>;
  /** Gives a command the platform's way (`/skip` as a Telegram command, a Slack slash command, a typed line). */
  command(user: ContractUser, name: CommandName, argument?: string): Promise<void>;
  /**
   * Delivers the user's last input again, the platform's own way: the same Telegram update (same
   * `update_id`), a Slack event retry (same `event_id`, `X-Slack-Retry-Num`). Rejects when the platform does
   * not redeliver that input (see {@link Capabilities.redelivers}).
   */
  redeliverLast(user: ContractUser): Promise<void>;
  /**
   * Presses `label` on the newest message showing it that is not the newest message of the chat: a question
   * no longer current (a question asked again left its old copy behind). Rejects when buttons of earlier questions cannot be pressed (see {@link Capabilities.staleButtons}).
   */
  pressStale(user: ContractUser, label: string): Promise<void>;
  /** Taps `label` twice before the first tap is answered (both presses issued from the same screen). */
  pressTwice(user: ContractUser, label: string): Promise<void>;
  /** How the question answered by the last press or typed answer reads now (edited, or left as it was). */
  answeredQuestion(user: ContractUser): SeenMessage | undefined;
  /** How the question pressed by the last {@link pressStale} reads now. */
  staleQuestion(user: ContractUser): SeenMessage | undefined;
  /** Now, for {@link messagesSince}, {@link shownSince} and {@link callsSince}. */
  mark(user: ContractUser): Mark;
  /** Messages cxbot sent the user after the mark, oldest first (edits of older messages not included). */
  messagesSince(user: ContractUser, mark: Mark): readonly SeenMessage[];
  /**
   * Every text the user was shown after the mark: new messages, transient notices (a Telegram toast, a Slack
   * ephemeral) and the current text of messages edited after it.
   */
  shownSince(user: ContractUser, mark: Mark): readonly string[];
  /** The platform API calls cxbot made after the mark, as the fake recorded them; none for a terminal. */
  callsSince(mark: Mark): readonly PlatformCall[];
  /**
   * A message to the user from support: the alert on the user's newest conversation is answered with the
   * alert service's Reply action, as the Slack modal does. Resolves with whether it reached the user.
   */
  supportReply(user: ContractUser, text: string): Promise<{ readonly delivered: boolean }>;
  /**
   * The platform answers the next `count` sends with 429 and a retry-after of `retryAfterSeconds`. Throws
   * where the platform has no rate limits (see {@link Capabilities.rateLimits}).
   */
  injectRateLimit(count: number, retryAfterSeconds: number): void;
  readonly db: DriverDb;
  /** Stops cxbot and the fakes. */
  close(): Promise<void>;
}

/** Thrown by a driver asked for something its platform declared it cannot do. */
export class NotApplicable extends Error {
  constructor(platform: Channel, what: string) {
    super(`${platform}: ${what} is not applicable (declared in its capabilities)`);
    this.name = "NotApplicable";
  }
}
