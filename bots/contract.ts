import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdminService } from "../core/admin/types.ts";
import type { AlertNotifier, AlertService } from "../core/alerts/service.ts";
import type { Locale } from "../core/locale.ts";
import type { SendRate } from "../core/sending/limiter.ts";
import type { SurveyService } from "../core/service.ts";
import type { Channel, OutboundMessage, RespondentRef } from "../core/types.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

/**
 * The platform contract: what every chat platform (the console, Telegram, Slack, Discord…) provides to plug into
 * cxbot. An adapter translates — platform updates into core `InboundEvent`s, core `OutboundMessage`s into native
 * messages and buttons — and holds no survey logic. `bots/platforms.ts` walks the list of configured adapters
 * and knows none of them by name; the contract suite (`test/contract/`) runs the same cases against each.
 *
 * Adding a platform:
 * 1. write `bots/<platform>/` with a `PlatformModule` whose `create` builds a {@link PlatformAdapter} (use the
 *    kit in `bots/kit/` for what every platform repeats: the survey responder, event ids, answered-question
 *    tracking, acknowledge-first, right-to-left rows, text splitting);
 * 2. add one line to `PLATFORM_MODULES` in `bots/platforms.ts` (its SDK is imported only when configured);
 * 3. add a driver to `test/contract/drivers/` and the contract suite runs against it.
 */

/** An HTTP handler on the shared server (`PORT`): webhooks, interaction endpoints. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A `POST` route an adapter mounts on the shared HTTP server. */
export interface PlatformRoute {
  /** The exact path, e.g. `/slack/events`; unique across adapters. */
  readonly path: string;
  readonly handle: RouteHandler;
}

/**
 * What a platform can and cannot do, and its limits. Shared code (the kit, alerts, the contract suite) reads
 * these instead of naming platforms; a platform that cannot do something declares it, and callers fall back.
 */
export interface PlatformCapabilities {
  /** Native buttons under a message; without them choices are listed as numbered text to type. */
  readonly buttons: boolean;
  /** The most buttons one row can hold (Telegram 8, Slack 25 per actions block, Discord 5). */
  readonly buttonsPerRow: number;
  /** The most buttons one message can hold (Discord: 5 rows × 5). */
  readonly maxButtons: number;
  /** The longest message text, in UTF-16 code units as the platform counts; longer text is split. */
  readonly textLimit: number;
  /** The longest button label, in characters, the platform shows whole (Slack 75, Discord 80). */
  readonly labelLimit: number;
  /** The largest button payload in bytes (Telegram callback_data 64, Discord custom_id 100). */
  readonly payloadBytes: number;
  /** Sent messages can be edited: an answered question is shown closed, with its buttons removed. */
  readonly edits: boolean;
  /** Forms in a dialog (Slack views, Discord modals). */
  readonly modals: boolean;
  /** Replies in a thread under a message (alerts' follow-ups). */
  readonly threads: boolean;
  /** A link that starts a survey with a flow and reference (`t.me/<bot>?start=nps__order42`). */
  readonly deepLinks: boolean;
  /** The platform redelivers an event that was not confirmed (Telegram updates, Slack retries). */
  readonly redelivery: boolean;
  /**
   * How fast cxbot may send on its own initiative (surveys from the send queue, reminders), just under the
   * platform's documented limits; absent: not limited (the console).
   */
  readonly sendRate?: SendRate;
}

/** One configured platform, running inside cxbot. */
export interface PlatformAdapter {
  /** Which platform; also the `channel` of the respondents it serves. */
  readonly channel: Channel;
  readonly capabilities: PlatformCapabilities;
  /** Routes on the shared HTTP server (none for polling, sockets or the console). */
  readonly routes: readonly PlatformRoute[];
  /** True once started and talking to the platform; `GET /healthz` reports it. */
  readonly ready: boolean;
  /** Connects and starts receiving (polling, webhooks, a socket, a terminal). */
  start(): Promise<void>;
  /** Stops receiving new input; resolves once input in flight has been answered. */
  stop(): Promise<void>;
  /**
   * Delivers messages to a respondent outside a reply: support's answer, a survey started by support or the
   * API, a reply owed after a crash. Rejects with a {@link PlatformError} when the platform refuses.
   */
  deliver(to: RespondentRef, messages: readonly OutboundMessage[]): Promise<void>;
  /** The alert notifier this platform offers to support teams (Slack, a Discord channel), if any. */
  readonly notifier?: AlertNotifier;
  /** Where that notifier posts alerts and digests unless a rule routes elsewhere (its alert channel). */
  readonly alertTarget?: string;
  /** Hands the adapter the alert service its notifier's buttons act on (built after the adapters). */
  attachAlerts?(alerts: AlertService): void;
  /** Hands the adapter the admin service `/cx` commands go to (built after the adapters). */
  attachAdmin?(admin: AdminService): void;
}

/** What every adapter is built from. */
export interface PlatformDeps {
  readonly config: Config;
  readonly service: SurveyService;
  readonly logger: Logger;
  /** The language of staff-facing texts (alerts, digests). */
  readonly staffLocale: Locale;
  /** The flows respondents can start (keys and titles, for command menus). */
  readonly flowKeys: readonly string[];
  readonly flowTitles: Readonly<Record<string, string>>;
}

/** A platform as `bots/platforms.ts` sees it before its SDK is loaded. */
export interface PlatformModule {
  readonly channel: Channel;
  /** Whether the configuration turns this platform on (its token is set). */
  configured(config: Config): boolean;
  /** Starts loading the platform's module and SDK (while the database connects); `create` then finds it loaded. */
  preload(): Promise<unknown>;
  /** Loads the platform's SDK and builds its adapter. */
  create(deps: PlatformDeps): Promise<PlatformAdapter>;
}

/**
 * Why a platform call failed, so callers can tell what to do: `refused` (the platform said no to this request:
 * retrying will not help), `rate-limited` (wait `retryAfterMs`), `network` (the platform may not have seen it),
 * `bug` (our own code threw).
 */
export type PlatformErrorKind = "refused" | "rate-limited" | "network" | "bug";

/** A failed platform call, wrapped where it left the SDK: a stable code, its kind, and the SDK error as cause. */
export class PlatformError extends Error {
  readonly code: string;
  readonly kind: PlatformErrorKind;
  readonly channel: Channel;
  /** The platform method (`sendMessage`, `chat.postMessage`). */
  readonly method: string;
  readonly retryAfterMs?: number;
  constructor(
    channel: Channel,
    method: string,
    kind: PlatformErrorKind,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number; code?: string } = {},
  ) {
    super(`${channel} ${method}: ${message}`, { cause: options.cause });
    this.name = "PlatformError";
    this.channel = channel;
    this.method = method;
    this.kind = kind;
    this.code = options.code ?? `${channel.toUpperCase()}_${kind.toUpperCase().replace("-", "_")}`;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
