import { pino } from "pino";

/** Keys never written to a log, wherever they appear: secrets, and people's names. */
const REDACT = [
  "*.token",
  "*.secret",
  "*.password",
  "*.MONGODB_URI",
  "*.TELEGRAM_BOT_TOKEN",
  "*.TELEGRAM_WEBHOOK_SECRET",
  "*.SLACK_BOT_TOKEN",
  "*.SLACK_SIGNING_SECRET",
  "*.SLACK_APP_TOKEN",
  "*.DISCORD_TOKEN",
  "*.CX_API_KEY",
  "headers.authorization",
  // Personal data, should a log call ever pass it (none does at info level; test/privacy/logs.test.ts).
  "respondent",
  "*.respondent",
  "*.displayName",
  "*.first_name",
  "*.last_name",
  "*.username",
];

export type Logger = pino.Logger;

const MAX_CAUSES = 5;

/**
 * pino's error serializer (type, message and stack with the causes' appended, own fields such as `code`), plus
 * the `cause` chain as structured objects, so a cause's own `code` (a Slack API error, a CxError) is a field the
 * log can be searched by. A cause that is not an Error is kept when it is a primitive, by its type otherwise.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) {
    if (depth === 0 || error === null || typeof error !== "object") return error;
    return { type: error.constructor?.name ?? "Object" };
  }
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(error) };
  if (error.cause !== undefined) {
    serialized.cause = depth < MAX_CAUSES ? serializeError(error.cause, depth + 1) : "[more causes]";
  }
  return serialized;
}

/** Structured JSON logs on stderr (stdout belongs to the console channel), or on `destination` (tests). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { app: "cxbot" },
      serializers: { err: serializeError },
    },
    destination ?? pino.destination(2),
  );
}
