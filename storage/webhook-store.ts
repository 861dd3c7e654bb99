import type { Connection } from "mongoose";
import { z } from "zod";
import { KeyedQueue } from "../core/concurrency.ts";
import {
  type WebhookEndpoint,
  type WebhookHealth,
  type WebhookStore,
  ZWebhookEventType,
} from "../core/webhooks/registry.ts";
import { isDuplicateKey, WHOLE_DOCUMENT } from "./models.ts";

/**
 * Outgoing webhook endpoints in `webhook_endpoints`, one document per endpoint (`_id` = its id). Every lookup
 * is an exact `_id` match; `list` reads the collection, which holds a handful of documents. Writes are plain
 * `$set`s by id (the last writer wins), except creation, an insert that fails on an existing id. A delivery's
 * health is read, changed and written back (no update is atomic on every server), one endpoint at a time in this
 * process, so concurrent failures here are all counted; another process's may overlap (see `recordFailure`).
 */

const COLLECTION = "webhook_endpoints";
const VERSION = 1;

const ZDate = z.coerce.date();

const ZEndpointDoc = z.object({
  _id: z.string(),
  v: z.literal(VERSION),
  url: z.string(),
  events: z.array(ZWebhookEventType),
  secret: z.string(),
  createdBy: z.string(),
  createdAt: ZDate,
  state: z.enum(["active", "disabled"]),
  disabledReason: z.enum(["gone", "failing"]).optional(),
  disabledAt: ZDate.optional(),
  lastSuccessAt: ZDate.optional(),
  lastFailureAt: ZDate.optional(),
  lastError: z.string().optional(),
  failureStreak: z.number().int().min(0),
  failingSince: ZDate.optional(),
});
type EndpointDoc = z.infer<typeof ZEndpointDoc>;

function toEndpoint(doc: EndpointDoc): WebhookEndpoint {
  const { _id, v, lastSuccessAt, lastFailureAt, lastError, failureStreak, failingSince, ...rest } = doc;
  const health: WebhookHealth = {
    failureStreak,
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
    ...(lastFailureAt === undefined ? {} : { lastFailureAt }),
    ...(lastError === undefined ? {} : { lastError }),
    ...(failingSince === undefined ? {} : { failingSince }),
  };
  return { id: _id, ...rest, health };
}

function toDoc(e: WebhookEndpoint): EndpointDoc {
  return {
    _id: e.id,
    v: VERSION,
    url: e.url,
    events: [...e.events],
    secret: e.secret,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    state: e.state,
    ...(e.disabledReason === undefined ? {} : { disabledReason: e.disabledReason }),
    ...(e.disabledAt === undefined ? {} : { disabledAt: e.disabledAt }),
    ...(e.health.lastSuccessAt === undefined ? {} : { lastSuccessAt: e.health.lastSuccessAt }),
    ...(e.health.lastFailureAt === undefined ? {} : { lastFailureAt: e.health.lastFailureAt }),
    ...(e.health.lastError === undefined ? {} : { lastError: e.health.lastError }),
    failureStreak: e.health.failureStreak,
    ...(e.health.failingSince === undefined ? {} : { failingSince: e.health.failingSince }),
  };
}

export interface WebhookStoreOptions {
  /** Told about a stored endpoint that cannot be read (it is then treated as absent). */
  readonly onCorrupt?: (id: string, error: z.ZodError) => void;
}

/** The webhook endpoints on a database connection. */
export function createWebhookStore(connection: Connection, options: WebhookStoreOptions = {}): WebhookStore {
  const collection = () => connection.collection<EndpointDoc>(COLLECTION);
  const health = new KeyedQueue();
  const read = (doc: unknown): WebhookEndpoint | null => {
    const parsed = ZEndpointDoc.safeParse(doc);
    if (parsed.success) return toEndpoint(parsed.data);
    const id = typeof doc === "object" && doc !== null && "_id" in doc ? String(doc._id) : "?";
    options.onCorrupt?.(id, parsed.error);
    return null;
  };
  const get = async (id: string): Promise<WebhookEndpoint | null> => {
    const doc = await collection().findOne({ _id: id });
    return doc ? read(doc) : null;
  };
  const store: WebhookStore = {
    async create(endpoint) {
      try {
        await collection().insertOne(toDoc(endpoint), WHOLE_DOCUMENT);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    get,
    async list() {
      const docs = await collection().find({}).toArray();
      return docs
        .map(read)
        .filter((e): e is WebhookEndpoint => e !== null)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    },
    async remove(id) {
      return (await collection().deleteOne({ _id: id })).deletedCount === 1;
    },
    async setState(id, state, reason, at = new Date()) {
      const result =
        state === "active"
          ? await collection().updateOne(
              { _id: id },
              {
                $set: { state, failureStreak: 0 },
                $unset: { disabledReason: "", disabledAt: "", failingSince: "" },
              },
            )
          : await collection().updateOne(
              { _id: id },
              {
                $set: { state, disabledAt: at, ...(reason === undefined ? {} : { disabledReason: reason }) },
              },
            );
      return result.matchedCount === 1;
    },
    async recordSuccess(id, at) {
      await health.run(id, () =>
        collection().updateOne(
          { _id: id },
          { $set: { lastSuccessAt: at, failureStreak: 0 }, $unset: { failingSince: "" } },
        ),
      );
    },
    recordFailure: (id, at, error) => health.run(id, () => recordFailure(id, at, error)),
  };
  return store;

  async function recordFailure(id: string, at: Date, error: string): Promise<WebhookHealth | null> {
    const current = await get(id);
    if (!current) return null;
    const next: WebhookHealth = {
      ...current.health,
      lastFailureAt: at,
      lastError: error.slice(0, 200),
      failureStreak: current.health.failureStreak + 1,
      failingSince: current.health.failingSince ?? at,
    };
    await collection().updateOne(
      { _id: id },
      {
        $set: {
          lastFailureAt: at,
          lastError: next.lastError ?? "",
          failureStreak: next.failureStreak,
          failingSince: next.failingSince ?? at,
        },
      },
    );
    return next;
  }
}
