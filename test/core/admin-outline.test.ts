import { describe, expect, it } from "vitest";
import { setAlertRules, setRoute } from "../../core/admin/edit.ts";
import { outlineFlow } from "../../core/admin/outline.ts";
import type { FlowDefinition, Step } from "../../core/flow/schema.ts";
import { LOCALES, type Locale } from "../../core/locale.ts";
import { flowFrom, shippedFlow } from "../helpers/flows.ts";

const promptOf = (def: FlowDefinition, locale: Locale): string => {
  const score = def.steps[0] as Extract<Step, { type: "rating" }>;
  const text = score.prompt[locale];
  if (text === undefined) throw new Error("no prompt");
  return text;
};

const DIGITS: Record<Locale, string> = {
  en: "0123456789",
  tr: "0123456789",
  fa: "۰۱۲۳۴۵۶۷۸۹",
  ar: "٠١٢٣٤٥٦٧٨٩",
};

/** Digits of every numeral system but the locale's own. */
const FOREIGN_DIGITS: Record<Locale, RegExp> = {
  en: /[۰-۹٠-٩]/,
  tr: /[۰-۹٠-٩]/,
  fa: /[0-9٠-٩]/,
  ar: /[0-9۰-۹]/,
};

/** What the NPS outline says in each language: the scale, a step header, a rule, an alert. */
const EXPECTED: Record<Locale, readonly string[]> = {
  en: [
    "Net Promoter Score (NPS) — nps",
    "Steps",
    "1. score — rating, NPS 0–10",
    "   scale ends: 0 = Not at all likely, 10 = Extremely likely",
    "   → follow-up by sentiment: why-negative (negative), why-neutral (neutral), why-positive (positive)",
    "   → otherwise, goes to why-neutral",
    "5. contact — choice, sentiment: negative",
    "   • yes: Yes",
    "   → if the answer is “Yes”, goes to thanks-contact",
    "7. thanks — end",
    "Alerts",
    "• detractor: if score ≤ 6 at step score — not routed",
    "• negative-comment-neu: if sentiment is negative at step why-neutral — not routed",
  ],
  fa: [
    "شاخص خالص مروجان (NPS) — nps",
    "مراحل",
    "۱. score — امتیازدهی، NPS ۰ تا ۱۰",
    "   دو سر طیف: ۰ = اصلاً احتمال ندارد، ۱۰ = به‌احتمال بسیار زیاد",
    "   ← وگرنه به why-neutral می‌رود",
    "۵. contact — چندگزینه‌ای، احساس: منفی",
    "   • yes: بله",
    "   ← اگر پاسخ «بله» باشد، به thanks-contact می‌رود",
    "هشدارها",
    "• detractor: اگر در مرحلهٔ score امتیاز ۶ یا کمتر باشد — مقصدی برایش تعیین نشده",
    "• negative-comment-neg: اگر در مرحلهٔ why-negative احساس منفی باشد — مقصدی برایش تعیین نشده",
  ],
  ar: [
    "صافي نقاط الترويج (NPS) — nps",
    "الخطوات",
    "١. score — تقييم، NPS من ٠ إلى ١٠",
    "   ← وإلا ينتقل إلى why-neutral",
    "٥. contact — اختيار من متعدد، المشاعر: سلبية",
    "   ← إذا كانت الإجابة «نعم»، ينتقل إلى thanks-contact",
    "التنبيهات",
    "• detractor: إذا كانت الدرجة ٦ أو أقل في الخطوة score — لم تُحدَّد له وجهة",
  ],
  tr: [
    "Net Tavsiye Skoru (NPS) — nps",
    "Adımlar",
    "1. score — puanlama, NPS 0–10",
    "   → aksi hâlde why-neutral adımına geçer",
    "5. contact — seçmeli, duygu: olumsuz",
    "   → yanıt “Evet” ise thanks-contact adımına geçer",
    "Uyarılar",
    "• detractor: score adımında puan 6 veya altı ise — yönlendirme tanımlı değil",
  ],
};

