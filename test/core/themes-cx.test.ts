import { describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import { type Theme, tagThemes } from "../../core/themes/themes.ts";

/** Hand-written comments from several CX domains (retail, food, hotels, telecom, banking, software). */
type Case = readonly [string, readonly Theme[]];

function expectExactly(locale: Locale, cases: readonly Case[]): void {
  for (const [text, want] of cases)
    expect({ text, themes: [...tagThemes(text, locale)].sort() }).toEqual({ text, themes: [...want].sort() });
}

function expectIncludes(locale: Locale, theme: Theme, texts: readonly string[]): void {
  for (const text of texts)
    expect({ text, themes: tagThemes(text, locale) }).toEqual({
      text,
      themes: expect.arrayContaining([theme]),
    });
}

function expectLacks(locale: Locale, theme: Theme, texts: readonly string[]): void {
  for (const text of texts)
    expect({ text, has: tagThemes(text, locale).includes(theme) }).toEqual({ text, has: false });
}

describe("themes: communications (being informed)", () => {
  it("finds missing information and status updates", () => {
    expectIncludes("en", "communications", [
      "No one told us the pool was closed for repairs",
      "I was never notified that my plan would change",
      "They changed the terms without notice",
      "The status hasn't been updated since Monday",
      "We were kept in the dark for a week",
      "The setup instructions are confusing and unclear",
      "Still haven't heard back about my claim",
    ]);
    expectIncludes("fa", "communications", [
      "هیچکس به ما خبر نداد که استخر تعطیله",
      "راهنمای نصب گنگ و مبهم بود",
      "اطلاعات اشتباه به من دادند",
    ]);
    expectIncludes("ar", "communications", [
      "محد قال لنا إن المسبح مقفل",
      "التعليمات مو واضحة أبد",
      "غيروا الشروط بدون إشعار",
    ]);
    expectIncludes("tr", "communications", [
      "Havuzun kapalı olduğunu kimse bize söylemedi",
      "Kurulum talimatları hiç anlaşılır değil",
      "Haber vermeden tarifemi değiştirdiler",
    ]);
  });

  it("finds praise for being kept informed", () => {
    expectIncludes("en", "communications", [
      "They kept me posted until the repair was done",
      "The nurse explained everything clearly",
    ]);
    expectIncludes("fa", "communications", ["تا آخر کار در جریان گذاشتند"]);
    expectIncludes("ar", "communications", ["كانوا يبلغونا أول بأول"]);
    expectIncludes("tr", "communications", ["Süreç boyunca beni bilgilendirdiler"]);
  });
});

describe("themes: product (judging the item itself)", () => {
  it("finds judgements of the item in every domain", () => {
    expectIncludes("en", "product", [
      "The soup was lukewarm and salty",
      "Bathroom was filthy and the towels smelled",
      "Battery drains quickly after the update",
      "The blender broke after two uses",
      "These jeans run small",
      "Love it, best purchase I made this year",
      "Terrible, don't buy it",
    ]);
    expectIncludes("fa", "product", [
      "سوپ سرد و بی‌مزه بود",
      "حمام کثیف بود و بوی بد می‌داد",
      "مانتو مطابق عکس نبود",
      "عاشقشم، بهترین خریدم بود",
    ]);
    expectIncludes("ar", "product", [
      "الشوربة باردة وما لها طعم",
      "الساعة ما تشتغل من أول يوم",
      "الفستان مطابق للصورة وجميل",
      "زبالة، لا تشترونه",
    ]);
    expectIncludes("tr", "product", [
      "Çorba soğuk ve tatsızdı",
      "Saat ikinci gün çalışmaz oldu",
      "Elbise resimdeki gibi değil",
      "Berbat, sakın almayın",
    ]);
  });

  it("reads a purchase verdict as a judgement of the product on its own", () => {
    expectExactly("en", [
      ["Don't waste your money on this", ["product"]],
      ["What a piece of junk", ["product"]],
      ["I hate this blender", ["product"]],
    ]);
    expectExactly("fa", [["نخرید، پشیمون میشید", ["product"]]]);
    expectExactly("ar", [["لا تشترونه أبدا", ["product"]]]);
    expectExactly("tr", [["Kesinlikle almayın", ["product"]]]);
  });

  it("reads Turkish words whose last consonant softens before a suffix", () => {
    expectIncludes("tr", "product", ["Kulaklığın sesi çok net", "Yemeği soğuktu"]);
  });

  it("leaves a bare verdict with nothing to judge untagged", () => {
    expectExactly("en", [
      ["I love it", []],
      ["Great, thanks", []],
    ]);
    expectExactly("tr", [["Bugün aldım, çok güzel", []]]);
  });

  it("does not read a verdict as the product when another component is named", () => {
    expectLacks("en", "product", ["Love it, the staff were amazing", "The website doesn't work at all"]);
    expectLacks("tr", "product", ["Bayıldım, personel çok ilgiliydi"]);
  });
});

describe("themes: channels and people", () => {
  it("finds the channel the customer used", () => {
    expectIncludes("en", "channels", [
      "The app logs me out every time I open it",
      "Online banking was down all weekend",
      "I couldn't log in to the portal",
    ]);
    expectIncludes("fa", "channels", ["همراه بانک باز نمیشه"]);
    expectIncludes("ar", "channels", ["الرقم الموحد مشغول دايم"]);
    expectIncludes("tr", "channels", ["Mobil bankacılık uygulaması sürekli hata veriyor"]);
  });

  it("finds staff and how they behaved", () => {
    expectIncludes("en", "people", [
      "The front desk was welcoming",
      "The agent hung up on me",
      "The concierge went above and beyond",
    ]);
    expectIncludes("fa", "people", ["پذیرش خیلی بی‌ادب بود", "مسئول شعبه با حوصله کمک کرد"]);
    expectIncludes("ar", "people", ["الموظفة سكرت الخط في وجهي", "المشرف اعتذر وساعدني"]);
    expectIncludes("tr", "people", ["Resepsiyondaki görevli çok yardımcı oldu", "Temsilci yüzüme kapattı"]);
  });

  it("does not take 'related to' in Turkish for attentive staff", () => {
    expectLacks("tr", "people", ["Siparişimle ilgili bir sorun var"]);
  });
});
