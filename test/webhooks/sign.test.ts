import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ConversationState } from "../../core/engine/state.ts";
import { alertEvent, eventId, pseudonym, responseEvent } from "../../core/webhooks/events.ts";
import { checkWebhookUrl, isPrivateAddress } from "../../core/webhooks/registry.ts";
import { signWebhook, verifyWebhook } from "../../core/webhooks/sign.ts";

const SECRET = "whsec_0123456789abcdef0123456789abcdef0123456789abcdef";
const BODY = JSON.stringify({ id: "evt_1", type: "response.completed", createdAt: "x", data: { a: 1 } });
const NOW = new Date("2026-12-05T10:00:00Z");

describe("webhook signatures", () => {
  it("signs with v1=HMAC-SHA256(secret, 'v1:' + timestamp + ':' + body), and the verifier accepts it", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    const timestamp = Math.floor(NOW.getTime() / 1000);
    expect(headers["X-Cxbot-Timestamp"]).toBe(String(timestamp));
    const expected = createHmac("sha256", SECRET).update(`v1:${timestamp}:${BODY}`).digest("hex");
    expect(headers["X-Cxbot-Signature"]).toBe(`v1=${expected}`);
    expect(verifyWebhook(SECRET, headers, BODY, 300, NOW)).toEqual({ ok: true });
    // Node's lower-cased header object and a fetch Headers work the same.
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhook(SECRET, lower, BODY, 300, NOW)).toEqual({ ok: true });
    expect(verifyWebhook(SECRET, new Headers(headers), BODY, 300, NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body, another secret, and a missing header", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    expect(verifyWebhook(SECRET, headers, BODY.replace('"a":1', '"a":2'), 300, NOW)).toEqual({
      ok: false,
      error: "bad-signature",
    });
    expect(verifyWebhook(`${SECRET}x`, headers, BODY, 300, NOW)).toEqual({
      ok: false,
      error: "bad-signature",
    });
    expect(
      verifyWebhook(SECRET, { "X-Cxbot-Timestamp": headers["X-Cxbot-Timestamp"] }, BODY, 300, NOW),
    ).toEqual({
      ok: false,
      error: "missing-header",
    });
  });

  it("rejects an old (replayed) or future timestamp, and one that is not a number", () => {
    const old = signWebhook(SECRET, BODY, new Date(NOW.getTime() - 301_000));
    expect(verifyWebhook(SECRET, old, BODY, 300, NOW)).toEqual({ ok: false, error: "too-old" });
    const future = signWebhook(SECRET, BODY, new Date(NOW.getTime() + 301_000));
    expect(verifyWebhook(SECRET, future, BODY, 300, NOW)).toEqual({ ok: false, error: "too-old" });
    // Re-signing the old body with a fresh timestamp needs the secret: a changed timestamp breaks the signature.
    expect(
      verifyWebhook(SECRET, { ...old, "X-Cxbot-Timestamp": String(NOW.getTime() / 1000) }, BODY, 300, NOW),
    ).toEqual({ ok: false, error: "bad-signature" });
    expect(verifyWebhook(SECRET, { ...old, "X-Cxbot-Timestamp": "soon" }, BODY, 300, NOW)).toEqual({
      ok: false,
      error: "bad-timestamp",
    });
  });

  it("accepts any one of several v1 signatures (a receiver overlapping two secrets)", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    const other = signWebhook("whsec_other", BODY, NOW)["X-Cxbot-Signature"];
    const both = { ...headers, "X-Cxbot-Signature": `${other}, ${headers["X-Cxbot-Signature"]}` };
    expect(verifyWebhook(SECRET, both, BODY, 300, NOW)).toEqual({ ok: true });
  });
});

describe("webhook receiver URLs", () => {
  const strict = { allowLoopback: false };
  const local = { allowLoopback: true };

  it("takes https to public hosts and refuses http, credentials and private addresses", () => {
    expect(checkWebhookUrl("https://hooks.example.com/cx?x=1", strict)).toEqual({
      ok: true,
      value: "https://hooks.example.com/cx?x=1",
    });
    expect(checkWebhookUrl("http://hooks.example.com/cx", strict)).toEqual({ ok: false, error: "not-https" });
    expect(checkWebhookUrl("https://u:p@hooks.example.com/", strict)).toEqual({
      ok: false,
      error: "credentials",
    });
    expect(checkWebhookUrl("ftp://hooks.example.com/", strict)).toEqual({ ok: false, error: "invalid" });
    expect(checkWebhookUrl("not a url", strict)).toEqual({ ok: false, error: "invalid" });
    for (const host of [
      "10.1.2.3",
      "192.168.0.10",
      "172.20.0.1",
      "169.254.169.254",
      "127.0.0.1",
      "[::1]",
      "[fd00::1]",
      "localhost",
    ])
      expect([host, checkWebhookUrl(`https://${host}/hook`, strict)]).toEqual([
        host,
        { ok: false, error: "private-address" },
      ]);
  });

  it("takes loopback receivers, over http too, only with CX_WEBHOOKS_ALLOW_HTTP", () => {
    expect(checkWebhookUrl("http://127.0.0.1:8080/hook", local).ok).toBe(true);
    expect(checkWebhookUrl("http://localhost:8080/hook", local).ok).toBe(true);
    expect(checkWebhookUrl("http://10.0.0.1/hook", local)).toEqual({ ok: false, error: "not-https" });
    expect(checkWebhookUrl("https://10.0.0.1/hook", local)).toEqual({ ok: false, error: "private-address" });
  });

  it("knows which addresses are private", () => {
    expect(["8.8.8.8", "2001:4860:4860::8888", "100.63.0.1"].map(isPrivateAddress)).toEqual([
      false,
      false,
      false,
    ]);
    expect(
      ["100.64.0.1", "0.0.0.0", "::ffff:10.0.0.1", "fe80::1", "224.0.0.1"].map(isPrivateAddress),
    ).toEqual([true, true, true, true, true]);
  });
});

