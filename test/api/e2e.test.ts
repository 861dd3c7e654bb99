import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZSurveySend } from "../../core/api/schemas.ts";
import type { FakeTelegram, FakeUser, ShownMessage, TgChat } from "../fakes/telegram-api.ts";
import { startTelegramRig, type TelegramRig } from "../helpers/telegram.ts";

/**
 * The HTTP API of a started cxbot (`startCxbot`, as `npm start` runs it: Telegram in webhook mode, the send
 * queue and its worker, CX_API_KEY), against the fake Telegram: a call becomes a survey in the customer's chat,
 * a retried call sends nothing twice, and an admin's CSV campaign reaches everyone in the file.
 */

const ADMIN: FakeUser = { id: 7001, first_name: "Ada", language_code: "en" };
/** An admin who never opened a private chat with the bot: replies to their group commands go to the group. */
const SHY_ADMIN: FakeUser = { id: 7002, first_name: "Noor", language_code: "en" };
const GROUP: TgChat = { id: -1_007_001, type: "supergroup", title: "CX team" };
const SECRET = "api-suite-webhook-secret_0123456789";
const API_KEY = `env-key-${"x".repeat(32)}`;

let fake: FakeTelegram;
let rig: TelegramRig | undefined;
let base = "";

beforeAll(async () => {
  rig = await startTelegramRig({
    token: "7777:api-suite-bot-token-gggggggggggggggg",
    secret: SECRET,
    label: "api_e2e",
    env: {
      CX_ADMINS: `telegram:${ADMIN.id},telegram:${SHY_ADMIN.id}`,
      CX_API_KEY: API_KEY,
    },
  });
  ({ fake } = rig);
  base = rig.base;
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

const customer = (id: number): FakeUser => {
  const u: FakeUser = { id, first_name: "Customer", language_code: "en" };
  fake.addPrivateChat(u);
  return u;
};

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** The survey as GET shows it, once `done` holds (the worker sends within about a second). */
async function surveyWhen(id: string, done: (status: string) => boolean) {
  const until = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${base}/api/v1/surveys/${id}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.status).toBe(200);
    const send = ZSurveySend.parse(await res.json());
    if (done(send.status) || Date.now() > until) return send;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const textOf = (messages: readonly ShownMessage[]) =>
  messages.map((m) => m.text ?? m.caption ?? "").join("\n");

describe("the HTTP API of a running cxbot", { timeout: 60_000 }, () => {
  it("sends the survey a call asks for, with CX_API_KEY, and GET follows its delivery", async () => {
    const ana = customer(8101);
    const res = await post("/api/v1/surveys", {
      platform: "telegram",
      userId: String(ana.id),
      flow: "csat",
      reference: "order-1042",
      properties: { orderId: "A-1042", touchpoint: "delivery" },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^sv_/);
    const shown = await fake.waitForMessages(ana.id, (m) => m.length >= 1, 15_000);
    expect(textOf(shown)).toContain("How satisfied");
    const send = await surveyWhen(id, (s) => s !== "scheduled");
    expect(send).toMatchObject({
      id,
      status: "sent",
      platform: "telegram",
      userId: String(ana.id),
      flow: "csat",
      reference: "order-1042",
      properties: { orderId: "A-1042", touchpoint: "delivery" },
      source: expect.stringMatching(/^api:env_/),
    });
  });

  it("a retried call with the same Idempotency-Key sends one survey", async () => {
    const ben = customer(8102);
    const body = { platform: "telegram", userId: String(ben.id), flow: "nps" };
    const headers = { "idempotency-key": `ticket-${ben.id}-closed` };
    const answers = [
      await post("/api/v1/surveys", body, headers),
      await post("/api/v1/surveys", body, headers),
    ];
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    expect(ids[1]).toBe(ids[0]);
    await surveyWhen(ids[0] ?? "", (s) => s !== "scheduled");
    // Give a second send time to happen, if one were queued.
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.messages(ben.id)).toHaveLength(1);
  });

  it("an admin's CSV campaign (/cx send with the file) reaches everyone in it; a bad file sends nothing", async () => {
    fake.addPrivateChat(ADMIN);
    const [c1, c2] = [customer(8201), customer(8202)];
    const bad = await fake.deliver(
      fake.userSendsDocument(
        ADMIN,
        { name: "bad.csv", content: `platform,userId\ntelegram,${c1.id}\nfax,${c2.id}\n` },
        "/cx send nps",
      ),
    );
    expect(bad.status).toBe(200);
    expect(textOf(fake.messages(ADMIN.id))).toContain(
      "• line 3: platform must be telegram, slack or discord",
    );

    const good = await fake.deliver(
      fake.userSendsDocument(
        ADMIN,
        {
          name: "campaign.csv",
          content: `platform,userId,reference\ntelegram,${c1.id},r1\ntelegram,${c2.id},r2\n`,
        },
        "/cx send nps",
      ),
    );
    expect(good.status).toBe(200);
    expect(textOf(fake.messages(ADMIN.id))).toContain("Queued nps for 2 people.");
    for (const c of [c1, c2]) {
      const shown = await fake.waitForMessages(c.id, (m) => m.length >= 1, 15_000);
      expect(shown).toHaveLength(1);
    }
  });

  it("a key revoked by /cx keys revoke is refused at once", async () => {
    await fake.deliver(fake.userSendsText(ADMIN, "/cx keys create Zapier"));
    const created = textOf(fake.messages(ADMIN.id));
    const key = /cxk_[a-z2-7]{10}_[A-Za-z0-9_-]{43}/.exec(created)?.[0] ?? "";
    const id = /\((key_[a-z2-7]{10})\)/.exec(created)?.[1] ?? "";
    const call = () =>
      post(
        "/api/v1/surveys",
        { platform: "telegram", userId: "8301", flow: "nps", delaySeconds: 3600 },
        { authorization: `Bearer ${key}` },
      );
    expect((await call()).status).toBe(202);
    await fake.deliver(fake.userSendsText(ADMIN, `/cx keys revoke ${id}`));
    expect(textOf(fake.messages(ADMIN.id))).toContain(`API key ${id} is revoked`);
    expect((await call()).status).toBe(401);
  });

  it("never shows a new key in a group: only in the admin's private chat", async () => {
    const before = fake.messages(GROUP.id).length;
    const answer = await fake.deliver(fake.userSendsText(SHY_ADMIN, "/cx keys create from-the-group", GROUP));
    expect(answer.status).toBe(200);
    // Other admin replies do fall back to the group for this admin…
    await fake.deliver(fake.userSendsText(SHY_ADMIN, "/cx keys", GROUP));
    const shown = textOf(fake.messages(GROUP.id).slice(before));
    expect(shown).toContain("from-the-group");
    // …but the key itself never appears there (the list shows only its first characters).
    expect(shown).not.toMatch(/cxk_[a-z2-7]{10}_[A-Za-z0-9_-]{43}/);
  });
});
