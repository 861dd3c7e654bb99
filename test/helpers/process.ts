import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/** The cxbot process, as `npm start` runs it, with platform tokens in its environment. */
export interface CxbotProcess {
  readonly child: ChildProcess;
  /** The port its HTTP server listens on (PORT=0 picks a free one). */
  readonly port: number;
  /** Its JSON log lines so far (the last 1 MB). */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `bots/main.ts` with `env` (on top of this process's) and waits until its HTTP server listens. */
export async function spawnCxbot(env: Record<string, string>, timeoutMs = 60_000): Promise<CxbotProcess> {
  let log = "";
  const child = spawn(process.execPath, ["--import", "tsx", "bots/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-1_000_000);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const until = Date.now() + timeoutMs;
  let port = 0;
  while (port === 0) {
    const listening = log.match(/"port":(\d+),"msg":"http server listening"/);
    if (listening?.[1]) port = Number(listening[1]);
    else if (child.exitCode !== null) throw new Error(`cxbot exited early:\n${log}`);
    else if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`cxbot did not start:\n${log}`);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    stderr: () => log,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Resolves once the process has exited (at once if it already has). */
export function exited(p: CxbotProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) resolve();
    else p.child.once("exit", () => resolve());
  });
}

/** Polls `condition` every 5 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
