import {
  type APIActionRowComponent,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type APIApplicationCommandSubcommandGroupOption,
  type APIApplicationCommandSubcommandOption,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  ApplicationCommandOptionType,
  ButtonStyle,
  ComponentType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { z } from "zod";
import { ADMIN_SUBCOMMANDS, type AdminSubcommand } from "../../core/admin/grammar.ts";
import type { AdminButton } from "../../core/admin/types.ts";
import { LANGUAGE_NAMES } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale } from "../../core/locale.ts";
import { cutText } from "../../core/text/cut.ts";
import { DISCORD_LIMITS, ZCustomId } from "./render.ts";

/**
 * `/cx` as a Discord application command: one subcommand per admin subcommand, each with typed options, so the
 * client offers flow keys (autocomplete), languages, periods and templates as choices, and a file picker for
 * `import`. What the admin picked is turned back into the text the core's one grammar reads
 * ({@link adminCommandText}); the admin service does the rest.
 */

/** The admin's own button that opens a text box for a guided edit (where their typed messages cannot reach cxbot). */
export const WRITE_TEXT_ID = "cx:write";
/** A select menu of admin choices, when a reply has more than Discord's 25 buttons: `cx:menu:<n>`. */
export const ADMIN_MENU_PREFIX = "cx:menu:";

type OptionName =
  | "flow"
  | "language"
  | "step"
  | "text"
  | "rule"
  | "channel"
  | "template"
  | "version"
  | "period"
  | "file"
  | "action"
  | "who"
  // ─── outgoing webhooks ───
  | "webhook"
  | "operation"
  | "key"
  // ─── reports and exports ───
  | "by"
  | "identities";

/**
 * Discord takes at most 25 subcommands (or groups) under one command: the subcommands that connect cxbot to other
 * systems sit in a group, `/cx connect keys`, and those about the responses and people's data in another,
 * `/cx data erase`. The core's grammar knows nothing of it: the leaf's name and options
 * are the same text as typed on Telegram or Slack.
 */
const GROUPS = {
  connect: ["keys", "webhooks", "send"],
  data: ["export-responses", "erase", "export-person", "rollups"],
} as const satisfies Readonly<Record<string, readonly AdminSubcommand[]>>;
type GroupName = keyof typeof GROUPS;
const GROUPED: ReadonlySet<AdminSubcommand> = new Set(Object.values(GROUPS).flat());

interface AdminTexts {
  readonly command: string;
  readonly groups: Readonly<Record<GroupName, string>>;
  readonly subcommands: Readonly<Record<AdminSubcommand, string>>;
  readonly options: Readonly<Record<OptionName, string>>;
  readonly add: string;
  readonly remove: string;
  readonly create: string;
  readonly list: string;
  readonly revoke: string;
  /** `{n}` days. */
  readonly days: Readonly<Record<"7d" | "30d" | "90d" | "12m", string>>;
  readonly writeText: string;
  readonly newText: string;
}

/**
 * The command's descriptions in cxbot's four languages (≤ 100 characters each, as Discord requires). Discord
 * shows the default language's, and the Turkish ones to Turkish clients: it has no Persian or Arabic locale.
 */
