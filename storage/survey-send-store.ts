import { type Connection, type mongo, Schema } from "mongoose";
import { z } from "zod";
import { ZLocale } from "../core/locale.ts";
import type { ContactRecord } from "../core/sending/fatigue.ts";
import type { StoredSurveySend, SurveySendPatch, SurveySendStore } from "../core/sending/surveys.ts";
import type { FailReason, SkipReason } from "../core/sending/types.ts";
import { isDuplicateKey, raw, retryUpsert } from "./models.ts";

/**
 * Surveys sent on cxbot's initiative (`survey_sends`, by survey id) and what sending knows about each
 * respondent (`send_contacts`, by respondent key: when they were last sent a survey, per flow, and whether a
 * platform refused them for good). Both are read and written by exact `_id` only.
 */

const VERSION = 1;

interface SendDoc {
  _id: string;
  v: number;
  platform: string;
  userId: string;
  flow: string;
  locale?: string;
  reference?: string;
  /** Names checked by the dispatcher (`ZPropertyKey`: no `.`, no `$`), so they are safe as field names. */
  properties?: Record<string, string>;
  sendAt?: Date;
  status: string;
  reason?: string;
  source: string;
  conversationId?: string;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date;
  remindersSent: number;
  tries: number;
}

interface ContactDoc {
  _id: string;
  v: number;
  lastSentAt?: Date;
  lastSendId?: string;
  /** Per flow key (flow keys are `a-z0-9-`), when it was last sent. */
  flows?: Record<string, Date>;
  unreachable?: { reason: string; at: Date };
}

const ZStatus = z.enum(["scheduled", "sent", "completed", "partial", "expired", "skipped", "failed"]);
const ZReason = z.enum([
  "opted-out",
  "fatigue",
  "recontact",
  "sampled-out",
  "quiet-hours",
  "busy",
  "unknown-flow",
  "flow-disabled",
  "blocked",
  "not-found",
  "dms-closed",
  "refused",
  "attempts-exhausted",
]);
const ZFailReason = z.enum(["blocked", "not-found", "dms-closed", "refused", "attempts-exhausted"]);

const ZSendDoc = z.object({
  _id: z.string(),
  platform: z.enum(["telegram", "slack", "discord"]),
  userId: z.string(),
  flow: z.string(),
  locale: ZLocale.optional(),
  reference: z.string().optional(),
  properties: z.record(z.string(), z.string()).optional(),
  sendAt: z.date().optional(),
  status: ZStatus,
  reason: ZReason.optional(),
  source: z.string(),
  conversationId: z.string().optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
  sentAt: z.date().optional(),
  remindersSent: z.number().int(),
  tries: z.number().int(),
});

const ZContactDoc = z.object({
  _id: z.string(),
  lastSentAt: z.date().optional(),
  lastSendId: z.string().optional(),
  flows: z.record(z.string(), z.date()).optional(),
  unreachable: z.object({ reason: ZFailReason, at: z.date() }).optional(),
});

const opts = { versionKey: false, minimize: false, strict: true } as const;
const sendSchema = new Schema<SendDoc>(
  {
    _id: String,
    v: Number,
    platform: { type: String, required: true },
    userId: { type: String, required: true },
    flow: { type: String, required: true },
    locale: String,
    reference: String,
    properties: Schema.Types.Mixed,
    sendAt: Date,
    status: { type: String, required: true },
    reason: String,
    source: { type: String, required: true },
    conversationId: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    sentAt: Date,
    remindersSent: Number,
    tries: Number,
  },
  { ...opts, collection: "survey_sends" },
);
// For reports on MongoDB (skips by reason, sends per flow); the embedded server scans.
sendSchema.index({ flow: 1, createdAt: -1 });
const contactSchema = new Schema<ContactDoc>(
  {
    _id: String,
    v: Number,
    lastSentAt: Date,
    lastSendId: String,
    flows: Schema.Types.Mixed,
    unreachable: Schema.Types.Mixed,
  },
  { ...opts, collection: "send_contacts" },
);

/** One flow's send counts on one day: `_id` `<flow>|<day>`, `counts` by outcome (`sent`, `skipped:fatigue`…). */
interface TallyDoc {
  _id: string;
  counts?: Record<string, number>;
}
const tallySchema = new Schema<TallyDoc>(
  { _id: String, counts: Schema.Types.Mixed },
  { ...opts, collection: "send_tallies" },
);
const ZTallyCounts = z.record(z.string(), z.number());

function toSend(doc: z.infer<typeof ZSendDoc>): StoredSurveySend {
  return {
    id: doc._id,
    request: {
      platform: doc.platform,
      userId: doc.userId,
      flow: doc.flow,
      ...(doc.locale === undefined ? {} : { locale: doc.locale }),
      ...(doc.reference === undefined ? {} : { reference: doc.reference }),
      ...(doc.properties === undefined ? {} : { properties: doc.properties }),
      ...(doc.sendAt === undefined ? {} : { sendAt: doc.sendAt }),
    },
    status: doc.status,
    ...(doc.reason === undefined ? {} : { reason: doc.reason }),
    source: doc.source,
    ...(doc.conversationId === undefined ? {} : { conversationId: doc.conversationId }),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...(doc.sentAt === undefined ? {} : { sentAt: doc.sentAt }),
    remindersSent: doc.remindersSent,
    tries: doc.tries,
  };
}

