import type { Locale } from "../locale.ts";
import { foldTurkish, tokenize } from "../text/normalize.ts";

/** Where an intensifier looks for the term it scales. */
export type IntensifierPosition = "pre" | "post" | "any";

/** A word that scales a neighbouring term ("very", "خیلی", "جدا", "çok", "biraz"). */
export interface IntensifierSpec {
  /** Multiplier for the term's weight: above 1 strengthens, below 1 weakens. */
  readonly factor: number;
  /** "pre": scales the next term; "post": the previous one; "any": previous if there is one, else next. */
  readonly position: IntensifierPosition;
}

/**
 * A hand-written sentiment lexicon for one language, as authored in `lexicon-<locale>.ts`.
 * Keys are written naturally; they are normalized with the same code as user input at module load.
 */
export interface LanguageLexicon {
  /**
   * Term → weight in [−1, 1]. A key with spaces is a phrase matched token by token; a key ending in
   * "*" is a stem matched as a prefix of a token (longest stem wins).
   */
  readonly terms: Readonly<Record<string, number>>;
  /** Words that negate the next few terms ("not", "ليس", "نه", "hiç"). */
  readonly negators: readonly string[];
  /** Words that negate the terms just before them ("نیست", "değil", "yok"); "*" marks a stem. */
  readonly postNegators: readonly string[];
  /** Intensifiers and diminishers: a bare number means a "pre" intensifier. */
  readonly intensifiers: Readonly<Record<string, number | IntensifierSpec>>;
  /** Contrast words ("but", "ولی", "لكن", "ama"): the clause after them weighs more. */
  readonly contrasts: readonly string[];
  /** Persian light verbs and copulas whose negated form ("نبود", "نداشتم") negates a preceding term. */
  readonly lightVerbs?: readonly string[];
  /**
   * Words of speed ("quickly", "بسرعه", "çabuk") that praise only on their own: beside a complaint they
   * measure it ("the battery drains quickly", "çabuk ısınıyor"). "*" marks a stem.
   */
  readonly speeds?: readonly string[];
  /**
   * Negatives whose negation is praise (litotes: "not bad", "no problems", "fena değil", "بد نبود", "مو سيء").
   * Any other negated negative ("not rude") only leans positive. "*" marks a stem.
   */
  readonly litotes?: readonly string[];
  /** Verbs of opinion that carry a negation over their whole clause ("I don't think it was good"). */
  readonly raisers?: readonly string[];
  /** Thanks and courtesies ("thanks", "ممنون", "شكرا", "teşekkür*"); "*" marks a stem. Muted inside a complaint. */
  readonly courtesies?: readonly string[];
  /** Sentence adverbs that no negator flips ("unfortunately", "متاسفانه", "maalesef"). */
  readonly unnegatable?: readonly string[];
}

/** A phrase compiled to match keys. */
export interface CompiledPhrase {
  readonly keys: readonly string[];
  readonly weight: number;
  readonly text: string;
  /** True when the phrase already carries its own negation ("خوشم نیومد", "tavsiye etmem"). */
  readonly locked: boolean;
}

/** A lexicon precompiled into maps of match keys; built once per locale at module load. */
export interface CompiledLexicon {
  readonly locale: Locale;
  readonly exact: ReadonlyMap<string, number>;
  readonly stems: ReadonlyMap<string, number>;
  readonly minStem: number;
  readonly maxStem: number;
  readonly phrases: ReadonlyMap<string, readonly CompiledPhrase[]>;
  readonly negators: ReadonlySet<string>;
  readonly postNegators: ReadonlySet<string>;
  readonly postNegatorStems: readonly string[];
  readonly intensifiers: ReadonlyMap<string, IntensifierSpec>;
  readonly contrasts: ReadonlySet<string>;
  readonly lightVerbs: ReadonlySet<string>;
  /** Every single-token key the lexicon knows (terms, phrase words, light verbs), for negation stripping. */
  readonly knownForms: ReadonlySet<string>;
  /**
   * Single-letter deletions (never of the first letter) of the exact terms of at least {@link FUZZY_MIN_TERM}
   * letters, mapped to the term's weight; NaN where two terms of different sign share a deletion.
   */
  readonly deletions: ReadonlyMap<string, number>;
  /** Match keys of litotes negatives. */
  readonly litotes: WordSet;
  /** Match keys of speed words (exact words and stems). */
  readonly speeds: WordSet;
  /** Match keys of opinion verbs that widen a negation's scope to the clause. */
  readonly raisers: ReadonlySet<string>;
  /** Match keys of thanks and courtesies (exact words and stems). */
  readonly courtesies: WordSet;
  /** Keys no negator may flip: sentence adverbs and negative entries that already contain a negation. */
  readonly locked: ReadonlySet<string>;
}

/** A word list matched by exact key or by stem (thanks words, speed words). */
export class WordSet {
  private readonly exact: ReadonlySet<string>;
  private readonly stems: readonly string[];
  constructor(exact: ReadonlySet<string>, stems: readonly string[]) {
    this.exact = exact;
    this.stems = stems;
  }
  has(key: string): boolean {
    return this.exact.has(key) || this.stems.some((s) => key.startsWith(s));
  }
}

/** Shortest lexicon term that tolerant matching considers. */
export const FUZZY_MIN_TERM = 6;
/** Weakest lexicon term that tolerant matching considers: mild words are not worth a guess. */
const FUZZY_MIN_WEIGHT = 0.3;

/**
 * Every deletion of one inner letter from a key, keeping its first and last letters: a changed ending is
 * usually another word or form ("please" / "pleased"), a changed middle a typo ("dissapointed").
 */
