import { describe, expect, it } from "vitest";
import { applyInput, startConversation } from "../../core/engine/engine.ts";
import { parseFlowSource } from "../../core/flow/load.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { Locale } from "../../core/locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import {
  componentOf,
  SUB_THEME_COMPONENT,
  SUB_THEMES,
  splitClauses,
  THEMES,
  type Theme,
  tagThemes,
  tagThemesDetailed,
} from "../../core/themes/themes.ts";

/** Hand-written comments per component and language: behaviour checks, not a measure of accuracy. */
const CASES: Readonly<Record<Theme, Readonly<Record<Locale, readonly string[]>>>> = {
  communications: {
    en: [
      "Nobody informed me that my booking was cancelled",
      "I never got a notification or an email about the change",
      "No updates at all, I was kept in the dark",
    ],
    fa: [
      "هیچ اطلاع‌رسانی نکردید که سفارش لغو شده",
      "پیامک وضعیت سفارش هیچ‌وقت نیومد",
      "توضیحات بانک شفاف نبود",
    ],
    ar: ["ما أحد أبلغني بتغيير الموعد", "لم تصلني أي رسالة أو إشعار", "التواصل مع الشركة سيء"],
    tr: [
      "Siparişim hakkında hiçbir bilgilendirme yapılmadı",
      "Bildirim ve SMS gelmedi",
      "İletişim çok zayıf",
    ],
  },
  product: {
    en: [
      "The phone is great",
      "The shirt doesn't fit",
      "Poor quality, it broke after a week",
      "The charger doesn't work",
      "The food was fresh and delicious",
    ],
    fa: ["کیفیت محصول عالی بود", "گوشی خیلی خوبه", "غذا بدمزه بود", "کفش اندازه نبود"],
    ar: ["المنتج ممتاز", "الجوال رائع", "جودة القميص سيئة", "الجهاز معطل"],
    tr: ["Ürün kaliteli", "Telefon harika", "Ayakkabı küçük geldi", "Yemek bayattı"],
  },
  processes: {
    en: [
      "My parcel arrived a week late",
      "The refund took a month",
      "Too much paperwork just to open an account",
      "We waited an hour in the queue",
    ],
    fa: ["سفارشم یک هفته دیر رسید", "مرجوعی کالا خیلی طول کشید", "کاغذبازی برای افتتاح حساب زیاد بود"],
    ar: ["التوصيل تأخر أسبوع", "طلبت استرجاع المبلغ من شهر", "الإجراءات معقدة جدا"],
    tr: ["Kargo çok geç geldi", "İade süreci çok uzun sürdü", "Evrak işleri bitmek bilmedi"],
  },
  channels: {
    en: ["The website is confusing", "The branch was closed on Saturday", "The app keeps crashing"],
    fa: ["سایت مدام قطع می‌شود", "شعبه خیلی شلوغ بود", "اپلیکیشن باز نمیشه"],
    ar: ["التطبيق يعلق كثير", "الفرع مزدحم دائما", "الموقع الإلكتروني لا يفتح"],
    tr: ["Şube çok kalabalıktı", "Uygulama açılmıyor", "Web sitesi çok karışık"],
  },
  people: {
    en: ["The cashier was very rude", "The support agent was really helpful"],
    fa: ["کارمند خیلی بداخلاق بود", "پشتیبانی جواب نداد"],
    ar: ["الموظف كان محترم جدا", "خدمة العملاء ما ردوا"],
    tr: ["Personel çok ilgiliydi", "Müşteri hizmetlerine ulaşamadım"],
  },
  price: {
    en: ["Way too expensive for what you get"],
    fa: ["خیلی گرونه"],
    ar: ["السعر غالي"],
    tr: ["Fiyatı çok yüksek"],
  },
};

describe("themes: the six CX components", () => {
  for (const theme of THEMES) {
    for (const [locale, texts] of Object.entries(CASES[theme]) as [Locale, readonly string[]][]) {
      it(`tags ${theme} in ${locale}`, () => {
        for (const text of texts)
          expect({ text, themes: tagThemes(text, locale) }).toEqual({
            text,
            themes: expect.arrayContaining([theme]),
          });
      });
    }
  }

  it("is multi-label", () => {
    expect(
      [...tagThemes("The pizza was great, but the delivery was late and the driver was rude", "en")].sort(),
    ).toEqual(["people", "processes", "product"]);
  });

  it("does not read a judgement of something else as one of the product", () => {
    expect(tagThemes("The staff were great", "en")).toEqual(["people"]);
    expect(tagThemes("Great, thanks", "en")).toEqual([]);
  });

  it("maps every sub-theme and older theme name to its component", () => {
    for (const sub of SUB_THEMES) expect(componentOf(sub)).toBe(SUB_THEME_COMPONENT[sub]);
    for (const theme of THEMES) expect(componentOf(theme)).toBe(theme);
    expect(componentOf("delivery")).toBe("processes");
    expect(componentOf("quality")).toBe("product");
    expect(componentOf("support")).toBe("people");
    expect(componentOf("app")).toBe("channels");
    expect(componentOf("weather")).toBeUndefined();
  });
});