describe("webhook payloads", () => {
  const state: ConversationState & { readonly properties: Readonly<Record<string, string>> } = {
    id: "conv-1",
    respondent: { channel: "telegram", userId: "501" },
    flowKey: "nps",
    flowVersion: 3,
    locale: "en",
    reference: "order42",
    properties: { agent: "ana", product: "pro" },
    status: "completed",
    stepId: null,
    answers: [
      {
        stepId: "score",
        answer: { type: "rating", value: 3, scale: "nps", band: "detractor", sentiment: "negative" },
        at: "2026-12-05T09:59:00.000Z",
        locale: "en",
      },
      {
        stepId: "why-negative",
        answer: {
          type: "text",
          text: "The courier was late and rude",
          sentiment: { label: "negative", score: -2, evidence: [] },
        },
        at: "2026-12-05T09:59:30.000Z",
        locale: "en",
      },
    ],
    failures: 0,
    selection: [],
    alertsFired: [],
    startedAt: "2026-12-05T09:58:00.000Z",
    updatedAt: "2026-12-05T10:00:00.000Z",
    endedAt: "2026-12-05T10:00:00.000Z",
  };

  it("builds response.completed with a stable shape and a pseudonymous respondent", () => {
    const event = responseEvent(state, null, SECRET);
    expect(event).toEqual({
      id: eventId("response.completed", "conv-1"),
      type: "response.completed",
      createdAt: "2026-12-05T10:00:00.000Z",
      data: {
        conversationId: "conv-1",
        flow: { key: "nps", version: 3 },
        channel: "telegram",
        respondent: { id: pseudonym(SECRET, { channel: "telegram", userId: "501" }) },
        locale: "en",
        reference: "order42",
        properties: { agent: "ana", product: "pro" },
        status: "completed",
        startedAt: "2026-12-05T09:58:00.000Z",
        endedAt: "2026-12-05T10:00:00.000Z",
        scores: [{ stepId: "score", scale: "nps", value: 3, min: 0, max: 10, band: "detractor" }],
        answers: [
          { stepId: "score", type: "rating", value: 3, options: [], text: null, sentiment: "negative" },
          {
            stepId: "why-negative",
            type: "text",
            value: null,
            options: [],
            text: "The courier was late and rude",
            sentiment: "negative",
          },
        ],
        comment: "The courier was late and rude",
        sentiment: "negative",
        themes: ["processes", "people"],
      },
    });
    expect(JSON.stringify(event)).not.toContain('"501"');
    // The same person, another endpoint: another id, so two receivers cannot join on it.
    expect(pseudonym("whsec_other", state.respondent)).not.toBe(pseudonym(SECRET, state.respondent));
  });

  it("makes a partial response of an expired or stopped conversation with answers, and nothing without", () => {
    expect(responseEvent({ ...state, status: "expired" }, null, SECRET)?.type).toBe("response.partial");
    expect(responseEvent({ ...state, status: "stopped", answers: [] }, null, SECRET)).toBeNull();
  });

  it("builds alert.resolved with who acknowledged and resolved it", () => {
    const event = alertEvent(
      "alert.resolved",
      {
        id: "conv-1",
        rev: 4,
        flowKey: "nps",
        flowVersion: 3,
        flowTitle: { en: "NPS" },
        rules: ["detractor"],
        respondent: { channel: "telegram", userId: "501" },
        locale: "en",
        reference: "order42",
        score: { stepId: "score", value: 3, scale: "nps", min: 0, max: 10, band: "detractor" },
        comments: [{ stepId: "why-negative", text: "late", sentiment: "negative", themes: ["processes"] }],
        transcript: [],
        raisedAt: "2026-12-05T10:00:00.000Z",
        updatedAt: "2026-12-05T11:00:00.000Z",
        status: "resolved",
        history: [
          { type: "raised", at: "2026-12-05T10:00:00.000Z", rules: ["detractor"] },
          { type: "acknowledged", at: "2026-12-05T10:10:00.000Z", actor: { id: "slack:U1", name: "Ana" } },
          { type: "resolved", at: "2026-12-05T11:00:00.000Z", actor: { id: "slack:U2" } },
        ],
      },
      SECRET,
    );
    expect(event).toMatchObject({
      id: eventId("alert.resolved", "conv-1"),
      type: "alert.resolved",
      createdAt: "2026-12-05T11:00:00.000Z",
      data: {
        alertId: "conv-1",
        rules: ["detractor"],
        score: { value: 3, band: "detractor" },
        comment: "late",
        sentiment: "negative",
        themes: ["processes"],
        status: "resolved",
        acknowledgedBy: { id: "slack:U1", name: "Ana" },
        resolvedBy: { id: "slack:U2", name: null },
        resolvedAt: "2026-12-05T11:00:00.000Z",
      },
    });
  });
});
