import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService, OWED_GRACE_MS, type SurveyService } from "../../core/service.ts";
import type { OutboundMessage, RespondentRef } from "../../core/types.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

let h: Harness;
let now = new Date("2026-11-24T09:00:00Z");
beforeAll(async () => {
  h = await createHarness();
  h.setNow(now);
});
afterAll(async () => {
  await h.close();
});

/** cxbot after a crash: a new process on the same database, with nothing in memory. */
function restarted(): SurveyService {
  const stores = createMongoStores(h.db.connection);
  return createSurveyService({
    stores,
    flows: new FlowRegistry(stores.flows),
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    clock: () => now,
  });
}

const advance = (ms: number): void => {
  now = new Date(now.getTime() + ms);
  h.setNow(now);
};

describe("what cxbot owes a respondent survives a crash (the outbox)", () => {
  it("a redelivered answer whose reply was never sent gets the reply; once sent, nothing", async () => {
    const r = new FakeRespondent(h.service, "outbox-1");
    await r.start("nps");
    // The answer is saved; the process dies before the next question reaches the customer.
    const saved = await r.press("3", "update-1");
    expect(saved.status).toBe("handled");
    expect(saved.receipt).toBeDefined();
    const next = saved.messages.map((m) => m.text);

    // Telegram redelivers the unconfirmed update a moment later; the restarted process owes the question.
    advance(OWED_GRACE_MS + 1000);
    const worker = restarted();
    const again = await worker.handle({
      eventId: "update-1",
      respondent: { channel: "console", userId: "outbox-1" },
      input: { type: "choice", payload: r.buttonPayload("3") },
      receivedAt: now,
    });
    expect(again.status).toBe("owed");
    expect(again.messages.map((m) => m.text)).toEqual(next);
    // Nothing was recorded twice.
    const record = await h.stores.conversations.getActive("console:outbox-1", { fresh: true });
    expect(record?.state.answers.filter((a) => a.stepId === "score")).toHaveLength(1);

    // Sent now and confirmed: another redelivery (even to a third process) makes no call at all.
    worker.delivered(again.receipt ?? "");
    await worker.flush();
    const third = await restarted().handle({
      eventId: "update-1",
      respondent: { channel: "console", userId: "outbox-1" },
      input: { type: "choice", payload: r.buttonPayload("3") },
      receivedAt: now,
    });
    expect(third).toEqual({ status: "duplicate", messages: [] });
    await worker.close();
  });

  it("a double tap while the reply is on its way is a plain duplicate (no question shown twice)", async () => {
    const r = new FakeRespondent(h.service, "outbox-2");
    await r.start("csat");
    await r.press("4", "tap-1");
    const second = await r.press("4", "tap-1");
    expect(second).toEqual({ status: "duplicate", messages: [] });
  });

  it("at start, replies saved but never confirmed are sent once; confirmed ones are not", async () => {
    const owed = new FakeRespondent(h.service, "outbox-3");
    const fine = new FakeRespondent(h.service, "outbox-4");
    await owed.start("ces");
    const owedAnswer = await owed.press("2");
    await fine.start("ces");
    const fineAnswer = await fine.press("6");
    h.service.delivered(fineAnswer.receipt ?? "");
    await h.service.flush();
    advance(OWED_GRACE_MS + 1000);

    const worker = restarted();
    const sent: { to: RespondentRef; texts: string[] }[] = [];
    const deliver = async (to: RespondentRef, messages: readonly OutboundMessage[]) => {
      sent.push({ to, texts: messages.map((m) => m.text) });
    };
    await worker.resendOwed(deliver, { channels: ["console"] });
    const mine = sent.filter((s) => s.to.userId.startsWith("outbox-3") || s.to.userId.startsWith("outbox-4"));
    expect(mine).toEqual([
      { to: expect.objectContaining({ userId: "outbox-3" }), texts: owedAnswer.messages.map((m) => m.text) },
    ]);
    // Twice at start (and by another process) sends nothing more.
    await worker.resendOwed(deliver, { channels: ["console"] });
    await worker.flush();
    await restarted().resendOwed(deliver, { channels: ["console"] });
    expect(sent.filter((s) => s.to.userId === "outbox-3")).toHaveLength(1);
    await worker.close();
  });

  it("a reply younger than the grace is left to its sender, and sent by the sweep once it is older", async () => {
    const r = new FakeRespondent(h.service, "outbox-5");
    await r.start("nps");
    await r.press("9");
    const worker = restarted();
    const sent: string[] = [];
    const deliver = async (to: RespondentRef) => {
      if (to.userId === "outbox-5") sent.push(to.userId);
    };
    await worker.resendOwed(deliver, { channels: ["console"] });
    expect(sent).toEqual([]);
    advance(OWED_GRACE_MS + 1000);
    await worker.resendOwed(deliver, { channels: ["console"] });
    expect(sent).toEqual(["outbox-5"]);
    await worker.close();
  });
});

describe("admin commands are never answers", () => {
  it("/cx in the middle of a survey records nothing and shows the help and the question again", async () => {
    const r = new FakeRespondent(h.service, "admin-mid");
    await r.start("csat");
    await r.press("2");
    const before = await h.stores.conversations.getActive("console:admin-mid", { fresh: true });
    await r.send("/cx publish csat");
    expect(r.last?.status).toBe("handled");
    expect(r.lastTexts.length).toBe(2);
    const after = await h.stores.conversations.getActive("console:admin-mid", { fresh: true });
    expect(after?.rev).toBe(before?.rev);
    expect(after?.state.answers).toEqual(before?.state.answers);
  });
});
