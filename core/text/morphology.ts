import type { Locale } from "../locale.ts";
import { normalizeText } from "./normalize.ts";

/*
 * One light morphology for every reader of text (sentiment, themes): the candidate base forms ("lemmas") of a
 * normalized match key, most specific first, and the few affix facts that change a word's meaning (a negation
 * fused into the word, an Arabic elative, a Turkish negative or privative suffix). One set of affix tables per
 * language; Arabic-script tables are normalized into each canonical form at module load.
 */

/**
 * The Arabic-script canonical form a key is in: Persian (ی, ک) when normalized for fa, Arabic (ي, ك) for every
 * other locale, exactly as normalizeText produces.
 */
export type Canon = "fa" | "ar";

/** The canonical form normalizeText gives Arabic script in a locale. */
export function canonOf(locale: Locale): Canon {
  return locale === "fa" ? "fa" : "ar";
}

/** One candidate base form of a token. */
export interface BaseForm {
  readonly base: string;
  /**
   * The token's own negation was stripped to reach the base: a Persian negative verb prefix ("نمی‌ارزه",
   * "نخریدم") or privative "بی" ("بی‌کیفیت"), an Arabic fused negator ("ماعجبني", "مش").
   */
  readonly negated: boolean;
  /** An Arabic elative (أفعل: "اجمل", "افشل") read as its adjective ("جميل", "فاشل"): the word says more. */
  readonly elative: boolean;
}

/** What a suffix right after a Turkish stem says: "-ma/-me", "-ama/-eme" negate the verb, "-sız" privates the noun. */
export type TurkishSuffix = "negative" | "privative";

// ---------------------------------------------------------------------------------------------------------
// Affix tables, one set per language
// ---------------------------------------------------------------------------------------------------------

/** An affix and the fewest letters it must leave behind. */
interface Affix {
  readonly text: string;
  readonly minRest: number;
  /** Stripping it removes the word's own negation. */
  readonly negates?: boolean;
}

/** Persian suffixes: plural, possessive, object, comparative, copula and verb person (up to two are stripped). */
const FA_SUFFIXES = [
  "هایشان",
  "هایمان",
  "هایتان",
  "هاشون",
  "هامون",
  "هاتون",
  "هایش",
  "هایم",
  "هایت",
  "هاش",
  "هام",
  "هات",
  "های",
  "ها",
  "ترین",
  "تره",
  "تر",
  "شون",
  "مون",
  "تون",
  "شان",
  "مان",
  "تان",
  "است",
  "ست",
  "ایی",
  "اش",
  "ام",
  "ات",
  "ان",
  "ای",
  "یی",
  "یه",
  "ید",
  "ند",
  "ین",
  "یم",
  "ه",
  "ی",
  "ش",
  "م",
  "ت",
  "ن",
  "ا",
  "و",
];

/** The Persian negative verb prefix ("نبود", "نداشتم"). */
const FA_NEGATIVE_PREFIX = "ن";

/** Persian prefixes: verb (می، نمی، ن، ب) and privative or possessive (بی، با); one is stripped. */
const FA_PREFIXES: readonly Affix[] = [
  { text: "نمی", minRest: 3, negates: true },
  { text: "می", minRest: 3 },
  { text: "بی", minRest: 3, negates: true },
  { text: "با", minRest: 3 },
  { text: FA_NEGATIVE_PREFIX, minRest: 3, negates: true },
  { text: "ب", minRest: 3 },
];

/** Arabic suffixes: pronouns, plurals, duals (up to two are stripped). */
const AR_SUFFIXES = [
  "هما",
  "كما",
  "تها",
  "كم",
  "كن",
  "هم",
  "هن",
  "ها",
  "نا",
  "ني",
  "ات",
  "ين",
  "ون",
  "ان",
  "وا",
  "ته",
  "ه",
  "ي",
  "ك",
  "ا",
];

