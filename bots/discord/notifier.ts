import { type APIEmbed, type APIMessage, escapeMarkdown, type REST, Routes } from "discord.js";
import type { Actor, AlertPost, AlertRecord } from "../../core/alerts/alert.ts";
import { staffText } from "../../core/alerts/messages.ts";
import type { AlertNotifier } from "../../core/alerts/service.ts";
import {
  type AlertActionKind,
  alertView,
  digestView,
  platformName,
  scoreText,
  titleIn,
} from "../../core/alerts/view.ts";
import type { Locale } from "../../core/locale.ts";
import { cutText } from "../../core/text/cut.ts";
import {
  type ChartRenderer,
  type DigestImage,
  drawDigestCharts,
  renderChartLazily,
} from "../charts/digest.ts";
import type { Logger } from "../logger.ts";
import { DISCORD_LIMITS } from "./render.ts";

/** Discord's embed limits. */
const EMBED = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

/** The custom_id of an alert action button: `cx:alert:<action>:<alert id>` (an alert id is a UUID: ≤ 100). */
export const ALERT_ACTION_PREFIX = "cx:alert:";
export type DiscordAlertAction = AlertActionKind | "resolve-ask" | "open";

export const alertActionId = (action: DiscordAlertAction, id: string): string =>
  `${ALERT_ACTION_PREFIX}${action}:${id}`;

/** Reads an alert action's custom_id; undefined when it is none. */
export function parseAlertAction(customId: string): { action: DiscordAlertAction; id: string } | undefined {
  const m = /^cx:alert:(acknowledge|assign|reply|resolve|resolve-ask|open):([A-Za-z0-9_-]{1,80})$/.exec(
    customId,
  );
  return m?.[1] && m[2] ? { action: m[1] as DiscordAlertAction, id: m[2] } : undefined;
}

/** How a person is written in a Discord message: a mention for Discord users, else their name. */
const who = (actor: Actor): string => {
  const [platform, id] = actor.id.split(/:(.*)/s);
  return platform === "discord" && id && /^\d+$/.test(id)
    ? `<@${id}>`
    : escapeMarkdown(actor.name ?? actor.id);
};
/** A time as Discord shows it: in each reader's own time zone and language. */
const time = (iso: string): string => `<t:${Math.floor(Date.parse(iso) / 1000)}:f>`;

const quote = (text: string, max: number): string =>
  cutText(
    escapeMarkdown(text)
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n"),
    max,
    { ellipsis: true },
  );

/** An alert as a Discord embed with its action buttons. */
export function alertMessage(alert: AlertRecord, locale: Locale, options: { recovery: boolean }) {
  const view = alertView(alert, locale, { who, time });
  const comments = view.comments.map((c) => `**${escapeMarkdown(c.heading)}**\n${quote(c.text, 900)}`);
  const transcript = view.transcript.map(
    (l) =>
      `${l.direction === "in" ? "👤" : "🤖"} ${escapeMarkdown(cutText(l.text.replace(/\s+/g, " "), 200, { ellipsis: true }))}`,
  );
  const description = cutText(
    [...comments, ...(transcript.length > 0 ? [`**${view.transcriptTitle}**`, ...transcript] : [])].join(
      "\n\n",
    ),
    EMBED.description - 1000,
    { ellipsis: true },
  );
  const embed: APIEmbed = {
    title: cutText(view.title, EMBED.title, { ellipsis: true }),
    description,
    color: alert.status === "resolved" ? 0x2ecc71 : alert.status === "open" ? 0xe74c3c : 0xf1c40f,
    fields: view.fields.map((f) => ({
      name: cutText(f.label, EMBED.fieldName),
      value: cutText(escapeMarkdown(f.value), EMBED.fieldValue) || "—",
      inline: true,
    })),
    footer: {
      text: cutText([view.status, ...view.history.slice(-6)].join("\n").replace(/<t:\d+:f>/g, ""), 400, {
        ellipsis: true,
      }),
    },
  };
  const history = view.history.slice(-6).join("\n");
  const buttons = view.actions.flatMap((a): { kind: DiscordAlertAction; label: string }[] =>
    a.kind === "resolve" && options.recovery
      ? [
          { kind: "resolve" as const, label: a.label },
          { kind: "resolve-ask" as const, label: staffText(locale, "resolveRecovery") },
        ]
      : [{ kind: a.kind, label: a.label }],
  );
  return {
    content: cutText(history, DISCORD_LIMITS.content),
    embeds: [embed],
    components:
      buttons.length === 0
        ? []
        : [
            {
              type: 1,
              components: buttons.slice(0, 5).map((b) => ({
                type: 2,
                style: b.kind === "reply" ? 1 : 2,
                label: cutText(b.label, DISCORD_LIMITS.buttonLabel),
                custom_id: alertActionId(b.kind, alert.id),
              })),
            },
          ],
    allowed_mentions: { parse: [] },
  };
}

export interface DiscordNotifierOptions {
  readonly rest: REST;
  readonly staffLocale: Locale;
  /** Whether resolving can also send the customer a recovery question (a second Resolve button). */
  readonly recovery: () => boolean;
  /** Where a digest chart that could not be drawn or attached is reported. */
  readonly logger: Logger;
  /** Draws the digest's charts (default: the real renderer, loaded on the first digest). */
  readonly renderChart?: ChartRenderer;
}

