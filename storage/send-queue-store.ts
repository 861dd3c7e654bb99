import { randomUUID } from "node:crypto";
import { type Connection, type mongo, Schema } from "mongoose";
import { z } from "zod";
import type { JobStep, Lease, QueueStore } from "../core/sending/queue.ts";
import type { Job, JobKind, JobSpec, JobState } from "../core/sending/types.ts";
import { isDuplicateKey, raw } from "./models.ts";

/**
 * The send queue on MongoDB ≥ 6 and FerretDB 1.24 (see core/sending/queue.ts for the protocol). Three
 * collections:
 * - `send_jobs`: the jobs still to run (hot: the workers scan it for due jobs, so finished jobs leave it);
 * - `send_job_leases`: `<jobId>#<epoch>`, inserted to take a job, only ever written by their owner afterwards;
 * - `send_jobs_done`: finished jobs, read by id (`get`) and pruned by age.
 * Every write that decides something is an insert by `_id`; the conditional updates FerretDB would run as
 * read-then-write are only made by the holder of a job's lease.
 */

const VERSION = 1;

interface JobDoc {
  _id: string;
  v: number;
  kind: JobKind;
  lane: string;
  chatKey?: string;
  dueAt: Date;
  /** The payload as JSON text: its keys may hold `.` or `$`, which stored documents may not. */
  payload: string;
  attempts: number;
  maxAttempts?: number;
  state: JobState;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
  /** The enqueue call that created it (to tell which inserts of a bulk insert went in). */
  enq?: string;
  /** The newest lease epoch known (a hint: the lease chain is read forward from it). */
  lease: number;
  /** Archive only: when it left the queue. */
  finishedAt?: Date;
}

interface LeaseDoc {
  _id: string;
  v: number;
  jobId: string;
  owner: string;
  until: Date;
}

const ZJobDoc = z.object({
  _id: z.string(),
  kind: z.enum(["survey", "reminder", "webhook"]),
  lane: z.string(),
  chatKey: z.string().optional(),
  dueAt: z.date(),
  payload: z.string(),
  attempts: z.number().int().min(0),
  maxAttempts: z.number().int().min(1).optional(),
  state: z.enum(["queued", "done", "failed", "cancelled"]),
  lastError: z.string().optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lease: z.number().int().min(0),
});
const ZPayload = z.record(z.string(), z.unknown());
const ZLeaseDoc = z.object({ _id: z.string(), jobId: z.string(), owner: z.string(), until: z.date() });

const opts = { versionKey: false, minimize: false, strict: true } as const;
const jobFields = {
  _id: String,
  v: Number,
  kind: { type: String, required: true },
  lane: { type: String, required: true },
  chatKey: String,
  dueAt: { type: Date, required: true },
  payload: { type: String, required: true },
  attempts: { type: Number, required: true },
  maxAttempts: Number,
  state: { type: String, required: true },
  lastError: String,
  enq: String,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  lease: { type: Number, required: true },
};
const jobSchema = new Schema<JobDoc>(jobFields, { ...opts, collection: "send_jobs" });
jobSchema.index({ dueAt: 1 });
const doneSchema = new Schema<JobDoc>(
  { ...jobFields, finishedAt: { type: Date, required: true } },
  { ...opts, collection: "send_jobs_done" },
);
doneSchema.index({ finishedAt: 1 });
const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: String,
    v: Number,
    jobId: { type: String, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { ...opts, collection: "send_job_leases" },
);
leaseSchema.index({ until: 1 });

function modelOf<T>(connection: Connection, name: string, schema: Schema<T>) {
  return connection.models[name] ?? connection.model(name, schema);
}

