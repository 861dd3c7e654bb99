import type { Locale } from "../locale.ts";
import { toLatinDigits } from "./digits.ts";

/*
 * Canonical forms, chosen once and applied to both lexicons and user input:
 * - Persian (fa): ي→ی, ى→ی, ئ→ی, ك→ک, ة/ۀ/ە→ه, أ/إ/آ/ٱ→ا, ؤ→و.
 * - Every other locale (ar, en, tr) uses the Arabic canonical form for Arabic script:
 *   ی/ى/ئ→ي, ک→ك, ة/ۀ/ە→ه, أ/إ/آ/ٱ→ا, ؤ→و.
 * - Harakat (U+064B–U+065F, U+0670), tatweel (U+0640), ZWNJ/ZWJ, bidi marks, soft hyphens, variation
 *   selectors and emoji skin tones are removed; ZWNJ is removed so "می‌خواهم" becomes "میخواهم".
 * - Arabic punctuation ، ؛ ؟ becomes , ; ? and curly apostrophes become '.
 * - Letters repeated three or more times collapse: to one letter in Arabic script ("جداااا"→"جدا"),
 *   to two letters otherwise ("sooooo"→"soo", so that "good" keeps its double o).
 */

const SHARED_MAP: Readonly<Record<string, string>> = {
  "\u0629": "\u0647", // ة → ه
  "\u06C0": "\u0647", // ۀ → ه
  "\u06D5": "\u0647", // ە → ه
  "\u0623": "\u0627", // أ → ا
  "\u0625": "\u0627", // إ → ا
  "\u0622": "\u0627", // آ → ا
  "\u0671": "\u0627", // ٱ → ا
  "\u0624": "\u0648", // ؤ → و
  "\u060C": ",", // ،
  "\u061B": ";", // ؛
  "\u061F": "?", // ؟
  "\u2019": "'",
  "\u2018": "'",
  "\u200B": " ",
};

const FA_MAP: Readonly<Record<string, string>> = {
  ...SHARED_MAP,
  "\u064A": "\u06CC", // ي → ی
  "\u0649": "\u06CC", // ى → ی
  "\u0626": "\u06CC", // ئ → ی
  "\u0643": "\u06A9", // ك → ک
  "\u06CC": "\u06CC", // ی stays
  "\u06A9": "\u06A9", // ک stays
};

const AR_MAP: Readonly<Record<string, string>> = {
  ...SHARED_MAP,
  "\u06CC": "\u064A", // ی → ي
  "\u0649": "\u064A", // ى → ي
  "\u0626": "\u064A", // ئ → ي
  "\u06A9": "\u0643", // ک → ك
  "\u064A": "\u064A", // ي stays
  "\u0643": "\u0643", // ك stays
};

/** Characters that are mapped or removed; anything absent from the locale's map is removed. */
const CHAR_RE =
  /[\u0629\u06C0\u06D5\u0623\u0625\u0622\u0671\u0624\u060C\u061B\u061F\u2019\u2018\u064A\u0649\u0626\u0643\u06CC\u06A9\u064B-\u065F\u0670\u0640\u00AD\u200B-\u200F\u202A-\u202E\u2066-\u2069]|\uFE0E|\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu;

const ELONGATION_RE = /(\p{L})\1{2,}/gu;
const INDIC_DIGIT_RE = /[\u0660-\u0669\u06F0-\u06F9]/;
const ASCII_RE = /^[\x20-\x7E]*$/;
const SPACE_RE = /\s+/g;

function mapChars(text: string, locale: Locale): string {
  const table = locale === "fa" ? FA_MAP : AR_MAP;
  return text.replace(CHAR_RE, (ch) => table[ch] ?? "");
}

function isArabicScript(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0x0600 && code <= 0x06ff;
}

/** Collapses runs of 3+ identical letters: one letter in Arabic script, two elsewhere. */
function collapseElongation(text: string): string {
  return text.replace(ELONGATION_RE, (_run, ch: string) => (isArabicScript(ch) ? ch : ch + ch));
}