/** Files one Discord message can carry. */
const FILES_PER_MESSAGE = 10;

/** Alerts, flood summaries, digests and customers' replies in a Discord channel. */
export function createDiscordNotifier(options: DiscordNotifierOptions): AlertNotifier {
  const { rest, staffLocale: locale } = options;
  const send = async (channel: string, body: Record<string, unknown>): Promise<APIMessage> =>
    (await rest.post(Routes.channelMessages(channel), { body })) as APIMessage;
  /** A message with PNGs attached, as an admin reply attaches a report's chart (multipart, `files[n]`). */
  const sendWithFiles = async (
    channel: string,
    body: Record<string, unknown>,
    images: readonly DigestImage[],
  ): Promise<APIMessage> =>
    images.length === 0
      ? send(channel, body)
      : ((await rest.post(Routes.channelMessages(channel), {
          body: {
            ...body,
            attachments: images.map((image, id) => ({ id: String(id), filename: image.name })),
          },
          files: images.map((image) => ({
            name: image.name,
            data: Buffer.from(image.png),
            contentType: "image/png",
          })),
        })) as APIMessage);
  return {
    name: "discord",
    async post(target, alert, opts) {
      const sent = await send(target, {
        ...alertMessage(alert, locale, { recovery: options.recovery() }),
        ...(opts?.under
          ? { message_reference: { message_id: opts.under.ref, fail_if_not_exists: false } }
          : {}),
      });
      return { notifier: "discord", target, ref: sent.id };
    },
    async update(alert, post: AlertPost) {
      if (post.folded) return;
      await rest.patch(Routes.channelMessage(post.target, post.ref), {
        body: alertMessage(alert, locale, { recovery: options.recovery() }),
      });
    },
    async postSummary(target, alerts) {
      const lines = alerts.map((a) =>
        staffText(locale, "floodLine", {
          flow: escapeMarkdown(titleIn(a.flowTitle, locale)),
          score: scoreText(a, locale) ?? "—",
          customer: escapeMarkdown(cutText(a.respondent.displayName ?? a.respondent.userId, 80)),
          platform: platformName(a.respondent.channel, locale),
        }),
      );
      const openable = alerts.slice(0, 25);
      const sent = await send(target, {
        embeds: [
          {
            title: cutText(staffText(locale, "floodTitle", { count: alerts.length }), EMBED.title),
            description: cutText(lines.map((l, i) => `${i + 1}. ${l}`).join("\n"), EMBED.description, {
              ellipsis: true,
            }),
          },
        ],
        components: Array.from({ length: Math.ceil(openable.length / 5) }, (_, r) => ({
          type: 1,
          components: openable.slice(r * 5, r * 5 + 5).map((a, i) => ({
            type: 2,
            style: 2,
            label: cutText(`${staffText(locale, "open")} ${r * 5 + i + 1}`, DISCORD_LIMITS.buttonLabel),
            custom_id: alertActionId("open", a.id),
          })),
        })),
        allowed_mentions: { parse: [] },
      });
      return { notifier: "discord", target, ref: sent.id };
    },
    async postDigest(target, digest) {
      const view = digestView(digest, locale);
      // The charts are drawn first; one that cannot be drawn is left out, never the numbers.
      const images = await drawDigestCharts(
        digest,
        locale,
        options.renderChart ?? renderChartLazily,
        (error, flow) =>
          options.logger.error(
            { err: error, code: "DIGEST_CHART_FAILED", flow },
            "a digest chart could not be drawn",
          ),
      );
      const body = {
        embeds: [
          {
            title: cutText(view.title, EMBED.title),
            description: cutText(view.lines.map((l) => escapeMarkdown(l)).join("\n"), EMBED.description, {
              ellipsis: true,
            }),
          },
        ],
        allowed_mentions: { parse: [] },
      };
      const [first = [], ...more] = chunks(images, FILES_PER_MESSAGE);
      const chartsFailed = (error: unknown) =>
        options.logger.error(
          { err: error, code: "DIGEST_CHART_UPLOAD" },
          "digest charts could not be attached",
        );
      // The charts are attached to the digest itself (10 a message; more follow in messages of their own).
      try {
        await sendWithFiles(target, body, first);
      } catch (error) {
        if (first.length === 0) throw error;
        chartsFailed(error);
        await send(target, body);
        return;
      }
      for (const files of more)
        await sendWithFiles(target, { allowed_mentions: { parse: [] } }, files).catch(chartsFailed);
    },
    async postCustomerReply(alert, post, text) {
      const customer = escapeMarkdown(cutText(alert.respondent.displayName ?? alert.respondent.userId, 200));
      await send(post.target, {
        content: cutText(
          `${staffText(locale, "customerReplied", { customer })}\n${quote(text, DISCORD_LIMITS.content - 300)}`,
          DISCORD_LIMITS.content,
        ),
        message_reference: { message_id: post.ref, fail_if_not_exists: false },
        allowed_mentions: { parse: [] },
      });
    },
  };
}

/** `items` in runs of `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
