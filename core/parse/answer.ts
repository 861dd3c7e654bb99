import type { ChoiceStep, LocalizedText, RatingStep } from "../flow/schema.ts";
import { LOCALES, type Locale } from "../locale.ts";
import { err, ok, type Result } from "../result.ts";
import { foldAnswer } from "./fold.ts";

/** Why a typed answer was not accepted. */
export type AnswerError = "NOT_A_NUMBER" | "OUT_OF_RANGE" | "NO_SUCH_OPTION" | "EMPTY";

const NUMBER_WORDS: Readonly<Record<Locale, readonly (readonly string[])[]>> = {
  en: [
    ["zero", "none"],
    ["one"],
    ["two"],
    ["three"],
    ["four"],
    ["five"],
    ["six"],
    ["seven"],
    ["eight"],
    ["nine"],
    ["ten"],
  ],
  fa: [
    ["صفر"],
    ["یک", "یه"],
    ["دو"],
    ["سه"],
    ["چهار"],
    ["پنج"],
    ["شش", "شیش"],
    ["هفت"],
    ["هشت"],
    ["نه"],
    ["ده"],
  ],
  ar: [
    ["صفر"],
    ["واحد", "واحده", "واحدة"],
    ["اثنان", "اثنين", "اتنين", "اثنتان"],
    ["ثلاثه", "ثلاثة", "ثلاث", "تلاته", "تلاتة"],
    ["اربعه", "اربعة", "اربع"],
    ["خمسه", "خمسة", "خمس"],
    ["سته", "ستة", "ست"],
    ["سبعه", "سبعة", "سبع"],
    ["ثمانیه", "ثمانیة", "ثمان", "ثمانی", "تمانیه", "تمانیة"],
    ["تسعه", "تسعة", "تسع"],
    ["عشره", "عشرة", "عشر"],
  ],
  tr: [
    ["sıfır"],
    ["bir"],
    ["iki"],
    ["üç"],
    ["dört"],
    ["beş"],
    ["altı"],
    ["yedi"],
    ["sekiz"],
    ["dokuz"],
    ["on"],
  ],
};

/** Number words of every locale, folded, to their value. The respondent's own locale wins a clash. */
function numberWordTable(locale: Locale): Map<string, number> {
  const table = new Map<string, number>();
  const order = [...LOCALES.filter((l) => l !== locale), locale];
  for (const l of order) {
    NUMBER_WORDS[l].forEach((words, value) => {
      for (const w of words) table.set(foldAnswer(w, l), value);
    });
  }
  return table;
}
const NUMBER_TABLES = new Map<Locale, Map<string, number>>(LOCALES.map((l) => [l, numberWordTable(l)]));

/** Faces for satisfaction scales (1–5), as customers type them. */
const FACES: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ["😡", "😠", "🤬", "😤", "😭", "👎"]],
  [2, ["🙁", "☹️", "☹", "😞", "😟", "😕", "😒"]],
  [3, ["😐", "😑", "😶", "🤷"]],
  [4, ["🙂", "😊", "👍", "😌"]],
  [5, ["😀", "😃", "😄", "😁", "😍", "🤩", "🥰", "❤️", "❤", "👏", "💯"]],
];
const FACE_VALUES = new Map<string, number>(FACES.flatMap(([v, faces]) => faces.map((f) => [f, v] as const)));

/** The inclusive range of a rating step. */
export function ratingRange(step: RatingStep): { min: number; max: number } {
  switch (step.scale) {
    case "nps":
      return { min: 0, max: 10 };
    case "csat":
      return { min: 1, max: 5 };
    case "ces":
      return { min: 1, max: 7 };
    case "custom":
      return { min: step.min ?? 1, max: step.max ?? 5 };
    default: {
      const never: never = step.scale;
      throw new Error(`unknown scale ${String(never)}`);
    }
  }
}

function readNumber(folded: string, raw: string, locale: Locale, facesAllowed: boolean): number | undefined {
  if (/^[+]?\d{1,3}$/.test(folded)) return Number(folded);
  // "8/10", "8 از 10", "8 out of 10", "10 üzerinden 8" — take the score, not the scale.
  const outOf = folded.match(/^(\d{1,3}) ?(?:\/|از|من|out of|of) ?\d{1,3}$/);
  if (outOf?.[1]) return Number(outOf[1]);
  const turkishOutOf = folded.match(/^\d{1,3} üzerinden (\d{1,3})$/);
  if (turkishOutOf?.[1]) return Number(turkishOutOf[1]);
  const word = NUMBER_TABLES.get(locale)?.get(folded);
  if (word !== undefined) return word;
  if (facesAllowed) {
    const face = FACE_VALUES.get(raw.trim());
    if (face !== undefined) return face;
    const stars = raw.trim().match(/^(?:⭐|★|🌟)+$/u);
    if (stars) return [...raw.trim()].length;
  }
  // One lone integer in a short sentence ("I'd say 8", "۸ میدم", "8 veririm").
  const numbers = folded.match(/\d+/g);
  if (numbers && numbers.length === 1 && folded.length <= 40 && !/\d[.,]\d/.test(folded))
    return Number(numbers[0]);
  return undefined;
}

/**
 * Reads a typed rating in any numeral system: digits (Latin, Persian, Arabic-Indic), number words 0–10 in
 * en/fa/ar/tr, "8/10", and faces or stars on 1–5 scales. Never accepts a value outside the scale.
 */
export function parseRating(text: string, step: RatingStep, locale: Locale): Result<number, AnswerError> {
  const folded = foldAnswer(text, locale);
  if (folded === "" && text.trim() === "") return err("EMPTY");
  const { min, max } = ratingRange(step);
  if (/^\s*[-−]\s*[0-9۰-۹٠-٩]/.test(text)) return err("OUT_OF_RANGE");
  const value = readNumber(folded, text, locale, max - min === 4);
  if (value === undefined) return err("NOT_A_NUMBER");
  if (!Number.isInteger(value) || value < min || value > max) return err("OUT_OF_RANGE");
  return ok(value);
}

function labelMatches(label: LocalizedText, folded: string): boolean {
  return LOCALES.some((l) => {
    const text = label[l];
    return text !== undefined && foldAnswer(text, l) === folded;
  });
}

/**
 * Reads a typed choice: the option's number as shown (any numeral system), its label in any locale, or its id.
 * For multiple choice, several separated by commas, "and", "و", "ve" or spaces.
 */
export function parseChoice(text: string, step: ChoiceStep, locale: Locale): Result<string[], AnswerError> {
  const folded = foldAnswer(text, locale);
  if (folded === "") return err("EMPTY");
  const one = (part: string): string | undefined => {
    if (/^\d{1,2}$/.test(part)) return step.options[Number(part) - 1]?.id;
    return step.options.find((o) => o.id === part || labelMatches(o.label, part))?.id;
  };
  const whole = one(folded);
  if (whole !== undefined) return ok([whole]);
  if (!step.multiple) return err("NO_SUCH_OPTION");
  const parts = folded
    .split(/\s*(?:,|،|;|\band\b|\bve\b| و )\s*|\s+/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const ids: string[] = [];
  for (const part of parts) {
    const id = one(part);
    if (id === undefined) return err("NO_SUCH_OPTION");
    if (!ids.includes(id)) ids.push(id);
  }
  return ids.length > 0 ? ok(ids) : err("NO_SUCH_OPTION");
}
