import { describe, expect, it } from "vitest";
import type { Locale } from "../../core/locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import type { SentimentLabel } from "../../core/sentiment/types.ts";

// Persian and Turkish customer-experience behaviours, one hand-written sentence per case across domains
// (restaurants, hotels, phones, delivery, banks, telecom, apps). They show that a rule exists; accuracy is
// measured by scripts/eval-sentiment.ts.

const analyzer = createRuleBasedSentimentAnalyzer();

function expectLabels(locale: Locale, cases: readonly (readonly [string, SentimentLabel])[]): void {
  for (const [text, want] of cases) {
    expect({ text, label: analyzer.analyze(text, locale).label }).toEqual({ text, label: want });
  }
}

describe("Persian complaints told as events", () => {
  it("service that does not answer or act", () => {
    expectLabels("fa", [
      ["پشتیبانی پاسخگو نیست", "negative"],
      ["هر چی زنگ زدم کسی جواب نداد", "negative"],
      ["تیکت زدم هیچ جوابی ندادن", "negative"],
      ["کسی تلفن رو برنمیداره", "negative"],
      ["نیم ساعت پشت خط موندم", "negative"],
      ["به درخواستم رسیدگی نشد", "negative"],
      ["اصلا به مشتری اهمیت نمیدن", "negative"],
      ["پشتیبانی هیچ کمکی نکرد", "negative"],
      ["تا حالا چند بار تیکت زدم فایده نداشت", "negative"],
      ["گارانتی قبول نکرد", "negative"],
    ]);
  });

  it("orders, delivery and money", () => {
    expectLabels("fa", [
      ["غذا سرد رسید", "negative"],
      ["پیک یک ساعت دیر رسید", "negative"],
      ["سفارشمو بدون اطلاع لغو کردن", "negative"],
      ["پیامک تایید نمیاد", "negative"],
      ["سه هفته است که منتظرم", "negative"],
      ["هنوز منتظرم", "negative"],
      ["دوبار پول از حسابم کم شد و هنوز برنگشته", "negative"],
      ["هنوز پولمو پس ندادن", "negative"],
      ["پول اضافه از من گرفتن", "negative"],
      ["کالا با عکسش فرق داشت", "negative"],
      ["شارژر اصلی نبود", "negative"],
    ]);
  });

  it("devices, apps and telecom", () => {
    expectLabels("fa", [
      ["اینترنتم هر شب قطع میشه", "negative"],
      ["آنتن نمیده", "negative"],
      ["سرعت اینترنت خیلی پایینه", "negative"],
      ["گوشی بعد از دو هفته خراب شد", "negative"],
      ["باتری گوشی زود خالی میشه", "negative"],
      ["گوشی داغ میکنه", "negative"],
      ["نمیتونم وارد حسابم بشم", "negative"],
      ["اپلیکیشن همش میپره بیرون", "negative"],
      ["عابر بانک کارتمو خورد", "negative"],
    ]);
  });

  it("colloquial complaints, never-again and idioms", () => {
    expectLabels("fa", [
      ["افتضاح بود", "negative"],
      ["خیلی داغونه", "negative"],
      ["اصلا راضی نیستم", "negative"],
      ["پشیمونم که خریدم", "negative"],
      ["پولتونو دور نریزید", "negative"],
      ["دیگه نمیخرم", "negative"],
      ["دیگه هیچوقت با این شرکت سفر نمیکنم", "negative"],
      ["آخرین باریه که از اینجا خرید میکنم", "negative"],
      ["خیلی گرونه و ارزششو نداره", "negative"],
      ["بی‌کیفیت بود", "negative"],
      ["بیکیفیت بود", "negative"],
      ["پاسخگویی صفر", "negative"],
      ["سرمون کلاه گذاشتن", "negative"],
      ["اعصابمو خورد کردن", "negative"],
      ["خسته‌م کردن", "negative"],
      ["کارمند باجه خیلی بداخلاق بود", "negative"],
    ]);
  });
});

