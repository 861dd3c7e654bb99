import { describe, expect, it } from "vitest";
import {
  alertBlocks,
  clip,
  customerReplyBlocks,
  digestBlocks,
  escapeMrkdwn,
  fullCommentModal,
  quoteMrkdwn,
  replyModal,
  resolveModal,
  scoreLine,
  summaryBlocks,
  surveyBlocks,
} from "../../bots/slack/blocks.ts";
import type { AlertRecord } from "../../core/alerts/alert.ts";
import { LOCALES } from "../../core/locale.ts";
import type { OutboundMessage } from "../../core/types.ts";
import { blockKitErrors, viewErrors } from "../fakes/slack-api.ts";

/** An alert as bad as input gets: every field at its longest, hostile text, a long history. */
function extremeAlert(i = 0): AlertRecord {
  const hostile = `<!channel> <@U123> *bold* ${"🙂".repeat(10)} ${"x".repeat(20_000)}`;
  const at = "2026-11-30T10:00:00.000Z";
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    rev: 3,
    flowKey: "nps",
    flowVersion: 1,
    flowTitle: { en: "T".repeat(300), fa: "ع".repeat(300) },
    rules: ["detractor", "negative-comment"],
    respondent: { channel: "telegram", userId: "42", displayName: hostile },
    locale: "fa",
    reference: "order-42",
    score: { stepId: "score", value: 0, scale: "nps", min: 0, max: 10, band: "detractor" },
    comments: Array.from({ length: 30 }, (_, j) => ({
      stepId: `why-${j}`,
      text: hostile,
      sentiment: "negative" as const,
      themes: ["processes", "price", "people"] as const,
    })),
    transcript: Array.from({ length: 12 }, (_, j) => ({
      direction: j % 2 === 0 ? ("out" as const) : ("in" as const),
      text: hostile,
      at,
    })),
    raisedAt: at,
    updatedAt: at,
    status: "assigned",
    assignee: { id: "slack:U0AGENT", name: "agent" },
    history: [
      { type: "raised", at, rules: ["detractor"] },
      ...Array.from({ length: 40 }, () => ({
        type: "replied" as const,
        at,
        actor: { id: "slack:U0AGENT" },
        text: hostile,
        delivered: true,
      })),
    ],
    post: { notifier: "slack", target: "C1", ref: "1.1" },
  };
}

