// The fingerprint that ties a build in dist/ to the sources it was compiled from (shared by build and start).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** What tsconfig.build.json compiles, and the settings it compiles them with. */
const SOURCE_DIRS = ["core", "bots", "storage"];
const CONFIG_FILES = ["tsconfig.json", "tsconfig.build.json"];

export const BUILD_DIR = "dist";
export const STAMP_FILE = join(BUILD_DIR, "build-stamp.json");
export const BUILT_MAIN = join(BUILD_DIR, "bots", "main.js");

/**
 * SHA-256 of every compiled source file (path and content) and of the compiler settings. Content, not
 * mtimes: a checkout, a copy or an editor that keeps times can't make a stale build look fresh. About
 * 3 ms for the ~60 files.
 */
export function sourceHash(root) {
  const files = [...CONFIG_FILES];
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".ts")) {
        // `parentPath` is Node ≥ 20.12; `path` the older name of the same thing.
        files.push(join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1));
      }
    }
  }
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash
      .update(file.replaceAll("\\", "/"))
      .update("\0")
      .update(readFileSync(join(root, file)))
      .update("\0");
  }
  return hash.digest("hex");
}

/** The stamp's source hash, or undefined when there is no (complete) build. */
export function builtFrom(root) {
  try {
    const stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), "utf8"));
    return typeof stamp.sources === "string" ? stamp.sources : undefined;
  } catch {
    return undefined;
  }
}