function toDoc(send: StoredSurveySend): SendDoc {
  const r = send.request;
  return {
    _id: send.id,
    v: VERSION,
    platform: r.platform,
    userId: r.userId,
    flow: r.flow,
    ...(r.locale === undefined ? {} : { locale: r.locale }),
    ...(r.reference === undefined ? {} : { reference: r.reference }),
    ...(r.properties === undefined ? {} : { properties: { ...r.properties } }),
    ...(r.sendAt === undefined ? {} : { sendAt: r.sendAt }),
    status: send.status,
    ...(send.reason === undefined ? {} : { reason: send.reason }),
    source: send.source,
    ...(send.conversationId === undefined ? {} : { conversationId: send.conversationId }),
    createdAt: send.createdAt,
    updatedAt: send.updatedAt,
    ...(send.sentAt === undefined ? {} : { sentAt: send.sentAt }),
    remindersSent: send.remindersSent,
    tries: send.tries,
  };
}

export interface SurveySendStoreOptions {
  /** Told about stored documents that cannot be read (default: a process warning). */
  readonly onCorrupt?: (id: unknown, error: unknown) => void;
}

/** Builds the store on an open connection and creates its indexes (idempotent). */
export async function openSurveySendStore(
  connection: Connection,
  options: SurveySendStoreOptions = {},
): Promise<SurveySendStore> {
  const Send = connection.models.SurveySend ?? connection.model("SurveySend", sendSchema);
  const Contact = connection.models.SendContact ?? connection.model("SendContact", contactSchema);
  const Tally = connection.models.SendTally ?? connection.model("SendTally", tallySchema);
  const tallyDocs: mongo.Collection<TallyDoc> = raw<TallyDoc>(Tally);
  await Promise.all([Send.createIndexes(), Contact.createIndexes()]);
  const sends: mongo.Collection<SendDoc> = raw<SendDoc>(Send);
  const contacts: mongo.Collection<ContactDoc> = raw<ContactDoc>(Contact);
  const onCorrupt =
    options.onCorrupt ??
    ((id: unknown, error: unknown) =>
      process.emitWarning(`survey sends: ${String(id)} cannot be read: ${String(error)}`));

  return {
    async create(list) {
      if (list.length === 0) return;
      try {
        await sends.insertMany(list.map(toDoc), { ordered: false });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },
    async get(id) {
      const found = await sends.findOne({ _id: id });
      if (!found) return null;
      const parsed = ZSendDoc.safeParse(found);
      if (!parsed.success) {
        onCorrupt(id, parsed.error);
        return null;
      }
      return toSend(parsed.data);
    },
    async update(id, patch: SurveySendPatch, at, onlyIf) {
      // Filtered by `_id` alone: the embedded server pushes only that down (any other condition is a scan).
      if (onlyIf !== undefined) {
        const found = await sends.findOne({ _id: id }, { projection: { status: 1 } });
        const status = ZStatus.safeParse(found?.status);
        if (!status.success || !onlyIf.includes(status.data)) return;
      }
      await sends.updateOne({ _id: id }, { $set: { ...patch, updatedAt: at } });
    },
    async contact(key): Promise<ContactRecord | null> {
      const found = await contacts.findOne({ _id: key });
      if (!found) return null;
      const parsed = ZContactDoc.safeParse(found);
      if (!parsed.success) {
        // What sending remembers is a guard, not a record: unreadable, it is treated as absent.
        onCorrupt(key, parsed.error);
        return null;
      }
      const d = parsed.data;
      return {
        ...(d.lastSentAt === undefined ? {} : { lastSentAt: d.lastSentAt }),
        ...(d.lastSendId === undefined ? {} : { lastSendId: d.lastSendId }),
        flows: d.flows ?? {},
        ...(d.unreachable === undefined ? {} : { unreachable: d.unreachable }),
      };
    },
    async recordSend(key, sendId, flowKey, at) {
      await retryUpsert(() =>
        contacts.updateOne(
          { _id: key },
          {
            $set: { lastSentAt: at, lastSendId: sendId, [`flows.${flowKey}`]: at },
            $setOnInsert: { v: VERSION },
          },
          { upsert: true },
        ),
      );
    },
    async tally(flowKey, day, outcome) {
      // One `$inc` on an exact `_id`: counted once per decision (a job re-run after a crash may count twice).
      await retryUpsert(() =>
        tallyDocs.updateOne(
          { _id: `${flowKey}|${day}` },
          { $inc: { [`counts.${outcome}`]: 1 } },
          { upsert: true },
        ),
      );
    },
    async tallies(flowKey, days) {
      const sent = { n: 0 };
      const skipped: Partial<Record<SkipReason, number>> = {};
      const failed: Partial<Record<FailReason, number>> = {};
      if (days.length === 0) return { sent: 0, skipped, failed };
      // Exact ids: a year is 366 small documents, whatever the traffic.
      const found = await tallyDocs.find({ _id: { $in: days.map((d) => `${flowKey}|${d}`) } }).toArray();
      for (const doc of found) {
        const counts = ZTallyCounts.safeParse(doc.counts ?? {});
        if (!counts.success) continue;
        for (const [outcome, n] of Object.entries(counts.data)) {
          const [kind, reason] = outcome.split(":");
          if (kind === "sent") sent.n += n;
          else if (kind === "skipped" && reason)
            skipped[reason as SkipReason] = (skipped[reason as SkipReason] ?? 0) + n;
          else if (kind === "failed" && reason)
            failed[reason as FailReason] = (failed[reason as FailReason] ?? 0) + n;
        }
      }
      return { sent: sent.n, skipped, failed };
    },
    async markUnreachable(key, reason: FailReason, at) {
      await retryUpsert(() =>
        contacts.updateOne(
          { _id: key },
          { $set: { unreachable: { reason, at } }, $setOnInsert: { v: VERSION } },
          { upsert: true },
        ),
      );
    },
  };
}
