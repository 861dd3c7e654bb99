import type { Locale } from "../locale.ts";
import { tokenize } from "../text/normalize.ts";
import { EMOJI_WEIGHTS } from "./emoji.ts";
import { type CompiledLexicon, compileLexicon, type IntensifierSpec, matchKey } from "./lexicon.ts";
import { LEXICON_AR } from "./lexicon-ar.ts";
import { DISCOURSE_EN, LEXICON_EN } from "./lexicon-en.ts";
import { LEXICON_FA } from "./lexicon-fa.ts";
import { LEXICON_TR } from "./lexicon-tr.ts";
import {
  fuzzyTerm,
  isPersianNegatedLightVerb,
  isTurkishNegativeVerb,
  lookupTerm,
  persianPositiveForm,
} from "./morphology.ts";
import { findPatterns, type PatternMatch } from "./patterns.ts";
import type { SentimentAnalyzer, SentimentEvidence, SentimentLabel, SentimentResult } from "./types.ts";

/** Tunable knobs of the rule-based analyzer; every field has a default. */
export interface RuleBasedSentimentOptions {
  /** Scores at or above this are "positive". Default 0.1. */
  readonly positiveThreshold?: number;
  /** Scores at or below this are "negative". Default −0.1. */
  readonly negativeThreshold?: number;
  /** Only the first this-many characters are analysed, so huge input stays fast. Default 2000. */
  readonly maxChars?: number;
  /** Weight of a Turkish negative verb that negates nothing ("kargo gelmedi"). Default −0.2. */
  readonly bareNegativeVerbWeight?: number;
}

/** The defaults used when an option is left out. */
export const DEFAULT_SENTIMENT_OPTIONS: Required<RuleBasedSentimentOptions> = {
  positiveThreshold: 0.1,
  negativeThreshold: -0.1,
  maxChars: 2000,
  bareNegativeVerbWeight: -0.2,
};

/** How far (in words) a negator before a term reaches, and how far back a negator after one reaches. */
const NEGATION_SCOPE = 3;
const POST_NEGATION_SCOPE = 3;
/** A closing complaint after earlier praise counts this much more. */
const CLOSING_COMPLAINT_FACTOR = 1.25;
/** Weight of a post-negator that negates no term, in the clause after a contrast. */
const BARE_DENIAL_WEIGHT = -0.3;
/** A term found one edit away counts this much of its weight. */
const FUZZY_FACTOR = 0.8;
/** How far a negation reaches after a verb of opinion ("don't think", "فکر نمی‌کنم", "ما اظن"). */
const RAISED_SCOPE = 8;
const INTENSIFIER_SCOPE = 2;
/** A negated positive term flips and weakens ("not good"); a negated negative weakens more ("not bad"). */
const NEGATED_POSITIVE_FACTOR = -0.7;
const NEGATED_NEGATIVE_FACTOR = -0.45;
/** Any other negated negative is no praise ("not rude", "kirli değil"): it only leans positive. */
const NEGATED_OTHER_NEGATIVE_FACTOR = -0.1;
const BEFORE_CONTRAST_FACTOR = 0.5;
const AFTER_CONTRAST_FACTOR = 1.3;
/** A concession ("although the staff were friendly") counts this much. */
const CONCESSION_FACTOR = 0.5;
/** A term written in capitals ("AWFUL", "LOVE it") counts this much more. */
const CAPS_FACTOR = 1.3;
/** Negative evidence at or below this sum makes thanks count only this much. */
const COMPLAINT_FOR_MUTING = -0.3;
const COURTESY_IN_COMPLAINT_FACTOR = 0.3;
const STRONG_NEGATIVE_BASE = -0.5;
/** A complaint at least this strong makes lone praise beside it read as sarcasm. */
const SARCASM_COMPLAINT_BASE = -0.45;
const EXCLAMATION_STEP = 0.1;
const MAX_EXCLAMATIONS = 3;
/** Squash constant: score = total / sqrt(total² + SQUASH_ALPHA). */
const SQUASH_ALPHA = 0.5;
const MAX_EVIDENCE = 64;
const CACHE_LIMIT = 20_000;

const LEXICONS: Readonly<Record<Locale, CompiledLexicon>> = {
  en: compileLexicon(LEXICON_EN, "en"),
  fa: compileLexicon(LEXICON_FA, "fa"),
  ar: compileLexicon(LEXICON_AR, "ar"),
  tr: compileLexicon(LEXICON_TR, "tr"),
};

