import { z } from "zod";
import { ZLocale } from "../locale.ts";
import { SENTIMENT_LABELS } from "../sentiment/types.ts";
import { componentOf, THEME_NAMES, THEMES, type Theme } from "../themes/themes.ts";

/**
 * Survey flows as data. A flow file (YAML or JSON in `flows/`) is parsed with {@link ZFlowDefinition};
 * the cross-references (step targets, alert steps, locales) are checked by `validateFlow`.
 */

/** Step and option ids are short and payload-safe: they travel inside platform button payloads. */
export const ZStepId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,23}$/,
    "must be 1–24 characters of a–z, 0–9, '_' or '-', starting with a letter or digit",
  );
export const ZOptionId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,15}$/,
    "must be 1–16 characters of a–z, 0–9, '_' or '-', starting with a letter or digit",
  );
export const ZFlowKey = z.string().regex(/^[a-z0-9-]{1,32}$/, "must be 1–32 characters of a–z, 0–9 or '-'");

/** A user-visible string in several locales. At least one locale; the flow's fallback chain fills gaps. */
export const ZLocalizedText = z
  .partialRecord(ZLocale, z.string().trim().min(1, "must not be empty").max(1500))
  .refine((t) => Object.keys(t).length > 0, "needs at least one locale");
export type LocalizedText = z.infer<typeof ZLocalizedText>;

export const ZSentimentLabel = z.enum(SENTIMENT_LABELS);
export const BANDS = ["detractor", "passive", "promoter", "low", "neutral", "high"] as const;
export const ZBand = z.enum(BANDS);
export type Band = z.infer<typeof ZBand>;

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

const ZThemeName = z
  .string()
  .refine((name) => componentOf(name) !== undefined, {
    message: `unknown theme (themes: ${THEMES.join(", ")}; older names also read: ${THEME_NAMES.slice(THEMES.length).join(", ")})`,
  })
  .transform((name): Theme => componentOf(name) ?? "product");
const ZThemeCondition = oneOrMany(ZThemeName).transform((value): Theme | Theme[] =>
  Array.isArray(value) ? [...new Set(value)] : value,
);

/**
 * A condition on an answer: of the current step unless `step` names an earlier one.
 * Every field given must hold (AND); a list inside a field means any of them (OR).
 */
const conditionFields = {
  step: ZStepId.optional(),
  band: oneOrMany(ZBand).optional(),
  sentiment: oneOrMany(ZSentimentLabel).optional(),
  /**
   * A free-text answer that talks about one of these CX components (see core/themes). The older theme names
   * (delivery, quality, support, …) are still accepted and read as their component.
   */
  theme: ZThemeCondition.optional(),
  choice: oneOrMany(ZOptionId).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  answered: z.boolean().optional(),
};
const hasTest = (c: object): boolean => Object.keys(c).some((k) => k !== "step");
export const ZCondition = z
  .strictObject(conditionFields)
  .refine(hasTest, "a condition needs at least one test");
export type Condition = z.infer<typeof ZCondition>;

/**
 * Where to go after a step. Rules are tried in order; the first that matches wins:
 * - `{ goto: id, when?: condition }` — go to a step when the condition holds (always, without `when`);
 * - `{ followUp: [id, …] }` — the sentiment-tagged follow-up: go to the first listed step whose
 *   `sentiment` tag equals the sentiment of the answer just given (read from the score band or the text).
 */
export const ZNextRule = z.union([
  z.strictObject({ goto: ZStepId, when: ZCondition.optional() }),
  z.strictObject({ followUp: z.array(ZStepId).min(1) }),
]);
export type NextRule = z.infer<typeof ZNextRule>;

const stepBase = {
  id: ZStepId,
  /** The sentiment this step is a follow-up for; used by `followUp` rules. */
  sentiment: ZSentimentLabel.optional(),
  next: z.union([ZStepId, z.array(ZNextRule)]).optional(),
};

export const SCALES = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
} as const;
export type ScaleName = keyof typeof SCALES;

export const ZRatingStep = z.strictObject({
  ...stepBase,
  type: z.literal("rating"),
  prompt: ZLocalizedText,
  scale: z.enum(["nps", "csat", "ces", "custom"]),
  /** For `custom` scales only. */
  min: z.number().int().min(0).max(100).optional(),
  max: z.number().int().min(1).max(100).optional(),
  /** Words shown at the ends of the scale ("Not at all likely" / "Extremely likely"). */
  labels: z.strictObject({ min: ZLocalizedText, max: ZLocalizedText }).optional(),
  optional: z.boolean().default(true),
});

export const ZChoiceStep = z.strictObject({
  ...stepBase,
  type: z.literal("choice"),
  prompt: ZLocalizedText,
  multiple: z.boolean().default(false),
  options: z
    .array(z.strictObject({ id: ZOptionId, label: ZLocalizedText }))
    .min(1)
    .max(25),
  optional: z.boolean().default(true),
});

