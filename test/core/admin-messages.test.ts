import { describe, expect, it } from "vitest";
import { ADMIN_SUBCOMMANDS } from "../../core/admin/grammar.ts";
import { ADMIN_MESSAGES, type AdminMessageKey, at } from "../../core/admin/messages.ts";

const EN = ADMIN_MESSAGES.en;
const KEYS = Object.keys(EN) as AdminMessageKey[];
const TRANSLATED = ["fa", "ar", "tr"] as const;

/** Keys made only of placeholders, symbols and literal syntax: the same text in every language. */
const SAME_IN_EVERY_LANGUAGE: ReadonlySet<AdminMessageKey> = new Set<AdminMessageKey>([
  "noScore",
  "adminFromEnv",
  "auditLine",
  "webhookLine",
]);

/** Command syntax that stays literal (Latin script) in every language. */
const LITERALS = [
  "/cx",
  "max=6",
  "band=detractor",
  "sentiment=negative",
  "theme=processes",
  "nps|csat|ces",
  "7d|30d|90d|12m",
  "7d|30d|90d",
  "<platform:userId>",
  "add|remove",
  "CX_ADMINS",
  "YAML",
  "from nps",
  "KB",
];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** The text without placeholders, literal syntax and subcommand names: what must be in the admin's language. */
const prose = (text: string) => {
  let out = text.replace(/\{\w+\}/g, " ");
  for (const literal of LITERALS) out = out.replaceAll(literal, " ");
  for (const name of ADMIN_SUBCOMMANDS) out = out.replace(new RegExp(`\\b${name}\\b`, "g"), " ");
  return out;
};

describe("the admin messages catalog", () => {
  it("has the same keys in every language", () => {
    for (const locale of TRANSLATED)
      expect(Object.keys(ADMIN_MESSAGES[locale]).sort()).toEqual([...KEYS].sort());
  });

  it.each(TRANSLATED)("%s keeps every key's placeholders", (locale) => {
    for (const key of KEYS)
      expect([key, placeholders(ADMIN_MESSAGES[locale][key])]).toEqual([key, placeholders(EN[key])]);
  });

  it.each(TRANSLATED)("%s translates every text (except the placeholder-only keys)", (locale) => {
    const untranslated = KEYS.filter(
      (k) => !SAME_IN_EVERY_LANGUAGE.has(k) && ADMIN_MESSAGES[locale][k] === EN[k],
    );
    expect(untranslated).toEqual([]);
    for (const key of SAME_IN_EVERY_LANGUAGE) expect(ADMIN_MESSAGES[locale][key]).toBe(EN[key]);
  });

  it.each(TRANSLATED)("%s leaves no English words outside the command syntax", (locale) => {
    const english =
      /\b(flows?|drafts?|versions?|live|surveys?|admins?|changes?|changed|saved|nothing|published|file|edit|language|step|channel|text|the|is|and|or|with)\b/i;
    const leftovers = KEYS.filter((k) => english.test(prose(ADMIN_MESSAGES[locale][k])));
    expect(leftovers).toEqual([]);
  });

  it.each(TRANSLATED)("%s keeps the help's line structure and command syntax", (locale) => {
    const help = ADMIN_MESSAGES[locale].help;
    const lines = help.split("\n");
    const enLines = EN.help.split("\n");
    expect(lines).toHaveLength(enLines.length);
    // Each line starts with the same subcommand words the admin types.
    for (const [i, line] of lines.entries()) {
      if (i === 0) continue;
      expect(line.split(" ")[0]).toBe(enLines[i]?.split(" ")[0]);
    }
    for (const literal of ["/cx", "max=6", "band=detractor", "sentiment=negative", "theme=processes"])
      expect(help).toContain(literal);
    for (const literal of ["nps|csat|ces", "7d|30d|90d", "<platform:userId>", "YAML"])
      expect(help).toContain(literal);
    for (const name of ADMIN_SUBCOMMANDS.filter((n) => n !== "help"))
      expect(help).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it("writes Persian with Persian letters and zero-width non-joiners", () => {
    for (const key of KEYS) {
      const text = ADMIN_MESSAGES.fa[key];
      expect([key, /[يك]/.test(text)]).toEqual([key, false]); // Arabic yeh / kaf
      expect([key, /(^|[\s«(])ن?می /.test(text)]).toEqual([key, false]); // می‌ needs a ZWNJ, not a space
      expect([key, /[\u0600-\u06ff] ها(\s|$)/.test(text)]).toEqual([key, false]);
    }
  });

  it("writes Arabic without Persian letters", () => {
    for (const key of KEYS) expect([key, /[یکۀ]/.test(ADMIN_MESSAGES.ar[key])]).toEqual([key, false]);
  });

  it("writes no Latin digits in Persian and Arabic prose (placeholders carry the numbers)", () => {
    for (const locale of ["fa", "ar"] as const)
      for (const key of KEYS)
        expect([key, /[0-9]/.test(prose(ADMIN_MESSAGES[locale][key]))]).toEqual([key, false]);
  });

  it("hangs no Turkish suffix on a placeholder", () => {
    for (const key of KEYS) expect([key, /\}['’]/.test(ADMIN_MESSAGES.tr[key])]).toEqual([key, false]);
  });

  it("fills placeholders with the locale's digits", () => {
    expect(at("fa", "historyLine", { version: 12, at: "x", who: "y" })).toBe("نسخهٔ ۱۲ · x · y");
    expect(at("ar", "buttonRollback", { version: 3 })).toBe("الرجوع إلى النسخة ٣");
    expect(at("tr", "targetLabel", { step: "q1", end: "max" })).toBe("q1, max etiketi");
  });
});
