import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../bots/logger.ts";
import { installProcessGuard } from "../../bots/process-guard.ts";
import { CxError } from "../../core/result.ts";

function rig(burstLimit?: number) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("info", { write: (l: string) => void lines.push(JSON.parse(l)) });
  const target = new EventEmitter();
  const exits: number[] = [];
  let stopped = 0;
  const guard = installProcessGuard({
    logger,
    target,
    exit: (code) => void exits.push(code),
    onFatal: async () => {
      stopped++;
    },
    ...(burstLimit === undefined ? {} : { burstLimit }),
  });
  return { lines, target, exits, guard, stopped: () => stopped };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("process guard", () => {
  it("survives an uncaught exception and an unhandled rejection once started, logging code and cause", async () => {
    const r = rig();
    r.guard.started();
    const cause = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    r.target.emit("uncaughtException", new CxError("STORE_UNAVAILABLE", "write failed", { cause }));
    r.target.emit(
      "unhandledRejection",
      new TypeError("Cannot read properties of null (reading 'ssl_check')"),
    );
    await settle();
    expect(r.exits).toEqual([]);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatchObject({
      level: 50,
      code: "STORE_UNAVAILABLE",
      err: { type: "CxError", cause: { message: "socket hang up", code: "ECONNRESET" } },
    });
    expect(r.lines[1]).toMatchObject({
      code: "UNEXPECTED",
      kind: "unhandledRejection",
      err: { type: "TypeError" },
    });
  });

  it("exits (after stopping the app) on an error during start-up, a listen error, or a burst", async () => {
    const early = rig();
    early.target.emit("uncaughtException", new Error("boom"));
    await settle();
    expect(early.exits).toEqual([1]);
    expect(early.stopped()).toBe(1);

    const listen = rig();
    listen.guard.started();
    listen.target.emit(
      "uncaughtException",
      Object.assign(new Error("in use"), { code: "EADDRINUSE", syscall: "listen" }),
    );
    await settle();
    expect(listen.exits).toEqual([1]);
    expect(listen.lines[0]).toMatchObject({ level: 60, code: "EADDRINUSE" });

    const burst = rig(3);
    burst.guard.started();
    for (let i = 0; i < 3; i++) burst.target.emit("unhandledRejection", new Error(`again ${i}`));
    await settle();
    expect(burst.exits).toEqual([]);
    burst.target.emit("unhandledRejection", new Error("once too often"));
    burst.target.emit("unhandledRejection", new Error("and again"));
    await settle();
    expect(burst.exits).toEqual([1]);
  });
});
