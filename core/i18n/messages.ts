import type { Locale } from "../locale.ts";
import { toLocaleDigits } from "../text/digits.ts";

/**
 * cxbot's own user-visible sentences (flow texts live in the flow files). Every key exists in every
 * locale — the type checker enforces it. `{name}` placeholders are filled by {@link t}; numbers are written
 * in the locale's own digits.
 */
const MESSAGES = {
  en: {
    forwarded: "Thank you — I’ve passed your message on to our support team.",
    checkDm: "I’ve sent you the survey in a direct message.",
    optFlow: "Which survey",
    optLanguage: "The survey's language",
    cmdFeedbackButton: "Post a “Give feedback” button in this channel",
    feedbackButton: "Give feedback",
    feedbackButtonText: "Tell us how we’re doing — it takes less than a minute.",
    dmsClosed:
      "I couldn’t send you a direct message, so we’ll continue here where only you can see it. To get surveys in your DMs, allow direct messages from this server’s members.",
    buttonPosted: "The feedback button is posted.",
    writeAnswer: "Write your answer",
    yourAnswer: "Your answer",
    supportReply: "Message from our support team:\n\n{text}",
    cmdFeedback: "Start a feedback survey",
    cmdStop: "Stop the survey",
    cmdSkip: "Skip this question",
    cmdLanguage: "Change the language",
    cmdHelp: "How to answer",
    cmdForget: "Erase my data",
    forgetConfirm:
      "Do you want us to erase everything we keep about you: your survey answers, comments and messages? This can’t be undone. Reply yes or no.",
    forgetYes: "Yes, erase it",
    forgetNo: "No, keep it",
    forgotten: "Done. Everything we kept about you has been erased.",
    forgetKept: "Nothing was erased.",
    erasedCustomer: "[data erased at the customer’s request]",
    privateOnly: "Surveys happen in a private chat with me: {link}",
    reaskRating: "Please reply with a number from {min} to {max}.",
    outOfRange: "{value} is outside the scale. Please choose a number from {min} to {max}.",
    reaskChoice: "Please choose one of the options, or reply with its number.",
    reaskMultiple:
      "Tap every option that applies, then tap “Done”. You can also type their numbers, e.g. 1, 3.",
    reaskText: "Please type your answer in a message.",
    required: "This question needs an answer.",
    offerSkip: "Having trouble with this one? You can skip it.",
    skipped: "Skipped.",
    skip: "Skip",
    done: "Done",
    multipleHint: "You can choose more than one.",
    nothingSelected: "Please choose at least one option first.",
    stopped: "Survey stopped. Your answers so far have been saved — thank you for your time.",
    noSurvey: "There is no survey in progress right now. Send /feedback to start one.",
    flowPaused: "Sorry, this survey is not available right now.",
    testMode: "Test mode: your answers will not count in the scores.",
    unknownFlow: "Sorry, there is no survey called “{flow}”.",
    help: "Answer with the buttons or by typing.\n/skip — skip this question\n/stop — end the survey\n/restart — start again\n/language — change the language",
    chooseLanguage: "Choose your language:",
    languageChanged: "Language changed to English.",
    stale: "That question has already been answered.",
    resumed: "Welcome back! Let’s pick up where you left off.",
    failed:
      "Sorry, something went wrong on our side and your answer was not saved. Please try again in a moment.",
    answer: "Your answer: {answer}",
    longText: "Your message was long, so we kept all of it with your answers.",
    expired: "Your previous survey timed out. Send /feedback to start a new one.",
    thanks: "Thank you for your feedback!",
    optedOut: "Done — we won’t send you any more surveys. You can still send /feedback whenever you like.",
    reminder: "A quick reminder: we’d love to hear from you. It only takes a minute.",
  },
  fa: {
    forwarded: "ممنون! پیامتان را به تیم پشتیبانی رساندم.",
    checkDm: "نظرسنجی را در پیام خصوصی برایتان فرستادم.",
    optFlow: "کدام نظرسنجی",
    optLanguage: "زبان نظرسنجی",
    cmdFeedbackButton: "گذاشتن دکمهٔ «ثبت بازخورد» در این کانال",
    feedbackButton: "ثبت بازخورد",
    feedbackButtonText: "بگویید کار ما چطور است؛ کمتر از یک دقیقه وقت می‌گیرد.",
    dmsClosed:
      "نتوانستم برایتان پیام خصوصی بفرستم، پس همین‌جا ادامه می‌دهیم؛ این پیام‌ها را فقط شما می‌بینید. برای دریافت نظرسنجی در پیام خصوصی، پیام خصوصی از اعضای این سرور را مجاز کنید.",
    buttonPosted: "دکمهٔ بازخورد گذاشته شد.",
    writeAnswer: "نوشتن پاسخ",
    yourAnswer: "پاسخ شما",
    supportReply: "پیام تیم پشتیبانی:\n\n{text}",
    cmdFeedback: "شروع نظرسنجی",
    cmdStop: "توقف نظرسنجی",
    cmdSkip: "رد شدن از این سؤال",
    cmdLanguage: "تغییر زبان",
    cmdHelp: "راهنمای پاسخ دادن",
    cmdForget: "پاک کردن اطلاعات من",
    forgetConfirm:
      "می‌خواهید همهٔ اطلاعاتی را که از شما نگه داشته‌ایم پاک کنیم؟ یعنی پاسخ‌های نظرسنجی، نظرها و پیام‌هایتان. این کار برگشت‌پذیر نیست. «بله» یا «خیر» را بفرستید.",
    forgetYes: "بله، پاک شود",
    forgetNo: "خیر، بماند",
    forgotten: "انجام شد. همهٔ اطلاعاتی که از شما داشتیم پاک شد.",
    forgetKept: "چیزی پاک نشد.",
    erasedCustomer: "[اطلاعات به درخواست مشتری پاک شد]",
    privateOnly: "نظرسنجی در گفت‌وگوی خصوصی با من انجام می‌شود: {link}",
    reaskRating: "لطفاً با عددی از {min} تا {max} پاسخ دهید.",
    outOfRange: "عدد {value} خارج از بازهٔ مجاز است. لطفاً عددی از {min} تا {max} انتخاب کنید.",
    reaskChoice: "لطفاً یکی از گزینه‌ها را انتخاب کنید یا شمارهٔ آن را بفرستید.",
    reaskMultiple:
      "گزینه‌های مورد نظرتان را بزنید و سپس «تمام» را انتخاب کنید. می‌توانید شمارهٔ گزینه‌ها را هم بنویسید، مثلاً ۱، ۳.",
    reaskText: "لطفاً پاسخ خود را در یک پیام بنویسید.",
    required: "پاسخ به این سؤال الزامی است.",
    offerSkip: "اگر پاسخ دادن به این سؤال سخت است، می‌توانید از آن رد شوید.",
    skipped: "این سؤال رد شد.",
    skip: "رد شدن",
    done: "تمام",
    multipleHint: "می‌توانید بیش از یک گزینه انتخاب کنید.",
    nothingSelected: "لطفاً اول دست‌کم یک گزینه را انتخاب کنید.",
    stopped: "نظرسنجی متوقف شد. پاسخ‌هایی که تا اینجا داده‌اید ذخیره شده است؛ از وقتی که گذاشتید سپاسگزاریم.",
    noSurvey: "در حال حاضر نظرسنجی فعالی ندارید. برای شروع، /feedback را بفرستید.",
    flowPaused: "متأسفیم، این نظرسنجی فعلاً در دسترس نیست.",
    testMode: "حالت آزمایشی: پاسخ‌های شما در امتیازها حساب نمی‌شود.",
    unknownFlow: "متأسفیم، نظرسنجی‌ای با نام «{flow}» وجود ندارد.",
    help: "با دکمه‌ها یا با نوشتن پاسخ دهید.\n/skip — رد شدن از این سؤال\n/stop — پایان نظرسنجی\n/restart — شروع دوباره\n/language — تغییر زبان",
    chooseLanguage: "زبان خود را انتخاب کنید:",
    languageChanged: "زبان به فارسی تغییر کرد.",
    stale: "به این سؤال قبلاً پاسخ داده شده است.",
    resumed: "دوباره خوش آمدید! از همان جایی که مانده بودیم ادامه می‌دهیم.",
    failed: "متأسفیم، مشکلی از طرف ما پیش آمد و پاسخ شما ثبت نشد. لطفاً چند لحظه دیگر دوباره امتحان کنید.",
    answer: "پاسخ شما: {answer}",
    longText: "پیامتان طولانی بود؛ همهٔ آن را همراه پاسخ‌هایتان ذخیره کردیم.",
    expired: "مهلت پاسخ به نظرسنجی قبلی‌تان تمام شد. برای شروع یک نظرسنجی تازه، /feedback را بفرستید.",
    thanks: "از بازخورد شما سپاسگزاریم!",
    optedOut: "انجام شد؛ دیگر برایتان نظرسنجی نمی‌فرستیم. هر وقت خواستید، می‌توانید /feedback را بفرستید.",
    reminder: "یادآوری کوتاه: خیلی دوست داریم نظرتان را بدانیم. فقط یک دقیقه وقت می‌گیرد.",
  },
  ar: {
    forwarded: "شكرًا لك، أوصلتُ رسالتك إلى فريق الدعم.",
    checkDm: "أرسلتُ إليك الاستبيان في رسالة خاصة.",
    optFlow: "أي استبيان",
    optLanguage: "لغة الاستبيان",
    cmdFeedbackButton: "نشر زر «شاركنا رأيك» في هذه القناة",
    feedbackButton: "شاركنا رأيك",
    feedbackButtonText: "أخبرنا كيف نؤدي عملنا — لن يستغرق ذلك أكثر من دقيقة.",
    dmsClosed:
      "لم أتمكن من إرسال رسالة خاصة إليك، لذا سنكمل هنا حيث لا يرى الرسائل أحد غيرك. لتصلك الاستبيانات في الرسائل الخاصة، اسمح بالرسائل المباشرة من أعضاء هذا الخادم.",
    buttonPosted: "تم نشر زر الملاحظات.",
    writeAnswer: "اكتب إجابتك",
    yourAnswer: "إجابتك",
    supportReply: "رسالة من فريق الدعم:\n\n{text}",
    cmdFeedback: "بدء استبيان",
    cmdStop: "إيقاف الاستبيان",
    cmdSkip: "تخطي هذا السؤال",
    cmdLanguage: "تغيير اللغة",
    cmdHelp: "طريقة الإجابة",
    cmdForget: "حذف بياناتي",
    forgetConfirm:
      "هل تريد أن نحذف كل ما نحتفظ به عنك: إجاباتك في الاستبيانات وتعليقاتك ورسائلك؟ لا يمكن التراجع عن ذلك. أرسل «نعم» أو «لا».",
    forgetYes: "نعم، احذفها",
    forgetNo: "لا، أبقِها",
    forgotten: "تم. حُذف كل ما كنا نحتفظ به عنك.",
    forgetKept: "لم يُحذف شيء.",
    erasedCustomer: "[حُذفت البيانات بطلب من العميل]",
    privateOnly: "يجري الاستبيان في محادثة خاصة معي: {link}",
    reaskRating: "يُرجى الرد برقم من {min} إلى {max}.",
    outOfRange: "الرقم {value} خارج النطاق. يُرجى اختيار رقم من {min} إلى {max}.",
    reaskChoice: "يُرجى اختيار أحد الخيارات، أو إرسال رقمه.",
    reaskMultiple: "اختر كل الخيارات التي تنطبق عليك، ثم اضغط «تم». يمكنك أيضًا كتابة أرقامها، مثل: ١، ٣.",
    reaskText: "يُرجى كتابة إجابتك في رسالة.",
    required: "الإجابة عن هذا السؤال مطلوبة.",
    offerSkip: "هل تجد صعوبة في هذا السؤال؟ يمكنك تخطيه.",
    skipped: "تم تخطي السؤال.",
    skip: "تخطٍّ",
    done: "تم",
    multipleHint: "يمكنك اختيار أكثر من خيار.",
    nothingSelected: "يُرجى اختيار خيار واحد على الأقل أولًا.",
    stopped: "تم إيقاف الاستبيان، وحفظنا ما أجبت عنه حتى الآن. شكرًا لك على وقتك.",
    noSurvey: "لا يوجد استبيان جارٍ الآن. أرسل /feedback لبدء استبيان.",
    flowPaused: "عذرًا، هذا الاستبيان غير متاح حاليًا.",
    testMode: "وضع التجربة: لن تُحتسب إجاباتك في النتائج.",
    unknownFlow: "عذرًا، لا يوجد استبيان باسم «{flow}».",
    help: "أجب باستخدام الأزرار أو بالكتابة.\n/skip — تخطي هذا السؤال\n/stop — إنهاء الاستبيان\n/restart — البدء من جديد\n/language — تغيير اللغة",
    chooseLanguage: "اختر لغتك:",
    languageChanged: "تم تغيير اللغة إلى العربية.",
    stale: "تمت الإجابة عن هذا السؤال بالفعل.",
    resumed: "مرحبًا بعودتك! لنكمل من حيث توقفنا.",
    failed: "عذرًا، حدث خطأ من جهتنا ولم يُحفظ ردّك. يُرجى المحاولة مرة أخرى بعد قليل.",
    answer: "إجابتك: {answer}",
    longText: "كانت رسالتك طويلة، فاحتفظنا بها كاملة مع إجاباتك.",
    expired: "انتهت مهلة استبيانك السابق. أرسل /feedback لبدء استبيان جديد.",
    thanks: "شكرًا لك على ملاحظاتك!",
    optedOut: "تم، لن نرسل إليك أي استبيانات بعد الآن. ويمكنك إرسال /feedback متى شئت.",
    reminder: "تذكير سريع: يسعدنا أن نسمع رأيك، ولن يستغرق ذلك أكثر من دقيقة.",
  },
  tr: {
    forwarded: "Teşekkürler, mesajınızı destek ekibimize ilettim.",
    checkDm: "Anketi size özel mesaj olarak gönderdim.",
    optFlow: "Hangi anket",
    optLanguage: "Anketin dili",
    cmdFeedbackButton: "Bu kanala bir “Geri bildirim ver” düğmesi koy",
    feedbackButton: "Geri bildirim ver",
    feedbackButtonText: "Nasıl gittiğimizi bize anlatın; bir dakikadan kısa sürer.",
    dmsClosed:
      "Size özel mesaj gönderemedim, bu yüzden burada devam edeceğiz; bu mesajları yalnızca siz görürsünüz. Anketleri özel mesajla almak için bu sunucunun üyelerinden gelen özel mesajlara izin verin.",
    buttonPosted: "Geri bildirim düğmesi eklendi.",
    writeAnswer: "Yanıtını yaz",
    yourAnswer: "Yanıtınız",
    supportReply: "Destek ekibimizden bir mesaj:\n\n{text}",
    cmdFeedback: "Anket başlat",
    cmdStop: "Anketi durdur",
    cmdSkip: "Bu soruyu atla",
    cmdLanguage: "Dili değiştir",
    cmdHelp: "Nasıl yanıt verilir",
    cmdForget: "Verilerimi sil",
    forgetConfirm:
      "Hakkınızda sakladığımız her şeyi, yani anket yanıtlarınızı, yorumlarınızı ve mesajlarınızı silmemizi istiyor musunuz? Bu işlem geri alınamaz. «Evet» ya da «Hayır» yazın.",
    forgetYes: "Evet, sil",
    forgetNo: "Hayır, kalsın",
    forgotten: "Tamam. Hakkınızda sakladığımız her şey silindi.",
    forgetKept: "Hiçbir şey silinmedi.",
    erasedCustomer: "[veriler müşterinin isteğiyle silindi]",
    privateOnly: "Anketler benimle özel sohbette yapılır: {link}",
    reaskRating: "Lütfen {min} ile {max} arasında bir sayıyla yanıt verin.",
    outOfRange: "{value} ölçeğin dışında. Lütfen {min} ile {max} arasında bir sayı seçin.",
    reaskChoice: "Lütfen seçeneklerden birini seçin ya da numarasını yazın.",
    reaskMultiple:
      "Size uyan tüm seçeneklere dokunun, ardından “Tamam” düğmesine basın. Numaralarını da yazabilirsiniz, örneğin 1, 3.",
    reaskText: "Lütfen yanıtınızı bir mesaj olarak yazın.",
    required: "Bu sorunun yanıtlanması gerekiyor.",
    offerSkip: "Bu soruda zorlanıyor musunuz? İsterseniz atlayabilirsiniz.",
    skipped: "Soru atlandı.",
    skip: "Atla",
    done: "Tamam",
    multipleHint: "Birden fazla seçenek seçebilirsiniz.",
    nothingSelected: "Lütfen önce en az bir seçenek seçin.",
    stopped:
      "Anket durduruldu. Şu ana kadarki yanıtlarınız kaydedildi; zaman ayırdığınız için teşekkür ederiz.",
    noSurvey: "Şu anda devam eden bir anket yok. Yeni bir anket başlatmak için /feedback yazın.",
    flowPaused: "Üzgünüz, bu anket şu anda kullanılamıyor.",
    testMode: "Deneme modu: yanıtlarınız puanlara dahil edilmeyecek.",
    unknownFlow: "Üzgünüz, “{flow}” adında bir anket yok.",
    help: "Düğmelerle ya da yazarak yanıt verebilirsiniz.\n/skip — bu soruyu atlayın\n/stop — anketi bitirin\n/restart — baştan başlayın\n/language — dili değiştirin",
    chooseLanguage: "Dilinizi seçin:",
    languageChanged: "Dil Türkçe olarak değiştirildi.",
    stale: "Bu soru zaten yanıtlandı.",
    resumed: "Tekrar hoş geldiniz! Kaldığımız yerden devam edelim.",
    failed:
      "Üzgünüz, bizden kaynaklanan bir sorun oldu ve yanıtınız kaydedilemedi. Lütfen birazdan tekrar deneyin.",
    answer: "Yanıtınız: {answer}",
    longText: "Mesajınız uzundu; tamamını yanıtlarınızla birlikte kaydettik.",
    expired: "Önceki anketinizin süresi doldu. Yeni bir anket başlatmak için /feedback yazın.",
    thanks: "Geri bildiriminiz için teşekkür ederiz!",
    optedOut:
      "Tamam, size artık anket göndermeyeceğiz. Dilediğiniz zaman /feedback yazarak görüşünüzü paylaşabilirsiniz.",
    reminder: "Küçük bir hatırlatma: görüşlerinizi duymayı çok isteriz. Yalnızca bir dakikanızı alır.",
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type MessageKey = keyof (typeof MESSAGES)["en"];

/** `true` when every locale of a message table has exactly the English keys (checked at compile time). */
export type CompleteLocales<M extends Record<Locale, object>> = [
  Exclude<keyof M["en"], keyof M["fa"] & keyof M["ar"] & keyof M["tr"]>,
  Exclude<keyof M["fa"] | keyof M["ar"] | keyof M["tr"], keyof M["en"]>,
] extends [never, never]
  ? true
  : false;
const _allLocalesComplete: CompleteLocales<typeof MESSAGES> = true;
void _allLocalesComplete;

/** The native names of the languages, for the language picker. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  en: "English",
  fa: "فارسی",
  ar: "العربية",
  tr: "Türkçe",
};

/** A localized system sentence with its placeholders filled; numbers use the locale's digits. */
export function t(
  locale: Locale,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return fillTemplate(MESSAGES[locale][key], locale, params);
}

/** Fills `{name}` placeholders; numbers are written in the locale's own digits. */
export function fillTemplate(
  template: string,
  locale: Locale,
  params: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? toLocaleDigits(String(value), locale) : value;
  });
}
