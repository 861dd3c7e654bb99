import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { App } from "../../bots/app.ts";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type Platforms, type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import {
  type FakeSlack,
  type FakeSlackUser,
  type StoredSlackMessage,
  startFakeSlack,
} from "../fakes/slack-api.ts";
import { waitForAlert } from "../helpers/alerts.ts";

/**
 * Slack in Socket Mode end to end: cxbot wired as `npm start` wires it (bots/platforms.ts) with SLACK_APP_TOKEN,
 * so bolt's real SocketModeReceiver opens its WebSocket through apps.connections.open on the fake Slack and
 * every DM, button and modal arrives as an envelope on that socket, acknowledged on it.
 */

const root = resolve(import.meta.dirname, "../..");
const logger = createLogger(process.env.TEST_LOG_LEVEL ? "debug" : "silent");
const APP_TOKEN = "xapp-1-A0FAKEAPP-1111-0123456789abcdef0123456789abcdef";
const ALERTS = "C0SOCKET";
const customer: FakeSlackUser = { id: "U0SARA", name: "sara", real_name: "Sara", locale: "en-US" };
const promoter: FakeSlackUser = { id: "U0KAVEH", name: "kaveh", locale: "en-GB" };
const agent: FakeSlackUser = { id: "U0AGENT3", name: "omid", locale: "en-US" };

const lastWithButtons = (messages: StoredSlackMessage[]) =>
  [...messages].reverse().find((m) => JSON.stringify(m.blocks ?? []).includes('"button"'));
