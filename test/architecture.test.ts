import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? "");
}

/** Packages the core may use: validation and parsing of its own data, nothing that talks to the world. */
const CORE_ALLOWED_PACKAGES = new Set(["zod", "yaml"]);

describe("architecture", () => {
  const coreFiles = sources(join(root, "core"));

  it("finds the core sources", () => {
    expect(coreFiles.length).toBeGreaterThan(10);
  });

  it("core/ imports no platform SDK, no database driver and nothing outside core/", () => {
    const violations: string[] = [];
    for (const file of coreFiles) {
      for (const spec of imports(file)) {
        if (spec.startsWith("node:")) continue;
        if (spec.startsWith(".")) {
          const target = resolve(file, "..", spec);
          if (!target.startsWith(join(root, "core"))) violations.push(`${relative(root, file)} → ${spec}`);
          continue;
        }
        if (!CORE_ALLOWED_PACKAGES.has(spec)) violations.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the import scan sees imports (it would catch a violation)", () => {
    expect(imports(join(root, "storage", "mongo-stores.ts"))).toContain("mongoose");
  });

  it("adapters hold no survey logic: they never import the engine's internals", () => {
    const adapterFiles = sources(join(root, "bots"));
    const offenders = adapterFiles.filter((f) => imports(f).some((s) => /core\/(engine|parse)\//.test(s)));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
