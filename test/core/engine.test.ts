import { describe, expect, it } from "vitest";
import {
  applyInput,
  type EngineInput,
  type StepOutcome,
  startConversation,
} from "../../core/engine/engine.ts";
import type { ConversationState } from "../../core/engine/state.ts";
import { parseFlowSource } from "../../core/flow/load.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { Locale } from "../../core/locale.ts";
import { conversationTag, decodePayload, encodePayload } from "../../core/payload.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";

const analyzer = createRuleBasedSentimentAnalyzer();
const now = new Date("2026-11-24T10:00:00Z");

function flowFrom(yaml: string, version = 1): Flow {
  const parsed = parseFlowSource(yaml, "test.yaml");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return { ...parsed.value, version };
}

const demo = flowFrom(`
key: test
title: { en: Demo }
alerts:
  - id: low
    when: { step: score, max: 2 }
steps:
  - id: hello
    type: message
    text: { en: Hi!, fa: سلام! }
  - id: score
    type: rating
    scale: csat
    optional: false
    prompt: { en: How satisfied?, fa: چقدر راضی بودید؟ }
    next: [{ followUp: [sad, ok, glad] }]
  - id: sad
    type: text
    sentiment: negative
    prompt: { en: Sorry. Why? }
    next: topics
  - id: ok
    type: text
    sentiment: neutral
    prompt: { en: What would help? }
    next: topics
  - id: glad
    type: text
    sentiment: positive
    prompt: { en: Great! What did you like? }
    maxLength: 10
    next: topics
  - id: topics
    type: choice
    multiple: true
    prompt: { en: Which topics? }
    options:
      - { id: price, label: { en: Price } }
      - { id: speed, label: { en: Speed } }
      - { id: staff, label: { en: Staff } }
    next:
      - { goto: bye-staff, when: { choice: staff } }
      - { goto: bye }
  - id: bye
    type: end
    text: { en: Bye. }
  - id: bye-staff
    type: end
    text: { en: We will tell the team. }
`);

/** The tag the buttons of conversation "c1" (every `start()` below) carry. */
const C1 = conversationTag("c1");
function start(flow: Flow = demo, locale: Locale = "en"): StepOutcome {
  return startConversation(flow, { id: "c1", respondent: { channel: "console", userId: "u1" }, locale }, now);
}
const run = (flow: Flow, state: ConversationState, input: EngineInput): StepOutcome =>
  applyInput(flow, state, input, { analyzer, now });
const text = (t: string): EngineInput => ({ type: "text", text: t });
const press = (payload: string): EngineInput => {
  const p = decodePayload(payload);
  if (!p.ok) throw new Error(`bad payload ${payload}`);
  return { type: "button", payload: p.value };
};

