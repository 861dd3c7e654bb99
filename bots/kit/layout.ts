import { cutIndex, wellFormed } from "../../core/text/cut.ts";
import type { Choice, OutboundMessage } from "../../core/types.ts";

/**
 * Lays a message's choices out in rows, the same way on every platform. A scale's values share rows as evenly
 * as `perRow` allows (NPS 0–10 as 6 + 5 with 6 a row, 4 + 4 + 3 with Discord's 5); in right-to-left locales each
 * row runs right to left — the first choice of a row is the one a reader starts from, so the lowest score sits
 * on the right, the way numbers read in the question's own direction. The returned rows are in **visual order,
 * left to right**: an adapter renders them as they are. Other choices (skip, done, a list's options) get a row
 * each.
 */
export function layoutRows(message: OutboundMessage, perRow: number): Choice[][] {
  const choices = message.choices ?? [];
  if (message.layout !== "scale") return choices.map((c) => [c]);
  const scale = choices.filter((c) => c.role === "answer");
  const extras = choices.filter((c) => c.role !== "answer");
  const rowCount = Math.max(1, Math.ceil(scale.length / perRow));
  const size = Math.ceil(scale.length / rowCount);
  const rows: Choice[][] = [];
  for (let i = 0; i < scale.length; i += size) {
    const row = scale.slice(i, i + size);
    rows.push(message.rtl ? row.reverse() : row);
  }
  for (const c of extras) rows.push([c]);
  return rows;
}

/**
 * Splits text into parts of at most `limit` UTF-16 units (as Telegram, Slack and Discord count), at a line break
 * or a space in the second half of a part when there is one, and never inside a grapheme (an emoji, a letter
 * with its marks). Lone surrogates become U+FFFD first, so every part can be sent.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = wellFormed(text);
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(" ", limit);
    if (cut < limit / 2) cut = cutIndex(rest, limit);
    if (cut <= 0) cut = Math.min(rest.length, limit);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
