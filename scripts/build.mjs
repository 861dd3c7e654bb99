// `npm run build`: compiles core/, bots/ and storage/ into dist/ (tsconfig.build.json), then stamps the
// build with the hash of the sources it came from, so `npm start` runs it only while it matches them.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { BUILD_DIR, STAMP_FILE, sourceHash } from "./build-stamp.mjs";

const root = join(import.meta.dirname, "..");
// Hashed before compiling: a file saved during the build makes the stamp stale, never wrongly fresh.
const sources = sourceHash(root);
// From scratch, so a deleted source leaves no module behind.
rmSync(join(root, BUILD_DIR), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) {
  rmSync(join(root, BUILD_DIR), { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
writeFileSync(join(root, STAMP_FILE), `${JSON.stringify({ sources, builtAt: new Date().toISOString() })}\n`);