const TEXTS: Readonly<Record<Locale, AdminTexts>> = {
  en: {
    command: "Admin: edit, publish and report on surveys",
    groups: {
      connect: "Connect other systems: API keys, webhooks, CSV campaigns",
      data: "Responses and personal data: exports, a person's data, erasure",
    },
    subcommands: {
      help: "List the admin commands",
      flows: "Every flow, its state and score",
      show: "A flow's questions and texts",
      text: "Change a text (or only the flow: pick it with buttons)",
      alert: "Set which responses raise an alert",
      route: "Choose where a flow's alerts go",
      enable: "Let new surveys of a flow start",
      disable: "Stop new surveys of a flow from starting",
      new: "Create a flow from a template",
      export: "Download a flow as a YAML file",
      import: "Upload an edited YAML file as the flow's draft",
      diff: "Compare the draft with the live version",
      publish: "Make the draft live",
      history: "A flow's published versions",
      rollback: "Make an earlier version live again",
      try: "Take a flow's survey yourself in test mode",
      report: "Scores and answers over 7, 30 or 90 days",
      admins: "List, add or remove admins",
      audit: "The latest admin changes",
      learn: "Learn sentiment again from the comments",
      webhooks: "Outgoing webhooks: add, list, remove, test, enable",
      keys: "Create, list or revoke HTTP API keys",
      send: "Send a flow to everyone in a CSV file",
      "export-responses": "A flow's responses as a CSV file",
      erase: "Erase everything kept about a person (asks first)",
      "export-person": "Everything kept about a person, as a JSON file",
      rollups: "Recompute the report figures from the stored responses",
    },
    options: {
      flow: "The flow's key",
      language: "Language",
      step: "Step id (leave empty to pick with buttons)",
      text: "The new text",
      rule: "Conditions, e.g. max=6 sentiment=negative",
      channel: "The channel id its alerts go to",
      template: "The flow to copy",
      version: "Version number",
      period: "Period",
      file: "The edited YAML file (import) or the CSV list (send)",
      action: "Add or remove",
      who: "platform:userId, e.g. telegram:12345",
      webhook: "e.g. add https://example.com/hook response.completed · list · test wh_…",
      operation: "Create, list or revoke",
      key: "The new key's name (create) or the key's id (revoke)",
      by: "Break down by channel, locale or a property (e.g. touchpoint)",
      identities: "Include who answered (recorded in the audit log)",
    },
    add: "add",
    remove: "remove",
    create: "create",
    list: "list",
    revoke: "revoke",
    days: { "7d": "7 days", "30d": "30 days", "90d": "90 days", "12m": "12 months" },
    writeText: "Write the new text",
    newText: "New text",
  },
  fa: {
    command: "مدیریت: ویرایش، انتشار و گزارش نظرسنجی‌ها",
    groups: {
      connect: "اتصال به سامانه‌های دیگر: کلیدهای API، وب‌هوک‌ها، ارسال گروهی با CSV",
      data: "پاسخ‌ها و اطلاعات شخصی: خروجی گرفتن، اطلاعات یک شخص، پاک کردن",
    },
    subcommands: {
      help: "فهرست فرمان‌های مدیریت",
      flows: "همهٔ نظرسنجی‌ها، وضعیت و امتیازشان",
      show: "پرسش‌ها و متن‌های یک نظرسنجی",
      text: "تغییر یک متن (یا فقط نظرسنجی: انتخاب با دکمه‌ها)",
      alert: "تعیین اینکه کدام پاسخ‌ها هشدار بدهند",
      route: "مقصد هشدارهای یک نظرسنجی",
      enable: "اجازهٔ شروع نظرسنجی‌های تازه",
      disable: "توقف شروع نظرسنجی‌های تازه",
      new: "ساخت نظرسنجی از روی یک الگو",
      export: "دریافت نظرسنجی به صورت فایل YAML",
      import: "بارگذاری فایل YAML ویرایش‌شده به عنوان پیش‌نویس",
      diff: "مقایسهٔ پیش‌نویس با نسخهٔ فعال",
      publish: "فعال کردن پیش‌نویس",
      history: "نسخه‌های منتشرشدهٔ یک نظرسنجی",
      rollback: "فعال کردن دوبارهٔ یک نسخهٔ قبلی",
      try: "امتحان نظرسنجی در حالت آزمایشی",
      report: "امتیازها و پاسخ‌ها در ۷، ۳۰ یا ۹۰ روز",
      admins: "فهرست، افزودن یا حذف مدیران",
      audit: "آخرین تغییرات مدیران",
      learn: "یادگیری دوبارهٔ احساس از نظرها",
      webhooks: "وب‌هوک‌های خروجی: افزودن، فهرست، حذف، آزمایش، فعال‌سازی",
      keys: "ساخت، فهرست یا لغو کلیدهای API",
      send: "ارسال نظرسنجی به همهٔ افراد یک فایل CSV",
      "export-responses": "پاسخ‌های یک نظرسنجی به‌صورت فایل CSV",
      erase: "پاک کردن همهٔ اطلاعات یک شخص (پیش از آن می‌پرسد)",
      "export-person": "همهٔ اطلاعات یک شخص در یک فایل JSON",
      rollups: "محاسبهٔ دوبارهٔ ارقام گزارش از پاسخ‌های ذخیره‌شده",
    },
    options: {
      flow: "کلید نظرسنجی",
      language: "زبان",
      step: "شناسهٔ مرحله (خالی: انتخاب با دکمه‌ها)",
      text: "متن تازه",
      rule: "شرط‌ها، مثلاً max=6 sentiment=negative",
      channel: "شناسهٔ کانال هشدارها",
      template: "نظرسنجی‌ای که کپی می‌شود",
      version: "شمارهٔ نسخه",
      period: "بازهٔ زمانی",
      file: "فایل YAML ویرایش‌شده (import) یا فهرست CSV (send)",
      action: "افزودن یا حذف",
      who: "platform:userId، مثلاً telegram:12345",
      webhook: "مثلاً add https://example.com/hook response.completed · list · test wh_…",
      operation: "ساخت، فهرست یا لغو",
      key: "نام کلید تازه (ساخت) یا شناسهٔ کلید (لغو)",
      by: "تفکیک بر اساس پلتفرم، زبان یا یک ویژگی (مثلاً touchpoint)",
      identities: "همراه با هویت پاسخ‌دهندگان (در گزارش ممیزی ثبت می‌شود)",
    },
    add: "افزودن",
    remove: "حذف",
    create: "ساخت",
    list: "فهرست",
    revoke: "لغو",
    days: { "7d": "۷ روز", "30d": "۳۰ روز", "90d": "۹۰ روز", "12m": "۱۲ ماه" },
    writeText: "نوشتن متن تازه",
    newText: "متن تازه",
  },
  ar: {
    command: "الإدارة: تعديل الاستبيانات ونشرها وتقاريرها",
    groups: {
      connect: "الربط بأنظمة أخرى: مفاتيح API والويبهوك والحملات عبر CSV",
      data: "الردود والبيانات الشخصية: التصدير وبيانات شخص ومحوها",
    },
    subcommands: {
      help: "قائمة أوامر الإدارة",
      flows: "كل الاستبيانات وحالتها ونتيجتها",
      show: "أسئلة الاستبيان ونصوصه",
      text: "تغيير نص (أو الاستبيان وحده: الاختيار بالأزرار)",
      alert: "تحديد الإجابات التي تُطلق تنبيهًا",
      route: "اختيار وجهة تنبيهات الاستبيان",
      enable: "السماح ببدء استبيانات جديدة",
      disable: "إيقاف بدء استبيانات جديدة",
      new: "إنشاء استبيان من قالب",
      export: "تنزيل الاستبيان ملفًّا بصيغة YAML",
      import: "رفع ملف YAML معدَّل مسودةً للاستبيان",
      diff: "مقارنة المسودة بالإصدار الحالي",
      publish: "نشر المسودة",
      history: "الإصدارات المنشورة للاستبيان",
      rollback: "إعادة نشر إصدار سابق",
      try: "تجربة الاستبيان بنفسك في وضع الاختبار",
      report: "النتائج والإجابات خلال ٧ أو ٣٠ أو ٩٠ يومًا",
      admins: "عرض المشرفين أو إضافتهم أو إزالتهم",
      audit: "آخر تغييرات المشرفين",
      learn: "تعلّم المشاعر من جديد من التعليقات",
      webhooks: "الويبهوك الصادرة: إضافة، عرض، إزالة، اختبار، تفعيل",
      keys: "إنشاء مفاتيح واجهة API أو عرضها أو إبطالها",
      send: "إرسال الاستبيان إلى كل من في ملف CSV",
      "export-responses": "ردود الاستبيان في ملف CSV",
      erase: "حذف كل ما نحتفظ به عن شخص (مع طلب التأكيد)",
      "export-person": "كل ما نحتفظ به عن شخص في ملف JSON",
      rollups: "إعادة حساب أرقام التقارير من الإجابات المحفوظة",
    },
    options: {
      flow: "مفتاح الاستبيان",
      language: "اللغة",
      step: "معرّف الخطوة (اتركه فارغًا للاختيار بالأزرار)",
      text: "النص الجديد",
      rule: "الشروط، مثل max=6 sentiment=negative",
      channel: "معرّف قناة التنبيهات",
      template: "الاستبيان المنسوخ",
      version: "رقم الإصدار",
      period: "المدة",
      file: "ملف YAML المعدَّل (import) أو قائمة CSV (send)",
      action: "إضافة أو إزالة",
      who: "platform:userId، مثل telegram:12345",
      webhook: "مثل add https://example.com/hook response.completed · list · test wh_…",
      operation: "إنشاء أو عرض أو إبطال",
      key: "اسم المفتاح الجديد (إنشاء) أو معرّف المفتاح (إبطال)",
      by: "التقسيم حسب المنصة أو اللغة أو خاصية (مثل touchpoint)",
      identities: "مع هويات المجيبين (يُسجَّل ذلك في سجل التدقيق)",
    },
    add: "إضافة",
    remove: "إزالة",
    create: "إنشاء",
    list: "قائمة",
    revoke: "إبطال",
    days: { "7d": "٧ أيام", "30d": "٣٠ يومًا", "90d": "٩٠ يومًا", "12m": "١٢ شهرًا" },
    writeText: "كتابة النص الجديد",
    newText: "النص الجديد",
  },
  tr: {
    command: "Yönetim: anketleri düzenle, yayınla, raporla",
    groups: {
      connect: "Diğer sistemlere bağlan: API anahtarları, webhook'lar, CSV kampanyaları",
      data: "Yanıtlar ve kişisel veriler: dışa aktarma, bir kişinin verileri, silme",
    },
    subcommands: {
      help: "Yönetim komutlarının listesi",
      flows: "Tüm anketler, durumları ve puanları",
      show: "Bir anketin soruları ve metinleri",
      text: "Bir metni değiştir (ya da yalnız anket: düğmelerle seç)",
      alert: "Hangi yanıtların uyarı vereceğini belirle",
      route: "Anketin uyarılarının gideceği yeri seç",
      enable: "Anketin yeniden başlatılabilmesini sağla",
      disable: "Anketin yeni başlatılmasını durdur",
      new: "Şablondan yeni anket oluştur",
      export: "Anketi YAML dosyası olarak indir",
      import: "Düzenlenmiş YAML dosyasını taslak olarak yükle",
      diff: "Taslağı yayındaki sürümle karşılaştır",
      publish: "Taslağı yayına al",
      history: "Anketin yayınlanmış sürümleri",
      rollback: "Önceki bir sürümü yeniden yayına al",
      try: "Anketi test modunda kendin dene",
      report: "7, 30 veya 90 günlük puanlar ve yanıtlar",
      admins: "Yöneticileri listele, ekle ya da çıkar",
      audit: "Son yönetici değişiklikleri",
      learn: "Duyguyu yorumlardan yeniden öğren",
      webhooks: "Giden webhook'lar: ekle, listele, sil, dene, etkinleştir",
      keys: "HTTP API anahtarlarını oluştur, listele ya da iptal et",
      send: "Anketi bir CSV dosyasındaki herkese gönder",
      "export-responses": "Bir anketin yanıtları CSV dosyası olarak",
      erase: "Bir kişi hakkında saklanan her şeyi sil (önce sorar)",
      "export-person": "Bir kişi hakkında saklanan her şey, JSON dosyası olarak",
      rollups: "Rapor rakamlarını kayıtlı yanıtlardan yeniden hesapla",
    },
    options: {
      flow: "Anketin anahtarı",
      language: "Dil",
      step: "Adım kimliği (boş bırak: düğmelerle seç)",
      text: "Yeni metin",
      rule: "Koşullar, ör. max=6 sentiment=negative",
      channel: "Uyarıların gideceği kanalın kimliği",
      template: "Kopyalanacak anket",
      version: "Sürüm numarası",
      period: "Dönem",
      file: "Düzenlenmiş YAML dosyası (import) ya da CSV listesi (send)",
      action: "Ekle ya da çıkar",
      who: "platform:userId, ör. telegram:12345",
      webhook: "ör. add https://example.com/hook response.completed · list · test wh_…",
      operation: "Oluştur, listele ya da iptal et",
      key: "Yeni anahtarın adı (oluştur) ya da anahtarın kimliği (iptal)",
      by: "Platforma, dile ya da bir özelliğe göre ayır (ör. touchpoint)",
      identities: "Yanıtlayanların kimlikleriyle (denetim kaydına yazılır)",
    },
    add: "ekle",
    remove: "çıkar",
    create: "oluştur",
    list: "listele",
    revoke: "iptal et",
    days: { "7d": "7 gün", "30d": "30 gün", "90d": "90 gün", "12m": "12 ay" },
    writeText: "Yeni metni yaz",
    newText: "Yeni metin",
  },
};

