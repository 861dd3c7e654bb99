import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createPrivacyRegistry } from "../../core/privacy/registry.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService, type SurveyService } from "../../core/service.ts";
import type { InboundInput, RespondentRef } from "../../core/types.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { registerStorageHolders } from "../../storage/privacy-store.ts";
import { connectTestDb } from "../helpers/db.ts";

/** The real survey service with the storage's privacy holders, on a throwaway database, with a settable clock. */
export async function createPrivacyHarness() {
  const db = await connectTestDb("privacy");
  const stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const flows = new FlowRegistry(stores.flows);
  for (const f of (await loadFlowDirectory("flows")).flows) await flows.store(f, "test");
  const privacy = createPrivacyRegistry();
  registerStorageHolders(privacy, db.connection, stores.rollups);
  let now = new Date("2026-11-24T09:00:00Z");
  let ids = 0;
  const service: SurveyService = createSurveyService({
    stores,
    flows,
    privacy,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    clock: () => now,
    newId: () => `conv-${++ids}`,
  });
  let seq = 0;
  const send = (ref: RespondentRef, input: InboundInput) =>
    service.handle({ eventId: `ev-${++seq}`, respondent: ref, input, receivedAt: now });
  return {
    db,
    stores,
    flows,
    privacy,
    service,
    send,
    text: (ref: RespondentRef, text: string) => send(ref, { type: "text", text }),
    now: () => now,
    setNow(date: Date) {
      now = date;
    },
    async close() {
      await service.close();
      await db.drop();
    },
  };
}
export type PrivacyHarness = Awaited<ReturnType<typeof createPrivacyHarness>>;

/** Every document of every collection in the database, as JSON, with its collection's name. */
export async function everyDocument(h: PrivacyHarness): Promise<{ collection: string; json: string }[]> {
  const db = h.db.connection.db;
  if (!db) throw new Error("not connected");
  const out: { collection: string; json: string }[] = [];
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const doc of await db.collection(c.name).find({}).toArray())
      out.push({ collection: c.name, json: JSON.stringify(doc) });
  }
  return out;
}

/**
 * The score and conversation rollups without their bookkeeping (which runs applied them) and without the
 * example comments they keep for reports (personal data, erased with their author): the counts.
 */
export async function rollupCounts(h: PrivacyHarness): Promise<unknown[]> {
  const db = h.db.connection.db;
  if (!db) throw new Error("not connected");
  const docs = [
    ...(await db.collection("score_rollups").find({}).toArray()),
    ...(await db.collection("activity_rollups").find({}).toArray()),
  ];
  return docs
    .map(({ a: _a, x: _x, ...rest }) => rest)
    .sort((x, y) => String(x._id).localeCompare(String(y._id)));
}

/** The example comments the conversation rollups keep, by document. */
export async function rollupExamples(h: PrivacyHarness): Promise<string[]> {
  const db = h.db.connection.db;
  if (!db) throw new Error("not connected");
  const docs = await db.collection("activity_rollups").find({}).toArray();
  return docs.flatMap((d) => Object.values((d.x ?? {}) as Record<string, string>));
}