describe("Persian praise", () => {
  it("colloquial praise and recommendations", () => {
    expectLabels("fa", [
      ["عالیه", "positive"],
      ["محشره", "positive"],
      ["دمتون گرم", "positive"],
      ["دست مریزاد", "positive"],
      ["شک نکنید بخرید", "positive"],
      ["بی نظیره", "positive"],
      ["هر چی بگم کمه", "positive"],
      ["واقعا کارشون درسته", "positive"],
      ["خیلی خوش گذشت", "positive"],
      ["کارمندا خیلی مهربون بودن", "positive"],
    ]);
  });

  it("praise told as events, and coming back", () => {
    expectLabels("fa", [
      ["پشتیبانی سریع جواب داد و مشکلم حل شد", "positive"],
      ["اولش مشکل داشت ولی پشتیبانی سریع حلش کرد", "positive"],
      ["با اینکه شلوغ بود سریع سرویس دادن", "positive"],
      ["باز هم ازشون خرید میکنم", "positive"],
      ["حتما دوباره سفارش میدم", "positive"],
      ["دقیقا مطابق عکس بود", "positive"],
      ["ارزشش رو داره", "positive"],
    ]);
  });

  it("negated negatives and negated complaints are praise", () => {
    expectLabels("fa", [
      ["هیچ مشکلی نداشت", "positive"],
      ["چیزی کم نداشت", "positive"],
      ["نمیشه ازش ایراد گرفت", "positive"],
      ["اصلا پشیمون نیستم", "positive"],
      ["بد نبود", "positive"],
    ]);
  });
});

describe("Turkish complaints told as events", () => {
  it("service, money and delivery", () => {
    expectLabels("tr", [
      ["müşteri hizmetleri cevap vermediler", "negative"],
      ["kimse dönmedi", "negative"],
      ["hala bekliyorum", "negative"],
      ["siparişimi iptal ettiler", "negative"],
      ["kartımdan iki kere çekildi", "negative"],
      ["şikayet ettim sonuç yok", "negative"],
      ["para iadesi yapılmadı", "negative"],
      ["kargo 10 gündür yolda", "negative"],
      ["telefonu yüzüme kapattılar", "negative"],
      ["bankamatik kartımı yuttu", "negative"],
      ["hesapta fazladan ürün yazmışlar", "negative"],
    ]);
  });

  it("restaurants, hotels and devices", () => {
    expectLabels("tr", [
      ["yemek soğuk geldi", "negative"],
      ["kargo geç geldi", "negative"],
      ["ürün bozuk çıktı", "negative"],
      ["otel odası çok kirliydi", "negative"],
      ["otel odasında havlu yoktu", "negative"],
      ["gürültüden uyuyamadık", "negative"],
      ["porsiyonlar çok küçüktü", "negative"],
      ["fiyatlar çok yüksek", "negative"],
      ["internet hızı çok düşük", "negative"],
      ["hizmet sıfır", "negative"],
      ["bu ne biçim hizmet", "negative"],
      ["pizza hamur gibiydi", "negative"],
    ]);
  });

  it("idioms, with and without Turkish letters", () => {
    expectLabels("tr", [
      ["param çöpe gitti", "negative"],
      ["bir daha asla", "negative"],
      ["tavsiye etmiyorum", "negative"],
      ["sakın almayın", "negative"],
      ["sakin almayin", "negative"],
      ["cok kotu", "negative"],
      ["begenmedim", "negative"],
      ["rezalet", "negative"],
      ["tam bir fiyasko", "negative"],
      ["dolandırıcılar", "negative"],
      ["yazıklar olsun", "negative"],
    ]);
  });
});

