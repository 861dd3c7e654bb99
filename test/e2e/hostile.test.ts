import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FakeSlack, signSlackRequest, startFakeSlack } from "../fakes/slack-api.ts";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.ts";
import { type CxbotProcess, spawnCxbot } from "../helpers/process.ts";

/**
 * Hostile input against the cxbot process itself (`npm start`'s entry point, with its process guard): hundreds
 * of correctly signed Slack requests and authenticated Telegram webhook calls whose bodies no platform sends.
 * Each gets 400 (200 for a valid body cxbot does not handle, 413 past the size limit), never a 500, a timeout
 * or a crash, and a correct request right after still works.
 */

const TG_SECRET = "hostile-webhook-secret_0123456789";
let slack: FakeSlack;
let telegram: FakeTelegram;
let cxbot: CxbotProcess | undefined;
let base = "";

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addUser({ id: "U0HOSTILE", name: "hostile", locale: "en-US" });
  telegram = await startFakeTelegram({ token: "7777:hostile-bot-token-ffffffffffffffffff" });
  const url = new URL(inject("mongoUri"));
  url.pathname = `/cxtest_hostile_${Date.now().toString(36)}`;
  cxbot = await spawnCxbot({
    MONGODB_URI: url.toString(),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DIGEST_AT: "off",
  });
  base = `http://127.0.0.1:${cxbot.port}`;
  slack.routeTo(`${base}/slack/events`);
  telegram.routeWebhooks(base);
  const until = Date.now() + 30_000;
  while ((await fetch(`${base}/healthz`)).status !== 200) {
    if (Date.now() > until) throw new Error(`cxbot never became healthy:\n${cxbot.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 90_000);

afterAll(async () => {
  await cxbot?.stop();
  await slack?.close();
  await telegram?.close();
});

const JSON_TYPE = "application/json";
const FORM = "application/x-www-form-urlencoded";

/** POSTs a correctly signed body to cxbot's Slack endpoint; the status (0 when no answer within 10 s). */
async function signedPost(body: string | Buffer, contentType: string | undefined): Promise<number> {
  const raw = typeof body === "string" ? Buffer.from(body) : body;
  const headers: Record<string, string> = {
    ...signSlackRequest(slack.signingSecret, raw.toString("utf8"), Math.floor(Date.now() / 1000)),
  };
  // The signature is over the bytes sent; for invalid UTF-8 the helper's string would differ, so sign bytes.
  if (typeof body !== "string") {
    const { createHmac } = await import("node:crypto");
    const ts = headers["X-Slack-Request-Timestamp"];
    headers["X-Slack-Signature"] =
      `v0=${createHmac("sha256", slack.signingSecret).update(`v0:${ts}:`).update(raw).digest("hex")}`;
  }
  if (contentType !== undefined) headers["Content-Type"] = contentType;
  try {
    const res = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers,
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const interaction = (payload: unknown) => form({ payload: JSON.stringify(payload) });
const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

const user = { id: "U0HOSTILE", name: "hostile", username: "hostile", team_id: "T0001" };
const blockActions = {
  type: "block_actions",
  user,
  team: { id: "T0001", domain: "x" },
  api_app_id: "A0001",
  trigger_id: "1.2.3",
  container: { type: "message", message_ts: "1.000001", channel_id: "D0001" },
  channel: { id: "D0001", name: "directmessage" },
  message: { ts: "1.000001", text: "hi" },
  response_url: "https://hooks.slack.com/actions/T/1/x",
  actions: [
    { type: "button", action_id: "cx_alert_ack", block_id: "b1", value: "no-such-alert", action_ts: "1.1" },
  ],
};
const viewSubmission = {
  type: "view_submission",
  user,
  team: { id: "T0001", domain: "x" },
  api_app_id: "A0001",
  trigger_id: "1.2.4",
  view: {
    id: "V0001",
    callback_id: "cx_reply",
    private_metadata: "no-such-alert",
    hash: "h",
    state: { values: { reply: { text: { type: "plain_text_input", value: "hello" } } } },
  },
};
const eventCallback = {
  type: "event_callback",
  team_id: "T0001",
  api_app_id: "A0001",
  event_id: "Ev0HOSTILE",
  event_time: 1,
  event: { type: "reaction_added", user: "U0HOSTILE", item: { type: "message", channel: "C1", ts: "1.1" } },
};
const command = {
  command: "/help",
  text: "",
  user_id: "U0HOSTILE",
  team_id: "T0001",
  channel_id: "D0001",
  trigger_id: "1.2.5",
  response_url: "https://hooks.slack.com/commands/T/1/x",
  user_name: "hostile",
};

const BAD_VALUES: readonly unknown[] = [null, "x", 0, true, [], {}, [null], { id: null }];
const mutations = (base: Record<string, unknown>): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  for (const key of Object.keys(base)) {
    const { [key]: _, ...without } = base;
    out.push(without);
    for (const v of BAD_VALUES) out.push({ ...base, [key]: v });
  }
  return out;
};

interface Case {
  readonly name: string;
  readonly body: string | Buffer;
  readonly contentType?: string;
  /** Expected statuses; mutations that may still be valid allow 200. */
  readonly expect: readonly number[];
}

function slackCases(): Case[] {
  const cases: Case[] = [];
  /** `null`: no content type at all. */
  const bad = (name: string, body: string | Buffer, contentType: string | null = JSON_TYPE) =>
    cases.push({ name, body, ...(contentType === null ? {} : { contentType }), expect: [400] });
  // The issue's cases first.
  bad("JSON null", "null");
  bad("payload=null", "payload=null", FORM);
  for (const type of [
    "event_callback",
    "block_actions",
    "view_submission",
    "url_verification",
    "shortcut",
    "x",
    "",
  ]) {
    bad(`only a type ${type} (JSON)`, JSON.stringify({ type }));
    bad(`only a type ${type} (payload)`, interaction({ type }), FORM);
  }
  for (const actions of [null, "cx_alert_ack", [], [null], ["x"], [{}]]) {
    bad(`actions ${JSON.stringify(actions)}`, interaction({ ...blockActions, actions }), FORM);
  }
  for (const key of ["user", "view"] as const) {
    const { [key]: _, ...without } = viewSubmission;
    bad(`view_submission without ${key}`, interaction(without), FORM);
    bad(`view_submission ${key} null`, interaction({ ...viewSubmission, [key]: null }), FORM);
  }
  const { user: _u, ...noUser } = blockActions;
  bad("block_actions without user", interaction(noUser), FORM);
  bad("block_actions user null", interaction({ ...blockActions, user: null }), FORM);
  bad("block_actions channel null", interaction({ ...blockActions, channel: null }), FORM);
  bad("block_actions channel a string", interaction({ ...blockActions, channel: "D0001" }), FORM);
  // Scalars and shapes that are no Slack body at all.
  for (const body of ["true", "1", '"s"', "[]", "{}", "[null]", '{"type":null}', "", "{", "nul"]) {
    bad(`JSON ${body || "(empty)"}`, body);
  }
  for (const payload of ["", "[]", "1", '"x"', "{}", "{", "true"])
    bad(`payload=${payload}`, form({ payload }), FORM);
  bad("payload twice", `${interaction(blockActions)}&${interaction(blockActions)}`, FORM);
  bad("payload beside other fields", `${interaction(blockActions)}&command=/help`, FORM);
  bad("block_actions with an event", interaction({ ...blockActions, event: { type: "x" } }), FORM);
  bad("block_actions with a name", interaction({ ...blockActions, name: "x" }), FORM);
  bad("response_url not http", interaction({ ...blockActions, response_url: "javascript:alert(1)" }), FORM);
  bad(
    "1,000 actions",
    interaction({ ...blockActions, actions: Array.from({ length: 1000 }, () => blockActions.actions[0]) }),
    FORM,
  );
  // Every field of every body, removed or replaced by a wrong type: 400, or 200 where Slack may omit it.
  for (const [i, m] of mutations(blockActions).entries())
    cases.push({
      name: `block_actions mutation ${i}`,
      body: interaction(m),
      contentType: FORM,
      expect: [200, 400],
    });
  for (const [i, m] of mutations(viewSubmission).entries())
    cases.push({
      name: `view_submission mutation ${i}`,
      body: interaction(m),
      contentType: FORM,
      expect: [200, 400],
    });
  for (const [i, m] of mutations(eventCallback).entries())
    cases.push({ name: `event_callback mutation ${i}`, body: JSON.stringify(m), expect: [200, 400] });
  for (const [i, m] of mutations(eventCallback.event).entries())
    cases.push({
      name: `event mutation ${i}`,
      body: JSON.stringify({ ...eventCallback, event: m }),
      expect: [200, 400],
    });
  for (const [i, m] of mutations(viewSubmission.view).entries())
    cases.push({
      name: `view mutation ${i}`,
      body: interaction({ ...viewSubmission, view: m }),
      contentType: FORM,
      expect: [200, 400],
    });
  // Slash commands: form fields, each missing or doubled.
  for (const key of Object.keys(command)) {
    const { [key as keyof typeof command]: _, ...without } = command;
    cases.push({
      name: `command without ${key}`,
      body: form(without),
      contentType: FORM,
      expect: [200, 400],
    });
    cases.push({
      name: `command with ${key} twice`,
      body: `${form(command)}&${form({ [key]: "x" })}`,
      contentType: FORM,
      expect: [400],
    });
  }
  bad("command without a slash", form({ ...command, command: "help" }), FORM);
  bad("command with an event field", form({ ...command, event: "x" }), FORM);
  bad("form with nothing Slack sends", form({ hello: "world" }), FORM);
  // Nesting, size, encoding, content types.
  bad("10,000-deep array", deep(10_000));
  bad("deep payload", form({ payload: deep(10_000) }), FORM);
  cases.push({
    name: "deep extra field in a valid event",
    body: JSON.stringify({ ...eventCallback, event: { ...eventCallback.event, extra: 0 } }).replace(
      '"extra":0',
      `"extra":${deep(10_000)}`,
    ),
    contentType: JSON_TYPE,
    expect: [200],
  });
  bad(
    "event text of 900 kB",
    JSON.stringify({ ...eventCallback, event: { ...eventCallback.event, text: "x".repeat(900_000) } }),
  );
  cases.push({
    name: "2 MB body",
    body: `{"type":"event_callback","x":"${"y".repeat(2_000_000)}"}`,
    contentType: JSON_TYPE,
    expect: [413],
  });
  bad(
    "invalid UTF-8",
    Buffer.concat([
      Buffer.from('{"type":"url_verification","challenge":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]),
  );
  bad("valid event as text/plain", JSON.stringify(eventCallback), "text/plain");
  bad("valid event without a content type", JSON.stringify(eventCallback), null);
  bad("valid event as multipart", JSON.stringify(eventCallback), "multipart/form-data; boundary=x");
  bad("JSON body sent as a form", JSON.stringify(eventCallback), FORM);
  bad("form body sent as JSON", interaction(blockActions), JSON_TYPE);
  // Valid bodies cxbot does not handle: answered 200 at once (not bolt's 3-second wait and 404).
  const ok200 = (name: string, body: string, contentType: string) =>
    cases.push({ name, body, contentType, expect: [200] });
  ok200(
    "unknown action id",
    interaction({ ...blockActions, actions: [{ ...blockActions.actions[0], action_id: "other" }] }),
    FORM,
  );
  ok200(
    "unknown view",
    interaction({ ...viewSubmission, view: { ...viewSubmission.view, callback_id: "other" } }),
    FORM,
  );
  ok200(
    "view_closed",
    interaction({ type: "view_closed", user, team: null, view: viewSubmission.view }),
    FORM,
  );
  ok200("unknown command", form({ ...command, command: "/weather" }), FORM);
  ok200(
    "app_rate_limited",
    JSON.stringify({ type: "app_rate_limited", team_id: "T0001", minute_rate_limited: 1 }),
    JSON_TYPE,
  );
  ok200("content type with a charset", JSON.stringify(eventCallback), "application/json; charset=utf-8");
  return cases;
}

describe("hostile Slack requests, correctly signed", { timeout: 240_000 }, () => {
  it("answers each with 400 (200 when valid but unhandled, 413 when too large), never 500 or silence", async () => {
    const cases = slackCases();
    expect(cases.length).toBeGreaterThan(300);
    const wrong: string[] = [];
    const tally = new Map<number, number>();
    for (const c of cases) {
      const status = await signedPost(c.body, c.contentType);
      tally.set(status, (tally.get(status) ?? 0) + 1);
      if (!c.expect.includes(status)) wrong.push(`${c.name}: ${status} (expected ${c.expect.join(" or ")})`);
    }
    process.stderr.write(
      `[hostile] slack: ${cases.length} requests, statuses ${JSON.stringify([...tally])}\n`,
    );
    expect(wrong).toEqual([]);
    expect(cxbot?.child.exitCode).toBeNull();
    const log = cxbot?.stderr() ?? "";
    expect(log).not.toContain("not acknowledged within 3 seconds");
    expect(log).not.toContain("survived");
    expect(log).not.toContain("SLACK_PROCESS_EVENT");

    // A correct request right after: a DM starts a survey.
    const dm = slack.dmChannelOf("U0HOSTILE");
    const sent = await slack.userSendsDm("U0HOSTILE", "feedback");
    expect(sent.status).toBe(200);
    await slack.waitForMessages(dm, (ms) => ms.some((m) => m.user !== "U0HOSTILE"), 10_000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("still rejects a bad or stale signature with 401", async () => {
    expect((await slack.userSendsDm("U0HOSTILE", "hi", { signature: "forged" })).status).toBe(401);
    expect((await slack.userSendsDm("U0HOSTILE", "hi", { signature: "stale" })).status).toBe(401);
  });
});

async function webhook(body: string): Promise<number> {
  const res = await fetch(`${base}/telegram/${TG_SECRET.slice(0, 16)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET },
    body,
    signal: AbortSignal.timeout(10_000),
  }).catch(() => undefined);
  await res?.arrayBuffer();
  return res?.status ?? 0;
}

