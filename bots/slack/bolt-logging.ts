import {
  HTTPModuleFunctions,
  type ReceiverProcessEventErrorHandlerArgs,
  type SocketModeReceiverProcessEventErrorHandlerArgs,
  defaultProcessEventErrorHandler as socketModeDefault,
} from "@slack/bolt";
import type { Logger } from "../logger.ts";

/**
 * Log fields for one call of bolt's logger: the strings joined, and the first Error kept as an object (`err`),
 * so pino writes its type, code, stack and `cause` chain instead of `String(error)`. Other values stay
 * `String()`-ed: bolt and the Web API client log request arguments, and a token must never reach a log line.
 */
export function boltLogFields(msg: readonly unknown[]): { slack: string; err?: Error } {
  const error = msg.find((m): m is Error => m instanceof Error);
  const slack = msg
    .filter((m) => m !== error)
    .map(String)
    .join(" ");
  return error ? { slack, err: error } : { slack };
}

/**
 * Error handlers for bolt's receivers that log the error itself with a stable code (bolt's defaults log a fixed
 * sentence at error level and the error only at debug level), then answer as bolt's defaults do.
 */
export function boltErrorHandlers(logger: Logger): {
  processEventErrorHandler: (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean>;
} {
  return {
    processEventErrorHandler: async (args) => {
      logger.error(
        { err: args.error, code: "SLACK_PROCESS_EVENT", afterAck: args.response.headersSent },
        "bolt could not process a slack request",
      );
      return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
    },
  };
}

/** The same for Socket Mode. */
export function socketModeErrorHandlers(logger: Logger): {
  processEventErrorHandler: (args: SocketModeReceiverProcessEventErrorHandlerArgs) => Promise<boolean>;
} {
  return {
    processEventErrorHandler: async (args) => {
      logger.error(
        { err: args.error, code: "SLACK_PROCESS_EVENT" },
        "bolt could not process a slack envelope",
      );
      return socketModeDefault(args);
    },
  };
}
