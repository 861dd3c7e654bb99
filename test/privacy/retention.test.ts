import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseAlert } from "../../core/alerts/alert.ts";
import { createRetentionJob } from "../../core/privacy/retention.ts";
import type { RespondentRef } from "../../core/types.ts";
import { createPrivacyHarness, everyDocument, type PrivacyHarness, rollupCounts } from "./setup.ts";

let h: PrivacyHarness;
beforeAll(async () => {
  h = await createPrivacyHarness();
});
afterAll(async () => {
  await h.close();
});

async function survey(ref: RespondentRef, score: string, comment: string) {
  await h.send(ref, { type: "start", flowKey: "nps" });
  await h.text(ref, score);
  await h.text(ref, comment);
  await h.text(ref, "no");
}

const DAY = 86_400_000;

describe("retention (CX_RETENTION_DAYS) on a controllable clock", () => {
  it("anonymizes transcripts, comments and alerts older than the limit, keeps scores and rollups, once a day", async () => {
    const old: RespondentRef = { channel: "slack", userId: "UOLD" };
    const recent: RespondentRef = { channel: "slack", userId: "URECENT" };
    await survey(old, "2", "the aardvark was rude to me");
    const [archived] = await responsesOf(old);
    if (!archived) throw new Error("not archived");
    const flow = await h.flows.get("nps", archived.state.flowVersion);
    if (!flow) throw new Error("no flow");
    await h.stores.alerts.create(
      raiseAlert(
        {
          conversationId: archived.state.id,
          flow,
          rules: ["detractor"],
          respondent: old,
          locale: "en",
          answers: Object.fromEntries(archived.state.answers.map((a) => [a.stepId, a.answer])),
          transcript: archived.transcript,
        },
        h.now(),
      ),
    );
    h.setNow(new Date(h.now().getTime() + 40 * DAY));
    await survey(recent, "9", "the pangolin was lovely");
    await h.service.flush();
    const rollups = await rollupCounts(h);

    const job = createRetentionJob({
      registry: h.privacy,
      events: h.stores.events,
      days: 30,
      batch: 1,
      clock: () => h.now(),
    });
    // The old survey's revisions not yet compacted go too (how many depends on compaction).
    expect(await job.runIfDue()).toMatchObject({
      conversations: expect.any(Number),
      responses: 1,
      alerts: 1,
    });
    // Once a day, whichever process claims it.
    expect(await job.runIfDue()).toBeNull();

    const docs = await everyDocument(h);
    expect(docs.filter((d) => d.json.includes("aardvark"))).toEqual([]);
    expect(docs.some((d) => d.collection === "responses" && d.json.includes("pangolin"))).toBe(true);
    const [kept] = await responsesOf(old);
    expect(kept?.transcript).toEqual([]);
    const score = kept?.state.answers.find((a) => a.stepId === "score")?.answer;
    expect(score).toMatchObject({ type: "rating", value: 2 });
    const comment = kept?.state.answers.find((a) => a.answer.type === "text")?.answer;
    expect(comment).toMatchObject({ type: "text", text: "", sentiment: { evidence: [] } });
    const alert = await h.stores.alerts.get(archived.state.id);
    expect(alert?.comments).toEqual([]);
    expect(alert?.score?.value).toBe(2);
    expect(await rollupCounts(h)).toEqual(rollups);

    // The next day: nothing left to change.
    h.setNow(new Date(h.now().getTime() + DAY));
    expect(await job.runIfDue()).toEqual({});
  });
});

async function responsesOf(ref: RespondentRef) {
  const out = [];
  for await (const r of h.stores.responses.list({}))
    if (r.state.respondent.userId === ref.userId) out.push(r);
  return out;
}
