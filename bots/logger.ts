import { pino } from "pino";

/** Keys never written to a log, wherever they appear. */
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
  "headers.authorization",
];

export type Logger = pino.Logger;

/** Structured JSON logs on stderr (stdout belongs to the console channel), or on `destination` (tests). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "cxbot" } },
    destination ?? pino.destination(2),
  );
}
