import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { access, constants, mkdir, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CxError } from "../core/result.ts";

/**
 * Where cxbot keeps its data when no MONGODB_URI is given: FerretDB 1.24 (SQLite backend) built from
 * `tools/ferretdb` with the local Go toolchain, else mongodb-memory-server (which downloads mongod).
 */

/** A MongoDB-compatible server to connect to, and how to let go of it. */
export interface MongoTarget {
  readonly uri: string;
  readonly kind: "external" | "ferretdb" | "mongodb-memory-server";
  /** The server process when cxbot started one (for logs and tests). */
  readonly pid?: number;
  /** Stops the server if cxbot started it; a no-op for an external one. Safe to call more than once. */
  stop(): Promise<void>;
}

export type EmbeddedLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface ResolveMongoOptions {
  /** An external server; nothing embedded starts when given. */
  uri?: string;
  /** Data lives in `<dataDir>/ferretdb` (or `<dataDir>/mongodb` for the mongodb-memory-server fallback). */
  dataDir: string;
  /** Holds `tools/ferretdb` and the `.cache` the binary is built into. */
  projectRoot: string;
  log?: EmbeddedLog;
  /** Throwaway data (tests): the mongodb-memory-server fallback then uses its own temporary directory. */
  ephemeral?: boolean;
}

export const FERRETDB_VERSION = "1.24.2";
const MIN_GO = { major: 1, minor: 24 };
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** Resolves the database to use: `uri` if given, else an embedded FerretDB, else mongodb-memory-server. */
export async function resolveMongo(options: ResolveMongoOptions): Promise<MongoTarget> {
  const log = options.log ?? (() => {});
  if (options.uri !== undefined && options.uri !== "") {
    return { uri: options.uri, kind: "external", stop: async () => {} };
  }

  let binary: string;
  try {
    binary = await ensureFerretdbBinary(options.projectRoot, log);
  } catch (ferretError) {
    log("cannot build the embedded FerretDB; trying mongodb-memory-server", { error: oneLine(ferretError) });
    try {
      return await startMemoryServer(options, log);
    } catch (memoryError) {
      throw new CxError(
        "EMBEDDED_DB_UNAVAILABLE",
        [
          "No database: MONGODB_URI is not set and no embedded database could be started.",
          `Either install Go >= ${MIN_GO.major}.${MIN_GO.minor} (https://go.dev/dl/; cxbot then builds its embedded FerretDB automatically on the next start),`,
          "or set MONGODB_URI=mongodb://… (in the environment or .env) to use a MongoDB server you run.",
          `  FerretDB: ${oneLine(ferretError)}`,
          `  mongodb-memory-server: ${oneLine(memoryError)}`,
        ].join("\n"),
        { cause: new AggregateError([ferretError, memoryError]) },
      );
    }
  }

  // The binary exists: a failure now is about this data directory or this machine, and silently switching
  // to another (empty) database would hide the data, so report it instead of falling back.
  try {
    return await startFerretdb(binary, join(options.dataDir, "ferretdb"), log);
  } catch (error) {
    throw new CxError(
      "EMBEDDED_DB_UNAVAILABLE",
      `The embedded FerretDB (${binary}) did not start: ${oneLine(error)}\n` +
        "Check the data directory, or set MONGODB_URI=mongodb://… to use a MongoDB server you run.",
      { cause: error },
    );
  }
}

/**
 * Returns the path of the FerretDB launcher built from `tools/ferretdb`, building it first if this exact
 * source, Go version and platform has not been built yet. Throws when Go is missing, too old, or the build fails.
 */
export async function ensureFerretdbBinary(projectRoot: string, log?: EmbeddedLog): Promise<string> {
  const srcDir = join(projectRoot, "tools", "ferretdb");
  const env = { ...process.env, GOTOOLCHAIN: "local" };
  const goVersion = await goVersionOf(env);

  const hash = createHash("sha256");
  const sources = (await readdir(srcDir)).filter((f) => f.endsWith(".go")).sort();
  for (const file of [...sources, "go.mod", "go.sum"]) {
    hash
      .update(file)
      .update("\0")
      .update(await readFile(join(srcDir, file)))
      .update("\0");
  }
  hash.update(goVersion).update("\0").update(`${process.platform}/${process.arch}`);
  const exe = process.platform === "win32" ? ".exe" : "";
  const cacheDir = join(projectRoot, ".cache", "ferretdb");
  const name = `cxbot-ferretdb-${hash.digest("hex").slice(0, 16)}`;
  const binary = join(cacheDir, name + exe);
  if (await isExecutable(binary)) return binary;

  await mkdir(cacheDir, { recursive: true });
  (log ?? (() => {}))(
    `building the embedded database (FerretDB ${FERRETDB_VERSION}, about a minute the first time)…`,
    {
      go: goVersion,
      binary,
    },
  );
  const started = Date.now();
  // A unique temporary name and an atomic rename: concurrent builders never see or leave a half-written file.
  const tmp = join(cacheDir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp${exe}`);
  try {
    await run("go", ["build", "-trimpath", "-o", tmp, "."], { cwd: srcDir, env, timeout: BUILD_TIMEOUT_MS });
    await rename(tmp, binary);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new Error(`go build in ${srcDir} failed: ${errorText(error)}`, { cause: error });
  }
  (log ?? (() => {}))("built the embedded database", { ms: Date.now() - started, binary });
  await removeStaleBinaries(cacheDir, name + exe);
  return binary;
}

async function goVersionOf(env: NodeJS.ProcessEnv): Promise<string> {
  let out: string;
  try {
    out = (await run("go", ["version"], { env, timeout: 30_000 })).stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("Go is not installed (no `go` on PATH)");
    throw new Error(`\`go version\` failed: ${errorText(error)}`, { cause: error });
  }
  const m = /go(\d+)\.(\d+)/.exec(out);
  if (m === null) throw new Error(`cannot read the Go version from "${out}"`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < MIN_GO.major || (major === MIN_GO.major && minor < MIN_GO.minor)) {
    throw new Error(
      `Go ${major}.${minor} is too old, FerretDB ${FERRETDB_VERSION} needs ${MIN_GO.major}.${MIN_GO.minor} or newer`,
    );
  }
  return out;
}

