import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformError } from "../../bots/contract.ts";
import { layoutRows, splitText } from "../../bots/kit/layout.ts";
import { createResponder, type Press, type SurveySurface } from "../../bots/kit/responder.ts";
import { callPlatform } from "../../bots/kit/retry.ts";
import { createLogger } from "../../bots/logger.ts";
import type { SurveyService } from "../../core/service.ts";
import type { Choice, InboundEvent, InboundInput, OutboundMessage } from "../../core/types.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

const logger = createLogger("silent");

const scale = (n: number, rtl: boolean, extras: Choice[] = []): OutboundMessage => ({
  kind: "question",
  text: "?",
  locale: rtl ? "fa" : "en",
  rtl,
  expectsText: true,
  layout: "scale",
  choices: [
    ...Array.from({ length: n }, (_, v) => ({ payload: `p${v}`, label: String(v), role: "answer" as const })),
    ...extras,
  ],
});
const labels = (rows: Choice[][]) => rows.map((r) => r.map((c) => c.label));

describe("layoutRows: the same rows on every platform", () => {
  it("shares a scale's values evenly across rows of at most perRow", () => {
    expect(labels(layoutRows(scale(11, false), 7))).toEqual([
      ["0", "1", "2", "3", "4", "5"],
      ["6", "7", "8", "9", "10"],
    ]);
    expect(labels(layoutRows(scale(11, false), 5))).toEqual([
      ["0", "1", "2", "3"],
      ["4", "5", "6", "7"],
      ["8", "9", "10"],
    ]);
    expect(labels(layoutRows(scale(7, false), 7))).toEqual([["0", "1", "2", "3", "4", "5", "6"]]);
  });

  it("runs each row right to left in fa and ar, and puts skip on a row of its own", () => {
    const skip: Choice = { payload: "s", label: "رد", role: "skip" };
    expect(labels(layoutRows(scale(11, true, [skip]), 7))).toEqual([
      ["5", "4", "3", "2", "1", "0"],
      ["10", "9", "8", "7", "6"],
      ["رد"],
    ]);
  });

  it("lists one choice a row", () => {
    const list: OutboundMessage = { ...scale(3, true), layout: "list" };
    expect(labels(layoutRows(list, 7))).toEqual([["0"], ["1"], ["2"]]);
  });
});

describe("splitText", () => {
  it("never cuts inside a grapheme, and prefers a line break or a space", () => {
    const family = "👨‍👩‍👧‍👦";
    const parts = splitText(family.repeat(1000), 100);
    expect(parts.every((p) => p.length <= 100)).toBe(true);
    expect(parts.join("")).toBe(family.repeat(1000));
    expect(parts.every((p) => p.length % family.length === 0)).toBe(true);
    expect(splitText(`${"a".repeat(80)} ${"b".repeat(80)}`, 100)).toEqual(["a".repeat(80), "b".repeat(80)]);
    expect(splitText("سلام‌ دنیا", 4096)).toEqual(["سلام‌ دنیا"]);
  });

  it("replaces lone surrogates so every part can be sent", () => {
    expect(splitText("ok \ud83d end", 100)).toEqual(["ok \ufffd end"]);
  });
});

