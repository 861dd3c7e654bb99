import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

/** Per language: how a customer types a low score, what they complain about, and the words on the buttons. */
const CASES: Record<
  Locale,
  {
    low: string;
    complaint: string;
    praise: string;
    yes: string;
    expect: {
      score: string;
      whyNegative: string;
      contact: string;
      thanksContact: string;
      whyPositive: string;
      thanks: string;
    };
  }
> = {
  en: {
    low: "3",
    complaint: "The delivery was late and the support agent was rude.",
    praise: "Fast delivery and friendly staff, thank you!",
    yes: "Yes",
    expect: {
      score: "How likely are you to recommend us",
      whyNegative: "what went wrong",
      contact: "get in touch",
      thanksContact: "will contact you soon",
      whyPositive: "What do you like most",
      thanks: "Thanks for sharing",
    },
  },
  fa: {
    low: "۳",
    complaint: "ارسال خیلی دیر بود و پشتیبانی اصلاً جواب نداد، واقعاً ناراضی‌ام.",
    praise: "ارسال سریع بود و برخورد پشتیبانی عالی بود، ممنون!",
    yes: "بله",
    expect: {
      score: "معرفی کنید",
      whyNegative: "نارضایتی",
      contact: "تماس بگیرد",
      thanksContact: "تماس می‌گیرد",
      whyPositive: "می‌پسندید",
      thanks: "ممنون که نظرتان",
    },
  },
  ar: {
    low: "٣",
    complaint: "التوصيل تأخر كثيرا وخدمة العملاء سيئة جدا.",
    praise: "التوصيل سريع والموظفون رائعون، شكرا لكم!",
    yes: "نعم",
    expect: {
      score: "توصي بنا",
      whyNegative: "لم يكن على ما يرام",
      contact: "يتواصل معك",
      thanksContact: "سيتواصل معك",
      whyPositive: "يعجبك",
      thanks: "شكرًا لك على مشاركة",
    },
  },
  tr: {
    low: "üç",
    complaint: "Kargo çok geç geldi ve müşteri hizmetleri hiç yardımcı olmadı, memnun değilim.",
    praise: "Hızlı teslimat ve güler yüzlü personel, çok teşekkürler!",
    yes: "Evet",
    expect: {
      score: "tavsiye etme",
      whyNegative: "yolunda gitmediğini",
      contact: "iletişime geçmesini",
      thanksContact: "iletişime geçecek",
      whyPositive: "en çok neyi",
      thanks: "Geri bildiriminiz için",
    },
  },
};

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe.each(Object.entries(CASES) as [Locale, (typeof CASES)[Locale]][])(
  "NPS survey in %s",
  (locale, c) => {
    it("a detractor with a negative comment is offered contact, and an alert is due", async () => {
      const r = new FakeRespondent(h.service, `detractor-${locale}`);
      await r.start("nps", { locale, reference: "order-42" });
      expect(r.lastTexts.join("\n")).toContain(c.expect.score);
      expect(r.last?.messages.at(-1)?.rtl).toBe(locale === "fa" || locale === "ar");

      await r.send(c.low);
      expect(r.last?.answered?.stepId).toBe("score");
      expect(r.lastTexts.join("\n")).toContain(c.expect.whyNegative);

      await r.send(c.complaint);
      expect(r.lastTexts.join("\n")).toContain(c.expect.contact);

      await r.press(c.yes);
      expect(r.lastTexts.join("\n")).toContain(c.expect.thanksContact);
      expect(r.last?.messages.at(-1)?.kind).toBe("end");

      const conversationId = r.last?.conversationId ?? "";
      const archived = await h.stores.responses.get(conversationId);
      expect(archived?.state.status).toBe("completed");
      expect(archived?.state.reference).toBe("order-42");
      expect(archived?.state.answers.map((a) => [a.stepId, a.answer.type])).toEqual([
        ["score", "rating"],
        ["why-negative", "text"],
        ["contact", "choice"],
      ]);
      const comment = archived?.state.answers[1]?.answer;
      expect(comment?.type === "text" && comment.sentiment.label).toBe("negative");
      expect(await h.stores.conversations.getActive(`console:detractor-${locale}`)).toBeNull();
      const alerts = h.events.filter((e) => e.type === "alert.due" && e.conversationId === conversationId);
      expect(alerts.map((e) => (e.type === "alert.due" ? e.alertId : ""))).toEqual([
        "detractor",
        "negative-comment-neg",
        "contact-requested",
      ]);
      expect(archived?.transcript.filter((t) => t.direction === "in").map((t) => t.text)).toEqual([
        c.low,
        c.complaint,
        `[${c.yes}]`,
      ]);
    });

    it("a promoter pressing 10 gets the positive follow-up and thanks", async () => {
      const r = new FakeRespondent(h.service, `promoter-${locale}`);
      await r.start("nps", { locale });
      await r.press(locale === "fa" ? "۱۰" : locale === "ar" ? "١٠" : "10");
      expect(r.lastTexts.join("\n")).toContain(c.expect.whyPositive);
      await r.send(c.praise);
      expect(r.lastTexts.join("\n")).toContain(c.expect.thanks);
      expect(r.last?.messages.at(-1)?.kind).toBe("end");
    });
  },
);

describe("CSAT and CES", () => {
  it("CSAT takes a face emoji and a skipped comment", async () => {
    const r = new FakeRespondent(h.service, "csat-face");
    await r.start("csat", { locale: "en" });
    await r.send("😡");
    expect(r.last?.answered).toEqual({ stepId: "score", label: "1" });
    await r.send("/skip");
    expect(r.last?.messages.at(-1)?.kind).toBe("end");
    const archived = await h.stores.responses.get(r.last?.conversationId ?? "");
    expect(archived?.state.answers.map((a) => a.answer.type)).toEqual(["rating", "skipped"]);
  });

  it("CES in Turkish, typed with a number word", async () => {
    const r = new FakeRespondent(h.service, "ces-tr", { languageTag: "tr-TR" });
    await r.start("ces");
    expect(r.last?.locale).toBe("tr");
    await r.send("yedi");
    expect(r.last?.answered?.label).toBe("7");
    await r.send("Her şey çok kolaydı, teşekkürler");
    expect(r.last?.messages.at(-1)?.kind).toBe("end");
  });
});
