import { baseForms, persianNegatedStem, stemOfForms, turkishSuffixAfterStem } from "../text/morphology.ts";
import { type CompiledLexicon, deletionsOf, FUZZY_MIN_TERM } from "./lexicon.ts";

export { isTurkishNegativeVerb } from "../text/morphology.ts";

/** A lexicon term found in one token, possibly negated by the token's own morphology. */
export interface TermMatch {
  readonly weight: number;
  /** True when the negation is inside the token: "نمی‌ارزه", "ماعجبني", "beğenmedim", "sorunsuz". */
  readonly negated: boolean;
}

/** How much stronger an Arabic elative ("اجمل", "افشل") is than its adjective. */
const ELATIVE_FACTOR = 1.2;
/** Person endings a negated Persian light verb may carry ("نشدم", "نکردن", "نداشتش"). */
const FA_LIGHT_VERB_ENDINGS = ["ش", "ه", "ن", "م"] as const;

/**
 * Finds the lexicon term a token's match key stands for: the first base form (see core/text/morphology.ts)
 * the lexicon knows exactly, else the first one a lexicon stem prefixes (longest stem).
 */
export function lookupTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const known = lex.exact.get(key);
  if (known !== undefined) return { weight: known, negated: false };
  const forms = baseForms(key, lex.locale);
  for (const form of forms) {
    const weight = lex.exact.get(form.base);
    if (weight === undefined) continue;
    const scaled = form.elative ? Math.max(-1, Math.min(1, weight * ELATIVE_FACTOR)) : weight;
    return { weight: scaled, negated: form.negated };
  }
  const stem = stemOfForms(forms, lex.stems, lex.minStem, lex.maxStem);
  if (!stem) return undefined;
  // What follows a Turkish stem may negate it ("beğen|medim", "sorun|suz").
  const suffix = lex.locale === "tr" ? turkishSuffixAfterStem(stem.form.base.slice(stem.length)) : undefined;
  return { weight: stem.value, negated: stem.form.negated || suffix !== undefined };
}

/** True for a Persian negated light verb or copula ("نبود", "نداشتم", "نمی‌کنه") that negates what precedes it. */
export function isPersianNegatedLightVerb(key: string, lex: CompiledLexicon): boolean {
  const rest = persianNegatedStem(key);
  if (rest === undefined) return false;
  if (lex.lightVerbs.has(rest)) return true;
  return FA_LIGHT_VERB_ENDINGS.some((e) => rest.endsWith(e) && lex.lightVerbs.has(rest.slice(0, -e.length)));
}

/** Strips a Persian negation prefix when what remains is a form the lexicon knows (for phrase matching). */
export function persianPositiveForm(key: string, lex: CompiledLexicon): string | undefined {
  const rest = persianNegatedStem(key);
  return rest !== undefined && lex.knownForms.has(rest) ? rest : undefined;
}

/** Shortest word that tolerant matching is tried on, per locale (Arabic-script words are denser). */
const FUZZY_MIN_WORD: Readonly<Record<CompiledLexicon["locale"], number>> = { en: 8, tr: 9, fa: 7, ar: 7 };

/**
 * A lexicon term one edit away from a word the lexicon does not know ("dissapointed", "exellent",
 * "ممتاازه"): one letter added, dropped or replaced, never the first or last letter, only for words
 * of at least eight letters (Turkish nine, Arabic script seven) and terms of at least six, and only when every candidate agrees
 * in sign. Tried only on lexicon misses.
 */
export function fuzzyTerm(key: string, lex: CompiledLexicon): number | undefined {
  if (key.length < FUZZY_MIN_WORD[lex.locale] || key.length < FUZZY_MIN_TERM + 1) return undefined;
  let found: number | undefined = lex.deletions.get(key);
  const agree = (w: number | undefined): boolean => {
    if (w === undefined) return true;
    if (Number.isNaN(w)) return false;
    if (found !== undefined && (Number.isNaN(found) || Math.sign(found) !== Math.sign(w))) return false;
    found ??= w;
    return true;
  };
  if (found !== undefined && Number.isNaN(found)) return undefined;
  for (const variant of deletionsOf(key)) {
    if (!agree(lex.exact.get(variant)) || !agree(lex.deletions.get(variant))) return undefined;
  }
  return found;
}
