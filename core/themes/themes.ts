import type { Locale } from "../locale.ts";
import { createRuleBasedSentimentAnalyzer } from "../sentiment/rule-based.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { type BaseForm, baseForms, type Canon, canonOf, stemOfForms } from "../text/morphology.ts";
import { foldTurkish, normalizeText, tokenizeNormalized } from "../text/normalize.ts";

/**
 * Theme tagging for free-text customer comments: which of the six CX components a comment talks about
 * (communications, product, processes, channels, people, price), with finer sub-themes (delivery, refund, …)
 * under them and, per component, the sentiment of the clause that mentions it. Alerts, reports and flow
 * conditions use the components.
 *
 * Hand-written keyword lists per language, matched on tokens normalized by core/text/normalize.ts (Arabic and
 * Persian letter folding, diacritics, ZWNJ, Turkish casing and ASCII folding) with the light, per-language
 * morphology of core/text/morphology.ts (shared with sentiment): English inflections, Turkish stems, Persian
 * plural/possessive/verb affixes, Arabic clitics and fused negators. Every language's keywords are matched whatever the comment's locale (customers mix
 * languages); when a word means different things in two languages, the comment's locale decides.
 */

/**
 * The six customer-experience components a comment can talk about (multi-label):
 * - communications: being informed: notifications, emails and SMS, status updates, clear information and
 *   explanations, messages left unanswered.
 * - product: the item or service itself: quality, taste, fit, size, freshness, authenticity, whether it works.
 * - processes: how things get done: delivery, waiting and speed, returns and refunds, payment, procedures
 *   (paperwork, forms, bookings).
 * - channels: where the customer meets the company: website, app, phone line, branch or store.
 * - people: staff and support: how employees and agents behave and help.
 * - price: prices, value for money, fees, discounts.
 */
export const THEMES = ["communications", "product", "processes", "channels", "people", "price"] as const;
export type Theme = (typeof THEMES)[number];

/**
 * Finer tags that sit under a component (see SUB_THEME_COMPONENT). They keep the names the tagger used before
 * the six components existed, so a stored alert or a flow condition written with one still means something.
 */
export const SUB_THEMES = [
  "delivery",
  "wait",
  "refund",
  "payment",
  "quality",
  "packaging",
  "app",
  "support",
  "staff",
] as const;
export type SubTheme = (typeof SUB_THEMES)[number];

/** The component each sub-theme belongs to. */
export const SUB_THEME_COMPONENT: Readonly<Record<SubTheme, Theme>> = {
  delivery: "processes",
  wait: "processes",
  refund: "processes",
  payment: "processes",
  quality: "product",
  packaging: "product",
  app: "channels",
  support: "people",
  staff: "people",
};

/**
 * The component a theme name means: a component is itself; a sub-theme or a theme name of the older nine-theme
 * tagger (delivery, price, quality, support, staff, app, payment, wait, refund) is its component; anything else
 * is undefined. Used wherever stored data or a flow file may still carry an old name.
 */
export function componentOf(name: string): Theme | undefined {
  if ((THEMES as readonly string[]).includes(name)) return name as Theme;
  return (SUB_THEME_COMPONENT as Readonly<Record<string, Theme>>)[name];
}

/** Every name componentOf accepts: the six components, then the sub-themes (the older names). */
export const THEME_NAMES: readonly string[] = [...THEMES, ...SUB_THEMES];

/** One component found in a comment, with its sub-themes and the sentiment of the clauses that mention it. */
export interface ThemeMention {
  readonly theme: Theme;
  readonly subThemes: readonly SubTheme[];
  readonly sentiment: SentimentLabel;
}

/**
 * What a keyword list can tag: a sub-theme, a component directly (cues with no finer tag), or "judge": an
 * evaluative word ("great", "terrible") that tags nothing alone but makes a weak product cue ("the phone")
 * count as a judgement of the product ("the phone is great").
 */
const TAGS = [...SUB_THEMES, "price", "communications", "product", "processes", "channels", "judge"] as const;
type Tag = (typeof TAGS)[number];
const TAG_COMPONENT: Readonly<Record<Tag, Theme | null>> = {
  ...SUB_THEME_COMPONENT,
  price: "price",
  communications: "communications",
  product: "product",
  processes: "processes",
  channels: "channels",
  judge: null,
};
const JUDGE_BIT = 1 << TAGS.indexOf("judge");
/** The bit mask of components each tag bit stands for, by tag index. */
const TAG_COMPONENT_BIT: readonly number[] = TAGS.map((tag) => {
  const c = TAG_COMPONENT[tag];
  return c === null ? 0 : 1 << THEMES.indexOf(c);
});

/** Only the first this-many characters are read, so a huge input stays fast. */
const MAX_CHARS = 10_000;

// ---------------------------------------------------------------------------------------------------------
// Keyword lists
//
// Syntax of an entry: "word" matches the word with the language's morphology (see core/text/morphology.ts);
// "stem*" matches any token starting with the stem (used where suffixes are many: Turkish, a few English
// stems); "two words" is a phrase matched token by token (the last word may be a "stem*"); a leading "~"
// marks a weak cue: it tags a component only together with another cue of the same component (from any of
// its lists: "~order" under delivery and "~driver" count together). Lists are keyed by sub-theme, or by the
// component itself for cues with no finer tag; `judge` words tag nothing but turn a weak product cue into a
// judgement of the product (see TAGS). Entries are written
// naturally (with ی/ي, ة, ZWNJ, Turkish letters) and normalized like input at module load. A `stop` entry
// blocks a wrong match ("can't wait" is not waiting; "پسته" is pistachio, not "پست"); the longest entry wins.
// ---------------------------------------------------------------------------------------------------------

interface LanguageKeywords {
  readonly themes: Readonly<Partial<Record<Tag, readonly string[]>>>;
  readonly stop: readonly string[];
}

