import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFlowsCached } from "../../bots/flow-cache.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { flowHash } from "../../core/flow/registry.ts";

const shipped = resolve(import.meta.dirname, "../../flows");

let root: string;
let flowsDir: string;
async function cacheFile(): Promise<string> {
  const names = (await readdir(join(root, ".cache"))).filter((n) => /^flows-[0-9a-f]{16}\.json$/.test(n));
  expect(names).toHaveLength(1);
  return join(root, ".cache", names[0] as string);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cxflows-"));
  flowsDir = join(root, "flows");
  await cp(shipped, flowsDir, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("flows loaded through the cache", () => {
  it("gives exactly what loading the folder gives, from the files and then from the cache", async () => {
    const direct = await loadFlowDirectory(flowsDir);
    const first = await loadFlowsCached(flowsDir, root);
    const second = await loadFlowsCached(flowsDir, root);
    for (const loaded of [first, second]) {
      expect(loaded.errors).toEqual([]);
      expect(loaded.flows).toEqual(direct.flows);
      // The same hash, so a restart from the cache publishes no new version.
      expect(loaded.flows.map(flowHash)).toEqual(direct.flows.map(flowHash));
    }
  });

  it("reuses a definition while the file is unchanged, and parses the file again once it changes", async () => {
    await loadFlowsCached(flowsDir, root);
    const cache = JSON.parse(await readFile(await cacheFile(), "utf8"));
    const npsFile = join(flowsDir, "nps.yaml");
    cache.entries[npsFile].definition.title.en = "From the cache";
    await writeFile(await cacheFile(), JSON.stringify(cache));
    const hit = await loadFlowsCached(flowsDir, root);
    expect(hit.flows.find((f) => f.key === "nps")?.title.en).toBe("From the cache");

    await writeFile(npsFile, `${await readFile(npsFile, "utf8")}\n# edited\n`);
    const miss = await loadFlowsCached(flowsDir, root);
    expect(miss.flows.find((f) => f.key === "nps")?.title.en).toBe("Net Promoter Score (NPS)");
  });

  it("reports a bad file on every start, with its line, and still loads the others", async () => {
    await writeFile(join(flowsDir, "broken.yaml"), "key: broken\nsteps: 3\n");
    for (let run = 0; run < 2; run++) {
      const loaded = await loadFlowsCached(flowsDir, root);
      expect(loaded.flows.map((f) => f.key).sort()).toEqual(["ces", "csat", "nps", "recovery"]);
      expect(loaded.errors.length).toBeGreaterThan(0);
      expect(loaded.errors[0]?.message).toMatch(/broken\.yaml: .+ \(line \d+\): /);
    }
  });

  it("ignores a cache it cannot read, and one written by other code", async () => {
    await loadFlowsCached(flowsDir, root);
    const cache = JSON.parse(await readFile(await cacheFile(), "utf8"));
    cache.loader = "other";
    cache.entries[join(flowsDir, "nps.yaml")].definition.title.en = "Stale";
    await writeFile(await cacheFile(), JSON.stringify(cache));
    expect((await loadFlowsCached(flowsDir, root)).flows.find((f) => f.key === "nps")?.title.en).toBe(
      "Net Promoter Score (NPS)",
    );
    await writeFile(await cacheFile(), "{ not json");
    expect((await loadFlowsCached(flowsDir, root)).flows).toHaveLength(4);
  });
});