/** The texts of the admin's own Discord controls (the write-text button and its text box), in a locale. */
export const adminTexts = (locale: Locale): Pick<AdminTexts, "writeText" | "newText"> => TEXTS[locale];

/** Discord's locales that have a cxbot language (Discord has no Persian or Arabic). */
const LOCALIZED: readonly { readonly locale: Locale; readonly discord: string }[] = [
  { locale: "tr", discord: "tr" },
];

const localized = (
  pick: (texts: AdminTexts) => string,
  defaultLocale: Locale,
  max = 100,
): { readonly base: string; readonly localizations: Record<string, string> } => ({
  base: cutText(pick(TEXTS[defaultLocale]), max),
  localizations: Object.fromEntries(LOCALIZED.map((l) => [l.discord, cutText(pick(TEXTS[l.locale]), max)])),
});

const described = (pick: (texts: AdminTexts) => string, defaultLocale: Locale) => {
  const d = localized(pick, defaultLocale);
  return { description: d.base, description_localizations: d.localizations };
};

const choice = (
  value: string,
  name: (texts: AdminTexts) => string,
  defaultLocale: Locale,
): APIApplicationCommandOptionChoice<string> => {
  const n = localized(name, defaultLocale);
  return { name: n.base, name_localizations: n.localizations, value };
};

