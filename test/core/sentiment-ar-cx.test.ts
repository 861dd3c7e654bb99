import { describe, expect, it } from "vitest";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import type { SentimentLabel } from "../../core/sentiment/types.ts";

// Arabic customer-experience behaviours (MSA, Gulf, Egyptian, Levantine spellings), one hand-written sentence
// per rule, across restaurants, hotels, delivery, banks, telecom, phones and apps. They show that a rule
// exists; accuracy is measured by scripts/eval-sentiment.ts.

const analyzer = createRuleBasedSentimentAnalyzer();

function expectLabels(cases: readonly (readonly [string, SentimentLabel])[]): void {
  for (const [text, want] of cases) {
    expect({ text, label: analyzer.analyze(text, "ar").label }).toEqual({ text, label: want });
  }
}

describe("Arabic complaints told as events", () => {
  it("nobody answers, nothing arrives, orders cancelled", () => {
    expectLabels([
      ["اتصلت عليهم اكثر من مره وما ردوا", "negative"],
      ["مفيش حد بيرد على التلفون", "negative"],
      ["الرد الآلي شغال وما في موظف يرد", "negative"],
      ["الموظفين ما يفهمون شي", "negative"],
      ["الغوا طلبي بدون ما يبلغوني", "negative"],
      ["الحجز انلغى بدون سبب", "negative"],
      ["عطوني طلب غير طلبي", "negative"],
      ["ما فيه اي تجاوب من الدعم", "negative"],
    ]);
  });

  it("waiting, money and billing", () => {
    expectLabels([
      ["قعدت ساعه على الخط انتظر", "negative"],
      ["انتظرنا ساعتين عشان الطاولة", "negative"],
      ["البنك خصم مني رسوم بدون سبب", "negative"],
      ["الفاتورة عالية وما استخدمت شي", "negative"],
      ["فلوسي راحت وما رجعت", "negative"],
      ["ابي فلوسي", "negative"],
    ]);
  });

  it("broken devices, flaky networks, cold food", () => {
    expectLabels([
      ["النت يقطع كل شوي", "negative"],
      ["الجوال يعلق كل شوي", "negative"],
      ["الشاشة بطلت تشتغل", "negative"],
      ["التطبيق يفشل", "negative"],
      ["القهوه وصلت بارده", "negative"],
      ["الدجاج مو مستوي", "negative"],
      ["البطارية ما تقعد", "negative"],
      ["الشاحن وقف بعد يومين", "negative"],
      ["الصراف بلع البطاقة", "negative"],
      ["سحبوا رصيدي", "negative"],
      ["لقيت صراصير بالغرفة", "negative"],
      ["ما زالت المشكلة نفسها", "negative"],
      ["التطبيق لا يدعم العربي", "negative"],
    ]);
  });
});

describe("Arabic dialect words and idioms", () => {
  it("Gulf and Egyptian complaints", () => {
    expectLabels([
      ["الاكل بايخ وماله طعم", "negative"],
      ["عفش", "negative"],
      ["الموظفين سيئين", "negative"],
      ["قلة احترام", "negative"],
      ["المطعم نظافته صفر", "negative"],
      ["مستوى الخدمة نزل وايد", "negative"],
      ["حسبي الله عليكم", "negative"],
      ["كرهت المكان", "negative"],
      ["طنشوني", "negative"],
      ["ما عبروني", "negative"],
      ["الله لا يوفقكم", "negative"],
      ["شكرا على ولا شي", "negative"],
      ["الاكل ما كان على المستوى", "negative"],
      ["غيرهم احسن منهم بوايد", "negative"],
      ["الكمية قليلة مره", "negative"],
      ["طلبت شي وجاني شي ثاني", "negative"],
      ["الشقة غير عن الصور", "negative"],
      ["الطلب وصل بعد ساعتين", "negative"],
      ["صار لنا ساعتين وما وصل الطلب", "negative"],
      ["الغرفة ما كانت جاهزة ووقفنا ساعتين بالاستقبال", "negative"],
    ]);
  });

  it("warnings and never-again", () => {
    expectLabels([
      ["لا تضيعون وقتكم", "negative"],
      ["لا تتعاملون معهم", "negative"],
      ["ضيعوا علي الموعد", "negative"],
      ["اول واخر مره", "negative"],
      ["مش راح ارجع لهم", "negative"],
      ["ياريتني ما حجزت عندهم", "negative"],
      ["صفر نجوم", "negative"],
      ["قمة الاهمال", "negative"],
    ]);
  });

  it("praise", () => {
    expectLabels([
      ["خمس نجوم", "positive"],
      ["عشرة على عشرة", "positive"],
      ["اكيد بكرر التجربه", "positive"],
      ["خدمه ولا اروع", "positive"],
      ["ما في احلى منه", "positive"],
      ["موظفين قمه في الاخلاق", "positive"],
      ["الاكل جامد", "positive"],
      ["ابدعتوا", "positive"],
      ["الطعم خيال", "positive"],
      ["وصل الطلب قبل الموعد", "positive"],
      ["ما واجهنا اي مشاكل مع البنك", "positive"],
      ["ما كان فيه اي تأخير", "positive"],
      ["ما تأخروا علينا", "positive"],
      ["جربتهم وما خابوا ظني", "positive"],
      ["الاطلالة تجنن", "positive"],
      ["صعب تستغني عنه", "positive"],
      ["وصل سليم", "positive"],
      ["الموظف ساعدني وحل المشكلة", "positive"],
      ["البطارية تقعد يومين", "positive"],
      ["ما شفت زيهم", "positive"],
      ["الموظفين قمة في التعامل", "positive"],
    ]);
  });
});

describe("Arabic negation scope", () => {
  it("a negator reaches its own term, not praise after a new start", () => {
    expectLabels([
      ["مو سيء ابدا بالعكس ممتاز", "positive"],
      ["ما عجبني الاكل ابدا", "negative"],
      ["ما اشتغل بعد التحديث", "negative"],
      ["ما بكرر التجربه", "negative"],
      ["مش بطال", "positive"],
      ["ما زال ممتاز بعد سنة", "positive"],
      ["وانا ما طولت معي البطارية", "negative"],
    ]);
  });

  it("a small price remark does not sink praise", () => {
    expectLabels([["الاكل لذيذ والمكان حلو بس غالي شوي", "positive"]]);
  });
});