describe("Block Kit rendering stays within Slack's limits", () => {
  it.each(LOCALES)("renders an extreme alert card that Slack accepts (%s)", (locale) => {
    const blocks = alertBlocks(extremeAlert(), locale, { interactive: true });
    expect(blockKitErrors(blocks, "message", "/blocks")).toEqual([]);
    const json = JSON.stringify(blocks);
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<@U123>");
  });

  it("renders a flood summary of 200 alerts, the digest and a customer's long reply that Slack accepts", () => {
    const alerts = Array.from({ length: 200 }, (_, i) => extremeAlert(i));
    expect(blockKitErrors(summaryBlocks(alerts, "en", { interactive: true }), "message", "/blocks")).toEqual(
      [],
    );
    expect(
      blockKitErrors(customerReplyBlocks(extremeAlert(), "y".repeat(40_000), "tr"), "message", "/b"),
    ).toEqual([]);
    const digest = digestBlocks(
      {
        period: "day",
        from: "2026-11-30",
        to: "2026-11-30",
        flows: Array.from({ length: 100 }, (_, i) => ({
          key: `f${i}`,
          title: { en: "A long flow title ".repeat(5), ar: "عنوان طويل ".repeat(5) },
          report: {
            flowKey: `f${i}`,
            from: "2026-11-30",
            to: "2026-11-30",
            previousFrom: "2026-11-29",
            previousTo: "2026-11-29",
            current: [
              {
                stepId: "score",
                scale: "nps",
                overall: { metric: "nps", value: -12, responses: 40 },
                histogram: { 0: 12, 5: 5, 7: 11, 9: 5, 10: 7 },
                byChannel: {},
                byLocale: {},
              },
            ],
            previous: [
              {
                stepId: "score",
                scale: "nps",
                overall: { metric: "nps", value: 5, responses: 10 },
                histogram: { 3: 2, 8: 5, 9: 2, 10: 1 },
                byChannel: {},
                byLocale: {},
              },
            ],
          },
        })),
      },
      "ar",
    );
    expect(blockKitErrors(digest, "message", "/blocks")).toEqual([]);
    const text = JSON.stringify(digest);
    expect(text).toContain("NPS -١٢ · عدد الإجابات: ٤٠ · −١٧");
    // Every flow is there, over as many sections as it takes.
    expect(text.match(/عنوان طويل/g)?.length).toBe(100 * 5);
  });

  it.each(LOCALES)("builds modals Slack accepts (%s)", (locale) => {
    const alert = extremeAlert();
    for (const view of [
      replyModal(alert, locale),
      resolveModal(alert, locale, { recoveryAvailable: true }),
      resolveModal(alert, locale, { recoveryAvailable: false }),
      fullCommentModal("z".repeat(400_000), locale),
    ]) {
      expect(viewErrors(view)).toEqual([]);
    }
  });

  it("lays out a survey question with one button per choice and a unique action id each", () => {
    const message: OutboundMessage = {
      kind: "question",
      text: "How likely…".repeat(1000),
      locale: "en",
      rtl: false,
      expectsText: true,
      layout: "scale",
      choices: Array.from({ length: 30 }, (_, i) => ({
        payload: `1:a:1:score:${i}`,
        label: String(i),
        role: "answer" as const,
      })),
    };
    const blocks = surveyBlocks(message);
    expect(blockKitErrors(blocks, "message", "/blocks")).toEqual([]);
    const ids = blocks.flatMap((b) =>
      b.type === "actions" ? b.elements.map((e) => ("action_id" in e ? e.action_id : "")) : [],
    );
    expect(new Set(ids).size).toBe(30);
  });

  it("writes the score in the staff locale's digits and words", () => {
    expect(scoreLine(extremeAlert(), "fa")).toBe("۰/۱۰ · منتقد");
    expect(scoreLine(extremeAlert(), "ar")).toBe("٠/١٠ · منتقد");
    expect(scoreLine(extremeAlert(), "tr")).toBe("0/10 · kötüleyen");
  });

  it("cuts a long comment after escaping it, visibly, and never inside an escape", () => {
    const comment = "<>&".repeat(1000);
    const alert = {
      ...extremeAlert(),
      comments: [{ stepId: "why", text: comment, sentiment: "negative" as const, themes: [] }],
    };
    const blocks = alertBlocks(alert, "en", { interactive: true });
    expect(blockKitErrors(blocks, "message", "/blocks")).toEqual([]);
    const section = JSON.stringify(blocks.find((b) => b.block_id === "cx_comment_0"));
    expect(section).toMatch(/shortened: \d+ of 3000 characters/);
    expect(section).toContain("Show full comment");
    expect(section).not.toMatch(/&(a|am|l|g|lt|gt|amp)…/);
    const quote = quoteMrkdwn("a<b", 5);
    expect(quote).toEqual({ text: ">a…", cut: true, shown: 1 });
  });

  it("offers no buttons where Slack cannot call back", () => {
    const card = JSON.stringify(alertBlocks(extremeAlert(), "en", { interactive: false }));
    const summary = JSON.stringify(summaryBlocks([extremeAlert()], "en", { interactive: false }));
    expect(card).not.toContain('"button"');
    expect(summary).not.toContain('"button"');
  });

  it("escapes mrkdwn control characters and clips without splitting an emoji", () => {
    expect(escapeMrkdwn("<!here> & <https://x|y>")).toBe("&lt;!here&gt; &amp; &lt;https://x|y&gt;");
    const clipped = clip("ab🙂cd", 4);
    expect(clipped).toBe("ab…");
    expect(clip("short", 10)).toBe("short");
  });
});