const EN: LanguageKeywords = {
  themes: {
    processes: [
      "paperwork",
      "procedure",
      "procedures",
      "~process",
      "bureaucracy",
      "bureaucratic",
      "red tape",
      "~documents",
      "~form",
      "~forms",
      "~requirements",
      "~verification",
      "~appointment",
      "~booking",
      "~reservation",
      "~registration",
      "~approval",
    ],
    communications: [
      "communicat*",
      "inform",
      "informed",
      "uninformed",
      "~information",
      "misinformed",
      "misinformation",
      "notif*",
      "notification",
      "~email",
      "e-mail",
      "emailed",
      "sms",
      "text message",
      "~message",
      "~messages",
      "newsletter",
      "~update",
      "~updates",
      "no update",
      "no updates",
      "kept me updated",
      "kept us updated",
      "keep me updated",
      "keep me posted",
      "kept in the dark",
      "heads up",
      "let me know",
      "let us know",
      "~explain*",
      "explanation",
      "~unclear",
      "clear information",
      "misleading",
      "~misled",
      "no response",
      "no reply",
      "never responded",
      "never replied",
      "never got back",
      "unanswered",
      "~spam",
      "~announcement",
      "~reminder",
    ],
    product: [
      "~product",
      "~item",
      "~device",
      "~phone",
      "~laptop",
      "~tablet",
      "~charger",
      "~headphones",
      "~earbuds",
      "~battery",
      "~screen",
      "~camera",
      "~shoes",
      "~shirt",
      "~dress",
      "~jacket",
      "~clothes",
      "~size",
      "~food",
      "~meal",
      "~dish",
      "~pizza",
      "~burger",
      "~coffee",
      "~drink",
      "~dessert",
      "~bread",
      "~room",
      "~bed",
      "~seat",
      "~car",
      "~furniture",
      "~plan",
      "~coverage",
      "~signal",
      "fits",
      "fit perfectly",
      "doesn't fit",
      "does not fit",
      "too small",
      "too big",
      "too tight",
      "too loose",
      "~works perfectly",
      "~works great",
      "~works well",
      "~doesn't work",
      "~does not work",
      "~didn't work",
      "~not working",
      "~works",
      "~works fine",
      "~original",
      "~fresh",
      "~portion*",
      "~flavor",
      "~flavour",
      "~ingredients",
      "~features",
      "~design",
      "~comfortable",
      "~uncomfortable",
    ],
    channels: [
      "branch",
      "~store",
      "in store",
      "in-store",
      "showroom",
      "~shop",
      "~outlet",
      "~counter",
      "phone line",
      "by phone",
      "over the phone",
      "~phone number",
      "ivr",
      "automated system",
      "~kiosk",
      "~atm",
      "~location",
      "~online",
    ],
    packaging: ["packaging", "repackaged", "wrapping", "~wrapped", "~box", "~seal", "~sealed", "bubble wrap"],
    judge: [
      "great",
      "good",
      "excellent",
      "amazing",
      "awesome",
      "perfect",
      "nice",
      "fantastic",
      "wonderful",
      "superb",
      "outstanding",
      "love",
      "loved",
      "lovely",
      "terrible",
      "awful",
      "horrible",
      "bad",
      "poor",
      "worst",
      "best",
      "hate",
      "hated",
      "disappointing",
      "disappointed",
      "useless",
      "garbage",
      "rubbish",
      "crap",
      "works",
      "worked",
      "recommend",
    ],
    delivery: [
      "deliver*",
      "undelivered",
      "courier",
      "ship",
      "shipment",
      "shipping",
      "reship",
      "parcel",
      "package",
      "postman",
      "mailman",
      "post office",
      "postal",
      "tracking",
      "dispatch*",
      "~arrive",
      "~arrival",
      "never arrived",
      "never came",
      "didn't arrive",
      "did not arrive",
      "hasn't arrived",
      "has not arrived",
      "not arrived",
      "yet to arrive",
      "arrived late",
      "arrived broken",
      "arrived damaged",
      "~driver",
      "dhl",
      "fedex",
      "usps",
      "royal mail",
      "aramex",
      "doorstep",
      "in transit",
      "logistics",
      "freight",
      "wrong item",
      "wrong order",
      "missing item",
      "wrong address",
      "~missing",
      "~order",
      "shipping cost",
      "shipping fee",
      "delivery fee",
      "delivery charge",
      "free shipping",
      "free delivery",
    ],
    price: [
      "price",
      "pricey",
      "pricy",
      "pricier",
      "overpriced",
      "underpriced",
      "expensive",
      "inexpensive",
      "cheap",
      "affordable",
      "unaffordable",
      "cost",
      "costly",
      "value for money",
      "worth the money",
      "good value",
      "great value",
      "poor value",
      "~value",
      "rip off",
      "ripoff",
      "fee",
      "surcharge",
      "discount",
      "coupon",
      "voucher",
      "promo",
      "bargain",
      "markup",
      "tariff",
      "free of charge",
      "budget friendly",
      "~budget",
      "~money",
      "~overcharge*",
      "shipping cost",
      "shipping fee",
      "delivery fee",
      "delivery charge",
      "free shipping",
      "free delivery",
    ],
    quality: [
      "quality",
      "defective",
      "defect",
      "faulty",
      "~fault",
      "broken",
      "~broke",
      "damaged",
      "~damage",
      "flimsy",
      "durable",
      "durability",
      "sturdy",
      "fell apart",
      "falls apart",
      "falling apart",
      "cheaply made",
      "poorly made",
      "badly made",
      "well made",
      "craftsmanship",
      "workmanship",
      "material",
      "fabric",
      "stitching",
      "fake",
      "counterfeit",
      "knockoff",
      "knock off",
      "not as described",
      "not as advertised",
      "as described",
      "stopped working",
      "malfunction*",
      "~product",
      "~item",
      "~cheap",
      "~plastic",
      "~genuine",
      "~authentic",
      "taste",
      "tasty",
      "tasteless",
      "delicious",
      "bland",
      "stale",
      "~fresh",
      "rotten",
      "spoiled",
      "spoilt",
      "moldy",
      "mouldy",
      "expired",
      "undercooked",
      "overcooked",
      "burnt",
      "soggy",
      "scratched",
      "scratches",
      "cracked",
      "torn",
      "dented",
      "leaking",
      "leaky",
      "junk",
      "shoddy",
      "arrived broken",
      "arrived damaged",
    ],
    support: [
      "~support",
      "customer support",
      "tech support",
      "technical support",
      "support team",
      "support agent",
      "support staff",
      "customer service",
      "customer care",
      "helpdesk",
      "help desk",
      "helpline",
      "hotline",
      "call center",
      "call centre",
      "~agent",
      "representative",
      "~rep",
      "customer rep",
      "live chat",
      "chatbot",
      "on hold",
      "put on hold",
      "callback",
      "call back",
      "called back",
      "~call",
      "~phone",
      "answer the phone",
      "answered the phone",
      "answers the phone",
      "pick up the phone",
      "picked up the phone",
      "picks up the phone",
      "~email",
      "~contact",
      "~ticket",
      "no response",
      "no reply",
      "no answer",
      "never responded",
      "never replied",
      "never answered",
      "never got back",
      "get back to me",
      "got back to me",
      "~respond",
      "~reply",
      "~response",
      "response time",
      "unanswered",
      "~complaint",
      "~complain",
      "escalate*",
      "unresolved",
      "~resolve",
      "~service",
    ],
    staff: [
      "staff",
      "staffer",
      "employee",
      "worker",
      "personnel",
      "crew",
      "waiter",
      "waitress",
      "waitstaff",
      "wait staff",
      "waiting staff",
      "bartender",
      "barista",
      "cashier",
      "clerk",
      "receptionist",
      "manager",
      "salesperson",
      "salesman",
      "saleswoman",
      "sales rep",
      "sales assistant",
      "shop assistant",
      "flight attendant",
      "stewardess",
      "hostess",
      "~host",
      "~technician",
      "~doctor",
      "~nurse",
      "security guard",
      "~guard",
      "support staff",
      "rude",
      "impolite",
      "polite",
      "courteous",
      "discourteous",
      "friendly",
      "unfriendly",
      "~helpful",
      "~unhelpful",
      "attitude",
      "behavior",
      "behaviour",
      "unprofessional",
      "~professional",
      "disrespectful",
      "~respectful",
      "arrogant",
      "condescending",
      "attentive",
      "inattentive",
      "~welcoming",
      "~knowledgeable",
      "~incompetent",
      "~hospitality",
      "~service",
    ],
    app: [
      "app",
      "application",
      "website",
      "web site",
      "~site",
      "webpage",
      "web page",
      "~online",
      "login",
      "log in",
      "logged in",
      "log into",
      "logging in",
      "sign in",
      "signin",
      "sign up",
      "signup",
      "password",
      "~account",
      "~checkout",
      "interface",
      "ui",
      "ux",
      "user friendly",
      "bug",
      "buggy",
      "glitch",
      "glitchy",
      "crash",
      "freezes",
      "keeps freezing",
      "~update",
      "~error",
      "error message",
      "~loading",
      "~button",
      "~navigation",
      "~ios",
      "~android",
      "otp",
      "verification code",
      "captcha",
      "~link",
      "~browser",
      "dashboard",
      "portal",
      "uninstall*",
      "reinstall*",
      "~install",
      "~download",
      "~cart",
    ],
    payment: [
      "payment",
      "~pay",
      "~paid",
      "billing",
      "bill",
      "invoice",
      "~charge",
      "overcharge*",
      "double charged",
      "charged twice",
      "charged me",
      "charged my",
      "credit card",
      "debit card",
      "card machine",
      "~card",
      "transaction",
      "installment",
      "instalment",
      "~subscription",
      "paypal",
      "apple pay",
      "google pay",
      "mastercard",
      "~visa",
      "~receipt",
      "~declined",
      "~bank",
      "~wallet",
      "cash on delivery",
      "~cash",
      "checkout",
      "deducted",
    ],
    wait: [
      "wait",
      "waiting time",
      "wait time",
      "slow",
      "fast",
      "quick",
      "speedy",
      "~speed",
      "delay",
      "late",
      "lateness",
      "on time",
      "took forever",
      "takes forever",
      "taking forever",
      "took ages",
      "~forever",
      "queue",
      "long line",
      "prompt",
      "punctual",
      "overdue",
      "turnaround",
      "response time",
      "on hold",
      "put on hold",
      "arrived late",
    ],
    refund: [
      "refund*",
      "~return",
      "return policy",
      "returned it",
      "return it",
      "~exchange",
      "~replacement",
      "~cancel*",
      "chargeback",
      "reimburse*",
      "~compensation",
      "~compensate*",
      "store credit",
      "rma",
      "send it back",
      "sent it back",
      "sending it back",
      "~send back",
      "~sent back",
      "money back",
      "~warranty",
    ],
  },
  stop: [
    "can't wait",
    "cant wait",
    "cannot wait",
    "can not wait",
    "couldn't wait",
    "lately",
    "late night",
    "fast food",
    "slow cooker",
    "fast charging",
    "fast charge",
    "fast charger",
    "charges fast",
    "charges quickly",
    "quick charge",
    "eco friendly",
    "kid friendly",
    "family friendly",
    "pet friendly",
    "environmentally friendly",
  ],
};

