import type { Band, Condition, FlowDefinition, LocalizedText, Step } from "../flow/schema.ts";
import { LOCALES, type Locale } from "../locale.ts";
import { ratingRange } from "../parse/answer.ts";
import type { SentimentLabel } from "../sentiment/types.ts";
import { toLocaleDigits } from "../text/digits.ts";
import type { Theme } from "../themes/themes.ts";

/** The words of an outline in one language. Numbers reach these functions already in the locale's digits. */
interface OutlineWords {
  readonly steps: string;
  readonly alerts: string;
  readonly noAlerts: string;
  readonly types: Readonly<Record<Step["type"], string>>;
  readonly customScale: string;
  readonly range: (min: string, max: string) => string;
  readonly multiple: string;
  readonly required: string;
  /** A step's sentiment tag, in its header. */
  readonly tag: (sentiment: string) => string;
  readonly sentiments: Readonly<Record<SentimentLabel, string>>;
  readonly bands: Readonly<Record<Band, string>>;
  readonly themes: Readonly<Record<Theme, string>>;
  /** The two ends of a rating scale, each "0 = label". */
  readonly scaleEnds: (low: string, high: string) => string;
  /** Marks a text shown in another locale because this one has none. */
  readonly untranslated: (shownIn: string) => string;
  readonly goesTo: (step: string) => string;
  readonly surveyEnds: string;
  readonly otherwise: (then: string) => string;
  /** "if <condition>": the condition's parts already joined; `at` names the step it tests when not this one. */
  readonly ifClause: (condition: string, at?: string) => string;
  readonly ifThen: (clause: string, then: string) => string;
  readonly followUp: (steps: string) => string;
  readonly routedTo: (route: string) => string;
  readonly notRouted: string;
  readonly max: (n: string) => string;
  readonly min: (n: string) => string;
  readonly between: (min: string, max: string) => string;
  readonly band: (bands: string) => string;
  readonly sentiment: (labels: string) => string;
  readonly theme: (themes: string) => string;
  readonly choice: (options: string) => string;
  readonly answered: string;
  readonly skipped: string;
  /** Joins the parts of a condition (all must hold). */
  readonly and: string;
  /** Joins the values of one part (any may hold). */
  readonly or: string;
  readonly comma: string;
  readonly quote: (text: string) => string;
  readonly arrow: string;
}