export function* deletionsOf(key: string): Generator<string> {
  for (let i = 1; i < key.length - 1; i++) yield key.slice(0, i) + key.slice(i + 1);
}

function compileDeletions(exact: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, weight] of exact) {
    if (key.length < FUZZY_MIN_TERM || Math.abs(weight) < FUZZY_MIN_WEIGHT) continue;
    for (const variant of deletionsOf(key)) {
      if (exact.has(variant)) continue;
      const seen = out.get(variant);
      out.set(variant, seen === undefined || Math.sign(seen) === Math.sign(weight) ? weight : Number.NaN);
    }
  }
  return out;
}

/** The key a normalized token is matched by: Turkish is additionally folded to ASCII. */
export function matchKey(token: string, locale: Locale): string {
  return locale === "tr" ? foldTurkish(token) : token;
}

function keysOf(raw: string, locale: Locale): string[] {
  return tokenize(raw, locale).map((t) => matchKey(t, locale));
}

function clampWeight(weight: number): number {
  return Math.max(-1, Math.min(1, weight));
}

function singleKey(raw: string, locale: Locale): string | undefined {
  const keys = keysOf(raw, locale);
  return keys.length === 1 ? keys[0] : undefined;
}

/** A negative entry whose text is itself negated: negating it again would wrongly flip it positive. */
function carriesNegation(keys: readonly string[], weight: number, locale: Locale): boolean {
  if (weight >= 0) return false;
  if (locale === "fa") return keys.some((k) => k.startsWith("ن") && !k.startsWith("نا") && k.length > 2);
  if (locale === "tr") return keys.some((k) => /m[ae](?:m|z|d[iu]|y[iu]n)|m[iu]yor/.test(k));
  if (locale === "ar") return keys.length > 1;
  return keys.length > 1 && keys.some((k) => k === "not" || k === "no" || k === "never" || k.endsWith("n't"));
}

function compileTerms(lexicon: LanguageLexicon, locale: Locale) {
  const locked = keySet(lexicon.unnegatable ?? [], locale);
  const exact = new Map<string, number>();
  const stems = new Map<string, number>();
  const phrases = new Map<string, CompiledPhrase[]>();
  for (const [raw, value] of Object.entries(lexicon.terms)) {
    const weight = clampWeight(value);
    const isStem = raw.endsWith("*");
    const keys = keysOf(isStem ? raw.slice(0, -1) : raw, locale);
    const first = keys[0];
    if (first === undefined) continue;
    if (keys.length > 1) {
      const list = phrases.get(first) ?? [];
      list.push({ keys, weight, text: keys.join(" "), locked: carriesNegation(keys, weight, locale) });
      phrases.set(first, list);
    } else if (isStem) stems.set(first, weight);
    else {
      exact.set(first, weight);
      if (carriesNegation(keys, weight, locale)) locked.add(first);
    }
  }
  for (const list of phrases.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  return { exact, stems, phrases, locked };
}

function compileIntensifiers(lexicon: LanguageLexicon, locale: Locale): Map<string, IntensifierSpec> {
  const out = new Map<string, IntensifierSpec>();
  for (const [raw, spec] of Object.entries(lexicon.intensifiers)) {
    const key = singleKey(raw, locale);
    if (key === undefined) continue;
    out.set(key, typeof spec === "number" ? { factor: spec, position: "pre" } : spec);
  }
  return out;
}

function keySet(words: readonly string[], locale: Locale): Set<string> {
  const out = new Set<string>();
  for (const w of words) {
    const key = singleKey(w, locale);
    if (key !== undefined) out.add(key);
  }
  return out;
}

function wordSet(words: readonly string[], locale: Locale): WordSet {
  const exact = keySet(
    words.filter((w) => !w.endsWith("*")),
    locale,
  );
  const stems = keySet(
    words.filter((w) => w.endsWith("*")).map((w) => w.slice(0, -1)),
    locale,
  );
  return new WordSet(exact, [...stems]);
}

/** Normalizes an authored lexicon into match-key maps. Runs once per locale at module load. */
export function compileLexicon(lexicon: LanguageLexicon, locale: Locale): CompiledLexicon {
  const { exact, stems, phrases, locked } = compileTerms(lexicon, locale);
  const stemLengths = [...stems.keys()].map((k) => k.length);
  const postStems = lexicon.postNegators.filter((w) => w.endsWith("*"));
  const postExact = lexicon.postNegators.filter((w) => !w.endsWith("*"));
  const lightVerbs = keySet(lexicon.lightVerbs ?? [], locale);
  const knownForms = new Set<string>([...exact.keys(), ...lightVerbs]);
  for (const list of phrases.values()) for (const p of list) for (const k of p.keys) knownForms.add(k);
  return {
    locale,
    exact,
    stems,
    minStem: stemLengths.length ? Math.min(...stemLengths) : 0,
    maxStem: stemLengths.length ? Math.max(...stemLengths) : 0,
    phrases,
    negators: keySet(lexicon.negators, locale),
    postNegators: keySet(postExact, locale),
    postNegatorStems: [
      ...keySet(
        postStems.map((w) => w.slice(0, -1)),
        locale,
      ),
    ],
    intensifiers: compileIntensifiers(lexicon, locale),
    contrasts: keySet(lexicon.contrasts, locale),
    lightVerbs,
    knownForms,
    locked,
    deletions: compileDeletions(exact),
    raisers: keySet(lexicon.raisers ?? [], locale),
    speeds: wordSet(lexicon.speeds ?? [], locale),
    litotes: wordSet(lexicon.litotes ?? [], locale),
    courtesies: wordSet(lexicon.courtesies ?? [], locale),
  };
}
