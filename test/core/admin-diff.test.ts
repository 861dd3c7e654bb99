import { describe, expect, it } from "vitest";
import { diffFlows } from "../../core/admin/diff.ts";
import { setAlertRules, setRoute, setText } from "../../core/admin/edit.ts";
import type { FlowDefinition, Step } from "../../core/flow/schema.ts";
import { SHIPPED_FLOWS, shippedFlow } from "../helpers/flows.ts";

const LIMITS = { buttonLabel: 75, message: 1000 };

function ok<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const NOTE: Step = { id: "note", type: "message", text: { en: "One more thing." } };

/** `def` with its steps rearranged by `change`. */
const withSteps = (def: FlowDefinition, change: (steps: Step[]) => Step[]): FlowDefinition => ({
  ...def,
  steps: change([...def.steps]),
});

describe("diffFlows", () => {
  it.each(SHIPPED_FLOWS)("is empty for two loads of %s", (key) => {
    expect(diffFlows(shippedFlow(key), shippedFlow(key))).toEqual([]);
  });

  it("one text changed is one line, with the path by step id and locale", () => {
    const before = shippedFlow("nps");
    const after = ok(setText(before, "why-negative", "fa", "چه اشکالی پیش آمد؟", LIMITS));
    expect(diffFlows(before, after)).toEqual([
      {
        path: "steps.why-negative.prompt.fa",
        kind: "changed",
        before: "متأسفیم! لطفاً بگویید چه چیزی باعث نارضایتی‌تان شد؟",
        after: "چه اشکالی پیش آمد؟",
      },
    ]);
  });

  it("an option label is found by option id", () => {
    const before = shippedFlow("csat");
    const after = ok(setText(before, "contact.yes", "tr", "Evet, lütfen", LIMITS));
    expect(diffFlows(before, after)).toEqual([
      { path: "steps.contact.options.yes.label.tr", kind: "changed", before: "Evet", after: "Evet, lütfen" },
    ]);
  });

  it("an inserted step is one added line: the steps after it are not shown as changed", () => {
    const before = shippedFlow("nps");
    const after = withSteps(before, (steps) => [...steps.slice(0, 2), NOTE, ...steps.slice(2)]);
    expect(diffFlows(before, after)).toEqual([
      { path: "steps.note", kind: "added", after: JSON.stringify(NOTE) },
    ]);
  });

  it("a removed step is one removed line, in the place it had", () => {
    const before = withSteps(shippedFlow("nps"), (steps) => [...steps.slice(0, 2), NOTE, ...steps.slice(2)]);
    const after = withSteps(before, (steps) => steps.filter((s) => s.id !== "note"));
    expect(diffFlows(before, after)).toEqual([
      { path: "steps.note", kind: "removed", before: JSON.stringify(NOTE) },
    ]);
  });

  it("a moved step is one line with its old and new position", () => {
    const before = shippedFlow("ces");
    // why-neutral (3rd) and why-positive (4th) swap places.
    const after = withSteps(before, (steps) => [
      ...steps.slice(0, 2),
      steps[3] as Step,
      steps[2] as Step,
      ...steps.slice(4),
    ]);
    expect(diffFlows(before, after)).toEqual([
      { path: "steps.why-neutral", kind: "changed", before: "position 3", after: "position 4" },
    ]);
  });

  it("lists changes in flow order: title, settings, steps, alerts", () => {
    const before = shippedFlow("csat");
    let after = ok(setText(before, "title", "en", "CSAT (shop)", LIMITS));
    after = ok(setText(after, "thanks", "ar", "شكرًا جزيلًا!", LIMITS));
    after = ok(setText(after, "score", "en", "How satisfied are you?", LIMITS));
    after = { ...after, idleMinutes: 30 };
    after = {
      ...after,
      alerts: after.alerts.map((a) => (a.id === "low-score" ? { ...a, when: { ...a.when, max: 1 } } : a)),
    };
    expect(diffFlows(before, after).map((l) => [l.path, l.kind, l.before, l.after])).toEqual([
      ["title.en", "changed", "Customer Satisfaction (CSAT)", "CSAT (shop)"],
      ["idleMinutes", "changed", "1440", "30"],
      [
        "steps.score.prompt.en",
        "changed",
        "How satisfied were you with your recent experience with us?",
        "How satisfied are you?",
      ],
      [
        "steps.thanks.text.ar",
        "changed",
        "شكرًا لك على مشاركة رأيك! ملاحظاتك تساعدنا على أن نقدم الأفضل.",
        "شكرًا جزيلًا!",
      ],
      ["alerts.low-score.when.max", "changed", "2", "1"],
    ]);
  });

  it("alert rules are matched by id: new thresholds read as removed and added rules", () => {
    const before = shippedFlow("nps");
    const after = ok(setAlertRules(before, [{ kind: "max", value: 5 }]));
    expect(diffFlows(before, after)).toEqual([
      {
        path: "alerts.detractor",
        kind: "removed",
        before: '{"id":"detractor","when":{"step":"score","max":6}}',
      },
      {
        path: "alerts.score-alert",
        kind: "added",
        after: '{"id":"score-alert","when":{"step":"score","max":5}}',
      },
    ]);
  });

  it("a field that appears is added, one that goes is removed", () => {
    const before = shippedFlow("recovery");
    const routed = setRoute(before, "C42");
    expect(diffFlows(before, routed)).toEqual([]);
    const withAlert = { ...before, alerts: [{ id: "low", when: { step: "score", max: 2 } }] };
    const routedAlert = setRoute(withAlert, "C42");
    expect(diffFlows(withAlert, routedAlert)).toEqual([
      { path: "alerts.low.route", kind: "added", after: "C42" },
    ]);
    expect(diffFlows(routedAlert, withAlert)).toEqual([
      { path: "alerts.low.route", kind: "removed", before: "C42" },
    ]);
  });

  it("lists without ids change as a whole, as JSON", () => {
    const before = shippedFlow("nps");
    const after = { ...before, fallback: ["fa" as const, "en" as const] };
    expect(diffFlows(before, after)).toEqual([
      { path: "fallback", kind: "changed", before: '["en"]', after: '["fa","en"]' },
    ]);
  });

  it("cuts long values to 200 characters", () => {
    const before = shippedFlow("nps");
    const long = "ب".repeat(500);
    const after = ok(setText(before, "thanks", "fa", long, LIMITS));
    const [line] = diffFlows(before, after);
    expect(line?.after).toHaveLength(200);
    expect(line?.after?.endsWith("…")).toBe(true);
  });
});
