import { z } from "zod";
import { BoundedMap } from "../core/bounded-map.ts";
import type { ConversationRecord, ConversationStore } from "../core/ports.ts";
import { isDuplicateKey, type Models, raw, unread, WHOLE_DOCUMENT } from "./models.ts";
import {
  type ConversationHeadDoc,
  type ConversationRevisionDoc,
  conversationHeads,
  conversationRevisions,
  corruptionOf,
  type ResponseDoc,
  readStored,
  reportCorrupt,
  STORED_VERSION,
  type StoreCorruptError,
} from "./schemas.ts";

/**
 * Conversations in progress as an append-only chain of revisions.
 *
 * Measured on the embedded server (FerretDB 1.24, SQLite): an insert costs about 0.5 ms whatever the
 * collection's size; a `findOne({_id})` scanned the table (17 ms for a recent one among 10,000 documents of
 * 1 kB) until cxbot's launcher gave it an index (tools/ferretdb/idindex.go: about 1 ms); an update or delete
 * with any other filter scans the whole collection (47 ms at 5,000) and a conditional update is not atomic
 * under concurrency. So:
 * - an answer is saved as an **insert** of revision `key#conversation#rev`: the unique `_id` makes it the
 *   compare-and-set (exactly one of several writers of a revision succeeds), on MongoDB and FerretDB alike;
 * - reading is one `findOne` of the revision this process last wrote or read (a pointer kept in memory);
 *   a writer that is behind learns it from its insert's E11000 and reads forward;
 * - superseded revisions and those of archived conversations are deleted in batches, so the collection
 *   holds about one document per conversation in progress and every lookup stays short.
 * One round trip to read, one to write. A small head document per conversation in progress (`_id` = the
 * respondent's key) makes starting one a compare-and-set too, and tells a process without a pointer which
 * conversation to look for.
 *
 * When this process is the only writer (the embedded server it started, whose data directory it has locked),
 * the newest record it wrote is kept in memory (bounded): an answer is then one insert, with no read.
 */

/** How long a discarded revision is kept before it is deleted: far longer than one attempt (read, decide, insert) takes. */
const COMPACT_GRACE_MS = 250;

/** Memory a sole writer may spend on kept records (an estimate from their transcripts). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** How long a head may wait for its first revision before it counts as left behind by a crash. */
const ORPHAN_HEAD_MS = 30_000;

const revisionId = (key: string, conversationId: string, rev: number): string =>
  `${key}#${conversationId}#${rev}`;

/** The record a stored revision holds: every field but the revision's own bookkeeping. */
function toRecord(doc: ConversationRevisionDoc): ConversationRecord {
  const { _id, v, conversationId, status, updatedAt, ...record } = doc;
  return record;
}

/** The stored form of one revision (exported for bulk loading in the benchmark). */
export function toRevision(r: ConversationRecord): ConversationRevisionDoc {
  return {
    ...r,
    _id: revisionId(r.key, r.state.id, r.rev),
    v: STORED_VERSION,
    conversationId: r.state.id,
    status: r.state.status,
    updatedAt: new Date(r.state.updatedAt),
  };
}

/** What the idle sweep's scan projects from each revision. */
const ZRevisionRef = z.object({
  _id: z.string(),
  key: z.string(),
  conversationId: z.string(),
  rev: z.number(),
});

export interface ConversationStoreOptions {
  readonly pointerLimit?: number;
  readonly compactEvery?: number;
  /**
   * Records kept in memory when this process is the database's only writer (0: none, the default). Never set
   * it with several processes on one database: a kept record could be behind another process's write.
   */
  readonly soleWriterCache?: number;
  /**
   * Told about every stored document that cannot be read (see storage/schemas.ts). A lookup then throws the
   * same `STORE_CORRUPT` error; the idle sweep skips the document.
   */
  readonly onCorrupt?: (error: StoreCorruptError) => void;
}