describe("hostile Telegram webhook bodies, with the right secret", { timeout: 120_000 }, () => {
  it("answers each with 400 (200 for an update type cxbot ignores), and the bot still answers after", async () => {
    const from = { id: 9100, is_bot: false, first_name: "Hostile", language_code: "en" };
    const chat = { id: 9100, type: "private", first_name: "Hostile" };
    const message = { message_id: 1, date: 1, chat, from, text: "hi" };
    const query = {
      id: "q1",
      from,
      chat_instance: "c",
      data: "x",
      message: { message_id: 1, date: 1, chat },
    };
    const cases: { body: string; expect: number }[] = [];
    const bad = (body: unknown) =>
      cases.push({ body: typeof body === "string" ? body : JSON.stringify(body), expect: 400 });
    for (const b of ["null", "[]", "1", '"x"', "{}", "", "{", deep(10_000)]) bad(b);
    for (const id of [-1, "1", 1.5, null, 2 ** 60]) bad({ update_id: id, message });
    for (const [i, m] of mutations(message).entries())
      cases.push({ body: JSON.stringify({ update_id: 10 + i, message: m }), expect: -1 });
    for (const [i, q] of mutations(query).entries())
      cases.push({ body: JSON.stringify({ update_id: 500 + i, callback_query: q }), expect: -1 });
    for (const [i, f] of mutations(from).entries())
      cases.push({
        body: JSON.stringify({ update_id: 700 + i, message: { ...message, from: f } }),
        expect: -1,
      });
    bad({ update_id: 1, message: null });
    bad({ update_id: 1, message, callback_query: query });
    bad({ update_id: 1, message: { ...message, chat: { id: 1, type: "castle" } } });
    bad({ update_id: 1, message: { ...message, text: 5 } });
    cases.push({ body: JSON.stringify({ update_id: 900, edited_message: null }), expect: 200 });
    cases.push({ body: JSON.stringify({ update_id: 901, channel_post: "x" }), expect: 200 });
    const wrong: string[] = [];
    const tally = new Map<number, number>();
    for (const c of cases) {
      const status = await webhook(c.body);
      tally.set(status, (tally.get(status) ?? 0) + 1);
      const allowed = c.expect === -1 ? [200, 400] : [c.expect];
      if (!allowed.includes(status)) wrong.push(`${c.body.slice(0, 120)}: ${status}`);
    }
    process.stderr.write(
      `[hostile] telegram: ${cases.length} requests, statuses ${JSON.stringify([...tally])}\n`,
    );
    expect(wrong).toEqual([]);
    expect(await webhook(`{"update_id":1,"x":"${"y".repeat(1_100_000)}"}`)).toBe(413);
    expect(cxbot?.child.exitCode).toBeNull();
    expect(cxbot?.stderr() ?? "").not.toContain("survived");

    const customer = { id: 9200, first_name: "Deniz", language_code: "tr" };
    await telegram.deliver(telegram.userSendsText(customer, "/start nps"));
    await telegram.waitForMessages(customer.id, (m) => m.length > 0, 10_000);
  });
});