const EMOJI: ReadonlyMap<string, number> = new Map(Object.entries(EMOJI_WEIGHTS));

/** Discourse words of one language, as authored beside its lexicon (see DISCOURSE_EN). */
interface DiscourseSpec {
  readonly concessives: readonly string[];
  readonly strictConcessives: readonly string[];
  readonly afterthoughts: readonly string[];
  readonly verdicts: readonly string[];
  readonly sarcasmLeads: readonly string[];
  readonly exclamatives: readonly string[];
  readonly exclamativeNegators: readonly string[];
}

/** Discourse phrases as match-key sequences by their first key, and the single-word lists as sets. */
interface CompiledDiscourse {
  readonly concessives: ReadonlyMap<string, readonly (readonly string[])[]>;
  readonly strictConcessives: ReadonlyMap<string, readonly (readonly string[])[]>;
  readonly verdicts: ReadonlyMap<string, readonly (readonly string[])[]>;
  readonly afterthoughts: ReadonlySet<string>;
  readonly sarcasmLeads: ReadonlySet<string>;
  readonly exclamatives: ReadonlySet<string>;
  readonly exclamativeNegators: ReadonlySet<string>;
}

const NO_DISCOURSE: DiscourseSpec = {
  concessives: [],
  strictConcessives: [],
  afterthoughts: [],
  verdicts: [],
  sarcasmLeads: [],
  exclamatives: [],
  exclamativeNegators: [],
};

function discourseKeys(text: string, locale: Locale): string[] {
  return tokenize(text, locale).map((t) => matchKey(t, locale));
}

function phraseIndex(phrases: readonly string[], locale: Locale): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const phrase of phrases) {
    const keys = discourseKeys(phrase, locale);
    const first = keys[0];
    if (first === undefined) continue;
    const list = out.get(first) ?? [];
    list.push(keys);
    list.sort((a, b) => b.length - a.length);
    out.set(first, list);
  }
  return out;
}

function compileDiscourse(spec: DiscourseSpec, locale: Locale): CompiledDiscourse {
  const set = (words: readonly string[]) => new Set(words.flatMap((w) => discourseKeys(w, locale)));
  return {
    concessives: phraseIndex(spec.concessives, locale),
    strictConcessives: phraseIndex(spec.strictConcessives, locale),
    verdicts: phraseIndex(spec.verdicts, locale),
    afterthoughts: set(spec.afterthoughts),
    sarcasmLeads: set(spec.sarcasmLeads),
    exclamatives: set(spec.exclamatives),
    exclamativeNegators: set(spec.exclamativeNegators),
  };
}

const DISCOURSE: Readonly<Record<Locale, CompiledDiscourse>> = {
  en: compileDiscourse(DISCOURSE_EN, "en"),
  fa: compileDiscourse(NO_DISCOURSE, "fa"),
  ar: compileDiscourse(NO_DISCOURSE, "ar"),
  tr: compileDiscourse(NO_DISCOURSE, "tr"),
};

type TokenClass =
  | { readonly kind: "term"; readonly weight: number; readonly negated: boolean; readonly locked: boolean }
  | { readonly kind: "negator" }
  | { readonly kind: "postNegator" }
  | { readonly kind: "negativeVerb" }
  | { readonly kind: "intensifier"; readonly spec: IntensifierSpec }
  | { readonly kind: "contrast" }
  | { readonly kind: "other" };

const OTHER: TokenClass = { kind: "other" };
const NEGATOR: TokenClass = { kind: "negator" };
const POST_NEGATOR: TokenClass = { kind: "postNegator" };
const NEGATIVE_VERB: TokenClass = { kind: "negativeVerb" };
const CONTRAST: TokenClass = { kind: "contrast" };

/** Per-locale memo of word classifications; deterministic, bounded, invisible to callers. */
const CLASS_CACHE: Readonly<Record<Locale, Map<string, TokenClass>>> = {
  en: new Map(),
  fa: new Map(),
  ar: new Map(),
  tr: new Map(),
};

function isNegator(key: string, lex: CompiledLexicon): boolean {
  return lex.negators.has(key) || (lex.locale === "en" && key.endsWith("n't"));
}

function isPostNegator(key: string, lex: CompiledLexicon): boolean {
  if (lex.postNegators.has(key)) return true;
  return lex.postNegatorStems.some((stem) => key.startsWith(stem));
}

