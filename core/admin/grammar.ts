import { z } from "zod";
import { ZFlowKey, ZStepId } from "../flow/schema.ts";
import { LANGUAGE_NAMES } from "../i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../locale.ts";
import { foldAnswer } from "../parse/fold.ts";
import { err, ok, type Result } from "../result.ts";
import { toLatinDigits } from "../text/digits.ts";
import { WEBHOOK_EVENTS, type WebhookEventType, ZEndpointId } from "../webhooks/registry.ts";

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
  // ─── outgoing webhooks ───
  "webhooks",
  "keys",
  "send",
  // ── exports ──
  "export-responses",
  // ─── privacy (a person's data) ───
  "erase",
  "export-person",
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

/**
 * A report's period in days: `12m` is 52 whole weeks (364 days), so its weekly chart has no partial week and
 * the period before it starts on the same weekday.
 */
export type ReportDays = 7 | 30 | 90 | typeof YEAR_DAYS;
export const YEAR_DAYS = 364;
/** `12m`, `12mo`, `1y`, `52w` (and the same with the words of fa, ar and tr). */
const TWELVE_MONTHS = /^(?:12\s*(?:m|mo|months?|ماه|شهرا?|ay)|1\s*(?:y|years?|سال|سنة|yıl)|52\s*w)$/i;

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
  | {
      readonly name: "report";
      readonly flow: string;
      readonly days: ReportDays;
      /** `by channel`, `by locale` or `by <property>` (one of the flow's `segments`). */
      readonly by?: string;
    }
  | { readonly name: "admins"; readonly change?: { readonly action: "add" | "remove"; readonly who: string } }
  | { readonly name: "audit"; readonly flow?: string }
  // ─── outgoing webhooks ───
  | { readonly name: "webhooks"; readonly action: WebhooksAction }
  | {
      readonly name: "keys";
      readonly action:
        | { readonly kind: "list" }
        | { readonly kind: "create"; readonly label: string }
        | { readonly kind: "revoke"; readonly id: string };
    }
  /** A survey to everyone in the attached CSV file. */
  | { readonly name: "send"; readonly flow: string }
  // ── exports ──
  /** A flow's responses of a period as a CSV file; respondents pseudonymous unless `identities`. */
  | {
      readonly name: "export-responses";
      readonly flow: string;
      readonly period: ExportPeriod;
      readonly identities: boolean;
    }
  // ─── privacy: `erase <platform:userId> [confirm]`, `export-person <platform:userId>` ───
  | { readonly name: "erase"; readonly who: string; readonly confirmed: boolean }
  | { readonly name: "export-person"; readonly who: string }
  /** `rollups rebuild [flow]`: recompute the daily rollups of a flow (every flow) from the stored responses. */
  | { readonly name: "rollups"; readonly action: "rebuild"; readonly flow?: string };

// ── exports ──
/** How far back `/cx export-responses` reaches: days, twelve months, or everything. */
export const EXPORT_PERIODS = ["7d", "30d", "90d", "12m", "all"] as const;
export type ExportPeriod = (typeof EXPORT_PERIODS)[number];

/** What `/cx webhooks …` asks for; `add` with no events means every event. */
export type WebhooksAction =
  | { readonly kind: "list" }
  | { readonly kind: "add"; readonly url: string; readonly events: readonly WebhookEventType[] }
  | { readonly kind: "remove" | "test" | "enable"; readonly id: string };

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
    webhooks: ["وب‌هوک‌ها", "وب‌هوک", "وبهوک"],
    keys: ["کلیدها"],
    send: ["ارسال"],
    "export-responses": ["خروجی-پاسخ‌ها", "خروجی-پاسخها"],
    erase: ["پاک‌سازی", "پاکسازی"],
    "export-person": ["اطلاعات-شخص", "خروجی-شخص"],
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
    webhooks: ["الويبهوك", "ويبهوك", "خطافات"],
    keys: ["المفاتيح"],
    send: ["إرسال", "ارسال"],
    "export-responses": ["تصدير-الردود", "تصدير-الإجابات"],
    erase: ["محو"],
    "export-person": ["بيانات-شخص", "تصدير-شخص"],
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
    webhooks: ["webhooklar", "webhook"],
    keys: ["anahtarlar"],
    send: ["gönder"],
    "export-responses": ["yanıtları-dışaaktar", "yanıt-dışaaktar"],
    erase: ["unut"],
    "export-person": ["kişi-verisi"],
    rollups: ["özetler"],
  },
};

const SUBCOMMANDS = new Map<string, AdminSubcommand>();
for (const name of ADMIN_SUBCOMMANDS) {
  SUBCOMMANDS.set(name, name);
  SUBCOMMANDS.set(foldAnswer(name, "en"), name);
}
for (const locale of LOCALES)
  for (const [name, words] of Object.entries(ALIASES[locale]) as [AdminSubcommand, readonly string[]][])
    for (const w of words) SUBCOMMANDS.set(foldAnswer(w, locale), name);