const texts = (messages: StoredSlackMessage[]) => messages.map((m) => m.text ?? "");
const blocksOf = (m: StoredSlackMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe("Slack in Socket Mode (bolt's SocketModeReceiver against the fake)", () => {
  let slack: FakeSlack;
  let app: App;
  let platforms: Platforms;
  let running: RunningCxbot | undefined;
  let stopped = false;

  beforeAll(async () => {
    slack = await startFakeSlack({ appToken: APP_TOKEN });
    for (const u of [customer, promoter, agent]) slack.addUser(u);
    slack.addChannel(ALERTS, "cx-alerts");
    const config = loadConfig({
      MONGODB_URI: inject("mongoUri"),
      PORT: "0",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: ALERTS,
      DIGEST_AT: "off",
    });
    running = await startCxbot(config, {
      projectRoot: root,
      logger,
      dbName: `cxtest_socket_${randomBytes(4).toString("hex")}`,
      host: "127.0.0.1",
    });
    app = running.app;
    platforms = running.platforms;
  });

  afterAll(async () => {
    if (!stopped) await platforms?.close();
    await app?.database.connection.dropDatabase().catch(() => undefined);
    await running?.close();
    await slack?.close();
  });

  async function conversationOf(userId: string): Promise<string> {
    const until = Date.now() + 10_000;
    for (;;) {
      const active = await app.database.stores.conversations.getActive(`slack:${userId}`, { fresh: true });
      if (active) return active.state.id;
      for await (const r of app.database.stores.responses.list({}))
        if (r.key === `slack:${userId}`) return r.state.id;
      if (Date.now() > until) throw new Error(`no conversation for ${userId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The user's conversation as it stands: the active one, else the archived response. */
  async function stateOf(userId: string) {
    const active = await app.database.stores.conversations.getActive(`slack:${userId}`, { fresh: true });
    if (active) return active.state;
    return (await app.database.stores.responses.get(await conversationOf(userId)))?.state;
  }

  it("opens its socket with the app-level token through the configured API URL; no HTTP endpoint", async () => {
    const opens = slack.calls("apps.connections.open");
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ status: 200 });
    expect(opens[0]?.error).toBeUndefined();
    const connections = slack.socketConnections();
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ open: true });
    expect(platforms.slack?.ready).toBe(true);
    // The bot token still does the bot's work (auth.test went through), and Slack has no URL to POST to.
    expect(slack.calls("auth.test").every((c) => c.error === undefined)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${platforms.http.port}/slack/events`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(404);
    const health = await fetch(`http://127.0.0.1:${platforms.http.port}/healthz`);
    expect(await health.json()).toEqual({ ok: true, checks: { database: true, slack: true } });
  });

  let alertId = "";

  it("runs a DM survey over the socket: 'feedback', a score button, the question updated, a typed comment recorded", async () => {
    const dm = slack.dmChannelOf(customer.id);
    const start = await slack.userSendsDm(customer, "feedback");
    expect(start).toMatchObject({ status: 200, body: "" });
    let messages = await slack.waitForMessages(dm, (ms) =>
      texts(ms).some((t) => t.includes("How likely are you to recommend us")),
    );
    const question = lastWithButtons(messages);
    expect(question).toBeDefined();
    const click = await slack.clickButton(customer, dm, question?.ts ?? "", { text: "2" });
    expect(click.status).toBe(200);
    messages = await slack.waitForMessages(dm, (ms) =>
      ms.some((m) => m.ts === question?.ts && m.updatedCount > 0),
    );
    const answered = messages.find((m) => m.ts === question?.ts);
    expect(blocksOf(answered)).toContain("✓ 2");
    expect(blocksOf(answered)).not.toContain('"button"');
    await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("what went wrong")));
    const comment = "The courier was two days late and nobody answered the phone.";
    const typed = await slack.userSendsDm(customer, comment);
    expect(typed.status).toBe(200);
    messages = await slack.waitForMessages(dm, (ms) => texts(ms).some((t) => t.includes("get in touch")));
    alertId = await conversationOf(customer.id);
    const state = await stateOf(customer.id);
    expect(state?.answers.map((a) => a.stepId)).toEqual(["score", "why-negative"]);
    expect(state?.answers[1]?.answer).toMatchObject({ type: "text", text: comment });

    // Everything came as acknowledged envelopes on the socket, none of them late.
    const sent = slack.signedRequests();
    expect(sent.map((r) => [r.kind, r.via, r.status])).toEqual([
      ["event", "socket", 200],
      ["block_actions", "socket", 200],
      ["event", "socket", 200],
    ]);
    expect(new Set(sent.map((r) => r.envelopeId)).size).toBe(3);
    expect(slack.lateAcks()).toEqual([]);
  });

  it("posts the low score's alert to the alert channel, and 'Assign to me' round-trips over the socket", async () => {
    const alert = await waitForAlert(
      { app, platforms },
      alertId,
      (a) => a.post !== undefined && a.comments.length > 0,
    );
    expect(alert).toMatchObject({
      status: "open",
      score: { value: 2, max: 10, band: "detractor" },
      respondent: { channel: "slack", userId: customer.id },
    });
    expect(alert.post?.target).toBe(ALERTS);
    const card = await slack.waitForMessages(ALERTS, (ms) =>
      blocksOf(ms.find((m) => m.ts === alert.post?.ref)).includes("The courier was two days late"),
    );
    const alertTs = card.find((m) => m.ts === alert.post?.ref)?.ts ?? "";
    expect(blocksOf(card.find((m) => m.ts === alertTs))).toContain("Assign to me");

    const assign = await slack.clickButton(agent, ALERTS, alertTs, { text: "Assign to me" });
    expect(assign).toMatchObject({ status: 200, body: "" });
    const assigned = await waitForAlert({ app, platforms }, alertId, (a) => a.status === "assigned");
    expect(assigned.history.at(-1)).toMatchObject({ actor: { id: `slack:${agent.id}` } });
    await slack.waitForMessages(ALERTS, (ms) =>
      blocksOf(ms.find((m) => m.ts === alertTs)).includes(`<@${agent.id}>`),
    );
    expect(slack.lateAcks()).toEqual([]);
  });

  it("records nothing twice when Slack redelivers an envelope (same event_id, retry_attempt 1)", async () => {
    const dm = slack.dmChannelOf(promoter.id);
    await slack.userSendsDm(promoter, "feedback");
    let messages = await slack.waitForMessages(dm, (ms) => lastWithButtons(ms) !== undefined);
    await slack.clickButton(promoter, dm, lastWithButtons(messages)?.ts ?? "", { text: "10" });
    messages = await slack.waitForMessages(dm, (ms) =>
      texts(ms).some((t) => t.includes("What do you like most")),
    );
    const sent = await slack.userSendsDm(promoter, "Quick delivery and friendly people");
    // The survey's last message: everything the comment is answered with has been posted.
    const afterFirst = await slack.waitForMessages(dm, (ms) =>
      ms.some(
        (m) => m.user === slack.botUserId && Number(m.ts) > Number(sent.ts) && /^Thank/.test(m.text ?? ""),
      ),
    );
    const redelivered = await slack.userSendsDm(promoter, "Quick delivery and friendly people", {
      retryOf: sent.eventId,
    });
    expect(redelivered.status).toBe(200);
    // Observable instead of a pause: a later message from the same customer is answered in order, after the
    // redelivery has been dealt with.
    const question = await slack.userSendsDm(promoter, "?");
    const fromBotAfter = (ms: readonly { ts: string; user?: string }[], ts: string) =>
      ms.filter((m) => m.user === slack.botUserId && Number(m.ts) > Number(ts));
    await slack.waitForMessages(dm, (ms) => fromBotAfter(ms, question.ts).length > 0);
    await app.service.flush();

    const deliveries = slack.signedRequests().filter((r) => r.eventId === sent.eventId);
    expect(deliveries.map((d) => [d.via, d.retryNum, d.status])).toEqual([
      ["socket", undefined, 200],
      ["socket", 1, 200],
    ]);
    expect(deliveries[0]?.envelopeId).not.toBe(deliveries[1]?.envelopeId);
    // No second reply to the comment: what the bot said between the comment and "?" is what it had said
    // before the redelivery.
    const repliesToComment = (ms: readonly { ts: string; user?: string }[]) =>
      fromBotAfter(ms, sent.ts).filter((m) => Number(m.ts) < Number(question.ts));
    expect(repliesToComment(slack.messages(dm))).toEqual(repliesToComment(afterFirst));
    const state = await stateOf(promoter.id);
    expect(state?.answers.filter((a) => a.answer.type === "text")).toHaveLength(1);
    expect(state?.answers.map((a) => a.stepId)).toEqual(["score", "why-positive"]);
  });

  it("reconnects when Slack asks it to (disconnect: refresh_requested) and loses no DM meanwhile", async () => {
    const before = slack.socketConnections();
    expect(slack.socketDisconnect("refresh_requested")).toBe(1);
    // The app closes the old socket itself with a normal closure...
    await slack.waitFor(() => slack.socketConnections()[0]?.open === false, 5_000);
    expect(slack.socketConnections()[0]).toMatchObject({ closedBy: "app", closeCode: 1000 });
    // ...and a DM sent while it is away arrives on the new one (bolt waits 5 s before reconnecting).
    const dm = slack.dmChannelOf(agent.id);
    const hello = await slack.userSendsDm(agent, "feedback");
    expect(hello.status).toBe(200);
    await slack.waitForMessages(dm, (ms) => lastWithButtons(ms) !== undefined, 5_000);
    expect(slack.calls("apps.connections.open")).toHaveLength(2);
    const after = slack.socketConnections();
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((c) => c.open)).toHaveLength(1);
    expect(slack.lateAcks()).toEqual([]);
  }, 20_000);

  it("stops cleanly: its socket closed with a normal closure, none left open", async () => {
    await platforms.close();
    stopped = true;
    // The app has finished the close handshake; the fake sees the TCP connection end a moment later.
    await slack.waitFor(() => slack.socketConnections().every((c) => !c.open), 1_000);
    const connections = slack.socketConnections();
    expect(connections.every((c) => c.closedBy === "app" && c.closeCode === 1000)).toBe(true);
    expect(connections.flatMap((c) => c.strayMessages)).toEqual([]);
  });
});

