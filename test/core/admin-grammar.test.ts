import { describe, expect, it } from "vitest";
import { type AdminSubcommand, parseAdminCommand } from "../../core/admin/grammar.ts";

const nameOf = (text: string) => {
  const r = parseAdminCommand(text);
  return r.ok ? r.value.name : r.error.code;
};

describe("the admin command grammar (/cx …)", () => {
  it.each<[string, string, AdminSubcommand]>([
    ["en", "flows", "flows"],
    ["fa", "نظرسنجی‌ها", "flows"],
    ["ar", "الاستبيانات", "flows"],
    ["tr", "anketler", "flows"],
    ["en", "REPORT nps", "report"],
    ["fa", "گزارش nps", "report"],
    ["ar", "تقرير nps", "report"],
    ["tr", "rapor nps", "report"],
    ["fa", "انتشار csat", "publish"],
    ["ar", "نشر csat", "publish"],
    ["tr", "yayınla csat", "publish"],
    ["fa", "بازگشت nps 2", "rollback"],
    ["ar", "استرجاع nps 2", "rollback"],
    ["tr", "gerial nps 2", "rollback"],
    ["tr", "YARDIM", "help"],
    ["fa", "مدیران", "admins"],
    ["ar", "التدقيق", "audit"],
  ])("%s: %s → %s", (_locale, text, name) => {
    expect(nameOf(text)).toBe(name);
  });

  it("reads numbers in Persian and Arabic-Indic digits", () => {
    expect(parseAdminCommand("بازگشت nps ۳")).toEqual({
      ok: true,
      value: { name: "rollback", flow: "nps", version: 3 },
    });
    expect(parseAdminCommand("استرجاع nps ٣")).toEqual({
      ok: true,
      value: { name: "rollback", flow: "nps", version: 3 },
    });
    expect(parseAdminCommand("گزارش nps ۳۰d")).toEqual({
      ok: true,
      value: { name: "report", flow: "nps", days: 30 },
    });
    expect(parseAdminCommand("تقرير csat ٩٠")).toEqual({
      ok: true,
      value: { name: "report", flow: "csat", days: 90 },
    });
    expect(parseAdminCommand("rapor ces 7gün")).toEqual({
      ok: true,
      value: { name: "report", flow: "ces", days: 7 },
    });
    expect(parseAdminCommand("alert nps max=۶ sentiment=negative")).toEqual({
      ok: true,
      value: {
        name: "alert",
        flow: "nps",
        conditions: [
          { kind: "max", value: 6 },
          { kind: "sentiment", value: "negative" },
        ],
      },
    });
  });

  it("keeps the new text of `text` as typed, digits and line breaks included", () => {
    expect(parseAdminCommand("text nps score fa  از ۰ تا ۱۰ چقدر\nما را توصیه می‌کنید؟")).toEqual({
      ok: true,
      value: {
        name: "text",
        flow: "nps",
        step: "score",
        locale: "fa",
        text: "از ۰ تا ۱۰ چقدر\nما را توصیه می‌کنید؟",
      },
    });
    expect(parseAdminCommand("metin csat score Türkçe Ne kadar memnun kaldınız?")).toMatchObject({
      ok: true,
      value: { locale: "tr", text: "Ne kadar memnun kaldınız?" },
    });
  });

  it("names what is missing or wrong, and never mistakes a sentence for a command", () => {
    expect(parseAdminCommand("")).toEqual({ ok: true, value: { name: "help" } });
    expect(parseAdminCommand("publish")).toEqual({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT", subcommand: "publish", argument: "flow" },
    });
    expect(parseAdminCommand("rollback nps zero")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", argument: "zero" },
    });
    expect(parseAdminCommand("report nps 12d")).toMatchObject({
      ok: false,
      error: { expected: "7d, 30d, 90d or 12m" },
    });
    expect(parseAdminCommand("show NPS$ fa")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    expect(parseAdminCommand("alert nps $where=1")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    expect(parseAdminCommand("please delete everything")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_UNKNOWN_COMMAND" },
    });
    expect(parseAdminCommand("admins add telegram:12345")).toEqual({
      ok: true,
      value: { name: "admins", change: { action: "add", who: "telegram:12345" } },
    });
    expect(parseAdminCommand("مدیران حذف slack:U0ABC")).toEqual({
      ok: true,
      value: { name: "admins", change: { action: "remove", who: "slack:U0ABC" } },
    });
    expect(parseAdminCommand("admins add nobody")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    expect(parseAdminCommand("new returns from csat")).toEqual({
      ok: true,
      value: { name: "new", flow: "returns", template: "csat" },
    });
  });
  it("reads keys (create with a name of several words, list, revoke by id) and send in every language", () => {
    expect(parseAdminCommand("keys")).toEqual({
      ok: true,
      value: { name: "keys", action: { kind: "list" } },
    });
    expect(parseAdminCommand("keys create Order system")).toEqual({
      ok: true,
      value: { name: "keys", action: { kind: "create", label: "Order system" } },
    });
    expect(parseAdminCommand("کلیدها ساخت فروشگاه")).toEqual({
      ok: true,
      value: { name: "keys", action: { kind: "create", label: "فروشگاه" } },
    });
    expect(parseAdminCommand("المفاتيح إبطال key_ab12cd34ef")).toEqual({
      ok: true,
      value: { name: "keys", action: { kind: "revoke", id: "key_ab12cd34ef" } },
    });
    expect(parseAdminCommand("anahtarlar liste")).toEqual({
      ok: true,
      value: { name: "keys", action: { kind: "list" } },
    });
    expect(parseAdminCommand("keys create")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT", argument: "name" },
    });
    expect(parseAdminCommand("keys revoke $where")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    expect(parseAdminCommand("keys rotate")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT" },
    });
    for (const text of ["send nps", "ارسال nps", "إرسال nps", "gönder nps"])
      expect(parseAdminCommand(text)).toEqual({ ok: true, value: { name: "send", flow: "nps" } });
    expect(parseAdminCommand("send")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT", argument: "flow" },
    });
  });
});