describe("Turkish praise", () => {
  it("idioms and misspellings", () => {
    expectLabels("tr", [
      ["paha biçilemez", "positive"],
      ["kesinlikle tavsiye ederim", "positive"],
      ["tavsiye ederm", "positive"],
      ["bayıldım", "positive"],
      ["muhteşem", "positive"],
      ["cok guzel", "positive"],
      ["cok begendim", "positive"],
    ]);
  });

  it("praise told as events, and coming back", () => {
    expectLabels("tr", [
      ["müşteri hizmetleri sorunumu hemen çözdü", "positive"],
      ["yemekler sıcak geldi", "positive"],
      ["kartım hemen geldi", "positive"],
      ["tekrar sipariş vereceğim", "positive"],
      ["bir daha kesinlikle geleceğim", "positive"],
      ["bataryası uzun gidiyor", "positive"],
      ["oda tertemizdi", "positive"],
    ]);
  });

  it("negated complaints are praise; stubble is not dirt", () => {
    expectLabels("tr", [
      ["hiç bekletmediler", "positive"],
      ["hiç sorun yaşamadım", "positive"],
      ["fena değil", "positive"],
      ["pişman değilim", "positive"],
      ["kirli sakal için çok iyi", "positive"],
    ]);
  });
});

describe("negation scope in praise built from negatives", () => {
  it("fa: a negator before a praising litotes does not flip it", () => {
    expectLabels("fa", [
      ["هیچوقت مشکلی نداشتم", "positive"],
      ["هیچ وقت ناامیدم نکردن", "positive"],
      ["پشیمون نمیشید", "positive"],
      ["اصلا ضرر نمی‌کنید", "positive"],
      ["از دستش ندید", "positive"],
      ["کم نذاشتن", "positive"],
      ["سنگ تموم گذاشتن", "positive"],
    ]);
  });

  it("fa: thanks for nothing is a complaint", () => {
    expectLabels("fa", [["مرسی بابت هیچی", "negative"]]);
  });

  it("tr: colloquial refusals and thanks", () => {
    expectLabels("tr", [
      ["tavsiye etmiyom", "negative"],
      ["mukemel", "positive"],
      ["kandırıldım", "negative"],
      ["eline sağlık", "positive"],
      ["hic sorun yok", "positive"],
    ]);
  });
});

