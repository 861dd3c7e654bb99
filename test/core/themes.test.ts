import { describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "../../core/locale.ts";
import { componentOf, THEMES, type Theme, tagThemes, themeLabel } from "../../core/themes/themes.ts";
import { prng } from "../../scripts/prng.ts";

/** A comment and what it is about, written with components or the finer (older) theme names. */
type Case = readonly [string, readonly string[]];

/** The components the names stand for, sorted, without duplicates. */
function components(names: readonly string[]): Theme[] {
  return [...new Set(names.map((n) => componentOf(n) ?? (n as Theme)))].sort();
}

/** The components a comment is tagged with, in any order (order is tested on its own below). */
function expectThemes(locale: Locale, cases: readonly Case[]): void {
  for (const [text, want] of cases) {
    expect({ text, themes: [...tagThemes(text, locale)].sort() }).toEqual({ text, themes: components(want) });
  }
}

const expectThemeSet = expectThemes;

function expectNone(locale: Locale, texts: readonly string[]): void {
  for (const text of texts) expect({ text, themes: tagThemes(text, locale) }).toEqual({ text, themes: [] });
}

describe("themes: English", () => {
  it("tags the theme a comment is about, across plurals and verb forms", () => {
    expectThemes("en", [
      ["Shipping took forever", ["delivery", "wait"]],
      ["The package never arrived", ["delivery"]],
      ["My parcels were delivered to the wrong address", ["delivery"]],
      ["Way too expensive for what you get", ["price"]],
      ["Prices went up again", ["price"]],
      ["Overpriced, you can find it cheaper elsewhere", ["price"]],
      ["The app keeps crashing when I log in", ["app"]],
      ["Customer service never replied to my emails", ["support", "communications"]],
      ["I was on hold for 40 minutes", ["support", "wait"]],
      ["The waiter was rude", ["staff"]],
      ["Staff were friendly and helpful", ["staff"]],
      ["I was charged twice this month", ["payment"]],
      ["Still waiting for my refund", ["wait", "refund"]],
      ["Poor quality, it broke after a week", ["quality"]],
      ["The food was cold and tasteless", ["quality"]],
      ["Waited 45 minutes in the queue", ["wait"]],
      ["Items were missing from my order", ["delivery"]],
      ["Nobody picked up the phone", ["support"]],
      ["I can't log into my account", ["app"]],
      ["user-friendly website", ["app"]],
    ]);
  });

  it("orders themes by how much the comment says about them", () => {
    expect(tagThemes("The delivery was late and the courier was rude", "en")).toEqual([
      "processes",
      "people",
    ]);
    expect(
      tagThemes("Rude staff. The cashier ignored us and the manager laughed. Also a bit pricey.", "en"),
    ).toEqual(["people", "price"]);
  });

  it("reads shouting and elongated words", () => {
    expectThemes("en", [
      ["ORDER NEVER ARRIVED!!!", ["delivery"]],
      ["staaaaff were amaaazing", ["staff"]],
      ["sooo sloooow", ["wait"]],
    ]);
  });

  it("needs two different weak cues before tagging a theme", () => {
    expectNone("en", ["I contacted them", "great service"]);
    expectThemes("en", [["I contacted support twice", ["support"]]]);
  });

  it("tags nothing in comments about no particular theme", () => {
    expectNone("en", [
      "Great experience, thank you!",
      "Everything was fine",
      "I love it",
      "Not bad at all",
      "10/10 would recommend",
      "Can't wait to come back!",
      "I'll definitely come back",
      "ok",
      "The battery lasts 2 days and charges fast",
      "no",
    ]);
  });
});

describe("themes: Persian", () => {
  it("matches plural, possessive and colloquial suffixes, with or without ZWNJ", () => {
    expectThemes("fa", [
      ["پیک خیلی دیر رسید", ["delivery", "wait"]],
      ["ارسالش یک هفته طول کشید", ["delivery", "wait"]],
      ["تحویل سفارش خوب بود", ["delivery"]],
      ["قیمت‌ها خیلی بالاست", ["price"]],
      ["قیمتها خیلی بالاست", ["price"]],
      ["قیمت ها خیلی بالاست", ["price"]],
      ["خیلی گرونه", ["price"]],
      ["از بقیه گرون‌تره", ["price"]],
      ["کیفیتش افتضاح بود", ["quality"]],
      ["جنس پارچه بی‌کیفیت بود", ["quality"]],
      ["پشتیبانی جواب نمی‌دن", ["support"]],
      ["کارمندا خیلی بی‌ادب بودن", ["staff"]],
      ["اپلیکیشن مدام هنگ می‌کنه", ["app"]],
      ["پرداخت انجام شد ولی پول از حسابم کسر شد و سفارش ثبت نشد", ["payment"]],
      ["کالا رو مرجوع کردم ولی هنوز پولم برنگشته", ["refund"]],
      ["پولم رو پس ندادن", ["refund"]],
      ["نیم ساعت تو صف منتظر موندیم", ["wait"]],
    ]);
  });

  it("reads Arabic-keyboard letters (ي ك) and diacritics like Persian ones", () => {
    expectThemes("fa", [
      ["قيمتها گرونه", ["price"]],
      ["كيفيت خوب نبود", ["quality"]],
      ["کیفیتِ محصول عالیه", ["quality"]],
    ]);
  });

  it("does not confuse look-alike words", () => {
    expectThemes("fa", [["بستنی پسته‌ای خوشمزه بود", ["quality"]]]);
    expectNone("fa", ["انتظار بیشتری داشتم", "نصف شب"]);
  });

  it("tags nothing in comments about no particular theme", () => {
    expectNone("fa", [
      "خیلی خوب بود ممنون",
      "همه چیز عالی بود",
      "راضی هستم",
      "دستتون درد نکنه",
      "بد نبود",
      "سلام، ممنون از شما",
    ]);
  });
});

describe("themes: Arabic", () => {
  it("strips clitics and suffixes", () => {
    expectThemes("ar", [
      ["والتوصيل كان سيئ", ["delivery"]],
      ["بالسعر هذا لا يستاهل", ["price"]],
      ["للدعم الفني: لا أحد يرد", ["support"]],
      ["السعر غالي جدا", ["price"]],
      ["الطلب ما وصل لحد الآن", ["delivery"]],
      ["خدمة العملاء سيئة جدا", ["support"]],
      ["الموظفين محترمين وبشوشين", ["staff"]],
      ["التطبيق يعلق كثير", ["app"]],
      ["جودتها عالية", ["quality"]],
      ["فاتورتي فيها مبلغ زيادة", ["payment"]],
      ["طلبت استرجاع المبلغ من أسبوعين", ["refund"]],
      ["انتظرنا ساعة كاملة", ["wait"]],
    ]);
  });

  it("reads diacritics, tatweel, hamza forms and Persian-keyboard letters (ی ک)", () => {
    expectThemes("ar", [
      ["الجَوْدَةُ مُمْتَازَةٌ", ["quality"]],
      ["التوصيــــــل سريع", ["delivery", "wait"]],
      ["المنتج وصل متأخر", ["delivery", "wait"]],
      ["المنتج وصل متاخر", ["delivery", "wait"]],
      ["السعر غالی", ["price"]],
      ["التطبیق لا یعمل", ["app"]],
    ]);
  });

  it("tags nothing in comments about no particular theme", () => {
    expectNone("ar", ["شكرا لكم", "كل شيء تمام", "أنصح به بشدة", "لا شيء", "ممتاز"]);
  });
});

describe("themes: Turkish", () => {
  it("reads suffixes after a stem", () => {
    expectThemes("tr", [
      ["kargo", ["delivery"]],
      ["kargom hâlâ gelmedi", ["delivery"]],
      ["Kargoda kayboldu, kargonun takibi yok", ["delivery"]],
      ["Fiyatı çok pahalı", ["price"]],
      ["Ürünün kalitesi çok kötü", ["quality"]],
      ["Müşteri hizmetlerine ulaşamadım", ["support"]],
      ["Kurye çok kabaydı", ["delivery", "staff"]],
      ["Garson çok kaba davrandı", ["staff"]],
      ["Uygulama sürekli hata veriyor", ["app"]],
      ["Kartımdan iki kez ödeme çekildi", ["payment"]],
      ["İade talebim hâlâ sonuçlanmadı", ["refund"]],
      ["Kasada yarım saat bekledik", ["wait"]],
    ]);
  });

  it("matches with and without Turkish letters and in capitals", () => {
    expectThemes("tr", [
      ["ÜRÜN KALİTESİ ÇOK KÖTÜ", ["quality"]],
      ["urun kalitesi cok kotu", ["quality"]],
      ["URUN KALITESI COK KOTU", ["quality"]],
      ["KARGO ÇOK GEÇ GELDİ", ["delivery", "wait"]],
      ["kargo cok gec geldi", ["delivery", "wait"]],
      ["Kargo'dan bahsetmiyorum bile", ["delivery"]],
    ]);
    expectThemeSet("tr", [["urun kalitesi kotu, fiyati pahali", ["quality", "price"]]]);
    expect(tagThemes("KARGO ÇOK GEÇ GELDİ", "en")).toEqual(["processes"]);
  });

  it("does not read expectations as waiting", () => {
    expectNone("tr", ["Beklediğim gibi geldi, teşekkürler", "Beklentimi karşılamadı"]);
  });

  it("tags nothing in comments about no particular theme", () => {
    expectNone("tr", [
      "Harika, teşekkürler",
      "Çok memnun kaldım, herkese tavsiye ederim",
      "Bugün aldım, çok güzel",
      "yok",
      "iyi",
      "Bir tık daha iyi olabilirdi",
    ]);
  });
});

describe("themes: mixed languages and scripts", () => {
  it("matches every language's keywords whatever the locale", () => {
    expectThemes("fa", [["delivery خیلی دیر بود", ["delivery", "wait"]]]);
    expectThemes("en", [
      ["kargo çok geç geldi but the price was ok", ["delivery", "wait", "price"]],
      ["پیک", ["delivery"]],
      ["التوصيل", ["delivery"]],
    ]);
    expectThemes("tr", [["The app is buggy", ["app"]]]);
    expectThemes("ar", [["قیمت‌ها گرونه", ["price"]]]);
  });

  it("lets the locale decide when a word means different things in two languages", () => {
    // "معطل": kept waiting in Persian, out of order in Arabic; "تحويل": delivery in Persian, a transfer in Arabic.
    expect(tagThemes("معطل شدیم", "fa")).toEqual(["processes"]);
    expect(tagThemes("الجهاز معطل", "ar")).toEqual(["product"]);
    expect(tagThemes("تحویل دیر شد", "fa")).toEqual(["processes"]);
    expect(tagThemes("تحويل المبلغ تأخر", "ar")).toEqual(["processes"]);
  });
});

const FUZZ_PIECES = [
  "kargo",
  "قیمت‌ها",
  "والتوصيل",
  "delivery",
  "\u200c",
  "\u0307",
  "İI",
  "'",
  "ـــ",
  "👍🏽",
  "🇮🇷",
  "on hold",
  "can't wait",
  "پس",
  "ال",
  "*",
  "~",
  "\ud800",
  "  ",
];

function randomText(rand: () => number): string {
  let out = "";
  const parts = Math.floor(rand() * 12);
  for (let i = 0; i < parts; i++) {
    if (rand() < 0.5) out += FUZZ_PIECES[Math.floor(rand() * FUZZ_PIECES.length)] ?? "";
    else out += String.fromCharCode(Math.floor(rand() * 0x10000));
  }
  return out;
}

describe("themes: robustness", () => {
  it("returns [] for empty, blank, emoji-only and punctuation-only text", () => {
    for (const locale of LOCALES) {
      for (const text of ["", " \n\t ", "🙂👍", "✈️🧳🔥🔥🔥", "!!!???", ":)", "۱۲۳"]) {
        expect(tagThemes(text, locale)).toEqual([]);
      }
    }
  });

  it("never throws and returns known, distinct themes on fuzzed input", () => {
    const rand = prng(7);
    for (let i = 0; i < 3000; i++) {
      const themes = tagThemes(randomText(rand), LOCALES[i % LOCALES.length] ?? "en");
      for (const t of themes) expect(THEMES).toContain(t);
      expect(new Set(themes).size).toBe(themes.length);
    }
  });

  it("does not throw on values a caller should not pass", () => {
    expect(tagThemes(undefined as unknown as string, "en")).toEqual([]);
    expect(tagThemes(42 as unknown as string, "fa")).toEqual([]);
    expect(tagThemes("the delivery was late", "xx" as Locale)).toEqual(["processes"]);
  });

  it("stays bounded on a 100 kB comment", () => {
    const huge = `${"the courier was late again ".repeat(2000)}${"x".repeat(50_000)}`;
    expect(huge.length).toBeGreaterThan(100_000);
    // Its speed is measured by npm run bench (section "text analysis").
    const themes = tagThemes(huge, "en");
    expect(themes).toEqual(["processes"]);
  });
});

describe("theme labels", () => {
  it("has a non-empty label for every theme in every locale, distinct within a locale", () => {
    for (const locale of LOCALES) {
      const labels = THEMES.map((t) => themeLabel(t, locale));
      for (const label of labels) expect(label.trim().length).toBeGreaterThan(0);
      expect(new Set(labels).size).toBe(THEMES.length);
    }
  });

  it("writes labels in the locale's own script", () => {
    for (const theme of THEMES) {
      expect(themeLabel(theme, "fa")).toMatch(/^[\u0600-\u06FF\u200C ]+$/);
      expect(themeLabel(theme, "ar")).toMatch(/^[\u0600-\u06FF ]+$/);
      expect(themeLabel(theme, "en")).toMatch(/^[A-Za-z& ]+$/);
      expect(themeLabel(theme, "tr")).toMatch(/^[A-Za-zÇĞİÖŞÜçğıöşü ]+$/);
    }
    expect(themeLabel("processes", "tr")).toBe("Süreçler");
    expect(themeLabel("product", "ar")).toBe("المنتج");
  });

  it("falls back to English for an unknown locale", () => {
    expect(themeLabel("price", "xx" as Locale)).toBe("Price");
  });
});
