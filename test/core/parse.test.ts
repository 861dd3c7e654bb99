import { describe, expect, it } from "vitest";
import { parseCommand } from "../../core/commands.ts";
import type { ChoiceStep, RatingStep } from "../../core/flow/schema.ts";
import { parseChoice, parseRating } from "../../core/parse/answer.ts";

const nps: RatingStep = { id: "score", type: "rating", scale: "nps", prompt: { en: "?" }, optional: true };
const csat: RatingStep = { id: "score", type: "rating", scale: "csat", prompt: { en: "?" }, optional: true };
const fruit: ChoiceStep = {
  id: "fruit",
  type: "choice",
  prompt: { en: "?" },
  multiple: false,
  optional: true,
  options: [
    { id: "apple", label: { en: "Apple", fa: "سیب", ar: "تفاحة", tr: "Elma" } },
    { id: "pear", label: { en: "Pear", fa: "گلابی", ar: "كمثرى", tr: "Armut" } },
    { id: "fig", label: { en: "Fig", fa: "انجیر", ar: "تين", tr: "İncir" } },
  ],
};

describe("parseRating", () => {
  it.each([
    ["7", "en", 7],
    ["۷", "fa", 7],
    ["٧", "ar", 7],
    ["۱۰", "fa", 10],
    ["١٠", "ar", 10],
    [" 0 ", "en", 0],
    ["8/10", "en", 8],
    ["۸ از ۱۰", "fa", 8],
    ["10 üzerinden 9", "tr", 9],
    ["nine", "en", 9],
    ["Ten!", "en", 10],
    ["نه", "fa", 9],
    ["هفت", "fa", 7],
    ["سبعة", "ar", 7],
    ["عشرة", "ar", 10],
    ["sekiz", "tr", 8],
    ["SIFIR", "tr", 0],
    ["I'd say 6", "en", 6],
  ] as const)("reads %s (%s) as %i", (text, locale, value) => {
    expect(parseRating(text, nps, locale)).toEqual({ ok: true, value });
  });

  it.each([
    ["11", "OUT_OF_RANGE"],
    ["۱۱", "OUT_OF_RANGE"],
    ["-1", "OUT_OF_RANGE"],
    ["7.5", "NOT_A_NUMBER"],
    ["great service", "NOT_A_NUMBER"],
    ["between 7 and 8", "NOT_A_NUMBER"],
    ["", "EMPTY"],
    ["   ", "EMPTY"],
  ] as const)("rejects %j with %s", (text, error) => {
    expect(parseRating(text, nps, "en")).toEqual({ ok: false, error });
  });

  it("reads faces and stars on a 1–5 scale only", () => {
    expect(parseRating("😡", csat, "en")).toEqual({ ok: true, value: 1 });
    expect(parseRating("😐", csat, "fa")).toEqual({ ok: true, value: 3 });
    expect(parseRating("😍", csat, "tr")).toEqual({ ok: true, value: 5 });
    expect(parseRating("⭐⭐⭐⭐", csat, "en")).toEqual({ ok: true, value: 4 });
    expect(parseRating("😍", nps, "en")).toEqual({ ok: false, error: "NOT_A_NUMBER" });
    expect(parseRating("0", csat, "en")).toEqual({ ok: false, error: "OUT_OF_RANGE" });
  });

  it("never throws on hostile input", () => {
    for (const text of ["\u0000", "\uD800", "9".repeat(100_000), "𝟗", "٩٩٩٩٩٩٩٩٩٩٩٩٩", "/10", "$where"]) {
      expect(() => parseRating(text, nps, "ar")).not.toThrow();
    }
  });
});

describe("parseChoice", () => {
  it("reads the shown number in any numeral system, the label in any language, or the id", () => {
    expect(parseChoice("2", fruit, "en")).toEqual({ ok: true, value: ["pear"] });
    expect(parseChoice("۳", fruit, "fa")).toEqual({ ok: true, value: ["fig"] });
    expect(parseChoice("سیب", fruit, "fa")).toEqual({ ok: true, value: ["apple"] });
    expect(parseChoice("كمثرى", fruit, "ar")).toEqual({ ok: true, value: ["pear"] });
    expect(parseChoice("incir", fruit, "tr")).toEqual({ ok: true, value: ["fig"] });
    expect(parseChoice("APPLE", fruit, "en")).toEqual({ ok: true, value: ["apple"] });
  });

  it("takes several answers only on a multiple choice", () => {
    expect(parseChoice("1, 3", fruit, "en")).toEqual({ ok: false, error: "NO_SUCH_OPTION" });
    const multi: ChoiceStep = { ...fruit, multiple: true };
    expect(parseChoice("1, 3", multi, "en")).toEqual({ ok: true, value: ["apple", "fig"] });
    expect(parseChoice("۱ و ۲", multi, "fa")).toEqual({ ok: true, value: ["apple", "pear"] });
    expect(parseChoice("elma ve armut", multi, "tr")).toEqual({ ok: true, value: ["apple", "pear"] });
    expect(parseChoice("1, 9", multi, "en")).toEqual({ ok: false, error: "NO_SUCH_OPTION" });
  });
});

describe("parseCommand", () => {
  it.each([
    ["/stop", "en", "stop"],
    ["/skip@cxbot", "en", "skip"],
    ["skip", "en", "skip"],
    ["رد", "fa", "skip"],
    ["توقف", "fa", "stop"],
    ["تخطي", "ar", "skip"],
    ["إيقاف", "ar", "stop"],
    ["atla", "tr", "skip"],
    ["YARDIM", "tr", "help"],
    ["Stop.", "en", "stop"],
  ] as const)("%s (%s) is %s", (text, locale, command) => {
    expect(parseCommand(text, locale)?.command).toBe(command);
  });

  it("keeps the argument of a slash command", () => {
    expect(parseCommand("/language fa", "en")).toEqual({ command: "language", argument: "fa" });
  });

  it("reads a lone question mark as help, and blank or punctuation-only text as no command", () => {
    expect(parseCommand("?", "en")?.command).toBe("help");
    expect(parseCommand("؟", "fa")?.command).toBe("help");
    expect(parseCommand("   ", "en")).toBeUndefined();
    expect(parseCommand("...", "en")).toBeUndefined();
  });

  it("does not treat a sentence that contains a command word as a command", () => {
    expect(parseCommand("please stop calling me", "en")).toBeUndefined();
    expect(parseCommand("/unknown", "en")).toBeUndefined();
  });
});
