import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAdminCommand } from "../../core/admin/grammar.ts";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminActor, AdminMessage, AdminOutcome, AdminService } from "../../core/admin/types.ts";
import { createOperations } from "../../core/operations.ts";
import { pseudonymOf, subjectOf } from "../../core/privacy/registry.ts";
import type { RespondentRef } from "../../core/types.ts";
import { createPrivacyHarness, everyDocument, type PrivacyHarness, rollupCounts } from "./setup.ts";

const ADMIN: AdminActor = { channel: "slack", userId: "UADMIN1", languageTag: "en" };
const PERSIAN_ADMIN: AdminActor = { channel: "telegram", userId: "4242", languageTag: "fa" };
const CUSTOMER: RespondentRef = {
  channel: "discord",
  userId: "81234567890123456",
  displayName: "Wilhelmina Oyelaran",
};

let h: PrivacyHarness;
let admin: AdminService;
let n = 0;
const run = async (actor: AdminActor, text: string): Promise<AdminMessage[]> =>
  messagesOf(
    await admin.handle({
      eventId: `a${++n}`,
      actor,
      input: { type: "command", text },
      receivedAt: new Date(),
    }),
  );
const press = async (actor: AdminActor, payload: string): Promise<AdminMessage[]> =>
  messagesOf(
    await admin.handle({
      eventId: `p${++n}`,
      actor,
      input: { type: "press", payload },
      receivedAt: new Date(),
    }),
  );
function messagesOf(outcome: AdminOutcome): AdminMessage[] {
  if (outcome.status !== "handled") throw new Error(`not handled: ${outcome.status}`);
  return [...outcome.messages];
}

beforeAll(async () => {
  h = await createPrivacyHarness();
  admin = createAdminService({
    stores: h.stores,
    flows: h.flows,
    operations: createOperations({ survey: h.service, messenger: { deliver: async () => {} } }),
    admins: ["slack:UADMIN1", "telegram:4242"],
    limits: { buttonLabel: 64, message: 1500 },
    defaultLocale: "en",
    privacy: {
      erase: (ref) => h.service.erase(ref),
      exportPerson: (ref) => h.privacy.export(subjectOf(ref), h.now()),
    },
  });
  await h.send(CUSTOMER, { type: "start", flowKey: "nps" });
  await h.text(CUSTOMER, "4");
  await h.text(CUSTOMER, "the marmoset helpline hung up on me");
  await h.text(CUSTOMER, "no");
  await h.service.flush();
});
afterAll(async () => {
  await h.close();
});

describe("/cx export-person and /cx erase", () => {
  it("reads the commands in every language, with the person as platform:userId", () => {
    expect(parseAdminCommand("erase telegram:12345")).toEqual({
      ok: true,
      value: { name: "erase", who: "telegram:12345", confirmed: false },
    });
    expect(parseAdminCommand("پاک‌سازی telegram:12345 تأیید")).toMatchObject({
      value: { name: "erase", confirmed: true },
    });
    expect(parseAdminCommand("محو slack:U1")).toMatchObject({ value: { name: "erase" } });
    expect(parseAdminCommand("unut discord:1 onay")).toMatchObject({
      value: { name: "erase", confirmed: true },
    });
    expect(parseAdminCommand("export-person slack:U1")).toEqual({
      ok: true,
      value: { name: "export-person", who: "slack:U1" },
    });
    expect(parseAdminCommand("erase someone")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
  });

  it("export-person returns everything kept about the person as a JSON file, and is audited by pseudonym", async () => {
    const [reply] = await run(ADMIN, `export-person discord:${CUSTOMER.userId}`);
    expect(reply?.file?.mime).toBe("application/json");
    const content = reply?.file?.content ?? "{}";
    const exported = JSON.parse(typeof content === "string" ? content : Buffer.from(content).toString()) as {
      subject: { userId: string };
      data: Record<string, unknown[]>;
    };
    expect(exported.subject.userId).toBe(CUSTOMER.userId);
    expect(exported.data.responses).toHaveLength(1);
    expect(JSON.stringify(exported)).toContain("the marmoset helpline hung up on me");
    expect(JSON.stringify(exported)).toContain("Wilhelmina Oyelaran");
    const [entry] = await h.stores.audit.recent(1);
    expect(entry).toMatchObject({
      action: "person.export",
      target: pseudonymOf(`discord:${CUSTOMER.userId}`),
    });
  });

  it("erase asks first (in the admin's language), erases on the button, and the audit names only the pseudonym", async () => {
    const rollups = await rollupCounts(h);
    const [ask] = await run(PERSIAN_ADMIN, `erase discord:${CUSTOMER.userId}`);
    expect(ask?.text).toContain("پاک شود؟");
    expect((await everyDocument(h)).some((d) => d.json.includes(CUSTOMER.userId))).toBe(true);
    const button = ask?.buttons?.[0]?.[0];
    expect(button?.style).toBe("danger");
    expect(Buffer.byteLength(button?.payload ?? "")).toBeLessThanOrEqual(64);
    const [done] = await press(PERSIAN_ADMIN, button?.payload ?? "");
    expect(done?.text).toContain("پاک شد");
    await h.service.flush();
    const docs = await everyDocument(h);
    expect(
      docs.filter((d) => [CUSTOMER.userId, "Wilhelmina", "marmoset"].some((x) => d.json.includes(x))),
    ).toEqual([]);
    expect(await rollupCounts(h)).toEqual(rollups);
    const [entry] = await h.stores.audit.recent(1);
    expect(entry).toMatchObject({
      action: "person.erase",
      target: pseudonymOf(`discord:${CUSTOMER.userId}`),
    });
    const [nothing] = await run(ADMIN, `export-person discord:${CUSTOMER.userId}`);
    expect(nothing?.text).toBe(`Nothing is kept about discord:${CUSTOMER.userId}.`);
  });
});