/** Arabic proclitics, stripped in this order: a conjunction, then لل or a preposition, then the article. */
const AR_CONJUNCTIONS = ["و", "ف"];
const AR_PREPOSITIONS = ["ب", "ل", "ك"];
/** Negators written fused to the next word ("ماعجبني", "مشحلو", "ولاشي"). */
const AR_FUSED_NEGATORS = ["وما", "ولا", "ما", "لا", "مش", "مو", "مب"];

/** English suffix rules are code (englishForms); the letters that double before a suffix: */
const EN_DOUBLE_END_RE = /([b-df-hj-np-tv-z])\1$/;

/** Turkish negative (-ma/-me, -yor) or inability (-ama/-eme) suffix right after a verb stem; ASCII-folded. */
const TR_NEGATIVE_SUFFIX_RE = /^(?:y?[ae])?m(?:[ae](?!k)|[iu]yor)/;
/** Turkish privative suffix (-sız/-siz/-suz/-süz) right after a noun stem; ASCII-folded. */
const TR_PRIVATIVE_SUFFIX_RE = /^s[iu]z/;
/** A Turkish verb in a negative form; ASCII-folded. */
const TR_NEGATIVE_VERB_RE =
  /^.{2,}?(?:m[ae]d[iu]|m[iu]yor|m[ae]z(?:$|d|l|s)|m[ae]y[ae]c[ae]k|m[ae]m[iu]s|m[ae]y[iu]n|m[ae]m$)/;
const TR_NOT_NEGATIVE_VERBS: ReadonlySet<string> = new Set([
  "tamam",
  "bilmiyorum",
  "bilmiyoruz",
  "bilmem",
  "bilmiyor",
  "sanmiyorum",
  "anlamadim",
]);

// ---------------------------------------------------------------------------------------------------------
// Building readings
// ---------------------------------------------------------------------------------------------------------

const DOUBLE_RE = /(\p{L})\1/gu;
const HAS_DOUBLE_RE = /(\p{L})\1/u;
const MAX_ELONGATED_PAIRS = 4;

/** Candidate bases being collected: unique, non-empty, in the order found. */
class Forms {
  readonly list: string[] = [];
  add(value: string): void {
    if (value.length > 0 && !this.list.includes(value)) this.list.push(value);
  }
}

/**
 * Readings of a word whose letters may have been elongated: normalizeText leaves a run of 3+ letters as two
 * ("staaaaff" → "staaff"), which cannot be told from a real double, so every subset of doubled pairs is
 * collapsed ("staff", "staaf", "staf"). Words with more than a few doubled pairs are left alone.
 */
function addElongationReadings(word: string, out: Forms): void {
  if (!HAS_DOUBLE_RE.test(word)) return;
  const pairs = [...word.matchAll(DOUBLE_RE)].map((m) => m.index);
  if (pairs.length === 0 || pairs.length > MAX_ELONGATED_PAIRS) return;
  for (let mask = 1; mask < 1 << pairs.length; mask++) {
    let reading = "";
    let from = 0;
    pairs.forEach((at, bit) => {
      if (!(mask & (1 << bit))) return;
      reading += word.slice(from, at);
      from = at + 1;
    });
    out.add(reading + word.slice(from));
  }
}

/** An English stem as cut, and without a doubled final consonant ("stopp" → "stop"). */
function addUndoubled(stem: string, out: Forms): void {
  out.add(stem);
  if (EN_DOUBLE_END_RE.test(stem)) out.add(stem.slice(0, -1));
}

