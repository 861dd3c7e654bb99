import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdminService } from "../../core/admin/service.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createOperations } from "../../core/operations.ts";
import { createLiveSentiment } from "../../core/sentiment/live.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { FakeRespondent } from "../helpers/harness.ts";

/**
 * Learning from the deployment's own responses, end to end on the real database: comments answered with a
 * score are the training data; `/cx learn` retrains, stores the model, and the survey service reads the next
 * comments with it; another process picks the stored model up on reload.
 */
describe("learned sentiment", () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await connectTestDb("learn");
  });
  afterEach(async () => {
    await db.drop();
  });

  async function processOn() {
    const stores = createMongoStores(db.connection);
    await ensureIndexes(stores.models);
    const flows = new FlowRegistry(stores.flows);
    for (const f of (await loadFlowDirectory("flows")).flows) await flows.store(f, "test");
    const rules = createRuleBasedSentimentAnalyzer();
    const sentiment = createLiveSentiment(rules, stores.sentimentModels, { minExamples: 20 });
    await sentiment.reload();
    const service = createSurveyService({
      stores,
      flows,
      analyzer: sentiment.analyzer,
      defaultLocale: "en",
      defaultFlow: "nps",
      rollupFlushMs: 0,
      maxConcurrency: 4,
    });
    const admin = createAdminService({
      stores,
      flows,
      operations: createOperations({ survey: service, messenger: { deliver: async () => {} } }),
      admins: ["telegram:1"],
      learning: { status: () => sentiment.status(), retrain: () => sentiment.retrain(stores.responses) },
      limits: { buttonLabel: 64, message: 1500 },
      defaultLocale: "en",
    });
    return { stores, service, admin, sentiment, rules };
  }

  it("learns words the rules do not know from comments paired with scores, and every process uses it", async () => {
    const a = await processOn();
    // Words no lexicon has: only the scores say what they mean here.
    for (let i = 0; i < 30; i++) {
      const r = new FakeRespondent(a.service, `c${i}`);
      await r.start("nps", { locale: "en" });
      const detractor = i % 2 === 0;
      await r.send(detractor ? "1" : "10");
      await r.send(detractor ? `the zorblax was blorpy again ${i}` : `such a frimbly glonk ${i}`);
      await r.send("/stop");
    }
    expect(a.rules.analyze("zorblax blorpy", "en").label).toBe("neutral");
    expect(a.sentiment.analyzer.analyze("zorblax blorpy", "en").label).toBe("neutral");

    const out = await a.admin.handle({
      eventId: "learn-1",
      actor: { channel: "telegram", userId: "1" },
      input: { type: "command", text: "learn" },
      receivedAt: new Date(),
    });
    const text = out.status === "duplicate" ? "" : out.messages.map((m) => m.text).join("\n");
    expect(text).toContain("English: 30 comments, in use beside the rules");
    expect(text).toContain("فارسی: 0 comments");
    expect(a.sentiment.analyzer.analyze("zorblax blorpy", "en").label).toBe("negative");
    expect(a.sentiment.analyzer.analyze("frimbly glonk", "en").label).toBe("positive");
    // Persian has no examples: the rules alone, as before.
    expect(a.sentiment.analyzer.analyze("خیلی بد بود", "fa")).toEqual(a.rules.analyze("خیلی بد بود", "fa"));

    // A comment answered now is stored with the learned reading.
    const r = new FakeRespondent(a.service, "after");
    await r.start("nps", { locale: "en" });
    await r.send("7");
    await r.send("zorblax blorpy");
    const active = await a.stores.conversations.getActive("console:after", { fresh: true });
    const comment = active?.state.answers.find((x) => x.answer.type === "text")?.answer;
    expect(comment?.type === "text" ? comment.sentiment.label : undefined).toBe("negative");

    // Another process on the same database loads the stored model.
    const b = await processOn();
    expect(b.sentiment.status().trainedAt).toBe(a.sentiment.status().trainedAt);
    expect(b.sentiment.analyzer.analyze("zorblax blorpy", "en").label).toBe("negative");
    await a.service.close();
    await b.service.close();
  });

  it("a retraining replaces the stored model whole", async () => {
    const a = await processOn();
    for (const [i, score] of ["2", "9"].entries()) {
      const r = new FakeRespondent(a.service, `w${i}`);
      await r.start("nps", { locale: i === 0 ? "en" : "tr" });
      await r.send(score);
      await r.send("a comment");
      await r.send("/stop");
    }
    await a.sentiment.retrain(a.stores.responses);
    const firstDocs = await db.connection.collection("sentiment_models").countDocuments();
    expect(firstDocs).toBe(3); // the record and two languages
    const first = await a.stores.sentimentModels.trainedAt();
    await new Promise((r) => setTimeout(r, 5));
    await a.sentiment.retrain(a.stores.responses);
    const second = await a.stores.sentimentModels.trainedAt();
    expect(second).not.toBe(first);
    const docs = await db.connection.collection("sentiment_models").find({}).toArray();
    expect(docs).toHaveLength(3);
    expect(docs.every((d) => String(d._id) === "current" || String(d._id).startsWith(`${second}|`))).toBe(
      true,
    );
    await a.service.close();
  });
});