/** Periods offered as choices, for `report` and `export-responses` alike (both read `12m`). */
const PERIODS = ["7d", "30d", "90d", "12m"] as const;
const TEMPLATES = ["nps", "csat", "ces"] as const;

/** How each option is asked for; `required` ones come first in every subcommand, as Discord requires. */
function optionOf(
  name: OptionName,
  required: boolean,
  defaultLocale: Locale,
  extra: { readonly autocomplete?: boolean } = {},
): APIApplicationCommandBasicOption {
  const base = { name, required, ...described((x) => x.options[name], defaultLocale) };
  switch (name) {
    case "version":
      return { ...base, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 999_999 };
    case "file":
      return { ...base, type: ApplicationCommandOptionType.Attachment };
    case "language":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: LOCALES.map((l) => ({ name: LANGUAGE_NAMES[l], value: l })),
      };
    case "period":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: PERIODS.map((p) => choice(p, (x) => x.days[p], defaultLocale)),
      };
    case "template":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: TEMPLATES.map((t) => ({ name: t.toUpperCase(), value: t })),
      };
    case "action":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: [
          choice("add", (x) => x.add, defaultLocale),
          choice("remove", (x) => x.remove, defaultLocale),
        ],
      };
    case "flow":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        max_length: 32,
        ...(extra.autocomplete ? { autocomplete: true } : {}),
      };
    case "step":
    case "channel":
    case "by":
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 40 };
    case "identities":
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case "webhook":
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 400 };
    case "who":
    case "key":
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 80 };
    case "operation":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: [
          choice("create", (x) => x.create, defaultLocale),
          choice("list", (x) => x.list, defaultLocale),
          choice("revoke", (x) => x.revoke, defaultLocale),
        ],
      };
    case "rule":
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 200 };
    case "text":
      return { ...base, type: ApplicationCommandOptionType.String, max_length: DISCORD_LIMITS.textInputMax };
    default: {
      const never: never = name;
      throw new Error(`unhandled option ${String(never)}`);
    }
  }
}

