import { randomBytes } from "node:crypto";
import { type Connection, Schema } from "mongoose";
import type { ResponseExportQuery, ResponseExportSource } from "../core/exports/responses.ts";
import { isDuplicateKey, raw, unread, WHOLE_DOCUMENT } from "./models.ts";
import { ZConversationState } from "./schemas.ts";

/**
 * What exports read: the response archive through a cursor (the state only: transcripts stay on the server),
 * and the deployment's pseudonym secret, made once by a unique `_id` insert (the only atomic write on FerretDB
 * as on MongoDB: two processes making it at once keep the first).
 */

interface SecretDoc {
  _id: string;
  value: string;
  createdAt: Date;
}

const secretSchema = new Schema<SecretDoc>(
  { _id: String, value: { type: String, required: true }, createdAt: Date },
  { versionKey: false, _id: false, strict: true, collection: "deployment_secrets" },
);

const PSEUDONYM_SECRET_ID = "export-pseudonyms";

/**
 * Responses whose property keys become columns. A full first pass would double an export's time (the embedded
 * server reads every document either way); keys first seen later still reach the `properties` JSON column.
 */
const PROPERTY_SAMPLE = 2000;

/** Documents read per round trip. */
const BATCH_SIZE = 500;

const filterOf = (query: ResponseExportQuery) => {
  const startedAt = {
    ...(query.from === undefined ? {} : { $gte: query.from }),
    ...(query.to === undefined ? {} : { $lt: query.to }),
  };
  return {
    flowKey: query.flowKey,
    ...(Object.keys(startedAt).length === 0 ? {} : { startedAt }),
  };
};

export interface ExportStoreOptions {
  /** Told about a stored response that cannot be read (it is skipped). */
  readonly onCorrupt?: (id: string) => void;
}

/** The export source on a connection (the `responses` collection the survey stores write). */
export function createExportStore(
  connection: Connection,
  options: ExportStoreOptions = {},
): ResponseExportSource {
  const Secret =
    connection.models.DeploymentSecret ?? connection.model<SecretDoc>("DeploymentSecret", secretSchema);
  const responses = connection.db?.collection("responses");
  if (!responses) throw new Error("the connection is not open");
  let secret: Uint8Array | undefined;

  return {
    async *responses(query) {
      const cursor = responses.find(filterOf(query), {
        projection: { state: 1 },
        batchSize: BATCH_SIZE,
      });
      try {
        for await (const doc of cursor) {
          const parsed = ZConversationState.safeParse(doc.state);
          if (!parsed.success) {
            options.onCorrupt?.(String(doc._id));
            continue;
          }
          if (parsed.data.test) continue;
          yield parsed.data;
        }
      } finally {
        await cursor.close();
      }
    },
    async propertyKeys(query, limit) {
      const counts = new Map<string, number>();
      const cursor = responses.find(
        { ...filterOf(query), "state.properties": { $exists: true } },
        { projection: { "state.properties": 1 }, batchSize: PROPERTY_SAMPLE, limit: PROPERTY_SAMPLE },
      );
      for await (const doc of cursor) {
        const properties: unknown = (doc.state as { properties?: unknown } | undefined)?.properties;
        if (typeof properties !== "object" || properties === null) continue;
        for (const key of Object.keys(properties)) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([key]) => key);
    },
    async pseudonymSecret() {
      if (secret) return secret;
      for (let attempt = 0; attempt < 3; attempt++) {
        const stored = await unread(Secret).findOne({ _id: PSEUDONYM_SECRET_ID });
        if (stored && typeof stored.value === "string" && /^[0-9a-f]{64}$/.test(stored.value)) {
          secret = Buffer.from(stored.value, "hex");
          return secret;
        }
        try {
          await raw<SecretDoc>(Secret).insertOne(
            { _id: PSEUDONYM_SECRET_ID, value: randomBytes(32).toString("hex"), createdAt: new Date() },
            WHOLE_DOCUMENT,
          );
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      throw new Error("the pseudonym secret could not be read");
    },
  };
}
