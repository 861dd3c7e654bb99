import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import { t } from "../../core/i18n/messages.ts";
import { type Locale, RTL_LOCALES } from "../../core/locale.ts";
import { toLocaleDigits } from "../../core/text/digits.ts";
import type { Answer } from "../../core/types.ts";
import { type ContractUser, NotApplicable, type PlatformDriver, type SeenMessage } from "./driver.ts";
import { createConsoleDriver } from "./drivers/console.ts";
import { createDiscordDriver } from "./drivers/discord.ts";
import { createSlackDriver } from "./drivers/slack.ts";
import { createTelegramDriver } from "./drivers/telegram.ts";

/**
 * The platform contract, written once and run against every adapter through its real SDK and fake server.
 * A platform that cannot do something declares it (driver.ts `Capabilities`); the case then checks the
 * declared fallback, or that the driver refuses it as not applicable.
 */

const DRIVERS: readonly { readonly name: string; readonly create: () => Promise<PlatformDriver> }[] = [
  { name: "console", create: createConsoleDriver },
  { name: "telegram", create: createTelegramDriver },
  { name: "slack", create: createSlackDriver },
  { name: "discord", create: createDiscordDriver },
];

let flows: readonly FlowDefinition[] = [];
beforeAll(async () => {
  const loaded = await loadFlowDirectory(resolve(import.meta.dirname, "../../flows"));
  flows = loaded.flows;
});

/** A step's prompt (or an end step's text) in the locale, as the flow file has it. */
function stepText(flowKey: string, stepId: string, locale: Locale): string {
  const step = flows.find((f) => f.key === flowKey)?.steps.find((s) => s.id === stepId);
  const text = step && "prompt" in step ? step.prompt : step && "text" in step ? step.text : undefined;
  const value = text?.[locale] ?? text?.en;
  if (value === undefined) throw new Error(`no text for ${flowKey}/${stepId}`);
  return value;
}

const digits = (n: number, locale: Locale) => toLocaleDigits(String(n), locale);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Polls `probe` until it gives something other than undefined / false (10 s at most). */
async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let serial = 0;
const userFor = (label: string, locale: Locale): ContractUser => ({
  name: `${label}-${(++serial).toString(36)}-${Date.now().toString(36).slice(-4)}`,
  locale,
});

const answersOf = (
  record: { state: { answers: readonly { stepId: string; answer: Answer }[] } } | undefined,
) => (record?.state.answers ?? []).map((a) => ({ stepId: a.stepId, answer: a.answer }));
const ratingOf = (answer: Answer | undefined) => (answer?.type === "rating" ? answer.value : undefined);

