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
});