function classifyUncached(key: string, lex: CompiledLexicon): TokenClass {
  if (lex.contrasts.has(key)) return CONTRAST;
  if (isNegator(key, lex)) return NEGATOR;
  const spec = lex.intensifiers.get(key);
  if (spec) return { kind: "intensifier", spec };
  if (isPostNegator(key, lex)) return POST_NEGATOR;
  const term = lookupTerm(key, lex);
  if (term) {
    // A zero weight is a stop entry: it blocks a wrong morphological match ("دقیقه" is not "دقیق").
    if (term.weight === 0) return OTHER;
    return { kind: "term", weight: term.weight, negated: term.negated, locked: lex.locked.has(key) };
  }
  if (lex.locale === "fa" && isPersianNegatedLightVerb(key, lex)) return POST_NEGATOR;
  if (lex.locale === "tr" && isTurkishNegativeVerb(key)) return NEGATIVE_VERB;
  const near = fuzzyTerm(key, lex);
  if (near !== undefined) return { kind: "term", weight: near * FUZZY_FACTOR, negated: false, locked: false };
  return OTHER;
}

function classify(key: string, lex: CompiledLexicon): TokenClass {
  const cache = CLASS_CACHE[lex.locale];
  const hit = cache.get(key);
  if (hit) return hit;
  const cls = classifyUncached(key, lex);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, cls);
  return cls;
}

/** A matched term waiting for negators, intensifiers and contrasts that come after it. */
interface Pending {
  readonly term: string;
  readonly base: number;
  negated: boolean;
  boost: number;
  factor: number;
  readonly clause: number;
  readonly word: number;
  readonly negatable: boolean;
  /** Thanks or a courtesy ("thank you", "ممنون", "شكرا", "teşekkürler"): muted inside a complaint. */
  readonly courtesy: boolean;
  /** A word of speed ("quickly", "çabuk"): praise alone, a measure of the complaint beside it. */
  readonly speed: boolean;
  /** Litotes: negating this negative is praise ("not bad", "no problems", "fena değil", "بد نبود"). */
  readonly litotes: boolean;
  /** Right after a sarcasm lead word ("oh great", "just perfect"). */
  readonly afterLead: boolean;
}

/** The mutable walk over one text's tokens. */
interface Walk {
  readonly lex: CompiledLexicon;
  readonly discourse: CompiledDiscourse;
  readonly tokens: readonly string[];
  readonly keys: readonly string[];
  readonly items: Pending[];
  readonly bareNegativeVerbWeight: number;
  /** Multi-word patterns by the index of the token they start at. */
  readonly patterns: ReadonlyMap<number, PatternMatch>;
  clause: number;
  /** The word index each clause starts at, by clause number. */
  readonly clauseStarts: number[];
  word: number;
  negateUntil: number;
  boost: number;
  boostUntil: number;
  afterContrast: number;
  exclamations: number;
  /** The clause that is a concession ("although …"), or −1. */
  concessionClause: number;
  /** True while a sentence opened by "although" may still end without a main clause (then it is a "but"). */
  openConcession: boolean;
  /** The key of the negator whose scope is open. */
  negator: string;
  /** The key of the previous token. */
  previousKey: string;
  /** Keys of the words written in capitals, when any were. */
  readonly caps: ReadonlySet<string> | undefined;
}

function emojiKey(key: string): string {
  return key.length > 2 ? key.replace(/(.)\1+$/u, "$1") : key;
}

function isPunctuation(token: string): boolean {
  const c = token.charCodeAt(0);
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2c || c === 0x3b;
}

function countExclamations(token: string): number {
  let n = 0;
  for (const ch of token) if (ch === "!") n++;
  return n;
}

function endClause(walk: Walk): void {
  walk.clause++;
  walk.clauseStarts[walk.clause] = walk.word;
  walk.negateUntil = -1;
  walk.boostUntil = -1;
}

