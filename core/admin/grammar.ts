import { z } from "zod";
import { ZFlowKey, ZStepId } from "../flow/schema.ts";
import { LANGUAGE_NAMES } from "../i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../locale.ts";
import { foldAnswer } from "../parse/fold.ts";
import { err, ok, type Result } from "../result.ts";
import { toLatinDigits } from "../text/digits.ts";

/**
 * The admin command language (`/cx <subcommand> …`), the same on every platform: what an admin typed (or a
 * platform's slash command handed over as text) parsed into a typed command. Subcommand names are accepted in
 * en, fa, ar and tr, numbers in any numeral system. Admin input is data: nothing here builds a regex, a query or a
 * template from it.
 */

export const ADMIN_SUBCOMMANDS = [
  "help",
  "flows",
  "show",
  "text",
  "alert",
  "route",
  "enable",
  "disable",
  "new",
  "export",
  "import",
  "diff",
  "publish",
  "history",
  "rollback",
  "try",
  "report",
  "admins",
  "audit",
  "learn",
  "rollups",
] as const;
export type AdminSubcommand = (typeof ADMIN_SUBCOMMANDS)[number];

/**
 * A condition of an alert rule, as an admin writes it: `max=6`, `band=detractor`, `sentiment=negative`,
 * `theme=processes` (or an older theme name such as `theme=delivery`).
 */
export type AlertCondition =
  | { readonly kind: "max" | "min"; readonly value: number }
  | {
      readonly kind: "band";
      readonly value: "detractor" | "passive" | "promoter" | "low" | "neutral" | "high";
    }
  | { readonly kind: "sentiment"; readonly value: "negative" | "neutral" | "positive" }
  | { readonly kind: "theme"; readonly value: string };

export type AdminCommand =
  | { readonly name: "help" | "flows" | "learn" }
  | { readonly name: "show"; readonly flow: string; readonly locale?: Locale }
  | {
      readonly name: "text";
      readonly flow: string;
      readonly step: string;
      readonly locale: Locale;
      /** Everything after the locale, as typed (spacing and line breaks kept). */
      readonly text: string;
    }
  | { readonly name: "alert"; readonly flow: string; readonly conditions: readonly AlertCondition[] }
  | { readonly name: "route"; readonly flow: string; readonly channel: string }
  | {
      readonly name: "enable" | "disable" | "export" | "import" | "diff" | "publish" | "history";
      readonly flow: string;
    }
  | { readonly name: "new"; readonly flow: string; readonly template: "nps" | "csat" | "ces" }
  | { readonly name: "rollback"; readonly flow: string; readonly version: number }
  | { readonly name: "try"; readonly flow: string; readonly locale?: Locale }
  | { readonly name: "report"; readonly flow: string; readonly days: 7 | 30 | 90 | 365 }
  | { readonly name: "admins"; readonly change?: { readonly action: "add" | "remove"; readonly who: string } }
  | { readonly name: "audit"; readonly flow?: string }
  /** `rollups rebuild [flow]`: recompute the daily rollups of a flow (every flow) from the stored responses. */
  | { readonly name: "rollups"; readonly action: "rebuild"; readonly flow?: string };

/** Why a command could not be read; `argument` names the part, `expected` what would have been right. */
export interface AdminParseError {
  readonly code: "ADMIN_UNKNOWN_COMMAND" | "ADMIN_MISSING_ARGUMENT" | "ADMIN_BAD_ARGUMENT";
  readonly subcommand?: AdminSubcommand;
  readonly argument?: string;
  readonly expected?: string;
}

/** Subcommand names in the four languages (the English names are always accepted). */
const ALIASES: Readonly<Record<Locale, Partial<Record<AdminSubcommand, readonly string[]>>>> = {
  en: {},
  fa: {
    help: ["راهنما"],
    flows: ["نظرسنجی‌ها", "نظرسنجیها", "فرم‌ها"],
    show: ["نمایش"],
    text: ["متن"],
    alert: ["هشدار"],
    route: ["مسیر"],
    enable: ["فعال"],
    disable: ["غیرفعال"],
    new: ["جدید"],
    export: ["خروجی"],
    import: ["ورودی"],
    diff: ["تفاوت"],
    publish: ["انتشار"],
    history: ["تاریخچه"],
    rollback: ["بازگشت"],
    try: ["امتحان"],
    report: ["گزارش"],
    admins: ["مدیران"],
    audit: ["ممیزی"],
    learn: ["یادگیری"],
    rollups: ["آمار"],
  },
  ar: {
    help: ["مساعدة"],
    flows: ["الاستبيانات"],
    show: ["عرض"],
    text: ["نص"],
    alert: ["تنبيه"],
    route: ["توجيه"],
    enable: ["تفعيل"],
    disable: ["تعطيل"],
    new: ["جديد"],
    export: ["تصدير"],
    import: ["استيراد"],
    diff: ["الفرق"],
    publish: ["نشر"],
    history: ["السجل"],
    rollback: ["استرجاع"],
    try: ["تجربة"],
    report: ["تقرير"],
    admins: ["المشرفون"],
    audit: ["التدقيق"],
    learn: ["تعلم", "تعلّم"],
    rollups: ["الإحصاءات", "الاحصاءات"],
  },
  tr: {
    help: ["yardım"],
    flows: ["anketler"],
    show: ["göster"],
    text: ["metin"],
    alert: ["uyarı"],
    route: ["yönlendir"],
    enable: ["etkinleştir"],
    disable: ["devredışı", "kapat"],
    new: ["yeni"],
    export: ["dışaaktar"],
    import: ["içeaktar"],
    diff: ["fark"],
    publish: ["yayınla"],
    history: ["geçmiş"],
    rollback: ["gerial"],
    try: ["dene"],
    report: ["rapor"],
    admins: ["yöneticiler"],
    audit: ["denetim"],
    learn: ["öğren"],
    rollups: ["özetler"],
  },
};

