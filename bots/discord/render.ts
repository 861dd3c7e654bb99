import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIStringSelectComponent,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import { z } from "zod";
import { cutText } from "../../core/text/cut.ts";
import type { Choice, OutboundMessage } from "../../core/types.ts";
import { layoutRows } from "../kit/layout.ts";

/** Discord's limits (discord.com/developers/docs): message content, components, custom_id, labels, options. */
export const DISCORD_LIMITS = {
  content: 2000,
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectLabel: 100,
  modalTitle: 45,
  textInputLabel: 45,
  textInputMax: 4000,
} as const;

/** A custom_id as Discord takes it: 1–100 characters (checked on the way out and on the way back in). */
export const ZCustomId = z.string().min(1).max(DISCORD_LIMITS.customId);

/** cxbot's own custom_ids (survey buttons carry the core's payload, which never starts with `cx:`). */
export const CUSTOM_ID = {
  /** The persistent "Give feedback" button: `cx:start:<flow>`. */
  start: "cx:start:",
  /** Opens the free-text modal of a question: `cx:text:<step>`. */
  text: "cx:text:",
  /** The free-text modal itself. */
  modal: "cx:modal:",
  /** A select menu of a question's choices. */
  select: "cx:select",
} as const;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const button = (c: Choice): APIButtonComponent => ({
  type: ComponentType.Button,
  style: c.role === "answer" || c.role === "language" ? ButtonStyle.Primary : ButtonStyle.Secondary,
  label: cutText(c.label, DISCORD_LIMITS.buttonLabel) || "…",
  custom_id: ZCustomId.parse(c.payload),
});

/**
 * A message's choices as Discord components: button rows laid out as on every platform (at most 5 a row, right to
 * left in fa/ar); a list too long for 5 rows of buttons becomes a select menu (its other choices, such as Skip,
 * stay buttons). `textButton` adds a button that opens a text box, for where typed messages cannot reach cxbot.
 */
export function components(message: OutboundMessage, textButton?: { stepId: string; label: string }): Row[] {
  const choices = message.choices ?? [];
  const extra: Choice[] = textButton
    ? [{ payload: `${CUSTOM_ID.text}${textButton.stepId}`, label: textButton.label, role: "command" }]
    : [];
  const laid = layoutRows({ ...message, choices: [...choices, ...extra] }, DISCORD_LIMITS.buttonsPerRow);
  if (laid.length <= DISCORD_LIMITS.rows) {
    return laid.map((row) => ({ type: ComponentType.ActionRow, components: row.map(button) }));
  }
  const answers = choices.filter((c) => c.role === "answer" || c.role === "language");
  if (answers.length === 0) {
    // Only commands (an admin reply's buttons in a DM): packed 5 a row, at most 25.
    const all = [...choices, ...extra].slice(0, DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow);
    const rows: Row[] = [];
    for (let i = 0; i < all.length; i += DISCORD_LIMITS.buttonsPerRow)
      rows.push({
        type: ComponentType.ActionRow,
        components: all.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map(button),
      });
    return rows;
  }
  const others = [...choices.filter((c) => c.role !== "answer" && c.role !== "language"), ...extra];
  const select: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: CUSTOM_ID.select,
    options: answers.slice(0, DISCORD_LIMITS.selectOptions).map((c) => ({
      label: cutText(c.label, DISCORD_LIMITS.selectLabel) || "…",
      value: c.payload,
    })),
  };
  const rows: Row[] = [{ type: ComponentType.ActionRow, components: [select] }];
  for (let i = 0; i < others.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({
      type: ComponentType.ActionRow,
      components: others.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map(button),
    });
  }
  return rows;
}

/** A question once answered: its text and the answer, without components. */
export function answeredContent(text: string, label: string): string {
  return cutText(`${text}\n\n✓ ${label}`, DISCORD_LIMITS.content);
}
