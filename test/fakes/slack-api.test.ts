import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  type AppOptions,
  HTTPReceiver,
  type HTTPReceiverOptions,
  type Logger,
  LogLevel,
  webApi,
} from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type FakeSlack, type FakeSlackUser, type SlackBlock, startFakeSlack } from "./slack-api.ts";

const alice: FakeSlackUser = {
  id: "U0ALICE",
  name: "alice",
  real_name: "Alice A",
  locale: "fa-IR",
  tz: "Asia/Tehran",
};
const bob: FakeSlackUser = { id: "U0BOB", name: "bob" };

let fake: FakeSlack | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake?.close();
  fake = undefined;
});

async function start(options?: Parameters<typeof startFakeSlack>[0]): Promise<FakeSlack> {
  fake = await startFakeSlack(options);
  fake.addUser(alice);
  fake.addUser(bob);
  return fake;
}

interface CapturedLog {
  level: string;
  text: string;
}

function captureLogger(logs: CapturedLog[]): Logger {
  let level = LogLevel.DEBUG;
  const at =
    (name: string) =>
    (...msg: unknown[]) => {
      logs.push({ level: name, text: msg.map((m) => (typeof m === "string" ? m : String(m))).join(" ") });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function clientFor(
  f: FakeSlack,
  options: webApi.WebClientOptions = {},
  token = f.botToken,
): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: f.apiUrl,
    logger: captureLogger([]),
    retryConfig: { retries: 0 },
    ...options,
  });
}

async function platformError(promise: Promise<unknown>): Promise<webApi.WebAPIPlatformError> {
  try {
    await promise;
  } catch (error) {
    if ((error as { code?: string }).code === webApi.ErrorCode.PlatformError) {
      return error as webApi.WebAPIPlatformError;
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  return (await platformError(promise)).data.error;
}

const section = (text: string): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (text: string, action_id: string, value?: string) => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text },
  action_id,
  ...(value === undefined ? {} : { value }),
});
const modal = (extra: Record<string, unknown> = {}) => ({
  type: "modal" as const,
  callback_id: "feedback_modal",
  private_metadata: "survey:42",
  title: { type: "plain_text" as const, text: "Feedback" },
  submit: { type: "plain_text" as const, text: "Send" },
  blocks: [
    {
      type: "input",
      block_id: "comment",
      label: { type: "plain_text", text: "Anything else?" },
      element: { type: "plain_text_input", action_id: "comment_input", multiline: true, max_length: 500 },
    },
    {
      type: "input",
      block_id: "score",
      optional: true,
      label: { type: "plain_text", text: "Score" },
      element: {
        type: "static_select",
        action_id: "score_select",
        options: ["1", "2", "3"].map((v) => ({ text: { type: "plain_text", text: v }, value: v })),
      },
    },
  ],
  ...extra,
});

