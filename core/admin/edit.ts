import {
  type AlertRule,
  type Band,
  type FlowDefinition,
  type LocalizedText,
  type RatingStep,
  type Step,
  ZFlowDefinition,
} from "../flow/schema.ts";
import { formatPath, validateFlow } from "../flow/validate.ts";
import type { Locale } from "../locale.ts";
import { ratingRange } from "../parse/answer.ts";
import { err, ok, type Result } from "../result.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { wellFormed } from "../text/cut.ts";
import { componentOf, THEMES, type Theme } from "../themes/themes.ts";
import type { AlertCondition } from "./grammar.ts";
import type { TextLimits } from "./types.ts";

/**
 * What admins change in a flow, as pure functions from a definition to a definition: one text, the alert
 * thresholds, the alert route, a copy of a template. Every edit that can fail returns the edited definition
 * only when it still passes the schema and `validateFlow`, so a draft can never hold a flow that would not load.
 */

/** Why an edit was refused: where in the flow (`steps[2].prompt.fa`) and why, in English (for logs and tests). */
export interface EditError {
  readonly path: string;
  readonly reason: string;
}

/** One editable text of a flow: how an admin names it (`target`), what it is, and its text today. */
export interface TextTarget {
  /** `title`, a step id, `<step>.<optionId>` or `<step>.min` / `<step>.max`. */
  readonly target: string;
  readonly kind: "title" | "prompt" | "text" | "option" | "label";
  /** The step it belongs to (all but the title). */
  readonly stepId?: string;
  readonly current: LocalizedText;
}

/** Where a target lives, for editing it. */
type Place =
  | { readonly kind: "title" }
  | { readonly kind: "prompt" | "text"; readonly step: number }
  | { readonly kind: "option"; readonly step: number; readonly option: number }
  | { readonly kind: "label"; readonly step: number; readonly end: "min" | "max" };

interface PlacedTarget extends TextTarget {
  readonly place: Place;
}

function placedTargets(def: FlowDefinition): PlacedTarget[] {
  const out: PlacedTarget[] = [
    { target: "title", kind: "title", current: { ...def.title }, place: { kind: "title" } },
  ];
  def.steps.forEach((step, i) => {
    const stepId = step.id;
    switch (step.type) {
      case "rating":
        out.push({
          target: stepId,
          kind: "prompt",
          stepId,
          current: { ...step.prompt },
          place: { kind: "prompt", step: i },
        });
        if (step.labels) {
          for (const end of ["min", "max"] as const)
            out.push({
              target: `${stepId}.${end}`,
              kind: "label",
              stepId,
              current: { ...step.labels[end] },
              place: { kind: "label", step: i, end },
            });
        }
        break;
      case "choice":
        out.push({
          target: stepId,
          kind: "prompt",
          stepId,
          current: { ...step.prompt },
          place: { kind: "prompt", step: i },
        });
        step.options.forEach((o, j) => {
          out.push({
            target: `${stepId}.${o.id}`,
            kind: "option",
            stepId,
            current: { ...o.label },
            place: { kind: "option", step: i, option: j },
          });
        });
        break;
      case "text":
        out.push({
          target: stepId,
          kind: "prompt",
          stepId,
          current: { ...step.prompt },
          place: { kind: "prompt", step: i },
        });
        break;
      case "message":
      case "end":
        out.push({
          target: stepId,
          kind: "text",
          stepId,
          current: { ...step.text },
          place: { kind: "text", step: i },
        });
        break;
      default: {
        const never: never = step;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
  });
  return out;
}

/**
 * Every editable text of a flow, in flow order: "title", each step id (a question's prompt / a message or end
 * step's text), "<step>.<optionId>" (a choice option label), "<step>.min" / "<step>.max" (rating scale end
 * labels, when present).
 */
export function textTargets(def: FlowDefinition): TextTarget[] {
  return placedTargets(def).map(({ place: _, ...target }) => target);
}

/** The path of a target's text inside the definition (`steps[4].options[0].label`). */
function pathOf(place: Place): (string | number)[] {
  switch (place.kind) {
    case "title":
      return ["title"];
    case "prompt":
    case "text":
      return ["steps", place.step, place.kind];
    case "option":
      return ["steps", place.step, "options", place.option, "label"];
    case "label":
      return ["steps", place.step, "labels", place.end];
    default: {
      const never: never = place;
      throw new Error(`unhandled place ${JSON.stringify(never)}`);
    }
  }
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** User-perceived characters in `text`, counted up to `stopAfter` + 1 (enough to tell "too long"). */
function graphemes(text: string, stopAfter: number): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) if (++n > stopAfter) break;
  return n;
}

/** `next` when it still passes the schema and the cross-checks, else their first problem. */
function checked(next: FlowDefinition): Result<FlowDefinition, EditError> {
  const parsed = ZFlowDefinition.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err({ path: formatPath(issue?.path ?? []), reason: issue?.message ?? "is not a valid flow" });
  }
  const problem = validateFlow(parsed.data)[0];
  if (problem !== undefined) return err({ path: formatPath(problem.path), reason: problem.message });
  return ok(parsed.data);
}