const WORDS = {
  en: {
    steps: "Steps",
    alerts: "Alerts",
    noAlerts: "No alerts.",
    types: { rating: "rating", choice: "choice", text: "free text", message: "message", end: "end" },
    customScale: "custom scale",
    range: (min, max) => `${min}–${max}`,
    multiple: "several answers allowed",
    required: "required",
    tag: (s) => `sentiment: ${s}`,
    sentiments: { negative: "negative", neutral: "neutral", positive: "positive" },
    bands: {
      detractor: "detractor",
      passive: "passive",
      promoter: "promoter",
      low: "low",
      neutral: "neutral",
      high: "high",
    },
    themes: {
      communications: "communication",
      product: "product",
      processes: "processes",
      channels: "channels",
      people: "staff and support",
      price: "price",
    },
    scaleEnds: (low, high) => `scale ends: ${low}, ${high}`,
    untranslated: (l) => `(not translated; shown in ${l})`,
    goesTo: (s) => `goes to ${s}`,
    surveyEnds: "the survey ends",
    otherwise: (then) => `otherwise, ${then}`,
    ifClause: (c, at) => `if ${c}${at === undefined ? "" : ` at step ${at}`}`,
    ifThen: (clause, then) => `${clause}, ${then}`,
    followUp: (steps) => `follow-up by sentiment: ${steps}`,
    routedTo: (r) => `routed to ${r}`,
    notRouted: "not routed",
    max: (n) => `score ≤ ${n}`,
    min: (n) => `score ≥ ${n}`,
    between: (min, max) => `score is ${min}–${max}`,
    band: (b) => `score is in the ${b} band`,
    sentiment: (s) => `sentiment is ${s}`,
    theme: (t) => `theme is ${t}`,
    choice: (o) => `the answer is ${o}`,
    answered: "the question was answered",
    skipped: "the question was skipped",
    and: " and ",
    or: " or ",
    comma: ", ",
    quote: (t) => `“${t}”`,
    arrow: "→",
  },
  fa: {
    steps: "مراحل",
    alerts: "هشدارها",
    noAlerts: "هیچ هشداری تعریف نشده است.",
    types: { rating: "امتیازدهی", choice: "چندگزینه‌ای", text: "متن آزاد", message: "پیام", end: "پایان" },
    customScale: "مقیاس سفارشی",
    range: (min, max) => `${min} تا ${max}`,
    multiple: "امکان انتخاب چند گزینه",
    required: "اجباری",
    tag: (s) => `احساس: ${s}`,
    sentiments: { negative: "منفی", neutral: "خنثی", positive: "مثبت" },
    bands: {
      detractor: "منتقد",
      passive: "منفعل",
      promoter: "مروج",
      low: "پایین",
      neutral: "متوسط",
      high: "بالا",
    },
    themes: {
      communications: "اطلاع‌رسانی",
      product: "محصول",
      processes: "فرایندها",
      channels: "کانال‌ها",
      people: "کارکنان و پشتیبانی",
      price: "قیمت",
    },
    scaleEnds: (low, high) => `دو سر طیف: ${low}، ${high}`,
    untranslated: (l) => `(ترجمه نشده؛ به زبان ${l})`,
    goesTo: (s) => `به ${s} می‌رود`,
    surveyEnds: "نظرسنجی تمام می‌شود",
    otherwise: (then) => `وگرنه ${then}`,
    ifClause: (c, at) => `اگر ${at === undefined ? "" : `در مرحلهٔ ${at} `}${c} باشد`,
    ifThen: (clause, then) => `${clause}، ${then}`,
    followUp: (steps) => `پیگیری بر اساس احساس: ${steps}`,
    routedTo: (r) => `به ${r} فرستاده می‌شود`,
    notRouted: "مقصدی برایش تعیین نشده",
    max: (n) => `امتیاز ${n} یا کمتر`,
    min: (n) => `امتیاز ${n} یا بیشتر`,
    between: (min, max) => `امتیاز بین ${min} و ${max}`,
    band: (b) => `امتیاز در دستهٔ ${b}`,
    sentiment: (s) => `احساس ${s}`,
    theme: (t) => `موضوع ${t}`,
    choice: (o) => `پاسخ ${o}`,
    answered: "به سؤال پاسخ داده شده",
    skipped: "سؤال رد شده",
    and: " و ",
    or: " یا ",
    comma: "، ",
    quote: (t) => `«${t}»`,
    arrow: "←",
  },
  ar: {
    steps: "الخطوات",
    alerts: "التنبيهات",
    noAlerts: "لا توجد تنبيهات.",
    types: { rating: "تقييم", choice: "اختيار من متعدد", text: "نص حر", message: "رسالة", end: "نهاية" },
    customScale: "مقياس مخصص",
    range: (min, max) => `من ${min} إلى ${max}`,
    multiple: "يمكن اختيار أكثر من إجابة",
    required: "إلزامي",
    tag: (s) => `المشاعر: ${s}`,
    sentiments: { negative: "سلبية", neutral: "محايدة", positive: "إيجابية" },
    bands: {
      detractor: "المنتقدين",
      passive: "المحايدين",
      promoter: "المروّجين",
      low: "الدرجات المنخفضة",
      neutral: "الدرجات المتوسطة",
      high: "الدرجات المرتفعة",
    },
    themes: {
      communications: "التواصل",
      product: "المنتج",
      processes: "الإجراءات",
      channels: "القنوات",
      people: "الموظفين والدعم",
      price: "السعر",
    },
    scaleEnds: (low, high) => `طرفا المقياس: ${low}، ${high}`,
    untranslated: (l) => `(غير مترجم؛ معروض بلغة ${l})`,
    goesTo: (s) => `ينتقل إلى ${s}`,
    surveyEnds: "ينتهي الاستبيان",
    otherwise: (then) => `وإلا ${then}`,
    ifClause: (c, at) => `إذا ${c}${at === undefined ? "" : ` في الخطوة ${at}`}`,
    ifThen: (clause, then) => `${clause}، ${then}`,
    followUp: (steps) => `متابعة حسب المشاعر: ${steps}`,
    routedTo: (r) => `يُوجَّه إلى ${r}`,
    notRouted: "لم تُحدَّد له وجهة",
    max: (n) => `كانت الدرجة ${n} أو أقل`,
    min: (n) => `كانت الدرجة ${n} أو أكثر`,
    between: (min, max) => `كانت الدرجة بين ${min} و${max}`,
    band: (b) => `كانت الدرجة ضمن فئة ${b}`,
    sentiment: (s) => `كانت المشاعر ${s}`,
    theme: (t) => `كان الموضوع ${t}`,
    choice: (o) => `كانت الإجابة ${o}`,
    answered: "تمت الإجابة عن السؤال",
    skipped: "تم تخطي السؤال",
    and: " و",
    or: " أو ",
    comma: "، ",
    quote: (t) => `«${t}»`,
    arrow: "←",
  },
  tr: {
    steps: "Adımlar",
    alerts: "Uyarılar",
    noAlerts: "Tanımlı uyarı yok.",
    types: { rating: "puanlama", choice: "seçmeli", text: "serbest metin", message: "mesaj", end: "bitiş" },
    customScale: "özel ölçek",
    range: (min, max) => `${min}–${max}`,
    multiple: "birden fazla seçilebilir",
    required: "zorunlu",
    tag: (s) => `duygu: ${s}`,
    sentiments: { negative: "olumsuz", neutral: "nötr", positive: "olumlu" },
    bands: {
      detractor: "kötüleyen",
      passive: "pasif",
      promoter: "destekçi",
      low: "düşük",
      neutral: "orta",
      high: "yüksek",
    },
    themes: {
      communications: "iletişim",
      product: "ürün",
      processes: "süreçler",
      channels: "kanallar",
      people: "personel ve destek",
      price: "fiyat",
    },
    scaleEnds: (low, high) => `ölçeğin uçları: ${low}, ${high}`,
    untranslated: (l) => `(çevrilmemiş; ${l} dilinde gösteriliyor)`,
    goesTo: (s) => `${s} adımına geçer`,
    surveyEnds: "anket sona erer",
    otherwise: (then) => `aksi hâlde ${then}`,
    ifClause: (c, at) => `${at === undefined ? "" : `${at} adımında `}${c} ise`,
    ifThen: (clause, then) => `${clause} ${then}`,
    followUp: (steps) => `duyguya göre takip: ${steps}`,
    routedTo: (r) => `${r} kanalına yönlendirilir`,
    notRouted: "yönlendirme tanımlı değil",
    max: (n) => `puan ${n} veya altı`,
    min: (n) => `puan ${n} veya üstü`,
    between: (min, max) => `puan ${min} ile ${max} arası`,
    band: (b) => `puan grubu ${b}`,
    sentiment: (s) => `duygu ${s}`,
    theme: (t) => `konu ${t}`,
    choice: (o) => `yanıt ${o}`,
    answered: "soru yanıtlanmış",
    skipped: "soru atlanmış",
    and: " ve ",
    or: " veya ",
    comma: ", ",
    quote: (t) => `“${t}”`,
    arrow: "→",
  },
} as const satisfies Record<Locale, OutlineWords>;

