import type { types } from "@slack/bolt";
import type { AdminMessage } from "../../core/admin/types.ts";
import type { AlertRecord } from "../../core/alerts/alert.ts";
import { type StaffMessageKey, staffText } from "../../core/alerts/messages.ts";
import type { Digest } from "../../core/alerts/service.ts";
import {
  alertTitle,
  alertView,
  CHANNEL_KEY,
  commentThemes,
  digestView,
  SENTIMENT_KEY,
  scoreText,
  titleIn,
  type ViewFormat,
} from "../../core/alerts/view.ts";
import { LANGUAGE_NAMES } from "../../core/i18n/messages.ts";
import type { Locale } from "../../core/locale.ts";
import { chunkText, cutText, wellFormed } from "../../core/text/cut.ts";
import type { OutboundMessage } from "../../core/types.ts";
import { layoutRows } from "../kit/layout.ts";

/** Block Kit's limits (Slack API reference), checked here so Slack never rejects what we build. */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  actionsElements: 25,
  contextElements: 10,
  modalTitle: 24,
  fieldText: 2000,
  inputMaxLength: 3000,
  messageText: 40_000,
} as const;

export type Block = types.KnownBlock;
type Button = types.Button;

/** Action ids cxbot listens for. Survey answers carry the core's payload as the button value. */
export const ACTION = {
  answer: "cx_answer",
  acknowledge: "cx_alert_ack",
  assign: "cx_alert_assign",
  reply: "cx_alert_reply",
  resolve: "cx_alert_resolve",
  fullComment: "cx_alert_full",
  open: "cx_alert_open",
  /** Admin buttons (`cx_admin_<n>`): the button's value is the admin payload (`cx:…`). */
  admin: "cx_admin",
} as const;
export const VIEW = { reply: "cx_reply", resolve: "cx_resolve" } as const;

/** Escapes text for mrkdwn, so customer text can never mention `@channel` or forge a link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * What a person typed, from Slack's encoding of it (message events and slash commands): `&amp;`, `&lt;` and
 * `&gt;` decoded, and links Slack marked up (`<https://example.com|example.com>`, `<mailto:a@b.c>`) as their
 * label, or their address when they have none. Mentions (`<@U…>`, `<#C…>`) are kept as they came.
 */
export function typedText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>/g, (_, url: string, label?: string) =>
      label === undefined || label === "" ? url : label,
    )
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Cuts text to `max` UTF-16 units at a grapheme boundary (lone surrogates replaced), marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return cutText(text, max, { ellipsis: true });
}

const plain = (text: string, max: number) => ({
  type: "plain_text" as const,
  text: clip(text, max),
  emoji: true,
});

