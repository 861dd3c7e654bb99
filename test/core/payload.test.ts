import { describe, expect, it } from "vitest";
import { conversationTag, decodePayload, encodePayload, MAX_PAYLOAD_BYTES } from "../../core/payload.ts";

describe("button payloads", () => {
  it("round-trips every kind", () => {
    const payloads = [
      { kind: "answer", flowVersion: 3, stepId: "score", value: "10" },
      { kind: "answer", conversation: "Ab3_-x9Z", flowVersion: 3, stepId: "score", value: "10" },
      { kind: "done", conversation: "Ab3_-x9Z", flowVersion: 2, stepId: "topics" },
      { kind: "skip", conversation: "Ab3_-x9Z", flowVersion: 2, stepId: "why-negative" },
      { kind: "answer", flowVersion: 1, stepId: "contact", value: "yes" },
      { kind: "done", flowVersion: 2, stepId: "topics" },
      { kind: "skip", flowVersion: 2, stepId: "why-negative" },
      { kind: "language", locale: "fa" },
      { kind: "command", command: "stop" },
    ] as const;
    for (const p of payloads) expect(decodePayload(encodePayload(p))).toEqual({ ok: true, value: p });
  });

  it("fits Telegram's 64-byte callback_data with the longest ids allowed", () => {
    const longest = encodePayload({
      kind: "answer",
      conversation: conversationTag("a-conversation-id"),
      flowVersion: 999_999,
      stepId: "s".repeat(24),
      value: "o".repeat(16),
    });
    expect(Buffer.byteLength(longest)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it("tags a conversation with 8 URL-safe characters, different for different conversations", () => {
    const a = conversationTag("0b5e6a8c-1111-4000-8000-000000000001");
    expect(a).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(conversationTag("0b5e6a8c-1111-4000-8000-000000000001")).toBe(a);
    expect(conversationTag("0b5e6a8c-1111-4000-8000-000000000002")).not.toBe(a);
  });

  it.each([
    "",
    '{"step":"score"}',
    "1:a:3:score",
    "1:a:0:score:7",
    "1:a:3:SCORE:7",
    "1:a:3:score:7:extra",
    "2:a:3:score:7",
    "2:a:short:3:score:7",
    "2:a:Ab3_-x9Z:3:score",
    "2:a:Ab3_-x9Z:3:score:7:extra",
    "2:l:Ab3_-x9Z:3:score",
    "3:a:Ab3_-x9Z:3:score:7",
    "1:l:de",
    "1:c:drop-database",
    "1:a:3:score:$gt",
    `1:a:3:score:${"9".repeat(80)}`,
  ])("rejects %j", (raw) => {
    expect(decodePayload(raw)).toEqual({ ok: false, error: "PAYLOAD_INVALID" });
  });
});