/** English: possessive, plural, past, gerund, comparative, -ly and -ness; elongation as a last resort. */
function englishForms(token: string): string[] {
  const out = new Forms();
  out.add(token);
  const apostrophe = token.indexOf("'");
  const key = apostrophe > 0 ? token.slice(0, apostrophe) : token;
  out.add(key);
  const n = key.length;
  if (n > 4 && (key.endsWith("ies") || key.endsWith("ied"))) out.add(`${key.slice(0, -3)}y`);
  if (n > 4 && key.endsWith("es")) out.add(key.slice(0, -2));
  if (n > 3 && key.endsWith("s") && !key.endsWith("ss")) out.add(key.slice(0, -1));
  if (n > 4 && key.endsWith("ed")) {
    addUndoubled(key.slice(0, -2), out);
    out.add(key.slice(0, -1));
  }
  if (n > 5 && key.endsWith("ing")) {
    addUndoubled(key.slice(0, -3), out);
    out.add(`${key.slice(0, -3)}e`);
  }
  if (n > 5 && key.endsWith("est")) addUndoubled(key.slice(0, -3), out);
  else if (n > 4 && key.endsWith("er")) addUndoubled(key.slice(0, -2), out);
  if (n > 4 && key.endsWith("ly")) out.add(key.slice(0, -2));
  if (n > 6 && key.endsWith("ness")) out.add(key.slice(0, -4));
  addElongationReadings(key, out);
  return out.list;
}

/** Turkish: the token itself, the part before a proper-noun apostrophe ("kargo'dan") and elongation. */
function turkishForms(token: string): string[] {
  const out = new Forms();
  out.add(token);
  const apostrophe = token.indexOf("'");
  if (apostrophe > 0) out.add(token.slice(0, apostrophe));
  addElongationReadings(out.list[out.list.length - 1] ?? token, out);
  return out.list;
}

/** Suffixes normalized into one canonical form, by their last letter, longest first. */
type SuffixTable = ReadonlyMap<string, readonly string[]>;

function suffixTable(list: readonly string[], canon: Canon): SuffixTable {
  const out = new Map<string, string[]>();
  for (const suffix of list.map((a) => normalizeText(a, canon)).sort((a, b) => b.length - a.length)) {
    const last = suffix.slice(-1);
    out.set(last, [...(out.get(last) ?? []), suffix]);
  }
  return out;
}

/** Strips one suffix from the word, leaving at least two letters (three after a one-letter suffix if asked). */
function stripSuffixes(word: string, suffixes: SuffixTable, out: Forms, minAfterLetter: number): void {
  for (const suffix of suffixes.get(word.slice(-1)) ?? []) {
    if (!word.endsWith(suffix)) continue;
    const rest = word.slice(0, -suffix.length);
    if (rest.length >= (suffix.length === 1 ? minAfterLetter : 2)) out.add(rest);
  }
}

/** The heads themselves, then up to two suffixes stripped from each; the least-stripped come first. */
function withSuffixes(heads: readonly string[], strip: (word: string, out: Forms) => void): string[] {
  const out = new Forms();
  for (const head of heads) out.add(head);
  const count = out.list.length;
  for (const head of heads) strip(head, out);
  const once = out.list.slice(count);
  for (const word of once) strip(word, out);
  const [self = "", ...rest] = out.list;
  return [self, ...rest.sort((a, b) => b.length - a.length)];
}

/** Readings of one language in one canonical form: plain ones first, then elatives, then negated ones. */
interface Analyzer {
  readonly plain: (key: string) => readonly string[];
  readonly elatives: (key: string) => readonly string[];
  readonly negated: (key: string) => readonly string[];
}

const NONE = (): readonly string[] => [];

function persianAnalyzer(canon: Canon): Analyzer {
  const suffixes = suffixTable(FA_SUFFIXES, canon);
  const prefixes = FA_PREFIXES.map((p) => ({ ...p, text: normalizeText(p.text, canon) }));
  const strip = (word: string, out: Forms): void => stripSuffixes(word, suffixes, out, 2);
  const heads = (key: string, negates: boolean): string[] => {
    const out = negates ? [] : [key];
    for (const p of prefixes) {
      if (Boolean(p.negates) !== negates) continue;
      if (key.startsWith(p.text) && key.length - p.text.length >= p.minRest)
        out.push(key.slice(p.text.length));
    }
    return out;
  };
  return {
    plain: (key) => withSuffixes(heads(key, false), strip),
    elatives: NONE,
    /** A negated word keeps at least three letters ("نصفش" is not "ن" + "صف" + "ش"). */
    negated: (key) => {
      const list = heads(key, true);
      if (list.length === 0) return list;
      return withSuffixes(list, strip)
        .filter((w) => w.length >= 3)
        .sort((a, b) => b.length - a.length);
    },
  };
}