const FA: LanguageKeywords = {
  themes: {
    processes: [
      "کاغذبازی",
      "کاغذ بازی",
      "بوروکراسی",
      "~روند",
      "~فرایند",
      "~فرآیند",
      "~مراحل",
      "~مدارک",
      "~فرم",
      "~نوبت",
      "~رزرو",
      "~ثبت‌نام",
      "~ثبت نام",
      "~احراز هویت",
      "~تایید",
    ],
    communications: [
      "اطلاع‌رسانی",
      "اطلاع رسانی",
      "~اطلاع",
      "بی‌اطلاع",
      "بی اطلاع",
      "اطلاعیه",
      "~اطلاعات",
      "بی‌خبر",
      "بی خبر",
      "بی‌خبری",
      "خبر ندادن",
      "خبر ندادید",
      "خبرم نکردن",
      "~خبر",
      "پیامک",
      "اس‌ام‌اس",
      "اس ام اس",
      "ایمیل",
      "نوتیفیکیشن",
      "اعلان",
      "~پیام",
      "پیام دادم",
      "پیام‌هام",
      "جواب پیام",
      "پاسخ پیام",
      "~توضیح",
      "توضیحات",
      "توضیح ندادن",
      "شفاف",
      "شفافیت",
      "گمراه‌کننده",
      "~ارتباط",
      "اطلاع ندادن",
      "اطلاع ندادید",
      "در جریان",
    ],
    product: [
      "~محصول",
      "~کالا",
      "~جنس",
      "~گوشی",
      "~دستگاه",
      "~لپ‌تاپ",
      "~لپتاپ",
      "~شارژر",
      "~هدفون",
      "~باتری",
      "~صفحه نمایش",
      "~دوربین",
      "~کفش",
      "~لباس",
      "~پیراهن",
      "~سایز",
      "اندازه‌اش",
      "~غذا",
      "~پیتزا",
      "~همبرگر",
      "~قهوه",
      "~نوشیدنی",
      "~نان",
      "~اتاق",
      "~تخت",
      "~ماشین",
      "~خودرو",
      "~مبل",
      "~بسته اینترنت",
      "~آنتن",
      "~اینترنت",
      "سایزش",
      "اندازه نبود",
      "~کار نمیکنه",
      "~کار نمی‌کند",
      "~کار نکرد",
      "~خوب کار میکنه",
      "~کار میکنه",
      "~حجم",
      "~ظاهر",
      "~طراحی",
      "~راحت",
    ],
    channels: [
      "شعبه",
      "~فروشگاه",
      "حضوری",
      "تلفنی",
      "خط تلفن",
      "~سامانه",
      "~باجه",
      "~خودپرداز",
      "~عابربانک",
      "~آنلاین",
      "~اینترنتی",
    ],
    packaging: ["بسته‌بندی", "بسته بندی", "بسته‌بندیش", "~کارتن", "~جعبه", "~پلمپ", "~کادو"],
    judge: [
      "عالی",
      "خوب",
      "خیلی خوب",
      "بد",
      "افتضاح",
      "ضعیف",
      "بی‌نظیر",
      "بینظیر",
      "فوق‌العاده",
      "فوق العاده",
      "معرکه",
      "محشر",
      "عالیه",
      "خوبه",
      "بده",
      "داغون",
      "آشغال",
      "بی‌کیفیت",
      "راضی",
      "ناراضی",
      "دوست داشتم",
      "پیشنهاد",
      "توصیه",
      "بدترین",
      "بهترین",
      "ممتاز",
    ],
    delivery: [
      "ارسال",
      "تحویل",
      "پیک",
      "پست",
      "پست پیشتاز",
      "مرسوله",
      "~بسته",
      "رهگیری",
      "حمل و نقل",
      "~حمل",
      "باربری",
      "تیپاکس",
      "چاپار",
      "اسنپ باکس",
      "الوپیک",
      "فرستاد",
      "دیر رسید",
      "زود رسید",
      "~نرسید",
      "~نرسیده",
      "دست رسید",
      "~سفارش",
      "~راننده",
      "هزینه ارسال",
      "هزینه پیک",
      "ارسال رایگان",
    ],
    price: [
      "قیمت",
      "گران",
      "گرون",
      "گرانی",
      "گرونی",
      "گران‌فروشی",
      "گرون‌فروشی",
      "ارزان",
      "ارزون",
      "ارزش خرید",
      "~ارزش",
      "ارزه",
      "ارزید",
      "نرخ",
      "هزینه",
      "تخفیف",
      "کوپن",
      "حراج",
      "~پول",
      "مفت",
      "صرفه",
      "~اقتصادی",
      "~تومان",
      "~تومن",
      "~ریال",
      "هزینه ارسال",
      "هزینه پیک",
      "ارسال رایگان",
    ],
    quality: [
      "کیفیت",
      "خراب",
      "معیوب",
      "ایراد",
      "عیب",
      "نقص",
      "تقلبی",
      "فیک",
      "~اصل",
      "اورجینال",
      "جنس",
      "پارچه",
      "دوخت",
      "شکسته",
      "~شکست",
      "ترک خورده",
      "پاره",
      "طعم",
      "مزه",
      "مزش",
      "خوشمزه",
      "بدمزه",
      "~تازه",
      "بیات",
      "فاسد",
      "کپک",
      "کپک‌زده",
      "تاریخ انقضا",
      "منقضی",
      "تاریخ گذشته",
      "دوام",
      "~محصول",
      "~کالا",
      "~سوخته",
      "~پخته",
      "~ساخت",
      "متریال",
    ],
    support: [
      "پشتیبانی",
      "پشتیبان",
      "خدمات پس از فروش",
      "خدمات مشتری",
      "خدمات مشتریان",
      "~خدمات",
      "پاسخگویی",
      "پاسخگو",
      "جوابگو",
      "جوابگویی",
      "~جواب",
      "~پاسخ",
      "~تماس",
      "~تلفن",
      "~زنگ",
      "اپراتور",
      "~کارشناس",
      "تیکت",
      "~شکایت",
      "مرکز تماس",
      "~پیگیری",
      "~چت",
      "~ایمیل",
      "تماس گرفتم",
      "تماس گرفتیم",
      "زنگ زدم",
      "زنگ زدیم",
      "جواب ندادن",
      "جواب ندادید",
      "جواب نمیدن",
      "جواب نمیدید",
      "~جواب نداد",
      "~جواب نمیده",
      "پاسخ ندادن",
      "پاسخ ندادید",
      "پاسخ نداد",
      "پاسخ نمیدن",
      "پاسخ نمیده",
    ],
    staff: [
      "کارکنان",
      "کارکن",
      "کارمند",
      "پرسنل",
      "~فروشنده",
      "صندوقدار",
      "گارسون",
      "پیشخدمت",
      "~مدیر",
      "منشی",
      "~پذیرش",
      "برخورد",
      "رفتار",
      "ادب",
      "مودب",
      "بی‌احترامی",
      "بی احترامی",
      "~احترام",
      "~محترم",
      "اخلاق",
      "بداخلاق",
      "خوش‌اخلاق",
      "بدرفتار",
      "بدرفتاری",
      "خوش‌برخورد",
      "بدبرخورد",
      "خوشرو",
      "~همکار",
      "~پزشک",
      "~دکتر",
      "~پرستار",
      "کادر",
      "متصدی",
    ],
    app: [
      "اپ",
      "اپلیکیشن",
      "اپلیکیشین",
      "~برنامه",
      "نرم‌افزار",
      "نرم افزار",
      "سایت",
      "وبسایت",
      "وب سایت",
      "~وب",
      "~آپدیت",
      "~بروزرسانی",
      "باگ",
      "ارور",
      "~خطا",
      "کرش",
      "هنگ",
      "لاگین",
      "~ورود",
      "~رمز",
      "رمز عبور",
      "رابط کاربری",
      "~کاربری",
      "حساب کاربری",
      "~اکانت",
      "~نسخه",
      "~صفحه",
      "~دکمه",
      "کد تایید",
      "~ربات",
      "~سبد خرید",
      "~آنلاین",
      "~اینترنتی",
    ],
    payment: [
      "پرداخت",
      "درگاه",
      "~کارت",
      "کارت بانکی",
      "کارت به کارت",
      "کارتخوان",
      "فاکتور",
      "صورتحساب",
      "قبض",
      "تراکنش",
      "~کسر",
      "کسر شد",
      "اقساط",
      "قسط",
      "قسطی",
      "~واریز",
      "کیف پول",
      "~اعتبار",
      "~حساب",
      "~بانک",
      "~رسید",
      "~شارژ",
      "~نقدی",
      "~پول",
      "~بیعانه",
    ],
    wait: [
      "~انتظار",
      "زمان انتظار",
      "در انتظار",
      "انتظار کشید",
      "منتظر",
      "معطل",
      "معطلی",
      "صف",
      "دیر",
      "تاخیر",
      "دیرکرد",
      "~کند",
      "کندی",
      "سریع",
      "سرعت",
      "~زود",
      "~فوری",
      "طول کشید",
      "طول میکشه",
      "به موقع",
      "بموقع",
      "سر وقت",
      "~طولانی",
      "لفت",
      "دیر رسید",
      "زود رسید",
      "دیر اومد",
      "دیر آمد",
    ],
    refund: [
      "مرجوع",
      "مرجوعی",
      "عودت",
      "استرداد",
      "بازگشت وجه",
      "بازپرداخت",
      "برگشت پول",
      "برگشت وجه",
      "~برگشت",
      "پس داد",
      "پس بدید",
      "پس بدن",
      "پس بده",
      "پس بدین",
      "پس میدن",
      "پس نمیدن",
      "پس گرفت",
      "پس بگیرم",
      "پس بگیرید",
      "پس بگیرن",
      "پس میگیرن",
      "پس نمیگیرن",
      "~لغو",
      "~کنسل",
      "~تعویض",
      "~گارانتی",
      "~ضمانت",
      "~خسارت",
    ],
  },
  stop: ["پسته", "انتظار داشت", "انتظار نداشت", "انتظارات", "از انتظار", "انتظار میرفت"],
};

