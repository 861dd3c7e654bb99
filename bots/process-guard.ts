import { CxError } from "../core/result.ts";
import type { Logger } from "./logger.ts";

/**
 * The last line of defence: an error nothing caught (an SDK's callback that throws, a promise nobody awaited)
 * is logged with its code and cause, and the process keeps serving, because one bad request must not take every
 * conversation in flight down with it. Three cases still end the process (exit code 1, after `onFatal`):
 *
 * - anything uncaught before start-up has finished: a process that could not start is not one to keep;
 * - an error from `listen` (EADDRINUSE, EACCES): there is no server to keep;
 * - more than `burstLimit` uncaught errors within a minute: something is failing in a loop, and a restart by
 *   the supervisor is more likely to help than another thousand log lines.
 *
 * Node's own default for both events is to crash; start-up failures that main() awaits still end in its catch.
 */
export interface ProcessGuard {
  /** Call once every platform has started: from then on, uncaught errors are survived. */
  started(): void;
  /** Removes the handlers (tests). */
  uninstall(): void;
}

export interface ProcessGuardOptions {
  readonly logger: Logger;
  /** Called once before a fatal exit; should stop the app. Bounded by `fatalTimeoutMs`. */
  readonly onFatal?: (error: unknown) => Promise<void>;
  readonly fatalTimeoutMs?: number;
  readonly burstLimit?: number;
  /** Ends the process (tests replace it). */
  readonly exit?: (code: number) => void;
  readonly target?: NodeJS.EventEmitter;
}

const BURST_WINDOW_MS = 60_000;

const codeOf = (error: unknown): string => {
  if (error instanceof CxError) return error.code;
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return "UNEXPECTED";
};

const isListenError = (error: unknown): boolean =>
  error instanceof Error && "syscall" in error && error.syscall === "listen";

export function installProcessGuard(options: ProcessGuardOptions): ProcessGuard {
  const { logger } = options;
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const burstLimit = options.burstLimit ?? 100;
  let running = false;
  let exiting = false;
  let recent: number[] = [];

  const fatal = (error: unknown, reason: string): void => {
    if (exiting) return;
    exiting = true;
    logger.fatal({ err: error, code: codeOf(error), reason }, "cxbot cannot go on; exiting");
    const timer = setTimeout(() => exit(1), options.fatalTimeoutMs ?? 5_000);
    timer.unref();
    void (options.onFatal?.(error) ?? Promise.resolve())
      .catch((stopError: unknown) =>
        logger.error({ err: stopError, code: "SHUTDOWN_FAILED" }, "could not stop cleanly"),
      )
      .finally(() => {
        clearTimeout(timer);
        exit(1);
      });
  };

  const caught = (error: unknown, kind: "uncaughtException" | "unhandledRejection"): void => {
    const now = Date.now();
    recent = [...recent.filter((at) => at > now - BURST_WINDOW_MS), now];
    const fatalReason = !running
      ? `${kind} during start-up`
      : isListenError(error)
        ? `${kind}: the server cannot listen`
        : recent.length > burstLimit
          ? `${recent.length} uncaught errors within a minute`
          : undefined;
    if (fatalReason !== undefined) {
      fatal(error, fatalReason);
      return;
    }
    logger.error(
      { err: error, code: codeOf(error), kind },
      kind === "uncaughtException" ? "uncaught exception survived" : "unhandled rejection survived",
    );
  };

  const onException = (error: unknown): void => caught(error, "uncaughtException");
  const onRejection = (reason: unknown): void => caught(reason, "unhandledRejection");
  target.on("uncaughtException", onException);
  target.on("unhandledRejection", onRejection);
  return {
    started() {
      running = true;
    },
    uninstall() {
      target.off("uncaughtException", onException);
      target.off("unhandledRejection", onRejection);
    },
  };
}
