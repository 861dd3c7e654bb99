import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import type { InboundInput } from "../../core/types.ts";
import type { WebhookEndpoint } from "../../core/webhooks/registry.ts";
import { verifyWebhook } from "../../core/webhooks/sign.ts";
import { type FakeSlack, type FakeSlackUser, startFakeSlack } from "../fakes/slack-api.ts";
import { waitForAlert } from "../helpers/alerts.ts";

/**
 * `alert.raised` and `alert.resolved` webhooks: cxbot with Slack alerts (the fake Slack on 127.0.0.1), a
 * customer's low score raising an alert, an agent acknowledging it with Slack's button and resolving it, and a
 * receiver on 127.0.0.1 subscribed to alert events only.
 */

const ALERTS = "C0HOOKS";
const agent: FakeSlackUser = { id: "U0AGENT9", name: "deniz", locale: "en-US" };

let slack: FakeSlack;
let cx: RunningCxbot;
let receiver: Server;
let endpoint: WebhookEndpoint;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("thanks");
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addUser(agent);
  slack.addChannel(ALERTS, "cx-alerts");
  cx = await startCxbot(
    loadConfig({
      MONGODB_URI: inject("mongoUri"),
      PORT: "0",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
      SLACK_ALERT_CHANNEL: ALERTS,
      CX_WEBHOOKS_ALLOW_HTTP: "1",
      DIGEST_AT: "off",
    }),
    {
      projectRoot: resolve(import.meta.dirname, "../.."),
      logger: createLogger("silent"),
      dbName: `cxtest_hookalerts_${randomBytes(4).toString("hex")}`,
      host: "127.0.0.1",
      alertFoldWindowMs: 300,
      webhooks: { pollMs: 50 },
    },
  );
  slack.routeTo(`http://127.0.0.1:${cx.platforms.http.port}/slack/events`);
  const added = await cx.platforms.webhooks.registry.add(
    `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
    ["alert.raised", "alert.resolved"],
    "slack:U0ADMIN",
  );
  if (!added.ok) throw new Error(added.error);
  endpoint = added.value;
}, 120_000);

afterAll(async () => {
  if (cx) {
    await cx.platforms.close();
    await cx.app.database.connection.dropDatabase().catch(() => undefined);
    await cx.close();
  }
  await slack?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
});

let seq = 0;
async function answer(userId: string, inputs: readonly InboundInput[]): Promise<string> {
  let id = "";
  for (const input of inputs) {
    const result = await cx.app.service.handle({
      eventId: `hooks:${userId}:${++seq}`,
      respondent: { channel: "console", userId },
      input,
      receivedAt: new Date(),
    });
    id = result.conversationId ?? id;
  }
  return id;
}

async function delivery(type: string): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  const end = Date.now() + 15_000;
  for (;;) {
    const found = received.find((r) => (JSON.parse(r.body) as { type: string }).type === type);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no ${type} delivered: ${received.map((r) => r.body).join("\n")}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("alert webhooks", () => {
  it("sends alert.raised when a low score raises an alert, and alert.resolved with who acknowledged and resolved it", async () => {
    const id = await answer("detractor-1", [
      { type: "start", flowKey: "nps", locale: "en", reference: "ticket-9" },
      { type: "text", text: "2" },
      { type: "text", text: "Nobody answered the phone for a week." },
    ]);
    const raised = await delivery("alert.raised");
    expect(verifyWebhook(endpoint.secret, raised.headers, raised.body)).toEqual({ ok: true });
    expect(JSON.parse(raised.body)).toMatchObject({
      type: "alert.raised",
      data: {
        alertId: id,
        conversationId: id,
        flow: { key: "nps" },
        reference: "ticket-9",
        score: { value: 2, scale: "nps", band: "detractor" },
        status: "open",
        resolvedBy: null,
      },
    });

    const alert = await waitForAlert(cx, id, (a) => a.post !== undefined);
    await slack.clickButton(agent, ALERTS, alert.post?.ref ?? "", { text: "Acknowledge" });
    await waitForAlert(cx, id, (a) => a.status === "acknowledged");
    const resolved = await cx.platforms.alerts?.act(
      id,
      { id: "slack:U0AGENT9", name: "deniz" },
      {
        type: "resolve",
        recovery: false,
      },
    );
    expect(resolved?.ok).toBe(true);
    const done = await delivery("alert.resolved");
    expect(verifyWebhook(endpoint.secret, done.headers, done.body)).toEqual({ ok: true });
    expect(JSON.parse(done.body)).toMatchObject({
      type: "alert.resolved",
      data: {
        alertId: id,
        status: "resolved",
        comment: "Nobody answered the phone for a week.",
        sentiment: "negative",
        acknowledgedBy: { id: expect.stringContaining("U0AGENT9") },
        resolvedBy: { id: "slack:U0AGENT9", name: "deniz" },
      },
    });
    // Subscribed to alerts only: the response itself was not sent here; each event once.
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((r) => (JSON.parse(r.body) as { type: string }).type).sort()).toEqual([
      "alert.raised",
      "alert.resolved",
    ]);
  });
});