/** Each subcommand's options, in the order the grammar reads them: [name, required]. */
const OPTIONS: Readonly<Record<AdminSubcommand, readonly (readonly [OptionName, boolean])[]>> = {
  help: [],
  flows: [],
  learn: [],
  show: [
    ["flow", true],
    ["language", false],
  ],
  text: [
    ["flow", true],
    ["step", false],
    ["language", false],
    ["text", false],
  ],
  alert: [
    ["flow", true],
    ["rule", true],
  ],
  route: [
    ["flow", true],
    ["channel", true],
  ],
  enable: [["flow", true]],
  disable: [["flow", true]],
  new: [
    ["flow", true],
    ["template", true],
  ],
  export: [["flow", true]],
  import: [
    ["flow", true],
    ["file", true],
  ],
  diff: [["flow", true]],
  publish: [["flow", true]],
  history: [["flow", true]],
  rollback: [
    ["flow", true],
    ["version", true],
  ],
  try: [
    ["flow", true],
    ["language", false],
  ],
  report: [
    ["flow", true],
    ["period", false],
    ["by", false],
  ],
  admins: [
    ["action", false],
    ["who", false],
  ],
  audit: [["flow", false]],
  // ─── outgoing webhooks ───
  webhooks: [["webhook", false]],
  keys: [
    ["operation", false],
    ["key", false],
  ],
  send: [
    ["flow", true],
    ["file", true],
  ],
  "export-responses": [
    ["flow", true],
    ["period", false],
    ["identities", false],
  ],
  // ─── privacy ───
  erase: [["who", true]],
  "export-person": [["who", true]],
  rollups: [["flow", false]],
};