function arabicAnalyzer(canon: Canon): Analyzer {
  const suffixes = suffixTable(AR_SUFFIXES, canon);
  const norm = (a: string): string => normalizeText(a, canon);
  const conjunctions = AR_CONJUNCTIONS.map(norm);
  const prepositions = AR_PREPOSITIONS.map(norm);
  const negators = AR_FUSED_NEGATORS.map(norm).sort((a, b) => b.length - a.length);
  const al = norm("ال");
  const lil = norm("لل");
  const ta = norm("ت");
  const h = norm("ة");
  const ya = norm("ي");
  const alif = norm("ا");
  /** Strips suffixes, restoring ta marbuta before a pronoun ("خدمت·هم" → "خدمه"). */
  const strip = (word: string, out: Forms): void => {
    const before = out.list.length;
    stripSuffixes(word, suffixes, out, 3);
    for (let i = before; i < out.list.length; i++) {
      const rest = out.list[i] ?? "";
      if (rest.endsWith(ta) && rest.length >= 3) out.add(rest.slice(0, -1) + h);
    }
  };
  const heads = (key: string): string[] => {
    const out = new Forms();
    out.add(key);
    for (const c of conjunctions) if (key.startsWith(c) && key.length >= 4) out.add(key.slice(1));
    for (const head of [...out.list]) {
      if (head.startsWith(lil) && head.length >= 4) out.add(head.slice(2));
      for (const p of prepositions) if (head.startsWith(p) && head.length >= 4) out.add(head.slice(1));
    }
    for (const head of [...out.list]) if (head.startsWith(al) && head.length >= 4) out.add(head.slice(2));
    return out.list;
  };
  return {
    plain: (key) => withSuffixes(heads(key), strip),
    /** Only three-letter roots, so ordinary four-letter words starting with ا are not guessed at. */
    elatives: (key) => {
      const word = key.startsWith(al) && key.length === 6 ? key.slice(2) : key;
      if (word.length !== 4 || !word.startsWith(alif)) return [];
      const [r1, r2, r3] = [word[1], word[2], word[3]];
      return [`${r1}${r2}${ya}${r3}`, `${r1}${alif}${r2}${r3}`];
    },
    negated: (key) => {
      const out = new Forms();
      for (const neg of negators) {
        if (key.length - neg.length < 3 || !key.startsWith(neg)) continue;
        for (const form of withSuffixes(heads(key.slice(neg.length)), strip)) out.add(form);
      }
      return out.list;
    },
  };
}

function analyzers(canon: Canon): Readonly<Record<Locale, Analyzer>> {
  return {
    en: { plain: englishForms, elatives: NONE, negated: NONE },
    tr: { plain: turkishForms, elatives: NONE, negated: NONE },
    fa: persianAnalyzer(canon),
    ar: arabicAnalyzer(canon),
  };
}

const ANALYZERS: Readonly<Record<Canon, Readonly<Record<Locale, Analyzer>>>> = {
  fa: analyzers("fa"),
  ar: analyzers("ar"),
};

const CACHE_LIMIT = 20_000;
const CACHES: Readonly<Record<Canon, Readonly<Record<Locale, Map<string, readonly BaseForm[]>>>>> = {
  fa: { en: new Map(), fa: new Map(), ar: new Map(), tr: new Map() },
  ar: { en: new Map(), fa: new Map(), ar: new Map(), tr: new Map() },
};

