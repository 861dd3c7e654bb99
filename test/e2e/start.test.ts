import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { builtFrom, sourceHash } from "../../scripts/build-stamp.mjs";

const root = resolve(import.meta.dirname, "../..");

/** `npm start` without npm: the launcher, with piped input. */
function runLauncher(
  args: string[],
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["scripts/start.mjs", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`timed out\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe("npm start's launcher (scripts/start.mjs)", { timeout: 90_000 }, () => {
  it("runs the sources through tsx in its own process: arguments, piped input and exit code", async () => {
    const url = new URL(inject("mongoUri"));
    url.pathname = `/cxtest_launcher_${Date.now().toString(36)}`;
    const { code, stdout, stderr } = await runLauncher(
      ["--flow", "nps", "--lang", "en", "--user", "launcher"],
      "9\nGreat support\n",
      { MONGODB_URI: url.toString(), LOG_LEVEL: "warn", CXBOT_RUN: "sources" },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("How likely are you to recommend us");
    expect(stdout).toContain("Thanks for sharing your feedback");
  });

  it("refuses an unknown CXBOT_RUN", async () => {
    const { code, stderr } = await runLauncher([], "", { CXBOT_RUN: "fast" });
    expect(code).toBe(2);
    expect(stderr).toContain("CXBOT_RUN must be auto, build or sources");
  });
});

describe("the build stamp", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("changes with any compiled source or compiler setting, and is read back from the build", async () => {
    dir = await mkdtemp(join(tmpdir(), "cxstamp-"));
    const at = dir;
    for (const d of ["core/flow", "bots", "storage"]) await mkdir(join(at, d), { recursive: true });
    const put = (file: string, text: string) => writeFile(join(at, file), text);
    await put("tsconfig.json", "{}");
    await put("tsconfig.build.json", "{}");
    await put("core/flow/a.ts", "export const a = 1;");
    await put("bots/b.ts", "export const b = 1;");
    await put("storage/c.ts", "export const c = 1;");
    await put("bots/notes.md", "not compiled");

    const first = sourceHash(at);
    expect(sourceHash(at)).toBe(first);
    await put("bots/notes.md", "still not compiled");
    expect(sourceHash(at)).toBe(first);
    await put("core/flow/a.ts", "export const a = 2;");
    const edited = sourceHash(at);
    expect(edited).not.toBe(first);
    await put("storage/d.ts", "");
    expect(sourceHash(at)).not.toBe(edited);
    const added = sourceHash(at);
    await put("tsconfig.build.json", '{ "compilerOptions": {} }');
    expect(sourceHash(at)).not.toBe(added);

    expect(builtFrom(at)).toBeUndefined();
    await mkdir(join(at, "dist"));
    await put("dist/build-stamp.json", "{ half written");
    expect(builtFrom(at)).toBeUndefined();
    await put("dist/build-stamp.json", JSON.stringify({ sources: sourceHash(at) }));
    expect(builtFrom(at)).toBe(sourceHash(at));
  });
});
