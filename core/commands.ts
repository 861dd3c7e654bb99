import { z } from "zod";
import { ZFlowKey } from "./flow/schema.ts";
import { LOCALES, type Locale, matchLocale } from "./locale.ts";
import { foldAnswer } from "./parse/fold.ts";

/**
 * The one command grammar of every platform: what a respondent can type or send as a slash command, and the
 * start payloads of deep links. Adapters hand typed text to the core as it came; platforms with native slash
 * commands (Slack, Discord) hand over `/name argument`, the way a respondent would have typed it.
 */

/** The commands a respondent can give at any time, by slash command, button or typed word. */
/** `forget`: erase everything cxbot keeps about the respondent, after they confirm (core/privacy). */
export type CommandName = "skip" | "stop" | "restart" | "help" | "language" | "forget";

/** The survey commands every platform registers, in this order (`/restart` works but is not advertised). */
export const SURVEY_COMMANDS = ["feedback", "skip", "stop", "language", "forget", "help"] as const;
export type SurveyCommand = (typeof SURVEY_COMMANDS)[number];

/** What a line of text from a respondent means before any survey logic looks at it. */
export type TextIntent =
  /** Start (or resume) a survey: `/start nps__order42`, `/feedback csat fa`, or a bare start word when idle. */
  | {
      readonly type: "start";
      readonly flowKey?: string;
      readonly reference?: string;
      readonly locale?: Locale;
      /** A bare word ("feedback", "نظرسنجی"): a start only when no survey is in progress, else an answer. */
      readonly word?: boolean;
    }
  | { readonly type: "command"; readonly command: CommandName; readonly argument?: string }
  /** `/cx …`: an admin command, for the admin service (unknown to respondents). */
  | { readonly type: "admin"; readonly argument: string }
  | { readonly type: "text" };

