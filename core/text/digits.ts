/** Persian (U+06F0–06F9) and Arabic-Indic (U+0660–0669) digits mapped to ASCII. */
const DIGIT_BASES = [0x06f0, 0x0660] as const;

/** Replaces Persian and Arabic-Indic digits with ASCII digits; leaves everything else as it is. */
export function toLatinDigits(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    let mapped: string | undefined;
    for (const base of DIGIT_BASES) {
      if (code >= base && code <= base + 9) mapped = String(code - base);
    }
    out += mapped ?? ch;
  }
  return out;
}

/** Writes ASCII digits in a locale's native numeral system (Persian for fa, Arabic-Indic for ar). */
export function toLocaleDigits(text: string, locale: string): string {
  const base = locale === "fa" ? 0x06f0 : locale === "ar" ? 0x0660 : undefined;
  if (base === undefined) return text;
  return text.replace(/[0-9]/g, (d) => String.fromCodePoint(base + Number(d)));
}
