import { describe, expect, it } from "vitest";
import { keyboardRows, splitText } from "../../bots/telegram/render.ts";
import { parseStartPayload } from "../../core/commands.ts";
import { encodePayload } from "../../core/payload.ts";
import type { OutboundMessage } from "../../core/types.ts";

const scale = (n: number, rtl: boolean, extra = false): OutboundMessage => ({
  kind: "question",
  text: "?",
  locale: rtl ? "fa" : "en",
  rtl,
  expectsText: true,
  layout: "scale",
  choices: [
    ...Array.from({ length: n }, (_, v) => ({
      payload: encodePayload({ kind: "answer", flowVersion: 1, stepId: "score", value: String(v) }),
      label: String(v),
      role: "answer" as const,
    })),
    ...(extra
      ? [
          {
            payload: encodePayload({ kind: "skip", flowVersion: 1, stepId: "score" }),
            label: "Skip",
            role: "skip" as const,
          },
        ]
      : []),
  ],
});

describe("inline keyboards", () => {
  it("fits NPS 0–10 on a phone as 6 + 5, lowest first for left-to-right readers", () => {
    expect(keyboardRows(scale(11, false)).map((r) => r.map((b) => b.text))).toEqual([
      ["0", "1", "2", "3", "4", "5"],
      ["6", "7", "8", "9", "10"],
    ]);
  });

  it("runs each row right to left in Persian and Arabic, so 0 sits where the reader starts", () => {
    expect(keyboardRows(scale(11, true)).map((r) => r.map((b) => b.text))).toEqual([
      ["5", "4", "3", "2", "1", "0"],
      ["10", "9", "8", "7", "6"],
    ]);
  });

  it("keeps a 5- or 7-point scale on one row and puts Skip on its own row", () => {
    expect(keyboardRows(scale(5, false, true)).map((r) => r.map((b) => b.text))).toEqual([
      ["0", "1", "2", "3", "4"],
      ["Skip"],
    ]);
  });

  it("refuses callback_data over 64 bytes rather than letting Telegram reject the message", () => {
    const m: OutboundMessage = {
      ...scale(1, false),
      choices: [{ payload: "x".repeat(65), label: "x", role: "answer" }],
      layout: "list",
    };
    expect(() => keyboardRows(m)).toThrow(/64 bytes/);
  });
});

describe("splitText", () => {
  it("keeps short text whole and splits long text under 4096 UTF-16 units, at a line break", () => {
    expect(splitText("hello")).toEqual(["hello"]);
    const long = `${"a".repeat(3000)}\n${"b".repeat(3000)}`;
    expect(splitText(long)).toEqual(["a".repeat(3000), "b".repeat(3000)]);
    const emoji = "😀".repeat(3000);
    const parts = splitText(emoji);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("")).toBe(emoji);
  });
});

describe("deep-link payloads", () => {
  it.each([
    ["nps", { flowKey: "nps" }],
    ["nps__order42", { flowKey: "nps", reference: "order42" }],
    ["CSAT__A-7_x", { flowKey: "csat", reference: "A-7_x" }],
    ["", {}],
    ["bad key!", {}],
    ["nps__", { flowKey: "nps" }],
  ])("%j → %j", (payload, expected) => {
    expect(parseStartPayload(payload)).toEqual(expected);
  });
});