describe("longer reviews from travel, banking and telecom", () => {
  it("fa", () => {
    expectLabels("fa", [
      ["اندازه غذا خیلی کوچیک شده نسبت به قبل", "negative"],
      ["گوشی رو فرستادم گارانتی سه هفته است هیچ خبری ازش نیست", "negative"],
      ["برای یک کار ساده سه بار رفتم بانک", "negative"],
      ["بعد از دو ماه صفحه گوشی خودبخود خاموش و روشن میشه", "negative"],
      ["خدا خیرتون بده، مشکلم حل شد", "positive"],
      ["راننده خیلی محترم و وقت شناس بود", "positive"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["Porsiyonlar eskiye göre çok küçülmüş", "negative"],
      ["Yemeklerin kalitesi eskisine göre çok düştü", "negative"],
      ["Oda sitedeki fotoğraflardan çok farklıydı", "negative"],
      ["Basit bir iş için bankaya üç kez gittim", "negative"],
      ["Şarjı on dakikada bitiyor", "negative"],
      ["İnternet hızı gerçekten tatmin edici", "positive"],
      ["Şoför çok saygılı ve dakikti", "positive"],
    ]);
  });
});

describe("a failure that did not happen is praise", () => {
  it("fa", () => {
    expectLabels("fa", [
      ["دیگه از اون مشکلات خبری نیست", "positive"],
      ["اصلا هنگ نمیکنه", "positive"],
      ["هیچ وقت قطع نمیشه", "positive"],
      ["بدون تاخیر رسید", "positive"],
      ["هیچ خط و خشی نداشت", "positive"],
      ["دیگه سراغ جای دیگه نمیرم", "positive"],
      ["یک روزه رسید", "positive"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["uygulama hiç çökmedi", "positive"],
      ["kargo hiç gecikmedi", "positive"],
      ["hiç kesinti olmadı", "positive"],
      ["hiç kırık yoktu", "positive"],
      ["iptal etmek zorunda kalmadım", "positive"],
      ["bir daha başka yerden almam", "positive"],
      ["ne yemek iyiydi ne servis", "negative"],
      ["kalite hiç yok", "negative"],
    ]);
  });
});

describe("apps, banks and telecom", () => {
  it("fa", () => {
    expectLabels("fa", [
      ["از حسابم برداشت غیرمجاز شده", "negative"],
      ["کارمزدهای بانک خیلی بالاست", "negative"],
      ["لاگین نمیشه", "negative"],
      ["اپ مدام از حساب خارج میشه", "negative"],
      ["اشتراک رو تمدید کردن بدون اینکه بپرسن", "negative"],
      ["سه بار وقت دادن و نیومدن", "negative"],
      ["نرم افزار پر از باگه", "negative"],
      ["اصلا کاربر پسند نیست", "negative"],
      ["کارمزدش پایینه", "positive"],
      ["اپ بانکش خیلی کاربر پسنده", "positive"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["kredi başvurumu çok uzattılar", "negative"],
      ["uygulama sürekli oturumu kapatıyor", "negative"],
      ["aboneliğimi sormadan yenilediler", "negative"],
      ["faturam çok yüksek geldi", "negative"],
      ["modem bozuktu değiştirmediler", "negative"],
      ["talebime bir hafta sonra cevap geldi", "negative"],
      ["çok fazla reklam var", "negative"],
      ["hiç kullanıcı dostu değil", "negative"],
      ["internet hızı harika hiç kesinti yok", "positive"],
      ["masrafları düşük", "positive"],
      ["biraz küçük onun dışında hiçbir sıkıntısı yok", "positive"],
    ]);
  });
});

describe("mixed reviews: thanks or praise beside a complaint", () => {
  it("fa", () => {
    expectLabels("fa", [
      ["پیک خیلی مودب بود ممنون ازش، ولی غذا کاملا سرد رسید و نصف سفارش نبود", "negative"],
      ["دستتون درد نکنه، دو هفته است منتظر پولم هستم", "negative"],
      ["غذاش خوب بود ولی برخورد پرسنل خیلی زشت بود، دیگه نمیرم", "negative"],
      ["پذیرش هتل ساعت ۲ شب جواب نمیداد", "negative"],
      ["کمی دیر رسید ولی غذا خیلی خوشمزه بود", "positive"],
      ["با اینکه قیمتش یکم بالاست ولی ارزش داره", "positive"],
    ]);
  });

  it("tr", () => {
    expectLabels("tr", [
      ["kurye çok kibardı teşekkürler ama yemek buz gibi geldi ve siparişin yarısı yoktu", "negative"],
      ["bu kadar düzensizlik için teşekkürler", "negative"],
      ["yemekler güzeldi ama personel çok kabaydı, bir daha gelmem", "negative"],
      ["biraz geç geldi ama yemekler çok lezzetliydi", "positive"],
      ["bu kadar iyi olacağını düşünmemiştim", "positive"],
    ]);
  });
});

describe("Persian compounds with a space, a ZWNJ or run together", () => {
  it("reads each spelling alike", () => {
    expectLabels("fa", [
      ["خیلی خوش برخورد بودن", "positive"],
      ["خیلی خوش‌برخورد بودن", "positive"],
      ["خیلی خوشبرخورد بودن", "positive"],
      ["به‌موقع رسید", "positive"],
      ["قابل‌اعتماد هستن", "positive"],
      ["غیرقابل‌اعتماد", "negative"],
      ["غیرحرفه‌ای بودن", "negative"],
      ["کم‌فروشی کردن", "negative"],
      ["پرسروصدا بود", "negative"],
      ["بی‌کیفیت‌ترین", "negative"],
    ]);
  });
});

describe("praise that holds its own negation", () => {
  it("is not turned into a complaint by a negator before it", () => {
    expectLabels("tr", [
      ["hiçbir zaman sorun yaşamadım", "positive"],
      ["bu firmayla hiçbir zaman hiç sorun yaşamadım", "positive"],
    ]);
    expectLabels("fa", [["هیچوقت با این فروشگاه مشکلی نداشتم", "positive"]]);
    expectLabels("en", [["Not once, never had a problem", "positive"]]);
  });
});