export function createConversationStore(
  m: Models,
  options: ConversationStoreOptions = {},
): ConversationStore {
  const heads = raw<ConversationHeadDoc>(m.ConversationHead);
  const revisions = raw<ConversationRevisionDoc>(m.ConversationRevision);
  // Reads go through the untyped collections: what they return is parsed, not trusted.
  const storedHeads = unread(m.ConversationHead);
  const storedRevisions = unread(m.ConversationRevision);
  const onCorrupt = options.onCorrupt ?? reportCorrupt;
  /** A stored revision as a record; an unreadable one is reported and thrown. */
  const recordOf = (doc: unknown): ConversationRecord => {
    const read = readStored(conversationRevisions, doc);
    if (read.ok) return toRecord(read.value);
    onCorrupt(read.error);
    throw read.error;
  };
  const headOf = (doc: unknown): ConversationHeadDoc => {
    const read = readStored(conversationHeads, doc);
    if (read.ok) return read.value;
    onCorrupt(read.error);
    throw read.error;
  };
  const compactEvery = options.compactEvery ?? 100;
  /** key → the newest revision this process saw: a hint (writes verify it), bounded, oldest evicted first. */
  const pointers = new BoundedMap<string, { conversationId: string; rev: number }>(
    options.pointerLimit ?? 20_000,
  );
  const cacheLimit = options.soleWriterCache ?? 0;
  /**
   * key → the newest record, when this process is the only writer; bounded by count and by an estimate of
   * size (a transcript can hold 200 long messages), oldest evicted first.
   */
  const records = new Map<string, { record: ConversationRecord; size: number }>();
  let cachedSize = 0;
  const forget = (key: string): void => {
    const entry = records.get(key);
    if (!entry) return;
    records.delete(key);
    cachedSize -= entry.size;
  };
  const remember = (record: ConversationRecord): void => {
    if (cacheLimit === 0) return;
    forget(record.key);
    let size = 1_000;
    for (const line of record.transcript) size += 64 + line.text.length * 2;
    records.set(record.key, { record, size });
    cachedSize += size;
    while (records.size > cacheLimit || cachedSize > CACHE_BYTES) {
      const oldest = records.keys().next().value;
      if (oldest === undefined) break;
      forget(oldest);
    }
  };
  /** Revisions no one needs any more, oldest first, with when they were discarded. */
  let garbage: { id: string; at: number }[] = [];

  const point = (key: string, conversationId: string, rev: number): void => {
    pointers.set(key, { conversationId, rev });
  };

  const insert = async (doc: ConversationRevisionDoc): Promise<boolean> => {
    try {
      await revisions.insertOne(doc, WHOLE_DOCUMENT);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  };

  /** The newest revision at or after `from` (one `findOne` per revision ahead, plus one that misses). */
  const newestFrom = async (
    key: string,
    conversationId: string,
    from: number,
  ): Promise<ConversationRecord | null> => {
    let found: unknown = null;
    for (let rev = from; ; rev++) {
      const doc = await storedRevisions.findOne({ _id: revisionId(key, conversationId, rev) });
      if (!doc) return found === null ? null : recordOf(found);
      found = doc;
    }
  };

  /** Without a pointer: the head says which conversation; one query finds its newest revision. */
  const fromHead = async (key: string): Promise<ConversationRecord | null> => {
    const found = await storedHeads.findOne({ _id: key });
    if (!found) return null;
    const head = headOf(found);
    const [newest] = await storedRevisions
      .find({ key, conversationId: head.conversationId })
      .sort({ rev: -1 })
      .limit(1)
      .toArray();
    if (!newest) {
      if (head.startedAt.getTime() < Date.now() - ORPHAN_HEAD_MS) {
        await heads.deleteOne({ _id: key, conversationId: head.conversationId });
      }
      return null;
    }
    const record = recordOf(newest);
    point(key, record.state.id, record.rev);
    return record;
  };

  let compacting: Promise<number> | undefined;
  /**
   * Deletes discarded revisions. Only those discarded more than COMPACT_GRACE_MS ago (unless `all`): deleting a
   * revision frees its `_id`, and a slow writer that read it before it was superseded must still find the
   * next `_id` taken, or its insert would win a revision that was already written.
   */
  const compact = async (options: { all?: boolean } = {}): Promise<number> => {
    while (compacting) await compacting.catch(() => 0);
    const cutoff = options.all ? Number.POSITIVE_INFINITY : Date.now() - COMPACT_GRACE_MS;
    let aged = 0;
    while (aged < garbage.length && (garbage[aged]?.at ?? 0) <= cutoff) aged++;
    if (aged === 0) return 0;
    const batch = garbage.slice(0, aged);
    garbage = garbage.slice(aged);
    compacting = revisions
      .deleteMany({ _id: { $in: batch.map((g) => g.id) } })
      .then((r) => r.deletedCount)
      .catch((error: unknown) => {
        garbage = [...batch, ...garbage];
        throw error;
      });
    try {
      return await compacting;
    } finally {
      compacting = undefined;
    }
  };
  /** Revisions nobody will read again; deleted in batches (a delete scans the collection on FerretDB). */
  const discard = (ids: readonly string[]): void => {
    const at = Date.now();
    for (const id of ids) garbage.push({ id, at });
    const first = garbage[0];
    if (garbage.length >= compactEvery && first && first.at <= at - COMPACT_GRACE_MS && !compacting) {
      void compact().catch(() => undefined);
    }
  };

  return {
    async getActive(key, opts = {}) {
      const kept = records.get(key);
      if (kept) return kept.record;
      const pointer = pointers.get(key);
      if (pointer) {
        let record: ConversationRecord | null;
        if (opts.fresh) {
          record = await newestFrom(key, pointer.conversationId, pointer.rev);
        } else {
          const doc = await storedRevisions.findOne({
            _id: revisionId(key, pointer.conversationId, pointer.rev),
          });
          record = doc ? recordOf(doc) : null;
        }
        if (record) {
          if (opts.fresh) {
            // The conversation may have been archived by another process since.
            const head = await storedHeads.findOne({ _id: key });
            if (!head || headOf(head).conversationId !== record.state.id) {
              pointers.delete(key);
              return fromHead(key);
            }
          }
          point(key, record.state.id, record.rev);
          return record;
        }
        pointers.delete(key);
      }
      return fromHead(key);
    },

    async create(record) {
      const doc = toRevision(record);
      // Whatever happens below, what was kept for this key may no longer be the newest.
      forget(record.key);
      await insert(doc);
      try {
        await heads.insertOne({
          _id: record.key,
          v: STORED_VERSION,
          conversationId: record.state.id,
          startedAt: new Date(record.state.startedAt),
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        discard([doc._id]);
        return "conflict";
      }
      point(record.key, record.state.id, record.rev);
      remember(record);
      return "ok";
    },

    async update(record, expectedRev) {
      if (record.rev !== expectedRev + 1)
        throw new RangeError(`rev ${record.rev} does not follow ${expectedRev}`);
      // A write that fails (even one the server saved) leaves nothing kept: the next read goes to the database.
      forget(record.key);
      if (!(await insert(toRevision(record)))) {
        pointers.delete(record.key);
        return "conflict";
      }
      point(record.key, record.state.id, record.rev);
      remember(record);
      discard([revisionId(record.key, record.state.id, expectedRev)]);
      return "ok";
    },

    async archive(record) {
      const s = record.state;
      forget(record.key);
      const doc: ResponseDoc = {
        ...record,
        _id: s.id,
        v: STORED_VERSION,
        flowKey: s.flowKey,
        flowVersion: s.flowVersion,
        status: s.status,
        channel: s.respondent.channel,
        startedAt: new Date(s.startedAt),
        endedAt: new Date(s.endedAt ?? s.updatedAt),
      };
      // An insert (O(1) as the archive grows); an ended conversation never changes, so a repeat is a no-op.
      try {
        await raw<ResponseDoc>(m.Response).insertOne(doc, WHOLE_DOCUMENT);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      await heads.deleteOne({ _id: record.key, conversationId: s.id });
      if (pointers.get(record.key)?.conversationId === s.id) pointers.delete(record.key);
      discard([revisionId(record.key, s.id, record.rev)]);
    },

    async listIdle(before, max, options) {
      // One scan of the revisions for the whole sweep, then one probe per candidate that it is the newest.
      // An unreadable document is reported and skipped: one bad conversation never stops the sweep.
      const updatedAt = options?.after ? { $lt: before, $gt: options.after } : { $lt: before };
      const stale = await storedRevisions
        .find({ updatedAt }, { projection: { key: 1, conversationId: 1, rev: 1 } })
        .toArray();
      const newest = new Map<string, { key: string; conversationId: string; rev: number }>();
      for (const found of stale) {
        const parsed = ZRevisionRef.safeParse(found);
        if (!parsed.success) {
          onCorrupt(corruptionOf(conversationRevisions.collection, found, parsed.error));
          continue;
        }
        const d = parsed.data;
        const id = `${d.key}#${d.conversationId}`;
        const seen = newest.get(id);
        if (!seen || seen.rev < d.rev)
          newest.set(id, { key: d.key, conversationId: d.conversationId, rev: d.rev });
      }
      const out: ConversationRecord[] = [];
      for (const c of newest.values()) {
        if (out.length >= max) break;
        const found = await storedHeads.findOne({ _id: c.key });
        if (!found) continue;
        const head = readStored(conversationHeads, found);
        if (!head.ok) {
          onCorrupt(head.error);
          continue;
        }
        if (head.value.conversationId !== c.conversationId) continue;
        if (
          await storedRevisions.findOne(
            { _id: revisionId(c.key, c.conversationId, c.rev + 1) },
            { projection: { _id: 1 } },
          )
        ) {
          continue;
        }
        const doc = await storedRevisions.findOne({ _id: revisionId(c.key, c.conversationId, c.rev) });
        if (!doc) continue;
        const read = readStored(conversationRevisions, doc);
        if (read.ok) out.push(toRecord(read.value));
        else onCorrupt(read.error);
      }
      return out.sort((a, b) => (a.state.updatedAt < b.state.updatedAt ? -1 : 1));
    },

    countActive: () => heads.countDocuments({}),

    compact,
  };
}