const SUBCOMMANDS = new Map<string, AdminSubcommand>();
for (const name of ADMIN_SUBCOMMANDS) SUBCOMMANDS.set(name, name);
for (const locale of LOCALES)
  for (const [name, words] of Object.entries(ALIASES[locale]) as [AdminSubcommand, readonly string[]][])
    for (const w of words) SUBCOMMANDS.set(foldAnswer(w, locale), name);

const ADD = new Set(["add", "افزودن", "اضافه", "إضافة", "اضافة", "ekle"].map((w) => foldAnswer(w, "en")));
const REBUILD = new Set(
  ["rebuild", "بازسازی", "بناء", "إعادة-البناء", "اعادة-البناء", "yeniden-oluştur", "yenile"].map((w) =>
    foldAnswer(w, "en"),
  ),
);
const REMOVE = new Set(["remove", "حذف", "إزالة", "ازالة", "çıkar", "sil"].map((w) => foldAnswer(w, "en")));

/** A word as the tables hold it: folded the way every locale folds it the same (case, Arabic letter forms). */
const fold = (word: string): string => {
  for (const locale of LOCALES) {
    const folded = foldAnswer(word, locale);
    if (SUBCOMMANDS.has(folded) || ADD.has(folded) || REMOVE.has(folded) || REBUILD.has(folded))
      return folded;
  }
  return foldAnswer(word, "en");
};

const ZChannelRef = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const ZAdminRef = z.string().regex(/^(telegram|slack|discord|console):[A-Za-z0-9_.-]{1,64}$/);
const ZTheme = z.string().regex(/^[a-z][a-z-]{1,30}$/);

const localeOf = (word: string): Locale | undefined =>
  matchLocale(word) ??
  LOCALES.find((l) => foldAnswer(LANGUAGE_NAMES[l], l) === foldAnswer(word, l) || LANGUAGE_NAMES[l] === word);

function condition(token: string): AlertCondition | undefined {
  const [key, value] = token.split("=", 2);
  if (key === undefined || value === undefined) return undefined;
  switch (key.toLowerCase()) {
    case "max":
    case "min": {
      const n = Number(value);
      return /^\d{1,3}$/.test(value) ? { kind: key.toLowerCase() as "max" | "min", value: n } : undefined;
    }
    case "band": {
      const band = z.enum(["detractor", "passive", "promoter", "low", "neutral", "high"]).safeParse(value);
      return band.success ? { kind: "band", value: band.data } : undefined;
    }
    case "sentiment": {
      const s = z.enum(["negative", "neutral", "positive"]).safeParse(value);
      return s.success ? { kind: "sentiment", value: s.data } : undefined;
    }
    case "theme": {
      const theme = ZTheme.safeParse(value);
      return theme.success ? { kind: "theme", value: theme.data } : undefined;
    }
    default:
      return undefined;
  }
}