function lowerCase(text: string, locale: Locale): string {
  return locale === "tr" ? text.toLocaleLowerCase("tr") : text.toLowerCase();
}

/**
 * Normalizes free text for matching in one locale: NFKC, per-language letter canonicalization
 * (see the canonical forms above), removal of diacritics, tatweel and invisible joiners, Latin digits,
 * locale-correct lowercasing (Turkish I→ı, İ→i), elongation collapse and whitespace collapse.
 * Pure and total: any string, including lone surrogates, yields a string.
 */
export function normalizeText(text: string, locale: Locale): string {
  if (text.length === 0) return "";
  let out = ASCII_RE.test(text) ? text : text.normalize("NFKC");
  out = mapChars(out, locale);
  out = lowerCase(out, locale);
  if (INDIC_DIGIT_RE.test(out)) out = toLatinDigits(out);
  out = collapseElongation(out);
  return out.replace(SPACE_RE, " ").trim();
}

const TURKISH_FOLD: Readonly<Record<string, string>> = {
  ı: "i",
  ğ: "g",
  ü: "u",
  ş: "s",
  ö: "o",
  ç: "c",
  â: "a",
  î: "i",
  û: "u",
};
const TURKISH_FOLD_RE = /[ığüşöçâîû]/g;

/**
 * Folds lowercase Turkish letters to ASCII (ı→i, ğ→g, ü→u, ş→s, ö→o, ç→c) so that text typed on a
 * keyboard without Turkish letters ("begenmedim") matches the same key as "beğenmedim".
 * Expects text already passed through {@link normalizeText}.
 */
export function foldTurkish(text: string): string {
  return text.replace(TURKISH_FOLD_RE, (ch) => TURKISH_FOLD[ch] ?? ch);
}

/**
 * One token: a URL (dropped later), an emoticon, a word (letters, marks, digits, inner apostrophes),
 * one emoji, or a run of clause punctuation.
 */
const TOKEN_RE =
  /https?:\/\/\S+|www\.\S+|[:;=][-'^]?(?:[)(\][|*]+|[dpo/\\](?![\p{L}\p{N}/]))|<3+|\(:|[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}]+)*|\p{Extended_Pictographic}|[.!?,;]+/gu;

const FA_VERB_PREFIXES: ReadonlySet<string> = new Set(["می", "نمی"]);

function isUrl(token: string): boolean {
  return token.startsWith("http") || token.startsWith("www.");
}

function isWordStart(token: string): boolean {
  return /^[\p{L}\p{N}]/u.test(token);
}

/**
 * Splits text that is already normalized with {@link normalizeText} into tokens. Persian verb prefixes
 * written apart ("می خواهم", "نمی خواهم") are joined to their verb, matching the ZWNJ-free form.
 */
export function tokenizeNormalized(normalized: string, locale: Locale): string[] {
  const tokens: string[] = [];
  let pendingPrefix = "";
  for (const match of normalized.matchAll(TOKEN_RE)) {
    const token = match[0];
    if (isUrl(token)) continue;
    if (locale === "fa" && FA_VERB_PREFIXES.has(token)) {
      if (pendingPrefix) tokens.push(pendingPrefix);
      pendingPrefix = token;
      continue;
    }
    if (pendingPrefix) {
      if (isWordStart(token)) {
        tokens.push(pendingPrefix + token);
        pendingPrefix = "";
        continue;
      }
      tokens.push(pendingPrefix);
      pendingPrefix = "";
    }
    tokens.push(token);
  }
  if (pendingPrefix) tokens.push(pendingPrefix);
  return tokens;
}

/**
 * Normalizes and tokenizes text for one locale: words (lowercase, canonical letters), emoticons such as
 * ":)" and "<3", single emoji, and runs of clause punctuation (".", "!!", "?", ","). URLs are dropped.
 */
export function tokenize(text: string, locale: Locale): string[] {
  return tokenizeNormalized(normalizeText(text, locale), locale);
}