const AR: LanguageKeywords = {
  themes: {
    processes: [
      "إجراءات",
      "الإجراءات",
      "اجراءات",
      "الاجراءات",
      "روتين",
      "بيروقراطية",
      "~أوراق",
      "~اوراق",
      "~مستندات",
      "~معاملة",
      "~المعاملة",
      "~حجز",
      "~الحجز",
      "~موعد",
      "~تسجيل",
    ],
    communications: [
      "تواصل",
      "التواصل",
      "~اتصال",
      "إبلاغ",
      "ابلاغ",
      "أبلغ",
      "ابلغوني",
      "إشعار",
      "اشعار",
      "إشعارات",
      "اشعارات",
      "~رسالة",
      "~رسائل",
      "رسالة نصية",
      "مسج",
      "~ايميل",
      "إيميل",
      "بريد إلكتروني",
      "البريد الإلكتروني",
      "~إعلام",
      "~معلومات",
      "معلومة",
      "~توضيح",
      "~شرح",
      "~تحديث",
      "~تحديثات",
      "لم يردوا",
      "ما ردوا",
      "ما احد رد",
      "تجاهل",
      "تجاهلوا",
      "مضلل",
      "~إعلان",
      "~اعلان",
    ],
    product: [
      "~منتج",
      "~المنتج",
      "~سلعة",
      "~قطعة",
      "~جهاز",
      "~الجهاز",
      "~جوال",
      "~موبايل",
      "~هاتف",
      "~لابتوب",
      "~شاحن",
      "~سماعة",
      "~بطارية",
      "~شاشة",
      "~كاميرا",
      "~حذاء",
      "~جزمة",
      "~ملابس",
      "~قميص",
      "~فستان",
      "~مقاس",
      "~المقاس",
      "~أكل",
      "~اكل",
      "~الاكل",
      "~طعام",
      "~وجبة",
      "~بيتزا",
      "~برجر",
      "~قهوة",
      "~مشروب",
      "~خبز",
      "~غرفة",
      "~سرير",
      "~سيارة",
      "~اثاث",
      "~باقة",
      "~الشبكة",
      "~تغطية",
      "~انترنت",
      "~يشتغل",
      "~ما يشتغل",
      "~لا يعمل",
      "~يعمل",
      "~مكونات",
      "~تصميم",
      "~مريح",
    ],
    channels: [
      "الموقع الإلكتروني",
      "موقع إلكتروني",
      "الموقع الالكتروني",
      "فرع",
      "الفرع",
      "فروع",
      "~المعرض",
      "~متجر",
      "~المتجر",
      "~محل",
      "~المحل",
      "~صراف",
      "~الصراف الآلي",
      "هاتفيا",
      "عبر الهاتف",
      "الخط الساخن",
      "~أونلاين",
      "~اونلاين",
      "~موقع",
    ],
    packaging: ["تغليف", "التغليف", "~علبة", "~كرتون", "~الكرتونة", "~مغلف", "تعبئة"],
    judge: [
      "ممتاز",
      "ممتازة",
      "رائع",
      "رائعة",
      "جميل",
      "جميلة",
      "حلو",
      "حلوة",
      "جيد",
      "جيدة",
      "زين",
      "سيء",
      "سيئ",
      "سيئة",
      "سيئه",
      "رديء",
      "رديئة",
      "ردي",
      "سيء جدا",
      "خربان",
      "تعبان",
      "أفضل",
      "افضل",
      "أسوأ",
      "اسوأ",
      "مقرف",
      "خايس",
      "فاشل",
      "يجنن",
      "روعة",
      "روعه",
      "تحفة",
      "انصح",
      "أنصح",
    ],
    delivery: [
      "توصيل",
      "شحن",
      "شحنة",
      "مندوب",
      "~سائق",
      "~طرد",
      "طرود",
      "~ارسال",
      "تسليم",
      "استلام",
      "~استلمت",
      "أرامكس",
      "سمسا",
      "بريد",
      "~كرتون",
      "تتبع",
      "ديليفري",
      "دليفري",
      "ما وصل",
      "ما وصلت",
      "ما وصلني",
      "ما وصلتني",
      "لم يصل",
      "لم تصل",
      "لم يصلني",
      "لم تصلني",
      "وصل متأخر",
      "وصلت متأخرة",
      "~وصل",
      "~وصلت",
      "~وصلني",
      "~طلب",
      "رسوم التوصيل",
      "رسوم الشحن",
      "شحن مجاني",
      "توصيل مجاني",
    ],
    price: [
      "سعر",
      "أسعار",
      "غالي",
      "غالية",
      "غلا",
      "غلاء",
      "رخيص",
      "رخيصة",
      "أرخص",
      "أغلى",
      "ثمن",
      "تكلفة",
      "كلفة",
      "مكلف",
      "باهظ",
      "خصم",
      "تخفيض",
      "تخفيضات",
      "كوبون",
      "كود خصم",
      "~عرض",
      "~عروض",
      "يستاهل",
      "~قيمة",
      "رسوم",
      "مبالغ فيه",
      "~فلوس",
      "~ريال",
      "~درهم",
      "~جنيه",
      "~دينار",
      "رسوم التوصيل",
      "رسوم الشحن",
      "شحن مجاني",
      "توصيل مجاني",
    ],
    quality: [
      "جودة",
      "رديء",
      "رديئة",
      "رداءة",
      "ردي",
      "خربان",
      "خربانة",
      "خرب",
      "خراب",
      "معطل",
      "معطوب",
      "تالف",
      "مكسور",
      "~كسر",
      "مغشوش",
      "تقليد",
      "مقلد",
      "~أصلي",
      "طعم",
      "مذاق",
      "لذيذ",
      "~طازج",
      "بايت",
      "منتهي الصلاحية",
      "~صلاحية",
      "خامة",
      "خامات",
      "قماش",
      "متين",
      "متانة",
      "~صناعة",
      "عيب",
      "عيوب",
      "أعطال",
      "~عطل",
      "~منتج",
    ],
    support: [
      "خدمة العملاء",
      "خدمة عملاء",
      "دعم",
      "الدعم الفني",
      "~خدمة",
      "~رد",
      "~يرد",
      "~يردون",
      "ما يردون",
      "ما يرد",
      "ما ردوا",
      "لا يرد",
      "لا يردون",
      "لم يرد",
      "لم يردوا",
      "بدون رد",
      "أحد يرد",
      "~هاتف",
      "~تواصل",
      "~اتصال",
      "~اتصلت",
      "~اتصلنا",
      "كول سنتر",
      "مركز الاتصال",
      "الخط الساخن",
      "~شكوى",
      "~شكاوي",
      "~تذكرة",
      "~إيميل",
      "~شات",
      "~محادثة",
      "~ممثل",
    ],
    staff: [
      "موظف",
      "طاقم",
      "~عامل",
      "~عمال",
      "كاشير",
      "~محاسب",
      "جرسون",
      "نادل",
      "ويتر",
      "~مدير",
      "~استقبال",
      "~بائع",
      "تعامل",
      "~معاملة",
      "سوء المعاملة",
      "سوء التعامل",
      "~أسلوب",
      "أخلاق",
      "~محترم",
      "~احترام",
      "وقح",
      "قليل الأدب",
      "قلة أدب",
      "قلة الأدب",
      "بشوش",
      "~لطيف",
      "مهذب",
      "ودود",
      "متعاون",
      "~دكتور",
      "~ممرض",
      "~حارس",
    ],
    app: [
      "تطبيق",
      "أبلكيشن",
      "أبليكيشن",
      "~برنامج",
      "~موقع",
      "الموقع الإلكتروني",
      "موقع إلكتروني",
      "~ويب",
      "~تحديث",
      "~خطأ",
      "~يعلق",
      "يهنق",
      "هنق",
      "تسجيل الدخول",
      "كلمة المرور",
      "كلمة السر",
      "~حساب",
      "~واجهة",
      "واجهة المستخدم",
      "رمز التحقق",
      "كود التحقق",
      "كود التفعيل",
      "~صفحة",
      "~رابط",
      "~سيستم",
      "~بوت",
      "~سلة",
    ],
    payment: [
      "دفع",
      "الدفع عند الاستلام",
      "سداد",
      "فاتورة",
      "فواتير",
      "~بطاقة",
      "بطاقة ائتمان",
      "بطاقة ائتمانية",
      "~فيزا",
      "ماستركارد",
      "أبل باي",
      "تابي",
      "تمارا",
      "تقسيط",
      "أقساط",
      "~كاش",
      "~مبلغ",
      "تم خصم",
      "انخصم",
      "~تحويل",
      "~بنك",
      "~محفظة",
      "~اشتراك",
    ],
    wait: [
      "انتظار",
      "انتظر",
      "~منتظر",
      "استنى",
      "استنيت",
      "طابور",
      "~دور",
      "تأخير",
      "تأخر",
      "متأخر",
      "تطويل",
      "طولوا",
      "مماطلة",
      "بطيء",
      "بطيئة",
      "بطء",
      "بطئ",
      "سريع",
      "سرعة",
      "~بدري",
      "في الوقت المحدد",
      "في الموعد",
      "~موعد",
      "وصل متأخر",
      "وصلت متأخرة",
    ],
    refund: [
      "استرجاع",
      "استرداد",
      "إرجاع",
      "ترجيع",
      "مرتجع",
      "~أرجعت",
      "~رجعت",
      "~استبدال",
      "~إلغاء",
      "~كنسل",
      "~فلوسي",
      "~تعويض",
      "~ضمان",
    ],
  },
  stop: ["شحن البطارية"],
};