const ADD = new Set(["add", "افزودن", "اضافه", "إضافة", "اضافة", "ekle"].map((w) => foldAnswer(w, "en")));
/** `by` before a report's breakdown, in the four languages (folded). */
const BY = new Set(
  ["by", "برحسب", "بر-اساس", "به-تفکیک", "تفکیک", "حسب", "بحسب", "göre", "gore"].map((w) =>
    foldAnswer(w, "en"),
  ),
);

/** `by` words that come before the dimension even when last (`report nps by` is missing its dimension). */
const DIMENSION_FIRST = new Set(["by", "برحسب", "حسب", "بحسب"].map((w) => foldAnswer(w, "en")));

/** A breakdown's dimension as typed: `channel` and `locale` in any of the four languages, else a property name. */
function dimensionOf(word: string): string {
  const folded = fold(word);
  if (
    ["channel", "platform", "کانال", "پلتفرم", "القناة", "قناة", "المنصة", "kanal", "platform"]
      .map((w) => foldAnswer(w, "en"))
      .includes(folded)
  )
    return "channel";
  if (
    ["locale", "language", "lang", "زبان", "اللغة", "لغة", "dil"]
      .map((w) => foldAnswer(w, "en"))
      .includes(folded)
  )
    return "locale";
  return word;
}

const REBUILD = new Set(
  ["rebuild", "بازسازی", "بناء", "إعادة-البناء", "اعادة-البناء", "yeniden-oluştur", "yenile"].map((w) =>
    foldAnswer(w, "en"),
  ),
);
const REMOVE = new Set(["remove", "حذف", "إزالة", "ازالة", "çıkar", "sil"].map((w) => foldAnswer(w, "en")));
const CREATE = new Set(
  ["create", "ساخت", "بساز", "إنشاء", "انشاء", "oluştur"].map((w) => foldAnswer(w, "en")),
);
const LIST = new Set(["list", "فهرست", "قائمة", "liste"].map((w) => foldAnswer(w, "en")));
const REVOKE = new Set(["revoke", "لغو", "ابطال", "إبطال", "iptal"].map((w) => foldAnswer(w, "en")));

// ─── outgoing webhooks: the actions of `/cx webhooks` ───
const WEBHOOK_ACTIONS = new Map<string, "list" | "test">(
  [
    ...["list", "فهرست", "قائمة", "القائمة", "liste", "listele"].map((w) => [w, "list"] as const),
    ...["test", "آزمایش", "تست", "اختبار", "dene", "test"].map((w) => [w, "test"] as const),
  ].map(([w, kind]) => [foldAnswer(w, "en"), kind]),
);

/** A word as the tables hold it: folded the way every locale folds it the same (case, Arabic letter forms). */
const fold = (word: string): string => {
  for (const locale of LOCALES) {
    const folded = foldAnswer(word, locale);
    if (
      [SUBCOMMANDS, ADD, REMOVE, CREATE, LIST, REVOKE, WEBHOOK_ACTIONS, REBUILD].some((words) =>
        words.has(folded),
      )
    )
      return folded;
  }
  return foldAnswer(word, "en");
};

// ── exports ──
/** `with identities` (or the one word) in the four languages, folded. */
const WITH_IDENTITIES = new Set(
  [
    "with identities",
    "identities",
    "با هویت",
    "با شناسه",
    "هویت",
    "مع الهويات",
    "مع الهوية",
    "الهويات",
    "kimliklerle",
    "kimlikleriyle",
    "kimlikli",
  ].map((w) => foldAnswer(w, "en")),
);
/** A period word: `7d`, `30d`, `90d` (days in any of the four languages), `12m`, `all`. */
function exportPeriodOf(word: string): ExportPeriod | undefined {
  const w = foldAnswer(word, "en");
  if (["all", "همه", "الكل", "كل", "tümü", "hepsi"].some((a) => foldAnswer(a, "en") === w)) return "all";
  if (/^12(?:m|mo|months?|ماه|شهرا?|ay)$/i.test(w)) return "12m";
  const days = Number(/^(\d{1,2})(?:d|days?|روز|يوم|أيام|ايام|gün|g)?$/i.exec(w)?.[1]);
  return days === 7 || days === 30 || days === 90 ? `${days}d` : undefined;
}

