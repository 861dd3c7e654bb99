// `npm start`: runs the build in dist/ when it was compiled from exactly these sources (`npm run build`),
// else the sources through tsx, as on a fresh clone. In this process (no second Node process, so stdin, the
// TTY, signals and the exit code are cxbot's own). CXBOT_RUN=build or CXBOT_RUN=sources forces one.
import { existsSync } from "node:fs";
import module from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUILD_DIR, BUILT_MAIN, builtFrom, sourceHash } from "./build-stamp.mjs";

const root = join(import.meta.dirname, "..");
const wanted = process.env.CXBOT_RUN ?? "auto";
if (!["auto", "build", "sources"].includes(wanted)) {
  process.stderr.write(`cxbot: CXBOT_RUN must be auto, build or sources (got "${wanted}")\n`);
  process.exit(2);
}

let fromBuild = wanted === "build";
if (fromBuild && !existsSync(join(root, BUILT_MAIN))) {
  process.stderr.write(`cxbot: CXBOT_RUN=build but there is no ${BUILT_MAIN} (npm run build first)\n`);
  process.exit(2);
}
if (wanted === "auto") {
  const built = builtFrom(root);
  fromBuild = built !== undefined && built === sourceHash(root);
  if (!fromBuild && existsSync(join(root, BUILD_DIR))) {
    process.stderr.write(
      `cxbot: ${BUILD_DIR}/ does not match the sources; running them through tsx (npm run build to compile)\n`,
    );
  }
}

if (fromBuild) {
  // Node ≥ 22.1 keeps V8's compiled code between starts (a fifth of the start-up CPU is compiling
  // modules); Node 20 has no such cache, and this is a no-op there.
  module.enableCompileCache?.(join(root, ".cache", "node-compile-cache"));
  await import(pathToFileURL(join(root, BUILT_MAIN)).href);
} else {
  // tsx's loader for .ts files, registered in this process (`tsx bots/main.ts` would start a second one).
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "bots", "main.ts")).href);
}
