import type { Condition, FlowDefinition, LocalizedText, NextRule, Step } from "./schema.ts";

/** One reason a flow is rejected, with the path inside the file (`steps[2].next[0].goto`). */
export interface FlowProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const NPS_BANDS = new Set(["detractor", "passive", "promoter"]);
const LEVEL_BANDS = new Set(["low", "neutral", "high"]);

/**
 * Checks what the schema alone cannot: unique ids, targets that exist and lie ahead (so a flow can never
 * loop), conditions that fit the step they test, follow-ups that carry a sentiment tag, scales that make
 * sense, and strings that resolve in the flow's fallback chain. Returns every problem, not just the first.
 */
export function validateFlow(flow: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const index = new Map<string, number>();
  flow.steps.forEach((step, i) => {
    if (index.has(step.id))
      problems.push({ path: ["steps", i, "id"], message: `duplicate step id "${step.id}"` });
    else index.set(step.id, i);
  });

  const checkText = (text: LocalizedText, path: (string | number)[]): void => {
    if (!flow.fallback.some((l) => text[l] !== undefined)) {
      problems.push({ path, message: `has no text in any fallback locale (${flow.fallback.join(", ")})` });
    }
  };
  checkText(flow.title, ["title"]);

  const checkCondition = (cond: Condition, ownerIndex: number, path: (string | number)[]): void => {
    const targetIndex = cond.step === undefined ? ownerIndex : index.get(cond.step);
    if (targetIndex === undefined) {
      problems.push({ path: [...path, "step"], message: `unknown step "${cond.step}"` });
      return;
    }
    if (targetIndex > ownerIndex) {
      problems.push({
        path: [...path, "step"],
        message: `step "${cond.step}" comes later and has no answer yet`,
      });
      return;
    }
    const target = flow.steps[targetIndex] as Step;
    const bands = cond.band === undefined ? [] : [cond.band].flat();
    if (bands.length > 0) {
      if (target.type !== "rating") {
        problems.push({
          path: [...path, "band"],
          message: `band needs a rating step, "${target.id}" is ${target.type}`,
        });
      } else {
        const allowed = target.scale === "nps" ? NPS_BANDS : LEVEL_BANDS;
        for (const b of bands) {
          if (!allowed.has(b))
            problems.push({
              path: [...path, "band"],
              message: `band "${b}" does not apply to a ${target.scale} scale`,
            });
        }
      }
    }
    if (cond.choice !== undefined) {
      if (target.type !== "choice") {
        problems.push({
          path: [...path, "choice"],
          message: `choice needs a choice step, "${target.id}" is ${target.type}`,
        });
      } else {
        const ids = new Set(target.options.map((o) => o.id));
        for (const c of [cond.choice].flat()) {
          if (!ids.has(c))
            problems.push({ path: [...path, "choice"], message: `step "${target.id}" has no option "${c}"` });
        }
      }
    }
    if ((cond.min !== undefined || cond.max !== undefined) && target.type !== "rating") {
      problems.push({ path, message: `min/max need a rating step, "${target.id}" is ${target.type}` });
    }
    if (cond.sentiment !== undefined && target.type !== "rating" && target.type !== "text") {
      problems.push({ path: [...path, "sentiment"], message: `sentiment needs a rating or text step` });
    }
    if (cond.theme !== undefined && target.type !== "text") {
      problems.push({ path: [...path, "theme"], message: `theme needs a text step` });
    }
  };

  const checkTarget = (id: string, from: number, path: (string | number)[]): void => {
    const to = index.get(id);
    if (to === undefined) problems.push({ path, message: `unknown step "${id}"` });
    else if (to <= from)
      problems.push({ path, message: `"${id}" does not come after this step (flows only move forward)` });
  };

  flow.steps.forEach((step, i) => {
    const at = ["steps", i];
    switch (step.type) {
      case "rating": {
        checkText(step.prompt, [...at, "prompt"]);
        if (step.scale === "custom") {
          if (step.min === undefined || step.max === undefined)
            problems.push({ path: at, message: "a custom scale needs min and max" });
          else if (step.min >= step.max)
            problems.push({ path: [...at, "max"], message: "max must be greater than min" });
          else if (step.max - step.min > 10)
            problems.push({ path: [...at, "max"], message: "a scale has at most 11 points" });
        } else if (step.min !== undefined || step.max !== undefined) {
          problems.push({
            path: at,
            message: `min and max are fixed for the ${step.scale} scale; remove them`,
          });
        }
        if (step.labels) {
          checkText(step.labels.min, [...at, "labels", "min"]);
          checkText(step.labels.max, [...at, "labels", "max"]);
        }
        break;
      }
      case "choice": {
        checkText(step.prompt, [...at, "prompt"]);
        const seen = new Set<string>();
        step.options.forEach((o, j) => {
          if (seen.has(o.id))
            problems.push({ path: [...at, "options", j, "id"], message: `duplicate option id "${o.id}"` });
          seen.add(o.id);
          checkText(o.label, [...at, "options", j, "label"]);
        });
        break;
      }
      case "text":
        checkText(step.prompt, [...at, "prompt"]);
        break;
      case "message":
      case "end":
        checkText(step.text, [...at, "text"]);
        break;
      default: {
        const never: never = step;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
    if (step.type === "end" || step.next === undefined) return;
    if (typeof step.next === "string") {
      checkTarget(step.next, i, [...at, "next"]);
      return;
    }
    step.next.forEach((rule: NextRule, r) => {
      const rp = [...at, "next", r];
      if ("goto" in rule) {
        checkTarget(rule.goto, i, [...rp, "goto"]);
        if (rule.when) checkCondition(rule.when, i, [...rp, "when"]);
      } else {
        if (step.type !== "rating" && step.type !== "text")
          problems.push({
            path: rp,
            message: "followUp needs a rating or text step (they carry a sentiment)",
          });
        rule.followUp.forEach((id, f) => {
          checkTarget(id, i, [...rp, "followUp", f]);
          const target = flow.steps[index.get(id) ?? -1];
          if (target && target.sentiment === undefined)
            problems.push({ path: [...rp, "followUp", f], message: `step "${id}" has no sentiment tag` });
        });
      }
    });
  });

  flow.alerts.forEach((alert, a) => {
    const i = index.get(alert.when.step);
    if (i === undefined) {
      problems.push({ path: ["alerts", a, "when", "step"], message: `unknown step "${alert.when.step}"` });
      return;
    }
    checkCondition(alert.when, i, ["alerts", a, "when"]);
  });
  const alertIds = new Set<string>();
  flow.alerts.forEach((alert, a) => {
    if (alertIds.has(alert.id))
      problems.push({ path: ["alerts", a, "id"], message: `duplicate alert id "${alert.id}"` });
    alertIds.add(alert.id);
  });
  return problems;
}

/** Formats a problem path the way people read it: `steps[2].next[0].goto`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/**
 * The step references of a document that did not pass the schema, read as far as its shape allows: unknown
 * `goto`, `next`, `followUp` and alert `when.step` targets. Reported beside the schema's problems, so one
 * round of fixing a file is enough (the full cross-checks need a definition that passed the schema).
 */
export function referenceProblems(raw: unknown): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const record = (v: unknown): Readonly<Record<string, unknown>> | undefined =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const doc = record(raw);
  const steps = Array.isArray(doc?.steps) ? (doc.steps as unknown[]) : [];
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    const id = record(s)?.id;
    if (typeof id === "string" && !index.has(id)) index.set(id, i);
  });
  const target = (id: unknown, from: number, path: (string | number)[]): void => {
    if (typeof id !== "string") return;
    const to = index.get(id);
    if (to === undefined) problems.push({ path, message: `unknown step "${id}"` });
    else if (to <= from)
      problems.push({ path, message: `"${id}" does not come after this step (flows only move forward)` });
  };
  steps.forEach((s, i) => {
    const next = record(s)?.next;
    if (typeof next === "string") target(next, i, ["steps", i, "next"]);
    if (!Array.isArray(next)) return;
    next.forEach((rule: unknown, r) => {
      const rp = ["steps", i, "next", r];
      const fields = record(rule);
      target(fields?.goto, i, [...rp, "goto"]);
      if (Array.isArray(fields?.followUp))
        (fields.followUp as unknown[]).forEach((id, f) => {
          target(id, i, [...rp, "followUp", f]);
        });
    });
  });
  const alerts = Array.isArray(doc?.alerts) ? (doc.alerts as unknown[]) : [];
  alerts.forEach((a, j) => {
    const step = record(record(a)?.when)?.step;
    if (typeof step === "string" && !index.has(step))
      problems.push({ path: ["alerts", j, "when", "step"], message: `unknown step "${step}"` });
  });
  return problems;
}
