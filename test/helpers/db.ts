import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { inject } from "vitest";

export interface TestDb {
  readonly connection: mongoose.Connection;
  readonly uri: string;
  readonly dbName: string;
  /** Drops the database and closes the connection; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A throwaway database on the run's server (see test/setup/global-db.ts), on its own connection so test files
 * never share state. Call `drop()` in afterAll/afterEach.
 */
export async function connectTestDb(name?: string): Promise<TestDb> {
  const uri = inject("mongoUri");
  const label = (name ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 24);
  const dbName = `cxtest_${label === "" ? "" : `${label}_`}${randomBytes(5).toString("hex")}`;
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // As in production (storage/mongo-stores.ts): indexes come from ensureIndexes, not from model compilation.
    autoIndex: false,
    maxPoolSize: 10,
  });
  await connection.asPromise();
  let dropping: Promise<void> | undefined;
  return {
    connection,
    uri,
    dbName,
    drop() {
      dropping ??= (async () => {
        try {
          await connection.dropDatabase();
        } finally {
          await connection.close();
        }
      })();
      return dropping;
    },
  };
}
