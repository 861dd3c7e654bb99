import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseAlert } from "../../core/alerts/alert.ts";
import type { RespondentRef } from "../../core/types.ts";
import {
  createPrivacyHarness,
  everyDocument,
  type PrivacyHarness,
  rollupCounts,
  rollupExamples,
} from "./setup.ts";

const ALICE: RespondentRef = { channel: "telegram", userId: "99000117", displayName: "Zephyrine Quoll" };
const BOB: RespondentRef = { channel: "telegram", userId: "99000233", displayName: "Bartholomew Crane" };
const ALICE_COMMENT = "the xylophone parcel arrived smashed and late";
const BOB_COMMENT = "the harpsichord arrived broken";

/** Whether any document of any collection mentions the person (their id, name or words). */
const mentions = (docs: { json: string }[], needles: readonly string[]) =>
  docs.filter((d) => needles.some((n) => d.json.includes(n)));

let h: PrivacyHarness;
beforeAll(async () => {
  h = await createPrivacyHarness();
});
afterAll(async () => {
  await h.close();
});

/** A detractor's whole NPS survey with a comment. */
async function detractor(ref: RespondentRef, comment: string) {
  await h.send(ref, { type: "start", flowKey: "nps" });
  await h.text(ref, "2");
  await h.text(ref, comment);
  await h.text(ref, "yes");
}

describe("erasing a person", () => {
  it("leaves no document in any collection that mentions them, and the rollups keep their counts", async () => {
    await detractor(ALICE, ALICE_COMMENT);
    await detractor(BOB, BOB_COMMENT);
    // Alice starts again and is mid-survey when she is erased.
    await h.send(ALICE, { type: "start", flowKey: "csat" });
    await h.text(ALICE, "1");
    await h.stores.respondents.setLocale(ALICE, "en");
    // What other stores keep about her: an alert on her survey, its pointer, an admin's session, an audit line.
    const [archived] = await collect(ALICE);
    if (!archived) throw new Error("no archived response");
    const nps = await h.flows.get("nps", archived.state.flowVersion);
    if (!nps) throw new Error("no flow");
    const alert = raiseAlert(
      {
        conversationId: archived.state.id,
        flow: nps,
        rules: ["detractor"],
        respondent: ALICE,
        locale: "en",
        answers: Object.fromEntries(archived.state.answers.map((a) => [a.stepId, a.answer])),
        transcript: archived.transcript,
      },
      h.now(),
    );
    expect(await h.stores.alerts.create(alert)).toBe("ok");
    await h.stores.alerts.setOpen(`telegram:${ALICE.userId}`, alert.id, h.now());
    await h.stores.admin.setSession(`telegram:${ALICE.userId}`, {
      actor: `telegram:${ALICE.userId}`,
      kind: "text",
      flow: "nps",
      target: "title",
      locale: "en",
      edits: 1,
      startedAt: h.now().toISOString(),
    });
    await h.stores.audit.record({
      at: h.now(),
      actor: "slack:UADMIN",
      action: "admins.add",
      target: `telegram:${ALICE.userId}`,
    });
    await h.service.flush();
    const before = await everyDocument(h);
    expect(mentions(before, [ALICE.userId, "Zephyrine", "xylophone"]).length).toBeGreaterThan(5);
    const rollupsBefore = await rollupCounts(h);
    expect(rollupsBefore.length).toBeGreaterThan(0);
    // The rollups keep both comments as report examples (a negative comment about a theme)…
    expect(await rollupExamples(h)).toEqual(expect.arrayContaining([ALICE_COMMENT, BOB_COMMENT]));

    const report = await h.service.erase(ALICE);
    await h.service.flush();

    const after = await everyDocument(h);
    expect(mentions(after, [ALICE.userId, "Zephyrine", "xylophone"])).toEqual([]);
    expect(await rollupCounts(h)).toEqual(rollupsBefore);
    // …and only Bob's is left as an example.
    expect(await rollupExamples(h)).not.toContain(ALICE_COMMENT);
    expect(await rollupExamples(h)).toContain(BOB_COMMENT);
    // Bob is untouched; the audit line stays, naming Alice by her pseudonym.
    expect(mentions(after, [BOB.userId]).length).toBeGreaterThan(0);
    expect(mentions(after, [BOB_COMMENT]).length).toBeGreaterThan(0);
    expect(after.some((d) => d.collection === "audit_log" && d.json.includes(report?.pseudonym ?? "?"))).toBe(
      true,
    );
    expect(report?.alerts.map((a) => a.id)).toEqual([alert.id]);
    expect(Object.values(report?.erased ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    // Nothing in progress is left for her, and she can start afresh.
    expect(await h.service.activeConversation(ALICE)).toBeNull();
    const again = await h.send(ALICE, { type: "start", flowKey: "nps" });
    expect(again.messages.at(-1)?.text).toMatch(/recommend/);
  });

  it("exports a person's data before it is erased: responses, profile, alerts", async () => {
    const { subjectOf } = await import("../../core/privacy/registry.ts");
    const exported = await h.privacy.export(subjectOf(BOB), h.now());
    expect(Object.keys(exported.data)).toEqual(expect.arrayContaining(["responses", "respondents"]));
    const json = JSON.stringify(exported);
    expect(json).toContain(BOB_COMMENT);
    expect(json).toContain("Bartholomew Crane");
    expect(json).not.toContain(ALICE.userId);
  });
});

async function collect(ref: RespondentRef) {
  const out = [];
  for await (const r of h.stores.responses.list({}))
    if (r.state.respondent.userId === ref.userId && r.state.flowKey === "nps") out.push(r);
  return out;
}