describe("/cx webhooks", () => {
  const ID = "wh_0123456789abcdef";

  it("reads add with a URL kept as typed and the events, in any order, comma- or space-separated", () => {
    expect(
      parseAdminCommand("webhooks add https://Hooks.example.com/CX?a=1 alert.raised,response.completed"),
    ).toEqual({
      ok: true,
      value: {
        name: "webhooks",
        action: {
          kind: "add",
          url: "https://Hooks.example.com/CX?a=1",
          events: ["response.completed", "alert.raised"],
        },
      },
    });
    expect(parseAdminCommand("webhooks add https://h.example.com/x")).toMatchObject({
      ok: true,
      value: { action: { events: [] } },
    });
    expect(parseAdminCommand("webhooks add https://h.example.com/x all")).toMatchObject({
      ok: true,
      value: {
        action: { events: ["response.completed", "response.partial", "alert.raised", "alert.resolved"] },
      },
    });
  });

  it.each<[string, string, string]>([
    ["en", `webhooks test ${ID}`, "test"],
    ["en", `webhooks remove ${ID}`, "remove"],
    ["en", `webhooks enable ${ID}`, "enable"],
    ["en", "webhooks", "list"],
    ["fa", `وب‌هوک‌ها حذف ${ID}`, "remove"],
    ["fa", "وب‌هوک‌ها فهرست", "list"],
    ["fa", `وب‌هوک آزمایش ${ID}`, "test"],
    ["ar", `الويبهوك إزالة ${ID}`, "remove"],
    ["ar", `الويبهوك تفعيل ${ID}`, "enable"],
    ["ar", "الويبهوك قائمة", "list"],
    ["tr", `webhooklar sil ${ID}`, "remove"],
    ["tr", `webhooklar etkinleştir ${ID}`, "enable"],
    ["tr", "webhooklar listele", "list"],
  ])("%s: %s → %s", (_locale, text, kind) => {
    const parsed = parseAdminCommand(text);
    expect(parsed.ok && parsed.value.name === "webhooks" ? parsed.value.action.kind : parsed).toBe(kind);
  });

  it("names what is missing or wrong", () => {
    expect(parseAdminCommand("webhooks add")).toEqual({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT", subcommand: "webhooks", argument: "url" },
    });
    expect(parseAdminCommand("webhooks add hooks.example.com")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", expected: "an https:// URL" },
    });
    expect(parseAdminCommand("webhooks add https://h.example.com/x response.done")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", argument: "response.done" },
    });
    expect(parseAdminCommand("webhooks test")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_MISSING_ARGUMENT", argument: "webhook" },
    });
    expect(parseAdminCommand("webhooks test 42")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", expected: "a webhook id (wh_…)" },
    });
    expect(parseAdminCommand("webhooks frobnicate")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", expected: "add, list, remove, test or enable" },
    });
  });
});
