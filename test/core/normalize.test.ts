import { describe, expect, it } from "vitest";
import { foldTurkish, normalizeText, tokenize } from "../../core/text/normalize.ts";

describe("normalizeText", () => {
  it("returns an empty string for empty or blank input", () => {
    expect(normalizeText("", "en")).toBe("");
    expect(normalizeText("   \n\t ", "fa")).toBe("");
  });

  it("lowercases English and collapses whitespace", () => {
    expect(normalizeText("  The   Delivery\nWAS  Fast ", "en")).toBe("the delivery was fast");
  });

  it("lowercases Turkish with dotted and dotless i", () => {
    expect(normalizeText("IŞIK", "tr")).toBe("ışık");
    expect(normalizeText("İYİ", "tr")).toBe("iyi");
    expect(normalizeText("BEĞENMEDİM", "tr")).toBe("beğenmedim");
  });

  it("folds Turkish letters to ASCII for matching", () => {
    expect(foldTurkish("beğenmedim çok güzel ışık")).toBe("begenmedim cok guzel isik");
  });

  it("maps Arabic ي and ك to Persian ی and ک for fa", () => {
    expect(normalizeText("كيفيت عالي", "fa")).toBe("کیفیت عالی");
    expect(normalizeText("كيفيت عالي", "fa")).toBe(normalizeText("کیفیت عالی", "fa"));
  });

  it("maps Persian ی and ک to Arabic ي and ك for ar, and alef maksura to ya", () => {
    expect(normalizeText("کویس", "ar")).toBe("كويس");
    expect(normalizeText("على", "ar")).toBe("علي");
  });

  it("unifies alef variants and teh marbuta for ar", () => {
    expect(normalizeText("أفضل إنسان آخر", "ar")).toBe("افضل انسان اخر");
    expect(normalizeText("ممتازة", "ar")).toBe("ممتازه");
  });

  it("removes harakat, superscript alef and tatweel", () => {
    expect(normalizeText("مُمْتَازٌ", "ar")).toBe("ممتاز");
    expect(normalizeText("جداً", "ar")).toBe("جدا");
    expect(normalizeText("ممتـــــاز", "ar")).toBe("ممتاز");
    expect(normalizeText("هٰذا", "ar")).toBe("هذا");
  });

  it("joins words split by ZWNJ so every spelling of a verb matches", () => {
    expect(normalizeText("می‌خواهم", "fa")).toBe("میخواهم");
    expect(tokenize("می‌خواهم", "fa")).toEqual(tokenize("میخواهم", "fa"));
    expect(tokenize("می خواهم", "fa")).toEqual(["میخواهم"]);
    expect(tokenize("نمی خواهم", "fa")).toEqual(["نمیخواهم"]);
  });

  it("converts Persian and Arabic-Indic digits to Latin", () => {
    expect(normalizeText("۱۲۳ و ٤٥٦", "fa")).toBe("123 و 456");
  });

  it("collapses elongations: one letter in Arabic script, two in Latin script", () => {
    expect(normalizeText("sooooo goooood", "en")).toBe("soo good");
    expect(normalizeText("خیلییییی", "fa")).toBe("خیلی");
    expect(normalizeText("جداااا", "ar")).toBe("جدا");
    expect(normalizeText("good", "en")).toBe("good");
  });

  it("maps Arabic punctuation and curly apostrophes", () => {
    expect(normalizeText("خوب، ولی؟", "fa")).toBe("خوب, ولی?");
    expect(normalizeText("wasn’t", "en")).toBe("wasn't");
  });

  it("applies NFKC to presentation forms and full-width letters", () => {
    expect(normalizeText("ﻻ", "ar")).toBe("لا");
    expect(normalizeText("ＧＯＯＤ", "en")).toBe("good");
  });

  it("strips variation selectors and skin tones from emoji", () => {
    expect(normalizeText("❤️ 👍🏽", "en")).toBe("❤ 👍");
  });

  it("is total on lone surrogates and control characters", () => {
    expect(() => normalizeText("\uD800x\uDFFF\u0000", "tr")).not.toThrow();
    expect(typeof normalizeText("\uD83D", "fa")).toBe("string");
  });
});

describe("tokenize", () => {
  it("keeps words with inner apostrophes, emoticons, emoji and punctuation runs", () => {
    expect(tokenize("Wasn't good :( 😡 !!!", "en")).toEqual(["wasn't", "good", ":(", "😡", "!!!"]);
  });

  it("drops URLs and does not read a URL's :/ as an emoticon", () => {
    expect(tokenize("see http://t.co/abc now", "en")).toEqual(["see", "now"]);
  });

  it("does not read a clock time as an emoticon", () => {
    expect(tokenize("at 10:30", "en")).toEqual(["at", "10", "30"]);
  });

  it("splits Arabic-script text on spaces and punctuation", () => {
    expect(tokenize("خوب بود، ممنون!", "fa")).toEqual(["خوب", "بود", ",", "ممنون", "!"]);
  });

  it("returns no tokens for empty input", () => {
    expect(tokenize("", "ar")).toEqual([]);
  });
});