function pushTerm(
  walk: Walk,
  term: string,
  base: number,
  negated: boolean,
  negatable: boolean,
  courtesy = false,
  speed = false,
  litotes = true,
): void {
  const preNegated = negatable && walk.word <= walk.negateUntil;
  // In fa, ar and tr a negator governs the next term only ("غير جيدة ورديئة": the second stays negative).
  if (preNegated && walk.lex.locale !== "en") walk.negateUntil = -1;
  let boost = walk.word <= walk.boostUntil ? walk.boost : 1;
  if (walk.caps?.has(term)) boost *= CAPS_FACTOR;
  walk.items.push({
    term,
    base,
    negated: negated || preNegated,
    boost,
    factor:
      walk.clause === walk.concessionClause ? walk.afterContrast * CONCESSION_FACTOR : walk.afterContrast,
    clause: walk.clause,
    word: walk.word,
    negatable,
    courtesy,
    speed,
    litotes,
    afterLead: walk.discourse.sarcasmLeads.has(walk.previousKey),
  });
}

function lastInReach(walk: Walk, reach: number): Pending | undefined {
  const last = walk.items[walk.items.length - 1];
  if (!last || last.clause !== walk.clause || last.word < walk.word - reach) return undefined;
  return last;
}

function applyIntensifier(walk: Walk, spec: IntensifierSpec): void {
  const previous = spec.position === "pre" ? undefined : lastInReach(walk, INTENSIFIER_SCOPE);
  if (previous) {
    previous.boost *= spec.factor;
    return;
  }
  if (spec.position === "post") return;
  walk.boost = spec.factor;
  walk.boostUntil = walk.word + INTENSIFIER_SCOPE;
}

/** Negates the terms shortly before a post-negator; returns whether any was negated. */
function applyPostNegation(walk: Walk): boolean {
  let any = false;
  for (let i = walk.items.length - 1; i >= 0; i--) {
    const item = walk.items[i];
    if (!item || item.clause !== walk.clause || item.word < walk.word - POST_NEGATION_SCOPE) break;
    if (!item.negatable) continue;
    item.negated = true;
    any = true;
  }
  return any;
}

function applyContrast(walk: Walk): void {
  for (const item of walk.items) item.factor *= BEFORE_CONTRAST_FACTOR;
  walk.afterContrast = AFTER_CONTRAST_FACTOR;
  endClause(walk);
}

/** The length of the longest of `phrases` found at token i, or 0. */
function discourseAt(walk: Walk, i: number, phrases: readonly (readonly string[])[] | undefined): number {
  if (!phrases) return 0;
  for (const keys of phrases) {
    let ok = true;
    for (let j = 1; j < keys.length && ok; j++) ok = walk.keys[i + j] === keys[j];
    if (ok) return keys.length;
  }
  return 0;
}

function isSentenceEnd(token: string): boolean {
  return token === "" || token.includes(".") || token.includes("!") || token.includes("?");
}

/**
 * A sentence opened by "although" ended: followed by its main clause after a comma it stays a concession;
 * standing alone ("Fair enough. Although the delay is now a cancellation.") it is a "but".
 */
function closeConcession(walk: Walk, punctuation: string): void {
  if (!walk.openConcession) return;
  walk.openConcession = false;
  if (!isSentenceEnd(punctuation)) return;
  for (const item of walk.items) {
    item.factor *=
      item.clause === walk.concessionClause
        ? AFTER_CONTRAST_FACTOR / CONCESSION_FACTOR
        : BEFORE_CONTRAST_FACTOR;
  }
  walk.concessionClause = -1;
  walk.afterContrast = AFTER_CONTRAST_FACTOR;
}

/**
 * "Although the staff were friendly, …", "great stay despite the noise", "even though it was cheap":
 * what the concession says weighs half. "The food was fine, although the service was awful": "although"
 * in mid-sentence is a "but". "Impressed, though, with the staff": "though" inside a clause weighs nothing.
 */
function applyConcession(walk: Walk, i: number, strict: boolean): void {
  const atClauseStart = walk.word === walk.clauseStarts[walk.clause];
  if (!atClauseStart && walk.discourse.afterthoughts.has(walk.keys[i] ?? "")) return;
  if (!strict && !(atClauseStart && isSentenceEnd(walk.previousKey))) {
    applyContrast(walk);
    return;
  }
  walk.concessionClause = walk.clause;
  walk.openConcession = !strict;
}

/** Tries the discourse phrases that start at token i; returns how many tokens a match used. */
function stepDiscourse(walk: Walk, i: number): number {
  const key = walk.keys[i] ?? "";
  const verdict = discourseAt(walk, i, walk.discourse.verdicts.get(key));
  if (verdict > 0) {
    applyContrast(walk);
    return verdict;
  }
  const concession = discourseAt(walk, i, walk.discourse.concessives.get(key));
  if (concession > 0) {
    applyConcession(walk, i, false);
    return concession;
  }
  const strict = discourseAt(walk, i, walk.discourse.strictConcessives.get(key));
  if (strict > 0) applyConcession(walk, i, true);
  return strict;
}