function pushForms(out: BaseForm[], bases: readonly string[], negated: boolean, elative: boolean): void {
  for (const base of bases) {
    if (!out.some((f) => f.base === base)) out.push({ base, negated, elative });
  }
}

function analyze(key: string, analyzer: Analyzer): readonly BaseForm[] {
  const out: BaseForm[] = [];
  pushForms(out, analyzer.plain(key), false, false);
  pushForms(out, analyzer.elatives(key), false, true);
  pushForms(out, analyzer.negated(key), true, false);
  return Object.freeze(out);
}

// ---------------------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------------------

/**
 * The candidate base forms of a match key (a token from normalizeText, ASCII-folded for Turkish) in one
 * language, most specific first: the key itself; then plain readings (English inflections; Persian verb and
 * possessive prefixes and up to two suffixes; Arabic proclitics and up to two suffixes, least stripped first;
 * the part before an apostrophe; elongation); then Arabic elatives; then readings under a fused negation.
 * `canon` is the Arabic-script form the key and the caller's dictionary are in (default: the language's own).
 * Pure; memoized in a bounded cache.
 */
export function baseForms(
  key: string,
  language: Locale,
  canon: Canon = canonOf(language),
): readonly BaseForm[] {
  const cache = CACHES[canon][language];
  const hit = cache.get(key);
  if (hit) return hit;
  const forms = analyze(key, ANALYZERS[canon][language]);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, forms);
  return forms;
}

/**
 * The longest of a dictionary's stems that prefixes the word (stems are between minLength and maxLength
 * letters long), with its value and length: what follows it is the word's suffix.
 */
export function longestStem<V>(
  word: string,
  stems: ReadonlyMap<string, V>,
  minLength: number,
  maxLength: number,
): { readonly value: V; readonly length: number } | undefined {
  for (let length = Math.min(word.length, maxLength); length >= minLength && length > 0; length--) {
    const value = stems.get(word.slice(0, length));
    if (value !== undefined) return { value, length };
  }
  return undefined;
}

/**
 * The first base form that one of a dictionary's stems prefixes, with the longest such stem. A form that
 * prefixes the key itself is skipped: any stem of it would already have matched the key.
 */
export function stemOfForms<V>(
  forms: readonly BaseForm[],
  stems: ReadonlyMap<string, V>,
  minLength: number,
  maxLength: number,
): { readonly form: BaseForm; readonly value: V; readonly length: number } | undefined {
  if (stems.size === 0) return undefined;
  const key = forms[0]?.base ?? "";
  for (const form of forms) {
    if (form !== forms[0] && key.startsWith(form.base)) continue;
    const stem = longestStem(form.base, stems, minLength, maxLength);
    if (stem) return { form, ...stem };
  }
  return undefined;
}

/** What the suffix right after a Turkish stem says of it ("beğen|medim": negative, "sorun|suz": privative). */
export function turkishSuffixAfterStem(rest: string): TurkishSuffix | undefined {
  if (TR_NEGATIVE_SUFFIX_RE.test(rest)) return "negative";
  if (TR_PRIVATIVE_SUFFIX_RE.test(rest)) return "privative";
  return undefined;
}

/** True for a Turkish verb in a negative form ("gelmedi", "yaşamadım", "etmem"); the key is ASCII-folded. */
export function isTurkishNegativeVerb(key: string): boolean {
  return key.length >= 5 && !TR_NOT_NEGATIVE_VERBS.has(key) && TR_NEGATIVE_VERB_RE.test(key);
}

/**
 * The word under a Persian negative verb prefix ("نبود" → "بود", "نمی‌خوام" → "میخوام"), letters as they are,
 * for readers that match the positive form themselves; undefined when the key has no such prefix.
 */
export function persianNegatedStem(key: string): string | undefined {
  return key.length >= 3 && key.startsWith(FA_NEGATIVE_PREFIX) ? key.slice(1) : undefined;
}