export const ZTextStep = z.strictObject({
  ...stepBase,
  type: z.literal("text"),
  prompt: ZLocalizedText,
  optional: z.boolean().default(true),
  /** Longer answers are kept whole as `original` and capped to this for the stored answer. */
  maxLength: z.number().int().min(1).max(4000).default(1000),
});

export const ZMessageStep = z.strictObject({ ...stepBase, type: z.literal("message"), text: ZLocalizedText });

export const ZEndStep = z.strictObject({
  id: ZStepId,
  sentiment: ZSentimentLabel.optional(),
  type: z.literal("end"),
  text: ZLocalizedText,
});

export const ZStep = z.discriminatedUnion("type", [
  ZRatingStep,
  ZChoiceStep,
  ZTextStep,
  ZMessageStep,
  ZEndStep,
]);
export type Step = z.infer<typeof ZStep>;
export type RatingStep = z.infer<typeof ZRatingStep>;
export type ChoiceStep = z.infer<typeof ZChoiceStep>;
export type TextStep = z.infer<typeof ZTextStep>;
export type MessageStep = z.infer<typeof ZMessageStep>;
export type EndStep = z.infer<typeof ZEndStep>;
export type QuestionStep = RatingStep | ChoiceStep | TextStep;

/** An alert rule: when its condition holds for a recorded answer, the core emits `alert.due`. */
export const ZAlertRule = z.strictObject({
  id: ZStepId,
  when: z
    .strictObject({ ...conditionFields, step: ZStepId })
    .refine(hasTest, "a condition needs at least one test"),
  /** Where a later adapter routes it (for example a Slack channel); opaque to the core. */
  route: z.string().min(1).max(200).optional(),
});
export type AlertRule = z.infer<typeof ZAlertRule>;

/** An IANA time zone name (`Europe/Istanbul`, `Asia/Tehran`, `UTC`). */
export const ZTimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not an IANA time zone");

/** A delay written `30m`, `24h` or `2d`. */
export const ZDelay = z
  .string()
  .regex(/^[1-9][0-9]{0,4}[mhd]$/, "must be a number of minutes, hours or days: 30m, 24h, 2d");

/** Milliseconds in a {@link ZDelay} string. */
export function delayMs(delay: string): number {
  const n = Number.parseInt(delay.slice(0, -1), 10);
  const unit = delay.at(-1);
  return n * (unit === "d" ? 86_400_000 : unit === "h" ? 3_600_000 : 60_000);
}

/**
 * How cxbot sends this flow on its own initiative (the HTTP API, campaigns): optional, and every field too.
 * The fatigue rule across flows (`CX_FATIGUE_DAYS`), opt-outs and quiet hours apply to every flow.
 */
export const ZFlowSending = z.strictObject({
  /** Days before the same respondent may be sent this flow again. */
  recontactDays: z.number().int().min(0).max(3650).optional(),
  /** Share of send requests actually sent, 0–100 (the rest are skipped as `sampled-out`). */
  samplePercent: z.number().min(0).max(100).optional(),
  /** Reminders after the survey was sent and not answered, each a delay after the send: `[24h, 72h]`. */
  reminders: z.array(ZDelay).max(5).optional(),
  /** Hours a sent survey waits for its first answer before it expires (default: the flow's idle time). */
  expireHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
});
export type FlowSending = z.infer<typeof ZFlowSending>;

/** The stages of a customer's journey a flow can ask about. */
export const JOURNEY_STAGES = ["before-purchase", "during-purchase", "after-purchase"] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];

export const ZFlowDefinition = z.strictObject({
  key: ZFlowKey,
  /** Shown to admins and in the flow picker. */
  title: ZLocalizedText,
  /** Locales tried, in order, when a string is missing in the respondent's locale. */
  fallback: z.array(ZLocale).min(1).default(["en"]),
  /** IANA time zone that decides which day an answer counts for in the score rollups. */
  timeZone: ZTimeZone.default("UTC"),
  /**
   * Properties a survey is sent with (`touchpoint`, `journey`…) that reports break scores and conversations
   * down by: each value a conversation carries is counted in the daily rollups.
   */
  segments: z
    .array(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, "must be a property name: letters, digits, _ or -"),
    )
    .max(5)
    .optional(),
  /** Where in the customer's journey this flow asks (`/cx report` names it). */
  journey: z.enum(JOURNEY_STAGES).optional(),
  /** Minutes without an answer after which a conversation in progress expires. */
  idleMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(60 * 24),
  alerts: z.array(ZAlertRule).default([]),
  /** Sending on cxbot's initiative: recontact, sampling, reminders, expiry. */
  sending: ZFlowSending.optional(),
  steps: z.array(ZStep).min(1).max(100),
});
export type FlowDefinition = z.infer<typeof ZFlowDefinition>;

/** A flow as the engine runs it: a definition plus the version the store assigned to it. */
export interface Flow extends FlowDefinition {
  readonly version: number;
}