const TR: LanguageKeywords = {
  themes: {
    processes: [
      "prosedür*",
      "prosedur*",
      "bürokrasi*",
      "burokrasi*",
      "evrak*",
      "~süreç*",
      "~surec*",
      "~işlem*",
      "~form*",
      "~randevu*",
      "~rezervasyon*",
      "~başvuru*",
      "~onay*",
    ],
    communications: [
      "iletişim*",
      "bilgilendir*",
      "bilgi ver*",
      "~bilgi",
      "~bilgisi",
      "bildirim*",
      "~mesaj*",
      "sms",
      "e-posta*",
      "eposta*",
      "~mail*",
      "haber ver*",
      "haberdar",
      "~haber",
      "~açıklama*",
      "~aciklama*",
      "~duyuru*",
      "yanıltıcı",
      "yaniltici",
      "~dönüş",
      "geri dönüş*",
      "dönüş yapmadı*",
      "~güncelleme*",
      "bilgilendirme yapılmadı",
      "~cevap vermedi*",
    ],
    product: [
      "~ürün*",
      "~urun*",
      "~malzeme*",
      "~telefon*",
      "~cihaz*",
      "~laptop*",
      "~şarj*",
      "~kulaklık*",
      "~batarya*",
      "~pil*",
      "~ekran*",
      "~kamera*",
      "~ayakkabı*",
      "~kıyafet*",
      "~elbise*",
      "~gömlek*",
      "~beden*",
      "~yemek*",
      "~pizza*",
      "~burger*",
      "~kahve*",
      "~içecek*",
      "~tatlı*",
      "~ekmek*",
      "~oda*",
      "~yatak*",
      "~araba*",
      "~araç*",
      "~mobilya*",
      "~paket*",
      "~tarife*",
      "~çekim*",
      "tam oldu",
      "tam olmadı",
      "küçük geldi",
      "büyük geldi",
      "dar geldi",
      "bol geldi",
      "kalıbı",
      "~çalışıyor",
      "~çalışmıyor",
      "~çalışmadı",
      "~sorunsuz çalışıyor",
      "~tasarım*",
      "~rahat*",
      "~orijinal*",
      "~taze*",
    ],
    channels: [
      "şube*",
      "sube*",
      "~mağaza*",
      "~magaza*",
      "~dükkan*",
      "~bayi*",
      "telefonla",
      "telefondan",
      "çağrı merkez*",
      "cagri merkez*",
      "~atm*",
      "~gişe*",
      "~online",
      "~internetten",
    ],
    packaging: ["ambalaj*", "paketleme*", "~kutu*", "~koli*", "poşet*"],
    judge: [
      "harika",
      "mükemmel",
      "mukemmel",
      "güzel",
      "guzel",
      "iyi",
      "süper",
      "super",
      "kaliteli",
      "kalitesiz",
      "berbat",
      "kötü",
      "kotu",
      "rezalet",
      "beğendim",
      "begendim",
      "beğenmedim",
      "begenmedim",
      "tavsiye*",
      "bayıldım",
      "bayildim",
      "idare eder",
      "vasat",
      "fena",
      "en iyi",
      "en kötü",
      "çöp",
      "cop",
      "memnun*",
    ],
    delivery: [
      "kargo*",
      "teslim*",
      "kurye*",
      "~gönder*",
      "gönderim*",
      "gönderi",
      "gönderisi",
      "~paket*",
      "paketleme*",
      "ptt*",
      "dağıtım*",
      "elime ulaş*",
      "elimize ulaş*",
      "~ulaştı",
      "~gelmedi",
      "~sipariş*",
      "~takip*",
      "geç geldi",
      "erken geldi",
      "yanlış ürün",
      "eksik ürün",
      "eksik geldi",
      "kargo ücret*",
      "ücretsiz kargo",
    ],
    price: [
      "fiyat*",
      "pahalı*",
      "ucuz*",
      "ücret*",
      "indirim*",
      "kupon*",
      "~kampanya*",
      "fp",
      "f p",
      "~para*",
      "parasına değer*",
      "parasını hak*",
      "değmez",
      "kazık*",
      "hesaplı*",
      "maliyet*",
      "~tl",
      "~lira*",
      "zam",
      "zamlı*",
      "~bütçe*",
      "kargo ücret*",
      "ücretsiz kargo",
    ],
    quality: [
      "kalite*",
      "bozuk*",
      "bozul*",
      "arıza*",
      "kusur*",
      "defo*",
      "hasar*",
      "kırık*",
      "kırıl*",
      "yırtık*",
      "yırtıl*",
      "sahte*",
      "çakma",
      "~orijinal*",
      "malzeme*",
      "kumaş*",
      "dikiş*",
      "lezzet*",
      "tadı",
      "tat",
      "bayat*",
      "~taze*",
      "son kullanma",
      "~sağlam*",
      "dayanıklı*",
      "dayanıksız*",
      "~ürün*",
      "çürük*",
      "küf",
      "küflü*",
      "~leke*",
      "çizik*",
      "çizil*",
      "ezik*",
      "işçilik*",
      "ayıplı*",
      "hatalı*",
    ],
    support: [
      "müşteri hizmet*",
      "destek*",
      "desteğ*",
      "çağrı merkez*",
      "call center",
      "temsilci*",
      "~yetkili*",
      "ulaşam*",
      "ulaşılam*",
      "~cevap*",
      "~yanıt*",
      "cevap ver*",
      "yanıt ver*",
      "dönüş yap*",
      "geri dönüş*",
      "~dönüş*",
      "~şikayet*",
      "~mail*",
      "~ilgilen*",
      "~çözüm*",
    ],
    staff: [
      "personel*",
      "çalışan*",
      "garson*",
      "kasiyer*",
      "~müdür*",
      "satış danışman*",
      "~satıcı*",
      "görevli*",
      "eleman*",
      "~kaba",
      "kabaydı",
      "kabalık*",
      "saygısız*",
      "saygılı*",
      "terbiyesiz*",
      "kibar*",
      "nazik*",
      "güler yüz*",
      "güleryüz*",
      "asık surat*",
      "ilgisiz*",
      "tavır*",
      "tavr*",
      "davran*",
      "~doktor*",
      "~hemşire*",
      "~samimi*",
      "~ekip*",
    ],
    app: [
      "uygulama*",
      "~site*",
      "web sitesi",
      "internet sitesi",
      "~web*",
      "arayüz*",
      "giriş yapa*",
      "şifre*",
      "~hata*",
      "hata ver*",
      "çökme*",
      "çöküyor",
      "~donuyor",
      "~donma*",
      "~güncelleme*",
      "bug",
      "buglar",
      "bugları",
      "~bağlantı*",
      "~yüklenmi*",
      "doğrulama kod*",
      "sms kod*",
      "~sms",
      "~sepet*",
    ],
    payment: [
      "ödeme*",
      "öded*",
      "öden*",
      "fatura*",
      "kredi kart*",
      "banka kart*",
      "~kart",
      "~kartı*",
      "~kartla*",
      "~kartta",
      "taksit*",
      "~çekil*",
      "tahsil*",
      "havale*",
      "eft",
      "~banka*",
      "~abonelik*",
      "~cüzdan*",
      "provizyon*",
      "~bakiye*",
      "iyzico",
      "papara",
    ],
    wait: [
      "bekle*",
      "gecik*",
      "geç",
      "geç geldi",
      "erken geldi",
      "yavaş*",
      "hızlı*",
      "hız",
      "hızı",
      "hızla",
      "hızda",
      "çabuk*",
      "süre",
      "süresi",
      "sürede",
      "süreyi",
      "sürdü",
      "zamanında",
      "vaktinde",
      "saatlerce",
      "günlerce",
      "haftalarca",
      "kuyruk*",
      "kuyruğ*",
      "~erken",
      "~anında",
    ],
    refund: [
      "iade*",
      "geri ödeme*",
      "paramı geri",
      "geri gönder*",
      "geri al*",
      "~değişim*",
      "~iptal*",
      "~tazmin*",
      "cayma",
      "~garanti*",
    ],
  },
  stop: [
    "destekl*",
    "beklediğim*",
    "beklemediğim*",
    "beklenti*",
    "beklenen*",
    "beklendiği*",
    "beklemiyordum",
    "beklerdim",
  ],
};