/** Tries the phrases that start at token i; returns how many tokens the longest match used. */
function matchPhrase(walk: Walk, i: number): number {
  const phrases = walk.lex.phrases.get(walk.keys[i] ?? "");
  if (!phrases) return 0;
  for (const phrase of phrases) {
    let negated = false;
    let ok = true;
    for (let j = 1; j < phrase.keys.length && ok; j++) {
      const key = walk.keys[i + j];
      const want = phrase.keys[j];
      if (key === want) continue;
      if (key !== undefined && walk.lex.locale === "fa" && persianPositiveForm(key, walk.lex) === want) {
        negated = true;
      } else ok = false;
    }
    if (!ok) continue;
    if (phrase.weight !== 0) pushTerm(walk, phrase.text, phrase.weight, negated, !phrase.locked);
    return phrase.keys.length;
  }
  return 0;
}

/** Whether the tokens i … i+length−1 hold a negation of their own: a negator, or a negated or negative verb. */
function carriesNegation(walk: Walk, i: number, length: number): boolean {
  for (let k = i; k < i + length; k++) {
    const cls = classify(walk.keys[k] ?? "", walk.lex);
    if (cls.kind === "negator" || cls.kind === "postNegator" || cls.kind === "negativeVerb") return true;
    if (cls.kind === "term" && cls.negated) return true;
  }
  return false;
}

function stepWord(walk: Walk, i: number): number {
  const pattern = walk.patterns.get(i);
  if (pattern) {
    // A praising idiom can still be negated ("ولا انصح به", "not highly recommended"); a complaint can't, nor
    // praise that holds its own negation ("never had a problem", "هیچوقت مشکلی نداشتم", "hiç sorun yok").
    // A zero weight is a stop pattern: its words neither negate nor praise ("not only", "nothing but").
    if (pattern.weight !== 0)
      pushTerm(
        walk,
        pattern.text,
        pattern.weight,
        false,
        pattern.weight > 0 && !carriesNegation(walk, i, pattern.length),
      );
    return pattern.length;
  }
  const discourse = stepDiscourse(walk, i);
  if (discourse > 0) return discourse;
  const used = matchPhrase(walk, i);
  if (used > 0) return used;
  const key = walk.keys[i] ?? "";
  const token = walk.tokens[i] ?? "";
  const cls = classify(key, walk.lex);
  switch (cls.kind) {
    case "term":
      pushTerm(
        walk,
        token,
        cls.weight,
        cls.negated,
        !cls.locked,
        walk.lex.courtesies.has(key),
        cls.weight > 0 && walk.lex.speeds.has(key),
        cls.weight > 0 || walk.lex.litotes.has(key),
      );
      break;
    case "negator":
      walk.negateUntil = walk.word + NEGATION_SCOPE;
      walk.negator = key;
      break;
    case "postNegator":
      // "iyi ama saç için değil", "خوبه ولی برای بچه‌ها نیست": a bare denial after a contrast is the complaint.
      if (!applyPostNegation(walk) && walk.afterContrast > 1)
        pushTerm(walk, token, BARE_DENIAL_WEIGHT, false, false);
      break;
    case "negativeVerb":
      if (!applyPostNegation(walk) && walk.bareNegativeVerbWeight !== 0) {
        pushTerm(walk, token, walk.bareNegativeVerbWeight, false, false);
      }
      break;
    case "intensifier":
      // "I have never been so disappointed": after "never", "so" exclaims; it does not negate.
      if (
        walk.word <= walk.negateUntil &&
        walk.discourse.exclamatives.has(key) &&
        walk.discourse.exclamativeNegators.has(walk.negator)
      )
        walk.negateUntil = -1;
      applyIntensifier(walk, cls.spec);
      break;
    case "contrast":
      applyContrast(walk);
      break;
    case "other":
      // Negation raising: "I don't think it was helpful" negates the clause, not just three words.
      if (walk.word <= walk.negateUntil && walk.lex.raisers.has(key))
        walk.negateUntil = walk.word + RAISED_SCOPE;
      break;
  }
  return 1;
}