describe("tagThemesDetailed: each component with its own clause's sentiment", () => {
  it("splits clauses at sentence punctuation and contrast words in every language", () => {
    expect(splitClauses("Good food. But slow service!")).toEqual(["Good food", "slow service"]);
    expect(splitClauses("Ürün güzel ama kargo geç")).toEqual(["Ürün güzel", "kargo geç"]);
    expect(splitClauses("غذا خوب بود ولی دیر رسید")).toEqual(["غذا خوب بود", "دیر رسید"]);
    expect(splitClauses("المنتج ممتاز لكن التوصيل متأخر")).toEqual(["المنتج ممتاز", "التوصيل متأخر"]);
    expect(splitClauses("Bamako")).toEqual(["Bamako"]);
  });

  it("gives a mixed comment one sentiment per component", () => {
    const detailed = tagThemesDetailed("The food was delicious but the waiter was rude", "en");
    expect(detailed).toContainEqual({ theme: "product", subThemes: ["quality"], sentiment: "positive" });
    expect(detailed).toContainEqual({ theme: "people", subThemes: ["staff"], sentiment: "negative" });
    const tr = tagThemesDetailed("Ürün çok güzel ama kargo çok geç geldi", "tr");
    expect(tr.find((m) => m.theme === "product")?.sentiment).toBe("positive");
    expect(tr.find((m) => m.theme === "processes")?.sentiment).toBe("negative");
  });

  it("lists the same components as tagThemes, in the same order", () => {
    for (const text of ["Shipping took forever and support never answered", "Great phone, fair price"])
      expect(tagThemesDetailed(text, "en").map((m) => m.theme)).toEqual([...tagThemes(text, "en")]);
    expect(tagThemesDetailed("", "en")).toEqual([]);
    expect(tagThemesDetailed("hello", "en")).toEqual([]);
  });
});

describe("older theme names in flows", () => {
  const flow = ((): Flow => {
    const parsed = parseFlowSource(
      `
key: legacy
title: { en: Legacy }
alerts:
  - id: delivery-complaint
    when: { step: why, theme: [delivery, wait] }
steps:
  - id: why
    type: text
    prompt: { en: What happened? }
    next:
      - { goto: bye-delivery, when: { theme: delivery } }
      - { goto: bye }
  - id: bye
    type: end
    text: { en: Thanks. }
  - id: bye-delivery
    type: end
    text: { en: We will look into the delivery. }
`,
      "legacy.yaml",
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    return { ...parsed.value, version: 1 };
  })();
  const analyzer = createRuleBasedSentimentAnalyzer();
  const now = new Date("2026-11-24T10:00:00Z");
  const answer = (text: string) =>
    applyInput(
      flow,
      startConversation(
        flow,
        { id: "c1", respondent: { channel: "console", userId: "u1" }, locale: "en" },
        now,
      ).state,
      { type: "text", text },
      { analyzer, now },
    );

  it("loads `theme: delivery` as the processes component", () => {
    expect(flow.alerts[0]?.when.theme).toEqual(["processes"]);
  });

  it("fires on a delivery complaint, and not on a comment about something else", () => {
    const late = answer("The courier delivered my parcel a week late");
    expect(late.messages.map((m) => m.text)).toContain("We will look into the delivery.");
    expect(late.events.map((e) => e.type)).toContain("alert.due");
    const other = answer("The staff were lovely");
    expect(other.messages.map((m) => m.text)).toContain("Thanks.");
    expect(other.events.map((e) => e.type)).not.toContain("alert.due");
  });

  it("rejects a name no version knew", () => {
    const parsed = parseFlowSource(
      "key: x\ntitle: { en: X }\nsteps:\n  - id: why\n    type: text\n    prompt: { en: Why? }\n    next: [{ goto: bye, when: { theme: weather } }, { goto: bye }]\n  - id: bye\n    type: end\n    text: { en: Bye. }\n",
      "x.yaml",
    );
    expect(parsed.ok).toBe(false);
  });
});