const KEYWORDS: Readonly<Record<Locale, LanguageKeywords>> = { en: EN, fa: FA, ar: AR, tr: TR };

// ---------------------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------------------

const LABELS: Readonly<Record<Locale, Readonly<Record<Theme, string>>>> = {
  en: {
    communications: "Communication",
    product: "Product",
    processes: "Processes",
    channels: "Service channels",
    people: "Staff & support",
    price: "Price",
  },
  fa: {
    communications: "اطلاع‌رسانی و ارتباط",
    product: "محصول",
    processes: "فرایندها",
    channels: "کانال‌های خدمت‌رسانی",
    people: "کارکنان و پشتیبانی",
    price: "قیمت",
  },
  ar: {
    communications: "التواصل والإبلاغ",
    product: "المنتج",
    processes: "الإجراءات",
    channels: "قنوات الخدمة",
    people: "الموظفون وخدمة العملاء",
    price: "السعر",
  },
  tr: {
    communications: "İletişim ve bilgilendirme",
    product: "Ürün",
    processes: "Süreçler",
    channels: "Hizmet kanalları",
    people: "Personel ve destek",
    price: "Fiyat",
  },
};

const SUB_LABELS: Readonly<Record<Locale, Readonly<Record<SubTheme, string>>>> = {
  en: {
    delivery: "Delivery",
    wait: "Speed & waiting time",
    refund: "Returns & refunds",
    payment: "Payment & billing",
    quality: "Product quality",
    packaging: "Packaging",
    app: "App & website",
    support: "Customer support",
    staff: "Staff",
  },
  fa: {
    delivery: "ارسال و تحویل",
    wait: "سرعت و زمان انتظار",
    refund: "مرجوعی و بازگشت وجه",
    payment: "پرداخت",
    quality: "کیفیت محصول",
    packaging: "بسته‌بندی",
    app: "اپلیکیشن و سایت",
    support: "پشتیبانی",
    staff: "کارکنان",
  },
  ar: {
    delivery: "التوصيل والشحن",
    wait: "السرعة ووقت الانتظار",
    refund: "الإرجاع والاسترداد",
    payment: "الدفع والفواتير",
    quality: "جودة المنتج",
    packaging: "التغليف",
    app: "التطبيق والموقع",
    support: "خدمة العملاء",
    staff: "الموظفون",
  },
  tr: {
    delivery: "Kargo ve teslimat",
    wait: "Hız ve bekleme süresi",
    refund: "İade ve geri ödeme",
    payment: "Ödeme ve fatura",
    quality: "Ürün kalitesi",
    packaging: "Ambalaj",
    app: "Uygulama ve web sitesi",
    support: "Müşteri hizmetleri",
    staff: "Personel",
  },
};

