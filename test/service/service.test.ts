import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationState } from "../../core/engine/state.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { bucketId, periodReport, recomputeRollups } from "../../core/rollups.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService } from "../../core/service.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { createHarness, FakeRespondent, type Harness } from "../helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

/** A second worker on the same database: its own queue, cache and rollup buffer, like another process. */
function secondWorker() {
  // Its own stores: its own pointers into the conversation revisions, as a separate process would have.
  const stores = createMongoStores(h.db.connection);
  return createSurveyService({
    stores,
    flows: new FlowRegistry(stores.flows),
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    clock: () => new Date("2026-11-24T09:00:00Z"),
  });
}

async function allStates(flowKey: string): Promise<ConversationState[]> {
  const states: ConversationState[] = [];
  for await (const r of h.stores.responses.list({ flowKey })) states.push(r.state);
  const active = await h.stores.conversations.listIdle(new Date("2100-01-01"), 10_000);
  states.push(...active.filter((r) => r.state.flowKey === flowKey).map((r) => r.state));
  return states;
}

describe("one input at a time per conversation", () => {
  it("sets the language outside a survey: /language fa directly, a bare /language by its buttons", async () => {
    const r = new FakeRespondent(h.service, "lang-outside");
    await r.send("/language fa");
    expect(r.lastTexts).toEqual(["زبان به فارسی تغییر کرد."]);
    await r.start("csat");
    expect(r.last?.locale).toBe("fa");
    await r.send("/stop");
    await r.send("/language");
    expect(r.last?.messages[0]?.choices?.map((c) => c.label)).toEqual([
      "English",
      "فارسی",
      "العربية",
      "Türkçe",
    ]);
    await r.press("Türkçe");
    await r.start("nps");
    expect(r.last?.locale).toBe("tr");
  });

  it("two workers receiving two taps on the same question at once record one answer", async () => {
    const other = secondWorker();
    for (let k = 0; k < 5; k++) {
      const a = new FakeRespondent(h.service, `double-tap-${k}`);
      const b = new FakeRespondent(other, `double-tap-${k}`);
      await a.start("nps");
      const [ra, rb] = await Promise.all([
        a.pressPayload(a.buttonPayload("7"), `tap-${k}-1`),
        b.pressPayload(a.buttonPayload("9"), `tap-${k}-2`),
      ]);
      const record = await h.stores.conversations.getActive(`console:double-tap-${k}`);
      expect(record?.state.answers.filter((x) => x.stepId === "score")).toHaveLength(1);
      expect([ra.stale, rb.stale].filter(Boolean)).toHaveLength(1);
      expect(record?.rev).toBe(2);
    }
    await other.close();
  });

  it("a repeated event id is ignored, sequentially and concurrently across workers", async () => {
    const other = secondWorker();
    for (let k = 0; k < 5; k++) {
      const a = new FakeRespondent(h.service, `redelivery-${k}`);
      const b = new FakeRespondent(other, `redelivery-${k}`);
      await a.start("nps");
      const payload = a.buttonPayload("4");
      const [first, second] = await Promise.all([
        a.pressPayload(payload, `update-${k}`),
        b.pressPayload(payload, `update-${k}`),
      ]);
      expect([first.status, second.status].sort()).toEqual(["duplicate", "handled"]);
      expect(await a.send("4", `update-${k}`)).toEqual({ status: "duplicate", messages: [] });
      const record = await h.stores.conversations.getActive(`console:redelivery-${k}`);
      expect(record?.state.answers).toHaveLength(1);
      expect(record?.state.stepId).toBe("why-negative");
    }
    await other.close();
  });

  it("a start that meets a newer revision written by another worker is retried, not dropped", async () => {
    const other = secondWorker();
    const a = new FakeRespondent(h.service, "stale-start");
    const b = new FakeRespondent(other, "stale-start");
    await a.start("nps");
    expect((await b.send("8", "ss-answer")).answered?.stepId).toBe("score");
    const switched = await a.start("csat");
    expect(switched.status).toBe("handled");
    expect(switched.messages.at(-1)?.text).toContain("How satisfied");
    const resumed = await b.send("/feedback csat", "ss-again");
    expect(resumed.messages[0]?.text).toBe("Welcome back! Let’s pick up where you left off.");
    await other.close();
  });

  it("ignores an answer redelivered from before the current survey began", async () => {
    const ref = { channel: "telegram" as const, userId: "seq-user" };
    const send = (
      eventId: string,
      sequence: number,
      input: Parameters<typeof h.service.handle>[0]["input"],
    ) => h.service.handle({ eventId, sequence, respondent: ref, input, receivedAt: new Date() });
    await send("tg:1:100", 100, { type: "start", flowKey: "nps" });
    await send("tg:1:101", 101, { type: "text", text: "9" });
    await send("tg:1:102", 102, { type: "text", text: "/stop" });
    await send("tg:1:103", 103, { type: "start", flowKey: "nps" });
    const replay = await send("tg:1:101", 101, { type: "text", text: "9" });
    expect(replay.status).toBe("duplicate");
    const record = await h.stores.conversations.getActive("telegram:seq-user", { fresh: true });
    expect(record?.state.answers).toEqual([]);
  });

  it("a redelivered start after the survey ended does not start another", async () => {
    const r = new FakeRespondent(h.service, "late-retry");
    await r.start("csat");
    await r.send("5", "e-2");
    await r.send("/stop", "e-3");
    const again = await r.send("/stop", "e-3");
    expect(again.status).toBe("duplicate");
    const restart = await h.service.handle({
      eventId: "late-retry-1",
      respondent: { channel: "console", userId: "late-retry" },
      input: { type: "start", flowKey: "csat" },
      receivedAt: new Date(),
    });
    expect(restart.status).toBe("duplicate");
  });
});

