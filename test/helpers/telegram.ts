import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import type { WebhookOptions } from "../../bots/webhooks.ts";
import { type FakeTelegram, type ShownMessage, startFakeTelegram } from "../fakes/telegram-api.ts";

/** The button labelled `label` on the newest message shown, as the fake needs it to press it. */
export function lastButton(messages: ShownMessage[], label: string): { id: number; data: string } {
  const m = messages.at(-1);
  const b = m?.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
  if (!m || !b || !("callback_data" in b) || typeof b.callback_data !== "string")
    throw new Error(`no ${label} in ${JSON.stringify(m)}`);
  return { id: m.message_id, data: b.callback_data };
}

/** cxbot with Telegram in webhook mode on the fake Bot API, started as `npm start` starts it. */
export interface TelegramRig {
  readonly fake: FakeTelegram;
  readonly cx: RunningCxbot;
  /** The cxbot process's HTTP address (`http://127.0.0.1:<port>`). */
  readonly base: string;
  /** Stops cxbot, drops its database and stops the fake. */
  close(): Promise<void>;
}

/**
 * Starts the fake Bot API and cxbot against it (webhook mode, a throwaway database named after `label`), and
 * routes the fake's webhook deliveries to cxbot. `env` adds or overrides settings (CX_ADMINS…).
 */
export async function startTelegramRig(options: {
  readonly token: string;
  readonly secret: string;
  readonly label: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly webhooks?: WebhookOptions;
}): Promise<TelegramRig> {
  const fake = await startFakeTelegram({ token: options.token });
  let cx: RunningCxbot;
  try {
    cx = await startCxbot(
      loadConfig({
        MONGODB_URI: inject("mongoUri"),
        PORT: "0",
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
        TELEGRAM_WEBHOOK_SECRET: options.secret,
        DIGEST_AT: "off",
        ...options.env,
      }),
      {
        projectRoot: resolve(import.meta.dirname, "../.."),
        logger: createLogger(process.env.TEST_LOG_LEVEL === "trace" ? "trace" : "silent"),
        dbName: `cxtest_${options.label}_${randomBytes(4).toString("hex")}`,
        host: "127.0.0.1",
        ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      },
    );
  } catch (error) {
    await fake.close();
    throw error;
  }
  const base = `http://127.0.0.1:${cx.platforms.http.port}`;
  fake.routeWebhooks(base);
  return {
    fake,
    cx,
    base,
    async close() {
      await cx.platforms.close();
      await cx.app.database.connection.dropDatabase().catch(() => undefined);
      await cx.close();
      await fake.close();
    },
  };
}
