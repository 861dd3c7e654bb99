import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The project folder (the nearest one above `dir` holding package.json): flows/, tools/ferretdb, .cache/ and
 * data/ are found from it, whether the code runs from the sources or from the build in dist/.
 */
export function findProjectRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "package.json"))) return at;
    if (dirname(at) === at) throw new Error(`no package.json above ${dir}`);
  }
}
