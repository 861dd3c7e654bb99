import { describe, expect, it } from "vitest";
import {
  fromTemplate,
  setAlertRules,
  setRoute,
  setText,
  type TextTarget,
  textTargets,
} from "../../core/admin/edit.ts";
import type { AlertCondition } from "../../core/admin/grammar.ts";
import type { TextLimits } from "../../core/admin/types.ts";
import { type AlertRule, type FlowDefinition, type Step, ZStepId } from "../../core/flow/schema.ts";
import { validateFlow } from "../../core/flow/validate.ts";
import type { Locale } from "../../core/locale.ts";
import { flowFrom, shippedFlow } from "../helpers/flows.ts";

/** Slack's button label limit and a message limit below the schema's 1500. */
const LIMITS: TextLimits = { buttonLabel: 75, message: 1000 };

function step(def: FlowDefinition, id: string): Step {
  const found = def.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

function edited<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const alertIds = (def: FlowDefinition): string[] => def.alerts.map((a) => a.id);
const alert = (def: FlowDefinition, id: string): AlertRule | undefined => def.alerts.find((a) => a.id === id);

describe("textTargets", () => {
  it("lists every editable text of nps in flow order", () => {
    const targets = textTargets(shippedFlow("nps"));
    expect(targets.map((t) => [t.target, t.kind, t.stepId])).toEqual([
      ["title", "title", undefined],
      ["score", "prompt", "score"],
      ["score.min", "label", "score"],
      ["score.max", "label", "score"],
      ["why-negative", "prompt", "why-negative"],
      ["why-neutral", "prompt", "why-neutral"],
      ["why-positive", "prompt", "why-positive"],
      ["contact", "prompt", "contact"],
      ["contact.yes", "option", "contact"],
      ["contact.no", "option", "contact"],
      ["thanks-contact", "text", "thanks-contact"],
      ["thanks", "text", "thanks"],
    ]);
    const byTarget = new Map(targets.map((t): [string, TextTarget] => [t.target, t]));
    expect(byTarget.get("contact.no")?.current).toEqual({ en: "No", fa: "خیر", ar: "لا", tr: "Hayır" });
    expect(byTarget.get("score.min")?.current.en).toBe("Not at all likely");
    expect(byTarget.get("thanks")?.current.tr).toMatch(/^Geri bildiriminiz için/);
  });

  it("lists a message step's text and leaves out labels a rating step does not have", () => {
    const def = flowFrom(`key: mini
title: { en: Mini }
steps:
  - { id: hello, type: message, text: { en: Hi } }
  - { id: rate, type: rating, scale: ces, prompt: { en: Easy? } }
  - { id: bye, type: end, text: { en: Bye } }
`);
    expect(textTargets(def).map((t) => `${t.target}:${t.kind}`)).toEqual([
      "title:title",
      "hello:text",
      "rate:prompt",
      "bye:text",
    ]);
  });

  it("hands out copies: changing one does not change the flow", () => {
    const def = shippedFlow("csat");
    const title = textTargets(def)[0]?.current as Record<string, string>;
    title.en = "changed";
    expect(def.title.en).toBe("Customer Satisfaction (CSAT)");
  });
});

describe("setText", () => {
  it.each<[string, Locale, string, (def: FlowDefinition) => unknown]>([
    [
      "why-negative",
      "fa",
      "چه چیزی اذیتتان کرد؟",
      (d) => (step(d, "why-negative") as { prompt: object }).prompt,
    ],
    [
      "contact.yes",
      "tr",
      "Evet, lütfen",
      (d) => (step(d, "contact") as { options: { label: object }[] }).options[0]?.label,
    ],
    ["score.max", "ar", "محتمل جدًا", (d) => (step(d, "score") as { labels: { max: object } }).labels.max],
    ["title", "en", "NPS (customers)", (d) => d.title],
    ["thanks", "en", "Thanks a lot!", (d) => (step(d, "thanks") as { text: object }).text],
  ])("sets %s in %s", (target, locale, text, read) => {
    const def = shippedFlow("nps");
    const before = read(def) as Record<string, string>;
    const next = edited(setText(def, target, locale, text, LIMITS));
    expect(read(next)).toEqual({ ...before, [locale]: text });
    // Nothing else changed, and the input was not touched.
    expect(read(def)).toEqual(before);
    expect(next.steps.map((s) => s.id)).toEqual(def.steps.map((s) => s.id));
    expect(next.alerts).toEqual(def.alerts);
    expect(validateFlow(next)).toEqual([]);
  });

  it("adds a locale a text did not have yet, and stores the text trimmed", () => {
    const def = flowFrom(`key: mini
title: { en: Mini }
steps:
  - { id: q, type: text, prompt: { en: Why? } }
`);
    const next = edited(setText(def, "q", "tr", "  Neden?\n ", LIMITS));
    expect(next.steps[0]).toMatchObject({ prompt: { en: "Why?", tr: "Neden?" } });
  });

  it("counts a button label in graphemes, not UTF-16 units", () => {
    const family = "👨‍👩‍👧"; // 8 UTF-16 units, one grapheme
    const def = shippedFlow("nps");
    expect(setText(def, "contact.yes", "en", family.repeat(75), LIMITS).ok).toBe(true);
    expect(setText(def, "contact.yes", "en", family.repeat(76), LIMITS)).toEqual({
      ok: false,
      error: {
        path: "steps[4].options[0].label.en",
        reason: expect.stringMatching(/75 characters.*button label/),
      },
    });
  });

  it.each<[string, string, Locale, string, string, RegExp]>([
    [
      "a button label over the limit",
      "contact.no",
      "fa",
      "خ".repeat(76),
      "steps[4].options[1].label.fa",
      /75/,
    ],
    ["a prompt over the message limit", "why-neutral", "en", "x".repeat(1001), "steps[2].prompt.en", /1000/],
    [
      "a scale label over the message limit",
      "score.min",
      "tr",
      "y".repeat(1001),
      "steps[0].labels.min.tr",
      /1000/,
    ],
    ["an empty text", "thanks", "ar", "   \n ", "steps[6].text.ar", /empty/],
    ["an unknown step", "nope", "en", "Hi", "nope", /no text "nope"/],
    ["an unknown option", "contact.maybe", "en", "Maybe", "contact.maybe", /no option "maybe".*yes, no/],
    ["an option of a text step", "why-negative.yes", "en", "Yes", "why-negative.yes", /text step/],
    ["a label of an unknown step", "ghost.min", "en", "Low", "ghost.min", /no text "ghost.min"/],
  ])("refuses %s", (_case, target, locale, text, path, reason) => {
    const result = setText(shippedFlow("nps"), target, locale, text, LIMITS);
    expect(result).toEqual({ ok: false, error: { path, reason: expect.stringMatching(reason) } });
  });

  it("refuses a result the schema rejects, with the schema's path", () => {
    // Within generous limits, but over the schema's 1500 characters for any text.
    const result = setText(shippedFlow("csat"), "why-positive", "en", "z".repeat(1501), {
      buttonLabel: 80,
      message: 4000,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toBe("steps[3].prompt.en");
  });
});

describe("setAlertRules", () => {
  const set = (def: FlowDefinition, ...conditions: AlertCondition[]) => setAlertRules(def, conditions);
  const COMMENT_RULES = ["negative-comment-neg", "negative-comment-neu", "negative-comment-pos"];

  it("score conditions: one score-alert rule on the rating step, comment and choice rules kept", () => {
    const def = shippedFlow("nps");
    const next = edited(set(def, { kind: "max", value: 6 }, { kind: "band", value: "detractor" }));
    expect(alertIds(next)).toEqual(["score-alert", ...COMMENT_RULES, "contact-requested"]);
    expect(alert(next, "score-alert")).toEqual({
      id: "score-alert",
      when: { step: "score", max: 6, band: "detractor" },
    });
    for (const id of [...COMMENT_RULES, "contact-requested"]) expect(alert(next, id)).toEqual(alert(def, id));
  });

  it("comment conditions: one rule per text step, the score rule and choice rules kept", () => {
    const def = shippedFlow("csat");
    const next = edited(
      set(def, { kind: "sentiment", value: "negative" }, { kind: "theme", value: "delivery" }),
    );
    expect(alertIds(next)).toEqual([
      "low-score",
      "comment-why-negative",
      "comment-why-neutral",
      "comment-why-positive",
      "contact-requested",
    ]);
    expect(alert(next, "comment-why-neutral")).toEqual({
      id: "comment-why-neutral",
      when: { step: "why-neutral", sentiment: "negative", theme: "processes" },
    });
    expect(alert(next, "low-score")).toEqual({ id: "low-score", when: { step: "score", max: 2 } });
  });

  it("both kinds at once", () => {
    const next = edited(
      set(
        shippedFlow("ces"),
        { kind: "min", value: 1 },
        { kind: "max", value: 3 },
        { kind: "sentiment", value: "negative" },
      ),
    );
    expect(next.alerts).toEqual([
      { id: "score-alert", when: { step: "score", min: 1, max: 3 } },
      { id: "comment-why-negative", when: { step: "why-negative", sentiment: "negative" } },
      { id: "comment-why-neutral", when: { step: "why-neutral", sentiment: "negative" } },
      { id: "comment-why-positive", when: { step: "why-positive", sentiment: "negative" } },
      { id: "contact-requested", when: { step: "contact", choice: "yes" } },
    ]);
  });

  it("a value given twice means any of them", () => {
    const next = edited(
      set(
        shippedFlow("nps"),
        { kind: "band", value: "detractor" },
        { kind: "band", value: "passive" },
        { kind: "sentiment", value: "negative" },
        { kind: "sentiment", value: "neutral" },
        { kind: "sentiment", value: "negative" },
      ),
    );
    expect(alert(next, "score-alert")?.when).toEqual({ step: "score", band: ["detractor", "passive"] });
    expect(alert(next, "comment-why-positive")?.when).toEqual({
      step: "why-positive",
      sentiment: ["negative", "neutral"],
    });
  });

  it("keeps the route of the rules it replaces", () => {
    const routed = setRoute(shippedFlow("nps"), "cx-alerts");
    const next = edited(set(routed, { kind: "max", value: 5 }, { kind: "theme", value: "price" }));
    expect(next.alerts.map((a) => a.route)).toEqual(Array(5).fill("cx-alerts"));

    // Only the score rule was routed: the new score rule keeps it, the comment rules had none to keep.
    const def = shippedFlow("nps");
    const partly = {
      ...def,
      alerts: def.alerts.map((a) => (a.id === "detractor" ? { ...a, route: "C123" } : a)),
    };
    const again = edited(set(partly, { kind: "max", value: 4 }, { kind: "sentiment", value: "negative" }));
    expect(alert(again, "score-alert")?.route).toBe("C123");
    expect(alert(again, "comment-why-negative")).not.toHaveProperty("route");
  });

  it("cuts comment rule ids to 24 characters and keeps them unique", () => {
    const def = flowFrom(`key: long
title: { en: Long ids }
steps:
  - { id: a-very-long-step-id-abcd, type: text, prompt: { en: One? } }
  - { id: a-very-long-step-id-wxyz, type: text, prompt: { en: Two? } }
`);
    const next = edited(set(def, { kind: "sentiment", value: "negative" }));
    expect(alertIds(next)).toEqual(["comment-a-very-long-step", "comment-a-very-long-st-2"]);
    for (const id of alertIds(next)) expect(ZStepId.safeParse(id).success).toBe(true);
  });

  it.each<[string, FlowDefinition, AlertCondition[], string, RegExp]>([
    [
      "max above the NPS scale",
      shippedFlow("nps"),
      [{ kind: "max", value: 11 }],
      "alerts[0].when.max",
      /0–10/,
    ],
    [
      "max above the CSAT scale",
      shippedFlow("csat"),
      [{ kind: "max", value: 6 }],
      "alerts[0].when.max",
      /csat scale \(1–5\)/,
    ],
    [
      "min below the CES scale",
      shippedFlow("ces"),
      [{ kind: "min", value: 0 }],
      "alerts[0].when.min",
      /ces scale \(1–7\)/,
    ],
    [
      "min greater than max",
      shippedFlow("nps"),
      [
        { kind: "min", value: 7 },
        { kind: "max", value: 6 },
      ],
      "alerts[0].when.min",
      /greater than max/,
    ],
    [
      "max given twice",
      shippedFlow("nps"),
      [
        { kind: "max", value: 6 },
        { kind: "max", value: 4 },
      ],
      "alerts[0].when.max",
      /twice/,
    ],
    [
      "an NPS band on a CSAT scale",
      shippedFlow("csat"),
      [{ kind: "band", value: "detractor" }],
      "alerts[0].when.band",
      /low, neutral, high/,
    ],
    [
      "an unknown theme",
      shippedFlow("nps"),
      [{ kind: "theme", value: "weather" }],
      "theme",
      /unknown theme "weather"/,
    ],
    [
      "a comment condition without a text step",
      shippedFlow("recovery"),
      [{ kind: "sentiment", value: "negative" }],
      "steps",
      /no free-text step/,
    ],
    ["no condition", shippedFlow("nps"), [], "alerts", /no alert condition/],
  ])("refuses %s", (_case, def, conditions, path, reason) => {
    expect(setAlertRules(def, conditions)).toEqual({
      ok: false,
      error: { path, reason: expect.stringMatching(reason) },
    });
  });

  it("refuses a score condition without a rating step", () => {
    const def = flowFrom(`key: comments
title: { en: Comments }
steps:
  - { id: why, type: text, prompt: { en: Why? } }
`);
    expect(set(def, { kind: "max", value: 3 })).toEqual({
      ok: false,
      error: { path: "steps", reason: expect.stringMatching(/no rating step/) },
    });
  });

  it("tests a custom scale against its own min and max", () => {
    const def = flowFrom(`key: custom
title: { en: Custom }
steps:
  - { id: r, type: rating, scale: custom, min: 1, max: 4, prompt: { en: Rate } }
`);
    expect(edited(set(def, { kind: "max", value: 2 })).alerts).toEqual([
      { id: "score-alert", when: { step: "r", max: 2 } },
    ]);
    expect(set(def, { kind: "max", value: 5 })).toMatchObject({
      ok: false,
      error: { reason: /custom scale \(1–4\)/ },
    });
  });
});

describe("setRoute and fromTemplate", () => {
  it("setRoute sets the route of every alert rule and nothing else", () => {
    const def = shippedFlow("ces");
    const next = setRoute(def, "C0123ABC");
    expect(next.alerts).toEqual(def.alerts.map((a) => ({ ...a, route: "C0123ABC" })));
    expect({ ...next, alerts: [] }).toEqual({ ...def, alerts: [] });
    expect(def.alerts.every((a) => a.route === undefined)).toBe(true);
  });

  it("fromTemplate copies a template under a new key, title unchanged", () => {
    const template = shippedFlow("nps");
    const copy = fromTemplate(template, "nps-shop");
    expect(copy).toEqual({ ...template, key: "nps-shop" });
    expect(validateFlow(copy)).toEqual([]);
    // A deep copy: editing the copy leaves the template alone.
    (copy.steps[0] as { prompt: Record<string, string> }).prompt.en = "changed";
    expect((template.steps[0] as { prompt: Record<string, string> }).prompt.en).toMatch(/^How likely/);
  });
});
