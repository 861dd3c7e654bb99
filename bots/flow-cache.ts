import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FlowFileError } from "../core/flow/load.ts";
import type { FlowDefinition } from "../core/flow/schema.ts";

/** A rejected flow file, with the one-line message `formatFlowFileError` gives. */
export interface FlowLoadError extends FlowFileError {
  readonly message: string;
}

interface CacheFile {
  /** Hash of the code that parses and validates flows: a different core/ invalidates every entry. */
  readonly loader: string;
  /** By absolute file path: the hash of the file's bytes and the definition they validated to. */
  readonly entries: Record<string, { readonly sha: string; readonly definition: FlowDefinition }>;
}

const FLOW_FILE = /\.(ya?ml|json)$/i;
const STALE_CACHE_MS = 7 * 24 * 3600_000;

/**
 * `loadFlowDirectory`, with the definitions that validated kept in `<projectRoot>/.cache/flows-*.json`: a file
 * whose bytes are unchanged since it last loaded, with the same core/ code and package-lock.json, is not
 * parsed or validated again, and when none changed the YAML parser is not even loaded (about 150 ms of CPU
 * at start-up). Rejected files are parsed every time, so their errors are always reported. A cache that
 * cannot be read or written is ignored.
 */
export async function loadFlowsCached(
  dir: string,
  projectRoot: string,
): Promise<{ flows: FlowDefinition[]; errors: FlowLoadError[] }> {
  const names = (await readdir(dir)).filter((n) => FLOW_FILE.test(n)).sort();
  const sources = await Promise.all(names.map((n) => readFile(join(dir, n))));
  const cacheDir = join(projectRoot, ".cache");
  const loader = await loaderHash(projectRoot);
  // One file per loader: the sources (tests, tsx) and the build (production) each keep their own.
  const cacheFile = join(cacheDir, `flows-${loader.slice(0, 16)}.json`);
  const cached = await readCache(cacheFile, loader);
  const entries: CacheFile["entries"] = {};
  let load: typeof import("../core/flow/load.ts") | undefined;

  const flows: FlowDefinition[] = [];
  const errors: FlowLoadError[] = [];
  const keys = new Map<string, string>();
  for (const [i, name] of names.entries()) {
    const file = join(dir, name);
    const bytes = sources[i] as Buffer;
    const sha = createHash("sha256").update(bytes).digest("hex");
    const hit = cached?.entries[file];
    let definition = hit?.sha === sha ? hit.definition : undefined;
    if (definition === undefined) {
      load ??= await import("../core/flow/load.ts");
      const result = load.parseFlowSource(bytes.toString("utf8"), file);
      if (!result.ok) {
        for (const e of result.error) errors.push({ ...e, message: load.formatFlowFileError(e) });
        continue;
      }
      definition = result.value;
    }
    entries[file] = { sha, definition };
    const other = keys.get(definition.key);
    if (other !== undefined) {
      const e: FlowFileError = {
        file,
        path: "key",
        reason: `key "${definition.key}" is already defined in ${other}`,
      };
      errors.push({ ...e, message: `${e.file}: ${e.path}: ${e.reason}` });
      continue;
    }
    keys.set(definition.key, file);
    flows.push(definition);
  }

  if (load !== undefined || cached === undefined) await writeCache(cacheDir, cacheFile, { loader, entries });
  return { flows, errors };
}

/**
 * SHA-256 of every file of core/ beside this module (the sources, or the build in dist/) and of the
 * installed versions (package-lock.json): what turns a flow file into a definition.
 */
async function loaderHash(projectRoot: string): Promise<string> {
  const core = fileURLToPath(new URL("../core/", import.meta.url));
  const files = (await readdir(core, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.endsWith(".map"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const contents = await Promise.all(files.map((f) => readFile(f)));
  const hash = createHash("sha256");
  for (const [i, file] of files.entries()) {
    hash
      .update(file.slice(core.length))
      .update("\0")
      .update(contents[i] as Buffer);
  }
  hash.update(await readFile(join(projectRoot, "package-lock.json")).catch(() => Buffer.alloc(0)));
  return hash.digest("hex");
}

async function readCache(file: string, loader: string): Promise<CacheFile | undefined> {
  try {
    const cache = JSON.parse(await readFile(file, "utf8")) as CacheFile;
    return cache.loader === loader && typeof cache.entries === "object" ? cache : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(dir: string, file: string, cache: CacheFile): Promise<void> {
  // Atomically (several processes may start at once), and never failing the start-up.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, JSON.stringify(cache));
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
  // Caches of code that has not run for a week (an older core/ or package-lock.json) are gone for good.
  const weekAgo = Date.now() - STALE_CACHE_MS;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^flows-[0-9a-f]{16}\.json$/.test(name) || join(dir, name) === file) continue;
    const at = await stat(join(dir, name)).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (at < weekAgo) await rm(join(dir, name), { force: true }).catch(() => {});
  }
}