describe("outlineFlow", () => {
  it.each(LOCALES)("outlines nps in %s", (locale) => {
    const lines = outlineFlow(shippedFlow("nps"), locale);
    for (const line of EXPECTED[locale]) expect(lines).toContain(line);
  });

  it.each(
    LOCALES.flatMap((locale) => (["nps", "csat", "ces"] as const).map((key) => [key, locale] as const)),
  )("%s in %s: every step, the prompt in that language, numbers in its digits", (key, locale) => {
    const def = shippedFlow(key);
    const lines = outlineFlow(def, locale);
    expect(lines).toContain(`   ${promptOf(def, locale)}`);
    for (const step of def.steps) expect(lines.some((l) => l.includes(` ${step.id} — `))).toBe(true);
    expect(lines.join("\n")).not.toMatch(FOREIGN_DIGITS[locale]);
    // The step header names the scale's top score, in the locale's digits.
    const top = String({ nps: 10, csat: 5, ces: 7 }[key]);
    expect(lines[3]).toContain([...top].map((d) => DIGITS[locale][Number(d)]).join(""));
    expect(lines).toContain(
      { en: "7. thanks — end", fa: "۷. thanks — پایان", ar: "٧. thanks — نهاية", tr: "7. thanks — bitiş" }[
        locale
      ],
    );
  });

  it("says what the alert tests, in words, and where it is routed", () => {
    const def = setRoute(
      (() => {
        const r = setAlertRules(shippedFlow("csat"), [
          { kind: "min", value: 1 },
          { kind: "max", value: 2 },
          { kind: "theme", value: "delivery" },
          { kind: "sentiment", value: "negative" },
          { kind: "sentiment", value: "neutral" },
        ]);
        if (!r.ok) throw new Error(r.error.reason);
        return r.value;
      })(),
      "cx-alerts",
    );
    const expected: Record<Locale, readonly string[]> = {
      en: [
        "• score-alert: if score is 1–2 at step score — routed to cx-alerts",
        "• comment-why-negative: if sentiment is negative or neutral and theme is processes at step why-negative — routed to cx-alerts",
      ],
      fa: [
        "• score-alert: اگر در مرحلهٔ score امتیاز بین ۱ و ۲ باشد — به cx-alerts فرستاده می‌شود",
        "• comment-why-negative: اگر در مرحلهٔ why-negative احساس منفی یا خنثی و موضوع فرایندها باشد — به cx-alerts فرستاده می‌شود",
      ],
      ar: [
        "• score-alert: إذا كانت الدرجة بين ١ و٢ في الخطوة score — يُوجَّه إلى cx-alerts",
        "• comment-why-negative: إذا كانت المشاعر سلبية أو محايدة وكان الموضوع الإجراءات في الخطوة why-negative — يُوجَّه إلى cx-alerts",
      ],
      tr: [
        "• score-alert: score adımında puan 1 ile 2 arası ise — cx-alerts kanalına yönlendirilir",
        "• comment-why-negative: why-negative adımında duygu olumsuz veya nötr ve konu süreçler ise — cx-alerts kanalına yönlendirilir",
      ],
    };
    for (const locale of LOCALES) {
      const lines = outlineFlow(def, locale);
      for (const line of expected[locale]) expect(lines).toContain(line);
    }
  });

  it("shows a missing translation from the fallback chain, marked; plain next and conditions on earlier steps", () => {
    const def = flowFrom(`key: mini
title: { en: Mini, fa: کوچک }
fallback: [tr, en]
steps:
  - id: rate
    type: rating
    scale: custom
    min: 1
    max: 4
    optional: false
    prompt: { en: "Rate us", tr: "Bizi puanlayın" }
  - id: pick
    type: choice
    multiple: true
    prompt: { en: "Pick\\nall that apply" }
    options: [{ id: a, label: { en: A } }]
    next:
      - { goto: sorry, when: { step: rate, max: 2 } }
  - { id: note, type: message, text: { en: Noted }, next: bye }
  - { id: sorry, type: message, text: { en: Sorry } }
  - { id: bye, type: end, text: { en: Bye } }
`);
    expect(outlineFlow(def, "fa")).toEqual([
      "کوچک — mini",
      "",
      "مراحل",
      "۱. rate — امتیازدهی، مقیاس سفارشی ۱ تا ۴، اجباری",
      "   Bizi puanlayın (ترجمه نشده؛ به زبان tr)",
      "   ← به pick می‌رود",
      "۲. pick — چندگزینه‌ای، امکان انتخاب چند گزینه",
      "   Pick",
      "   all that apply (ترجمه نشده؛ به زبان en)",
      "   • a: A (ترجمه نشده؛ به زبان en)",
      "   ← اگر در مرحلهٔ rate امتیاز ۲ یا کمتر باشد، به sorry می‌رود",
      "   ← وگرنه به note می‌رود",
      "۳. note — پیام",
      "   Noted (ترجمه نشده؛ به زبان en)",
      "   ← به bye می‌رود",
      "۴. sorry — پیام",
      "   Sorry (ترجمه نشده؛ به زبان en)",
      "   ← به bye می‌رود",
      "۵. bye — پایان",
      "   Bye (ترجمه نشده؛ به زبان en)",
      "",
      "هشدارها",
      "هیچ هشداری تعریف نشده است.",
    ]);
    expect(outlineFlow(def, "en")).toContain("   → if score ≤ 2 at step rate, goes to sorry");
  });
});