describe.each(DRIVERS)("the platform contract on $name", ({ create }) => {
  let d: PlatformDriver;
  beforeAll(async () => {
    d = await create();
  });
  afterAll(async () => {
    await d?.close();
  });

  /** Opens a user and waits for a message containing `text` (the question a start asks). */
  const waitForText = (user: ContractUser, text: string) =>
    until(`"${text.slice(0, 40)}" shown to ${user.name}`, () => {
      const last = d.lastQuestion(user);
      return last?.text.includes(text) ? last : undefined;
    });
  const waitSince = (user: ContractUser, mark: ReturnType<PlatformDriver["mark"]>, text: string) =>
    until(`"${text.slice(0, 40)}" after the mark`, () => {
      const found = d.messagesSince(user, mark).find((m) => m.text.includes(text));
      return found;
    });
  const started = async (label: string, locale: Locale, flow: string): Promise<ContractUser> => {
    const user = userFor(label, locale);
    await d.open(user);
    await d.startByCommand(user, flow);
    await waitForText(user, stepText(flow, "score", locale));
    return user;
  };
  /** The platform calls it rejected since the mark (a 400 "message is not modified", a reused query id…). */
  const rejected = (mark: ReturnType<PlatformDriver["mark"]>) => d.callsSince(mark).filter((c) => !c.ok);

  describe("starting", () => {
    it.each(["en", "fa", "ar", "tr"] as const)(
      "starts by command in the user's language (%s)",
      async (locale) => {
        const user = userFor("command", locale);
        await d.open(user);
        await d.startByCommand(user, "csat");
        await waitForText(user, stepText("csat", "score", locale));
        const stored = await d.db.conversation(user);
        expect(stored?.state).toMatchObject({ flowKey: "csat", locale, status: "active", answers: [] });
      },
    );

    it("starts by deep link, keeping the reference where the link carries one", async () => {
      const user = userFor("deeplink", "fa");
      await d.open(user);
      await d.startByDeepLink(user, "nps", "order42");
      await waitForText(user, stepText("nps", "score", "fa"));
      const stored = await d.db.conversation(user);
      expect(stored?.state.flowKey).toBe("nps");
      // Declared: Slack has no deep link with a payload; its nearest thing starts the flow without one.
      expect(stored?.state.reference).toBe(d.capabilities.deepLink.carriesReference ? "order42" : undefined);
    });
  });

  describe("buttons in reading order", () => {
    it.each(["en", "tr", "fa", "ar"] as const)(
      "lays out the NPS scale lowest first for a %s reader",
      async (locale) => {
        const user = await started("layout", locale, "nps");
        const question = d.lastQuestion(user) as SeenMessage;
        const rtl = RTL_LOCALES.has(locale) && d.capabilities.rtlLayout;
        expect(question.direction).toBe(rtl ? "rtl" : "ltr");
        const scale = question.rows
          .flat()
          .filter((label) => range(0, 10).some((n) => digits(n, locale) === label));
        // In reading order — the rightmost button first in a right-to-left layout — 0 comes first, 10 last.
        expect(scale).toEqual(range(0, 10).map((n) => digits(n, locale)));
        for (const row of question.rows) {
          const values = row.map((label) => range(0, 10).findIndex((n) => digits(n, locale) === label));
          expect(values).toEqual([...values].sort((a, b) => a - b));
        }
      },
    );
  });

  describe("answering", () => {
    it("records a press and closes the answered question", async () => {
      const user = await started("press", "fa", "nps");
      const mark = d.mark(user);
      await d.press(user, "۳");
      await waitSince(user, mark, stepText("nps", "why-negative", "fa"));
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => [a.stepId, ratingOf(a.answer)])).toEqual([["score", 3]]);
      const closed = d.answeredQuestion(user);
      expect(closed?.text).toContain(stepText("nps", "score", "fa"));
      if (d.capabilities.edits) {
        expect(closed?.text).toContain("✓ ۳");
        expect(closed?.rows).toEqual([]);
        expect(closed?.edited).toBe(true);
      } else {
        // The fallback: the question stays as shown, and the next question follows it.
        expect(closed?.edited).toBe(false);
        expect(closed?.rows.flat()).toContain("۳");
      }
      expect(rejected(mark)).toEqual([]);
    });

    it.each([
      ["en", "7"],
      ["fa", "۷"],
      ["ar", "٧"],
    ] as const)("reads a typed score in the %s numeral system (%s)", async (locale, typed) => {
      const user = await started("typed", locale, "nps");
      const mark = d.mark(user);
      await d.type(user, typed);
      await waitSince(user, mark, stepText("nps", "why-neutral", locale));
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => [a.stepId, ratingOf(a.answer)])).toEqual([["score", 7]]);
      const closed = d.answeredQuestion(user);
      if (d.capabilities.edits) {
        expect(closed?.text).toContain(`✓ ${digits(7, locale)}`);
        expect(closed?.rows).toEqual([]);
      } else {
        expect(closed?.text).toContain(stepText("nps", "score", locale));
      }
      expect(rejected(mark)).toEqual([]);
    });

    it("keeps a 5,000-character comment as the flow keeps it, within the platform's limits", async () => {
      const user = await started("long", "en", "nps");
      await d.press(user, "10");
      await waitForText(user, stepText("nps", "why-positive", "en"));
      const sentence = "The courier was friendly, fast and careful, and the food arrived hot. ";
      const comment = sentence.repeat(Math.ceil(5000 / sentence.length)).slice(0, 5000);
      const mark = d.mark(user);
      await d.type(user, comment);
      await waitSince(user, mark, stepText("nps", "thanks", "en"));
      const stored = await d.db.conversation(user);
      const answer = answersOf(stored).find((a) => a.stepId === "why-positive")?.answer;
      // What reached cxbot: the whole comment, or the first message a client split it into.
      const carried = comment.slice(0, d.capabilities.inboundTextLimit ?? comment.length).trim();
      expect(answer).toMatchObject({ type: "text", text: [...carried].slice(0, 1000).join("").trimEnd() });
      expect(answer?.type === "text" ? (answer.original ?? answer.text) : undefined).toBe(carried);
      expect(stored?.state.status).toBe("completed");
      const limit = d.capabilities.outboundTextLimit;
      for (const m of [...d.messagesSince(user, mark), d.answeredQuestion(user)])
        if (limit !== undefined) expect(m?.text.length ?? 0).toBeLessThanOrEqual(limit);
      if (d.capabilities.edits)
        expect(d.answeredQuestion(user)?.text).toContain(`✓ ${comment.slice(0, 200)}`);
      expect(rejected(mark)).toEqual([]);
    });
  });

  describe("commands", () => {
    it("/skip skips the question and moves on", async () => {
      const user = await started("skip", "tr", "nps");
      await d.press(user, "9");
      await waitForText(user, stepText("nps", "why-positive", "tr"));
      const mark = d.mark(user);
      await d.command(user, "skip");
      await waitSince(user, mark, stepText("nps", "thanks", "tr"));
      const stored = await d.db.conversation(user);
      expect(stored?.state.status).toBe("completed");
      expect(answersOf(stored).map((a) => [a.stepId, a.answer.type])).toEqual([
        ["score", "rating"],
        ["why-positive", "skipped"],
      ]);
    });

    it("/stop ends the survey, keeping what was answered", async () => {
      const user = await started("stop", "ar", "csat");
      await d.press(user, "٤");
      await waitForText(user, stepText("csat", "why-positive", "ar"));
      const mark = d.mark(user);
      await d.command(user, "stop");
      await waitSince(user, mark, t("ar", "stopped"));
      const stored = await d.db.conversation(user);
      expect(stored?.state).toMatchObject({ status: "stopped", flowKey: "csat" });
      expect(answersOf(stored).map((a) => [a.stepId, ratingOf(a.answer)])).toEqual([["score", 4]]);
    });

    it("/restart starts the same flow again from its first question", async () => {
      const user = await started("restart", "en", "nps");
      await d.press(user, "9");
      await waitForText(user, stepText("nps", "why-positive", "en"));
      const mark = d.mark(user);
      await d.command(user, "restart");
      await waitSince(user, mark, stepText("nps", "score", "en"));
      const all = await d.db.conversations(user);
      expect(all.map((c) => [c.state.flowKey, c.state.status, c.state.answers.length])).toEqual([
        ["nps", "replaced", 1],
        ["nps", "active", 0],
      ]);
    });

    it("/language ar asks the question again in Arabic and keeps the choice", async () => {
      const user = await started("language", "en", "nps");
      const mark = d.mark(user);
      await d.command(user, "language", "ar");
      const again = await waitSince(user, mark, stepText("nps", "score", "ar"));
      expect(again.rows.flat()).toContain("٧");
      expect(again.direction).toBe(d.capabilities.rtlLayout ? "rtl" : "ltr");
      expect((await d.db.conversation(user))?.state.locale).toBe("ar");
      await d.press(user, "٧");
      await waitForText(user, stepText("nps", "why-neutral", "ar"));
    });

    it("/help explains the commands and asks the question again", async () => {
      const user = await started("help", "fa", "csat");
      const mark = d.mark(user);
      await d.command(user, "help");
      await waitSince(user, mark, t("fa", "help"));
      await waitSince(user, mark, stepText("csat", "score", "fa"));
      expect(answersOf(await d.db.conversation(user))).toEqual([]);
    });
  });

  describe("buttons that come back", () => {
    it("answers a button of an earlier question with a notice and records nothing", async () => {
      if (!d.capabilities.staleButtons) {
        // Declared: nothing on screen stays pressable once the next question is asked.
        const user = await started("stale", "fa", "csat");
        await expect(d.pressStale(user, "۴")).rejects.toBeInstanceOf(NotApplicable);
        return;
      }
      const user = await started("stale", "fa", "csat");
      // Asking for the same survey again resumes it: the question comes again, the first copy keeps its buttons.
      await d.startByCommand(user, "csat");
      await until("the question asked again", () => {
        const copies = d
          .messagesSince(user, { messages: 0, calls: 0 })
          .filter((m) => m.rows.flat().includes("۴"));
        return copies.length >= 2;
      });
      await d.press(user, "۲");
      await waitForText(user, stepText("csat", "why-negative", "fa"));
      const mark = d.mark(user);
      await d.pressStale(user, "۴");
      await until("the stale notice", () =>
        d.shownSince(user, mark).some((s) => s.includes(t("fa", "stale"))),
      );
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => [a.stepId, ratingOf(a.answer)])).toEqual([["score", 2]]);
      if (d.capabilities.edits)
        await until("the stale question's buttons removed", () => d.staleQuestion(user)?.rows.length === 0);
      expect(
        d.messagesSince(user, mark).filter((m) => m.text.includes(stepText("csat", "why-negative", "fa"))),
      ).toEqual([]);
      expect(rejected(mark)).toEqual([]);
    });

    it("takes a double tap once, and never asks the platform to change a message to what it already shows", async () => {
      const user = await started("doubletap", "en", "csat");
      if (!d.capabilities.staleButtons) {
        await expect(d.pressTwice(user, "2")).rejects.toBeInstanceOf(NotApplicable);
        return;
      }
      const mark = d.mark(user);
      await d.pressTwice(user, "2");
      await waitSince(user, mark, stepText("csat", "why-negative", "en"));
      await until("the answered question closed", () => d.answeredQuestion(user)?.rows.length === 0);
      // Both taps are handled before the next step's answer is.
      await d.type(user, "It arrived late and cold.");
      await until("the next step", async () => (await d.db.conversation(user))?.state.answers.length === 2);
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => a.stepId)).toEqual(["score", "why-negative"]);
      expect(ratingOf(answersOf(stored)[0]?.answer)).toBe(2);
      // The second tap found its question answered: the question still shows the answer, not a notice.
      await until("the comment's question closed", () =>
        d.messagesSince(user, mark).some((m) => m.text.includes("✓ It arrived late")),
      );
      const scoreQuestion = d
        .messagesSince(user, { messages: 0, calls: 0 })
        .find((m) => m.text.includes(stepText("csat", "score", "en")));
      expect(scoreQuestion?.text).toContain("✓ 2");
      expect(scoreQuestion?.text).not.toContain(t("en", "stale"));
      expect(
        d.messagesSince(user, mark).filter((m) => m.text.includes(stepText("csat", "why-negative", "en"))),
      ).toHaveLength(1);
      expect(rejected(mark)).toEqual([]);
    });
  });

  describe("the same event delivered twice", () => {
    it("records a redelivered typed answer once", async () => {
      const user = await started("redeliver-text", "en", "nps");
      if (!d.capabilities.redelivers.includes("text")) {
        await d.type(user, "9");
        await expect(d.redeliverLast(user)).rejects.toBeInstanceOf(NotApplicable);
        return;
      }
      const mark = d.mark(user);
      await d.type(user, "9");
      await waitSince(user, mark, stepText("nps", "why-positive", "en"));
      await d.redeliverLast(user);
      // Events of one respondent are handled in order: once the comment is answered, the retry was handled too.
      await d.type(user, "Lovely people, quick delivery.");
      await waitSince(user, mark, stepText("nps", "thanks", "en"));
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => [a.stepId, a.answer.type])).toEqual([
        ["score", "rating"],
        ["why-positive", "text"],
      ]);
      expect(d.messagesSince(user, mark).map((m) => m.text.split("\n")[0])).toHaveLength(2);
      expect(rejected(mark)).toEqual([]);
    });

    it("ignores a redelivered press without a single platform call", async () => {
      const user = await started("redeliver-press", "ar", "nps");
      const mark = d.mark(user);
      await d.press(user, "٩");
      await waitSince(user, mark, stepText("nps", "why-positive", "ar"));
      if (!d.capabilities.redelivers.includes("press")) {
        await expect(d.redeliverLast(user)).rejects.toBeInstanceOf(NotApplicable);
        return;
      }
      const before = d.mark(user);
      // The platform's delivery resolves once cxbot has answered it (Telegram: the webhook's answer).
      await d.redeliverLast(user);
      expect(d.callsSince(before)).toEqual([]);
      expect(d.messagesSince(user, before)).toEqual([]);
      const stored = await d.db.conversation(user);
      expect(answersOf(stored).map((a) => [a.stepId, ratingOf(a.answer)])).toEqual([["score", 9]]);
    });
  });

  describe("support", () => {
    it("delivers a message from support to the customer where the platform can reach them", async () => {
      const user = await started("support", "en", "nps");
      await d.press(user, "1");
      await waitForText(user, stepText("nps", "why-negative", "en"));
      await until("the alert", () => d.db.alert(user));
      const mark = d.mark(user);
      const text = "We refunded the delivery fee — sorry for the wait.";
      const result = await d.supportReply(user, text);
      expect(result.delivered).toBe(d.capabilities.supportReplies);
      const alert = await d.db.alert(user);
      expect(alert?.history.find((h) => h.type === "replied")).toMatchObject({
        text,
        delivered: result.delivered,
      });
      const stored = await d.db.conversation(user);
      const inTranscript = stored?.transcript.some((l) => l.text.includes(text)) ?? false;
      if (d.capabilities.supportReplies) {
        const shown = await waitSince(user, mark, text);
        expect(shown.text).toBe(t("en", "supportReply", { text }));
        expect(inTranscript).toBe(true);
      } else {
        // The fallback: kept on the alert, marked undelivered; the customer was shown nothing.
        expect(d.messagesSince(user, mark)).toEqual([]);
        expect(inTranscript).toBe(false);
      }
      // The survey goes on where it was.
      expect(stored?.state).toMatchObject({ status: "active", stepId: "why-negative" });
    });
  });

  describe("rate limits", () => {
    it("waits out a 429 and shows the question once", async () => {
      const user = userFor("ratelimit", "tr");
      await d.open(user);
      if (!d.capabilities.rateLimits) {
        expect(() => d.injectRateLimit(1, 1)).toThrow(NotApplicable);
        return;
      }
      const mark = d.mark(user);
      d.injectRateLimit(1, 1);
      await d.startByCommand(user, "ces");
      const question = await waitSince(user, mark, stepText("ces", "score", "tr"));
      expect(question.rows.flat().length).toBeGreaterThan(0);
      expect(d.messagesSince(user, mark)).toHaveLength(1);
      const sends = d
        .callsSince(mark)
        .filter((c) => ["sendMessage", "chat.postMessage", "createMessage"].includes(c.method));
      expect(sends.map((c) => c.ok)).toEqual([false, true]);
      const all = await d.db.conversations(user);
      expect(all.map((c) => c.state.flowKey)).toEqual(["ces"]);
    });
  });
});