describe("engine", () => {
  it("shows message steps, then stops at the first question with its scale buttons", () => {
    const o = start();
    expect(o.messages.map((m) => m.text)).toEqual(["Hi!", "How satisfied?"]);
    expect(o.state.stepId).toBe("score");
    expect(o.messages[1]?.choices?.map((c) => c.label)).toEqual(["1", "2", "3", "4", "5"]);
    expect(o.messages[1]?.layout).toBe("scale");
  });

  it("writes scale buttons in Persian digits and marks the message right-to-left", () => {
    const o = start(demo, "fa");
    expect(o.messages[1]?.text).toBe("چقدر راضی بودید؟");
    expect(o.messages[1]?.choices?.map((c) => c.label)).toEqual(["۱", "۲", "۳", "۴", "۵"]);
    expect(o.messages[1]?.rtl).toBe(true);
  });

  it("falls back along the chain for a missing translation", () => {
    const o = start(demo, "tr");
    expect(o.messages.map((m) => m.text)).toEqual(["Hi!", "How satisfied?"]);
    expect(o.state.locale).toBe("tr");
  });

  it("branches the why question on the score's band and fires the alert once", () => {
    const low = run(
      demo,
      start().state,
      press(encodePayload({ kind: "answer", conversation: C1, flowVersion: 1, stepId: "score", value: "2" })),
    );
    expect(low.state.stepId).toBe("sad");
    expect(low.answered).toEqual({ stepId: "score", label: "2" });
    expect(low.events.map((e) => e.type)).toEqual(["answer.recorded", "alert.due"]);
    expect(run(demo, start().state, text("3")).state.stepId).toBe("ok");
    expect(run(demo, start().state, text("٥")).state.stepId).toBe("glad");
  });

  it("re-asks an unusable answer with a hint, and offers skip only where the question allows it", () => {
    let s = start().state;
    for (let i = 1; i <= 3; i++) {
      const o = run(demo, s, text("banana"));
      s = o.state;
      expect(o.messages[0]?.text).toContain("1 to 5");
      expect(s.answers).toEqual([]);
    }
    expect(s.failures).toBe(3);
    // `score` is required: no skip is offered, and skipping is refused.
    const skip = run(demo, s, text("skip"));
    expect(skip.state.stepId).toBe("score");
    expect(skip.messages[0]?.text).toBe("This question needs an answer.");
  });

  it("says a number outside the scale is outside it", () => {
    const o = run(demo, start().state, text("9"));
    expect(o.messages[0]?.text).toBe("9 is outside the scale. Please choose a number from 1 to 5.");
  });

  it("keeps long text whole, stores the capped answer, and reads its sentiment", () => {
    const glad = run(demo, start().state, text("5")).state;
    const o = run(demo, glad, text("   The staff were wonderful and very helpful   "));
    const answer = o.state.answers.at(-1)?.answer;
    expect(answer?.type).toBe("text");
    if (answer?.type !== "text") return;
    expect(answer.text).toBe("The staff");
    expect(answer.original).toBe("The staff were wonderful and very helpful");
    expect(answer.sentiment.label).toBe("positive");
    expect(o.state.stepId).toBe("topics");
  });

  it("re-asks empty text", () => {
    const sad = run(demo, start().state, text("1")).state;
    const o = run(demo, sad, text("   "));
    expect(o.state.stepId).toBe("sad");
    expect(o.messages[0]?.text).toBe("Please type your answer in a message.");
  });

  it("toggles multiple-choice buttons, needs at least one, and branches on the choice", () => {
    let s = run(demo, run(demo, start().state, text("4")).state, text("fine")).state;
    expect(s.stepId).toBe("topics");
    const pick = (id: string) =>
      encodePayload({ kind: "answer", conversation: C1, flowVersion: 1, stepId: "topics", value: id });
    const done = encodePayload({ kind: "done", conversation: C1, flowVersion: 1, stepId: "topics" });
    expect(run(demo, s, press(done)).messages[0]?.text).toBe("Please choose at least one option first.");
    s = run(demo, s, press(pick("staff"))).state;
    const shown = run(demo, s, press(pick("price")));
    expect(shown.messages[0]?.choices?.map((c) => c.label)).toEqual(["✓ Price", "Speed", "✓ Staff", "Done"]);
    s = run(demo, shown.state, press(pick("price"))).state;
    const end = run(demo, s, press(done));
    expect(end.state.status).toBe("completed");
    expect(end.messages.map((m) => m.text)).toEqual(["We will tell the team."]);
    expect(end.state.answers.at(-1)?.answer).toEqual({ type: "choice", optionIds: ["staff"] });
  });

  it("treats a button of another step or flow version as stale and records nothing", () => {
    const s = run(demo, start().state, text("4")).state;
    const old = run(
      demo,
      s,
      press(encodePayload({ kind: "answer", conversation: C1, flowVersion: 1, stepId: "score", value: "5" })),
    );
    expect(old.stale).toBe(true);
    expect(old.state).toBe(s);
    const otherVersion = run(
      demo,
      start().state,
      press(encodePayload({ kind: "answer", conversation: C1, flowVersion: 7, stepId: "score", value: "5" })),
    );
    expect(otherVersion.stale).toBe(true);
    const forged = run(
      demo,
      start().state,
      press(
        encodePayload({ kind: "answer", conversation: C1, flowVersion: 1, stepId: "score", value: "99" }),
      ),
    );
    expect(forged.stale).toBe(true);
  });

  it("treats a button of an earlier conversation as stale, even on the same step of the same flow", () => {
    const first = start();
    const button = first.messages.at(-1)?.choices?.find((c) => c.label === "5")?.payload ?? "";
    expect(button).toMatch(/^2:a:/);
    // The same flow, started again: a new conversation whose first question has the same step id.
    const second = startConversation(
      demo,
      { id: "conv-other", respondent: { channel: "console", userId: "u" }, locale: "en" },
      new Date(),
    );
    const pressed = run(demo, second.state, press(button));
    expect(pressed.stale).toBe(true);
    expect(pressed.state).toBe(second.state);
    // A version-1 button (no tag) cannot be meant for it either; it still works on a conversation stored before tags.
    const untagged = encodePayload({ kind: "answer", flowVersion: 1, stepId: "score", value: "5" });
    expect(run(demo, second.state, press(untagged)).stale).toBe(true);
    const { taggedButtons: _, ...older } = second.state;
    expect(run(demo, older, press(untagged)).state.answers).toHaveLength(1);
    // Its own button is an answer.
    const own = second.messages.at(-1)?.choices?.find((c) => c.label === "5")?.payload ?? "";
    expect(run(demo, second.state, press(own)).state.answers).toHaveLength(1);
  });

  it("switches language mid-survey and re-renders the current question", () => {
    const o = run(demo, start().state, text("/language fa"));
    expect(o.state.locale).toBe("fa");
    expect(o.messages.map((m) => m.text)).toEqual(["زبان به فارسی تغییر کرد.", "چقدر راضی بودید؟"]);
    const picker = run(demo, start().state, text("/language"));
    expect(picker.messages[0]?.choices?.map((c) => c.label)).toEqual([
      "English",
      "فارسی",
      "العربية",
      "Türkçe",
    ]);
  });

  it("stops mid-survey keeping the partial answers", () => {
    const s = run(demo, start().state, text("2")).state;
    const o = run(demo, s, text("/stop"));
    expect(o.state.status).toBe("stopped");
    expect(o.state.answers).toHaveLength(1);
    expect(o.events).toEqual([
      { type: "conversation.ended", conversationId: "c1", flowKey: "test", status: "stopped" },
    ]);
  });

  it("asks for a restart rather than performing it (the service archives and starts anew)", () => {
    expect(run(demo, start().state, text("/restart")).restart).toBe(true);
  });
});
