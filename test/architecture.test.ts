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

/** Every cycle a depth-first walk meets, each as the files on it, starting where the walk entered it. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") cycles.push(path.slice(path.indexOf(next)));
      else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

/** Packages the core may use: validation and parsing of its own data, nothing that talks to the world. */
const CORE_ALLOWED_PACKAGES = new Set(["zod", "yaml", "csv-parse/sync"]);

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

  it("core/ has no import cycle (type-only imports included)", () => {
    const graph = new Map<string, string[]>(
      coreFiles.map((f) => [
        f,
        imports(f)
          .filter((s) => s.startsWith("."))
          .map((s) => resolve(f, "..", s)),
      ]),
    );
    expect(findCycles(graph).map((c) => c.map((f) => relative(root, f)).join(" → "))).toEqual([]);
  });

  it("the cycle finder finds a cycle (it would catch one)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(findCycles(graph)).toEqual([["a", "b", "c"]]);
  });

  it("adapters hold no survey logic: they never import the engine's internals", () => {
    const adapterFiles = sources(join(root, "bots"));
    const offenders = adapterFiles.filter((f) => imports(f).some((s) => /core\/(engine|parse)\//.test(s)));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