describe("Slack in Socket Mode: the process", () => {
  it("ends by itself after stopping (no socket, timer or reconnect left behind)", async () => {
    const slack = await startFakeSlack({ appToken: APP_TOKEN });
    const uri = inject("mongoUri");
    const child = spawn(process.execPath, ["--import", "tsx", "test/slack/socket-mode-child.ts"], {
      cwd: root,
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        SLACK_ALERT_CHANNEL: ALERTS,
        CHILD_MONGO_URI: uri,
        CHILD_DB_NAME: `cxtest_socket_child_${randomBytes(4).toString("hex")}`,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<{ code: number | null }>((done) => child.on("exit", (code) => done({ code })));
    try {
      slack.addUser(customer);
      await slack.waitFor(() => out.includes("child: ready") || child.exitCode !== null, 30_000);
      expect(out, err).toContain("child: ready");
      // It is really serving: a DM gets the first question back.
      await slack.userSendsDm(customer, "feedback");
      await slack.waitForMessages(
        slack.dmChannelOf(customer.id),
        (ms) => lastWithButtons(ms) !== undefined,
        10_000,
      );

      child.stdin.end();
      await slack.waitFor(() => /child: stopped in \d+ ms/.test(out) || child.exitCode !== null, 10_000);
      const timeout = new Promise<"hung">((r) => setTimeout(() => r("hung"), 4_000).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === "hung") {
        await new Promise((r) => setTimeout(r, 500));
        throw new Error(`the process did not end after stopping\n${out}\n${err}`);
      }
      expect(result.code, `${out}\n${err}`).toBe(0);
      const connections = slack.socketConnections();
      expect(connections).toHaveLength(1);
      expect(connections[0]).toMatchObject({ open: false, closedBy: "app", closeCode: 1000 });
      expect(slack.calls("apps.connections.open")).toHaveLength(1);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      await slack.close();
    }
  }, 60_000);
});