describe("callPlatform: one retry policy", () => {
  const classify = (error: unknown, method: string) =>
    error instanceof PlatformError
      ? error
      : new PlatformError("telegram", method, "network", String(error), { cause: error });
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it("waits out a rate limit for as long as the platform says, then succeeds", async () => {
    let calls = 0;
    const started = Date.now();
    const result = await callPlatform(
      "sendMessage",
      async () => {
        calls++;
        if (calls === 1)
          throw new PlatformError("telegram", "sendMessage", "rate-limited", "slow down", {
            retryAfterMs: 50,
          });
        return "sent";
      },
      classify,
      logger,
      { idempotent: false },
    );
    expect(result).toBe("sent");
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("sends again after a broken connection, never after a timeout; edits retry either way", async () => {
    let resets = 0;
    await callPlatform(
      "sendMessage",
      async () => {
        if (resets++ === 0) throw withCode("ECONNRESET");
        return true;
      },
      classify,
      logger,
      { idempotent: false },
    );
    expect(resets).toBe(2);

    let timeouts = 0;
    const timeout = callPlatform(
      "sendMessage",
      async () => {
        timeouts++;
        throw withCode("ETIMEDOUT");
      },
      classify,
      logger,
      { idempotent: false },
    );
    await expect(timeout).rejects.toMatchObject({ kind: "network", method: "sendMessage" });
    expect(timeouts).toBe(1);

    let edits = 0;
    await callPlatform(
      "editMessageText",
      async () => {
        if (edits++ === 0) throw withCode("ETIMEDOUT");
        return true;
      },
      classify,
      logger,
      { idempotent: true },
    );
    expect(edits).toBe(2);
  });

  it("throws a refusal at once, classified, with the SDK's error as its cause", async () => {
    const sdk = new Error("Bad Request: chat not found");
    let calls = 0;
    const refused = callPlatform(
      "sendMessage",
      async () => {
        calls++;
        throw sdk;
      },
      (error, method) => new PlatformError("telegram", method, "refused", "chat not found", { cause: error }),
      logger,
      { idempotent: true },
    );
    await expect(refused).rejects.toMatchObject({ code: "TELEGRAM_REFUSED", cause: sdk });
    expect(calls).toBe(1);
  });
});

describe("the responder: what every adapter does with a survey event", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** A platform that records what it was asked to do. */
  function recordingSurface(withEdits = true) {
    const calls: string[] = [];
    let next = 100;
    const surface: SurveySurface<number> = {
      async post(_chat, m) {
        const ref = next++;
        calls.push(`post ${ref}: ${m.text.split("\n")[0]}`);
        return (m.choices?.length ?? 0) > 0 ? ref : undefined;
      },
      ...(withEdits
        ? {
            async closeAnswered(_chat: string, ref: number, _text: string, label: string) {
              calls.push(`close ${ref}: ✓ ${label}`);
            },
            async closeStale(_chat: string, ref: number) {
              calls.push(`stale ${ref}`);
            },
          }
        : {}),
    };
    return { calls, surface };
  }
  const event = (user: string, id: string, input: InboundInput): InboundEvent => ({
    eventId: id,
    respondent: { channel: "console", userId: user },
    input,
    receivedAt: new Date(),
  });
  const press = (calls: string[], ref: number): Press<number> => ({
    ref,
    text: "question",
    ack: async (notice?: string) => {
      calls.push(notice === undefined ? "ack" : `ack: ${notice}`);
    },
  });
  const payloadOf = (service: SurveyService, label: string, messages: readonly OutboundMessage[]) => {
    void service;
    const choice = messages.flatMap((m) => m.choices ?? []).find((c) => c.label === label);
    if (!choice) throw new Error(`no ${label}`);
    return choice.payload;
  };

  it("acks a press, closes the pressed question and sends the next; a duplicate makes no call at all", async () => {
    const { calls, surface } = recordingSurface();
    const responder = createResponder({
      service: h.service,
      surface,
      logger,
      defaultLocale: "en",
      refKey: String,
    });
    const started = await responder.respond(
      event("kit-1", "k1-1", { type: "text", text: "/feedback csat" }),
      "c",
    );
    const payload = payloadOf(h.service, "4", started?.messages ?? []);
    calls.length = 0;
    await responder.respond(event("kit-1", "k1-2", { type: "choice", payload }), "c", press(calls, 100));
    expect(calls).toContain("ack");
    expect(calls).toContain("close 100: ✓ 4");
    expect(calls.some((c) => c.startsWith("post"))).toBe(true);
    calls.length = 0;
    const duplicate = await responder.respond(
      event("kit-1", "k1-2", { type: "choice", payload }),
      "c",
      press(calls, 100),
    );
    expect(duplicate?.status).toBe("duplicate");
    expect(calls).toEqual([]);
  });

  it("a second tap on an answered question gets the notice as its ack, and no edit that changes nothing", async () => {
    const { calls, surface } = recordingSurface();
    const responder = createResponder({
      service: h.service,
      surface,
      logger,
      defaultLocale: "en",
      refKey: String,
    });
    const started = await responder.respond(
      event("kit-2", "k2-1", { type: "text", text: "/feedback csat" }),
      "c",
    );
    const payload = payloadOf(h.service, "2", started?.messages ?? []);
    await responder.respond(event("kit-2", "k2-2", { type: "choice", payload }), "c", press(calls, 100));
    calls.length = 0;
    await responder.respond(event("kit-2", "k2-3", { type: "choice", payload }), "c", press(calls, 100));
    expect(calls).toEqual(["ack: That question has already been answered."]);
  });

  it("closes the shown question when the answer is typed instead of pressed", async () => {
    const { calls, surface } = recordingSurface();
    const responder = createResponder({
      service: h.service,
      surface,
      logger,
      defaultLocale: "en",
      refKey: String,
    });
    await responder.respond(event("kit-3", "k3-1", { type: "text", text: "/feedback nps" }), "c");
    calls.length = 0;
    await responder.respond(event("kit-3", "k3-2", { type: "text", text: "۹" }), "c");
    expect(calls).toContain("close 100: ✓ 9");
  });

  it("tells the respondent, in their language, to try again when their event cannot be handled", async () => {
    const { calls, surface } = recordingSurface(false);
    const closed = await createHarness();
    await closed.service.close();
    const responder = createResponder({
      service: closed.service,
      surface,
      logger,
      defaultLocale: "en",
      refKey: String,
    });
    const result = await responder.respond(
      {
        ...event("kit-4", "k4-1", { type: "text", text: "8" }),
        respondent: { channel: "console", userId: "kit-4", languageTag: "tr-TR" },
      },
      "c",
      press(calls, 7),
    );
    expect(result).toBeUndefined();
    expect(calls).toEqual([
      "ack",
      "post 100: Üzgünüz, bizden kaynaklanan bir sorun oldu ve yanıtınız kaydedilemedi. Lütfen birazdan tekrar deneyin.",
    ]);
    await closed.db.drop();
  });
});
