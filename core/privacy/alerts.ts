import type { AlertRecord } from "../alerts/alert.ts";
import { t } from "../i18n/messages.ts";
import type { Locale } from "../locale.ts";

/** An alert with the customer's words and identity gone: scores, rules, status and who worked on it stay. */
export function anonymizeAlert(alert: AlertRecord, respondentId?: string): AlertRecord {
  const { reference: _reference, ...rest } = alert;
  return {
    ...rest,
    respondent: { channel: alert.respondent.channel, userId: respondentId ?? alert.respondent.userId },
    comments: [],
    transcript: [],
    history: alert.history.map((h) =>
      h.type === "replied" || h.type === "customer-replied" ? { ...h, text: "" } : h,
    ),
  };
}

/** Whether an alert still holds the customer's words. */
export const alertHasWords = (a: AlertRecord): boolean =>
  a.comments.length > 0 ||
  a.transcript.length > 0 ||
  a.history.some((h) => (h.type === "replied" || h.type === "customer-replied") && h.text !== "");

/**
 * What a posted alert shows once its customer's data is erased: no words, no identity, and in place of the
 * customer's name a note (in the support team's language) that the data was erased at their request.
 */
export function erasedAlert(alert: AlertRecord, pseudonym: string, staffLocale: Locale): AlertRecord {
  const anonymous = anonymizeAlert(alert, pseudonym);
  return {
    ...anonymous,
    respondent: { ...anonymous.respondent, displayName: t(staffLocale, "erasedCustomer") },
  };
}
