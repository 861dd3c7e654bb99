import type { LocalizedText } from "../flow/schema.ts";
import { LANGUAGE_NAMES } from "../i18n/messages.ts";
import type { Locale } from "../locale.ts";
import { buildChartOption, type ChartOption, chartDate } from "../reports/chart.ts";
import { toLocaleDigits } from "../text/digits.ts";
import { themeLabel } from "../themes/themes.ts";
import type { Actor, AlertComment, AlertHistoryEntry, AlertRecord } from "./alert.ts";
import { type StaffMessageKey, staffText } from "./messages.ts";
import type { Digest } from "./service.ts";

/**
 * Alerts and digests as view models: everything a support team reads, in their language, as plain text a
 * notifier renders with its own widgets (Slack blocks, Discord embeds) and its own escaping. Platform specifics
 * come in through {@link ViewFormat}: how a person and a time are written there.
 */

/** How a notifier writes what the view cannot know. */
export interface ViewFormat {
  /** An agent or assignee (`<@U123>` on Slack, `<@123>` on Discord, else their name). */
  readonly who: (actor: Actor) => string;
  /** An ISO instant as the platform shows times (a localized timestamp token, or the text itself). */
  readonly time: (iso: string) => string;
  /** How customer or agent words follow a history line (default: `: “…”`). */
  readonly quote?: (text: string) => string;
}

/** The actions an agent can take on an alert, in the order they are offered. */
export type AlertActionKind = "acknowledge" | "assign" | "reply" | "resolve";

export interface AlertView {
  /** "Net Promoter Score (NPS): 2/10 · detractor". */
  readonly title: string;
  /** Customer, platform, language, received, reference. */
  readonly fields: readonly { readonly label: string; readonly value: string }[];
  /** Each comment: its heading (sentiment and themes) and the customer's words, as written. */
  readonly comments: readonly { readonly heading: string; readonly text: string }[];
  /** The recent conversation, as `(in|out, text)` lines. */
  readonly transcriptTitle: string;
  readonly transcript: readonly { readonly direction: "in" | "out"; readonly text: string }[];
  /** What an agent can do now (none once resolved), with the buttons' labels. */
  readonly actions: readonly { readonly kind: AlertActionKind; readonly label: string }[];
  /** "Status: Assigned · assigned to …". */
  readonly status: string;
  /** Who did what, oldest first. */
  readonly history: readonly string[];
}

export const BAND_KEY = {
  detractor: "band_detractor",
  passive: "band_passive",
  promoter: "band_promoter",
  low: "band_low",
  neutral: "band_neutral",
  high: "band_high",
} as const satisfies Record<string, StaffMessageKey>;
export const SENTIMENT_KEY = {
  negative: "sentiment_negative",
  neutral: "sentiment_neutral",
  positive: "sentiment_positive",
} as const satisfies Record<string, StaffMessageKey>;
/**
 * A comment's components, each with how its own clauses read when that is not neutral: "Delivery (negative),
 * Staff (positive)". Alerts stored before per-component sentiment existed list the components alone.
 */
export function commentThemes(comment: AlertComment, locale: Locale): string {
  if (comment.themes.length === 0) return staffText(locale, "noThemes");
  const separator = locale === "fa" || locale === "ar" ? "، " : ", ";
  return comment.themes
    .map((theme) => {
      const sentiment = comment.themeSentiment?.[theme];
      const label = themeLabel(theme, locale);
      return sentiment && sentiment !== "neutral"
        ? `${label} (${staffText(locale, SENTIMENT_KEY[sentiment])})`
        : label;
    })
    .join(separator);
}

export const CHANNEL_KEY = {
  console: "channel_console",
  telegram: "channel_telegram",
  slack: "channel_slack",
  discord: "channel_discord",
} as const satisfies Record<string, StaffMessageKey>;
export const STATUS_KEY = {
  open: "status_open",
  acknowledged: "status_acknowledged",
  assigned: "status_assigned",
  resolved: "status_resolved",
} as const satisfies Record<string, StaffMessageKey>;
export const RESOLVED_LINE = {
  none: "historyResolved",
  sent: "historyRecoverySent",
  skipped: "historyRecoverySkipped",
  failed: "historyRecoveryFailed",
} as const satisfies Record<string, StaffMessageKey>;

