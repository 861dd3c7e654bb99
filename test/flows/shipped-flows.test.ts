import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { applyInput, type StepOutcome, startConversation } from "../../core/engine/engine.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { Flow, FlowDefinition, RatingStep, Step } from "../../core/flow/schema.ts";
import { isLocale, LOCALES, type Locale } from "../../core/locale.ts";
import { conversationTag } from "../../core/payload.ts";
import type { SentimentAnalyzer, SentimentLabel } from "../../core/sentiment/types.ts";

const FLOWS_DIR = fileURLToPath(new URL("../../flows", import.meta.url));
const KEYS = ["ces", "csat", "nps"] as const;
type Key = (typeof KEYS)[number];
/** Every shipped flow: the three surveys and the one-question recovery CSAT support can send. */
const ALL_KEYS = [...KEYS, "recovery"] as const;

/** The score bands, written out independently of `core/scores.ts`: [from, to, why step]. */
const BANDS: Record<Key, readonly (readonly [number, number, string])[]> = {
  nps: [
    [0, 6, "why-negative"],
    [7, 8, "why-neutral"],
    [9, 10, "why-positive"],
  ],
  csat: [
    [1, 2, "why-negative"],
    [3, 3, "why-neutral"],
    [4, 5, "why-positive"],
  ],
  ces: [
    [1, 3, "why-negative"],
    [4, 4, "why-neutral"],
    [5, 7, "why-positive"],
  ],
};
/** The highest score that raises the low-score alert. */
const ALERT_MAX: Record<Key, { id: string; max: number }> = {
  nps: { id: "detractor", max: 6 },
  csat: { id: "low-score", max: 2 },
  ces: { id: "low-score", max: 3 },
};
const WHY_STEPS = ["why-negative", "why-neutral", "why-positive"] as const;
const WHY_SENTIMENT: Record<(typeof WHY_STEPS)[number], SentimentLabel> = {
  "why-negative": "negative",
  "why-neutral": "neutral",
  "why-positive": "positive",
};

let definitions: Map<string, FlowDefinition>;
let loadErrors: unknown[];

beforeAll(async () => {
  const loaded = await loadFlowDirectory(FLOWS_DIR);
  definitions = new Map(loaded.flows.map((f) => [f.key, f]));
  loadErrors = loaded.errors;
});

function definition(key: string): FlowDefinition {
  const def = definitions.get(key);
  if (def === undefined) throw new Error(`flow ${key} did not load`);
  return def;
}

function flow(key: Key): Flow {
  return { ...definition(key), version: 1 };
}

function step(def: FlowDefinition, id: string): Step {
  const s = def.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`${def.key} has no step ${id}`);
  return s;
}

// ---- localized strings ----------------------------------------------------------------------------------

interface Found {
  readonly path: string;
  readonly text: Readonly<Record<string, string>>;
}

function isLocalizedText(value: unknown): value is Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([k, v]) => isLocale(k) && typeof v === "string");
}

/** Every LocalizedText record in a parsed definition, with where it is. */
function localizedTexts(value: unknown, path = "", out: Found[] = []): Found[] {
  if (isLocalizedText(value)) {
    out.push({ path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      localizedTexts(v, `${path}[${i}]`, out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) localizedTexts(v, path === "" ? k : `${path}.${k}`, out);
  }
  return out;
}

/** How many LocalizedText records a definition should have, counted from its shape. */
function expectedTextCount(def: FlowDefinition): number {
  let n = 1; // title
  for (const s of def.steps) {
    if ("prompt" in s) n += 1;
    if ("text" in s) n += 1;
    if (s.type === "rating" && s.labels) n += 2;
    if (s.type === "choice") n += s.options.length;
  }
  return n;
}

const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
/** Arabic yeh and kaf: Persian text uses ی (U+06CC) and ک (U+06A9). */
const ARABIC_YEH_KAF = /[\u064A\u0643]/;
/** Letters that exist in Persian but not in Arabic. */
const PERSIAN_ONLY = /[\u06CC\u06A9\u06AF\u067E\u0686\u0698]/;
/** Any digit, in Latin, Persian or Arabic-Indic numerals: the bot renders the scale itself. */
const DIGITS = /[0-9\u06F0-\u06F9\u0660-\u0669]/;

// ---- the engine driver ----------------------------------------------------------------------------------

/** Reads sentiment from marker words, so the tests decide what a comment "says". */
const analyzer: SentimentAnalyzer = {
  analyze(text) {
    const label: SentimentLabel = /awful/i.test(text)
      ? "negative"
      : /lovely/i.test(text)
        ? "positive"
        : "neutral";
    return { label, score: label === "negative" ? -0.8 : label === "positive" ? 0.8 : 0, evidence: [] };
  },
};
const deps = { analyzer, now: new Date("2025-03-01T10:00:00Z") };

class Run {
  /** Ids of the alerts that fired so far. */
  readonly alerts: string[] = [];
  outcome: StepOutcome;
  constructor(
    readonly flow: Flow,
    locale: Locale = "en",
  ) {
    this.outcome = startConversation(
      flow,
      { id: "c1", respondent: { channel: "console", userId: "u1" }, locale },
      deps.now,
    );
  }
  get at(): string | null {
    return this.outcome.state.stepId;
  }
  get lastText(): string {
    return this.outcome.messages.at(-1)?.text ?? "";
  }
  #apply(input: Parameters<typeof applyInput>[2]): this {
    this.outcome = applyInput(this.flow, this.outcome.state, input, deps);
    for (const e of this.outcome.events) if (e.type === "alert.due") this.alerts.push(e.alertId);
    return this;
  }
  press(value: string): this {
    const stepId = this.at;
    if (stepId === null) throw new Error("conversation is over");
    return this.#apply({
      type: "button",
      payload: {
        kind: "answer",
        conversation: conversationTag(this.outcome.state.id),
        flowVersion: this.flow.version,
        stepId,
        value,
      },
    });
  }
  type(text: string): this {
    return this.#apply({ type: "text", text });
  }
  skip(): this {
    return this.#apply({ type: "command", command: "skip" });
  }
}