/**
 * `/cx` with its subcommands. No `default_member_permissions`: admins are who CX_ADMINS and `/cx admins` say,
 * not server roles, and anyone else gets the same neutral reply as to an unknown command.
 */
export function discordAdminCommand(defaultLocale: Locale): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const subcommand = (sub: AdminSubcommand): APIApplicationCommandSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    name: sub,
    ...described((x) => x.subcommands[sub], defaultLocale),
    options: OPTIONS[sub].map(([name, required]) =>
      // A new flow's key is new: nothing to complete.
      optionOf(name, required, defaultLocale, { autocomplete: name === "flow" && sub !== "new" }),
    ),
  });
  const groups = Object.entries(GROUPS).map(
    ([name, members]): APIApplicationCommandSubcommandGroupOption => ({
      type: ApplicationCommandOptionType.SubcommandGroup,
      name,
      ...described((x) => x.groups[name as GroupName], defaultLocale),
      options: members.map(subcommand),
    }),
  );
  return {
    name: "cx",
    ...described((x) => x.command, defaultLocale),
    options: [...ADMIN_SUBCOMMANDS.filter((sub) => !GROUPED.has(sub)).map(subcommand), ...groups],
  };
}

/** What an option holds, as discord.js hands it over. */
export interface AdminOptionReader {
  string(name: OptionName): string | null;
  integer(name: OptionName): number | null;
  boolean(name: OptionName): boolean | null;
}

/**
 * A word the grammar reads as one: its spaces shown as `␣`, so a value typed with spaces is refused by the
 * grammar (with the core's own message, quoting it) instead of shifting the words after it.
 */
const word = (value: string): string => value.trim().replace(/\s+/g, "␣");

const ZSubcommand = z.enum(ADMIN_SUBCOMMANDS);

/**
 * The `/cx …` text a subcommand and its options stand for, as an admin would have typed it: `text csat score en
 * New text`, `rollback csat 2`, `admins add telegram:1`, `alert csat max=6 sentiment=negative`. Undefined for a
 * subcommand cxbot does not have (an old registration).
 */
