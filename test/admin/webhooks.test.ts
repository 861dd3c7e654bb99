import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminActor, AdminService } from "../../core/admin/types.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import { createOperations } from "../../core/operations.ts";
import type { WebhookStore } from "../../core/webhooks/registry.ts";
import { createWebhookService } from "../../core/webhooks/service.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { openSendQueueStore } from "../../storage/send-queue-store.ts";
import { createWebhookStore } from "../../storage/webhook-store.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/**
 * `/cx webhooks` through the admin service on the real database: what an admin reads about each endpoint
 * (delivering, failing, disabled), in their language, and who may use the command.
 */

const ADMIN: AdminActor = { channel: "telegram", userId: "100" };
const PERSIAN_ADMIN: AdminActor = { channel: "telegram", userId: "101", languageTag: "fa" };
const STRANGER: AdminActor = { channel: "telegram", userId: "999" };

let db: TestDb;
let admin: AdminService;
let webhookStore: WebhookStore;
let n = 0;

beforeAll(async () => {
  db = await connectTestDb("hookadmin");
  const stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  webhookStore = createWebhookStore(db.connection);
  const webhooks = createWebhookService({
    store: webhookStore,
    queue: await openSendQueueStore(db.connection),
    responses: stores.responses,
    flows: { get: async () => null },
    policy: { allowLoopback: false },
    onError: (error) => {
      throw error;
    },
  });
  admin = createAdminService({
    stores,
    flows: new FlowRegistry(stores.flows, stores.admin),
    operations: createOperations({
      survey: {} as never,
      messenger: { deliver: async () => undefined },
    }),
    admins: ["telegram:100", "telegram:101"],
    limits: { buttonLabel: 64, message: 1500 },
    defaultLocale: "en",
    webhooks: webhooks.registry,
  });
});

afterAll(async () => {
  await db?.drop();
});

async function run(actor: AdminActor, text: string): Promise<string> {
  const outcome = await admin.handle({
    eventId: `hook-admin-${++n}`,
    actor,
    input: { type: "command", text },
    receivedAt: new Date(),
  });
  return outcome.status === "duplicate" ? "" : outcome.messages.map((m) => m.text).join("\n");
}

describe("/cx webhooks", () => {
  it("refuses http, private addresses and credentials, and says so in the admin's language", async () => {
    expect(await run(ADMIN, "webhooks add http://hooks.example.com/x")).toBe(
      "Not added: the address must start with https://.",
    );
    expect(await run(ADMIN, "webhooks add https://192.168.1.20/x")).toContain("private or local network");
    expect(await run(ADMIN, "webhooks add https://me:pw@hooks.example.com/x")).toContain(
      "user name or password",
    );
    expect(await run(PERSIAN_ADMIN, "وب‌هوک‌ها افزودن http://hooks.example.com/x")).toBe(
      "ثبت نشد: نشانی باید با https:// شروع شود.",
    );
    expect(await run(ADMIN, "webhooks list")).toContain("No webhooks yet");
  });

  it("lists each endpoint as new, delivering, failing or disabled", async () => {
    const ids: string[] = [];
    for (const path of ["new", "ok", "failing", "gone"]) {
      const reply = await run(ADMIN, `webhooks add https://hooks.example.com/${path} alert.raised`);
      ids.push(/wh_[a-z0-9]{16}/.exec(reply)?.[0] ?? "");
      expect(reply).toMatch(/Signing secret \(shown only this once, keep it safe\): whsec_[0-9a-f]{48}/);
    }
    const [, ok, failing, gone] = ids as [string, string, string, string];
    await webhookStore.recordSuccess(ok, new Date("2026-12-05T09:00:00Z"));
    await webhookStore.recordFailure(failing, new Date("2026-12-05T08:00:00Z"), "HTTP 502");
    await webhookStore.recordFailure(failing, new Date("2026-12-05T08:30:00Z"), "timeout");
    await webhookStore.setState(gone, "disabled", "gone", new Date("2026-12-05T07:00:00Z"));
    const list = await run(ADMIN, "webhooks list");
    expect(list).toContain("https://hooks.example.com/new\n   alert.raised · active, nothing sent yet");
    expect(list).toContain("delivering · last delivered 2026-12-05 09:00");
    expect(list).toContain("failing · 2 failed in a row since 2026-12-05 08:00 · last error: timeout");
    expect(list).toContain("disabled 2026-12-05 07:00: the receiver answered 410 Gone");
    const persian = await run(PERSIAN_ADMIN, "وب‌هوک‌ها");
    expect(persian).toContain("ناموفق · ۲ تلاش ناموفق پیاپی");

    expect(await run(ADMIN, `webhooks enable ${gone}`)).toContain(`Webhook ${gone} is on again`);
    expect(await run(ADMIN, `webhooks remove ${failing}`)).toContain(`Webhook ${failing} removed`);
    const after = await run(ADMIN, "webhooks list");
    expect(after).not.toContain(failing);
    expect(after).not.toContain("410 Gone");
  });

  it("gives a stranger the reply to any unknown command, and adds nothing", async () => {
    const before = await run(ADMIN, "webhooks list");
    const reply = await run(STRANGER, "webhooks add https://evil.example.com/x");
    expect(reply).not.toContain("webhook");
    expect(await run(ADMIN, "webhooks list")).toBe(before);
  });
});