/** Old builds (earlier sources or Go versions) are 37 MB each; running ones keep working on POSIX. */
async function removeStaleBinaries(cacheDir: string, keep: string): Promise<void> {
  for (const entry of await readdir(cacheDir).catch(() => [] as string[])) {
    if (entry !== keep && /^cxbot-ferretdb-[0-9a-f]{16}(\.exe)?$/.test(entry)) {
      await rm(join(cacheDir, entry), { force: true }).catch(() => {});
    }
  }
}

/**
 * Spawns the launcher, waits for its READY line, and returns a target whose stop() ends it. The launcher holds
 * an exclusive lock on `<dir>/cxbot.lock` while it runs (released by the kernel however it ends), so a second
 * server on the same data directory refuses to start: the process that runs it is the database's only writer.
 */
async function startFerretdb(binary: string, dir: string, log: EmbeddedLog): Promise<MongoTarget> {
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const child = spawn(
    binary,
    ["-listen", "127.0.0.1:0", "-data", dir, "-log-level", "error", "-exit-on-stdin-eof"],
    {
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group: Ctrl-C in a terminal reaches only cxbot, which still needs the database to
      // flush and close, and then stops the server itself.
      detached: process.platform !== "win32",
      windowsHide: true,
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  // Should this process die without stop(), the server must not outlive it: kill it on exit, and the closed
  // stdin pipe tells it the same when even that does not run (SIGKILL).
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;

  let address: string;
  try {
    address = await waitForReady(child, () => stderr);
  } catch (error) {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    throw error;
  }
  const ms = Date.now() - started;
  log("embedded database ready", { kind: "ferretdb", address, ms, dataDir: dir });
  child.once("exit", (code, signal) => {
    process.off("exit", killOnExit);
    if (!stopped)
      log("the embedded FerretDB exited unexpectedly", { code, signal, stderr: stderr.trim().slice(-2_000) });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off("exit", killOnExit);
      child.stdin?.destroy();
    })();
    return stopping;
  };
  return {
    uri: `mongodb://${address}/`,
    kind: "ferretdb",
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    stop,
  };
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const done = (error: Error | undefined, address?: string) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      if (error === undefined) {
        // Keep draining stdout so the pipe never fills.
        lines.on("line", () => {});
        resolve(address!);
      } else {
        lines.close();
        reject(error);
      }
    };
    const detail = () => (stderr().trim() === "" ? "" : `: ${stderr().trim()}`);
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`FerretDB exited during start-up (${signal ?? `code ${code}`})${detail()}`));
    const onError = (error: Error) =>
      done(new Error(`cannot run FerretDB: ${error.message}`, { cause: error }));
    const timer = setTimeout(
      () => done(new Error(`FerretDB was not ready within ${READY_TIMEOUT_MS / 1000} s${detail()}`)),
      READY_TIMEOUT_MS,
    );
    child.once("exit", onExit);
    child.once("error", onError);
    lines.on("line", (line) => {
      const m = /^READY (\S+:\d+)\s*$/.exec(line);
      if (m !== null) done(undefined, m[1]);
    });
  });
}

/** The fallback where Go is missing: a real mongod that mongodb-memory-server downloads on first use. */
async function startMemoryServer(options: ResolveMongoOptions, log: EmbeddedLog): Promise<MongoTarget> {
  const { MongoMemoryServer } = await import("mongodb-memory-server-core");
  const started = Date.now();
  let server: InstanceType<typeof MongoMemoryServer>;
  if (options.ephemeral === true) {
    server = await MongoMemoryServer.create({ instance: { ip: "127.0.0.1" } });
  } else {
    const dbPath = join(options.dataDir, "mongodb");
    const created = await mkdir(dbPath, { recursive: true });
    try {
      server = await MongoMemoryServer.create({
        instance: { dbPath, ip: "127.0.0.1", storageEngine: "wiredTiger" },
      });
    } catch (error) {
      // Leave no empty data/mongodb behind when mongod could not even be downloaded (rmdir keeps a non-empty one).
      if (created !== undefined) await rmdir(dbPath).catch(() => {});
      throw error;
    }
  }
  const pid = server.instanceInfo?.instance.mongodProcess?.pid;
  log("embedded database ready", { kind: "mongodb-memory-server", ms: Date.now() - started });
  let stopping: Promise<void> | undefined;
  return {
    uri: server.getUri(),
    kind: "mongodb-memory-server",
    ...(pid === undefined ? {} : { pid }),
    stop: () => {
      // Never remove a persistent dbPath; the ephemeral one is the server's own temporary directory.
      stopping ??= server.stop({ doCleanup: options.ephemeral === true, force: false }).then(() => {});
      return stopping;
    },
  };
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeout: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { ...options, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else reject(Object.assign(error, { stdout, stderr }));
      },
    );
  });
}

/** The useful part of a failed command: its stderr when it has one, else the message. */
function errorText(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  if (typeof stderr === "string" && stderr.trim() !== "")
    return stderr.trim().split("\n").slice(-15).join("\n");
  return error instanceof Error ? error.message : String(error);
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