function step(walk: Walk, i: number): number {
  const token = walk.tokens[i] ?? "";
  if (isPunctuation(token)) {
    walk.exclamations += countExclamations(token);
    closeConcession(walk, token);
    endClause(walk);
    walk.previousKey = token;
    return 1;
  }
  const emoji = EMOJI.get(emojiKey(token));
  if (emoji !== undefined) {
    pushTerm(walk, token, emoji, false, false);
    walk.previousKey = token;
    return 1;
  }
  const used = stepWord(walk, i);
  walk.word += used;
  walk.previousKey = walk.keys[i + used - 1] ?? "";
  return used;
}

function contribution(item: Pending): number {
  const signed = item.negated
    ? item.base *
      (item.base > 0
        ? NEGATED_POSITIVE_FACTOR
        : item.litotes
          ? NEGATED_NEGATIVE_FACTOR
          : NEGATED_OTHER_NEGATIVE_FACTOR)
    : item.base;
  return round(signed * item.boost * item.factor);
}

/**
 * Sarcasm: "they never came. Awesome!", "oh great, it crashed again". A lone word of praise standing as its
 * own clause, alone or after a lead word ("oh", "just", "yeah"), in a text with a strong complaint
 * elsewhere, is read as irony and turned against the service.
 */
function markSarcasm(walk: Walk): void {
  const items = walk.items;
  if (!items.some((o) => o.base <= SARCASM_COMPLAINT_BASE && !o.negated)) return;
  for (const item of items) {
    if (item.base <= 0 || item.negated || item.courtesy || !item.negatable) continue;
    const start = walk.clauseStarts[item.clause] ?? 0;
    const end = walk.clauseStarts[item.clause + 1] ?? walk.word;
    if (end - start === 1 || (end - start === 2 && item.afterLead && item.word === start + 1))
      item.negated = true;
  }
}

/** Thanks inside a complaint ("the agent was nice, thanks, but my refund never came") is politeness, not praise. */
function muteCourtesies(items: readonly Pending[]): void {
  let negative = 0;
  for (const item of items) {
    // Only a real complaint counts, not circumstances the staff helped with ("delay", "issue").
    const c = contribution(item);
    if (c < 0 && item.base <= STRONG_NEGATIVE_BASE) negative += c;
  }
  if (negative > COMPLAINT_FOR_MUTING) return;
  for (const item of items) if (item.courtesy && !item.negated) item.factor *= COURTESY_IN_COMPLAINT_FACTOR;
}

/** "Drains quickly", "çabuk ısınıyor", "خرب بسرعه": speed beside a complaint in its clause is no praise. */
function muteSpeeds(items: readonly Pending[]): void {
  for (const item of items) {
    if (!item.speed || item.negated) continue;
    if (items.some((o) => o !== item && o.clause === item.clause && contribution(o) < 0)) item.factor = 0;
  }
}

