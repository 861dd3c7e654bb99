import { spawnSync } from "node:child_process";
import { access, constants, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mongoose from "mongoose";
import { afterAll, describe, expect, it } from "vitest";
import { ensureFerretdbBinary, type MongoTarget, resolveMongo } from "../../storage/embedded.ts";

const projectRoot = resolve(import.meta.dirname, "../..");
const hasGo = spawnSync("go", ["version"], { env: { ...process.env, GOTOOLCHAIN: "local" } }).status === 0;

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cxbot-embedded-test-"));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withConnection<T>(
  target: MongoTarget,
  use: (db: mongoose.mongo.Db) => Promise<T>,
): Promise<T> {
  const connection = await mongoose
    .createConnection(target.uri, { dbName: "cxtest_embedded", serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    return await use(connection.db!);
  } finally {
    await connection.close();
  }
}

describe("resolveMongo", () => {
  it("uses a given URI as is and starts nothing", async () => {
    const target = await resolveMongo({
      uri: "mongodb://db.example:27017/cx",
      dataDir: "/nonexistent",
      projectRoot: "/nonexistent",
    });
    expect(target.kind).toBe("external");
    expect(target.uri).toBe("mongodb://db.example:27017/cx");
    expect(target.pid).toBeUndefined();
    await target.stop();
    await target.stop();
  });
});

describe.skipIf(!hasGo)("embedded FerretDB", () => {
  it("builds (or reuses) an executable binary under .cache/ferretdb", async () => {
    const path = await ensureFerretdbBinary(projectRoot);
    expect(path.startsWith(join(projectRoot, ".cache", "ferretdb"))).toBe(true);
    await access(path, constants.X_OK);
    expect(await ensureFerretdbBinary(projectRoot)).toBe(path);
  });

  it("serves a ping, and stop() ends the process and is idempotent", async () => {
    const dataDir = await tempDir();
    const target = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      expect(target.kind).toBe("ferretdb");
      expect(target.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await withConnection(target, (db) => db.command({ ping: 1 }))).toMatchObject({ ok: 1 });
    } finally {
      await target.stop();
    }
    expect(target.pid).toBeTypeOf("number");
    expect(alive(target.pid!)).toBe(false);
    await target.stop();
  });

  it("keeps data across a stop and a start on the same data directory", async () => {
    const dataDir = await tempDir();
    const first = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      await withConnection(first, (db) =>
        db.collection<{ _id: string; n: number }>("kept").insertOne({ _id: "a", n: 42 }),
      );
    } finally {
      await first.stop();
    }
    const second = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      expect(second.uri).not.toBe("");
      const doc = await withConnection(second, (db) =>
        db.collection<{ _id: string; n: number }>("kept").findOne({ _id: "a" }),
      );
      expect(doc).toEqual({ _id: "a", n: 42 });
    } finally {
      await second.stop();
    }
  });

  it("looks documents up by _id through an index: on collections made while it runs, and on those it finds at start", async () => {
    const dataDir = await tempDir();
    // A lookup first: a pooled connection of the server's may hold the plan it made before the index existed.
    const plan = async (db: mongoose.mongo.Db, name: string) => {
      const collection = db.collection<{ _id: string }>(name);
      await collection.findOne({ _id: "k7" });
      return JSON.stringify((await collection.find({ _id: "k7" }).explain()).queryPlanner);
    };
    let lateAtStop = "";
    // A server on its own data: collections made while it runs are never indexed (as in an older build).
    const olderDir = await tempDir();
    process.env.CXBOT_FERRETDB_ID_INDEX_EVERY = "0";
    const older = await resolveMongo({ dataDir: olderDir, projectRoot, ephemeral: true }).finally(() => {
      delete process.env.CXBOT_FERRETDB_ID_INDEX_EVERY;
    });
    try {
      await withConnection(older, async (db) => {
        await db
          .collection("late")
          .insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `k${i}` as never })));
        await new Promise((r) => setTimeout(r, 500));
        lateAtStop = await plan(db, "late");
      });
    } finally {
      await older.stop();
    }
    const first = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      await withConnection(first, async (db) => {
        const docs = Array.from({ length: 200 }, (_, i) => ({ _id: `k${i}` as never, n: i }));
        await db.collection("made").insertMany(docs);
        // Indexed within a few seconds of its creation.
        const deadline = Date.now() + 8_000;
        while (!(await plan(db, "made")).includes("USING INDEX") && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 250));
        expect(await plan(db, "made")).toMatch(/SEARCH \S+ USING INDEX \S+_cxbot_id/);
        expect(await db.collection("made").findOne({ _id: "k7" as never })).toEqual({ _id: "k7", n: 7 });
        await db.collection("made").updateOne({ _id: "k7" as never }, { $inc: { n: 1 } });
        expect(await db.collection("made").findOne({ _id: "k7" as never })).toEqual({ _id: "k7", n: 8 });
        // What the server itself lists is unchanged: the extra index is SQLite's, not a MongoDB index.
        expect((await db.collection("made").listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
      });
    } finally {
      await first.stop();
    }
    // The older server's file, served again: indexed before the server takes connections.
    expect(lateAtStop).toMatch(/SCAN/);
    const again = await resolveMongo({ dataDir: olderDir, projectRoot, ephemeral: true });
    try {
      await withConnection(again, async (db) => {
        expect(await plan(db, "late")).toMatch(/USING INDEX \S+_cxbot_id/);
      });
    } finally {
      await again.stop();
    }
    const second = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      await withConnection(second, async (db) => {
        await db.collection("made").drop();
        expect(await db.collection("made").findOne({ _id: "k7" as never })).toBeNull();
        // A database dropped (its file deleted) and made again under the same name is indexed too.
        await db.dropDatabase();
        await db.collection("again").insertOne({ _id: "k7" as never });
        const deadline = Date.now() + 8_000;
        while (!(await plan(db, "again")).includes("USING INDEX") && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 250));
        expect(await plan(db, "again")).toMatch(/USING INDEX \S+_cxbot_id/);
      });
    } finally {
      await second.stop();
    }
  });

  it("refuses a second server on a data directory in use, and takes over a lock left by a dead process", async () => {
    const dataDir = await tempDir();
    const first = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      await expect(resolveMongo({ dataDir, projectRoot, ephemeral: true })).rejects.toMatchObject({
        code: "EMBEDDED_DB_UNAVAILABLE",
        message: expect.stringContaining(`pid ${process.pid}`),
      });
    } finally {
      await first.stop();
    }
    // A crash leaves the lock file behind, with a pid that no longer runs: the lock itself went with the process.
    const dead = spawnSync(process.execPath, [
      "-e",
      "process.stdout.write(String(process.pid))",
    ]).stdout.toString();
    await writeFile(join(dataDir, "ferretdb", "cxbot.lock"), dead);
    const second = await resolveMongo({ dataDir, projectRoot, ephemeral: true });
    try {
      expect(await withConnection(second, (db) => db.command({ ping: 1 }))).toMatchObject({ ok: 1 });
    } finally {
      await second.stop();
    }
  });
});
