import { describe, expect, it } from "vitest";
import { adminMessageParts, escapedPieces, SLACK_LIMITS, typedText } from "../../bots/slack/blocks.ts";
import type { AdminMessage } from "../../core/admin/types.ts";
import { blockKitErrors } from "../fakes/slack-api.ts";

const message = (text: string, extra: Partial<AdminMessage> = {}): AdminMessage => ({
  text,
  locale: "en",
  rtl: false,
  ...extra,
});

const sectionTexts = (blocks: readonly { type: string; text?: unknown }[]) =>
  blocks.flatMap((b) =>
    b.type === "section" && typeof b.text === "object" && b.text !== null && "text" in b.text
      ? [String(b.text.text)]
      : [],
  );

describe("admin replies as Block Kit", () => {
  it("escapes &, < and > in mrkdwn sections, so `<flow>` is shown and nothing is read as a link or mention", () => {
    const [part] = adminMessageParts(message("show <flow> [language]\nR&D <!channel> <@U1>"));
    expect(part?.blocks).toEqual([
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: "show &lt;flow&gt; [language]\nR&amp;D &lt;!channel&gt; &lt;@U1&gt;",
          verbatim: true,
        },
      },
    ]);
    expect(part?.text).toBe("show &lt;flow&gt; [language]\nR&amp;D &lt;!channel&gt; &lt;@U1&gt;");
  });

  it("splits text over 3000 characters (counted escaped) between lines, never inside an entity", () => {
    const line = `${"&".repeat(500)}x`; // 2501 characters escaped
    const pieces = escapedPieces([line, line, "end"].join("\n"), SLACK_LIMITS.sectionText);
    expect(pieces.map((p) => p.length)).toEqual([2501, 2505]);
    expect(pieces[1]?.endsWith("x\nend")).toBe(true);
    // One line longer than a section: cut between characters, each piece within the limit.
    const long = escapedPieces("<".repeat(1000), 3000);
    expect(long.map((p) => p.length)).toEqual([3000, 1000]);
    expect(long.every((p) => /^(&lt;)+$/.test(p))).toBe(true);
    // Graphemes are not split.
    const emoji = escapedPieces("👍🏽".repeat(1000), 3000);
    expect(emoji.join("")).toBe("👍🏽".repeat(1000));
    expect(emoji.every((p) => p.length <= 3000 && /^(👍🏽)+$/u.test(p))).toBe(true);
  });

  it("buttons: one actions block per row (25 at most), unique action ids, labels cut to 75, style kept", () => {
    const row = Array.from({ length: 30 }, (_, i) => ({ label: `Flow ${i}`, payload: `cx:c:show f${i}` }));
    const parts = adminMessageParts(
      message("Flows:", {
        buttons: [
          [
            { label: "Publish", payload: "cx:p:csat:2", style: "primary" },
            { label: "Turn off", payload: "cx:c:disable csat", style: "danger" },
          ],
          row,
          [{ label: "x".repeat(90), payload: "cx:c:help" }],
        ],
      }),
    );
    expect(parts).toHaveLength(1);
    const blocks = parts[0]?.blocks ?? [];
    expect(blocks.map((b) => b.type)).toEqual(["section", "actions", "actions", "actions", "actions"]);
    const elements = blocks.flatMap((b) => (b.type === "actions" ? b.elements : []));
    expect(elements).toHaveLength(33);
    expect(new Set(elements.map((e) => ("action_id" in e ? e.action_id : ""))).size).toBe(33);
    expect(elements[0]).toMatchObject({
      type: "button",
      action_id: "cx_admin_0",
      value: "cx:p:csat:2",
      style: "primary",
      text: { type: "plain_text", text: "Publish" },
    });
    expect(elements[1]).toMatchObject({ style: "danger", value: "cx:c:disable csat" });
    expect(elements[2]).not.toHaveProperty("style");
    const last = elements.at(-1);
    expect(last && "text" in last ? [...String(last.text?.text)].length : 0).toBe(75);
    expect(blockKitErrors(blocks, "message", "/blocks")).toEqual([]);
  });

  it("a reply longer than 50 blocks goes on in another message, the buttons under the last", () => {
    const text = Array.from({ length: 60 }, (_, i) => `${i}:${"y".repeat(2990)}`).join("\n");
    const parts = adminMessageParts(
      message(text, { buttons: [[{ label: "Publish", payload: "cx:p:a:1" }]] }),
    );
    expect(parts.map((p) => p.blocks.length)).toEqual([50, 11]);
    expect(parts[1]?.blocks.at(-1)?.type).toBe("actions");
    for (const p of parts) expect(blockKitErrors(p.blocks, "message", "/blocks")).toEqual([]);
    expect(sectionTexts(parts.flatMap((p) => p.blocks)).join("\n")).toBe(text);
  });
});

describe("what users type, from Slack's encoding", () => {
  it("decodes entities and link markup; keeps mentions", () => {
    expect(typedText("Fast &amp; &lt;fair&gt;")).toBe("Fast & <fair>");
    expect(typedText("&amp;lt;")).toBe("&lt;");
    expect(typedText("see <https://example.com/a?b=1&amp;c=2|example.com> or <mailto:a@b.co>")).toBe(
      "see example.com or mailto:a@b.co",
    );
    expect(typedText("hi <@U123> in <#C1|general>")).toBe("hi <@U123> in <#C1|general>");
  });
});
