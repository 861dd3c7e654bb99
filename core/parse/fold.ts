import type { Locale } from "../locale.ts";
import { toLatinDigits } from "../text/digits.ts";

/**
 * Folds a short answer for matching against command words, number words and option labels:
 * NFKC, Latin digits, locale-aware lower case, one form for ي/ی and ك/ک, no diacritics, tatweel or ZWNJ,
 * no surrounding punctuation, single spaces.
 */
export function foldAnswer(text: string, locale: Locale): string {
  const lowered = text.normalize("NFKC").toLocaleLowerCase(locale === "tr" ? "tr" : "en");
  return toLatinDigits(lowered)
    .replace(/[\u064A\u0649]/g, "\u06CC")
    .replace(/\u0643/g, "\u06A9")
    .replace(/[\u0623\u0625\u0622]/g, "\u0627")
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/\u200C|\u200D|\u200E|\u200F|\u061C/g, " ")
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, "")
    .replace(/\s+/g, " ");
}
