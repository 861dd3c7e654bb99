import type { OutboundMessage } from "../../core/types.ts";
import { layoutRows, splitText as splitAt } from "../kit/layout.ts";

/** Telegram's limits (Bot API): message text, callback_data bytes, deep-link payload. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const CALLBACK_DATA_MAX_BYTES = 64;
/** A media caption: 0–1024 characters after entities parsing (sendDocument). */
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** Scale buttons a row: NPS 0–10 as 6 + 5, CES 1–7 on one row (Telegram allows 8). */
export const TELEGRAM_CAPABILITIES_ROW = 7;

export interface InlineButton {
  readonly text: string;
  readonly callback_data: string;
}

/** Lays out a message's choices as inline-keyboard rows (see {@link layoutRows}: up to 7 a row, right to left in fa/ar). */
export function keyboardRows(message: OutboundMessage): InlineButton[][] {
  const rows = layoutRows(message, TELEGRAM_CAPABILITIES_ROW).map((row) =>
    row.map((c) => ({ text: c.label, callback_data: c.payload })),
  );
  for (const b of rows.flat()) {
    if (Buffer.byteLength(b.callback_data, "utf8") > CALLBACK_DATA_MAX_BYTES) {
      throw new RangeError(`callback_data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${b.callback_data}`);
    }
  }
  return rows;
}

/** Splits text into Telegram-sized parts (see the kit's splitText). */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  return splitAt(text, limit);
}
