/**
 * Bench section "text analysis": how long sentiment and comment themes take on ordinary and hostile input.
 * Prints figures; asserts nothing (tests only check that huge input stays bounded). Run alone with
 * `node --import tsx bench/text.ts`.
 */
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { tagThemes } from "../core/themes/themes.ts";

const micros = (run: () => void, times: number): number => {
  for (let i = 0; i < Math.min(100, times); i++) run();
  const start = performance.now();
  for (let i = 0; i < times; i++) run();
  return ((performance.now() - start) * 1000) / times;
};

export function textBench(): void {
  const analyzer = createRuleBasedSentimentAnalyzer();
  const comment =
    "پیک خیلی دیر رسید و برخورد بدی داشت. دو ساعت منتظر موندم، به پشتیبانی زنگ زدم جواب ندادن. اپلیکیشن موقع پرداخت هنگ کرد و قیمت‌ها هم گرونه. "
      .repeat(8)
      .slice(0, 1000);
  const huge = `${"the courier was late again ".repeat(2000)}${"x".repeat(50_000)}`;
  const hugeFa = `${"خیلی خوب بود ولی دیر رسید ".repeat(4000)}${"x".repeat(100_000)}`;
  console.log("\n## Text analysis (one core)");
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