describe("conversations over time", () => {
  it("resumes the same flow on a second start instead of starting over", async () => {
    const r = new FakeRespondent(h.service, "resume");
    await r.start("nps");
    await r.send("8");
    await r.start("nps");
    expect(r.lastTexts[0]).toBe("Welcome back! Let’s pick up where you left off.");
    expect(r.lastTexts[1]).toContain("What would have made your experience");
  });

  it("expires an idle conversation, keeps the partial response, and says so on the next message", async () => {
    const r = new FakeRespondent(h.service, "idle");
    await r.start("csat");
    await r.send("2");
    h.advance(25 * 3600_000);
    expect(await h.service.expireIdle()).toBeGreaterThanOrEqual(1);
    const archived = await h.stores.responses.get(r.last?.conversationId ?? "");
    expect(archived?.state.status).toBe("expired");
    expect(archived?.state.answers).toHaveLength(1);
    await r.send("the parcel was damaged");
    expect(r.last?.status).toBe("no-survey");
    h.advance(-25 * 3600_000);
  });

  it("a stale button after the end gets the localized notice and records nothing", async () => {
    const r = new FakeRespondent(h.service, "stale-after-end");
    await r.start("csat", { locale: "fa" });
    const old = r.buttonPayload("۴");
    await r.pressPayload(old);
    await r.send("/stop");
    const stale = await r.pressPayload(old);
    expect(stale.stale).toBe(true);
    expect(stale.messages[0]?.text).toBe("به این سؤال قبلاً پاسخ داده شده است.");
  });

  it("pins the flow version a conversation started on", async () => {
    const loaded = await loadFlowDirectory("flows");
    const ces = loaded.flows.find((f) => f.key === "ces");
    if (!ces) throw new Error("no ces flow");
    const r = new FakeRespondent(h.service, "pinned");
    await r.start("ces");
    const v1 = (await h.stores.conversations.getActive("console:pinned"))?.state.flowVersion;
    const edited = { ...ces, idleMinutes: ces.idleMinutes + 1 };
    const { flow: v2, created } = await h.flows.store(edited, "admin:test");
    expect(created).toBe(true);
    expect(v2.version).toBe((v1 ?? 0) + 1);
    await r.send("6");
    const record = await h.stores.conversations.getActive("console:pinned");
    expect(record?.state.flowVersion).toBe(v1);
    expect(record?.state.answers).toHaveLength(1);
    const fresh = new FakeRespondent(h.service, "pinned-new");
    await fresh.start("ces");
    expect((await h.stores.conversations.getActive("console:pinned-new"))?.state.flowVersion).toBe(
      v2.version,
    );
    const again = await h.flows.store(edited, "admin:test");
    expect(again.created).toBe(false);
  });

  it("answers a message outside any survey with how to start one, in the respondent's language", async () => {
    const r = new FakeRespondent(h.service, "stranger", { languageTag: "ar-EG" });
    await r.send("مرحبا");
    expect(r.last?.status).toBe("no-survey");
    expect(r.lastTexts[0]).toBe("لا يوجد استبيان جارٍ الآن. أرسل /feedback لبدء استبيان.");
  });

  it("answers an unknown flow key with a localized sentence", async () => {
    const r = new FakeRespondent(h.service, "unknown-flow");
    await r.start("nope", { locale: "tr" });
    expect(r.lastTexts[0]).toBe("Üzgünüz, “nope” adında bir anket yok.");
  });
});