/** Reads a stored job; a document that cannot be read is reported and left out. */
function toJob(doc: unknown, onCorrupt: (id: unknown, error: unknown) => void): Job | null {
  const parsed = ZJobDoc.safeParse(doc);
  if (!parsed.success) {
    onCorrupt((doc as { _id?: unknown } | null)?._id, parsed.error);
    return null;
  }
  const d = parsed.data;
  let payload: Record<string, unknown>;
  try {
    payload = ZPayload.parse(JSON.parse(d.payload));
  } catch (error) {
    onCorrupt(d._id, error);
    return null;
  }
  return {
    id: d._id,
    kind: d.kind,
    lane: d.lane,
    ...(d.chatKey === undefined ? {} : { chatKey: d.chatKey }),
    dueAt: d.dueAt,
    payload,
    ...(d.maxAttempts === undefined ? {} : { maxAttempts: d.maxAttempts }),
    state: d.state,
    attempts: d.attempts,
    ...(d.lastError === undefined ? {} : { lastError: d.lastError }),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

function toDoc(spec: JobSpec, now: Date, enq: string): JobDoc {
  return {
    _id: spec.id,
    v: VERSION,
    kind: spec.kind,
    lane: spec.lane,
    ...(spec.chatKey === undefined ? {} : { chatKey: spec.chatKey }),
    dueAt: spec.dueAt,
    payload: JSON.stringify(spec.payload),
    attempts: 0,
    ...(spec.maxAttempts === undefined ? {} : { maxAttempts: spec.maxAttempts }),
    state: "queued",
    createdAt: now,
    updatedAt: now,
    enq,
    lease: 0,
  };
}

const leaseId = (jobId: string, epoch: number): string => `${jobId}#${epoch}`;
/** Finished jobs are written to the archive this often, or once this many are waiting. */
const FLUSH_MS = 100;
const FLUSH_BATCH = 200;
/** Leases that ran out longer ago than this may be pruned (unless their job is still queued). */
const FINISHED_HOLD_MS = 3_600_000;

export interface SendQueueStoreOptions {
  readonly clock?: () => Date;
  /** Told about stored jobs that cannot be read (default: a process warning). */
  readonly onCorrupt?: (id: unknown, error: unknown) => void;
}

/** Builds the queue store on an open connection and creates its indexes (idempotent). */
export async function openSendQueueStore(
  connection: Connection,
  options: SendQueueStoreOptions = {},
): Promise<QueueStore> {
  const models = {
    Job: modelOf(connection, "SendJob", jobSchema),
    Done: modelOf(connection, "SendJobDone", doneSchema),
    Lease: modelOf(connection, "SendJobLease", leaseSchema),
  };
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  return createSendQueueStore(models, options);
}

type Models = {
  readonly Job: Parameters<typeof raw>[0];
  readonly Done: Parameters<typeof raw>[0];
  readonly Lease: Parameters<typeof raw>[0];
};

function createSendQueueStore(models: Models, options: SendQueueStoreOptions): QueueStore {
  const jobs: mongo.Collection<JobDoc> = raw<JobDoc>(models.Job);
  const done: mongo.Collection<JobDoc> = raw<JobDoc>(models.Done);
  const leases: mongo.Collection<LeaseDoc> = raw<LeaseDoc>(models.Lease);
  const clock = options.clock ?? (() => new Date());
  const onCorrupt =
    options.onCorrupt ??
    ((id: unknown, error: unknown) =>
      process.emitWarning(`send queue: job ${String(id)} cannot be read: ${String(error)}`));

  /**
   * Moves jobs that left the queue to the archive, then out of the queue; safe to repeat. Their leases stay
   * (pruned later): the newest is unexpired, and a claim that outlives it finds the job gone from the queue.
   */
  const archive = async (docs: readonly JobDoc[], now: Date): Promise<void> => {
    if (docs.length === 0) return;
    try {
      await done.insertMany(
        docs.map(({ enq: _enq, ...kept }) => ({ ...kept, finishedAt: now })),
        { ordered: false },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const ids = docs.map((d) => d._id);
    await (ids.length === 1
      ? jobs.deleteOne({ _id: ids[0] as string })
      : jobs.deleteMany({ _id: { $in: ids } }));
  };

  /**
   * Finished jobs waiting to be archived: written together every {@link FLUSH_MS} (one insert and one delete
   * for many jobs). Until then the job's lease, unexpired, keeps every worker off it; a crash before the
   * write leaves it queued, to run again once the lease expires (handlers are idempotent by job id).
   */
  let finished: { doc: JobDoc; at: Date }[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (finished.length === 0) return flushing;
    const batch = finished;
    finished = [];
    flushing = flushing.then(async () => {
      try {
        await archive(
          batch.map((f) => f.doc),
          batch.at(-1)?.at ?? clock(),
        );
      } catch (error) {
        // Not lost: the jobs stay queued and run again when their leases expire.
        onCorrupt(batch.map((f) => f.doc._id).join(","), error);
      }
    });
    return flushing;
  };
  const flushTimer = setInterval(() => void flush(), FLUSH_MS);
  flushTimer.unref();

  /** The newest lease epoch each job had when a page listed it: where its claim starts reading. */
  const hints = new Map<string, number>();

  const claim = async (jobId: string, owner: string, now: Date, leaseMs: number): Promise<Lease | null> => {
    let epoch = hints.get(jobId);
    hints.delete(jobId);
    if (epoch === undefined) {
      const fresh = await jobs.findOne({ _id: jobId }, { projection: { lease: 1 } });
      if (!fresh) return null;
      epoch = fresh.lease;
    }
    // The newest lease known must have run out (or been given up) before the next one is taken.
    let doc: LeaseDoc | null = epoch > 0 ? await leases.findOne({ _id: leaseId(jobId, epoch) }) : null;
    for (let tries = 0; tries < 8; tries++) {
      if (doc) {
        const held = ZLeaseDoc.safeParse(doc);
        if (held.success && held.data.until.getTime() > now.getTime()) return null;
        // Its last holder gave it up or died: perhaps after archiving it, before it left the queue.
        if ((await done.findOne({ _id: jobId }, { projection: { _id: 1 } })) !== null) {
          await jobs.deleteOne({ _id: jobId });
          return null;
        }
      }
      const until = new Date(now.getTime() + leaseMs);
      try {
        await leases.insertOne({ _id: leaseId(jobId, epoch + 1), v: VERSION, jobId, owner, until });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Another worker took the next lease first: it is the newest now (unless it expired already).
        epoch++;
        doc = await leases.findOne({ _id: leaseId(jobId, epoch) });
        continue;
      }
      // A page can be older than the job's end: it must still be queued. (Lease 1 means nobody held it
      // before, so nobody can have finished it.)
      if (epoch > 0 && (await jobs.findOne({ _id: jobId }, { projection: { _id: 1 } })) === null) return null;
      return { jobId, epoch: epoch + 1, owner, until };
    }
    return null;
  };

  /** Whether a later lease than `lease` was taken (this worker's expired and someone else has the job). */
  const superseded = async (lease: Lease): Promise<boolean> =>
    (await leases.findOne({ _id: leaseId(lease.jobId, lease.epoch + 1) }, { projection: { _id: 1 } })) !==
    null;

  const release = async (lease: Lease, now: Date): Promise<void> => {
    await leases.updateOne({ _id: leaseId(lease.jobId, lease.epoch) }, { $set: { until: now } });
  };

  const getDoc = async (id: string): Promise<JobDoc | null> =>
    (await jobs.findOne({ _id: id })) ?? (await done.findOne({ _id: id }));

  return {
    async enqueue(specs) {
      if (specs.length === 0) return { created: 0, existing: 0 };
      const now = clock();
      const unique = new Map<string, JobSpec>();
      for (const s of specs) if (!unique.has(s.id)) unique.set(s.id, s);
      const enq = randomUUID();
      let inserted = [...unique.keys()];
      try {
        await jobs.insertMany(
          [...unique.values()].map((s) => toDoc(s, now, enq)),
          { ordered: false },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Which ones went in: read back by id (FerretDB misreports the failed indexes of a bulk insert).
        const mine = await jobs.find({ _id: { $in: inserted }, enq }, { projection: { _id: 1 } }).toArray();
        const ids = new Set(mine.map((d) => d._id));
        inserted = inserted.filter((id) => ids.has(id));
      }
      if (inserted.length > 0) {
        // A job that already ran and left the queue exists too: its new copy is taken out again.
        const finished = await done.find({ _id: { $in: inserted } }, { projection: { _id: 1 } }).toArray();
        if (finished.length > 0) {
          const ids = finished.map((d) => d._id);
          await jobs.deleteMany({ _id: { $in: ids } });
          inserted = inserted.filter((id) => !ids.includes(id));
        }
      }
      return { created: inserted.length, existing: specs.length - inserted.length };
    },
    async get(id) {
      const pending = finished.find((f) => f.doc._id === id)?.doc;
      const doc = pending ?? (await getDoc(id));
      return doc ? toJob(doc, onCorrupt) : null;
    },
    async cancel(id) {
      const now = clock();
      const lease = await claim(id, "cancel", now, 60_000);
      if (!lease) return false;
      const doc = await jobs.findOne({ _id: id });
      if (!doc) return false;
      await archive([{ ...doc, state: "cancelled", updatedAt: now, lease: lease.epoch }], now);
      return true;
    },
    async due(now, limit) {
      const docs = await jobs
        .find({ state: "queued", dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray();
      const out: Job[] = [];
      if (hints.size > 10 * limit) hints.clear();
      for (const doc of docs) {
        const job = toJob(doc, onCorrupt);
        if (!job) continue;
        hints.set(job.id, doc.lease);
        out.push(job);
      }
      return out;
    },
    claim: (job, owner, now, leaseMs) => claim(job.id, owner, now, leaseMs),
    async settle(lease: Lease, job: Job, step: JobStep, now: Date) {
      if (step.type === "retry") {
        // A worker whose lease ran out leaves the job to the one that has it now.
        if (await superseded(lease)) return;
        await jobs.updateOne(
          { _id: job.id },
          {
            $set: {
              dueAt: step.dueAt,
              attempts: step.attempts,
              lastError: step.error,
              updatedAt: now,
              lease: lease.epoch,
            },
          },
        );
        await release(lease, now);
        return;
      }
      // The archive first, then out of the queue: a crash in between leaves the job to run again (handlers
      // are idempotent by job id), never lost.
      finished.push({
        at: now,
        doc: {
          ...toDoc(job, job.createdAt, ""),
          state: step.state,
          attempts: step.attempts ?? job.attempts,
          updatedAt: now,
          lease: lease.epoch,
          ...(job.lastError === undefined ? {} : { lastError: job.lastError }),
          ...(step.reason === undefined ? {} : { lastError: step.reason }),
        },
      });
      if (finished.length >= FLUSH_BATCH) await flush();
    },
    release,
    async prune(before) {
      const removed = (await done.deleteMany({ finishedAt: { $lt: before } })).deletedCount;
      // Leases that ran out a while ago, unless their job is still queued (its chain must stay whole).
      const old = await leases
        .find(
          { until: { $lt: new Date(clock().getTime() - FINISHED_HOLD_MS) } },
          { projection: { jobId: 1 } },
        )
        .limit(5000)
        .toArray();
      if (old.length > 0) {
        const jobIds = [...new Set(old.map((l) => l.jobId))];
        const queued = await jobs.find({ _id: { $in: jobIds } }, { projection: { _id: 1 } }).toArray();
        const keep = new Set(queued.map((d) => d._id));
        const gone = old.filter((l) => !keep.has(l.jobId)).map((l) => l._id);
        if (gone.length > 0) await leases.deleteMany({ _id: { $in: gone } });
      }
      return removed;
    },
    async countQueued() {
      await flush();
      return jobs.countDocuments({});
    },
    flush,
    async close() {
      clearInterval(flushTimer);
      await flush();
    },
  };
}