function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    text: plain(text, SLACK_LIMITS.buttonText),
    action_id: actionId,
    value: value.slice(0, SLACK_LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

/** Plain text as consecutive sections of at most 3000 characters, `room` sections at most. */
function plainSections(text: string, room: number): Block[] {
  return chunkText(text, SLACK_LIMITS.sectionText)
    .slice(0, room)
    .map((part) => ({ type: "section", text: { type: "plain_text", text: part, emoji: true } }));
}

// ——— surveys ———

/**
 * A survey message as blocks: the text, then its choices as buttons (a scale left to right, lowest first —
 * Slack lays buttons out left to right in every language; the digits are the respondent's own). Each button's
 * value is the core's compact payload; action ids are unique within the message as Slack requires.
 */
export function surveyBlocks(message: OutboundMessage): Block[] {
  const blocks = plainSections(message.text, 10);
  // One actions block a row, laid out as on every platform (right to left in fa/ar; see the kit's layoutRows).
  let index = 0;
  for (const row of layoutRows(message, 7)) {
    for (let i = 0; i < row.length; i += SLACK_LIMITS.actionsElements) {
      const elements = row.slice(i, i + SLACK_LIMITS.actionsElements).map((c) => {
        const id = index++;
        return button(c.label, `${ACTION.answer}_${id}`, c.payload);
      });
      blocks.push({ type: "actions", block_id: `cx_choices_${blocks.length}`, elements });
    }
  }
  return blocks;
}

/** The question once answered: its text and what was chosen, without buttons. */
export function answeredBlocks(questionText: string, label: string): Block[] {
  return [
    { type: "section", text: plain(questionText, SLACK_LIMITS.sectionText) },
    { type: "context", elements: [{ type: "plain_text", text: clip(`✓ ${label}`, 2000), emoji: true }] },
  ];
}

// ——— alerts ———

/**
 * Customer text as a mrkdwn quote of at most `max` characters once escaped, never cutting inside an escape;
 * `cut` tells whether anything was left out and `shown` how many of the original characters are in.
 */
export { titleIn };

export function quoteMrkdwn(text: string, max: number): { text: string; cut: boolean; shown: number } {
  let out = "";
  let shown = 0;
  for (const ch of text) {
    const piece = ch === "\n" ? "\n>" : escapeMrkdwn(ch);
    if (out.length + piece.length > max - 1) return { text: `>${out}…`, cut: true, shown };
    out += piece;
    shown += ch.length;
  }
  return { text: `>${out}`, cut: false, shown };
}

const who = (actor: { id: string; name?: string }): string => {
  const [platform, id] = actor.id.split(/:(.*)/s);
  return platform === "slack" && id ? `<@${escapeMrkdwn(id)}>` : escapeMrkdwn(actor.name ?? actor.id);
};

const slackTime = (iso: string): string => {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso}>`;
};

/** "3/10 · detractor" in the staff locale's digits and words. */
export const scoreLine = scoreText;

/** How Slack writes people, times and quoted words on an alert card. */
const SLACK_FORMAT: ViewFormat = {
  who,
  time: slackTime,
  quote: (text) => `\n${quoteMrkdwn(text, 300).text}`,
};

/** Comments shown on one alert card (a flow rarely has more than two free-text steps). */
const MAX_COMMENTS_SHOWN = 8;

/** The longest comment shown inline; longer ones are cut visibly with a button to read them whole. */
const COMMENT_INLINE = 2500;

/** What a card can offer: buttons only when Slack can call cxbot back (HTTP or Socket Mode). */
export interface AlertRenderOptions {
  readonly interactive: boolean;
}

/** The card's headline: flow and score ("Net Promoter Score (NPS): 2/10 · detractor"). */
export const alertFallback = alertTitle;

/**
 * An alert as a Slack message: what happened, who the customer is, what they said (with sentiment and
 * themes), the recent conversation, the buttons to work on it, and who did what so far.
 */
export function alertBlocks(alert: AlertRecord, locale: Locale, options: AlertRenderOptions): Block[] {
  const s = (key: StaffMessageKey, params?: Readonly<Record<string, string | number>>) =>
    staffText(locale, key, params);
  const blocks: Block[] = [
    { type: "header", text: plain(alertFallback(alert, locale), SLACK_LIMITS.headerText) },
  ];
  const fields = [
    `*${s("customer")}*\n${escapeMrkdwn(clip(alert.respondent.displayName ?? alert.respondent.userId, 200))}`,
    `*${s("platform")}*\n${s(CHANNEL_KEY[alert.respondent.channel])}`,
    `*${s("language")}*\n${LANGUAGE_NAMES[alert.locale]}`,
    `*${s("received")}*\n${slackTime(alert.raisedAt)}`,
    ...(alert.reference ? [`*${s("reference")}*\n${escapeMrkdwn(alert.reference)}`] : []),
  ];
  blocks.push({ type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) });
  // A flow may have many free-text steps: the card shows the first few, within Slack's 50 blocks.
  for (const [i, c] of alert.comments.slice(0, MAX_COMMENTS_SHOWN).entries()) {
    const quote = quoteMrkdwn(c.text, COMMENT_INLINE);
    const themes = commentThemes(c, locale);
    const text = [
      `*${s("comment")}* · ${s("sentiment")}: ${s(SENTIMENT_KEY[c.sentiment])} · ${s("themes")}: ${themes}${
        c.disagrees ? ` · ${s("disagrees")}` : ""
      }`,
      quote.text,
      ...(quote.cut ? [`_${s("truncated", { shown: quote.shown, total: c.text.length })}_`] : []),
    ].join("\n");
    blocks.push({
      type: "section",
      block_id: `cx_comment_${i}`,
      text: { type: "mrkdwn", text: clip(text, SLACK_LIMITS.sectionText) },
      ...(quote.cut && options.interactive
        ? { accessory: button(s("showFull"), ACTION.fullComment, `${alert.id}|${i}`) }
        : {}),
    });
  }
  if (alert.transcript.length > 0) {
    const lines = alert.transcript.map(
      (e) => `${e.direction === "in" ? "👤" : "🤖"} ${escapeMrkdwn(clip(e.text.replace(/\s+/g, " "), 240))}`,
    );
    blocks.push({
      type: "section",
      block_id: "cx_transcript",
      text: {
        type: "mrkdwn",
        text: clip(`*${s("transcript")}*\n${lines.join("\n")}`, SLACK_LIMITS.sectionText),
      },
    });
  }
  if (alert.status !== "resolved" && options.interactive) {
    blocks.push({
      type: "actions",
      block_id: "cx_alert_actions",
      elements: [
        ...(alert.status === "open" ? [button(s("acknowledge"), ACTION.acknowledge, alert.id)] : []),
        button(s("assignToMe"), ACTION.assign, alert.id),
        button(s("reply"), ACTION.reply, alert.id, "primary"),
        button(s("resolve"), ACTION.resolve, alert.id),
      ],
    });
  }
  const view = alertView(alert, locale, SLACK_FORMAT);
  const status = view.status;
  const history = view.history.slice(-(SLACK_LIMITS.contextElements - 1));
  blocks.push({
    type: "context",
    block_id: "cx_alert_status",
    elements: [status, ...history].map((text) => ({
      type: "mrkdwn",
      text: clip(text, SLACK_LIMITS.fieldText),
    })),
  });
  return blocks;
}

/** Alerts that came faster than the flood limit, as one message with a button to open each in full. */
export function summaryBlocks(
  alerts: readonly AlertRecord[],
  locale: Locale,
  options: AlertRenderOptions,
): Block[] {
  const listed = alerts.slice(0, SLACK_LIMITS.messageBlocks - 2);
  const blocks: Block[] = [
    {
      type: "header",
      text: plain(staffText(locale, "floodTitle", { count: alerts.length }), SLACK_LIMITS.headerText),
    },
  ];
  for (const a of listed) {
    const line = staffText(locale, "floodLine", {
      flow: escapeMrkdwn(titleIn(a.flowTitle, locale)),
      score: scoreLine(a, locale) ?? "—",
      customer: escapeMrkdwn(clip(a.respondent.displayName ?? a.respondent.userId, 80)),
      platform: staffText(locale, CHANNEL_KEY[a.respondent.channel]),
    });
    const comment = a.comments[0]
      ? `\n${quoteMrkdwn(a.comments[0].text.replace(/\s+/g, " "), 200).text}`
      : "";
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(line + comment, SLACK_LIMITS.sectionText) },
      ...(options.interactive ? { accessory: button(staffText(locale, "open"), ACTION.open, a.id) } : {}),
    });
  }
  if (alerts.length > listed.length) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `+${alerts.length - listed.length}` }],
    });
  }
  return blocks;
}

/** Lines packed into as few sections as fit (3000 characters each), within a message's 50 blocks. */
function sections(lines: readonly string[], room: number): Block[] {
  const out: Block[] = [];
  let current = "";
  for (const line of lines) {
    const piece = clip(line, SLACK_LIMITS.sectionText);
    if (current !== "" && current.length + 1 + piece.length > SLACK_LIMITS.sectionText) {
      out.push({ type: "section", text: { type: "mrkdwn", text: current } });
      current = "";
    }
    current = current === "" ? piece : `${current}\n${piece}`;
  }
  if (current !== "") out.push({ type: "section", text: { type: "mrkdwn", text: current } });
  return out.slice(0, room);
}

/** Yesterday's scores per flow, with counts and the change from the day before. */
export function digestBlocks(digest: Digest, locale: Locale): Block[] {
  const view = digestView(digest, locale, escapeMrkdwn);
  return [
    { type: "header", text: plain(view.title, SLACK_LIMITS.headerText) },
    ...sections(view.lines, SLACK_LIMITS.messageBlocks - 1),
  ];
}

/** A customer's message after the survey, posted in the alert's thread. */
export function customerReplyBlocks(alert: AlertRecord, text: string, locale: Locale): Block[] {
  const customer = escapeMrkdwn(clip(alert.respondent.displayName ?? alert.respondent.userId, 200));
  return [
    { type: "section", text: { type: "mrkdwn", text: staffText(locale, "customerReplied", { customer }) } },
    ...plainSections(text, 10),
  ];
}

// ——— modals ———

export function replyModal(alert: AlertRecord, locale: Locale): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEW.reply,
    private_metadata: alert.id,
    title: plain(staffText(locale, "replyTitle"), SLACK_LIMITS.modalTitle),
    submit: plain(staffText(locale, "send"), SLACK_LIMITS.modalTitle),
    close: plain(staffText(locale, "close"), SLACK_LIMITS.modalTitle),
    blocks: [
      {
        type: "input",
        block_id: "reply",
        label: plain(staffText(locale, "replyLabel"), 2000),
        hint: plain(
          staffText(locale, "replyHint", {
            platform: staffText(locale, CHANNEL_KEY[alert.respondent.channel]),
          }),
          2000,
        ),
        element: {
          type: "plain_text_input",
          action_id: "text",
          multiline: true,
          max_length: SLACK_LIMITS.inputMaxLength,
        },
      },
    ],
  };
}

export function resolveModal(
  alert: AlertRecord,
  locale: Locale,
  options: { recoveryAvailable: boolean },
): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEW.resolve,
    private_metadata: alert.id,
    title: plain(staffText(locale, "resolveTitle"), SLACK_LIMITS.modalTitle),
    submit: plain(staffText(locale, "resolve"), SLACK_LIMITS.modalTitle),
    close: plain(staffText(locale, "close"), SLACK_LIMITS.modalTitle),
    blocks: options.recoveryAvailable
      ? [
          {
            type: "input",
            block_id: "recovery",
            optional: true,
            label: plain(staffText(locale, "resolveLabel"), 2000),
            element: {
              type: "checkboxes",
              action_id: "ask",
              options: [{ text: plain(staffText(locale, "resolveRecovery"), 75), value: "ask" }],
            },
          },
        ]
      : [{ type: "section", text: plain(staffText(locale, "resolveConfirm"), SLACK_LIMITS.sectionText) }],
  };
}

/** A long comment in full: a modal of sections, each within Slack's limit. */
export function fullCommentModal(text: string, locale: Locale): types.ModalView {
  return {
    type: "modal",
    title: plain(staffText(locale, "fullComment"), SLACK_LIMITS.modalTitle),
    close: plain(staffText(locale, "close"), SLACK_LIMITS.modalTitle),
    blocks: plainSections(text, SLACK_LIMITS.modalBlocks),
  };
}

// ——— admin replies ———

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Text as escaped mrkdwn in consecutive pieces of at most `max` characters once escaped (Slack counts the
 * entities), broken between lines where possible and never inside an entity or a grapheme.
 */
export function escapedPieces(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = "";
  const flush = () => {
    if (current !== "") pieces.push(current);
    current = "";
  };
  for (const [i, line] of wellFormed(text).split("\n").entries()) {
    const escaped = escapeMrkdwn(line);
    const joiner = i === 0 ? "" : "\n";
    if (current.length + joiner.length + escaped.length <= max) {
      current += joiner + escaped;
      continue;
    }
    flush();
    if (escaped.length <= max) {
      current = escaped;
      continue;
    }
    for (const { segment } of graphemes.segment(line)) {
      const piece = escapeMrkdwn(segment);
      if (current.length + piece.length > max) flush();
      current += piece;
    }
  }
  flush();
  return pieces;
}

/** One Slack message of an admin reply: its notification text and blocks. */
export interface SlackMessageParts {
  readonly text: string;
  readonly blocks: Block[];
}

/**
 * An admin reply as Slack messages: its text as mrkdwn sections (escaped, so `<flow>` is shown, never read as
 * a link or a mention; at most 3000 characters a section), then one actions block per row of buttons (at most
 * 25 a block) with their style. Usually one message; a text longer than a message's 50 blocks goes on in
 * more, the buttons under the last. Each button's value is the admin payload, its action id `cx_admin_<n>`.
 */
export function adminMessageParts(message: AdminMessage): SlackMessageParts[] {
  const actions: Block[] = [];
  let index = 0;
  for (const row of message.buttons ?? []) {
    for (let i = 0; i < row.length; i += SLACK_LIMITS.actionsElements) {
      const elements = row
        .slice(i, i + SLACK_LIMITS.actionsElements)
        .map((b) => button(b.label, `${ACTION.admin}_${index++}`, b.payload, b.style));
      actions.push({ type: "actions", block_id: `cx_admin_row_${actions.length}`, elements });
    }
  }
  const sections: Block[] = escapedPieces(message.text, SLACK_LIMITS.sectionText).map((text) => ({
    type: "section",
    text: { type: "mrkdwn", text, verbatim: true },
  }));
  const room = SLACK_LIMITS.messageBlocks;
  const parts: Block[][] = [];
  for (let i = 0; i < sections.length; i += room) parts.push(sections.slice(i, i + room));
  const last = parts.at(-1);
  if (last && last.length + actions.length <= room) last.push(...actions.slice(0, room));
  else if (actions.length > 0) parts.push(actions.slice(0, room));
  const fallback = escapedPieces(message.text, SLACK_LIMITS.sectionText)[0] ?? "";
  return parts.map((blocks) => ({ text: fallback, blocks }));
}
