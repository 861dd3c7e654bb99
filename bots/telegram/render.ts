import { z } from "zod";
import { ZFlowKey } from "../../core/flow/schema.ts";
import { cutIndex, wellFormed } from "../../core/text/cut.ts";
import type { OutboundMessage } from "../../core/types.ts";

/** Telegram's limits (Bot API): message text, callback_data bytes, deep-link payload. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const CALLBACK_DATA_MAX_BYTES = 64;

export interface InlineButton {
  readonly text: string;
  readonly callback_data: string;
}

/**
 * Lays out a message's choices as inline-keyboard rows. A scale fits a phone: up to 6 buttons a row
 * (NPS 0–10 as 6 + 5). In right-to-left locales each row runs right to left, so the lowest score sits where an
 * RTL reader starts (on the right) — the way the numbers read in the question's own direction. Lists are one
 * button a row.
 */
export function keyboardRows(message: OutboundMessage): InlineButton[][] {
  const buttons = (message.choices ?? []).map((c) => ({ text: c.label, callback_data: c.payload }));
  for (const b of buttons) {
    if (Buffer.byteLength(b.callback_data, "utf8") > CALLBACK_DATA_MAX_BYTES) {
      throw new RangeError(`callback_data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${b.callback_data}`);
    }
  }
  if (message.layout !== "scale") return buttons.map((b) => [b]);
  const scale = buttons.filter((b) => /^\d:a:/.test(b.callback_data));
  const extras = buttons.filter((b) => !/^\d:a:/.test(b.callback_data));
  const perRow = scale.length <= 7 ? scale.length : Math.ceil(scale.length / 2);
  const rows: InlineButton[][] = [];
  for (let i = 0; i < scale.length; i += perRow) {
    const row = scale.slice(i, i + perRow);
    rows.push(message.rtl ? row.reverse() : row);
  }
  for (const b of extras) rows.push([b]);
  return rows;
}

/** Splits text into Telegram-sized parts (UTF-16 units, as Telegram counts), at a line or space when it can. */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = wellFormed(text);
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(" ", limit);
    // No line or space in the second half: at the last whole grapheme (an emoji or a letter with its marks).
    if (cut < limit / 2) cut = cutIndex(rest, limit);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

const ZReference = z.string().regex(/^[A-Za-z0-9_-]{1,60}$/);

/**
 * Reads a deep-link payload (`t.me/<bot>?start=nps__order42`): a flow key, then optionally `__` and a reference.
 * Telegram allows 1–64 characters of `A–Z a–z 0–9 _ -`; anything else is ignored (a bare start).
 */
export function parseStartPayload(payload: string): { flowKey?: string; reference?: string } {
  const trimmed = payload.trim();
  if (trimmed === "" || trimmed.length > 64) return {};
  const [flow, ...rest] = trimmed.split("__");
  const key = ZFlowKey.safeParse(flow?.toLowerCase());
  if (!key.success) return {};
  const reference = rest.length > 0 ? ZReference.safeParse(rest.join("__")) : undefined;
  return { flowKey: key.data, ...(reference?.success ? { reference: reference.data } : {}) };
}
