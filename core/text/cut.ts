/**
 * Cutting user-visible text without breaking it: at a grapheme boundary (an emoji ZWJ sequence, a flag, a letter
 * with its combining marks stay whole), and never leaving a lone surrogate, which JSON and URI encoding reject.
 */

/** How a limit is counted: UTF-16 units (Telegram, Slack, Discord, `String.length`), code points, or UTF-8 bytes. */
export type TextUnit = "utf16" | "codePoint" | "utf8";

export interface CutOptions {
  /** Appended when the text is cut (`true`: "…"); counted within the limit. */
  readonly ellipsis?: boolean | string;
  /** Default `utf16`. */
  readonly unit?: TextUnit;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const encoder = new TextEncoder();

/** The text with every lone surrogate (invalid UTF-16) replaced by U+FFFD, so it can always be encoded. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/** The length of `text` in `unit`. */
export function measure(text: string, unit: TextUnit = "utf16"): number {
  switch (unit) {
    case "utf16":
      return text.length;
    case "codePoint": {
      let n = 0;
      for (const _ of text) n++;
      return n;
    }
    case "utf8":
      return encoder.encode(text).length;
    default: {
      const never: never = unit;
      return never;
    }
  }
}

/** A cut inside one huge grapheme (a letter with thousands of marks): at a code point boundary instead. */
function codePointEnd(text: string, max: number, unit: TextUnit): number {
  let used = 0;
  let end = 0;
  for (const c of text) {
    const size = measure(c, unit);
    if (used + size > max) break;
    used += size;
    end += c.length;
  }
  return end;
}

/**
 * The UTF-16 index where a well-formed `text` must be cut so that the part before it measures at most `max`,
 * at a grapheme boundary (`text.length` when it fits).
 */
export function cutIndex(text: string, max: number, unit: TextUnit = "utf16"): number {
  if (max <= 0) return 0;
  if (measure(text, unit) <= max) return text.length;
  // Segmenting copies the whole string: look only at a window a little past the limit (a grapheme cut short at
  // the window's edge ends past the limit, so it is never counted as fitting).
  const window = text.slice(0, (unit === "codePoint" ? 2 * max : max) + 16);
  let used = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(window)) {
    const size = measure(segment, unit);
    if (used + size > max) break;
    used += size;
    end = index + segment.length;
  }
  return end === 0 ? codePointEnd(text, max, unit) : end;
}

/**
 * `text` made well-formed and cut to at most `max` (in `unit`, ellipsis included) at a grapheme boundary.
 * Text that fits is returned whole (lone surrogates replaced).
 */
export function cutText(text: string, max: number, options: CutOptions = {}): string {
  const unit = options.unit ?? "utf16";
  const clean = wellFormed(text);
  if (measure(clean, unit) <= max) return clean;
  const ellipsis =
    options.ellipsis === true ? "…" : typeof options.ellipsis === "string" ? options.ellipsis : "";
  const room = max - measure(ellipsis, unit);
  if (room <= 0) return cutText(ellipsis, max, { unit });
  return `${clean.slice(0, cutIndex(clean, room, unit))}${ellipsis}`;
}

/** A well-formed `text` in consecutive parts of at most `max` (in `unit`), each ending at a grapheme boundary. */
export function chunkText(text: string, max: number, unit: TextUnit = "utf16"): string[] {
  const chunks: string[] = [];
  let rest = wellFormed(text);
  while (rest.length > 0) {
    const end = Math.max(cutIndex(rest, max, unit), 1);
    chunks.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return chunks;
}