/** The component's name for people reading alerts and reports, in each locale (English for an unknown one). */
export function themeLabel(theme: Theme, locale: Locale): string {
  return (LABELS[locale] ?? LABELS.en)[theme] ?? String(theme);
}

/** The sub-theme's name for people, in each locale (English for an unknown locale). */
export function subThemeLabel(subTheme: SubTheme, locale: Locale): string {
  return (SUB_LABELS[locale] ?? SUB_LABELS.en)[subTheme] ?? String(subTheme);
}

// ---------------------------------------------------------------------------------------------------------
// Compiled index
// ---------------------------------------------------------------------------------------------------------

/** Themes a matched entry stands for, as bitmasks over THEMES indexes. Both 0: a stop entry. */
interface Hit {
  readonly strong: number;
  readonly weak: number;
}

interface Phrase {
  readonly keys: readonly string[];
  /** The last key is a stem matched as a prefix. */
  readonly stemLast: boolean;
  readonly hit: Hit;
}

interface LanguageIndex {
  readonly lang: Locale;
  readonly exact: ReadonlyMap<string, Hit>;
  readonly stems: ReadonlyMap<string, Hit>;
  readonly minStem: number;
  readonly maxStem: number;
  /** Phrases by their first key, longest first. */
  readonly phrases: ReadonlyMap<string, readonly Phrase[]>;
  readonly canon: Canon;
  /** Memo of single-token hits (null: no hit); bounded, invisible to callers. */
  readonly hitCache: Map<string, Hit | null>;
}

const STOP: Hit = { strong: 0, weak: 0 };
const CACHE_LIMIT = 20_000;
const COMBINING_DOT_RE = /\u0307/g;

/** The match key of a normalized token: Turkish letters folded to ASCII; a stray combining dot dropped. */
function keyOf(token: string): string {
  return foldTurkish(token.includes("\u0307") ? token.replace(COMBINING_DOT_RE, "") : token);
}

function keysOf(raw: string, canon: Canon): string[] {
  return tokenizeNormalized(normalizeText(raw, canon), canon).map(keyOf);
}

/** Two entries with the same key: a stop entry wins, otherwise the themes add up (strong over weak). */
function unionHit(old: Hit | undefined, hit: Hit): Hit {
  if (!old) return hit;
  if (old === STOP || hit === STOP) return STOP;
  const strong = old.strong | hit.strong;
  return { strong, weak: (old.weak | hit.weak) & ~strong };
}

function mergeHit(map: Map<string, Hit>, key: string, hit: Hit): void {
  map.set(key, unionHit(map.get(key), hit));
}

interface Entry {
  readonly raw: string;
  readonly hit: Hit;
}

function entriesOf(keywords: LanguageKeywords): Entry[] {
  const out: Entry[] = [];
  TAGS.forEach((tag, i) => {
    for (const raw of keywords.themes[tag] ?? []) {
      const weak = raw.startsWith("~");
      const bit = 1 << i;
      out.push({
        raw: weak ? raw.slice(1) : raw,
        hit: weak ? { strong: 0, weak: bit } : { strong: bit, weak: 0 },
      });
    }
  });
  for (const raw of keywords.stop) out.push({ raw, hit: STOP });
  return out;
}