/** Reads `/cx`'s argument (everything after `/cx`). */
export function parseAdminCommand(argument: string): Result<AdminCommand, AdminParseError> {
  const input = argument.trim();
  // Numbers in any numeral system; the free text of `text` keeps its own digits (taken from the raw input).
  const words = toLatinDigits(input)
    .split(/\s+/)
    .filter((w) => w !== "");
  const [first, ...rest] = words;
  if (first === undefined) return ok({ name: "help" });
  const name = SUBCOMMANDS.get(fold(first));
  if (name === undefined) return err({ code: "ADMIN_UNKNOWN_COMMAND", argument: first.slice(0, 40) });

  const missing = (argumentName: string) =>
    err<AdminParseError>({ code: "ADMIN_MISSING_ARGUMENT", subcommand: name, argument: argumentName });
  const bad = (value: string, expected: string) =>
    err<AdminParseError>({
      code: "ADMIN_BAD_ARGUMENT",
      subcommand: name,
      argument: value.slice(0, 40),
      expected,
    });
  const flowAt = (i: number): Result<string, AdminParseError> => {
    const word = rest[i];
    if (word === undefined) return missing("flow");
    const key = ZFlowKey.safeParse(word.toLowerCase());
    return key.success ? ok(key.data) : bad(word, "a flow key: a-z, 0-9 and -");
  };

  switch (name) {
    case "help":
    case "flows":
    case "learn":
      return ok({ name });
    case "rollups": {
      const action = rest[0];
      if (action === undefined) return missing("action");
      if (!REBUILD.has(fold(action))) return bad(action, "rebuild");
      if (rest[1] === undefined) return ok({ name, action: "rebuild" });
      const flow = flowAt(1);
      return flow.ok ? ok({ name, action: "rebuild", flow: flow.value }) : flow;
    }
    case "audit": {
      if (rest[0] === undefined) return ok({ name });
      const flow = flowAt(0);
      return flow.ok ? ok({ name, flow: flow.value }) : flow;
    }
    case "show":
    case "try": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      if (rest[1] === undefined) return ok({ name, flow: flow.value });
      const locale = localeOf(rest[1]);
      return locale ? ok({ name, flow: flow.value, locale }) : bad(rest[1], "en, fa, ar or tr");
    }
    case "enable":
    case "disable":
    case "export":
    case "import":
    case "diff":
    case "publish":
    case "history": {
      const flow = flowAt(0);
      return flow.ok ? ok({ name, flow: flow.value }) : flow;
    }
    case "text": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      const stepWord = rest[1];
      if (stepWord === undefined) return missing("step");
      const step = ZStepId.safeParse(stepWord);
      if (!step.success) return bad(stepWord, "a step id");
      const localeWord = rest[2];
      if (localeWord === undefined) return missing("locale");
      const locale = localeOf(localeWord);
      if (!locale) return bad(localeWord, "en, fa, ar or tr");
      // The new text as typed: after the fourth word of the raw input.
      const raw = input.split(/(\s+)/);
      let seen = 0;
      let at = 0;
      for (const [i, part] of raw.entries()) {
        if (part.trim() === "") continue;
        seen++;
        if (seen === 4) {
          at = raw.slice(0, i + 1).join("").length;
          break;
        }
      }
      const text = seen >= 4 ? input.slice(at).trim() : "";
      if (text === "") return missing("text");
      return ok({ name, flow: flow.value, step: step.data, locale, text });
    }
    case "alert": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      if (rest.length < 2) return missing("rule");
      const conditions: AlertCondition[] = [];
      for (const token of rest.slice(1)) {
        const c = condition(token);
        if (!c) return bad(token, "max=N, min=N, band=…, sentiment=… or theme=…");
        conditions.push(c);
      }
      return ok({ name, flow: flow.value, conditions });
    }
    case "route": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      const channel = rest[1];
      if (channel === undefined) return missing("channel");
      const parsed = ZChannelRef.safeParse(channel);
      return parsed.success
        ? ok({ name, flow: flow.value, channel: parsed.data })
        : bad(channel, "a channel id");
    }
    case "new": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      // `new <flow> from <template>`, `from` in any language, or just `new <flow> <template>`.
      const template = rest.at(-1)?.toLowerCase();
      if (rest.length < 2 || template === undefined) return missing("template");
      const parsed = z.enum(["nps", "csat", "ces"]).safeParse(template);
      return parsed.success
        ? ok({ name, flow: flow.value, template: parsed.data })
        : bad(template, "nps, csat or ces");
    }
    case "rollback": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      const v = rest[1];
      if (v === undefined) return missing("version");
      const version = /^v?(\d{1,6})$/i.exec(v)?.[1];
      return version && Number(version) >= 1
        ? ok({ name, flow: flow.value, version: Number(version) })
        : bad(v, "a version number");
    }
    case "report": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      const p = rest[1];
      if (p === undefined) return ok({ name, flow: flow.value, days: 7 });
      if (/^(?:12|۱۲|١٢)(?:m|ماه|شهرا?|ay)$/i.test(p)) return ok({ name, flow: flow.value, days: 365 });
      const days = Number(/^(\d{1,2})(?:d|days?|روز|يوم|أيام|ayam|gün|g)?$/i.exec(p)?.[1]);
      return days === 7 || days === 30 || days === 90
        ? ok({ name, flow: flow.value, days })
        : bad(p, "7d, 30d or 90d");
    }
    case "admins": {
      const action = rest[0];
      if (action === undefined) return ok({ name });
      const folded = fold(action);
      const kind = ADD.has(folded) ? "add" : REMOVE.has(folded) ? "remove" : undefined;
      if (!kind) return bad(action, "add or remove");
      const who = rest[1];
      if (who === undefined) return missing("admin");
      const parsed = ZAdminRef.safeParse(who);
      return parsed.success
        ? ok({ name, change: { action: kind, who: parsed.data } })
        : bad(who, "platform:userId, e.g. telegram:12345");
    }
    default: {
      const never: never = name;
      throw new Error(`unhandled subcommand ${String(never)}`);
    }
  }
}