const SLASH = /^\/([a-z_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/i;

const SLASH_COMMANDS: Readonly<Record<string, CommandName>> = {
  skip: "skip",
  stop: "stop",
  cancel: "stop",
  restart: "restart",
  help: "help",
  language: "language",
  lang: "language",
  forget: "forget",
};

const START_SLASH = new Set(["start", "feedback", "survey"]);

const COMMAND_WORDS: Readonly<Record<Locale, Readonly<Record<CommandName, readonly string[]>>>> = {
  en: {
    skip: ["skip", "next", "pass"],
    stop: ["stop", "cancel", "quit", "exit", "unsubscribe"],
    restart: ["restart", "start over"],
    help: ["help"],
    language: ["language", "lang"],
    forget: ["forget me", "delete my data", "erase my data"],
  },
  fa: {
    skip: ["رد", "رد کن", "رد شو", "بعدی", "بگذر"],
    stop: ["توقف", "لغو", "پایان", "بسه", "تمام"],
    restart: ["از اول", "شروع دوباره", "شروع مجدد"],
    help: ["راهنما", "کمک"],
    language: ["زبان"],
    forget: ["فراموشم کن", "اطلاعاتم را پاک کن", "حذف اطلاعات من"],
  },
  ar: {
    skip: ["تخطي", "تخطى", "التالي", "تجاوز"],
    stop: ["توقف", "إيقاف", "ايقاف", "إلغاء", "الغاء", "إنهاء", "انهاء"],
    restart: ["إعادة", "اعادة", "من البداية", "ابدأ من جديد"],
    help: ["مساعدة", "مساعده"],
    language: ["اللغة", "اللغه", "لغة"],
    forget: ["انسني", "انساني", "احذف بياناتي", "امسح بياناتي"],
  },
  tr: {
    skip: ["atla", "geç", "sonraki", "pas"],
    stop: ["dur", "durdur", "iptal", "bitir", "çık"],
    restart: ["yeniden başla", "baştan başla", "baştan"],
    help: ["yardım"],
    language: ["dil"],
    forget: ["beni unut", "verilerimi sil"],
  },
};

/** Words that start a survey when none is in progress ("feedback" in a DM). */
const START_WORDS: Readonly<Record<Locale, readonly string[]>> = {
  en: ["feedback", "survey", "start"],
  fa: ["نظرسنجی", "بازخورد", "شروع"],
  ar: ["استبيان", "تقييم", "ابدأ"],
  tr: ["anket", "geri bildirim", "başla"],
};

const COMMAND_TABLE = new Map<string, CommandName>();
const START_TABLE = new Set<string>();
for (const locale of LOCALES) {
  for (const [command, words] of Object.entries(COMMAND_WORDS[locale]) as [
    CommandName,
    readonly string[],
  ][]) {
    for (const w of words) {
      const folded = foldAnswer(w, locale);
      if (folded !== "") COMMAND_TABLE.set(folded, command);
    }
  }
  for (const w of START_WORDS[locale]) START_TABLE.add(foldAnswer(w, locale));
}

const ZReference = z.string().regex(/^[A-Za-z0-9_-]{1,60}$/);

/**
 * Reads a start payload: a deep link's `nps__order42` (Telegram allows 1–64 of `A–Z a–z 0–9 _ -`) — a flow key,
 * then optionally `__` and a reference kept with the answers. Anything else is a bare start.
 */
export function parseStartPayload(payload: string): { flowKey?: string; reference?: string } {
  const trimmed = payload.trim();
  if (trimmed === "" || trimmed.length > 64) return {};
  const [flow, ...rest] = trimmed.split("__");
  const key = ZFlowKey.safeParse(flow?.toLowerCase());
  if (!key.success) return {};
  const reference = rest.length > 0 ? ZReference.safeParse(rest.join("__")) : undefined;
  return { flowKey: key.data, ...(reference?.success ? { reference: reference.data } : {}) };
}

/** The deep-link payload for a flow and reference (the inverse of {@link parseStartPayload}). */
export function startPayload(flowKey: string | undefined, reference?: string): string {
  if (flowKey === undefined) return "";
  return reference === undefined ? flowKey : `${flowKey}__${reference}`;
}

/** `/feedback csat fa`, `/feedback fa`, `/start nps__order42`: a flow (with reference) and a language, any order. */
function parseStartArguments(argument: string): Omit<Extract<TextIntent, { type: "start" }>, "type"> {
  let flowKey: string | undefined;
  let reference: string | undefined;
  let locale: Locale | undefined;
  for (const word of argument.trim().split(/\s+/).slice(0, 3)) {
    if (word === "") continue;
    const asLocale = word.length <= 5 ? matchLocale(word) : undefined;
    if (asLocale !== undefined && locale === undefined) {
      locale = asLocale;
      continue;
    }
    const start = parseStartPayload(word);
    if (start.flowKey !== undefined && flowKey === undefined) {
      flowKey = start.flowKey;
      reference = start.reference;
    }
  }
  return {
    ...(flowKey === undefined ? {} : { flowKey }),
    ...(reference === undefined ? {} : { reference }),
    ...(locale === undefined ? {} : { locale }),
  };
}

/**
 * Reads a line from a respondent: a slash command (`/stop`, `/language fa`, `/feedback csat`, `/start payload`,
 * `/cx …`), a whole message that is exactly a command word in any supported language ("skip", "رد", "تخطي",
 * "atla"), a start word, or an answer. A sentence that merely contains a word is an answer, not a command.
 */
export function parseText(text: string, locale: Locale): TextIntent {
  const trimmed = text.trim();
  const slash = trimmed.length <= 4096 ? SLASH.exec(trimmed) : null;
  if (slash?.[1]) {
    const name = slash[1].toLowerCase();
    const argument = (slash[2] ?? "").trim();
    if (START_SLASH.has(name)) return { type: "start", ...parseStartArguments(argument) };
    if (name === "cx") return { type: "admin", argument };
    const command = SLASH_COMMANDS[name];
    if (command === undefined) return { type: "text" };
    return argument === ""
      ? { type: "command", command }
      : { type: "command", command, argument: argument.slice(0, 40) };
  }
  if (trimmed === "?" || trimmed === "؟") return { type: "command", command: "help" };
  if (trimmed.length > 40) return { type: "text" };
  const folded = foldAnswer(trimmed, locale);
  if (folded === "") return { type: "text" };
  const command = COMMAND_TABLE.get(folded);
  if (command !== undefined) return { type: "command", command };
  if (START_TABLE.has(folded)) return { type: "start", word: true };
  return { type: "text" };
}

/** A command in a line of text, if it is one (see {@link parseText}). */
export function parseCommand(
  text: string,
  locale: Locale,
): { command: CommandName; argument?: string } | undefined {
  const intent = parseText(text, locale);
  if (intent.type !== "command") return undefined;
  return intent.argument === undefined
    ? { command: intent.command }
    : { command: intent.command, argument: intent.argument };
}

/** Typed answers to a yes/no confirmation (`/forget`'s), in every supported language. */
const CONFIRM_WORDS: Readonly<
  Record<Locale, { readonly yes: readonly string[]; readonly no: readonly string[] }>
> = {
  en: { yes: ["yes", "y", "yeah", "yep", "yes erase"], no: ["no", "n", "nope", "no keep"] },
  fa: {
    yes: ["بله", "بلی", "آره", "اره", "بله پاک شود", "بله پاک کن"],
    no: ["خیر", "نه", "نخیر", "خیر نگه دار"],
  },
  ar: { yes: ["نعم", "أجل", "اجل", "ايوه", "نعم احذفها"], no: ["لا", "كلا", "لا أبقها", "لا ابقها"] },
  tr: { yes: ["evet", "e", "evet sil"], no: ["hayır", "hayir", "h", "hayır kalsın", "hayir kalsin"] },
};

const CONFIRM_TABLE = new Map<string, "yes" | "no">();
for (const locale of LOCALES)
  for (const answer of ["yes", "no"] as const)
    for (const w of CONFIRM_WORDS[locale][answer]) {
      const folded = foldAnswer(w, locale);
      if (folded !== "") CONFIRM_TABLE.set(folded, answer);
    }

/** A whole message that says yes or no in any supported language ("evet", "نه"); undefined otherwise. */
export function parseConfirmation(text: string, locale: Locale): "yes" | "no" | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.length > 30) return undefined;
  return CONFIRM_TABLE.get(foldAnswer(trimmed.replace(/[,،!.]/g, " "), locale));
}