const INDENT = "   ";

/** The step's text in `locale`, else along the flow's fallback chain, else any; with the locale it came from. */
function resolve(
  flow: FlowDefinition,
  text: LocalizedText,
  locale: Locale,
): { text: string; locale: Locale } {
  for (const l of [locale, ...flow.fallback, ...LOCALES]) {
    const value = text[l];
    if (value !== undefined) return { text: value, locale: l };
  }
  return { text: "", locale };
}

/**
 * `/cx show <flow> [locale]`: a readable outline for an admin, in `locale`: the title, each step (number, id,
 * type, scale, its prompt or text in that locale via the flow's fallback chain, options with ids, sentiment tag,
 * where it goes next: plain next, goto with its condition, followUp lists), then the alert rules (id, condition
 * in words, route). Plain text lines, no markup; numbers in the locale's digits. Step, option and alert ids are
 * shown as written, since admins type them in commands.
 */
export function outlineFlow(flow: FlowDefinition, locale: Locale): string[] {
  const w: OutlineWords = WORDS[locale];
  const num = (n: number): string => toLocaleDigits(String(n), locale);
  const list = (items: readonly string[], joiner: string): string => items.join(joiner);
  const stepOf = (id: string | undefined): Step | undefined => flow.steps.find((s) => s.id === id);
  const text = (t: LocalizedText): string => {
    const shown = resolve(flow, t, locale);
    return shown.locale === locale ? shown.text : `${shown.text} ${w.untranslated(shown.locale)}`;
  };
  /** Multi-line texts stay readable: every line indented. */
  const block = (t: LocalizedText): string[] =>
    text(t)
      .split("\n")
      .map((line) => `${INDENT}${line}`);

  const conditionWords = (cond: Condition, owner: Step | undefined): string => {
    const target = stepOf(cond.step) ?? owner;
    const parts: string[] = [];
    if (cond.min !== undefined && cond.max !== undefined) parts.push(w.between(num(cond.min), num(cond.max)));
    else if (cond.max !== undefined) parts.push(w.max(num(cond.max)));
    else if (cond.min !== undefined) parts.push(w.min(num(cond.min)));
    if (cond.band !== undefined)
      parts.push(
        w.band(
          list(
            [cond.band].flat().map((b) => w.bands[b]),
            w.or,
          ),
        ),
      );
    if (cond.sentiment !== undefined)
      parts.push(
        w.sentiment(
          list(
            [cond.sentiment].flat().map((s) => w.sentiments[s]),
            w.or,
          ),
        ),
      );
    if (cond.theme !== undefined)
      parts.push(
        w.theme(
          list(
            [cond.theme].flat().map((t) => w.themes[t]),
            w.or,
          ),
        ),
      );
    if (cond.choice !== undefined) {
      const label = (id: string): string => {
        const option = target?.type === "choice" ? target.options.find((o) => o.id === id) : undefined;
        return w.quote(option === undefined ? id : resolve(flow, option.label, locale).text);
      };
      parts.push(w.choice(list([cond.choice].flat().map(label), w.or)));
    }
    if (cond.answered !== undefined) parts.push(cond.answered ? w.answered : w.skipped);
    return list(parts, w.and);
  };
  const clause = (cond: Condition, owner: Step): string =>
    w.ifClause(
      conditionWords(cond, owner),
      cond.step === undefined || cond.step === owner.id ? undefined : cond.step,
    );

  const lines: string[] = [`${text(flow.title)} — ${flow.key}`, "", w.steps];
  flow.steps.forEach((step, i) => {
    const about: string[] = [w.types[step.type]];
    if (step.type === "rating") {
      const { min, max } = ratingRange(step);
      const scale = step.scale === "custom" ? w.customScale : step.scale.toUpperCase();
      about.push(`${scale} ${w.range(num(min), num(max))}`);
    }
    if (step.type === "choice" && step.multiple) about.push(w.multiple);
    if (step.type !== "message" && step.type !== "end" && !step.optional) about.push(w.required);
    if (step.sentiment !== undefined) about.push(w.tag(w.sentiments[step.sentiment]));
    lines.push(`${num(i + 1)}. ${step.id} — ${list(about, w.comma)}`);

    switch (step.type) {
      case "rating": {
        lines.push(...block(step.prompt));
        if (step.labels) {
          const { min, max } = ratingRange(step);
          lines.push(
            `${INDENT}${w.scaleEnds(`${num(min)} = ${text(step.labels.min)}`, `${num(max)} = ${text(step.labels.max)}`)}`,
          );
        }
        break;
      }
      case "choice":
        lines.push(...block(step.prompt));
        for (const o of step.options) lines.push(`${INDENT}• ${o.id}: ${text(o.label)}`);
        break;
      case "text":
        lines.push(...block(step.prompt));
        break;
      case "message":
      case "end":
        lines.push(...block(step.text));
        break;
      default: {
        const never: never = step;
        throw new Error(`unhandled step ${JSON.stringify(never)}`);
      }
    }
    if (step.type === "end") return;

    // Where it goes, read the way the engine decides: the rules in order, then the following step.
    const following = flow.steps[i + 1]?.id;
    const fallThrough = following === undefined ? w.surveyEnds : w.goesTo(following);
    const goes = (line: string): void => {
      lines.push(`${INDENT}${w.arrow} ${line}`);
    };
    if (step.next === undefined) goes(fallThrough);
    else if (typeof step.next === "string") goes(w.goesTo(step.next));
    else {
      let decided = false;
      step.next.forEach((rule, r) => {
        if (decided) return;
        if ("followUp" in rule) {
          const tagged = rule.followUp.map((id) => {
            const tag = stepOf(id)?.sentiment;
            return tag === undefined ? id : `${id} (${w.sentiments[tag]})`;
          });
          goes(w.followUp(list(tagged, w.comma)));
        } else if (rule.when === undefined) {
          goes(r === 0 ? w.goesTo(rule.goto) : w.otherwise(w.goesTo(rule.goto)));
          decided = true;
        } else goes(w.ifThen(clause(rule.when, step), w.goesTo(rule.goto)));
      });
      if (!decided) goes(w.otherwise(fallThrough));
    }
  });

  lines.push("", w.alerts);
  if (flow.alerts.length === 0) lines.push(w.noAlerts);
  for (const alert of flow.alerts) {
    // An alert always names the step whose answer it tests.
    const condition = w.ifClause(conditionWords(alert.when, stepOf(alert.when.step)), alert.when.step);
    const route = alert.route === undefined ? w.notRouted : w.routedTo(alert.route);
    lines.push(`• ${alert.id}: ${condition} — ${route}`);
  }
  return lines;
}