/** A raw Web API call, for what WebClient will not send. */
async function raw(
  f: FakeSlack,
  method: string,
  init: { body?: string; contentType?: string; authorization?: string },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (init.contentType) headers["content-type"] = init.contentType;
  if (init.authorization) headers.authorization = init.authorization;
  const res = await fetch(`${f.apiUrl}${method}`, {
    method: "POST",
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------

describe("fake Slack Web API through WebClient", () => {
  it("answers auth.test, users.info (locale only on request) and conversations.open with a stable DM", async () => {
    const f = await start();
    const client = clientFor(f);
    expect(await client.auth.test()).toMatchObject({
      ok: true,
      user_id: "U0BOT",
      team_id: "T0FAKE",
      bot_id: f.botId,
    });
    const plain = await client.users.info({ user: alice.id });
    expect(plain.user).toMatchObject({
      id: alice.id,
      name: "alice",
      real_name: "Alice A",
      tz: "Asia/Tehran",
    });
    expect(plain.user?.tz_offset).toBe(12_600);
    expect(plain.user?.locale).toBeUndefined();
    expect((await client.users.info({ user: alice.id, include_locale: true })).user?.locale).toBe("fa-IR");
    expect((await client.users.info({ user: bob.id, include_locale: true })).user?.locale).toBe("en-US");
    expect(await errorCode(client.users.info({ user: "U0NOBODY" }))).toBe("user_not_found");

    const opened = await client.conversations.open({ users: alice.id });
    expect(opened.channel?.id).toBe(f.dmChannelOf(alice.id));
    expect(f.dmChannelOf(alice.id)).toMatch(/^D/);
    const again = await client.conversations.open({ users: alice.id });
    expect(again).toMatchObject({ channel: { id: opened.channel?.id }, already_open: true });
    expect(f.dmChannelOf(bob.id)).not.toBe(f.dmChannelOf(alice.id));
    expect(await errorCode(client.conversations.open({ users: "U0NOBODY" }))).toBe("user_not_found");
    expect(f.calls("users.info").map((c) => c.params.include_locale)).toEqual([
      undefined,
      "true",
      "true",
      undefined,
    ]);
  });

  it("posts, threads, updates, links and posts ephemerals; messages() shows the current state", async () => {
    const f = await start();
    f.addChannel("C0FEEDBACK", "feedback");
    const client = clientFor(f);
    const dm = f.dmChannelOf(alice.id);
    const blocks = [
      section("How likely are you to recommend us?"),
      { type: "actions", elements: [button("10", "nps_10", "10")] },
    ];
    const first = await client.chat.postMessage({ channel: dm, text: "NPS question", blocks });
    expect(first).toMatchObject({ ok: true, channel: dm, message: { user: "U0BOT" } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    // Slack fills in block ids.
    expect(first.message?.blocks?.[0]?.block_id).toEqual(expect.any(String));

    const reply = await client.chat.postMessage({ channel: dm, text: "in a thread", thread_ts: first.ts! });
    expect(Number(reply.ts)).toBeGreaterThan(Number(first.ts));
    // Posting to a user id lands in the DM.
    const viaUser = await client.chat.postMessage({ channel: alice.id, text: "hi" });
    expect(viaUser.channel).toBe(dm);
    await client.chat.postMessage({ channel: "C0FEEDBACK", text: "to the channel" });
    await client.chat.postMessage({ channel: "#feedback", text: "by name" });

    const updated = await client.chat.update({ channel: dm, ts: first.ts!, text: "Thanks!", blocks: [] });
    expect(updated).toMatchObject({ ok: true, ts: first.ts, text: "Thanks!" });
    // Text-only update keeps the blocks, as Slack does.
    await client.chat.update({ channel: dm, ts: reply.ts!, text: "edited" });

    expect(f.messages(dm)).toEqual([
      { channel: dm, ts: first.ts, text: "Thanks!", user: "U0BOT", updatedCount: 1 },
      {
        channel: dm,
        ts: reply.ts,
        text: "edited",
        thread_ts: first.ts,
        user: "U0BOT",
        updatedCount: 1,
      },
      { channel: dm, ts: viaUser.ts, text: "hi", user: "U0BOT", updatedCount: 0 },
    ]);
    expect(f.messages("C0FEEDBACK").map((m) => m.text)).toEqual(["to the channel", "by name"]);

    const link = await client.chat.getPermalink({ channel: dm, message_ts: first.ts! });
    expect(link.permalink).toBe(`https://fake-team.slack.com/archives/${dm}/p${first.ts!.replace(".", "")}`);
    expect(await errorCode(client.chat.getPermalink({ channel: dm, message_ts: "1.000001" }))).toBe(
      "message_not_found",
    );

    const eph = await client.chat.postEphemeral({ channel: dm, user: alice.id, text: "only you" });
    expect(eph.message_ts).toEqual(expect.any(String));
    expect(f.ephemerals(dm)).toMatchObject([{ user: alice.id, text: "only you", via: "chat.postEphemeral" }]);
    expect(await errorCode(client.chat.postEphemeral({ channel: dm, user: bob.id, text: "x" }))).toBe(
      "user_not_in_channel",
    );
    expect(f.messages(dm)).toHaveLength(3);

    // Recorded with decoded blocks (WebClient sends them as a JSON string in a form field).
    const posted = f.calls("chat.postMessage")[0]!;
    expect(posted.params).toMatchObject({ channel: dm, text: "NPS question" });
    expect(posted.params.blocks).toEqual(blocks);
    expect(posted.params.token).toBeUndefined();
  });

  it("checks tokens, accepts JSON bodies with a Bearer token, and answers unknown methods", async () => {
    const f = await start();
    expect(await errorCode(clientFor(f, {}, "xoxb-wrong").auth.test())).toBe("invalid_auth");
    expect(await errorCode(clientFor(f, {}, "").auth.test())).toBe("not_authed");
    expect(await errorCode(clientFor(f).apiCall("chat.scheduleMessage", { channel: "x" }))).toBe(
      "unknown_method",
    );

    const dm = f.dmChannelOf(alice.id);
    const json = await raw(f, "chat.postMessage", {
      contentType: "application/json; charset=utf-8",
      authorization: `Bearer ${f.botToken}`,
      body: JSON.stringify({ channel: dm, text: "json", blocks: [section("as an array")] }),
    });
    expect(json).toMatchObject({ status: 200, json: { ok: true, channel: dm } });
    expect(f.messages(dm)[0]?.blocks?.[0]).toMatchObject({ type: "section", text: { text: "as an array" } });
    // Slack ignores a token inside a JSON body.
    const tokenInJson = await raw(f, "auth.test", {
      contentType: "application/json",
      body: JSON.stringify({ token: f.botToken }),
    });
    expect(tokenInJson.json).toEqual({ ok: false, error: "not_authed" });
    // ...but takes one from a form field.
    const form = await raw(f, "auth.test", {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams({ token: f.botToken }).toString(),
    });
    expect(form.json).toMatchObject({ ok: true, user_id: "U0BOT" });
    expect(f.calls("auth.test").map((c) => c.error)).toEqual([
      "invalid_auth",
      "not_authed",
      "not_authed",
      undefined,
    ]);
  });

  it("rejects messages Slack rejects, with Slack's error codes and explanations, and stores nothing", async () => {
    const f = await start();
    const client = clientFor(f);
    const dm = f.dmChannelOf(alice.id);
    const post = (blocks: unknown[], text = "fallback") =>
      platformError(client.chat.postMessage({ channel: dm, text, blocks: blocks as SlackBlock[] }));
    const pointer = async (blocks: unknown[]) => {
      const err = await post(blocks);
      expect(err.data.error).toBe("invalid_blocks");
      return err.data.response_metadata?.messages ?? [];
    };

    expect(await pointer(Array.from({ length: 51 }, () => ({ type: "divider" })))).toEqual([
      "[ERROR] no more than 50 items allowed [json-pointer:/blocks]",
    ]);
    expect(await pointer([section("x".repeat(3001))])).toEqual([
      "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ]);
    expect(
      await pointer([section("ok"), { type: "header", text: { type: "plain_text", text: "h".repeat(151) } }]),
    ).toEqual(["[ERROR] must be less than 151 characters [json-pointer:/blocks/1/text/text]"]);
    expect(await pointer([{ type: "actions", elements: [button("b".repeat(76), "a")] }])).toEqual([
      "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ]);
    expect(await pointer([{ type: "actions", elements: [button("ok", "a".repeat(256))] }])).toEqual([
      "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ]);
    expect(await pointer([{ ...section("ok"), block_id: "b".repeat(256) }])).toEqual([
      "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ]);
    expect(await pointer([{ type: "actions", elements: [button("ok", "a", "v".repeat(2001))] }])).toEqual([
      "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ]);
    expect(
      await pointer([
        { type: "actions", elements: Array.from({ length: 26 }, (_, i) => button(`${i}`, `a${i}`)) },
      ]),
    ).toEqual(["[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]"]);
    expect(
      await pointer([
        { type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "c" })) },
      ]),
    ).toEqual(["[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]"]);
    expect(
      await pointer([{ type: "actions", elements: [button("a", "same"), button("b", "same")] }]),
    ).toEqual(["[ERROR] duplicate action_id: same [json-pointer:/blocks/0/elements/1/action_id]"]);
    expect(
      await pointer([
        { ...section("a"), block_id: "q" },
        { ...section("b"), block_id: "q" },
      ]),
    ).toEqual(["[ERROR] duplicate block_id: q [json-pointer:/blocks/1/block_id]"]);
    // The same action_id in two different blocks is fine.
    await client.chat.postMessage({
      channel: dm,
      text: "two blocks",
      blocks: [
        { type: "actions", elements: [button("a", "same")] },
        { type: "actions", elements: [button("b", "same")] },
      ],
    });
    expect(await pointer([{ type: "carousel" }])).toEqual([
      "[ERROR] unsupported type: carousel [json-pointer:/blocks/0/type]",
    ]);
    expect(
      await pointer([
        {
          type: "input",
          label: { type: "plain_text", text: "Why?" },
          element: { type: "plain_text_input", action_id: "why", max_length: 3001 },
        },
      ]),
    ).toEqual(["[ERROR] must be less than 3001 [json-pointer:/blocks/0/element/max_length]"]);
    const topLevel = await post([section("x".repeat(3001))]);
    expect(topLevel.data).toMatchObject({
      errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
    });

    expect(await errorCode(client.chat.postMessage({ channel: dm, text: "x".repeat(40_001) }))).toBe(
      "msg_too_long",
    );
    await client.chat.postMessage({ channel: dm, text: "x".repeat(40_000) });
    expect(await errorCode(client.chat.postMessage({ channel: dm, text: "" }))).toBe("no_text");
    expect(await errorCode(client.chat.postMessage({ channel: dm, text: "", blocks: [] }))).toBe("no_text");
    expect(await errorCode(client.chat.postMessage({ channel: "C0NOWHERE", text: "hi" }))).toBe(
      "channel_not_found",
    );
    expect(
      await errorCode(client.apiCall("chat.postMessage", { channel: dm, text: "x", blocks: "[not json" })),
    ).toBe("invalid_blocks_format");
    expect(await errorCode(client.chat.update({ channel: dm, ts: "1700000000.000001", text: "x" }))).toBe(
      "message_not_found",
    );
    // chat.update wants the DM's id, not the user's.
    const ok = await client.chat.postMessage({ channel: dm, text: "original" });
    expect(await errorCode(client.chat.update({ channel: alice.id, ts: ok.ts!, text: "x" }))).toBe(
      "channel_not_found",
    );
    expect(await errorCode(client.chat.update({ channel: dm, ts: ok.ts!, text: "y".repeat(40_001) }))).toBe(
      "msg_too_long",
    );
    expect(
      await errorCode(
        client.chat.update({ channel: dm, ts: ok.ts!, text: "z", blocks: [section("q".repeat(3001))] }),
      ),
    ).toBe("invalid_blocks");

    expect(f.messages(dm).map((m) => m.text?.slice(0, 10))).toEqual([
      "two blocks",
      "x".repeat(10),
      "original",
    ]);
    const failed = f.calls("chat.postMessage").filter((c) => c.error !== undefined);
    expect(failed.length).toBeGreaterThanOrEqual(15);
    expect(failed.every((c) => c.status === 200)).toBe(true);
  });

  it("rejects invalid modals with invalid_arguments and bad trigger ids", async () => {
    const f = await start();
    const client = clientFor(f);
    const dm = f.dmChannelOf(alice.id);
    const trigger = async () => {
      const server = await serve((_req, res) => res.writeHead(200).end());
      f.routeTo(server.url);
      const { triggerId } = await f.sendSlashCommand(alice, "/feedback", "");
      await server.close();
      return triggerId;
    };
    const open = async (view: Record<string, unknown>) => {
      const err = await platformError(
        client.views.open({ trigger_id: await trigger(), view: view as never }),
      );
      return [err.data.error, err.data.response_metadata?.messages?.[1]];
    };
    const text = (n: number) => ({ type: "plain_text", text: "t".repeat(n) });
    expect(await open(modal({ title: text(25) }))).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
    ]);
    expect(await open(modal({ submit: text(25) }))).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]",
    ]);
    expect(await open(modal({ close: text(25) }))).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]",
    ]);
    expect(await open(modal({ private_metadata: "m".repeat(3001) }))).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ]);
    expect(await open(modal({ callback_id: "c".repeat(256) }))).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]",
    ]);
    expect(await open(modal({ blocks: Array.from({ length: 101 }, () => ({ type: "divider" })) }))).toEqual([
      "invalid_arguments",
      "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]",
    ]);
    const tooLongInput = modal();
    (tooLongInput.blocks[0]!.element as Record<string, unknown>).max_length = 3001;
    expect(await open(tooLongInput)).toEqual([
      "invalid_arguments",
      "[ERROR] must be less than 3001 [json-pointer:/view/blocks/0/element/max_length]",
    ]);
    expect(await open(modal({ submit: undefined }))).toEqual([
      "invalid_arguments",
      "[ERROR] must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0]",
    ]);
    // 100 blocks are fine in a modal.
    const big = await client.views.open({
      trigger_id: await trigger(),
      view: modal({ blocks: Array.from({ length: 100 }, () => ({ type: "divider" })) }) as never,
    });
    expect(big.view?.id).toMatch(/^V/);

    expect(await errorCode(client.views.open({ trigger_id: "123.456.abc", view: modal() as never }))).toBe(
      "invalid_trigger_id",
    );
    const used = await trigger();
    await client.views.open({ trigger_id: used, view: modal() as never });
    expect(await errorCode(client.views.open({ trigger_id: used, view: modal() as never }))).toBe(
      "exchanged_trigger_id",
    );
    const old = await trigger();
    f.advanceTime(3_001);
    expect(await errorCode(client.views.open({ trigger_id: old, view: modal() as never }))).toBe(
      "expired_trigger_id",
    );
    // A failed views.open does not use the trigger up.
    const fresh = await trigger();
    await errorCode(client.views.open({ trigger_id: fresh, view: modal({ title: text(30) }) as never }));
    const opened = await client.views.open({ trigger_id: fresh, view: modal() as never });
    expect(opened.view).toMatchObject({ callback_id: "feedback_modal", private_metadata: "survey:42" });

    const id = opened.view!.id!;
    const hash = opened.view!.hash!;
    const updated = await client.views.update({
      view_id: id,
      hash,
      view: modal({ title: { type: "plain_text", text: "Thanks" } }) as never,
    });
    expect(updated.view?.hash).not.toBe(hash);
    expect(await errorCode(client.views.update({ view_id: id, hash, view: modal() as never }))).toBe(
      "hash_conflict",
    );
    expect(await errorCode(client.views.update({ view_id: "V0NOPE", view: modal() as never }))).toBe(
      "not_found",
    );
    expect(f.views().find((v) => v.id === id)?.view.title).toEqual({ type: "plain_text", text: "Thanks" });
    expect(f.messages(dm)).toEqual([]);
  });

  it("answers an injected 429 with Retry-After: WebClient waits it out, then succeeds", async () => {
    const f = await start();
    const dm = f.dmChannelOf(alice.id);
    const client = clientFor(f, { retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 } });
    f.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    const sent = await client.chat.postMessage({ channel: dm, text: "after the wait" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(sent.ok).toBe(true);
    expect(f.calls("chat.postMessage").map((c) => [c.status, c.error])).toEqual([
      [429, "ratelimited"],
      [200, undefined],
    ]);
    expect(f.messages(dm).map((m) => m.text)).toEqual(["after the wait"]);

    // Raw: HTTP 429, Retry-After header, Slack's body.
    f.failNext("auth.test", { status: 429, retryAfter: 7 });
    const res = await fetch(`${f.apiUrl}auth.test`, { method: "POST" });
    expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
      429,
      "7",
      { ok: false, error: "ratelimited" },
    ]);

    // With rejectRateLimitedCalls the client gives up at once and reports retryAfter.
    f.failNext("chat.postMessage", { status: 429, retryAfter: 30 });
    await expect(
      clientFor(f, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: dm, text: "x" }),
    ).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 30 });
  });

  it("answers injected 500s and error codes; WebClient retries a 500 when its retryConfig allows", async () => {
    const f = await start();
    const dm = f.dmChannelOf(alice.id);
    f.failNext("chat.postMessage", { status: 500 });
    await expect(clientFor(f).chat.postMessage({ channel: dm, text: "x" })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 500,
    });
    f.failNext("chat.postMessage", { status: 500 }, 2);
    const retrying = clientFor(f, { retryConfig: { retries: 2, factor: 1, minTimeout: 5, maxTimeout: 5 } });
    expect((await retrying.chat.postMessage({ channel: dm, text: "third time" })).ok).toBe(true);
    f.failNext("users.info", { error: "fatal_error" });
    expect(await errorCode(clientFor(f).users.info({ user: alice.id }))).toBe("fatal_error");
    expect((await clientFor(f).users.info({ user: alice.id })).ok).toBe(true);
    expect(f.calls("chat.postMessage").map((c) => c.status)).toEqual([500, 500, 500, 200]);
    expect(f.messages(dm).map((m) => m.text)).toEqual(["third time"]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// bolt

interface Served {
  url: string;
  close(): Promise<void>;
}

async function serve(listener: http.RequestListener): Promise<Served> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = () => {
    if (closed) return Promise.resolve();
    closed = true;
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}/slack/events`, close };
}

interface BoltSetup {
  app: App;
  logs: CapturedLog[];
  url: string;
}

/** A bolt App on an HTTPReceiver served by our own http server (no app.start()). */
async function startBolt(
  f: FakeSlack,
  configure: (app: App) => void,
  receiverOptions: Partial<HTTPReceiverOptions> = {},
  appOptions: Partial<AppOptions> = {},
): Promise<BoltSetup> {
  const logs: CapturedLog[] = [];
  const logger = captureLogger(logs);
  const receiver = new HTTPReceiver({
    signingSecret: f.signingSecret,
    endpoints: "/slack/events",
    logger,
    ...receiverOptions,
  });
  // deferInitialization + init(): the auth.test bolt runs for a token is awaited here. Without it the App's
  // constructor fires auth.test and keeps the promise until the first request (an unhandled rejection if it fails).
  const app = new App({
    token: f.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: f.apiUrl, retryConfig: { retries: 0 } },
    deferInitialization: true,
    ...appOptions,
  });
  if (appOptions.deferInitialization !== false) await app.init();
  configure(app);
  const served = await serve((req, res) => {
    try {
      receiver.requestListener(req, res);
    } catch {
      res.writeHead(404).end();
    }
  });
  f.routeTo(served.url);
  return { app, logs, url: served.url };
}

describe("files", () => {
  it("files.uploadV2: an upload URL, the bytes (multipart), then the share in the DM with its comment", async () => {
    const f = await start();
    const client = clientFor(f);
    const dm = f.dmChannelOf(alice.id);
    const content = "key: csat\ntitle:\n  en: Ünïcode ✓\n";
    const result = await client.files.uploadV2({
      channel_id: dm,
      content,
      filename: "csat.yaml",
      title: "csat.yaml",
      initial_comment: "csat, version 1",
    });
    expect(result.ok).toBe(true);
    expect(f.calls().map((c) => c.method)).toEqual([
      "files.getUploadURLExternal",
      "upload_url",
      "files.completeUploadExternal",
    ]);
    expect(f.calls("files.getUploadURLExternal")[0]?.params).toMatchObject({
      filename: "csat.yaml",
      length: String(Buffer.byteLength(content)),
    });
    const [upload] = f.uploads();
    expect(upload).toMatchObject({
      name: "csat.yaml",
      title: "csat.yaml",
      user: "U0BOT",
      length: Buffer.byteLength(content),
      channels: [dm],
      initialComment: "csat, version 1",
      completed: true,
      mimetype: "text/yaml",
    });
    expect(upload?.bytes?.toString("utf8")).toBe(content);
    expect(f.messages(dm)).toMatchObject([
      { user: "U0BOT", text: "csat, version 1", files: [{ id: upload?.id, name: "csat.yaml" }] },
    ]);
    // The docs' missing_argument: "typically only occurs when the length provided is 0".
    expect(await errorCode(client.files.getUploadURLExternal({ filename: "x.txt", length: 0 }))).toBe(
      "missing_argument",
    );
  });

  it("completing an upload whose bytes never came, or an unknown one, fails; the upload URL is single-use", async () => {
    const f = await start();
    const client = clientFor(f);
    const dm = f.dmChannelOf(alice.id);
    const url = await client.files.getUploadURLExternal({ filename: "a.yaml", length: 3 });
    expect(url.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\//);
    expect(
      await errorCode(client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: dm })),
    ).toBe("file_not_found");
    const first = await fetch(url.upload_url!, { method: "POST", body: "abc" });
    expect([first.status, await first.text()]).toEqual([200, "OK - 3"]);
    expect((await fetch(url.upload_url!, { method: "POST", body: "abc" })).status).toBe(404);
    expect(
      await errorCode(client.files.completeUploadExternal({ files: [{ id: "F0NOPE" }], channel_id: dm })),
    ).toBe("file_not_found");
    expect(
      await errorCode(
        client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: "C0NONE" }),
      ),
    ).toBe("channel_not_found");
    const done = await client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: dm });
    expect(done.files?.[0]).toMatchObject({ id: url.file_id, name: "a.yaml", size: 3 });
    expect(f.uploads()[0]?.bytes?.toString()).toBe("abc");
  });

  it("a user's file share reaches the app as message/file_share; its URLs serve the bytes to the bot token only", async () => {
    const f = await start();
    const events: Record<string, unknown>[] = [];
    await startBolt(f, (app) => {
      app.event("message", async ({ event }) => {
        events.push(event as unknown as Record<string, unknown>);
      });
    });
    const dm = f.dmChannelOf(alice.id);
    const sent = await f.userSharesFile(
      alice,
      { name: "csat.yaml", content: "key: csat\n" },
      "/cx import csat",
    );
    expect(sent.status).toBe(200);
    await f.waitFor(() => events.length === 1);
    const [event] = events;
    expect(event).toMatchObject({
      type: "message",
      subtype: "file_share",
      text: "/cx import csat",
      user: alice.id,
      channel: dm,
      channel_type: "im",
      ts: sent.ts,
      files: [{ id: sent.fileId, name: "csat.yaml", size: 10, mimetype: "text/yaml", user: alice.id }],
    });
    const file = ((event?.files ?? []) as Record<string, string>[])[0]!;
    expect(file.url_private_download).toMatch(/\/files-pri\/T0FAKE-F[A-Z0-9]+\/download\/csat\.yaml$/);
    const authorized = await fetch(file.url_private_download!, {
      headers: { authorization: `Bearer ${f.botToken}` },
    });
    expect([authorized.status, await authorized.text()]).toEqual([200, "key: csat\n"]);
    const viewed = await fetch(file.url_private!, { headers: { authorization: `Bearer ${f.botToken}` } });
    expect(viewed.status).toBe(200);
    const anonymous = await fetch(file.url_private_download!, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    const followed = await fetch(file.url_private_download!, {
      headers: { authorization: "Bearer xoxb-someone-else" },
    });
    expect(followed.headers.get("content-type")).toMatch(/^text\/html/);
    expect(f.fileDownloads()).toEqual([
      { fileId: sent.fileId, authorized: true, status: 200 },
      { fileId: sent.fileId, authorized: true, status: 200 },
      { fileId: sent.fileId, authorized: false, status: 302 },
      { fileId: sent.fileId, authorized: false, status: 302 },
    ]);
    expect(f.messages(dm)).toMatchObject([
      { user: alice.id, text: "/cx import csat", files: [{ id: sent.fileId }] },
    ]);
  });
});

describe("a real bolt App (HTTPReceiver) against the fake", () => {
  it("receives a signed DM event and replies; a retried event carries X-Slack-Retry-Num", async () => {
    const f = await start();
    const seen: { text: unknown; retryNum: unknown; retryReason: unknown }[] = [];
    await startBolt(
      f,
      (app) => {
        app.event("message", async ({ event, context, say }) => {
          const text = "text" in event ? event.text : undefined;
          seen.push({ text, retryNum: context.retryNum, retryReason: context.retryReason });
          await say(`You said: ${String(text)}`);
        });
      },
      {},
      { deferInitialization: false },
    );
    // Without deferInitialization the App calls auth.test from its constructor, without waiting for it.
    await f.waitFor(() => f.calls("auth.test").length === 1);

    const dm = f.dmChannelOf(alice.id);
    const sent = await f.userSendsDm(alice, "salam");
    expect(sent).toMatchObject({ status: 200, body: "" });
    expect(sent.eventId).toMatch(/^Ev/);
    await f.waitForMessages(dm, (ms) => ms.length === 2);
    expect(f.messages(dm)).toMatchObject([
      { ts: sent.ts, text: "salam", user: alice.id },
      { text: "You said: salam", user: "U0BOT" },
    ]);

    const retried = await f.userSendsDm(alice, "ignored", { retryOf: sent.eventId });
    expect(retried).toMatchObject({ status: 200, eventId: sent.eventId, ts: sent.ts });
    await f.waitFor(() => seen.length === 2);
    // bolt does not deduplicate: the listener runs again, with the retry number in its context.
    expect(seen).toEqual([
      { text: "salam", retryNum: undefined, retryReason: undefined },
      { text: "salam", retryNum: 1, retryReason: "http_timeout" },
    ]);
    const raw = await f.sendEvent(
      {
        type: "message",
        channel: dm,
        user: alice.id,
        text: "manual",
        ts: "1700000000.000001",
        channel_type: "im",
      },
      { eventId: "Ev0MANUAL", retryNum: 3, retryReason: "http_error" },
    );
    expect(raw).toMatchObject({ status: 200, eventId: "Ev0MANUAL" });
    await f.waitFor(() => seen.length === 3);
    expect(seen[2]).toEqual({ text: "manual", retryNum: 3, retryReason: "http_error" });
    expect(f.signedRequests().map((r) => [r.kind, r.retryNum])).toEqual([
      ["event", undefined],
      ["event", 1],
      ["event", 3],
    ]);
    expect(f.lateAcks()).toEqual([]);
  });

  it("handles a slash command: ack text becomes the HTTP answer, and the trigger opens a modal", async () => {
    const f = await start();
    const commands: Record<string, unknown>[] = [];
    await startBolt(f, (app) => {
      app.command("/feedback", async ({ ack, command, client }) => {
        commands.push({ ...command });
        await ack("Opening the survey…");
        await client.views.open({ trigger_id: command.trigger_id, view: modal() as never });
      });
    });
    const sent = await f.sendSlashCommand(alice, "/feedback", "nps please");
    expect(sent).toMatchObject({ status: 200, body: "Opening the survey…" });
    expect(commands[0]).toMatchObject({
      command: "/feedback",
      text: "nps please",
      user_id: alice.id,
      channel_id: f.dmChannelOf(alice.id),
      team_id: "T0FAKE",
      trigger_id: sent.triggerId,
      response_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/commands\//),
    });
    const [view] = await f.waitFor(() => f.views().length === 1 && f.views());
    expect(view).toMatchObject({
      user: alice.id,
      closed: false,
      view: { callback_id: "feedback_modal", private_metadata: "survey:42" },
    });
    expect(f.ephemerals()).toMatchObject([
      { user: alice.id, text: "Opening the survey…", via: "command_ack" },
    ]);
  });

  it("delivers a block_actions click from a stored message; the app updates the message and responds", async () => {
    const f = await start();
    const dm = f.dmChannelOf(alice.id);
    const bodies: Record<string, unknown>[] = [];
    const { app } = await startBolt(f, (a) => {
      a.action("nps_9", async ({ ack, body, action, client, respond }) => {
        await ack();
        bodies.push(body as unknown as Record<string, unknown>);
        if (body.type !== "block_actions" || action.type !== "button" || !body.channel || !body.message)
          return;
        await client.chat.update({
          channel: body.channel.id,
          ts: body.message.ts,
          text: `Recorded ${action.value}`,
          blocks: [],
        });
        await respond({ response_type: "ephemeral", text: "Thanks!" });
      });
    });
    const posted = await app.client.chat.postMessage({
      channel: dm,
      text: "How likely…?",
      blocks: [
        section("How likely are you to recommend us?"),
        { type: "actions", elements: [button("8", "nps_8", "8"), button("9", "nps_9", "9")] },
      ],
    });
    await expect(f.clickButton(alice, dm, posted.ts!, { text: "11" })).rejects.toThrow(/no button matching/);
    const click = await f.clickButton(alice, dm, posted.ts!, { text: "9" });
    expect(click.status).toBe(200);
    await f.waitForMessages(dm, (ms) => ms[0]?.text === "Recorded 9");
    expect(f.messages(dm)).toEqual([
      { channel: dm, ts: posted.ts, text: "Recorded 9", user: "U0BOT", updatedCount: 1 },
    ]);
    expect(bodies[0]).toMatchObject({
      type: "block_actions",
      user: { id: alice.id },
      team: { id: "T0FAKE" },
      container: { type: "message", message_ts: posted.ts, channel_id: dm },
      channel: { id: dm },
      message: { ts: posted.ts, text: "How likely…?" },
      actions: [{ action_id: "nps_9", value: "9", type: "button", text: { type: "plain_text", text: "9" } }],
      trigger_id: click.triggerId,
    });
    await f.waitFor(() => f.ephemerals(dm).length === 1);
    expect(f.ephemerals(dm)).toMatchObject([{ user: alice.id, text: "Thanks!", via: "response_url" }]);
    // The button is gone after the update.
    await expect(f.clickButton(alice, dm, posted.ts!, { actionId: "nps_9" })).rejects.toThrow(/no button/);
  });

  it("sends what users type as Slack encodes it: &, < and > as entities in events and slash commands", async () => {
    const f = await start();
    const texts: string[] = [];
    await startBolt(f, (app) => {
      app.command("/cx", async ({ ack, command }) => {
        texts.push(command.text);
        await ack();
      });
      app.event("message", async ({ event }) => {
        texts.push("text" in event ? String(event.text) : "");
      });
    });
    await f.sendSlashCommand(alice, "/cx", "text csat score en Fast & <fair>");
    await f.userSendsDm(alice, "R&D <3");
    await f.waitFor(() => texts.length === 2);
    expect(texts).toEqual(["text csat score en Fast &amp; &lt;fair&gt;", "R&amp;D &lt;3"]);
  });

  it("delivers a click on an ephemeral message: no message in the payload; its response_url replaces it", async () => {
    const f = await start();
    f.addChannel("C0GENERAL", "general");
    const bodies: Record<string, unknown>[] = [];
    await startBolt(f, (a) => {
      a.command("/cx", async ({ ack, respond }) => {
        await ack();
        await respond({
          response_type: "ephemeral",
          text: "Pick one",
          blocks: [
            section("Pick one"),
            { type: "actions", elements: [button("Publish", "cx_admin_0", "cx:p")] },
          ],
        });
      });
      a.action("cx_admin_0", async ({ ack, body, respond }) => {
        await ack();
        bodies.push(body as unknown as Record<string, unknown>);
        await respond({ response_type: "ephemeral", replace_original: false, text: "Published" });
        await respond({ replace_original: true, text: "Done" });
      });
    });
    await f.sendSlashCommand(alice, "/cx", "flows", { channelId: "C0GENERAL" });
    const [shown] = await f.waitFor(
      () => f.ephemerals("C0GENERAL").length === 1 && f.ephemerals("C0GENERAL"),
    );
    await expect(f.clickEphemeralButton(bob, shown!.ts, { text: "Publish" })).rejects.toThrow(/no ephemeral/);
    const click = await f.clickEphemeralButton(alice, shown!.ts, { text: "Publish" });
    expect(click.status).toBe(200);
    await f.waitFor(() => f.ephemerals("C0GENERAL").length === 2 && f.ephemerals("C0GENERAL")[0]?.replaced);
    expect(bodies[0]).toMatchObject({
      type: "block_actions",
      container: { type: "message", message_ts: shown!.ts, channel_id: "C0GENERAL", is_ephemeral: true },
      channel: { id: "C0GENERAL" },
      actions: [{ action_id: "cx_admin_0", value: "cx:p" }],
    });
    expect(bodies[0]?.message).toBeUndefined();
    expect(f.ephemerals("C0GENERAL")).toMatchObject([
      { user: alice.id, text: "Done", replaced: 1 },
      { user: alice.id, text: "Published", via: "response_url" },
    ]);
    expect(f.messages("C0GENERAL")).toEqual([]);
  });

  it("delivers view_submission: errors keep the modal open, a plain ack closes it", async () => {
    const f = await start();
    const submissions: unknown[] = [];
    await startBolt(f, (app) => {
      app.command("/feedback", async ({ ack, command, client }) => {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: modal() as never });
      });
      app.view("feedback_modal", async ({ ack, view }) => {
        submissions.push({
          values: view.state.values,
          private_metadata: view.private_metadata,
          hash: view.hash,
        });
        const comment = view.state.values.comment?.comment_input?.value ?? "";
        if (comment.length < 5)
          await ack({ response_action: "errors", errors: { comment: "Tell us a bit more" } });
        else await ack();
      });
    });
    await f.sendSlashCommand(alice, "/feedback", "");
    const [opened] = await f.waitFor(() => f.views().length === 1 && f.views());
    const viewId = opened!.id;

    await expect(f.submitView(alice, viewId, {})).rejects.toThrow(
      /required input comment\/comment_input is empty/,
    );
    await expect(f.submitView(bob, viewId, {})).rejects.toThrow(/shown to U0ALICE/);

    const short = await f.submitView(alice, viewId, {
      comment: { comment_input: { type: "plain_text_input", value: "meh" } },
    });
    expect(short.status).toBe(200);
    expect(JSON.parse(short.body)).toEqual({
      response_action: "errors",
      errors: { comment: "Tell us a bit more" },
    });
    expect(f.views()[0]).toMatchObject({ closed: false, errors: { comment: "Tell us a bit more" } });

    const good = await f.submitView(alice, viewId, {
      comment: { comment_input: { type: "plain_text_input", value: "Great service" } },
      score: { score_select: { type: "static_select", selected_option: { value: "3" } } },
    });
    expect(good).toMatchObject({ status: 200, body: "" });
    expect(f.views()[0]?.closed).toBe(true);
    expect(submissions[1]).toEqual({
      values: {
        comment: { comment_input: { type: "plain_text_input", value: "Great service" } },
        score: { score_select: { type: "static_select", selected_option: { value: "3" } } },
      },
      private_metadata: "survey:42",
      hash: opened!.hash,
    });
    expect(submissions[0]).toMatchObject({
      values: { score: { score_select: { type: "static_select", selected_option: null } } },
    });
    await expect(f.submitView(alice, viewId, {})).rejects.toThrow(/closed/);
  });

  it("echoBotMessages: the bot's own DM posts come back as events, and bolt's ignoreSelf drops them", async () => {
    const f = await start({ echoBotMessages: true });
    const heard: string[] = [];
    const { app } = await startBolt(f, (a) => {
      a.event("message", async ({ event }) => {
        heard.push("text" in event ? String(event.text) : "?");
      });
    });
    const dm = f.dmChannelOf(alice.id);
    await app.client.chat.postMessage({ channel: dm, text: "from the bot" });
    await f.waitFor(() => f.signedRequests().length === 1);
    const [echo] = f.signedRequests();
    expect(echo).toMatchObject({ kind: "event", status: 200 });
    await f.userSendsDm(alice, "from alice");
    await f.waitFor(() => heard.length === 1);
    expect(heard).toEqual(["from alice"]);
  });

  it("answers forged and stale signatures with 401 and runs no listener", async () => {
    const f = await start();
    let ran = 0;
    await startBolt(f, (app) => {
      app.event("message", async () => {
        ran++;
      });
      app.command("/feedback", async ({ ack }) => {
        ran++;
        await ack();
      });
      app.action(/.*/, async ({ ack }) => {
        ran++;
        await ack();
      });
    });
    const dm = f.dmChannelOf(alice.id);
    for (const signature of ["forged", "stale"] as const) {
      expect(await f.userSendsDm(alice, "hi", { signature })).toMatchObject({ status: 401, body: "" });
      expect(await f.sendSlashCommand(alice, "/feedback", "", { signature })).toMatchObject({
        status: 401,
        body: "",
      });
      expect(
        await f.sendEvent(
          { type: "app_home_opened", user: alice.id, channel: dm, tab: "home" },
          { signature },
        ),
      ).toMatchObject({ status: 401 });
    }
    const client = clientFor(f);
    const posted = await client.chat.postMessage({
      channel: dm,
      text: "q",
      blocks: [{ type: "actions", elements: [button("ok", "ok_action")] }],
    });
    expect(
      (await f.clickButton(alice, dm, posted.ts!, { actionId: "ok_action" }, { signature: "forged" })).status,
    ).toBe(401);
    expect(ran).toBe(0);
    expect((await f.clickButton(alice, dm, posted.ts!, { actionId: "ok_action" })).status).toBe(200);
    expect(ran).toBe(1);
    expect(f.signedRequests().map((r) => [r.signature, r.status])).toEqual([
      ["forged", 401],
      ["forged", 401],
      ["forged", 401],
      ["stale", 401],
      ["stale", 401],
      ["stale", 401],
      ["forged", 401],
      ["valid", 200],
    ]);
  });

  it("lists acks later than 3 s: bolt's own 404 at 3001 ms, a late ack(), and processBeforeResponse", async () => {
    const f = await start();
    const slow = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const ackOutcomes: string[] = [];
    const commandApp = (receiverOptions: Partial<HTTPReceiverOptions>) =>
      startBolt(
        f,
        (app) => {
          app.command("/slow", async ({ ack }) => {
            await slow(3_200);
            await ack().then(
              () => ackOutcomes.push("ok"),
              (error: unknown) => ackOutcomes.push(String((error as { code?: string }).code)),
            );
          });
          app.command("/fast", async ({ ack }) => {
            await ack();
          });
        },
        receiverOptions,
      );
    // Each startBolt routes the fake to its own server; remember them and switch with routeTo.
    const defaults = await commandApp({});
    const patient = await commandApp({ unhandledRequestTimeoutMillis: 10_000 });
    const beforeResponse = await startBolt(
      f,
      (app) => {
        app.event("message", async () => {
          await slow(3_200);
        });
      },
      { processBeforeResponse: true },
    );

    f.routeTo(defaults.url);
    const a = f.sendSlashCommand(alice, "/slow", "");
    f.routeTo(patient.url);
    const b = f.sendSlashCommand(alice, "/slow", "");
    f.routeTo(beforeResponse.url);
    const c = f.userSendsDm(alice, "slow listener");
    f.routeTo(defaults.url);
    const fast = await f.sendSlashCommand(alice, "/fast", "");
    const [bolt404, lateAck, lateEvent] = await Promise.all([a, b, c]);

    expect(fast.status).toBe(200);
    expect(fast.ms).toBeLessThan(3_000);
    // Without an ack in 3001 ms bolt answers 404 itself (and logs it); Slack would already have given up.
    expect(bolt404.status).toBe(404);
    expect(bolt404.ms).toBeGreaterThan(3_000);
    expect(
      defaults.logs.some((l) => l.level === "error" && /not acknowledged within 3 seconds/.test(l.text)),
    ).toBe(true);
    expect(lateAck.status).toBe(200);
    expect(lateAck.ms).toBeGreaterThanOrEqual(3_150);
    // With processBeforeResponse, an event is answered only after its listeners finish.
    expect(lateEvent.status).toBe(200);
    expect(lateEvent.ms).toBeGreaterThanOrEqual(3_150);
    const late = f.lateAcks();
    expect(late.map((l) => [l.kind, l.status]).sort()).toEqual([
      ["command", 200],
      ["command", 404],
      ["event", 200],
    ]);
    expect(late.every((l) => l.ms > 3_000)).toBe(true);
    // The late ack() after bolt's own 404 throws (the response is already written); the patient one succeeds.
    expect(ackOutcomes.sort()).toEqual(["ERR_HTTP_HEADERS_SENT", "ok"]);
  }, 15_000);
});

// ---------------------------------------------------------------------------------------------------------
// Socket Mode

const APP_TOKEN = "xapp-1-A0FAKEAPP-2222-fedcba9876543210fedcba9876543210";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A bare WebSocket client on the fake's socket: what arrives, and a way to answer. */
interface RawSocket {
  /** The next message not taken yet that matches (waits up to 2 s). */
  next(match?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(message: Record<string, unknown>): void;
  closed: Promise<number>;
  ws: WebSocket;
}

async function connectRaw(f: FakeSlack, url: string): Promise<RawSocket> {
  const ws = new WebSocket(url);
  const received: Record<string, unknown>[] = [];
  const taken = new Set<Record<string, unknown>>();
  ws.on("message", (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  cleanups.push(() => {
    if (ws.readyState === ws.OPEN) ws.terminate();
  });
  return {
    ws,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    async next(match = () => true) {
      const found = await f.waitFor(() => received.find((m) => !taken.has(m) && match(m)));
      taken.add(found);
      return found;
    },
  };
}

const ofType = (type: string) => (m: Record<string, unknown>) => m.type === type;

describe("Socket Mode", () => {
  it("apps.connections.open: only the app-level token, in the Authorization header; URLs are single-use", async () => {
    const f = await start({ appToken: APP_TOKEN });
    expect(f.appToken).toBe(APP_TOKEN);
    const opened = await clientFor(f, {}, APP_TOKEN).apps.connections.open();
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]{32}&app_id=A0FAKEAPP$/);
    expect(await errorCode(clientFor(f).apps.connections.open())).toBe("not_allowed_token_type");
    expect(await errorCode(clientFor(f, {}, "xapp-1-A0OTHER-1-0000").apps.connections.open())).toBe(
      "invalid_auth",
    );
    expect(await errorCode(clientFor(f, {}, "").apps.connections.open())).toBe("not_authed");
    // The app-level token opens sockets only; it cannot act as the bot.
    expect(await errorCode(clientFor(f, {}, APP_TOKEN).auth.test())).toBe("not_allowed_token_type");
    const inForm = await raw(f, "apps.connections.open", {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams({ token: APP_TOKEN }).toString(),
    });
    expect(inForm.json).toEqual({ ok: false, error: "not_authed" });

    const socket = await connectRaw(f, opened.url ?? "");
    expect(await socket.next()).toMatchObject({
      type: "hello",
      num_connections: 1,
      connection_info: { app_id: "A0FAKEAPP" },
      debug_info: { approximate_connection_time: expect.any(Number) },
    });
    await expect(connectRaw(f, opened.url ?? "")).rejects.toThrow(/401/);
    expect(f.socketConnections()).toMatchObject([{ open: true, envelopes: 0 }]);

    // A fake without an app token knows none.
    const http = await startFakeSlack();
    cleanups.push(() => http.close());
    expect(await errorCode(clientFor(http, {}, APP_TOKEN).apps.connections.open())).toBe("invalid_auth");
  });

  it("sends user actions as envelopes and resolves them with the app's acknowledgement", async () => {
    const f = await start({ appToken: APP_TOKEN });
    const socket = await connectRaw(f, (await clientFor(f, {}, APP_TOKEN).apps.connections.open()).url ?? "");
    await socket.next(ofType("hello"));

    // A DM: events_api, first delivery.
    const dmSent = f.userSendsDm(alice, "salam");
    const dm = await socket.next(ofType("events_api"));
    expect(dm).toMatchObject({
      envelope_id: expect.stringMatching(UUID),
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: "",
      payload: {
        type: "event_callback",
        api_app_id: "A0FAKEAPP",
        event: { type: "message", channel_type: "im", user: alice.id, text: "salam" },
      },
    });
    socket.send({ envelope_id: dm.envelope_id });
    const dmDone = await dmSent;
    expect(dmDone).toMatchObject({ status: 200, body: "" });
    expect(dmDone.ms).toBeLessThan(1_000);

    // Slack's redelivery: the same event, a new envelope, retry_attempt / retry_reason set.
    const retrySent = f.userSendsDm(alice, "salam", { retryOf: dmDone.eventId });
    const retry = await socket.next(ofType("events_api"));
    expect(retry).toMatchObject({ retry_attempt: 1, retry_reason: "timeout" });
    expect(retry.envelope_id).not.toBe(dm.envelope_id);
    expect((retry.payload as { event_id: string }).event_id).toBe(dmDone.eventId);
    socket.send({ envelope_id: retry.envelope_id, payload: {} });
    expect(await retrySent).toMatchObject({ status: 200, body: "" });

    // A slash command: its ack payload is what Slack shows, as over HTTP.
    const commandSent = f.sendSlashCommand(alice, "/feedback", "nps", { channelId: f.dmChannelOf(alice.id) });
    const command = await socket.next(ofType("slash_commands"));
    expect(command).toMatchObject({
      accepts_response_payload: true,
      payload: { command: "/feedback", text: "nps", user_id: alice.id, team_id: f.teamId },
    });
    expect(command).not.toHaveProperty("retry_attempt");
    socket.send({ envelope_id: command.envelope_id, payload: { text: "Check your DMs" } });
    const commandDone = await commandSent;
    expect(commandDone).toMatchObject({ status: 200, body: JSON.stringify({ text: "Check your DMs" }) });
    expect(f.ephemerals()).toMatchObject([{ user: alice.id, text: "Check your DMs", via: "command_ack" }]);

    // A button: interactive / block_actions; a modal's submission: interactive / view_submission.
    const bot = clientFor(f);
    const posted = await bot.chat.postMessage({
      channel: alice.id,
      text: "Rate us",
      blocks: [{ type: "actions", elements: [button("Great", "rate_5", "5")] }],
    });
    const clickSent = f.clickButton(alice, posted.channel ?? "", posted.ts ?? "", { text: "Great" });
    const click = await socket.next(ofType("interactive"));
    expect(click).toMatchObject({
      accepts_response_payload: true,
      payload: { type: "block_actions", actions: [{ action_id: "rate_5", value: "5" }] },
    });
    socket.send({ envelope_id: click.envelope_id });
    expect(await clickSent).toMatchObject({ status: 200, body: "" });
    await bot.views.open({ trigger_id: commandDone.triggerId, view: modal() });
    const view = f.views()[0];
    const submitSent = f.submitView(alice, view?.id ?? "", {
      comment: { comment_input: { type: "plain_text_input", value: "ok" } },
    });
    const submit = await socket.next(ofType("interactive"));
    expect(submit).toMatchObject({ payload: { type: "view_submission", view: { id: view?.id } } });
    socket.send({
      envelope_id: submit.envelope_id,
      payload: { response_action: "errors", errors: { comment: "Say a bit more" } },
    });
    expect((await submitSent).status).toBe(200);
    expect(f.views()[0]).toMatchObject({ closed: false, errors: { comment: "Say a bit more" } });

    // Acks for nothing in flight are kept aside; signatures do not exist here.
    socket.send({ envelope_id: dm.envelope_id });
    socket.send({ envelope_id: "not-an-envelope" });
    await f.waitFor(() => f.socketConnections()[0]?.strayMessages.length === 2);
    await expect(f.userSendsDm(alice, "x", { signature: "forged" })).rejects.toThrow(/not signed/);
    const records = f.signedRequests();
    expect(records.map((r) => [r.kind, r.via, r.status, r.retryNum])).toEqual([
      ["event", "socket", 200, undefined],
      ["event", "socket", 200, 1],
      ["command", "socket", 200, undefined],
      ["block_actions", "socket", 200, undefined],
      ["view_submission", "socket", 200, undefined],
    ]);
    expect(records.map((r) => r.envelopeId)).toEqual([
      dm.envelope_id,
      retry.envelope_id,
      command.envelope_id,
      click.envelope_id,
      submit.envelope_id,
    ]);
    expect(f.socketConnections()[0]?.envelopes).toBe(5);
    expect(f.lateAcks()).toEqual([]);
  });

  it("lists acks later than 3 s and missing ones, and holds envelopes while no socket is open", async () => {
    const f = await start({ appToken: APP_TOKEN, ackTimeoutMs: 3_400 });
    const open = async () => {
      const s = await connectRaw(f, (await clientFor(f, {}, APP_TOKEN).apps.connections.open()).url ?? "");
      await s.next(ofType("hello"));
      return s;
    };
    const first = await open();
    const lateSent = f.userSendsDm(alice, "late");
    const missingSent = f.userSendsDm(bob, "never acknowledged");
    const late = await first.next((m) => JSON.stringify(m.payload).includes('"late"'));
    await first.next((m) => JSON.stringify(m.payload).includes("never acknowledged"));
    await new Promise((r) => setTimeout(r, 3_100));
    first.send({ envelope_id: late.envelope_id });
    const [lateDone, missingDone] = await Promise.all([lateSent, missingSent]);
    expect(lateDone.status).toBe(200);
    expect(lateDone.ms).toBeGreaterThan(3_000);
    expect(missingDone).toMatchObject({ status: 0, body: "" });
    expect(f.lateAcks().map((l) => [l.kind, l.status])).toEqual([
      ["event", 200],
      ["event", 0],
    ]);

    // Between connections the envelope waits for the next one, and its clock starts when it is sent.
    first.ws.close(1000);
    expect(await first.closed).toBe(1000);
    await f.waitFor(() => f.socketConnections()[0]?.open === false);
    const heldSent = f.userSendsDm(alice, "while away");
    await new Promise((r) => setTimeout(r, 200));
    const second = await open();
    const held = await second.next(ofType("events_api"));
    second.send({ envelope_id: held.envelope_id });
    const heldDone = await heldSent;
    expect(heldDone.status).toBe(200);
    expect(heldDone.ms).toBeLessThan(200);
    expect(f.signedRequests().at(-1)?.connectionId).toBe(f.socketConnections()[1]?.id);
    expect(f.socketConnections()[0]).toMatchObject({ closedBy: "app", closeCode: 1000 });
  }, 15_000);

  it("asks for a reconnect with a disconnect message, and close() ends the sockets still open", async () => {
    const f = await start({ appToken: APP_TOKEN });
    const socket = await connectRaw(f, (await clientFor(f, {}, APP_TOKEN).apps.connections.open()).url ?? "");
    await socket.next(ofType("hello"));
    expect(await f.waitForSocket()).toMatchObject({ id: f.socketConnections()[0]?.id, open: true });
    expect(f.socketDisconnect("warning")).toBe(1);
    expect(await socket.next(ofType("disconnect"))).toMatchObject({
      reason: "warning",
      debug_info: { host: expect.any(String) },
    });
    expect(f.socketConnections()[0]?.disconnectsSent).toEqual(["warning"]);
    await f.close();
    fake = undefined;
    expect(await socket.closed).toBe(1006);
    expect(f.socketConnections()[0]).toMatchObject({ open: false, closedBy: "fake" });
  });
});
