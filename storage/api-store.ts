import { type Connection, Schema } from "mongoose";
import { z } from "zod";
import type { IdempotencyStore } from "../core/api/idempotency.ts";
import type { ApiKeyRecord, ApiKeyStore } from "../core/api/keys.ts";
import { isDuplicateKey, raw, unread, WHOLE_DOCUMENT } from "./models.ts";

/**
 * The HTTP API's storage: API keys (hashed) and the answers kept for `Idempotency-Key`. Both are read only by
 * `_id` (the key's id, the hash of the idempotency scope and key), and both are created by a unique `_id`
 * insert, so they behave the same on MongoDB and on FerretDB, whose conditional updates are not atomic.
 */

interface ApiKeyDoc {
  _id: string;
  name: string;
  hash: string;
  hint: string;
  createdAt: Date;
  createdBy: string;
  revokedAt?: Date;
  revokedBy?: string;
}

interface IdempotencyDoc {
  _id: string;
  bodyHash: string;
  state: "pending" | "done";
  status?: number;
  body?: string;
  createdAt: Date;
}

const opts = { versionKey: false, _id: false, strict: true } as const;

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    hash: { type: String, required: true },
    hint: String,
    createdAt: Date,
    createdBy: String,
    revokedAt: Date,
    revokedBy: String,
  },
  { ...opts, collection: "api_keys" },
);

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    _id: String,
    bodyHash: { type: String, required: true },
    state: String,
    status: Number,
    body: String,
    createdAt: Date,
  },
  { ...opts, collection: "idempotency_keys" },
);
idempotencySchema.index({ createdAt: 1 });

/** What a stored key document must look like to be trusted. */
const ZApiKeyDoc = z.object({
  _id: z.string(),
  name: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  hint: z.string().default(""),
  createdAt: z.date(),
  createdBy: z.string().default(""),
  revokedAt: z.date().optional(),
  revokedBy: z.string().optional(),
});

const ZIdempotencyDoc = z.object({
  _id: z.string(),
  bodyHash: z.string(),
  state: z.enum(["pending", "done"]),
  status: z.number().int().optional(),
  body: z.string().optional(),
  createdAt: z.date(),
});

/** The document holding the first answer to a claimed key (an update is a scan on FerretDB: 20 ms, not 3). */
const answerId = (id: string): string => `${id}:answer`;

export interface ApiStores {
  readonly keys: ApiKeyStore;
  readonly idempotency: IdempotencyStore;
}

function readKey(doc: unknown): ApiKeyRecord | null {
  const parsed = ZApiKeyDoc.safeParse(doc);
  if (!parsed.success) return null;
  const { _id, revokedAt, revokedBy, ...rest } = parsed.data;
  return {
    id: _id,
    ...rest,
    ...(revokedAt === undefined ? {} : { revokedAt }),
    ...(revokedBy === undefined ? {} : { revokedBy }),
  };
}

/** The API's stores on a connection; creates their indexes. */
export async function createApiStores(connection: Connection): Promise<ApiStores> {
  const ApiKey = connection.models.ApiKey ?? connection.model<ApiKeyDoc>("ApiKey", apiKeySchema);
  const Idempotency =
    connection.models.IdempotencyKey ?? connection.model<IdempotencyDoc>("IdempotencyKey", idempotencySchema);
  await Promise.all([ApiKey.createIndexes(), Idempotency.createIndexes()]);
  const keys = raw<ApiKeyDoc>(ApiKey);
  const idempotency = raw<IdempotencyDoc>(Idempotency);

  return {
    keys: {
      async insert(record) {
        const { id, ...rest } = record;
        try {
          await keys.insertOne({ _id: id, ...rest }, WHOLE_DOCUMENT);
          return "ok";
        } catch (error) {
          if (isDuplicateKey(error)) return "exists";
          throw error;
        }
      },
      async get(id) {
        return readKey(await unread(ApiKey).findOne({ _id: id }));
      },
      async list() {
        const docs = await unread(ApiKey).find({}).toArray();
        return docs
          .map(readKey)
          .filter((r): r is ApiKeyRecord => r !== null)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      },
      async revoke(id, by, at) {
        const result = await keys.updateOne({ _id: id }, { $set: { revokedAt: at, revokedBy: by } });
        return result.matchedCount > 0;
      },
    },
    idempotency: {
      async claim(record) {
        const { id, ...rest } = record;
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await idempotency.insertOne({ _id: id, ...rest }, WHOLE_DOCUMENT);
            return "claimed";
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
          }
          // The answer, once there is one, is a document of its own: inserts only, no update.
          const [answer, claim] = await Promise.all([
            unread(Idempotency).findOne({ _id: answerId(id) }),
            unread(Idempotency).findOne({ _id: id }),
          ]);
          const doc = answer ?? claim;
          // Gone in between (released, pruned): claim again.
          if (doc === null) continue;
          const parsed = ZIdempotencyDoc.safeParse(doc);
          if (!parsed.success) {
            // Unreadable: forget it rather than refuse the key for a day.
            await idempotency.deleteMany({ _id: { $in: [id, answerId(id)] } });
            continue;
          }
          const { _id, status, body, ...kept } = parsed.data;
          return {
            id,
            ...kept,
            ...(status === undefined ? {} : { status }),
            ...(body === undefined ? {} : { body }),
          };
        }
        throw new Error(`idempotency key ${id} could not be claimed or read`);
      },
      async complete(record) {
        const { id, ...rest } = record;
        try {
          await idempotency.insertOne({ _id: answerId(id), ...rest }, WHOLE_DOCUMENT);
        } catch (error) {
          // Kept already (a holder that was taken for dead finished after all): the first answer stays.
          if (!isDuplicateKey(error)) throw error;
        }
      },
      async release(id) {
        await idempotency.deleteOne({ _id: id });
      },
      async prune(before) {
        return (await idempotency.deleteMany({ createdAt: { $lt: before } })).deletedCount;
      },
    },
  };
}
