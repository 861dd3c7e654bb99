import { describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import type { SentimentLabel } from "../../core/sentiment/types.ts";

// Unit tests of specific behaviours (issue 12), one sentence per kind and language. They show that a
// rule exists, not how accurate the analyzer is: that is measured by scripts/eval-sentiment.ts.

const analyzer = createRuleBasedSentimentAnalyzer();

function expectLabels(locale: Locale, cases: readonly (readonly [string, SentimentLabel])[]): void {
  for (const [text, want] of cases) {
    expect({ text, label: analyzer.analyze(text, locale).label }).toEqual({ text, label: want });
  }
}

describe("complaints told as events, with no sentiment word", () => {
  it("en", () => {
    expectLabels("en", [
      ["support didn't answer", "negative"],
      ["the app keeps crashing", "negative"],
      ["the order arrived cold", "negative"],
      ["I won't buy from you again", "negative"],
      ["still waiting for my refund", "negative"],
      ["nobody called back", "negative"],
      ["charged twice", "negative"],
      ["I had to call them 5 times", "negative"],
      ["I can't log in to the app", "negative"],
      ["the charger stopped working after a week", "negative"],
      ["the food came out cold", "negative"],
      ["found a hair in my soup", "negative"],
      ["they got my order wrong", "negative"],
      ["no hot water in the room", "negative"],
    ]);
  });

  it("fa", () => {
    expectLabels("fa", [
      ["پشتیبانی جواب ندادن", "negative"],
      ["سفارشم سرد رسید", "negative"],
      ["دیگه ازشون خرید نمی‌کنم", "negative"],
      ["هنوز منتظر بازگشت پولم هستم", "negative"],
      ["سه بار زنگ زدم کسی جواب نداد", "negative"],
      ["دوبار از حسابم کسر شد", "negative"],
      ["برنامه مدام هنگ می‌کنه", "negative"],
      ["اپلیکیشن کار نمی‌کنه", "negative"],
      ["مو توی غذام بود", "negative"],
      ["اتاق آب گرم نداشت", "negative"],
    ]);
  });

  it("ar", () => {
    expectLabels("ar", [
      ["ما ردوا علي", "negative"],
      ["الطلب وصل بارد", "negative"],
      ["للحين انتظر المبلغ", "negative"],
      ["لن اتعامل معهم مرة أخرى", "negative"],
      ["التطبيق ما يشتغل", "negative"],
      ["اتصلت عشر مرات", "negative"],
      ["انسحب المبلغ مرتين", "negative"],
      ["لم استلم الطلب", "negative"],
      ["لقيت شعره في الاكل", "negative"],
      ["الطلب جا غلط", "negative"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["destek cevap vermedi", "negative"],
      ["uygulama sürekli çöküyor", "negative"],
      ["sipariş soğuk geldi", "negative"],
      ["bir daha asla almam", "negative"],
      ["hala iade bekliyorum", "negative"],
      ["kimse geri dönmedi", "negative"],
      ["iki kez ücret çekildi", "negative"],
      ["yemekten saç çıktı", "negative"],
      ["odada sıcak su yoktu", "negative"],
    ]);
  });

  it("a service that is down", () => {
    expectLabels("en", [["the website is down again", "negative"]]);
    expectLabels("fa", [["سایت بالا نمیاد", "negative"]]);
    expectLabels("ar", [["التطبيق واقف من امس", "negative"]]);
    expectLabels("tr", [["uygulama çöktü", "negative"]]);
  });

  it("does not read a denied complaint as one", () => {
    expect(analyzer.analyze("geç gelmedi", "tr").label).not.toBe("negative");
    expect(analyzer.analyze("the app keeps working fine", "en").label).not.toBe("negative");
  });
});

describe("idioms", () => {
  it("en", () => {
    expectLabels("en", [
      ["we won't go back", "negative"],
      ["don't waste your time", "negative"],
      ["decent at best", "negative"],
      ["the dessert was to die for", "positive"],
      ["zero stars", "negative"],
      ["would not recommend", "negative"],
      ["highly recommend", "positive"],
      ["I can't recommend them enough", "positive"],
      ["never disappoints", "positive"],
      ["will definitely be back", "positive"],
      ["can't wait to come back", "positive"],
    ]);
  });

  it("fa", () => {
    expectLabels("fa", [
      ["شک نکنید", "positive"],
      ["پیشنهاد نمی‌کنم", "negative"],
      ["اصلا به درد نمی‌خوره", "negative"],
      ["بار اول و آخر بود", "negative"],
    ]);
  });

  it("ar", () => {
    expectLabels("ar", [
      ["لا أنصح", "negative"],
      ["ما أنصح فيه", "negative"],
      ["ولا أنصح به", "negative"],
      ["المطعم يجنن", "positive"],
      ["خرافي", "positive"],
      ["أنصح بعدم الشراء", "negative"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["paha biçilemez", "positive"],
      ["bir daha asla", "negative"],
      ["para tuzağı", "negative"],
      ["sakın almayın", "negative"],
      ["tavsiye etmem", "negative"],
      ["gözü kapalı alın", "positive"],
    ]);
  });
});

describe("negation scope", () => {
  it("a negated negative is praise only for litotes; otherwise it merely leans positive", () => {
    for (const [locale, litotes, other] of [
      ["en", "the service was not bad", "the staff were not rude"],
      ["fa", "بد نبود", "کثیف نبود"],
      ["ar", "مو سيء", "الموظف مو وقح"],
      ["tr", "kötü değil", "kirli değil"],
    ] as const) {
      expect({ litotes, label: analyzer.analyze(litotes, locale).label }).toEqual({
        litotes,
        label: "positive",
      });
      expect({ other, label: analyzer.analyze(other, locale).label }).toEqual({ other, label: "neutral" });
    }
  });

  it("reads a denied complaint as praise", () => {
    expectLabels("en", [
      ["never had anything to complain about", "positive"],
      ["never had a problem with them", "positive"],
    ]);
    expectLabels("fa", [["هیچ مشکلی نداشت", "positive"]]);
    expectLabels("ar", [["ما واجهت اي مشكله", "positive"]]);
    expectLabels("tr", [["hiç şikayetim yok", "positive"]]);
  });

  it("carries a negation over the clause after an opinion verb (en)", () => {
    expect(analyzer.analyze("I didn't think the instructions were helpful", "en").label).toBe("negative");
  });

  it("reads negation in each language's word order", () => {
    expectLabels("fa", [["خوب نبود", "negative"]]);
    expectLabels("ar", [
      ["الخدمه مو زينه", "negative"],
      ["الاكل مش حلو", "negative"],
      ["لم يكن جيدا", "negative"],
    ]);
    expectLabels("tr", [
      ["beğenmedim", "negative"],
      ["iyi değil", "negative"],
    ]);
  });
});

describe("contrast and closing complaints", () => {
  it("the clause after the contrast decides", () => {
    expectLabels("en", [["the room was lovely but the wifi never worked", "negative"]]);
    expectLabels("fa", [["غذا خوب بود ولی پیک خیلی دیر رسید", "negative"]]);
    expectLabels("ar", [["الفندق جميل لكن الخدمه سيئه", "negative"]]);
    expectLabels("tr", [["ürün güzel ama kargo çok geç geldi", "negative"]]);
  });

  it("a bare denial after a contrast is the complaint (tr, fa)", () => {
    expect(analyzer.analyze("iyi makine ama saç için değil", "tr").label).not.toBe("positive");
  });

  it("a closing complaint outweighs earlier praise", () => {
    expectLabels("en", [["Great hotel. The shower was broken and nobody came to fix it.", "negative"]]);
  });
});

describe("thanks inside a complaint", () => {
  it("does not flip the complaint", () => {
    expectLabels("en", [["The agent was very kind, thank you, but my refund never arrived", "negative"]]);
    expectLabels("fa", [["کارمندتون خیلی مودب بود ممنون، ولی هنوز پولم برنگشته", "negative"]]);
    expectLabels("ar", [["الموظف محترم شكرا له لكن الطلب ما وصل", "negative"]]);
    expectLabels("tr", [["personel çok ilgiliydi teşekkürler ama param hala iade edilmedi", "negative"]]);
  });

  it("still counts thanks for help with a mere circumstance", () => {
    expect(analyzer.analyze("thanks for helping me with the delay", "en").label).not.toBe("negative");
  });
});

describe("decline and comparison", () => {
  it("it used to be better", () => {
    expectLabels("en", [["the food used to be great", "negative"]]);
    expectLabels("fa", [["قبلا کیفیتش خیلی بهتر بود", "negative"]]);
    expectLabels("ar", [["كان افضل من قبل", "negative"]]);
    expectLabels("tr", [["eskiden daha iyiydi", "negative"]]);
  });

  it("the competitor is better", () => {
    expectLabels("en", [["my old phone was better than this", "negative"]]);
    expectLabels("fa", [["سایر برندها بهتر هستند", "negative"]]);
    expectLabels("ar", [["توقعت افضل", "negative"]]);
    expectLabels("tr", [["daha iyisi alınabilir", "negative"]]);
  });
});

describe("sarcasm", () => {
  it("a lone word of praise after a strong complaint is irony", () => {
    expectLabels("en", [["They never came. Awesome!", "negative"]]);
    expectLabels("fa", [["سفارشم نرسید. عالیه!", "negative"]]);
    expectLabels("ar", [["الطلب ما وصل. رائع!", "negative"]]);
    expectLabels("tr", [["sipariş gelmedi. harika!", "negative"]]);
  });

  it("but not after praise or a mild remark", () => {
    expectLabels("en", [
      ["Great staff. Awesome!", "positive"],
      ["The room was fine. Awesome!", "positive"],
    ]);
  });

  it("reads sarcastic thanks and calls for improvement (en)", () => {
    expectLabels("en", [
      ["Thanks for the canned response", "negative"],
      ["the app needs serious work", "negative"],
      ["Will order from them again!", "positive"],
    ]);
  });
});

describe("Arabic dialects and superlatives", () => {
  it("reads أفعل superlatives, listed or derived from the adjective", () => {
    expectLabels("ar", [
      ["أسوأ خدمة", "negative"],
      ["أفضل فندق", "positive"],
      ["أروع تجربة", "positive"],
      ["انظف مطعم", "positive"],
      ["افشل شركه", "negative"],
    ]);
  });

  it("reads Gulf and Egyptian words", () => {
    expectLabels("ar", [
      ["خايس", "negative"],
      ["ممتاز مره", "positive"],
      ["وايد حلو", "positive"],
      ["الموظف تعبان", "negative"],
      ["المنتج مضروب", "negative"],
    ]);
  });
});

describe("spelling tolerance", () => {
  it("reads Turkish typed without its letters", () => {
    expectLabels("tr", [
      ["cok kotu", "negative"],
      ["guzel", "positive"],
      ["sakin almayin", "negative"],
      ["berbat", "negative"],
      ["rezalet", "negative"],
    ]);
  });

  it("matches a long word one inner edit away from a lexicon term, and not a short one", () => {
    expectLabels("en", [
      ["very dissapointed", "negative"],
      ["the food was exellent", "positive"],
    ]);
    expectLabels("ar", [["ممتاازه", "positive"]]);
    expect(analyzer.analyze("please call me", "en").label).toBe("neutral");
  });
});

describe("speed words and script", () => {
  it("speed beside a complaint is no praise", () => {
    expectLabels("en", [["the battery drains quickly and the case broke", "negative"]]);
    expectLabels("tr", [["çabuk ısınıyor", "negative"]]);
  });

  it("reads a Latin-script comment in an Arabic or Persian survey as English", () => {
    expect(analyzer.analyze("not good at all", "ar").label).toBe("negative");
    expect(analyzer.analyze("very bad quality", "fa").label).toBe("negative");
  });
});