/** A flow title in the support team's language, else English, else whichever language it has. */
export function titleIn(title: LocalizedText, locale: Locale): string {
  return title[locale] ?? title.en ?? Object.values(title).find((v) => v !== undefined) ?? "";
}

/** "3/10 · detractor" in the staff locale's digits and words. */
export function scoreText(alert: AlertRecord, locale: Locale): string | undefined {
  const s = alert.score;
  if (!s) return undefined;
  const band = s.band ? ` · ${staffText(locale, BAND_KEY[s.band])}` : "";
  return `${toLocaleDigits(`${s.value}/${s.max}`, locale)}${band}`;
}

/** The alert's headline. */
export function alertTitle(alert: AlertRecord, locale: Locale): string {
  const flow = titleIn(alert.flowTitle, locale);
  const score = scoreText(alert, locale);
  return score
    ? staffText(locale, "alertTitle", { flow, score })
    : staffText(locale, "alertTitleNoScore", { flow });
}

/** The name of a platform in the staff locale. */
export const platformName = (channel: AlertRecord["respondent"]["channel"], locale: Locale): string =>
  staffText(locale, CHANNEL_KEY[channel]);

function historyLine(entry: AlertHistoryEntry, locale: Locale, format: ViewFormat): string | undefined {
  const time = format.time(entry.at);
  const quote = format.quote ?? ((text: string) => `: “${text}”`);
  switch (entry.type) {
    case "raised":
      return undefined;
    case "acknowledged":
      return staffText(locale, "historyAcknowledged", { who: format.who(entry.actor), time });
    case "assigned":
      return staffText(locale, "historyAssigned", {
        who: format.who(entry.actor),
        assignee: format.who(entry.assignee),
        time,
      });
    case "replied":
      return `${staffText(locale, entry.delivered ? "historyReplied" : "historyReplyFailed", {
        who: format.who(entry.actor),
        time,
      })}${quote(entry.text)}`;
    case "customer-replied":
      return `${staffText(locale, "historyCustomerReplied", { time })}${quote(entry.text)}`;
    case "resolved":
      return staffText(locale, RESOLVED_LINE[entry.recovery ?? "none"], {
        who: format.who(entry.actor),
        time,
      });
    default: {
      const never: never = entry;
      throw new Error(`unknown history entry ${JSON.stringify(never)}`);
    }
  }
}

/** An alert as support reads it (see {@link AlertView}). */
export function alertView(alert: AlertRecord, locale: Locale, format: ViewFormat): AlertView {
  const s = (key: StaffMessageKey, params?: Readonly<Record<string, string | number>>) =>
    staffText(locale, key, params);
  return {
    title: alertTitle(alert, locale),
    fields: [
      { label: s("customer"), value: alert.respondent.displayName ?? alert.respondent.userId },
      { label: s("platform"), value: platformName(alert.respondent.channel, locale) },
      { label: s("language"), value: LANGUAGE_NAMES[alert.locale] },
      { label: s("received"), value: format.time(alert.raisedAt) },
      ...(alert.reference ? [{ label: s("reference"), value: alert.reference }] : []),
    ],
    comments: alert.comments.map((c) => ({
      heading: `${s("comment")} · ${s("sentiment")}: ${s(SENTIMENT_KEY[c.sentiment])} · ${s("themes")}: ${commentThemes(
        c,
        locale,
      )}${c.disagrees ? ` · ${s("disagrees")}` : ""}`,
      text: c.text,
    })),
    transcriptTitle: s("transcript"),
    transcript: alert.transcript.map((e) => ({ direction: e.direction, text: e.text })),
    actions:
      alert.status === "resolved"
        ? []
        : [
            ...(alert.status === "open" ? [{ kind: "acknowledge" as const, label: s("acknowledge") }] : []),
            { kind: "assign", label: s("assignToMe") },
            { kind: "reply", label: s("reply") },
            { kind: "resolve", label: s("resolve") },
          ],
    status: `${s("statusLine", { status: s(STATUS_KEY[alert.status]) })}${
      alert.assignee && alert.status !== "resolved"
        ? ` · ${s("assignedTo", { who: format.who(alert.assignee) })}`
        : ""
    }`,
    history: alert.history
      .map((e) => historyLine(e, locale, format))
      .filter((l): l is string => l !== undefined),
  };
}