/** "Great phone. The battery died after a week." A closing complaint outweighs the praise before it. */
function weighClosingComplaint(items: readonly Pending[]): void {
  const last = items[items.length - 1];
  if (!last) return;
  let closing = 0;
  let before = 0;
  for (const item of items) {
    if (item.clause === last.clause) closing += contribution(item);
    else before += contribution(item);
  }
  if (closing >= 0 || before <= 0) return;
  for (const item of items) if (item.clause === last.clause) item.factor *= CLOSING_COMPLAINT_FACTOR;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function labelOf(score: number, options: Required<RuleBasedSentimentOptions>): SentimentLabel {
  if (score >= options.positiveThreshold && score > 0) return "positive";
  if (score <= options.negativeThreshold && score < 0) return "negative";
  return "neutral";
}

const ARABIC_LETTER_RE = /[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]/;
const PERSIAN_LETTER_RE = /[\u067E\u0686\u0698\u06AF\u06CC\u06A9]/;
const LATIN_LETTER_RE = /[A-Za-z]/;

/**
 * The locale whose lexicon can read the text: a comment in Latin letters sent to an Arabic or Persian
 * survey is read as English ("not good" in a Gulf survey), one in Arabic script sent to an English or
 * Turkish survey as Arabic or Persian. Text mixing scripts stays with the survey's locale.
 */
function scriptLocale(text: string, locale: Locale): Locale {
  const sample = text.length > 200 ? text.slice(0, 200) : text;
  const arabic = ARABIC_LETTER_RE.test(sample);
  if (locale === "ar" || locale === "fa") return !arabic && LATIN_LETTER_RE.test(sample) ? "en" : locale;
  if (!arabic || LATIN_LETTER_RE.test(sample)) return locale;
  return PERSIAN_LETTER_RE.test(sample) ? "fa" : "ar";
}

const NEUTRAL: SentimentResult = { label: "neutral", score: 0, evidence: [] };

const CAPS_WORD_RE = /(?<![\p{L}\p{M}'])\p{Lu}{3,}(?![\p{L}\p{M}'])/gu;
const CAPS_RUN_RE = /\p{Lu}{3}/u;

/** The tokens of the words written in capitals ("NEVER AGAIN", "LOVE"), or undefined when there are none. */
function capitalized(text: string, locale: Locale, maxChars: number): ReadonlySet<string> | undefined {
  const head = text.length > maxChars ? text.slice(0, maxChars) : text;
  if (!CAPS_RUN_RE.test(head)) return undefined;
  const out = new Set<string>();
  for (const m of head.matchAll(CAPS_WORD_RE)) for (const t of tokenize(m[0], locale)) out.add(t);
  return out.size > 0 ? out : undefined;
}

function analyzeText(
  text: string,
  locale: Locale,
  options: Required<RuleBasedSentimentOptions>,
): SentimentResult {
  const lex = LEXICONS[scriptLocale(text, locale)] ?? LEXICONS.en;
  const tokens = tokenize(
    text.length > options.maxChars ? text.slice(0, options.maxChars) : text,
    lex.locale,
  );
  if (tokens.length === 0) return NEUTRAL;
  const keys = tokens.map((t) => matchKey(t, lex.locale));
  const caps = capitalized(text, lex.locale, options.maxChars);
  const patterns = new Map<number, PatternMatch>();
  for (const m of findPatterns(keys, lex.locale)) patterns.set(m.start, m);
  const walk: Walk = {
    lex,
    discourse: DISCOURSE[lex.locale],
    tokens,
    keys,
    patterns,
    items: [],
    bareNegativeVerbWeight: options.bareNegativeVerbWeight,
    clause: 0,
    clauseStarts: [0],
    word: 0,
    negateUntil: -1,
    boost: 1,
    boostUntil: -1,
    afterContrast: 1,
    exclamations: 0,
    concessionClause: -1,
    openConcession: false,
    negator: "",
    previousKey: "",
    caps,
  };
  for (let i = 0; i < tokens.length; ) i += step(walk, i);
  closeConcession(walk, "");
  if (walk.items.length === 0) return NEUTRAL;
  markSarcasm(walk);
  muteCourtesies(walk.items);
  muteSpeeds(walk.items);
  weighClosingComplaint(walk.items);
  const evidence: SentimentEvidence[] = walk.items
    .slice(0, MAX_EVIDENCE)
    .map((item) => ({ term: item.term, weight: contribution(item), negated: item.negated }));
  let total = 0;
  for (const item of walk.items) total += contribution(item);
  total *= 1 + EXCLAMATION_STEP * Math.min(walk.exclamations, MAX_EXCLAMATIONS);
  const score = round(total / Math.sqrt(total * total + SQUASH_ALPHA));
  return { label: labelOf(score, options), score, evidence };
}

/**
 * Creates cxbot's rule-based sentiment analyzer for en, fa, ar and tr: hand-written lexicons, negation
 * before and after terms (including Persian and Turkish negative verb forms), intensifiers, contrast,
 * emoji, emoticons and exclamation. Pure, synchronous and total: it never throws, and analyses at most
 * `maxChars` characters of any input. An unknown locale falls back to English.
 */
export function createRuleBasedSentimentAnalyzer(options: RuleBasedSentimentOptions = {}): SentimentAnalyzer {
  const d = DEFAULT_SENTIMENT_OPTIONS;
  const resolved: Required<RuleBasedSentimentOptions> = {
    positiveThreshold: options.positiveThreshold ?? d.positiveThreshold,
    negativeThreshold: options.negativeThreshold ?? d.negativeThreshold,
    maxChars: options.maxChars ?? d.maxChars,
    bareNegativeVerbWeight: options.bareNegativeVerbWeight ?? d.bareNegativeVerbWeight,
  };
  return {
    analyze(text: string, locale: Locale): SentimentResult {
      try {
        return typeof text === "string" ? analyzeText(text, locale, resolved) : NEUTRAL;
      } catch {
        return NEUTRAL;
      }
    },
  };
}
