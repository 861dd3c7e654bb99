import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectOf } from "../../core/privacy/registry.ts";
import { createPrivacyHarness, everyDocument, type PrivacyHarness } from "./setup.ts";

/**
 * Sending's collections (send queue, survey sends, contacts, webhook jobs), in the shapes storage/send-queue-store.ts
 * and storage/survey-send-store.ts write: a person's documents there are exported and erased with the rest.
 */

let h: PrivacyHarness;
beforeAll(async () => {
  h = await createPrivacyHarness();
});
afterAll(async () => {
  await h.close();
});

const job = (id: string, payload: Record<string, unknown>, chatKey?: string) => ({
  _id: id,
  v: 1,
  kind: "webhook",
  lane: "webhook:ep1",
  ...(chatKey === undefined ? {} : { chatKey }),
  dueAt: new Date(),
  payload: JSON.stringify(payload),
  attempts: 0,
  state: "queued",
  createdAt: new Date(),
  updatedAt: new Date(),
  lease: 0,
});

describe("sending's collections", () => {
  it("export and erase a person's survey sends, contact record, queued and finished jobs and their leases", async () => {
    const db = h.db.connection.db;
    if (!db) throw new Error("not connected");
    const c = (name: string) => db.collection<{ _id: string; [field: string]: unknown }>(name);
    const now = new Date();
    await c("survey_sends").insertMany([
      {
        _id: "s1",
        v: 1,
        platform: "telegram",
        userId: "77123",
        flow: "nps",
        status: "sent",
        source: "api",
        conversationId: "c-77",
        createdAt: now,
        updatedAt: now,
        remindersSent: 0,
        tries: 1,
      },
      {
        _id: "s2",
        v: 1,
        platform: "telegram",
        userId: "88123",
        flow: "nps",
        status: "sent",
        source: "api",
        createdAt: now,
        updatedAt: now,
        remindersSent: 0,
        tries: 1,
      },
    ]);
    await c("send_contacts").insertMany([
      { _id: "telegram:77123", v: 1, lastSentAt: now },
      { _id: "telegram:88123", v: 1, lastSentAt: now },
    ]);
    await c("send_jobs").insertMany([
      job("j1", {
        event: "response.completed",
        respondent: { platform: "telegram", userId: "77123" },
        comment: "the wombat ate my order",
      }),
      job("j2", { survey: { platform: "telegram", userId: "88123" } }, "telegram:88123"),
      job("j3", { survey: "s1" }, "telegram:77123"),
    ]);
    await c("send_jobs_done").insertOne({
      ...job("j4", { respondent: { userId: "77123" } }),
      finishedAt: now,
    });
    await c("send_job_leases").insertMany([
      { _id: "j1#1", v: 1, jobId: "j1", owner: "w", until: now },
      { _id: "j2#1", v: 1, jobId: "j2", owner: "w", until: now },
    ]);
    const subject = subjectOf({ channel: "telegram", userId: "77123" });

    const exported = await h.privacy.export(subject, now);
    expect(exported.data.survey_sends).toHaveLength(2);
    expect(exported.data.send_jobs).toHaveLength(3);
    expect(JSON.stringify(exported)).toContain("wombat");

    await h.privacy.erase(subject);
    const docs = await everyDocument(h);
    expect(docs.filter((d) => d.json.includes("77123") || d.json.includes("wombat"))).toEqual([]);
    // The other person's are untouched.
    expect(
      docs
        .filter((d) => d.json.includes("88123"))
        .map((d) => d.collection)
        .sort(),
    ).toEqual(["send_contacts", "send_jobs", "survey_sends"]);
    expect(docs.some((d) => d.collection === "send_job_leases" && d.json.includes("j2"))).toBe(true);
  });
});
