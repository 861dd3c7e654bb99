import { describe, expect, it } from "vitest";
import { PATTERNS } from "../../core/sentiment/patterns.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import type { SentimentLabel } from "../../core/sentiment/types.ts";

// English customer-experience behaviours, one hand-written sentence per rule, across restaurants, hotels,
// phones, apps, banking and delivery. They show that a rule exists; accuracy is measured by
// scripts/eval-sentiment.ts.

const analyzer = createRuleBasedSentimentAnalyzer();

function expectLabels(cases: readonly (readonly [string, SentimentLabel])[]): void {
  for (const [text, want] of cases) {
    expect({ text, label: analyzer.analyze(text, "en").label }).toEqual({ text, label: want });
  }
}

function score(text: string): number {
  return analyzer.analyze(text, "en").score;
}

describe("English complaints told as events", () => {
  it("reads service failures with no sentiment word as complaints", () => {
    expectLabels([
      ["The manager didn't seem to care.", "negative"],
      ["They froze my account for no reason.", "negative"],
      ["I was locked out of my account for a week.", "negative"],
      ["There was an unauthorized charge on my card.", "negative"],
      ["The room wasn't ready when we arrived.", "negative"],
      ["They didn't even apologize.", "negative"],
      ["Took my money and disappeared.", "negative"],
      ["I have yet to hear back from anyone.", "negative"],
      ["Haven't spoken to a human yet.", "negative"],
      ["We were on hold for over an hour.", "negative"],
      ["Couldn't figure it out.", "negative"],
      ["The headset keeps losing connection.", "negative"],
      ["Item does not match the picture.", "negative"],
      ["The room looked nothing like the photos.", "negative"],
      ["I got sick after eating here.", "negative"],
      ["Nothing works as advertised.", "negative"],
      ["I'm returning it.", "negative"],
      ["Still sitting at the gate with no update.", "negative"],
      ["They raised my bill again without telling us.", "negative"],
      ["The elevator was out of order for our entire stay.", "negative"],
    ]);
  });

  it("reads a customer leaving as a complaint", () => {
    expectLabels([
      ["I'll be taking my business elsewhere.", "negative"],
      ["Go somewhere else.", "negative"],
      ["Buy something else.", "negative"],
      ["Last time ordering from this place.", "negative"],
      ["We stopped using their app.", "negative"],
      ["You just lost a loyal customer.", "negative"],
      ["I will be filing a complaint with the bank.", "negative"],
    ]);
  });
});

describe("English idioms", () => {
  it("reads idioms of praise", () => {
    expectLabels([
      ["Top notch service, everything was spot on.", "positive"],
      ["This app is a game changer.", "positive"],
      ["I was pleasantly surprised.", "positive"],
      ["It does the job.", "positive"],
      ["It is a joy to use.", "positive"],
      ["Two thumbs up!", "positive"],
      ["I wouldn't hesitate to recommend them.", "positive"],
      ["Can't recommend this place highly enough.", "positive"],
      ["I'd love to come back again soon.", "positive"],
      ["The view from our room was breathtaking.", "positive"],
      ["Switched banks last year and haven't looked back.", "positive"],
      ["The staff bent over backwards to help us.", "positive"],
      ["Customer support responded within minutes and fixed my issue.", "positive"],
      ["Been using it for six months with zero issues.", "positive"],
    ]);
  });

  it("reads idioms of complaint", () => {
    expectLabels([
      ["Nothing special.", "negative"],
      ["Overrated and underwhelming.", "negative"],
      ["The hotel is dated and run down.", "negative"],
      ["Thumbs down.", "negative"],
      ["Don't be fooled by the reviews.", "negative"],
      ["The food was way too salty.", "negative"],
      ["The buttons are too small.", "negative"],
      ["So much for customer service.", "negative"],
      ["Far below average.", "negative"],
      ["What kind of service is this?", "negative"],
      ["Why do I have to call three times to get an answer?", "negative"],
    ]);
  });

  it("does not read thanks as sarcasm", () => {
    expectLabels([
      ["Thanks so much for the help!", "positive"],
      ["Miss you all so so much, thank you!", "positive"],
    ]);
  });
});

describe("English negation", () => {
  it("reads like and dislike", () => {
    expectLabels([
      ["I don't like the new layout.", "negative"],
      ["I really like this product.", "positive"],
      ["The more I use it the less I like it.", "negative"],
    ]);
  });

  it("an exclamation after never is not negated", () => {
    expectLabels([
      ["I have never been so disappointed.", "negative"],
      ["I've never seen such a dirty room.", "negative"],
      ["I've never had such friendly service.", "positive"],
      ["Never been happier with a bank.", "positive"],
    ]);
  });

  it("'not too' is mild praise, and 'not only' negates nothing", () => {
    expectLabels([
      ["Not too expensive either.", "positive"],
      ["Good protection and does not make the phone too bulky.", "positive"],
      ["Not only was the food great, the staff were lovely too.", "positive"],
    ]);
  });

  it("a suggestion about what would have been nice is a complaint", () => {
    expectLabels([["It would have been nice if someone had told us.", "negative"]]);
  });
});

describe("English discourse", () => {
  it("a concession weighs less than the main clause", () => {
    expectLabels([
      ["Although the staff were friendly, the room was never cleaned.", "negative"],
      ["Even though the room was small, the stay was wonderful.", "positive"],
      ["Great stay despite the noise.", "positive"],
    ]);
  });

  it("'although' in mid-sentence, or as a sentence of its own, reads like 'but'", () => {
    expectLabels([
      ["The food was fine, although the service was painfully slow and rude.", "negative"],
      ["Fair enough. Although the short delay has turned into a cancellation.", "negative"],
    ]);
  });

  it("a verdict opener weighs what follows", () => {
    expect(score("The wait was long. Overall, a lovely evening.")).toBeGreaterThan(0);
    expect(score("Lovely staff. Other than that, a terrible stay.")).toBeLessThan(0);
  });

  it("sarcasm: praise after a lead word beside a complaint turns against the service", () => {
    expectLabels([
      ["Oh great, the app crashed again.", "negative"],
      ["Great, another delayed order. Just great.", "negative"],
    ]);
  });

  it("words in capitals weigh more", () => {
    expect(score("The service was AWFUL.")).toBeLessThan(score("The service was awful."));
    expect(score("I LOVE this phone.")).toBeGreaterThan(score("I love this phone."));
  });
});

describe("patterns", () => {
  it("compile to regular expressions V8 still optimizes (each source under 20 KB)", () => {
    for (const compiled of Object.values(PATTERNS))
      for (const part of compiled.parts) expect(part.regex.source.length).toBeLessThan(20_000);
  });
});