const ZChannelRef = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const ZAdminRef = z.string().regex(/^(telegram|slack|discord|console):[A-Za-z0-9_.-]{1,64}$/);
/** The word that confirms `erase` when typed (its button sends it too). */
const CONFIRM = new Set(["confirm", "yes", "تایید", "تأیید", "تأكيد", "تاكيد", "onay", "onayla", "evet"]);
const ZTheme = z.string().regex(/^[a-z][a-z-]{1,30}$/);
const ZKeyLabel = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,59}$/u);
const ZKeyId = z.string().regex(/^(key|env)_[a-z0-9]{10,16}$/);

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
    case "send":
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
      // `[period] [by <dimension>]`, either part optional: `report nps 30d by channel`, `report nps by touchpoint`.
      const words = rest.slice(1);
      const found = words.findIndex((w) => BY.has(fold(w)));
      // Turkish puts it after: `dil göre`.
      const after = found > 0 && found === words.length - 1 && !DIMENSION_FIRST.has(fold(words[found] ?? ""));
      const byAt = after ? found - 1 : found;
      const periodWords = byAt === -1 ? words : words.slice(0, byAt);
      const dimension = byAt === -1 ? undefined : after ? words[found - 1] : words[byAt + 1];
      if (byAt !== -1 && dimension === undefined) return missing("dimension");
      if (byAt !== -1 && !after && words.length > byAt + 2)
        return bad(words.slice(byAt + 2).join(" "), "nothing more");
      if (periodWords.length > 1)
        return bad(periodWords.slice(1).join(" "), "by channel, by locale or by <property>");
      const by = dimension === undefined ? {} : { by: dimensionOf(dimension) };
      const p = periodWords[0];
      if (p === undefined) return ok({ name, flow: flow.value, days: 7, ...by });
      if (TWELVE_MONTHS.test(p)) return ok({ name, flow: flow.value, days: YEAR_DAYS, ...by });
      const days = Number(/^(\d{1,2})(?:d|days?|روز|يوم|أيام|ayam|gün|g)?$/i.exec(p)?.[1]);
      return days === 7 || days === 30 || days === 90
        ? ok({ name, flow: flow.value, days, ...by })
        : bad(p, "7d, 30d, 90d or 12m");
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
    // ─── outgoing webhooks ───
    case "webhooks": {
      const actionWord = rest[0];
      if (actionWord === undefined) return ok({ name, action: { kind: "list" } });
      const folded = fold(actionWord);
      const kind = ADD.has(folded)
        ? "add"
        : REMOVE.has(folded)
          ? "remove"
          : SUBCOMMANDS.get(folded) === "enable"
            ? "enable"
            : WEBHOOK_ACTIONS.get(folded);
      if (kind === undefined) return bad(actionWord, "add, list, remove, test or enable");
      if (kind === "list") return ok({ name, action: { kind } });
      if (kind === "add") {
        const url = rest[1];
        if (url === undefined) return missing("url");
        if (!/^https?:\/\/\S+$/i.test(url)) return bad(url, "an https:// URL");
        const events = new Set<WebhookEventType>();
        for (const token of rest
          .slice(2)
          .flatMap((w) => w.split(","))
          .filter((w) => w !== "")) {
          if (token.toLowerCase() === "all") {
            for (const e of WEBHOOK_EVENTS) events.add(e);
            continue;
          }
          const event = WEBHOOK_EVENTS.find((e) => e === token.toLowerCase());
          if (!event)
            return bad(token, "events: response.completed, response.partial, alert.raised, alert.resolved");
          events.add(event);
        }
        return ok({ name, action: { kind, url, events: WEBHOOK_EVENTS.filter((e) => events.has(e)) } });
      }
      const id = rest[1];
      if (id === undefined) return missing("webhook");
      const parsed = ZEndpointId.safeParse(id.toLowerCase());
      return parsed.success
        ? ok({ name, action: { kind, id: parsed.data } })
        : bad(id, "a webhook id (wh_…)");
    }
    // ── exports ──
    case "export-responses": {
      const flow = flowAt(0);
      if (!flow.ok) return flow;
      let words = rest.slice(1);
      const period = words[0] === undefined ? undefined : exportPeriodOf(words[0]);
      if (period) words = words.slice(1);
      const tail = foldAnswer(words.join(" "), "en");
      if (tail !== "" && !WITH_IDENTITIES.has(tail))
        return bad(words.join(" "), period ? "with identities" : "7d, 30d, 90d, 12m or all");
      return ok({ name, flow: flow.value, period: period ?? "30d", identities: tail !== "" });
    }
    case "keys": {
      const action = rest[0];
      if (action === undefined) return ok({ name, action: { kind: "list" } });
      const folded = fold(action);
      if (LIST.has(folded)) return ok({ name, action: { kind: "list" } });
      if (CREATE.has(folded)) {
        const label = rest.slice(1).join(" ");
        if (label === "") return missing("name");
        const parsed = ZKeyLabel.safeParse(label);
        return parsed.success
          ? ok({ name, action: { kind: "create", label: parsed.data } })
          : bad(label, "a name: letters, digits, spaces, _ . -");
      }
      if (REVOKE.has(folded)) {
        const id = rest[1];
        if (id === undefined) return missing("key");
        const parsed = ZKeyId.safeParse(id.toLowerCase());
        return parsed.success
          ? ok({ name, action: { kind: "revoke", id: parsed.data } })
          : bad(id, "a key id such as key_ab12cd34ef");
      }
      return bad(action, "create, list or revoke");
    }
    // ─── privacy ───
    case "erase":
    case "export-person": {
      const who = rest[0];
      if (who === undefined) return missing("person");
      const parsed = ZAdminRef.safeParse(who);
      if (!parsed.success) return bad(who, "platform:userId, e.g. telegram:12345");
      if (name === "export-person") return ok({ name, who: parsed.data });
      const word = rest[1];
      if (word !== undefined && !CONFIRM.has(word.toLowerCase())) return bad(word, "confirm");
      return ok({ name, who: parsed.data, confirmed: word !== undefined });
    }
    default: {
      const never: never = name;
      throw new Error(`unhandled subcommand ${String(never)}`);
    }
  }
}