/**
 * A digest as lines: one per flow and scored step, with its count and the change from the day (or week) before;
 * titled "Daily scores for …" or "Weekly digest · …".
 */
export function digestView(
  digest: Digest,
  locale: Locale,
  escapeText: (text: string) => string = (text) => text,
): { title: string; lines: string[] } {
  const lines: string[] = [];
  const weekly = digest.period === "week";
  for (const f of digest.flows) {
    const title = escapeText(titleIn(f.title, locale));
    const current = f.report.current;
    if (current.length === 0) {
      lines.push(staffText(locale, "digestNoAnswers", { flow: title }));
      continue;
    }
    for (const step of current) {
      const before = f.report.previous.find((p) => p.stepId === step.stepId)?.overall;
      const now = step.overall;
      let change = staffText(locale, "digestNew");
      if (before && before.value !== null && now.value !== null) {
        const delta = now.value - before.value;
        change =
          Math.abs(delta) < 0.05
            ? staffText(locale, "digestNoChange")
            : staffText(locale, weekly ? "digestWeekChange" : "digestChange", {
                sign: delta > 0 ? "+" : "−",
                delta: toLocaleDigits(
                  Math.abs(delta).toFixed(now.metric === "ces" || now.metric === "mean" ? 1 : 0),
                  locale,
                ),
              });
      }
      const value =
        now.value === null
          ? "—"
          : now.metric === "csat"
            ? `${now.value.toFixed(0)}%`
            : now.value.toFixed(now.metric === "nps" ? 0 : 1);
      lines.push(
        staffText(locale, "digestLine", {
          flow: current.length > 1 ? `${title} (${step.stepId})` : title,
          metric: now.metric.toUpperCase(),
          value: toLocaleDigits(value, locale),
          count: now.responses,
          change,
        }),
      );
    }
  }
  return {
    title: digestTitle(digest, locale),
    lines: lines.length > 0 ? lines : [staffText(locale, weekly ? "digestWeekEmpty" : "digestEmpty")],
  };
}

/** A digest's title: "Daily scores for 2026-12-05", or "Weekly digest · 29 November 2026 – 5 December 2026". */
export function digestTitle(digest: Digest, locale: Locale): string {
  switch (digest.period) {
    case "day":
      return staffText(locale, "digestTitle", { day: digest.to });
    case "week":
      return staffText(locale, "digestWeekTitle", {
        from: chartDate(digest.from, locale, true),
        to: chartDate(digest.to, locale, true),
      });
    default: {
      const never: never = digest.period;
      throw new Error(`unknown digest period ${String(never)}`);
    }
  }
}

/** A chart of a digest: the flow it shows, a file name for it, and the option a renderer draws. */
export interface DigestChart {
  readonly flowKey: string;
  /** `<flow>-<last day>.png` (`-week` added for a weekly digest's). */
  readonly fileName: string;
  readonly option: ChartOption;
}

/**
 * The charts of a digest, in its flows' order: one per flow with answers in the period, the same chart
 * `/cx report` draws (in the staff's language; right to left in fa and ar).
 */
export function digestCharts(digest: Digest, locale: Locale): DigestChart[] {
  return digest.flows.flatMap((f) =>
    f.chart
      ? [
          {
            flowKey: f.key,
            fileName: `${f.key}-${digest.to}${digest.period === "week" ? "-week" : ""}.png`,
            option: buildChartOption({ title: titleIn(f.title, locale), locale, series: f.chart }),
          },
        ]
      : [],
  );
}
