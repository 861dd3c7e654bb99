import { describe, expect, it } from "vitest";
import { loadConfig, redactUri } from "../../bots/config.ts";
import { CxError } from "../../core/result.ts";

describe("configuration", () => {
  it("applies the defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DEFAULT_LOCALE: "en",
      DEFAULT_FLOW: "nps",
      CX_ADMINS: [],
      FLOWS_DIR: "flows",
    });
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
  });

  it("parses admins and Telegram settings", () => {
    const c = loadConfig({
      CX_ADMINS: "telegram:12345, slack:U024BE7LH",
      TELEGRAM_BOT_TOKEN: "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
      TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
      TELEGRAM_WEBHOOK_SECRET: "a-long-enough-secret_123",
    });
    expect(c.CX_ADMINS).toEqual(["telegram:12345", "slack:U024BE7LH"]);
    expect(c.TELEGRAM_MAX_CONNECTIONS).toBe(8);
  });

  it("lists every problem at once, with a stable code, and never echoes a secret", () => {
    let error: unknown;
    try {
      loadConfig({
        MONGODB_URI: "postgres://user:hunter2@db/x",
        PORT: "70000",
        DEFAULT_LOCALE: "de",
        CX_ADMINS: "bob",
        TELEGRAM_BOT_TOKEN: "not-a-token",
        TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CxError);
    const { code, message } = error as CxError;
    expect(code).toBe("CONFIG_INVALID");
    for (const key of [
      "MONGODB_URI",
      "PORT",
      "DEFAULT_LOCALE",
      "CX_ADMINS",
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_WEBHOOK_SECRET",
    ]) {
      expect(message).toContain(key);
    }
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("not-a-token");
  });

  it("parses Slack settings and requires the bot token with any other Slack setting", () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1234-5678-abcdefgh",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_ALERT_CHANNEL: "C024BE91L",
    });
    expect(c).toMatchObject({
      SLACK_API_URL: "https://slack.com/api/",
      ALERT_FLOOD_PER_MINUTE: 10,
      DIGEST_AT: "09:00",
      DIGEST_TIME_ZONE: "UTC",
    });
    let error: unknown;
    try {
      loadConfig({
        SLACK_SIGNING_SECRET: "short",
        SLACK_ALERT_CHANNEL: "#support",
        DIGEST_AT: "25:00",
        DIGEST_TIME_ZONE: "Mars/Olympus",
      });
    } catch (e) {
      error = e;
    }
    const message = (error as CxError).message;
    for (const key of [
      "SLACK_SIGNING_SECRET: must be",
      "SLACK_ALERT_CHANNEL: must be a channel id",
      "DIGEST_AT",
      "DIGEST_TIME_ZONE",
      "SLACK_BOT_TOKEN: is required with SLACK_SIGNING_SECRET",
      "SLACK_BOT_TOKEN: is required with SLACK_ALERT_CHANNEL",
    ]) {
      expect(message).toContain(key);
    }
    expect(message).not.toContain("short");
  });

  it("redacts the password of a connection string for logs", () => {
    expect(redactUri("mongodb+srv://app:s3cr3t@cluster0.example.net/cx")).toBe(
      "mongodb+srv://app:***@cluster0.example.net/cx",
    );
    expect(redactUri("mongodb://127.0.0.1:27017/cx")).toBe("mongodb://127.0.0.1:27017/cx");
  });
});