function compileLanguage(lang: Locale, canon: Canon): LanguageIndex {
  const exact = new Map<string, Hit>();
  const stems = new Map<string, Hit>();
  const phraseHits = new Map<string, { keys: string[]; stemLast: boolean; hit: Hit }>();
  for (const { raw, hit } of entriesOf(KEYWORDS[lang])) {
    const stem = raw.endsWith("*");
    const keys = keysOf(stem ? raw.slice(0, -1) : raw, canon);
    if (keys.length === 0) continue;
    if (keys.length === 1) {
      mergeHit(stem ? stems : exact, keys[0] ?? "", hit);
      continue;
    }
    const id = `${keys.join(" ")}${stem ? "*" : ""}`;
    phraseHits.set(id, { keys, stemLast: stem, hit: unionHit(phraseHits.get(id)?.hit, hit) });
  }
  const phrases = new Map<string, Phrase[]>();
  for (const phrase of phraseHits.values()) {
    const first = phrase.keys[0] ?? "";
    const list = phrases.get(first) ?? [];
    list.push(phrase);
    phrases.set(first, list);
  }
  for (const list of phrases.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  const stemLengths = [...stems.keys()].map((k) => k.length);
  return {
    lang,
    exact,
    stems,
    minStem: stemLengths.length > 0 ? Math.min(...stemLengths) : 0,
    maxStem: stemLengths.length > 0 ? Math.max(...stemLengths) : 0,
    phrases,
    canon,
    hitCache: new Map(),
  };
}

/** One canonical form's indexes, in script groups and in the order a comment's locale prefers them. */
interface CanonIndex {
  readonly byLang: Readonly<Record<Locale, LanguageIndex>>;
}

function compileCanon(canon: Canon): CanonIndex {
  return {
    byLang: {
      en: compileLanguage("en", canon),
      fa: compileLanguage("fa", canon),
      ar: compileLanguage("ar", canon),
      tr: compileLanguage("tr", canon),
    },
  };
}

const INDEXES: Readonly<Record<Canon, CanonIndex>> = { fa: compileCanon("fa"), ar: compileCanon("ar") };

/** Which keyword languages a token of each script is looked up in, own language first. */
function languageOrder(locale: Locale): {
  readonly arabic: readonly Locale[];
  readonly latin: readonly Locale[];
} {
  return {
    arabic: locale === "fa" ? ["fa", "ar"] : ["ar", "fa"],
    latin: locale === "tr" ? ["tr", "en"] : ["en", "tr"],
  };
}

const ORDERS: Readonly<Record<Locale, ReturnType<typeof languageOrder>>> = {
  en: languageOrder("en"),
  fa: languageOrder("fa"),
  ar: languageOrder("ar"),
  tr: languageOrder("tr"),
};

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function basesOf(index: LanguageIndex, key: string): readonly BaseForm[] {
  return baseForms(key, index.lang, index.canon);
}

function lookupUncached(index: LanguageIndex, key: string): Hit | null {
  const bases = basesOf(index, key);
  for (const { base } of bases) {
    const hit = index.exact.get(base);
    if (hit) return hit;
  }
  return stemOfForms(bases, index.stems, index.minStem, index.maxStem)?.value ?? null;
}

/** The entry a single token matches in one language, or null. */
function lookup(index: LanguageIndex, key: string): Hit | null {
  const cached = index.hitCache.get(key);
  if (cached !== undefined) return cached;
  return remember(index.hitCache, key, lookupUncached(index, key));
}

function tokenMatches(index: LanguageIndex, key: string | undefined, want: string, stem: boolean): boolean {
  if (key === undefined) return false;
  const bases = basesOf(index, key);
  return bases.some(({ base }) => (stem ? base.startsWith(want) : base === want));
}

/** The longest phrase of one language starting at token i, if any. */
function phraseAt(index: LanguageIndex, keys: readonly string[], i: number): Phrase | undefined {
  if (index.phrases.size === 0) return undefined;
  let best: Phrase | undefined;
  for (const { base } of basesOf(index, keys[i] ?? "")) {
    const list = index.phrases.get(base);
    if (!list) continue;
    for (const phrase of list) {
      if (best && best.keys.length >= phrase.keys.length) break;
      const last = phrase.keys.length - 1;
      let ok = true;
      for (let j = 1; j <= last && ok; j++) {
        ok = tokenMatches(index, keys[i + j], phrase.keys[j] ?? "", phrase.stemLast && j === last);
      }
      if (ok) {
        best = phrase;
        break;
      }
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Tagging
// ---------------------------------------------------------------------------------------------------------

/** Score a theme needs to be reported: one strong cue, or weak cues from two different words. */
const THRESHOLD = 1;
const WEAK_SCORE = 0.5;
const NO_THEMES: readonly Theme[] = Object.freeze([]);
const NO_MENTIONS: readonly ThemeMention[] = Object.freeze([]);

function isArabicScript(ch: number): boolean {
  return ch >= 0x0600 && ch <= 0x06ff;
}

function isWordToken(token: string): boolean {
  return /^[\p{L}\p{N}]/u.test(token);
}

/** Scores of one set of labels (components or tags), with the weak words already counted. */
interface Tally {
  readonly score: number[];
  readonly first: number[];
  readonly weakSeen: Set<string>;
}

function newTally(size: number): Tally {
  return {
    score: new Array<number>(size).fill(0),
    first: new Array<number>(size).fill(-1),
    weakSeen: new Set(),
  };
}

function addBits(tally: Tally, strong: number, weak: number, position: number, word: string): void {
  for (let t = 0; t < tally.score.length; t++) {
    const bit = 1 << t;
    if (strong & bit) tally.score[t] = (tally.score[t] ?? 0) + 1;
    else if (weak & bit) {
      const id = `${t}:${word}`;
      if (tally.weakSeen.has(id)) continue;
      tally.weakSeen.add(id);
      tally.score[t] = (tally.score[t] ?? 0) + WEAK_SCORE;
    } else continue;
    if ((tally.first[t] ?? -1) < 0) tally.first[t] = position;
  }
}

function componentBits(tags: number): number {
  let out = 0;
  for (let t = 0; t < TAGS.length; t++) if (tags & (1 << t)) out |= TAG_COMPONENT_BIT[t] ?? 0;
  return out;
}

/** What one text (a whole comment or one clause) mentions. */
interface Reading {
  readonly components: Tally;
  readonly tags: Tally;
  judged: boolean;
}

function addHit(reading: Reading, hit: Hit, position: number, word: string): void {
  if (hit === STOP) return;
  if ((hit.strong | hit.weak) & JUDGE_BIT) reading.judged = true;
  addBits(reading.tags, hit.strong, hit.weak, position, word);
  const strong = componentBits(hit.strong);
  addBits(reading.components, strong, componentBits(hit.weak) & ~strong, position, word);
}

function readKeys(keys: readonly string[], canon: CanonIndex, locale: Locale): Reading {
  const order = ORDERS[locale] ?? ORDERS.en;
  const reading: Reading = {
    components: newTally(THEMES.length),
    tags: newTally(TAGS.length),
    judged: false,
  };
  for (let i = 0; i < keys.length; ) {
    const key = keys[i] ?? "";
    if (!isWordToken(key)) {
      i++;
      continue;
    }
    const langs = isArabicScript(key.charCodeAt(0)) ? order.arabic : order.latin;
    let phrase: Phrase | undefined;
    for (const lang of langs) {
      phrase = phraseAt(canon.byLang[lang], keys, i);
      if (phrase) break;
    }
    if (phrase) {
      addHit(reading, phrase.hit, i, keys.slice(i, i + phrase.keys.length).join(" "));
      i += phrase.keys.length;
      continue;
    }
    for (const lang of langs) {
      const hit = lookup(canon.byLang[lang], key);
      if (hit) {
        addHit(reading, hit, i, key);
        break;
      }
    }
    i++;
  }
  // A weak product cue ("the phone", "the pizza") next to a judgement ("is great") judges the product.
  const product = THEMES.indexOf("product");
  const score = reading.components.score[product] ?? 0;
  if (reading.judged && score > 0 && score < THRESHOLD) reading.components.score[product] = THRESHOLD;
  return reading;
}

/** Indexes of the labels of a tally that reached the threshold, most prominent first (most, then earliest). */
function found(tally: Tally): number[] {
  const out: number[] = [];
  for (let t = 0; t < tally.score.length; t++) if ((tally.score[t] ?? 0) >= THRESHOLD) out.push(t);
  return out.sort(
    (a, b) =>
      (tally.score[b] ?? 0) - (tally.score[a] ?? 0) || (tally.first[a] ?? 0) - (tally.first[b] ?? 0) || a - b,
  );
}

function readText(text: string, locale: Locale): Reading | null {
  if (typeof text !== "string" || text.length === 0) return null;
  const normalized = normalizeText(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text, locale);
  const keys = tokenizeNormalized(normalized, locale).map(keyOf);
  return readKeys(keys, INDEXES[canonOf(locale)], locale);
}

/**
 * The CX components a comment talks about, most prominent first (most mentions, then earliest); [] when none.
 * Keywords of every language are matched whatever the locale; the locale picks the normalization (Turkish
 * casing, Persian or Arabic letter forms) and which language wins when a word means different things in two.
 * Pure, synchronous, total: never throws, any input (empty, 100 kB, emoji, mixed scripts); only the first
 * 10,000 characters are read.
 */
export function tagThemes(text: string, locale: Locale): readonly Theme[] {
  try {
    const reading = readText(text, locale);
    if (!reading) return NO_THEMES;
    const components = found(reading.components);
    return components.length === 0 ? NO_THEMES : components.map((t) => THEMES[t] ?? "product");
  } catch {
    return NO_THEMES;
  }
}

const CLAUSE_RE =
  /[.!?;\n\u061F\u061B\u06D4\u2026]+|(?<![\p{L}\p{M}\p{N}])(?:but|however|although|though|ama|fakat|ancak|lakin|ولی|اما|ولكن|لكن|لكنّ|بس)(?![\p{L}\p{M}\p{N}])/giu;

/** A comment cut into clauses at sentence punctuation and contrast words ("but", "ama", "ولی", "لكن"…). */
export function splitClauses(text: string): string[] {
  return text
    .split(CLAUSE_RE)
    .map((c) => c.trim())
    .filter((c) => /[\p{L}\p{N}]/u.test(c));
}

const sentiment = createRuleBasedSentimentAnalyzer();

/** When a component is mentioned in clauses of different sentiment, the most negative reading is kept. */
const SEVERITY: Readonly<Record<SentimentLabel, number>> = { negative: 2, positive: 1, neutral: 0 };

/**
 * The components of a comment (as tagThemes finds them, same order), each with the sub-themes found under it
 * and the sentiment of the clause that mentions it — "the food was great but the waiter was rude" gives product
 * positive and people negative. Clauses are cut at sentence punctuation and contrast words; a component
 * mentioned in several clauses takes the most negative of them; one found only from cues spread over clauses
 * takes the whole comment's sentiment. Total like tagThemes: never throws.
 */
export function tagThemesDetailed(text: string, locale: Locale): readonly ThemeMention[] {
  try {
    const whole = readText(text, locale);
    if (!whole) return NO_MENTIONS;
    const components = found(whole.components);
    if (components.length === 0) return NO_MENTIONS;
    const tags = found(whole.tags);
    const clauses = splitClauses(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
    const readings = clauses.map((clause) => ({ clause, reading: readText(clause, locale) }));
    let overall: SentimentLabel | undefined;
    return components.map((t) => {
      const theme = THEMES[t] ?? "product";
      const subThemes = tags
        .map((i) => TAGS[i])
        .filter(
          (tag): tag is SubTheme => tag !== undefined && SUB_THEME_COMPONENT[tag as SubTheme] === theme,
        );
      let label: SentimentLabel | undefined;
      for (const { clause, reading } of readings) {
        if (!reading || (reading.components.score[t] ?? 0) <= 0) continue;
        const l = sentiment.analyze(clause, locale).label;
        if (label === undefined || SEVERITY[l] > SEVERITY[label]) label = l;
      }
      if (label === undefined) {
        overall ??= sentiment.analyze(text, locale).label;
        label = overall;
      }
      return { theme, subThemes, sentiment: label };
    });
  } catch {
    return NO_MENTIONS;
  }
}
