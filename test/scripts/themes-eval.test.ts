import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { THEMES } from "../../core/themes/themes.ts";

const root = join(import.meta.dirname, "../..");

function run(args: readonly string[]): string {
  return execFileSync(process.execPath, ["--import", "tsx", "scripts/eval-themes.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
}

interface ComponentJson {
  readonly gold: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

describe("eval:themes on a generic JSONL file", () => {
  // Both splits, so every fixture row is measured once whichever half the seeded split puts it in.
  const outputs = (["dev", "test"] as const).map(
    (split) =>
      JSON.parse(run(["test/fixtures/sentiment/themes.jsonl", "--json", "--split", split])) as {
        files: Record<string, unknown>[];
      },
  );
  const files = outputs.flatMap((o) => o.files);
  // A language with no row in one split has no component figures there.
  const judged = files.filter((f) => f.components !== undefined);

  it("prints one object per file, language and split, with per-component precision and recall", () => {
    expect(judged.length).toBeGreaterThan(0);
    for (const f of judged) {
      expect(f.file).toBe("themes.jsonl");
      expect(["en", "tr"]).toContain(f.lang);
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(["file", "lang", "split", "rows", "coverage", "components", "textsPerSecond"]),
      );
      const components = f.components as Record<string, ComponentJson>;
      expect(Object.keys(components)).toEqual([...THEMES]);
      for (const m of Object.values(components))
        for (const v of [m.precision, m.recall, m.f1])
          if (v !== null) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
    }
  });

  it("reads older theme names as their component and counts every gold label once", () => {
    const gold = (component: string): number =>
      judged.reduce((n, f) => n + ((f.components as Record<string, ComponentJson>)[component]?.gold ?? 0), 0);
    // delivery → processes, quality and packaging → product.
    expect(gold("processes")).toBe(2);
    expect(gold("product")).toBe(3);
    expect(gold("price")).toBe(2);
    expect(gold("communications")).toBe(1);
    const rows = files.reduce((n, f) => n + (f.rows as number), 0);
    expect(rows).toBe(10);
  });

  it("finds the components the hand-written rows name", () => {
    const recall = (component: string): number => {
      let hit = 0;
      let all = 0;
      for (const f of judged) {
        const m = (f.components as Record<string, ComponentJson>)[component];
        if (!m || m.gold === 0 || m.recall === null) continue;
        all += m.gold;
        hit += m.recall * m.gold;
      }
      return hit / all;
    };
    for (const c of ["price", "processes", "people"]) expect(recall(c)).toBe(1);
  });
});
