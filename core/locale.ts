import { z } from "zod";

/** The locales cxbot ships every user-visible string in. */
export const LOCALES = ["en", "fa", "ar", "tr"] as const;
export const ZLocale = z.enum(LOCALES);
export type Locale = z.infer<typeof ZLocale>;

/** Right-to-left locales: adapters may lay out scales and text accordingly. */
export const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(["fa", "ar"]);

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/**
 * Maps a platform language tag (`fa-IR`, `ar`, `tr_TR`, `en-US`) to a supported locale,
 * or `undefined` when cxbot has no strings for that language.
 */
export function matchLocale(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const base = tag.toLowerCase().split(/[-_]/)[0] ?? "";
  return isLocale(base) ? base : undefined;
}
