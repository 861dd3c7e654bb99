import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { csvFile, startApi, texts } from "./helpers.ts";

/** `/cx keys` and `/cx send` through the admin service, checked against the real HTTP API and database. */

type Api = Awaited<ReturnType<typeof startApi>>;

describe("/cx keys and /cx send", () => {
  let db: TestDb;
  let api: Api;

  beforeEach(async () => {
    db = await connectTestDb("api_admin");
  });
  afterEach(async () => {
    await api?.close();
    await db.drop();
  });

  const call = (key: string) =>
    fetch(`${api.base}/api/v1/surveys`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ platform: "telegram", userId: "42", flow: "nps" }),
    });

  it("creates a key shown once, lists it without the secret, and a revoked key gets 401", async () => {
    api = await startApi(db);
    const created = texts(await api.run("keys create Order system"));
    const key = /cxk_[a-z2-7]{10}_[A-Za-z0-9_-]{43}/.exec(created)?.[0];
    expect(key).toBeDefined();
    expect(created).toContain("Copy it now: it is shown only this once.");
    const id = /\((key_[a-z2-7]{10})\)/.exec(created)?.[1] ?? "";
    expect(id).not.toBe("");

    // Stored hashed: the database has its SHA-256, never the key.
    const stored = await db.connection.collection("api_keys").findOne({ _id: id as never });
    expect(stored?.hash).toBe(
      createHash("sha256")
        .update(key ?? "")
        .digest("hex"),
    );
    expect(JSON.stringify(stored)).not.toContain(key?.slice(16) ?? "-");

    const list = texts(await api.run("keys"));
    expect(list).toContain(id);
    expect(list).toContain("Order system");
    expect(list).not.toContain(key?.slice(16) ?? "-");
    expect(texts(await api.run("keys list"))).toBe(list);

    expect((await call(key ?? "")).status).toBe(202);
    expect(texts(await api.run(`keys revoke ${id}`))).toContain(`API key ${id} is revoked`);
    expect((await call(key ?? "")).status).toBe(401);
    expect(texts(await api.run(`keys revoke ${id}`))).toContain("was already revoked");
    expect(texts(await api.run("keys revoke key_aaaaaaaaaa"))).toContain(
      "There is no API key key_aaaaaaaaaa",
    );
    expect(texts(await api.run("keys"))).toContain("revoked by telegram:100");

    const audit = await api.stores.audit.recent(5);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["api-key.create", "api-key.revoke"]));
    expect(JSON.stringify(audit)).not.toContain(key?.slice(16) ?? "-");
  });

  it("answers in the admin's language, and refuses a stranger like any unknown command", async () => {
    api = await startApi(db);
    await api.stores.respondents.setLocale({ channel: "telegram", userId: "100" }, "fa");
    const fa = texts(await api.run("کلیدها ساخت فروشگاه"));
    expect(fa).toMatch(/cxk_/);
    expect(fa).toContain("کلید API «فروشگاه» ساخته شد");
    const stranger = await api.run("keys create x", undefined, { channel: "telegram", userId: "999" });
    expect(stranger.status).toBe("refused");
    expect(texts(stranger)).not.toMatch(/cxk_/);
  });

  it("stores CX_API_KEY hashed at start; revoking it by command sticks across restarts", async () => {
    const envKey = "k".repeat(40);
    api = await startApi(db, { envKey });
    expect((await call(envKey)).status).toBe(202);
    const docs = await db.connection.collection("api_keys").find({}).toArray();
    expect(JSON.stringify(docs)).not.toContain(envKey);
    const id = String(docs.find((d) => d.createdBy === "env")?._id);
    expect(texts(await api.run(`keys revoke ${id}`))).toContain("is revoked");
    await api.close();
    api = await startApi(db, { envKey });
    expect((await call(envKey)).status).toBe(401);
  });

  it("/cx send lists every bad row with its line and sends nothing; a clean file queues everyone", async () => {
    api = await startApi(db);
    const bad = [
      "platform,userId,locale,reference,orderId",
      "telegram,1001,fa,ord-1,A1",
      "fax,1002,,,",
      "slack,U1003,de,,",
      "telegram,1001,,,",
      `discord,80351110224678912,,,${"x".repeat(300)}`,
    ].join("\n");
    const refused = texts(await api.run("send nps", csvFile(bad)));
    expect(refused).toContain("Nothing was sent. Rows with problems: 4.");
    expect(refused).toContain("• line 3: platform must be telegram, slack or discord");
    expect(refused).toContain("• line 4: locale must be en, fa, ar or tr");
    expect(refused).toContain("• line 5: the same person as line 2");
    expect(refused).toContain("• line 6: orderId is longer than 256 characters");
    expect(api.dispatcher.sends.size).toBe(0);

    const good = [
      "Platform,UserId,locale,reference,orderId,agent",
      "telegram,1001,fa,ord-1,A1,maria",
      "slack,U1003,,,,",
    ].join("\r\n");
    const sent = texts(await api.run("send nps", csvFile(good)));
    expect(sent).toContain("Queued nps for 2 people.");
    const requests = [...api.dispatcher.sends.values()];
    expect(requests.map((s) => s.request)).toEqual([
      {
        platform: "telegram",
        userId: "1001",
        flow: "nps",
        locale: "fa",
        reference: "ord-1",
        properties: { orderId: "A1", agent: "maria" },
      },
      { platform: "slack", userId: "U1003", flow: "nps" },
    ]);
    expect(requests[0]?.source).toMatch(/^csv:telegram:100:/);
  });

  it("/cx send without a file, with a bad header, for an unknown or disabled flow: nothing sent", async () => {
    api = await startApi(db);
    expect(texts(await api.run("send nps"))).toContain("Attach the CSV file to /cx send nps");
    expect(texts(await api.run("send nps", csvFile("platform,user id\ntelegram,1")))).toContain(
      "Not allowed: user id",
    );
    expect(texts(await api.run("send nps", csvFile("platform,reference\ntelegram,1")))).toContain(
      "The file has no userId column",
    );
    expect(texts(await api.run("send nps", csvFile("platform,userId\n")))).toContain("no rows to send");
    expect(texts(await api.run("send nope", csvFile("platform,userId\ntelegram,1")))).toContain(
      "There is no flow “nope”",
    );
    await api.run("disable csat");
    expect(texts(await api.run("send csat", csvFile("platform,userId\ntelegram,1")))).toContain(
      "csat is off",
    );
    expect(api.dispatcher.sends.size).toBe(0);
  });
});
