import { spawn } from "node:child_process";
import { resolve } from "node:path";
import mongoose from "mongoose";
import { describe, expect, inject, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** Runs the real start command with piped input and returns what it printed. */
function runStart(
  args: string[],
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bots/main.ts", ...args], {
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

describe("npm start (console channel)", { timeout: 90_000 }, () => {
  it("runs a whole Persian NPS survey from piped input and stores it", async () => {
    const uri = inject("mongoUri");
    const dbName = `cxtest_e2e_${Date.now().toString(36)}`;
    const url = new URL(uri);
    url.pathname = `/${dbName}`;
    const { code, stdout, stderr } = await runStart(
      ["--flow", "nps", "--lang", "fa", "--user", "e2e-fa", "--ref", "order-9"],
      ["۲", "غذا سرد رسید و پیک خیلی بی‌ادب بود", "1", ""].join("\n"),
      { MONGODB_URI: url.toString(), LOG_LEVEL: "warn" },
    );
    expect(stderr).not.toContain("UNEXPECTED");
    expect(code).toBe(0);
    expect(stdout).toContain("چقدر احتمال دارد ما را به دوست یا همکارتان معرفی کنید؟");
    expect(stdout).toContain("[۰] [۱] [۲]");
    expect(stdout).toContain("لطفاً بگویید چه چیزی باعث نارضایتی‌تان شد؟");
    expect(stdout).toContain("1) بله");
    expect(stdout).toContain("یکی از همکاران ما به‌زودی با شما تماس می‌گیرد");

    const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    try {
      const responses = await conn.collection("responses").find({}).toArray();
      expect(responses).toHaveLength(1);
      const state = responses[0]?.state as {
        status: string;
        reference: string;
        answers: { stepId: string }[];
      };
      expect(state.status).toBe("completed");
      expect(state.reference).toBe("order-9");
      expect(state.answers.map((a) => a.stepId)).toEqual(["score", "why-negative", "contact"]);
      const rollups = await conn.collection("score_rollups").find({}).toArray();
      expect(rollups.map((r) => [r._id, r.h, r.by])).toEqual([
        [`nps|score|${rollups[0]?.day}`, { v2: 1 }, { console: { fa: { v2: 1 } } }],
      ]);
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  it("takes /cx admin commands from an admin listed as console:<user>, and refuses everyone else", async () => {
    const uri = inject("mongoUri");
    const url = new URL(uri);
    const dbName = `cxtest_e2e_${Date.now().toString(36)}adm`;
    url.pathname = `/${dbName}`;
    const env = { MONGODB_URI: url.toString(), LOG_LEVEL: "warn", CX_ADMINS: "console:e2e-admin" };
    const admin = await runStart(
      ["--user", "e2e-admin"],
      [
        "/cx text ces score en How easy was that, really?",
        "/cx publish ces",
        "/cx flows",
        // A command without its flow offers the flows; typing a number presses one, even before a survey is picked.
        "/cx history",
        "1",
        "",
      ].join("\n"),
      env,
    );
    expect(admin.code).toBe(0);
    expect(admin.stdout).toContain("Saved in the draft of ces");
    expect(admin.stdout).toContain("ces version 2 is live");
    expect(admin.stdout).toMatch(/ces — live · version 2/);
    expect(admin.stdout).toMatch(/Versions of ces:\nversion 2 · .* ← live\nversion 1 /);
    const stranger = await runStart(
      ["--user", "e2e-stranger", "--flow", "ces", "--lang", "en"],
      ["/cx disable ces", ""].join("\n"),
      env,
    );
    expect(stranger.code).toBe(0);
    expect(stranger.stdout).toContain("How easy was that, really?");
    expect(stranger.stdout).not.toContain("ces is off");
    const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    try {
      const refused = await conn.collection("audit_log").find({ action: "admin.refused" }).toArray();
      expect(refused.map((e) => e.actor)).toEqual(["console:e2e-stranger"]);
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  it("lets an admin try a flow in the console in test mode: answered there, counted nowhere", async () => {
    const uri = inject("mongoUri");
    const url = new URL(uri);
    const dbName = `cxtest_e2e_${Date.now().toString(36)}try`;
    url.pathname = `/${dbName}`;
    const { code, stdout } = await runStart(
      ["--user", "e2e-trier"],
      ["/cx try csat en", "4", "Quick and friendly", ""].join("\n"),
      { MONGODB_URI: url.toString(), LOG_LEVEL: "warn", CX_ADMINS: "console:e2e-trier" },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("Test mode: your answers will not count in the scores.");
    expect(stdout).toContain("What did you like most?");
    expect(stdout).toContain("Thanks for sharing your feedback");
    const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    try {
      const responses = await conn.collection("responses").find({}).toArray();
      expect(responses.map((r) => (r.state as { test?: boolean }).test)).toEqual([true]);
      expect(await conn.collection("score_rollups").countDocuments()).toBe(0);
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  it("lets the user pick the flow and language, and re-asks nonsense", async () => {
    const uri = inject("mongoUri");
    const url = new URL(uri);
    const dbName = `cxtest_e2e_${Date.now().toString(36)}b`;
    url.pathname = `/${dbName}`;
    const { code, stdout } = await runStart(
      ["--user", "e2e-pick"],
      ["9", "2", "1", "banana", "5", "skip", ""].join("\n"),
      {
        MONGODB_URI: url.toString(),
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("Which survey?");
    expect(stdout).toContain("Please type one of the numbers above.");
    expect(stdout).toContain("Language?");
    expect(stdout).toContain("Please reply with a number from 1 to 5.");
    const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it("rejects a bad environment with every problem listed at once", async () => {
    const { code, stderr } = await runStart([], "", {
      MONGODB_URI: "http://nope",
      PORT: "99999",
      DEFAULT_LOCALE: "de",
      CX_ADMINS: "bob",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("MONGODB_URI");
    expect(stderr).toContain("PORT");
    expect(stderr).toContain("DEFAULT_LOCALE");
    expect(stderr).toContain("CX_ADMINS");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("shuts down gracefully on SIGTERM mid-survey, keeping what was answered", async () => {
    const uri = inject("mongoUri");
    const url = new URL(uri);
    const dbName = `cxtest_e2e_${Date.now().toString(36)}c`;
    url.pathname = `/${dbName}`;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bots/main.ts", "--flow", "csat", "--lang", "tr", "--user", "e2e-term"],
      {
        cwd: root,
        env: { ...process.env, MONGODB_URI: url.toString(), LOG_LEVEL: "info" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const answered = new Promise<void>((done) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("ters gittiğini")) done();
      });
    });
    child.stdin.write("2\n");
    await answered;
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
    const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    try {
      expect(await conn.collection("conversations").countDocuments()).toBe(1);
      const revisions = await conn.collection("conversation_revisions").find({}).sort({ rev: -1 }).toArray();
      const state = revisions[0]?.state as { answers: unknown[]; status: string } | undefined;
      expect(state?.status).toBe("active");
      expect(state?.answers).toHaveLength(1);
      const rollups = await conn.collection("score_rollups").find({}).toArray();
      expect(rollups.map((r) => r.h)).toEqual([{ v2: 1 }]);
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });
});
