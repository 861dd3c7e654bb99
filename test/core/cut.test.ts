import { describe, expect, it } from "vitest";
import { chunkText, cutIndex, cutText, measure, wellFormed } from "../../core/text/cut.ts";

/** True when `text` has no lone surrogate (what `encodeURIComponent` and strict JSON encoders demand). */
const isWellFormed = (text: string): boolean => {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
};

const FAMILY = "👨‍👩‍👧‍👦"; // 4 people joined by 3 ZWJ: 11 UTF-16 units, one grapheme
const FLAG_IR = "🇮🇷"; // two regional indicators: 4 units
const THUMBS = "👍🏽"; // emoji + skin tone: 4 units

describe("cutText", () => {
  it("returns text that fits unchanged", () => {
    expect(cutText("hello", 5)).toBe("hello");
    expect(cutText("", 0)).toBe("");
    expect(cutText(FAMILY, 11)).toBe(FAMILY);
  });

  it("never splits a surrogate pair: the case that lost forwarded messages (an emoji at the limit)", () => {
    const text = `${"a".repeat(3999)}😀 and more`;
    expect(text.slice(0, 4000)).not.toSatisfy(isWellFormed);
    const cut = cutText(text, 4000);
    expect(cut).toBe("a".repeat(3999));
    expect(cut).toSatisfy(isWellFormed);
    expect(cutText(text, 4001)).toBe(`${"a".repeat(3999)}😀`);
  });

  it("keeps emoji ZWJ sequences, skin tones and flags whole", () => {
    const text = `ab${FAMILY}${FLAG_IR}${THUMBS}`;
    for (let max = 0; max <= text.length; max++) {
      const cut = cutText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut)).toBe(true);
      expect([0, 1, 2, 13, 17, 21]).toContain(cut.length);
    }
    expect(cutText(text, 12)).toBe("ab");
    expect(cutText(text, 16)).toBe(`ab${FAMILY}`);
    expect(cutText(`${FLAG_IR}${FLAG_IR}`, 6)).toBe(FLAG_IR);
  });

  it("keeps Persian and Arabic letters with their combining marks (harakat, shadda)", () => {
    const arabic = "مُحَمَّد"; // م + damma, ح + fatha, م + fatha + shadda, د
    expect(cutText(arabic, 3)).toBe("مُ");
    expect(cutText(arabic, 4)).toBe("مُحَ");
    expect(cutText(arabic, 6)).toBe("مُحَ");
    expect(cutText(arabic, 7)).toBe("مُحَمَّ");
    const persian = "خیلی بد بود، پولم را پس بدهید";
    expect(cutText(persian, 10, { ellipsis: true })).toBe("خیلی بد ب…");
    // ZWNJ (نیم‌فاصله) stays with the word it belongs to.
    expect(cutText("می‌خواهم", 3).length).toBeLessThanOrEqual(3);
    expect(cutText("می‌خواهم", 3)).toSatisfy(isWellFormed);
  });

  it("counts the ellipsis within the limit", () => {
    expect(cutText("abcdef", 4, { ellipsis: true })).toBe("abc…");
    expect(cutText("abcdef", 4, { ellipsis: " [...]" })).toBe(" [..");
    expect(cutText(`a${FAMILY}`, 12, { ellipsis: true })).toBe(`a${FAMILY}`);
    expect(cutText(`a${FAMILY}b`, 12, { ellipsis: true })).toBe("a…");
  });

  it("replaces lone surrogates with U+FFFD, whether the text is cut or not", () => {
    expect(cutText("a\uD83D", 10)).toBe("a\uFFFD");
    expect(cutText("\uDE00b", 10)).toBe("\uFFFDb");
    expect(cutText("x\uDE00\uD83Dy😀", 10)).toBe("x\uFFFD\uFFFDy😀");
    expect(cutText("\uD83D".repeat(10), 4)).toBe("\uFFFD".repeat(4));
    expect(wellFormed("ok 😀")).toBe("ok 😀");
  });

  it("cuts inside one huge grapheme at a code point, rather than dropping everything", () => {
    const zalgo = `a${"\u0301".repeat(5000)}`;
    const cut = cutText(zalgo, 100);
    expect(cut.length).toBe(100);
    expect(cut.startsWith("a\u0301")).toBe(true);
  });

  it("cuts a megabyte quickly (segments only around the limit)", () => {
    const huge = "😀 ".repeat(400_000);
    const parts = chunkText(huge, 3000);
    expect(parts.join("")).toBe(huge);
    expect(cutText(huge, 4000, { unit: "codePoint" })).toHaveLength(6000);
  });

  it("measures in code points and UTF-8 bytes when asked", () => {
    expect(measure("😀é", "codePoint")).toBe(2);
    expect(measure("😀é", "utf8")).toBe(6);
    expect(cutText("😀😀😀", 2, { unit: "codePoint" })).toBe("😀😀");
    expect(cutText("سلام", 5, { unit: "utf8" })).toBe("سل");
    expect(cutIndex("سلام", 5, "utf8")).toBe(2);
  });
});

describe("chunkText", () => {
  it("splits into well-formed parts at grapheme boundaries", () => {
    const text = `${"a".repeat(2999)}😀${"b".repeat(10)}${FAMILY}`;
    const parts = chunkText(text, 3000);
    expect(parts.join("")).toBe(text);
    expect(parts.map((p) => p.length)).toEqual([2999, 23]);
    expect(chunkText(text, 12).at(-1)).toBe(FAMILY);
    for (const p of parts) expect(p).toSatisfy(isWellFormed);
    expect(chunkText("", 10)).toEqual([]);
    expect(chunkText("\uD83Dx", 10)).toEqual(["\uFFFDx"]);
  });
});
