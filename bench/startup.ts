/**
 * Start-up time and memory of the cxbot process, as `npm start` runs it, in three configurations:
 *
 * - `console`: no platform token; ready when the first question is printed (piped stdin, `--flow nps`).
 * - `telegram`: Telegram only (long polling against the fake Bot API); ready when `GET /healthz` answers 200.
 * - `all`: Telegram and Slack (HTTP mode, the fake Slack); ready when `GET /healthz` answers 200.
 *
 * Each runs from the build (`CXBOT_RUN=build`, after `npm run build` when dist/ is stale) and from the sources
 * through tsx (`CXBOT_RUN=sources`, a fresh clone's `npm start`). The database is started once, before
 * anything is timed (the embedded server, or MONGODB_URI), and each configuration restarts on a database it
 * has already started on once (an untimed first run publishes the flows), as a production restart does. Timed
 * from spawn to ready; the RSS is the process's VmRSS at that moment. The fakes run in this process and are
 * idle but for the bot's calls. The CPU time the process used until ready is printed too: on a busy machine
 * it is steadier than the wall clock.
 *
 * `npm run bench:startup` (also the last part of `npm run bench`), or `node --import tsx bench/startup.ts`.
 * Flags: `--runs N` (default 7), `--configs console,telegram,all`, `--modes build,sources`, `--node "ARGS"`
 * (Node options for the cxbot process, e.g. `--cpu-prof` or a heap setting to compare).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { builtFrom, sourceHash } from "../scripts/build-stamp.mjs";
import { startFakeSlack } from "../test/fakes/slack-api.ts";
import { startFakeTelegram } from "../test/fakes/telegram-api.ts";
import { benchServer } from "./server.ts";

const root = resolve(import.meta.dirname, "..");

const CONFIGS = ["console", "telegram", "all"] as const;
const MODES = ["build", "sources"] as const;
type ConfigName = (typeof CONFIGS)[number];
type Mode = (typeof MODES)[number];

/** The targets, for Telegram only from the build. */
const TARGET = { config: "telegram", mode: "build", ms: 500, mb: 130 } as const;
const READY_TIMEOUT_MS = 60_000;
const COLUMN = 36;
const FIRST_QUESTION = "How likely are you to recommend us";

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
  /** CPU time the process used until ready (user + system): what start-up costs, whatever else runs. */
  readonly cpuMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** VmRSS of a live process, in MB (Linux). */
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

/** User + system CPU time of a live process, in ms (Linux; 10 ms resolution). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces), from field 3 on: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

/** Starts cxbot once and measures it at ready; `env` holds the configuration's variables. */
async function startOnce(
  config: ConfigName,
  mode: Mode,
  env: Record<string, string>,
  nodeArgs: readonly string[],
): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, "scripts/start.mjs", ...(config === "console" ? ["--flow", "nps", "--lang", "en"] : [])],
    {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port), CXBOT_RUN: mode },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout = (stdout + d).slice(-100_000);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-100_000);
  });
  try {
    const until = started + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`cxbot exited (${child.exitCode}):\n${stderr}`);
      if (performance.now() > until) throw new Error(`cxbot was not ready in time:\n${stderr}`);
      if (config === "console") {
        if (stdout.includes(FIRST_QUESTION)) break;
        await new Promise((r) => setTimeout(r, 2));
      } else {
        const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (res) => res.arrayBuffer().then(() => res.status),
          () => 0,
        );
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const ms = performance.now() - started;
    return { ms, rssMb: rssMb(child.pid as number), cpuMs: cpuMs(child.pid as number) };
  } finally {
    child.stdin?.end();
    await stop(child);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "7" },
      configs: { type: "string", default: CONFIGS.join(",") },
      modes: { type: "string", default: MODES.join(",") },
      node: { type: "string", default: "" },
    },
  });
  const runs = Number(values.runs);
  const configs = values.configs.split(",") as ConfigName[];
  const modes = values.modes.split(",") as Mode[];
  const nodeArgs = values.node.split(" ").filter((a) => a !== "");
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  for (const c of configs) if (!CONFIGS.includes(c)) throw new Error(`unknown configuration ${c}`);
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`unknown mode ${m}`);

  if (modes.includes("build") && builtFrom(root) !== sourceHash(root)) {
    console.log("  (dist/ does not match the sources: npm run build)");
    const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
    if (built.status !== 0) throw new Error("npm run build failed");
  }

  const server = await benchServer("startup", { quiet: true });
  const { target } = server;
  const telegram = await startFakeTelegram({
    token: "7777:startup-bench-token-eeeeeeeeeeeeeeeee",
    maxLongPollMs: 1_000,
  });
  const slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addChannel("C0STARTUP", "cx-alerts");
  const run = Date.now().toString(36);
  const dbUri = (name: string) => {
    const url = new URL(target.uri);
    url.pathname = `/cxbench_startup_${run}_${name}`;
    return url.toString();
  };
  const tokens = {
    telegram: { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot },
    slack: {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: "C0STARTUP",
      DIGEST_AT: "off",
    },
  };
  const envOf = (config: ConfigName): Record<string, string> => {
    // Platform tokens from this shell would change the configuration.
    const base: Record<string, string> = {
      MONGODB_URI: dbUri(config),
      TELEGRAM_BOT_TOKEN: "",
      SLACK_BOT_TOKEN: "",
      SLACK_SIGNING_SECRET: "",
      SLACK_APP_TOKEN: "",
      SLACK_ALERT_CHANNEL: "",
    };
    if (config === "telegram") return { ...base, ...tokens.telegram };
    if (config === "all") return { ...base, ...tokens.telegram, ...tokens.slack };
    return base;
  };

  console.log(
    `\n## Start-up: spawn → ready, RSS at ready (median of ${runs}; ${target.kind} database already running)` +
      (nodeArgs.length > 0 ? `; node ${nodeArgs.join(" ")}` : ""),
  );
  console.log(`  ${"configuration".padEnd(15)}${modes.map((m) => m.padEnd(COLUMN)).join("")}`);
  const medians = new Map<string, Sample>();
  try {
    for (const config of configs) {
      const cells: string[] = [];
      for (const mode of modes) {
        await startOnce(config, mode, envOf(config), nodeArgs); // publishes the flows on the first run; warms caches
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i++) samples.push(await startOnce(config, mode, envOf(config), nodeArgs));
        const m: Sample = {
          ms: median(samples.map((s) => s.ms)),
          rssMb: median(samples.map((s) => s.rssMb)),
          cpuMs: median(samples.map((s) => s.cpuMs)),
        };
        medians.set(`${config}/${mode}`, m);
        cells.push(
          `${Math.round(m.ms)} ms  ${m.rssMb.toFixed(1)} MB  cpu ${Math.round(m.cpuMs)} ms`.padEnd(COLUMN),
        );
      }
      console.log(`  ${config.padEnd(15)}${cells.join("")}`);
    }
  } finally {
    await telegram.close();
    await slack.close();
    await server.stop();
  }
  const t = medians.get(`${TARGET.config}/${TARGET.mode}`);
  if (t) {
    const verdict = (ok: boolean) => (ok ? "met" : "missed");
    console.log(
      `  target, Telegram only from the build: ≤ ${TARGET.ms} ms: ${Math.round(t.ms)} ms, ${verdict(t.ms <= TARGET.ms)}; ` +
        `≤ ${TARGET.mb} MB: ${t.rssMb.toFixed(0)} MB, ${verdict(t.rssMb <= TARGET.mb)}`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