function unknownTarget(def: FlowDefinition, target: string): EditError {
  const [stepId, part] = target.split(".", 2);
  const step = def.steps.find((s) => s.id === stepId);
  if (step === undefined || part === undefined)
    return {
      path: target,
      reason: `flow "${def.key}" has no text "${target}" (expected "title", a step id, "<step>.<option>" or "<step>.min"/"<step>.max")`,
    };
  switch (step.type) {
    case "choice":
      return {
        path: target,
        reason: `step "${step.id}" has no option "${part}" (options: ${step.options.map((o) => o.id).join(", ")})`,
      };
    case "rating":
      return {
        path: target,
        reason: step.labels
          ? `step "${step.id}" has scale labels "min" and "max" only`
          : `step "${step.id}" has no scale labels`,
      };
    default:
      return {
        path: target,
        reason: `step "${step.id}" is a ${step.type} step: it has one text, "${step.id}"`,
      };
  }
}

/** `step` with the text at `place` replaced by `edit` of it. */
function editStep(step: Step, place: Place, edit: (text: LocalizedText) => LocalizedText): Step {
  switch (step.type) {
    case "rating":
      if (place.kind === "label" && step.labels)
        return { ...step, labels: { ...step.labels, [place.end]: edit(step.labels[place.end]) } };
      return { ...step, prompt: edit(step.prompt) };
    case "choice":
      if (place.kind === "option")
        return {
          ...step,
          options: step.options.map((o, j) => (j === place.option ? { ...o, label: edit(o.label) } : o)),
        };
      return { ...step, prompt: edit(step.prompt) };
    case "text":
      return { ...step, prompt: edit(step.prompt) };
    case "message":
    case "end":
      return { ...step, text: edit(step.text) };
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Sets one text in one locale. Refuses (EditError) an unknown target, empty text, text over limits.message
 * (questions/messages/title) or, for option labels, over limits.buttonLabel characters (graphemes), and any
 * result that no longer validates (the first problem of the schema or validateFlow, with its path).
 * The text is stored trimmed, with any lone surrogate replaced by U+FFFD.
 */
export function setText(
  def: FlowDefinition,
  target: string,
  locale: Locale,
  text: string,
  limits: TextLimits,
): Result<FlowDefinition, EditError> {
  const found = placedTargets(def).find((t) => t.target === target);
  if (found === undefined) return err(unknownTarget(def, target));
  const path = formatPath([...pathOf(found.place), locale]);
  const value = wellFormed(text).trim();
  if (value === "") return err({ path, reason: "the text must not be empty" });
  const isButton = found.kind === "option";
  const max = isButton ? limits.buttonLabel : limits.message;
  const length = graphemes(value, max);
  if (length > max)
    return err({
      path,
      reason: `the text is longer than ${max} characters, the most ${isButton ? "a button label" : "a message"} can show on every enabled platform`,
    });
  const edit = (current: LocalizedText): LocalizedText => ({ ...current, [locale]: value });
  const { place } = found;
  const next: FlowDefinition =
    place.kind === "title"
      ? { ...def, title: edit(def.title) }
      : { ...def, steps: def.steps.map((s, i) => (i === place.step ? editStep(s, place, edit) : s)) };
  return checked(next);
}

// ─── Alerts ──────────────────────────────────────────────────────────────────────────────────────────────────

const SCORE_RULE_ID = "score-alert";
const MAX_RULE_ID = 24;

/** One value as itself, several as a list (both are what a condition field takes). */
const oneOrList = <T>(values: readonly T[]): T | T[] =>
  values.length === 1 ? (values[0] as T) : [...values];

const pushNew = <T>(list: T[], value: T): void => {
  if (!list.includes(value)) list.push(value);
};

/** A rule id for `comment-<stepId>` that fits ZStepId's 24 characters and is not `taken`. */
function commentRuleId(stepId: string, taken: ReadonlySet<string>): string {
  const base = `comment-${stepId}`.slice(0, MAX_RULE_ID);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base.slice(0, MAX_RULE_ID - String(n).length - 1)}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** `rules` with the ones `replaced` selects swapped for `added`, which take the place of the first replaced one. */
function replaceRules(
  rules: readonly AlertRule[],
  replaced: (rule: AlertRule) => boolean,
  added: readonly AlertRule[],
): AlertRule[] {
  const at = rules.findIndex(replaced);
  const kept = rules.filter((r) => !replaced(r));
  // Nothing before `at` is replaced, so `at` is also where the added rules go among the kept ones.
  return at < 0 ? [...kept, ...added] : [...kept.slice(0, at), ...added, ...kept.slice(at)];
}

/**
 * `/cx alert <flow> max=6 band=detractor sentiment=negative theme=processes`: sets the flow's alert thresholds.
 *
 * Score conditions (max/min/band) become ONE rule, id "score-alert", on the flow's first rating step, replacing
 * every alert rule on that step. Comment conditions (sentiment/theme) become one rule per text step, id
 * "comment-<stepId>" (cut to 24 characters, made unique), replacing every rule on a text step. Conditions of
 * one kind leave the other kind's rules alone; rules on other steps (a choice step's `contact: yes`) are kept.
 * A band, sentiment or theme given more than once means any of them. Each new rule keeps the `route` of the
 * rules it replaces (on the same step first); with none to take it from, the route every rule of the flow
 * shares, if they share one (what `/cx route` set).
 *
 * Refused: no condition; score conditions without a rating step, comment ones without a text step; min > max;
 * a max or min given twice with different values or outside the rating scale; a band of another scale; an
 * unknown theme (an older theme name is read as its component); and a result that no longer validates.
 */
export function setAlertRules(
  def: FlowDefinition,
  conditions: readonly AlertCondition[],
): Result<FlowDefinition, EditError> {
  if (conditions.length === 0) return err({ path: "alerts", reason: "no alert condition was given" });
  const score: { max?: number; min?: number; readonly band: Band[] } = { band: [] };
  const comment: { readonly sentiment: SentimentLabel[]; readonly theme: Theme[] } = {
    sentiment: [],
    theme: [],
  };
  const twice: ("max" | "min")[] = [];
  for (const c of conditions) {
    switch (c.kind) {
      case "max":
      case "min": {
        const given = score[c.kind];
        if (given !== undefined && given !== c.value) twice.push(c.kind);
        score[c.kind] = c.value;
        break;
      }
      case "band":
        pushNew(score.band, c.value);
        break;
      case "sentiment":
        pushNew(comment.sentiment, c.value);
        break;
      case "theme": {
        // An older theme name (delivery, quality, support, …) means the component it now sits under.
        const theme = componentOf(c.value);
        if (theme === undefined)
          return err({
            path: "theme",
            reason: `unknown theme "${c.value}" (themes: ${THEMES.join(", ")})`,
          });
        pushNew(comment.theme, theme);
        break;
      }
      default: {
        const never: never = c;
        throw new Error(`unhandled condition ${JSON.stringify(never)}`);
      }
    }
  }
  const hasScore = score.max !== undefined || score.min !== undefined || score.band.length > 0;
  const hasComment = comment.sentiment.length > 0 || comment.theme.length > 0;

  const sharedRoutes = new Set(def.alerts.map((a) => a.route));
  const sharedRoute = sharedRoutes.size === 1 ? [...sharedRoutes][0] : undefined;
  const routeOf = (replaced: readonly AlertRule[], stepId: string): string | undefined =>
    replaced.find((r) => r.when.step === stepId && r.route !== undefined)?.route ??
    replaced.find((r) => r.route !== undefined)?.route ??
    sharedRoute;
  const withRoute = (rule: AlertRule, route: string | undefined): AlertRule =>
    route === undefined ? rule : { ...rule, route };

  let alerts: AlertRule[] = [...def.alerts];
  if (hasScore) {
    const rating = def.steps.find((s): s is RatingStep => s.type === "rating");
    if (rating === undefined)
      return err({
        path: "steps",
        reason: "the flow has no rating step, so there is no score for max, min or band to test",
      });
    const onRating = (r: AlertRule): boolean => r.when.step === rating.id;
    const when: AlertRule["when"] = { step: rating.id };
    if (score.min !== undefined) when.min = score.min;
    if (score.max !== undefined) when.max = score.max;
    if (score.band.length > 0) when.band = oneOrList(score.band);
    const rule = withRoute({ id: SCORE_RULE_ID, when }, routeOf(alerts.filter(onRating), rating.id));
    alerts = replaceRules(alerts, onRating, [rule]);

    const at = `alerts[${alerts.indexOf(rule)}].when`;
    const scale = ratingRange(rating);
    const scaleName = `${rating.scale} scale (${scale.min}–${scale.max})`;
    const [again] = twice;
    if (again !== undefined) return err({ path: `${at}.${again}`, reason: `${again} is given twice` });
    for (const kind of ["min", "max"] as const) {
      const value = score[kind];
      if (value !== undefined && (value < scale.min || value > scale.max))
        return err({ path: `${at}.${kind}`, reason: `${kind}=${value} is outside the ${scaleName}` });
    }
    if (score.min !== undefined && score.max !== undefined && score.min > score.max)
      return err({
        path: `${at}.min`,
        reason: `min=${score.min} is greater than max=${score.max}: no score would raise the alert`,
      });
    const bands: readonly Band[] =
      rating.scale === "nps" ? ["detractor", "passive", "promoter"] : ["low", "neutral", "high"];
    const wrong = score.band.find((b) => !bands.includes(b));
    if (wrong !== undefined)
      return err({
        path: `${at}.band`,
        reason: `band "${wrong}" does not apply to the ${scaleName}; use ${bands.join(", ")}`,
      });
  }
  if (hasComment) {
    const texts = def.steps.filter((s) => s.type === "text");
    if (texts.length === 0)
      return err({
        path: "steps",
        reason: "the flow has no free-text step, so there is no comment for sentiment or theme to test",
      });
    const textIds = new Set(texts.map((s) => s.id));
    const onText = (r: AlertRule): boolean => textIds.has(r.when.step);
    const replaced = alerts.filter(onText);
    const taken = new Set(alerts.filter((r) => !onText(r)).map((r) => r.id));
    const rules = texts.map((step) => {
      const id = commentRuleId(step.id, taken);
      taken.add(id);
      const when: AlertRule["when"] = { step: step.id };
      if (comment.sentiment.length > 0) when.sentiment = oneOrList(comment.sentiment);
      if (comment.theme.length > 0) when.theme = oneOrList(comment.theme);
      return withRoute({ id, when }, routeOf(replaced, step.id));
    });
    alerts = replaceRules(alerts, onText, rules);
  }
  return checked({ ...def, alerts });
}

/** `/cx route <flow> <channel>`: sets `route` on every alert rule. */
export function setRoute(def: FlowDefinition, channel: string): FlowDefinition {
  return { ...def, alerts: def.alerts.map((a) => ({ ...a, route: channel })) };
}

/** `/cx new <key> from nps`: a copy of a template definition under a new key (title unchanged). */
export function fromTemplate(template: FlowDefinition, key: string): FlowDefinition {
  return { ...structuredClone(template), key };
}
