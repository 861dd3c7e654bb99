import { type CompiledLexicon, deletionsOf, FUZZY_MIN_TERM } from "./lexicon.ts";

/** A lexicon term found in one token, possibly negated by the token's own morphology. */
export interface TermMatch {
  readonly weight: number;
  /** True when the negation is inside the token: "نمی‌ارزه", "ماعجبني", "beğenmedim", "sorunsuz". */
  readonly negated: boolean;
}

const FA_SUFFIXES = [
  "هایش",
  "هاشون",
  "هاش",
  "های",
  "ها",
  "ترین",
  "تره",
  "تر",
  "شون",
  "تون",
  "مون",
  "است",
  "ست",
  "ایی",
  "ای",
  "اش",
  "یه",
  "یم",
  "ه",
  "ی",
  "ش",
  "م",
  "ت",
] as const;

const AR_PREFIXES = ["وال", "بال", "فال", "كال", "ال", "لل", "و", "ف", "ب", "ل", "ك"] as const;
const AR_SUFFIXES = [
  "تها",
  "ته",
  "ها",
  "هم",
  "كم",
  "نا",
  "ني",
  "ين",
  "ون",
  "ات",
  "ه",
  "ي",
  "ا",
  "ك",
] as const;
const AR_FUSED_NEGATORS = ["وما", "ولا", "ما", "لا", "مش", "مو", "مب"] as const;

/** Turkish negative (-ma/-me, -yor) or inability (-ama/-eme) suffix right after a verb stem; ASCII-folded. */
const TR_NEGATIVE_SUFFIX_RE = /^(?:y?[ae])?m(?:[ae](?!k)|[iu]yor)/;
/** Turkish privative suffix (-sız/-siz/-suz/-süz) right after a noun stem; ASCII-folded. */
const TR_PRIVATIVE_SUFFIX_RE = /^s[iu]z/;
/** A Turkish verb in a negative form, used as a negator of the term before it; ASCII-folded. */
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

/** A doubled letter left by elongation collapse ("idaal", "baad"). */
const EN_DOUBLE_RE = /(\p{L})\1/gu;

function exactOrStem(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const weight = lex.exact.get(key);
  if (weight !== undefined) return { weight, negated: false };
  return stemMatch(key, lex);
}

/** Longest lexicon stem that prefixes the key; Turkish also reads a negative suffix after it. */
function stemMatch(key: string, lex: CompiledLexicon): TermMatch | undefined {
  if (lex.stems.size === 0) return undefined;
  for (let len = Math.min(key.length, lex.maxStem); len >= lex.minStem; len--) {
    const stem = key.slice(0, len);
    const weight = lex.stems.get(stem);
    if (weight === undefined) continue;
    if (lex.locale !== "tr") return { weight, negated: false };
    const rest = key.slice(len);
    return { weight, negated: TR_NEGATIVE_SUFFIX_RE.test(rest) || TR_PRIVATIVE_SUFFIX_RE.test(rest) };
  }
  return undefined;
}

function englishTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const direct = exactOrStem(key, lex);
  if (direct) return direct;
  if (key.endsWith("s") && key.length > 3) {
    const singular = lex.exact.get(key.slice(0, -1));
    if (singular !== undefined) return { weight: singular, negated: false };
  }
  const collapsed = key.replace(EN_DOUBLE_RE, "$1");
  if (collapsed !== key) return exactOrStem(collapsed, lex);
  return undefined;
}

function turkishTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const direct = exactOrStem(key, lex);
  if (direct) return direct;
  const collapsed = key.replace(EN_DOUBLE_RE, "$1");
  return collapsed !== key ? exactOrStem(collapsed, lex) : undefined;
}

function persianStem(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const direct = exactOrStem(key, lex);
  if (direct) return direct;
  for (const suffix of FA_SUFFIXES) {
    if (key.length - suffix.length < 2 || !key.endsWith(suffix)) continue;
    const weight = lex.exact.get(key.slice(0, -suffix.length));
    if (weight !== undefined) return { weight, negated: false };
  }
  return undefined;
}

function persianTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const direct = persianStem(key, lex);
  if (direct) return direct;
  if (key.length >= 3 && key.startsWith("ن")) {
    const positive = persianStem(key.slice(1), lex);
    if (positive) return { weight: positive.weight, negated: true };
  }
  return undefined;
}

function arabicSuffixes(key: string, lex: CompiledLexicon): number | undefined {
  const weight = lex.exact.get(key);
  if (weight !== undefined) return weight;
  for (const suffix of AR_SUFFIXES) {
    if (key.length - suffix.length < 3 || !key.endsWith(suffix)) continue;
    const w = lex.exact.get(key.slice(0, -suffix.length));
    if (w !== undefined) return w;
  }
  return undefined;
}

function arabicStem(key: string, lex: CompiledLexicon): number | undefined {
  const direct = arabicSuffixes(key, lex);
  if (direct !== undefined) return direct;
  for (const prefix of AR_PREFIXES) {
    if (key.length - prefix.length < 3 || !key.startsWith(prefix)) continue;
    const w = arabicSuffixes(key.slice(prefix.length), lex);
    if (w !== undefined) return w;
  }
  return undefined;
}

/**
 * An Arabic elative (أفعل, "اجمل", "انظف", "افشل") read through its adjective: فعيل ("جميل") or فاعل ("فاشل").
 * Only three-letter roots, so ordinary four-letter words starting with ا are not guessed at.
 */
function arabicElative(key: string, lex: CompiledLexicon): number | undefined {
  const word = key.startsWith("ال") && key.length === 6 ? key.slice(2) : key;
  if (word.length !== 4 || !word.startsWith("ا")) return undefined;
  const [r1, r2, r3] = [word[1], word[2], word[3]];
  const weight = lex.exact.get(`${r1}${r2}ي${r3}`) ?? lex.exact.get(`${r1}ا${r2}${r3}`);
  return weight === undefined ? undefined : Math.max(-1, Math.min(1, weight * ELATIVE_FACTOR));
}

const ELATIVE_FACTOR = 1.2;

function arabicTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  const direct = arabicStem(key, lex) ?? arabicElative(key, lex);
  if (direct !== undefined) return { weight: direct, negated: false };
  for (const neg of AR_FUSED_NEGATORS) {
    if (key.length - neg.length < 3 || !key.startsWith(neg)) continue;
    const w = arabicStem(key.slice(neg.length), lex);
    if (w !== undefined) return { weight: w, negated: true };
  }
  return undefined;
}

/** Finds the lexicon term a token's match key stands for, with the language's light morphology. */
export function lookupTerm(key: string, lex: CompiledLexicon): TermMatch | undefined {
  switch (lex.locale) {
    case "en":
      return englishTerm(key, lex);
    case "fa":
      return persianTerm(key, lex);
    case "ar":
      return arabicTerm(key, lex);
    case "tr":
      return turkishTerm(key, lex);
  }
}

/** True for a Persian negated light verb or copula ("نبود", "نداشتم", "نمی‌کنه") that negates what precedes it. */
export function isPersianNegatedLightVerb(key: string, lex: CompiledLexicon): boolean {
  if (key.length < 3 || !key.startsWith("ن")) return false;
  const rest = key.slice(1);
  if (lex.lightVerbs.has(rest)) return true;
  for (const suffix of ["ش", "ه", "ن", "م"]) {
    if (rest.endsWith(suffix) && lex.lightVerbs.has(rest.slice(0, -suffix.length))) return true;
  }
  return false;
}

/** True for a Turkish verb in a negative form ("gelmedi", "yaşamadım", "etmem"); the key is ASCII-folded. */
export function isTurkishNegativeVerb(key: string): boolean {
  return key.length >= 5 && !TR_NOT_NEGATIVE_VERBS.has(key) && TR_NEGATIVE_VERB_RE.test(key);
}

/** Strips a Persian negation prefix when what remains is a form the lexicon knows (for phrase matching). */
export function persianPositiveForm(key: string, lex: CompiledLexicon): string | undefined {
  if (key.length < 3 || !key.startsWith("ن")) return undefined;
  const rest = key.slice(1);
  return lex.knownForms.has(rest) ? rest : undefined;
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