describe("score rollups", () => {
  it("equal a recomputation from the raw responses, across days, channels, locales, restarts and stops", async () => {
    const scores = [0, 3, 6, 7, 8, 9, 10, 10, 5, 9, 2, 8];
    const locales = ["en", "fa", "ar", "tr"] as const;
    const channels = ["console", "telegram", "slack", "discord"] as const;
    for (const [i, score] of scores.entries()) {
      h.setNow(new Date(Date.UTC(2026, 10, 20 + (i % 3), 23, 30)));
      const r = new FakeRespondent(h.service, `rollup-${i}`, { channel: channels[i % 4] });
      await r.start("nps", { locale: locales[i % 4] });
      await r.send(String(score));
      if (i % 4 === 1) {
        await r.send("/restart");
        await r.send(String(10 - score));
      }
      if (i % 3 === 0) await r.send("/stop");
      else if (i % 3 === 1) await r.send("ok");
    }
    await h.service.flush();
    const expected = recomputeRollups(await allStates("nps"), "UTC");
    const stored = await h.stores.rollups.read("nps", "2000-01-01", "2100-01-01");
    const storedById = new Map(stored.map((row) => [bucketId(row), row.histogram]));
    for (const [id, row] of expected) expect(storedById.get(id) ?? {}, id).toEqual(row.histogram);
    for (const [id, histogram] of storedById) {
      if (Object.values(histogram).some((v) => v !== 0)) expect(expected.has(id), id).toBe(true);
    }
    const mine = (await allStates("nps")).filter((s) => s.respondent.userId.startsWith("rollup-"));
    const counted = recomputeRollups(mine, "UTC");
    expect(
      [...counted.values()].reduce((n, r) => n + Object.values(r.histogram).reduce((a, b) => a + b, 0), 0),
    ).toBe(scores.length);
  });

  it("report a period beside the previous one", async () => {
    const report = await periodReport(h.stores.rollups, "nps", "2026-11-21", "2026-11-22");
    expect(report.previousFrom).toBe("2026-11-19");
    expect(report.previousTo).toBe("2026-11-20");
    const current = report.current.find((s) => s.stepId === "score")?.overall;
    const previous = report.previous.find((s) => s.stepId === "score")?.overall;
    expect(current?.metric).toBe("nps");
    expect((current?.responses ?? 0) + (previous?.responses ?? 0)).toBeGreaterThan(0);
    expect(current?.value).not.toBeUndefined();
  });
});