function endText(key: Key, id: "thanks" | "thanks-contact", locale: Locale = "en"): string {
  const s = step(definition(key), id);
  if (s.type !== "end") throw new Error(`${id} is not an end step`);
  return s.text[locale] ?? "";
}

// ---- the tests ------------------------------------------------------------------------------------------

describe("shipped flows", () => {
  it("loads exactly nps, csat, ces and recovery, with no errors", () => {
    expect(loadErrors).toEqual([]);
    expect([...definitions.keys()].sort()).toEqual([...ALL_KEYS]);
  });

  it("asks one CSAT question in the recovery flow, without alerts", () => {
    const def = definition("recovery");
    const questions = def.steps.filter((s) => s.type !== "end");
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ type: "rating", scale: "csat" });
    expect(def.alerts).toEqual([]);
  });

  describe.each(ALL_KEYS)("%s strings", (key) => {
    it("has every user-visible string in all four locales", () => {
      const def = definition(key);
      const texts = localizedTexts(def);
      expect(texts.length).toBe(expectedTextCount(def));
      for (const { path, text } of texts) {
        expect(Object.keys(text).sort(), `${key}: ${path}`).toEqual([...LOCALES].sort());
        for (const l of LOCALES) expect(text[l]?.trim(), `${key}: ${path}.${l}`).not.toBe("");
      }
    });

    it("writes each locale in its own script and spelling", () => {
      for (const { path, text } of localizedTexts(definition(key))) {
        const where = `${key}: ${path}`;
        expect(text.fa, `${where}.fa`).toMatch(ARABIC_SCRIPT);
        expect(text.fa, `${where}.fa uses Arabic ي/ك`).not.toMatch(ARABIC_YEH_KAF);
        expect(text.fa, `${where}.fa detached «می»`).not.toMatch(/(^|\s)ن?می\s/);
        expect(text.ar, `${where}.ar`).toMatch(ARABIC_SCRIPT);
        expect(text.ar, `${where}.ar uses Persian letters`).not.toMatch(PERSIAN_ONLY);
        for (const l of ["fa", "ar"] as const)
          expect(text[l], `${where}.${l} uses Latin ? or ,`).not.toMatch(/[?,;]/);
        expect(text.en, `${where}.en`).not.toMatch(ARABIC_SCRIPT);
        expect(text.tr, `${where}.tr`).not.toMatch(ARABIC_SCRIPT);
      }
    });

    it("puts no digits in user-visible strings (the bot renders the scale)", () => {
      for (const { path, text } of localizedTexts(definition(key))) {
        for (const l of LOCALES) expect(text[l], `${key}: ${path}.${l}`).not.toMatch(DIGITS);
      }
    });
  });

  describe.each(KEYS)("%s", (key) => {
    it("asks the score first, on its own scale, with end labels", () => {
      const first = definition(key).steps[0] as RatingStep;
      expect(first.id).toBe("score");
      expect(first.type).toBe("rating");
      expect(first.scale).toBe(key);
      expect(first.labels).toBeDefined();
    });

    it("has optional, sentiment-tagged why steps capped at 1000 characters", () => {
      for (const id of WHY_STEPS) {
        const s = step(definition(key), id);
        expect(s.type).toBe("text");
        if (s.type !== "text") continue;
        expect(s.sentiment).toBe(WHY_SENTIMENT[id]);
        expect(s.optional).toBe(true);
        expect(s.maxLength).toBe(1000);
      }
      const contact = step(definition(key), "contact");
      expect(contact.type).toBe("choice");
      expect(contact.sentiment).toBe("negative");
      if (contact.type === "choice") expect(contact.options.map((o) => o.id)).toEqual(["yes", "no"]);
    });

    it("declares the score, comment and contact alerts", () => {
      const alerts = definition(key).alerts.map((a) => ({ id: a.id, when: a.when }));
      expect(alerts).toContainEqual({
        id: ALERT_MAX[key].id,
        when: { step: "score", max: ALERT_MAX[key].max },
      });
      for (const id of WHY_STEPS) {
        expect(alerts.filter((a) => a.when.step === id)).toEqual([
          expect.objectContaining({ when: { step: id, sentiment: "negative" } }),
        ]);
      }
      expect(alerts).toContainEqual({ id: "contact-requested", when: { step: "contact", choice: "yes" } });
    });

    const values = BANDS[key].flatMap(([from, to, why]) =>
      Array.from({ length: to - from + 1 }, (_, i) => [from + i, why] as const),
    );

    it.each(values)("routes a score of %i to %s", (value, why) => {
      const run = new Run(flow(key));
      expect(run.at).toBe("score");
      run.press(String(value));
      expect(run.at).toBe(why);
      const whyStep = step(definition(key), why);
      if (whyStep.type === "text") expect(run.lastText).toBe(whyStep.prompt.en);
      expect(run.alerts.includes(ALERT_MAX[key].id), `alert at ${value}`).toBe(value <= ALERT_MAX[key].max);
    });

    it("asks the neutral why question when the score is skipped", () => {
      const run = new Run(flow(key)).skip();
      expect(run.at).toBe("why-neutral");
      expect(run.alerts).toEqual([]);
    });

    it.each(WHY_STEPS)("offers contact after a negative comment on %s", (why) => {
      const [from] = BANDS[key].find(([, , w]) => w === why) ?? [0];
      const run = new Run(flow(key)).press(String(from));
      expect(run.at).toBe(why);
      run.type("The wait was awful and nobody answered.");
      expect(run.at).toBe("contact");
      expect(run.alerts).toContain(`negative-comment-${why.slice(4, 7)}`);
      run.press("yes");
      expect(run.at).toBeNull();
      expect(run.outcome.state.status).toBe("completed");
      expect(run.lastText).toBe(endText(key, "thanks-contact"));
      expect(run.alerts).toContain("contact-requested");
    });

    it("ends with the plain thanks when contact is declined or skipped", () => {
      const declined = new Run(flow(key)).press(String(BANDS[key][0]?.[0])).type("awful").press("no");
      expect(declined.lastText).toBe(endText(key, "thanks"));
      expect(declined.alerts).not.toContain("contact-requested");
      const skipped = new Run(flow(key)).press(String(BANDS[key][0]?.[0])).type("awful").skip();
      expect(skipped.outcome.state.status).toBe("completed");
      expect(skipped.lastText).toBe(endText(key, "thanks"));
    });

    it("thanks without offering contact after a neutral, positive or skipped comment", () => {
      for (const [from, , why] of BANDS[key]) {
        for (const comment of ["It was fine.", "A lovely team!", null]) {
          // The score is a prior: after a low score, a comment that reads neutral counts as a complaint.
          if (why === "why-negative" && comment === "It was fine.") continue;
          const run = new Run(flow(key)).press(String(from));
          expect(run.at).toBe(why);
          if (comment === null) run.skip();
          else run.type(comment);
          expect(run.at, `${why} → ${comment}`).toBeNull();
          expect(run.lastText).toBe(endText(key, "thanks"));
          expect(run.alerts.some((a) => a.startsWith("negative-comment"))).toBe(false);
        }
      }
    });

    it("reads a neutral comment after a low score as a complaint, and marks a comment that contradicts the score", () => {
      const [low, , whyLow] = BANDS[key][0] as readonly [number, number, string];
      const prior = new Run(flow(key)).press(String(low));
      expect(prior.at).toBe(whyLow);
      prior.type("It was fine.");
      expect(prior.at).toBe("contact");
      const comment = prior.outcome.state.answers.at(-1)?.answer;
      expect(comment?.type === "text" ? [comment.sentiment.label, comment.score] : []).toEqual([
        "negative",
        "prior",
      ]);

      const [high, , whyHigh] = BANDS[key][2] as readonly [number, number, string];
      const angry = new Run(flow(key)).press(String(high));
      expect(angry.at).toBe(whyHigh);
      angry.type("awful, the worst service ever");
      const contradicting = angry.outcome.state.answers.at(-1)?.answer;
      expect(
        contradicting?.type === "text" ? [contradicting.sentiment.label, contradicting.score] : [],
      ).toEqual(["negative", "disagrees"]);
    });

    it.each(LOCALES)("runs end to end in %s", (locale) => {
      const def = definition(key);
      const run = new Run(flow(key), locale);
      const score = step(def, "score");
      if (score.type === "rating") expect(run.lastText.startsWith(score.prompt[locale] ?? "?")).toBe(true);
      run.press(String(BANDS[key][0]?.[0])).type("awful");
      const contact = step(def, "contact");
      if (contact.type === "choice")
        expect(run.lastText.startsWith(contact.prompt[locale] ?? "?")).toBe(true);
      run.press("yes");
      expect(run.lastText).toBe(endText(key, "thanks-contact", locale));
    });
  });
});
