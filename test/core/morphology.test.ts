import { describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import {
  baseForms,
  type Canon,
  isTurkishNegativeVerb,
  longestStem,
  persianNegatedStem,
  turkishSuffixAfterStem,
} from "../../core/text/morphology.ts";
import { foldTurkish, normalizeText } from "../../core/text/normalize.ts";

/** The bases of a word written naturally, normalized like input. */
function bases(word: string, language: Locale, canon?: Canon): string[] {
  const key = normalizeText(word, canon ?? language);
  return baseForms(language === "tr" ? foldTurkish(key) : key, language, canon).map((f) => f.base);
}

function form(word: string, language: Locale, base: string) {
  const key = normalizeText(word, language);
  return baseForms(key, language).find((f) => f.base === normalizeText(base, language));
}

describe("baseForms", () => {
  it("puts the key itself first", () => {
    for (const [word, language] of [
      ["deliveries", "en"],
      ["kargo'dan", "tr"],
      ["قیمت‌هاش", "fa"],
      ["والجودة", "ar"],
    ] as const) {
      expect(bases(word, language)[0]).toBe(normalizeText(word, language));
    }
  });

  it("reads English inflections, possessives and elongation", () => {
    expect(bases("deliveries", "en")).toContain("delivery");
    expect(bases("stopped", "en")).toContain("stop");
    expect(bases("customer's", "en")).toContain("customer");
    expect(bases("kindness", "en")).toContain("kind");
    expect(bases("staaaaff", "en")).toContain("staff");
  });

  it("reads the Turkish part before a proper-noun apostrophe", () => {
    expect(bases("Kargo'dan", "tr")).toContain("kargo");
  });

  it("strips up to two Persian suffixes, least stripped first", () => {
    const forms = bases("پسته‌ای", "fa");
    expect(forms.indexOf("پسته")).toBeGreaterThan(-1);
    expect(forms.indexOf("پسته")).toBeLessThan(forms.indexOf("پست"));
    expect(bases("قیمت‌هاش", "fa")).toContain("قیمت");
    expect(bases("کمه", "fa")).toContain("کم");
  });

  it("writes Persian affixes in the caller's canonical form", () => {
    expect(bases("قیمت‌هاش", "fa", "ar")).toContain(normalizeText("قیمت", "ar"));
  });

  it("marks a Persian negative or privative prefix as negation, after every plain reading", () => {
    const forms = baseForms(normalizeText("نمی‌ارزه", "fa"), "fa");
    expect(form("نمی‌ارزه", "fa", "میارزه")?.negated).toBe(true);
    expect(form("بی‌کیفیت", "fa", "کیفیت")?.negated).toBe(true);
    expect(form("باکیفیت", "fa", "کیفیت")?.negated).toBe(false);
    const firstNegated = forms.findIndex((f) => f.negated);
    expect(forms.slice(firstNegated).every((f) => f.negated)).toBe(true);
  });

  it("keeps at least three letters under a Persian negation", () => {
    expect(bases("نصفش", "fa")).not.toContain("صف");
  });

  it("strips Arabic proclitics and suffixes, restoring ta marbuta", () => {
    expect(bases("والجودة", "ar")).toContain(normalizeText("جودة", "ar"));
    expect(bases("خدمتهم", "ar")).toContain(normalizeText("خدمة", "ar"));
    expect(bases("جودتها", "ar")).toContain(normalizeText("جودة", "ar"));
  });

  it("reads an Arabic fused negator as negation", () => {
    expect(form("ماعجبني", "ar", "عجبني")?.negated).toBe(true);
    expect(form("مشحلو", "ar", "حلو")?.negated).toBe(true);
  });

  it("reads an Arabic elative through its adjective, only for three-letter roots", () => {
    expect(form("اجمل", "ar", "جميل")?.elative).toBe(true);
    expect(form("افشل", "ar", "فاشل")?.elative).toBe(true);
    expect(baseForms(normalizeText("انتظار", "ar"), "ar").some((f) => f.elative)).toBe(false);
  });

  it("never yields an empty or repeated base", () => {
    for (const [word, language] of [
      ["a", "en"],
      ["ssss", "en"],
      ["ن", "fa"],
      ["و", "ar"],
      ["نمیخوامشون", "fa"],
      ["وبالجودتهم", "ar"],
    ] as const) {
      const forms = bases(word, language);
      expect(forms.every((b) => b.length > 0)).toBe(true);
      expect(new Set(forms).size).toBe(forms.length);
    }
  });
});

describe("affix facts", () => {
  it("tells a Turkish negative or privative suffix after a stem", () => {
    expect(turkishSuffixAfterStem("medim")).toBe("negative");
    expect(turkishSuffixAfterStem("emedim")).toBe("negative");
    expect(turkishSuffixAfterStem("miyor")).toBe("negative");
    expect(turkishSuffixAfterStem("suz")).toBe("privative");
    expect(turkishSuffixAfterStem("dim")).toBeUndefined();
    expect(turkishSuffixAfterStem("mek")).toBeUndefined();
  });

  it("tells a Turkish verb in a negative form", () => {
    expect(isTurkishNegativeVerb(foldTurkish("gelmedi"))).toBe(true);
    expect(isTurkishNegativeVerb(foldTurkish("yaşamadım"))).toBe(true);
    expect(isTurkishNegativeVerb("tamam")).toBe(false);
    expect(isTurkishNegativeVerb("bilmiyorum")).toBe(false);
  });

  it("finds the word under a Persian negative verb prefix", () => {
    expect(persianNegatedStem("نبود")).toBe("بود");
    expect(persianNegatedStem("بود")).toBeUndefined();
    expect(persianNegatedStem("نه")).toBeUndefined();
  });

  it("finds the longest stem that prefixes a word", () => {
    const stems = new Map([
      ["beğen", 1],
      ["beğeni", 2],
    ]);
    expect(longestStem("beğenilmedi", stems, 5, 6)).toEqual({ value: 2, length: 6 });
    expect(longestStem("beğendim", stems, 5, 6)).toEqual({ value: 1, length: 5 });
    expect(longestStem("güzel", stems, 5, 6)).toBeUndefined();
  });
});
