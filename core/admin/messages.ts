import { fillTemplate } from "../i18n/messages.ts";
import type { Locale } from "../locale.ts";

/**
 * What admins read, in en, fa, ar and tr. Placeholders are `{name}`; numbers are written in the locale's
 * digits by `fillTemplate`. Wording needs no plural agreement (counts come after a colon or a noun).
 */
const EN = {
  help: "Admin commands (/cx …):\nflows — every flow and its state\nshow <flow> [language] — the flow's outline\ntext <flow> <step> <language> <new text> — change a text (or: text <flow>, then pick)\nalert <flow> max=6 | band=detractor | sentiment=negative | theme=delivery — alert thresholds\nroute <flow> <channel> — where its alerts go\nenable / disable <flow>\nnew <flow> from nps|csat|ces\nexport <flow> — the flow as a YAML file; import <flow> — send the edited file with the command\ndiff <flow> · publish <flow> · history <flow> · rollback <flow> <version>\ntry <flow> [language] — take the survey yourself in test mode\nreport <flow> [7d|30d|90d]\nadmins [add|remove <platform:userId>] · audit [flow]",
  unknownCommand: "There is no admin command “{word}”. Send /cx help for the list.",
  missingArgument: "“{command}” needs {argument}. Send /cx help for the list.",
  badArgument: "“{value}” is not right for {command}: expected {expected}.",
  unknownFlow: "There is no flow “{flow}”. Send /cx flows for the list.",
  failed: "Something went wrong on our side and nothing was changed. Please try again in a moment.",
  flowsHeader: "Flows:",
  flowsEmpty: "There are no flows yet. Create one with /cx new <flow> from nps.",
  flowLine: "{flow} — {status} · version {version} · answers today: {today} · {metric} (30 days): {score}",
  statusLive: "live",
  statusDisabled: "disabled",
  statusDraftOnly: "draft only, never published",
  draftPending: " · draft waiting",
  noScore: "–",
  showHeader: "{title} ({flow}) — live version {version}",
  showDraftNote: "A draft is waiting: /cx diff {flow}",
  pickTarget: "Which text of {flow} do you want to change?",
  pickLocale: "In which language?",
  sendText: "Send the new text for {target} ({language}) as your next message.\nNow: {current}",
  nothingYet: "(empty)",
  sessionGone: "That edit is no longer waiting. Start again with /cx text {flow}.",
  textSaved: "Saved in the draft of {flow}: {target} ({language}).",
  alertSaved: "Saved in the draft of {flow}: the alert thresholds.",
  routeSaved: "Saved in the draft of {flow}: alerts go to {channel}.",
  draftNext:
    "Changes waiting: {edits}. Review them with /cx diff {flow}, make them live with /cx publish {flow}.",
  noChange: "That is already how it is: nothing changed.",
  editRefused: "Not saved: {path}: {reason}",
  conflict:
    "Not saved: {who} changed {flow} at {at} while you were working on it. Look at the draft with /cx diff {flow} and try again.",
  enabled: "{flow} is on: new surveys can start.",
  disabled: "{flow} is off: no new survey starts; surveys in progress can finish.",
  alreadyEnabled: "{flow} is already on.",
  alreadyDisabled: "{flow} is already off.",
  exists: "There is already a flow called “{flow}”.",
  noTemplate: "There is no {template} flow to copy.",
  created:
    "Created {flow} as a copy of {template}. It is a draft: change it, then make it live with /cx publish {flow}.",
  exportCaption: "{flow}, version {version}{draft}. Edit it and send it back attached to /cx import {flow}.",
  exportDraft: " with the draft",
  importNeedsFile: "Attach the edited file (YAML) to /cx import {flow}.",
  importTooBig: "The file is too large ({size} KB); the limit is {limit} KB. Nothing changed.",
  importUnreadable: "The file could not be downloaded. Nothing changed; please send it again.",
  importErrors: "Nothing changed. Problems in the file: {count}",
  importStale:
    "Nothing changed: the file was exported from version {version} (edit {edits}), but {flow} has changed since. Export it again and redo your edits.",
  importSaved: "The file is now the draft of {flow}.",
  diffNoDraft: "{flow} has no draft: nothing waits to be published.",
  diffHeader: "Draft of {flow} (last edit by {who}) against live version {version}:",
  diffEqual: "The draft is the same as the live version.",
  diffMore: "… and more: {count}",
  published: "{flow} version {version} is live. Surveys in progress finish on the version they started with.",
  publishedSame: "{flow}: the draft is the same as version {version}, which is now live.",
  nothingToPublish: "{flow} has no draft to publish.",
  historyHeader: "Versions of {flow}:",
  historyLine: "version {version} · {at} · {who}",
  liveMark: " ← live",
  rolledBack:
    "{flow} is back on version {version}. Surveys in progress finish on the version they started with.",
  alreadyLive: "Version {version} of {flow} is already live.",
  noSuchVersion: "{flow} has no version {version}.",
  tryStarted: "Started {flow} for you in test mode.",
  tryFailed: "Could not start {flow} for you here.",
  adminsHeader: "Admins:",
  adminFromEnv: "{who} (CX_ADMINS)",
  adminAddedBy: "{who} (added by {by})",
  adminAdded: "{who} is now an admin.",
  adminAlready: "{who} is already an admin.",
  adminRemoved: "{who} is no longer an admin.",
  adminNotFound: "{who} is not an admin added by command.",
  adminEnvOnly: "{who} is listed in CX_ADMINS; remove them there.",
  auditHeader: "Latest changes:",
  auditEmpty: "No changes recorded yet.",
  auditLine: "{at} · {who} · {action} {target}",
  buttonPublish: "Publish",
  buttonDiff: "Show changes",
  buttonShow: "Outline",
  buttonReport: "Report",
  buttonEdit: "Edit a text",
  buttonRollback: "Roll back to {version}",
  buttonEnable: "Turn on",
  buttonDisable: "Turn off",
  targetTitle: "title",
  targetOption: "{step}, option {option}",
  targetLabel: "{step}, {end} label",
} as const;

type AdminMessages = Readonly<Record<keyof typeof EN, string>>;

export const ADMIN_MESSAGES: Readonly<Record<Locale, AdminMessages>> = {
  en: EN,
  fa: EN,
  ar: EN,
  tr: EN,
} satisfies Record<Locale, AdminMessages>;

export type AdminMessageKey = keyof typeof EN;

export function at(
  locale: Locale,
  key: AdminMessageKey,
  params: Readonly<Record<string, string | number>> = {},
) {
  return fillTemplate(ADMIN_MESSAGES[locale][key], locale, params);
}
