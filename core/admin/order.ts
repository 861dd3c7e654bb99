import { LOCALES } from "../locale.ts";

/**
 * The order people read a flow's fields in, shared by the diff and the YAML export: a flow's key, title and
 * settings before its steps and alerts; a step's id, type and tags before its texts, options and `next`; a
 * condition's step before its tests; locales in cxbot's order. Fields not listed keep their order, after these.
 */
const READING_ORDER = [
  "key",
  "id",
  "type",
  "title",
  "fallback",
  "timeZone",
  "idleMinutes",
  "step",
  "sentiment",
  "scale",
  "min",
  "max",
  "band",
  "theme",
  "choice",
  "answered",
  "multiple",
  "optional",
  "maxLength",
  "prompt",
  "text",
  "labels",
  "options",
  "label",
  "next",
  "goto",
  "when",
  "followUp",
  "route",
  ...LOCALES,
  "steps",
  "alerts",
];
const RANK = new Map(READING_ORDER.map((key, i) => [key, i]));

/** `keys` sorted into reading order (stable for keys the order does not know). */
export function inReadingOrder(keys: readonly string[]): string[] {
  return keys
    .map((key, i) => ({ key, rank: RANK.get(key) ?? READING_ORDER.length + i }))
    .sort((a, b) => a.rank - b.rank)
    .map((k) => k.key);
}