export function adminCommandText(subcommand: string, options: AdminOptionReader): string | undefined {
  const sub = ZSubcommand.safeParse(subcommand);
  if (!sub.success) return undefined;
  const parts: string[] = [sub.data];
  const one = (name: OptionName) => {
    const v = options.string(name);
    if (v !== null && v.trim() !== "") parts.push(word(v));
  };
  switch (sub.data) {
    case "help":
    case "flows":
      break;
    case "text": {
      one("flow");
      // Without a step: the guided edit (the other options are asked for with buttons).
      if ((options.string("step") ?? "").trim() === "") break;
      one("step");
      one("language");
      const text = options.string("text");
      if (text !== null && text.trim() !== "") parts.push(text.trim());
      break;
    }
    case "alert": {
      one("flow");
      const rule = options.string("rule");
      if (rule !== null) parts.push(rule.trim());
      break;
    }
    case "rollback": {
      one("flow");
      const version = options.integer("version");
      if (version !== null) parts.push(String(version));
      break;
    }
    // ─── outgoing webhooks: the action and its arguments, as typed ───
    case "webhooks": {
      const rest = options.string("webhook");
      if (rest !== null && rest.trim() !== "") parts.push(rest.trim());
      break;
    }
    case "report": {
      one("flow");
      one("period");
      const by = options.string("by");
      if (by !== null && by.trim() !== "") parts.push("by", word(by));
      break;
    }
    case "export-responses":
      one("flow");
      // The grammar needs a period before `with identities`.
      if ((options.string("period") ?? "").trim() !== "") one("period");
      else if (options.boolean("identities") === true) parts.push("30d");
      if (options.boolean("identities") === true) parts.push("with identities");
      break;
    case "rollups":
      parts.push("rebuild");
      one("flow");
      break;
    case "new":
      one("flow");
      parts.push("from");
      one("template");
      break;
    case "keys": {
      one("operation");
      // A key's name may have spaces: the rest of the command, as for a text.
      const key = options.string("key");
      if (key !== null && key.trim() !== "") parts.push(key.trim().replace(/\s+/g, " "));
      break;
    }
    default:
      for (const [name] of OPTIONS[sub.data]) if (name !== "file") one(name);
  }
  return parts.join(" ");
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const STYLES: Readonly<
  Record<
    NonNullable<AdminButton["style"]> | "none",
    ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary
  >
> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  none: ButtonStyle.Secondary,
};

/**
 * An admin reply's buttons as Discord components: the core's rows as they are where they fit (≤ 5 a row, ≤ 5
 * rows), else packed 5 a row; more than 25 become select menus of 25 (`cx:menu:<n>`, values the payloads). A
 * payload shown twice in one message keeps its first button (Discord refuses duplicate custom_ids).
 */
export function adminComponents(buttons: readonly (readonly AdminButton[])[] | undefined): Row[] {
  const seen = new Set<string>();
  const rows = (buttons ?? [])
    .map((row) =>
      row.filter((b) => {
        if (seen.has(b.payload) || !ZCustomId.safeParse(b.payload).success) return false;
        seen.add(b.payload);
        return true;
      }),
    )
    .filter((row) => row.length > 0);
  const all = rows.flat();
  const button = (b: AdminButton): APIButtonComponent => ({
    type: ComponentType.Button,
    style: STYLES[b.style ?? "none"],
    label: cutText(b.label, DISCORD_LIMITS.buttonLabel) || "…",
    custom_id: b.payload,
  });
  const max = DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow;
  const chunk = <T>(items: readonly T[], size: number): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  };
  if (rows.length <= DISCORD_LIMITS.rows && rows.every((r) => r.length <= DISCORD_LIMITS.buttonsPerRow))
    return rows.map((r) => ({ type: ComponentType.ActionRow, components: r.map(button) }));
  if (all.length <= max)
    return chunk(all, DISCORD_LIMITS.buttonsPerRow).map((r) => ({
      type: ComponentType.ActionRow,
      components: r.map(button),
    }));
  return chunk(all, DISCORD_LIMITS.selectOptions)
    .slice(0, DISCORD_LIMITS.rows)
    .map((options, n) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: `${ADMIN_MENU_PREFIX}${n}`,
          options: options.map((b) => ({
            label: cutText(b.label, DISCORD_LIMITS.selectLabel) || "…",
            value: b.payload,
          })),
        },
      ],
    }));
}
