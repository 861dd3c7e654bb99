import type { ShownMessage } from "../fakes/telegram-api.ts";

/** The button labelled `label` on the newest message shown, as the fake needs it to press it. */
export function lastButton(messages: ShownMessage[], label: string): { id: number; data: string } {
  const m = messages.at(-1);
  const b = m?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
  if (!m || !b || !("callback_data" in b) || typeof b.callback_data !== "string")
    throw new Error(`no ${label} in ${JSON.stringify(m)}`);
  return { id: m.message_id, data: b.callback_data };
}
