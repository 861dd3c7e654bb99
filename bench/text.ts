/**
 * Bench section "text analysis": how long sentiment and comment themes take on ordinary and hostile input.
 * Prints figures; asserts nothing (tests only check that huge input stays bounded). Run alone with
 * `node --import tsx bench/text.ts`.
 */
import type { Locale } from "../core/locale.ts";
import { createBlendedAnalyzer, type LabelledText, train } from "../core/sentiment/learned.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import type { SentimentAnalyzer, SentimentLabel } from "../core/sentiment/types.ts";
import { tagThemes } from "../core/themes/themes.ts";

const micros = (run: () => void, times: number): number => {
  for (let i = 0; i < Math.min(100, times); i++) run();
  const start = performance.now();
  for (let i = 0; i < times; i++) run();
  return ((performance.now() - start) * 1000) / times;
};

/** Ordinary comments of 40–130 characters, written for this bench (no dataset text), per language. */
const COMMENTS: Readonly<Record<Locale, readonly (readonly [string, SentimentLabel])[]>> = {
  en: [
    ["The delivery was two days late and nobody answered my emails about it.", "negative"],
    ["Great food, friendly staff, and the table was ready when we arrived.", "positive"],
    ["The app keeps logging me out every time I try to pay my bill.", "negative"],
    ["Room was clean and quiet, check-in took five minutes. Would stay again.", "positive"],
    ["I ordered on Monday and picked it up at the store on Wednesday.", "neutral"],
    ["Support hung up on me twice and I was charged for a plan I cancelled.", "negative"],
  ],
  fa: [
    ["سفارشم دو روز دیرتر رسید و هر چی زنگ زدم کسی جواب نداد.", "negative"],
    ["غذا خیلی خوشمزه بود و پیک هم به‌موقع رسید، ممنون از شما.", "positive"],
    ["اپلیکیشن موقع پرداخت هنگ می‌کنه و پولم دو بار کم شد.", "negative"],
    ["اتاق تمیز بود و پرسنل خیلی مودب بودن، حتما دوباره میام.", "positive"],
    ["دوشنبه سفارش دادم و چهارشنبه از شعبه تحویل گرفتم.", "neutral"],
    ["پشتیبانی اصلا پاسخگو نیست و قیمت‌ها هم خیلی گرونه.", "negative"],
  ],
  ar: [
    ["الطلب تأخر يومين وما حد رد على اتصالاتي أبدا.", "negative"],
    ["الأكل لذيذ والموظفين محترمين والتوصيل كان سريع.", "positive"],
    ["التطبيق يطلعني كل ما أحاول أدفع الفاتورة.", "negative"],
    ["الغرفة نظيفة وهادئة والاستقبال ممتاز، أكيد بكرر التجربة.", "positive"],
    ["طلبت يوم الاثنين واستلمت من الفرع يوم الأربعاء.", "neutral"],
    ["خدمة العملاء سيئة جدا وخصموا مني رسوم بدون علمي.", "negative"],
  ],
  tr: [
    ["Sipariş iki gün geç geldi ve kimse mesajlarıma cevap vermedi.", "negative"],
    ["Yemekler çok lezzetliydi, personel güler yüzlü, tekrar geleceğiz.", "positive"],
    ["Uygulama ödeme yaparken sürekli çöküyor, çok sinir bozucu.", "negative"],
    ["Oda temizdi, giriş beş dakika sürdü. Kesinlikle tavsiye ederim.", "positive"],
    ["Pazartesi sipariş verdim, çarşamba mağazadan teslim aldım.", "neutral"],
    ["Müşteri hizmetleri yüzüme kapattı, iptal ettiğim paketi faturaladılar.", "negative"],
  ],
};

/** Analyses per second of CPU time on one core (CPU time, so other load on the machine does not count). */
function textsPerCpuSecond(analyzer: SentimentAnalyzer, locale: Locale, rounds: number): number {
  const texts = COMMENTS[locale];
  // Each round varies the text a little, so the per-word caches see new words as real traffic would.
  const run = (n: number, from: number): void => {
    for (let i = 0; i < n; i++) {
      const [text] = texts[i % texts.length] ?? ["", "neutral"];
      analyzer.analyze(`${text} ${from + i}`, locale);
    }
  };
  run(2000, 0);
  const before = process.cpuUsage();
  run(rounds, 10_000);
  const used = process.cpuUsage(before);
  return Math.round(rounds / ((used.user + used.system) / 1e6));
}

export function textBench(): void {
  const analyzer = createRuleBasedSentimentAnalyzer();
  const comment =
    "پیک خیلی دیر رسید و برخورد بدی داشت. دو ساعت منتظر موندم، به پشتیبانی زنگ زدم جواب ندادن. اپلیکیشن موقع پرداخت هنگ کرد و قیمت‌ها هم گرونه. "
      .repeat(8)
      .slice(0, 1000);
  const huge = `${"the courier was late again ".repeat(2000)}${"x".repeat(50_000)}`;
  const hugeFa = `${"خیلی خوب بود ولی دیر رسید ".repeat(4000)}${"x".repeat(100_000)}`;
  console.log("\n## Text analysis (one core)");
  // A learned model as a deployment would have one: trained on comments with their labels (hand-written here,
  // repeated; throughput does not depend on what the model learned, its tables have a fixed size).
  const examples: LabelledText[] = [];
  for (const locale of ["en", "fa", "ar", "tr"] as const)
    for (let r = 0; r < 60; r++)
      for (const [text, label] of COMMENTS[locale]) examples.push({ text: `${text} ${r}`, label, locale });
  const blended = createBlendedAnalyzer(analyzer, train(examples, { bits: 16 }), { minExamples: 0 });
  // With --expose-gc (npm run bench), the heap is measured after a collection: what stays, not garbage.
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = (): number => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  for (const locale of ["en", "fa", "ar", "tr"] as const) {
    const heapBefore = heap();
    const rules = textsPerCpuSecond(analyzer, locale, 40_000);
    const both = textsPerCpuSecond(blended, locale, 40_000);
    const grown = gc
      ? `; heap ${((heap() - heapBefore) / 1e6).toFixed(1)} MB more after 84,000 new texts`
      : "";
    console.log(
      `  sentiment texts/s per CPU-second (${locale}, 40–130 characters): rules ${rules.toLocaleString("en")}, rules + learned model ${both.toLocaleString("en")} (target ≥ 20,000)${grown}`,
    );
  }
  console.log(
    `  themes, 1,000-character comment (fa): ${micros(() => tagThemes(comment, "fa"), 1000).toFixed(0)} µs (target < 1,000)`,
  );
  console.log(
    `  sentiment, 1,000-character comment (fa): ${micros(() => analyzer.analyze(comment, "fa"), 1000).toFixed(0)} µs`,
  );
  console.log(
    `  themes, 100 kB comment (en): ${(micros(() => tagThemes(huge, "en"), 20) / 1000).toFixed(1)} ms (target < 200)`,
  );
  console.log(
    `  sentiment, 200 kB comment (fa): ${(micros(() => analyzer.analyze(hugeFa, "fa"), 20) / 1000).toFixed(1)} ms (target < 200)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) textBench();
