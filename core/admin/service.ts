import { createHash } from "node:crypto";
import { z } from "zod";
import type { ApiKeys } from "../api/keys.ts";
import { boundedExport, periodStart } from "../exports/encode.ts";
import { prepareResponseExport, type ResponseExportSource } from "../exports/responses.ts";
import { type FlowRegistry, flowHash } from "../flow/registry.ts";
import type { Flow, FlowDefinition } from "../flow/schema.ts";
import { LANGUAGE_NAMES, t } from "../i18n/messages.ts";
import { LOCALES, type Locale, matchLocale, RTL_LOCALES } from "../locale.ts";
import type { Operations } from "../operations.ts";
import type { SurveyStores } from "../ports.ts";
import type { ErasureReport, PersonExport } from "../privacy/registry.ts";
import { pseudonymOf } from "../privacy/registry.ts";
import type { ChartOption } from "../reports/chart.ts";
import { err, ok, type Result } from "../result.ts";
import { rebuildAllRollups, scoresFromRows } from "../rollups.ts";
import { addDays, dayKey } from "../scores.ts";
import type { SurveyDispatcher } from "../sending/types.ts";
import type { LearningStatus } from "../sentiment/live.ts";
import { cutText } from "../text/cut.ts";
import { toLocaleDigits } from "../text/digits.ts";
import type { Channel } from "../types.ts";
import type { WebhookEndpoint, WebhookRegistry, WebhookUrlError } from "../webhooks/registry.ts";
import { type CampaignProblem, type RowProblem, readCampaign } from "./campaign.ts";
import { diffFlows } from "./diff.ts";
import { type EditError, fromTemplate, setAlertRules, setRoute, setText, textTargets } from "./edit.ts";
import {
  type AdminCommand,
  type AdminParseError,
  parseAdminCommand,
  type ReportDays,
  type WebhooksAction,
} from "./grammar.ts";
import { type AdminMessageKey, argumentName, at, expectedText } from "./messages.ts";
import { outlineFlow } from "./outline.ts";
import { buildReport, type ReportSources, renderReport, reportChart } from "./report.ts";
import {
  type AdminActor,
  type AdminButton,
  type AdminMessage,
  type AdminRequest,
  type AdminService,
  type AdminSession,
  actorId,
  type FlowControl,
  type TextLimits,
} from "./types.ts";

/**
 * The admin service: `/cx` commands from any platform, carried out once here. Who may use it is decided
 * first (CX_ADMINS plus admins added by command); a refusal reads like any unknown command, and is audited.
 * Every change goes through a flow's control record (a compare-and-set), so two admins never silently
 * overwrite each other, and is written to the audit log with who, where, before and after.
 */

export interface AdminServiceDeps {
  readonly stores: SurveyStores;
  readonly flows: FlowRegistry;
  readonly operations: Operations;
  /** `platform:userId` from CX_ADMINS. */
  readonly admins: readonly string[];
  readonly limits: TextLimits;
  /** Learning sentiment from the responses (`/cx learn`); absent: the command says it is unavailable. */
  readonly learning?: {
    status(): LearningStatus;
    retrain(): Promise<LearningStatus>;
  };
  /** The HTTP API's keys (`/cx keys`); absent: the command says the API is not running here. */
  readonly apiKeys?: ApiKeys;
  /** Where `/cx send` campaigns go; absent: the command says sending is unavailable. */
  readonly dispatcher?: SurveyDispatcher;
  // ── exports ──
  /** Where `/cx export-responses` reads responses; absent: the command says it failed. */
  readonly exports?: ResponseExportSource;
  readonly defaultLocale: Locale;
  /** The counts of surveys sent on cxbot's initiative, for `/cx report`; absent: reports leave them out. */
  readonly sendTallies?: ReportSources["sends"];
  /** Outgoing webhooks (`/cx webhooks`); absent: the command says they are unavailable. */
  readonly webhooks?: WebhookRegistry;
  /** A person's data (`/cx erase`, `/cx export-person`); absent: those commands say they are unavailable. */
  readonly privacy?: {
    /** Ends their conversation in progress and erases everything kept about them. */
    erase(ref: { channel: Channel; userId: string }): Promise<ErasureReport | null>;
    exportPerson(ref: { channel: Channel; userId: string }): Promise<PersonExport>;
  };
  readonly clock?: () => Date;
  /** Told about refused attempts and failures (the app logs them). */
  readonly onRefused?: (actor: string, what: string) => void;
  readonly onError?: (error: unknown, what: string) => void;
  /**
   * Draws a report's chart as PNG (the app loads the renderer on the first call); absent: `/cx report` answers
   * with text only.
   */
  readonly renderChart?: (option: ChartOption) => Promise<Uint8Array>;
}

/** Admins added by command are read again after this long (another process may have changed them). */
const GRANTS_TTL_MS = 5_000;
const SESSION_MS = 15 * 60_000;
const MAX_IMPORT_BYTES = 256 * 1024;
const AUDIT_VALUE = 1000;
const MAX_LINES = 40;
/** A campaign file (`/cx send`): what the adapters download at most. */
const MAX_CAMPAIGN_BYTES = 256 * 1024;
/** Requests handed to the dispatcher at once. */
const CAMPAIGN_CHUNK = 1000;
// ── exports ──
/**
 * The largest export sent as a chat file, per platform: Telegram bots upload at most 50 MB, Discord 10 MiB
 * without a server boost; Slack takes far more, but the file is built in memory, so 50 MB there too. Larger
 * exports are refused with a pointer to the HTTP API, which streams them.
 */
const EXPORT_FILE_LIMITS: Readonly<Record<AdminActor["channel"], number>> = {
  telegram: 50 * 1000 * 1000,
  discord: 10 * 1024 * 1024,
  slack: 50 * 1000 * 1000,
  console: 50 * 1000 * 1000,
};

const ZPress = z.union([
  z.object({ kind: z.literal("c"), text: z.string().min(1).max(60) }),
  z.object({ kind: z.literal("p"), flow: z.string(), edits: z.number().int().min(0) }),
  z.object({
    kind: z.literal("t"),
    flow: z.string(),
    index: z.number().int().min(0),
    edits: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal("l"),
    flow: z.string(),
    index: z.number().int().min(0),
    locale: z.enum(LOCALES),
    edits: z.number().int().min(0),
  }),
]);
type Press = z.infer<typeof ZPress>;

/** `cx:c:<command>`, `cx:p:<flow>:<edits>`, `cx:t:<flow>:<i>:<edits>`, `cx:l:<flow>:<i>:<locale>:<edits>`. */
function readPress(payload: string): Press | undefined {
  if (Buffer.byteLength(payload) > 64 || !payload.startsWith("cx:")) return undefined;
  const [, kind, ...rest] = payload.split(":");
  const n = (s: string | undefined) => (s !== undefined && /^\d{1,6}$/.test(s) ? Number(s) : -1);
  const raw =
    kind === "c"
      ? { kind, text: rest.join(":") }
      : kind === "p"
        ? { kind, flow: rest[0], edits: n(rest[1]) }
        : kind === "t"
          ? { kind, flow: rest[0], index: n(rest[1]), edits: n(rest[2]) }
          : kind === "l"
            ? { kind, flow: rest[0], index: n(rest[1]), locale: rest[2], edits: n(rest[3]) }
            : undefined;
  const parsed = ZPress.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The YAML code (and the yaml package) loads on the first export or import, not at every start-up. */
const yamlModule = (): Promise<typeof import("./yaml.ts")> => import("./yaml.ts");

export const isAdminPayload = (payload: string): boolean => payload.startsWith("cx:");

export function createAdminService(deps: AdminServiceDeps): AdminService {
  const { stores, flows } = deps;
  const clock = deps.clock ?? (() => new Date());
  const fromEnv = new Set(deps.admins);
  let grants: { ids: Set<string>; at: number } | undefined;

  const grantedIds = async (): Promise<Set<string>> => {
    if (grants && Date.now() - grants.at < GRANTS_TTL_MS) return grants.ids;
    const stored = await stores.admin.admins();
    grants = { ids: new Set(stored.grants.map((g) => g.id)), at: Date.now() };
    return grants.ids;
  };
  const isAdmin = async (actor: AdminActor): Promise<boolean> => {
    const id = actorId(actor);
    return fromEnv.has(id) || (await grantedIds()).has(id);
  };

  const localeOf = async (actor: AdminActor): Promise<Locale> => {
    const profile = await stores.respondents.get(actorId(actor)).catch(() => null);
    return profile?.locale ?? matchLocale(actor.languageTag) ?? deps.defaultLocale;
  };

  /** Builds replies in one locale. */
  const replies = (locale: Locale) => {
    const msg = (
      text: string,
      extra: Partial<Pick<AdminMessage, "buttons" | "file">> = {},
    ): AdminMessage => ({
      text,
      locale,
      rtl: RTL_LOCALES.has(locale),
      ...extra,
    });
    const say = (key: AdminMessageKey, params: Readonly<Record<string, string | number>> = {}) =>
      at(locale, key, params);
    const button = (label: string, payload: string, style?: AdminButton["style"]): AdminButton => ({
      label: cutText(label, 60),
      payload,
      ...(style ? { style } : {}),
    });
    const when = (iso: string | Date) => {
      const d = typeof iso === "string" ? new Date(iso) : iso;
      return toLocaleDigits(d.toISOString().slice(0, 16).replace("T", " "), locale);
    };
    const lines = (head: string, items: readonly string[]) => {
      const shown = items.slice(0, MAX_LINES);
      const more =
        items.length > shown.length ? [say("diffMore", { count: items.length - shown.length })] : [];
      return [head, ...shown, ...more].join("\n");
    };
    return { locale, msg, say, button, when, lines };
  };
  type Replies = ReturnType<typeof replies>;

  const audit = async (
    actor: AdminActor,
    action: string,
    target: string,
    flow: string | undefined,
    detail: Readonly<Record<string, string | number | boolean>> = {},
  ) => {
    const capped = Object.fromEntries(
      Object.entries(detail).map(([k, v]) => [k, typeof v === "string" ? cutText(v, AUDIT_VALUE) : v]),
    );
    await stores.audit.record({
      at: clock(),
      actor: actorId(actor),
      action,
      target,
      ...(flow === undefined ? {} : { flow }),
      detail: { platform: actor.channel, ...capped },
    });
  };

  /** The scale of a flow's first rating step: what its score is. */
  const scaleOf = (flow: Flow | null): string | undefined => {
    const step = flow?.steps.find((st) => st.type === "rating");
    return step?.type === "rating" ? (step.scale === "custom" ? "mean" : step.scale) : undefined;
  };

  const definitionOf = (flow: Flow): FlowDefinition => {
    const { version: _version, ...definition } = flow;
    return definition;
  };

  /** The draft if there is one, else the live version's definition. */
  const workingCopy = async (control: FlowControl): Promise<FlowDefinition | undefined> => {
    if (control.draft) return control.draft.definition;
    const live = control.live >= 1 ? await flows.get(control.key, control.live) : null;
    return live ? definitionOf(live) : undefined;
  };

  type Failure =
    | { readonly kind: "unknown-flow" }
    | { readonly kind: "conflict"; readonly control: FlowControl }
    | { readonly kind: "refused"; readonly error: EditError }
    | { readonly kind: "unchanged" };

  /**
   * Applies a change to a flow's draft (starting one from the live version). With `expectEdits` (a guided edit
   * or an imported file, which were prepared against a draft the admin saw), a draft that moved on since is a
   * conflict; a one-shot command is applied to the newest draft instead (a re-read, never an overwrite).
   */
  const editDraft = async (
    actor: AdminActor,
    key: string,
    expectEdits: number | undefined,
    change: (definition: FlowDefinition) => Result<FlowDefinition, EditError>,
  ): Promise<Result<{ control: FlowControl; before: FlowDefinition }, Failure>> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const control = await stores.admin.control(key);
      if (!control) return err({ kind: "unknown-flow" });
      if (expectEdits !== undefined && expectEdits !== (control.draft?.edits ?? 0))
        return err({ kind: "conflict", control });
      const before = await workingCopy(control);
      if (!before) return err({ kind: "unknown-flow" });
      const changed = change(before);
      if (!changed.ok) return err({ kind: "refused", error: changed.error });
      if (flowHash(changed.value) === flowHash(before)) return err({ kind: "unchanged" });
      const now = clock().toISOString();
      const next: FlowControl = {
        ...control,
        rev: control.rev + 1,
        draft: {
          definition: changed.value,
          basedOn: control.draft?.basedOn ?? control.live,
          edits: (control.draft?.edits ?? 0) + 1,
          editedBy: actorId(actor),
          editedAt: now,
        },
        updatedBy: actorId(actor),
        updatedAt: now,
      };
      const saved = await stores.admin.saveControl(next, control.rev);
      if (saved === "ok") return ok({ control: next, before });
      if (expectEdits !== undefined) {
        const newer = await stores.admin.control(key);
        return err({ kind: "conflict", control: newer ?? control });
      }
    }
    const control = await stores.admin.control(key);
    return control ? err({ kind: "conflict", control }) : err({ kind: "unknown-flow" });
  };

  /** Saves a change of the control record itself (live version, on/off), retrying on a concurrent write. */
  const updateControl = async (
    key: string,
    change: (control: FlowControl) => FlowControl | "skip",
  ): Promise<{ readonly before: FlowControl; readonly after: FlowControl } | "unknown-flow" | "skip"> => {
    for (;;) {
      const control = await stores.admin.control(key);
      if (!control) return "unknown-flow";
      const next = change(control);
      if (next === "skip") return "skip";
      const saved = await stores.admin.saveControl({ ...next, rev: control.rev + 1 }, control.rev);
      if (saved === "ok") {
        const after = { ...next, rev: control.rev + 1 };
        flows.applied(after);
        return { before: control, after };
      }
    }
  };

  const failureReply = (r: Replies, key: string, failure: Failure): AdminMessage => {
    switch (failure.kind) {
      case "unknown-flow":
        return r.msg(r.say("unknownFlow", { flow: key }));
      case "conflict":
        return r.msg(
          r.say("conflict", {
            flow: key,
            who: failure.control.draft?.editedBy ?? failure.control.updatedBy,
            at: r.when(failure.control.draft?.editedAt ?? failure.control.updatedAt),
          }),
        );
      case "refused":
        return r.msg(r.say("editRefused", { path: failure.error.path, reason: failure.error.reason }));
      case "unchanged":
        return r.msg(r.say("noChange"));
      default: {
        const never: never = failure;
        throw new Error(`unhandled failure ${JSON.stringify(never)}`);
      }
    }
  };

  const draftSaved = (r: Replies, key: string, control: FlowControl, head: string): AdminMessage =>
    r.msg(`${head}\n${r.say("draftNext", { edits: control.draft?.edits ?? 0, flow: key })}`, {
      buttons: [
        [
          r.button(r.say("buttonDiff"), `cx:c:diff ${key}`),
          r.button(r.say("buttonPublish"), `cx:p:${key}:${control.draft?.edits ?? 0}`, "primary"),
        ],
      ],
    });

  const targetName = (r: Replies, target: string): string => {
    if (target === "title") return r.say("targetTitle");
    const [step, sub] = target.split(".");
    if (sub === undefined) return target;
    if (sub === "min" || sub === "max") return r.say("targetLabel", { step: step ?? "", end: sub });
    return r.say("targetOption", { step: step ?? "", option: sub });
  };

  // ─── The commands ──────────────────────────────────────────────────────────────────────────────────────

  const listFlows = async (r: Replies, locale: Locale): Promise<AdminMessage[]> => {
    const keys = await stores.admin.controlKeys();
    if (keys.length === 0) return [r.msg(r.say("flowsEmpty"))];
    const controls = (await Promise.all(keys.map((k) => stores.admin.control(k)))).filter(
      (c): c is FlowControl => c !== null,
    );
    const rows: string[] = [];
    const buttons: AdminButton[][] = [];
    for (const c of controls) {
      const live = c.live >= 1 ? await flows.get(c.key, c.live) : null;
      const zone = live?.timeZone ?? "UTC";
      const today = dayKey(clock(), zone);
      // One read of the 30 days; today's answers are a part of it.
      const month = await stores.rollups.read(c.key, addDays(today, -29), today);
      const rowsToday = scoresFromRows(month.filter((row) => row.day === today));
      const first = scoresFromRows(month)[0];
      const status =
        c.live < 1 ? r.say("statusDraftOnly") : c.enabled ? r.say("statusLive") : r.say("statusDisabled");
      rows.push(
        r.say("flowLine", {
          flow: c.key,
          status: `${status}${c.draft ? r.say("draftPending") : ""}`,
          version: c.live,
          today: rowsToday[0]?.overall.responses ?? 0,
          metric: (first?.overall.metric ?? scaleOf(live) ?? "nps").toUpperCase(),
          score:
            first?.overall.value === null || first === undefined ? r.say("noScore") : first.overall.value,
        }),
      );
      if (buttons.length < 5)
        buttons.push([
          r.button(`${c.key} · ${r.say("buttonShow")}`, `cx:c:show ${c.key} ${locale}`),
          r.button(r.say("buttonReport"), `cx:c:report ${c.key}`),
        ]);
    }
    return [r.msg(r.lines(r.say("flowsHeader"), rows), { buttons })];
  };

  const show = async (r: Replies, key: string, locale: Locale): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(key);
    if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const definition = await workingCopy(control);
    if (!definition) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const live = control.live >= 1 ? await flows.get(key, control.live) : null;
    const shown = live ? definitionOf(live) : definition;
    const title = shown.title[locale] ?? shown.title.en ?? Object.values(shown.title)[0] ?? key;
    const head = r.say("showHeader", { title, flow: key, version: control.live });
    const note = control.draft ? [r.say("showDraftNote", { flow: key })] : [];
    return [
      // The outline opens with the title, which the header already gives (with the live version).
      r.msg([head, ...outlineFlow(shown, locale).slice(1), ...note].join("\n"), {
        buttons: [
          [
            r.button(r.say("buttonEdit"), `cx:c:text ${key}`),
            r.button(r.say("buttonReport"), `cx:c:report ${key}`),
            control.enabled
              ? r.button(r.say("buttonDisable"), `cx:c:disable ${key}`, "danger")
              : r.button(r.say("buttonEnable"), `cx:c:enable ${key}`),
          ],
        ],
      }),
    ];
  };

  /** `text <flow>` without the rest: pick a text with buttons. */
  const pickTarget = async (r: Replies, key: string): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(key);
    const definition = control ? await workingCopy(control) : undefined;
    if (!control || !definition) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const edits = control.draft?.edits ?? 0;
    const targets = textTargets(definition).slice(0, 24);
    const buttons = targets.map((tg, i) => [r.button(targetName(r, tg.target), `cx:t:${key}:${i}:${edits}`)]);
    return [r.msg(r.say("pickTarget", { flow: key }), { buttons })];
  };

  const pickLocale = async (r: Replies, press: Extract<Press, { kind: "t" }>): Promise<AdminMessage[]> => {
    const buttons = [
      LOCALES.map((l) =>
        r.button(LANGUAGE_NAMES[l], `cx:l:${press.flow}:${press.index}:${l}:${press.edits}`),
      ),
    ];
    return [r.msg(r.say("pickLocale"), { buttons })];
  };

  const awaitText = async (
    r: Replies,
    actor: AdminActor,
    press: Extract<Press, { kind: "l" }>,
  ): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(press.flow);
    const definition = control ? await workingCopy(control) : undefined;
    if (!control || !definition) return [r.msg(r.say("unknownFlow", { flow: press.flow }))];
    if ((control.draft?.edits ?? 0) !== press.edits)
      return [failureReply(r, press.flow, { kind: "conflict", control })];
    const target = textTargets(definition)[press.index];
    if (!target) return [r.msg(r.say("sessionGone", { flow: press.flow }))];
    const session: AdminSession = {
      actor: actorId(actor),
      kind: "text",
      flow: press.flow,
      target: target.target,
      locale: press.locale,
      edits: press.edits,
      startedAt: clock().toISOString(),
    };
    await stores.admin.setSession(session.actor, session);
    return [
      r.msg(
        r.say("sendText", {
          target: targetName(r, target.target),
          language: LANGUAGE_NAMES[press.locale],
          current: target.current[press.locale] ?? r.say("nothingYet"),
        }),
      ),
    ];
  };

  const changeText = async (
    r: Replies,
    actor: AdminActor,
    key: string,
    target: string,
    locale: Locale,
    text: string,
    expectEdits: number | undefined,
  ): Promise<AdminMessage[]> => {
    let previous = "";
    const result = await editDraft(actor, key, expectEdits, (d) => {
      previous = textTargets(d).find((tg) => tg.target === target)?.current[locale] ?? "";
      return setText(d, target, locale, text, deps.limits);
    });
    if (!result.ok) return [failureReply(r, key, result.error)];
    await audit(actor, "flow.text", `${key}:${target}:${locale}`, key, { before: previous, after: text });
    const head = r.say("textSaved", {
      flow: key,
      target: targetName(r, target),
      language: LANGUAGE_NAMES[locale],
    });
    return [draftSaved(r, key, result.value.control, head)];
  };

  const diff = async (r: Replies, key: string): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(key);
    if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
    if (!control.draft) return [r.msg(r.say("diffNoDraft", { flow: key }))];
    const live = control.live >= 1 ? await flows.get(key, control.live) : null;
    const lines = live
      ? diffFlows(definitionOf(live), control.draft.definition).map((d) =>
          d.kind === "added"
            ? `+ ${d.path}: ${d.after ?? ""}`
            : d.kind === "removed"
              ? `− ${d.path}: ${d.before ?? ""}`
              : `~ ${d.path}: ${d.before ?? ""} → ${d.after ?? ""}`,
        )
      : [];
    const head = r.say("diffHeader", { flow: key, who: control.draft.editedBy, version: control.live });
    const body = live && lines.length === 0 ? [r.say("diffEqual")] : lines;
    return [
      r.msg(r.lines(head, body), {
        buttons: [[r.button(r.say("buttonPublish"), `cx:p:${key}:${control.draft.edits}`, "primary")]],
      }),
    ];
  };

  const publish = async (
    r: Replies,
    actor: AdminActor,
    key: string,
    expectEdits: number | undefined,
  ): Promise<AdminMessage[]> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const control = await stores.admin.control(key);
      if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
      if (!control.draft) return [r.msg(r.say("nothingToPublish", { flow: key }))];
      if (expectEdits !== undefined && control.draft.edits !== expectEdits)
        return [failureReply(r, key, { kind: "conflict", control })];
      const { flow, created } = await flows.store(control.draft.definition, actorId(actor));
      const now = clock().toISOString();
      const { draft: _published, ...rest } = control;
      const next: FlowControl = {
        ...rest,
        rev: control.rev + 1,
        live: flow.version,
        adminOwned: true,
        updatedBy: actorId(actor),
        updatedAt: now,
      };
      if ((await stores.admin.saveControl(next, control.rev)) === "conflict") {
        if (expectEdits !== undefined) {
          const newer = await stores.admin.control(key);
          return [failureReply(r, key, { kind: "conflict", control: newer ?? control })];
        }
        continue;
      }
      flows.applied(next);
      await audit(actor, "flow.publish", `${key}@${flow.version}`, key, {
        before: control.live,
        after: flow.version,
        edits: control.draft.edits,
      });
      return [r.msg(r.say(created ? "published" : "publishedSame", { flow: key, version: flow.version }))];
    }
    const control = await stores.admin.control(key);
    return control ? [failureReply(r, key, { kind: "conflict", control })] : [];
  };

  const history = async (r: Replies, key: string): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(key);
    if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const versions = await stores.admin.versions(key, 15);
    const lines = versions.map(
      (v) =>
        r.say("historyLine", { version: v.version, at: r.when(v.publishedAt), who: v.publishedBy }) +
        (v.version === control.live ? r.say("liveMark") : ""),
    );
    const buttons = versions
      .filter((v) => v.version !== control.live)
      .slice(0, 4)
      .map((v) => [
        r.button(r.say("buttonRollback", { version: v.version }), `cx:c:rollback ${key} ${v.version}`),
      ]);
    return [r.msg(r.lines(r.say("historyHeader", { flow: key }), lines), { buttons })];
  };

  const rollback = async (
    r: Replies,
    actor: AdminActor,
    key: string,
    version: number,
  ): Promise<AdminMessage[]> => {
    const target = await flows.get(key, version);
    if (!target) {
      const control = await stores.admin.control(key);
      return [
        r.msg(control ? r.say("noSuchVersion", { flow: key, version }) : r.say("unknownFlow", { flow: key })),
      ];
    }
    const now = clock().toISOString();
    const done = await updateControl(key, (c) =>
      c.live === version
        ? "skip"
        : { ...c, live: version, adminOwned: true, updatedBy: actorId(actor), updatedAt: now },
    );
    if (done === "unknown-flow") return [r.msg(r.say("unknownFlow", { flow: key }))];
    if (done === "skip") return [r.msg(r.say("alreadyLive", { flow: key, version }))];
    await audit(actor, "flow.rollback", `${key}@${version}`, key, {
      before: done.before.live,
      after: version,
    });
    return [r.msg(r.say("rolledBack", { flow: key, version }))];
  };

  const toggle = async (
    r: Replies,
    actor: AdminActor,
    key: string,
    enabled: boolean,
  ): Promise<AdminMessage[]> => {
    const now = clock().toISOString();
    const done = await updateControl(key, (c) =>
      c.enabled === enabled ? "skip" : { ...c, enabled, updatedBy: actorId(actor), updatedAt: now },
    );
    if (done === "unknown-flow") return [r.msg(r.say("unknownFlow", { flow: key }))];
    if (done === "skip") return [r.msg(r.say(enabled ? "alreadyEnabled" : "alreadyDisabled", { flow: key }))];
    await audit(actor, enabled ? "flow.enable" : "flow.disable", key, key, {
      before: !enabled,
      after: enabled,
    });
    return [r.msg(r.say(enabled ? "enabled" : "disabled", { flow: key }))];
  };

  const create = async (
    r: Replies,
    actor: AdminActor,
    key: string,
    template: string,
  ): Promise<AdminMessage[]> => {
    if (await stores.admin.control(key)) return [r.msg(r.say("exists", { flow: key }))];
    const source = await flows.latest(template);
    if (!source) return [r.msg(r.say("noTemplate", { template }))];
    const definition = fromTemplate(definitionOf(source), key);
    const now = clock().toISOString();
    const control: FlowControl = {
      key,
      rev: 1,
      live: 0,
      enabled: true,
      adminOwned: true,
      draft: { definition, basedOn: 0, edits: 1, editedBy: actorId(actor), editedAt: now },
      updatedBy: actorId(actor),
      updatedAt: now,
    };
    if ((await stores.admin.saveControl(control, 0)) === "conflict")
      return [r.msg(r.say("exists", { flow: key }))];
    flows.applied(control);
    await audit(actor, "flow.new", key, key, { template, after: `${template}@${source.version}` });
    return [
      r.msg(r.say("created", { flow: key, template }), {
        buttons: [
          [
            r.button(r.say("buttonEdit"), `cx:c:text ${key}`),
            r.button(r.say("buttonPublish"), `cx:p:${key}:1`, "primary"),
          ],
        ],
      }),
    ];
  };

  const exportFlow = async (r: Replies, key: string): Promise<AdminMessage[]> => {
    const control = await stores.admin.control(key);
    const definition = control ? await workingCopy(control) : undefined;
    if (!control || !definition) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const edits = control.draft?.edits ?? 0;
    const { exportFlowYaml } = await yamlModule();
    const content = exportFlowYaml(definition, { version: control.live, edits });
    return [
      r.msg(
        r.say("exportCaption", {
          flow: key,
          version: control.live,
          draft: control.draft ? r.say("exportDraft") : "",
        }),
        { file: { name: `${key}.yaml`, content, mime: "application/yaml" } },
      ),
    ];
  };

  const importFlow = async (r: Replies, request: AdminRequest, key: string): Promise<AdminMessage[]> => {
    const file = request.attachment;
    if (!file) return [r.msg(r.say("importNeedsFile", { flow: key }))];
    if (file.size > MAX_IMPORT_BYTES)
      return [
        r.msg(r.say("importTooBig", { size: Math.ceil(file.size / 1024), limit: MAX_IMPORT_BYTES / 1024 })),
      ];
    let source: string;
    try {
      source = await file.read();
    } catch (error) {
      deps.onError?.(error, "admin import download");
      return [r.msg(r.say("importUnreadable"))];
    }
    if (Buffer.byteLength(source) > MAX_IMPORT_BYTES)
      return [
        r.msg(
          r.say("importTooBig", {
            size: Math.ceil(Buffer.byteLength(source) / 1024),
            limit: MAX_IMPORT_BYTES / 1024,
          }),
        ),
      ];
    const { importFlowYaml } = await yamlModule();
    const parsed = importFlowYaml(source, cutText(file.name, 80), key);
    if (!parsed.ok) {
      const problems = parsed.error.map((e) =>
        e.line === undefined
          ? `• ${e.path}: ${e.reason}`
          : r.say("importProblem", { path: e.path, line: e.line, reason: e.reason }),
      );
      return [r.msg(r.lines(r.say("importErrors", { count: parsed.error.length }), problems))];
    }
    const base = parsed.value.base;
    const control = await stores.admin.control(key);
    if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
    if (base && (base.version !== control.live || base.edits !== (control.draft?.edits ?? 0)))
      return [r.msg(r.say("importStale", { flow: key, version: base.version, edits: base.edits }))];
    const result = await editDraft(request.actor, key, control.draft?.edits ?? 0, () =>
      ok(parsed.value.definition),
    );
    if (!result.ok) return [failureReply(r, key, result.error)];
    await audit(request.actor, "flow.import", key, key, {
      file: cutText(file.name, 80),
      before: flowHash(result.value.before),
      after: flowHash(parsed.value.definition),
    });
    return [
      draftSaved(r, key, result.value.control, r.say("importSaved", { flow: key })),
      ...(await diff(r, key)),
    ];
  };

  const tryFlow = async (
    r: Replies,
    request: AdminRequest,
    key: string,
    locale: Locale | undefined,
  ): Promise<AdminMessage[]> => {
    const { chatId } = request.actor;
    const control = await stores.admin.control(key);
    if (!control) return [r.msg(r.say("unknownFlow", { flow: key }))];
    // With a draft, the admin tries the draft: stored as a version (immutable, as any) but not made live.
    const version = control.draft
      ? (await flows.store(control.draft.definition, actorId(request.actor))).flow.version
      : undefined;
    const result = await deps.operations.startSurvey(
      {
        channel: request.actor.channel,
        userId: request.actor.userId,
        ...(chatId === undefined ? {} : { chatId }),
        ...(request.actor.displayName === undefined ? {} : { displayName: request.actor.displayName }),
        ...(request.actor.languageTag === undefined ? {} : { languageTag: request.actor.languageTag }),
      },
      {
        flowKey: key,
        requestId: `try:${request.eventId}`,
        test: true,
        ...(version === undefined ? {} : { version }),
        ...(locale ? { locale } : {}),
      },
    );
    if (result.status === "unknown-flow") return [r.msg(r.say("unknownFlow", { flow: key }))];
    if (result.status === "sent" || result.status === "duplicate")
      return [r.msg(r.say(version === undefined ? "tryStarted" : "tryDraft", { flow: key }))];
    return [r.msg(r.say("tryFailed", { flow: key }))];
  };

  const report = async (
    r: Replies,
    locale: Locale,
    key: string,
    days: ReportDays,
    by: string | undefined,
  ): Promise<AdminMessage[]> => {
    const flow = await flows.latest(key);
    if (!flow) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const dimensions = ["channel", "locale", ...(flow.segments ?? [])];
    if (by !== undefined && !dimensions.includes(by))
      return [r.msg(r.say("unknownDimension", { by, dimensions: dimensions.join(", ") }))];
    const built = await buildReport(
      {
        rollups: stores.rollups,
        ...(deps.sendTallies ? { sends: deps.sendTallies } : {}),
      },
      flow,
      days,
      clock(),
    );
    const text = renderReport(built, flow, locale, by).join("\n");
    const option = deps.renderChart ? reportChart(built, flow, locale) : undefined;
    if (!option || !deps.renderChart) return [r.msg(text)];
    try {
      const png = await deps.renderChart(option);
      return [r.msg(text, { file: { name: `${key}-report.png`, content: png, mime: "image/png" } })];
    } catch (error) {
      // The numbers matter more than the picture: a chart that cannot be drawn leaves the text.
      deps.onError?.(error, "report chart");
      return [r.msg(text)];
    }
  };

  const admins = async (
    r: Replies,
    actor: AdminActor,
    change: Extract<AdminCommand, { name: "admins" }>["change"],
  ): Promise<AdminMessage[]> => {
    if (change === undefined) {
      const stored = await stores.admin.admins();
      const lines = [
        ...[...fromEnv].map((who) => r.say("adminFromEnv", { who })),
        ...stored.grants.map((g) => r.say("adminAddedBy", { who: g.id, by: g.addedBy })),
      ];
      return [r.msg(r.lines(r.say("adminsHeader"), lines))];
    }
    const { who } = change;
    if (change.action === "remove" && fromEnv.has(who)) return [r.msg(r.say("adminEnvOnly", { who }))];
    for (;;) {
      const stored = await stores.admin.admins();
      const has = stored.grants.some((g) => g.id === who);
      if (change.action === "add" && (has || fromEnv.has(who)))
        return [r.msg(r.say("adminAlready", { who }))];
      if (change.action === "remove" && !has) return [r.msg(r.say("adminNotFound", { who }))];
      const next =
        change.action === "add"
          ? [...stored.grants, { id: who, addedBy: actorId(actor), addedAt: clock().toISOString() }]
          : stored.grants.filter((g) => g.id !== who);
      if ((await stores.admin.saveAdmins(next, stored.rev)) === "conflict") continue;
      grants = undefined;
      await audit(actor, change.action === "add" ? "admin.add" : "admin.remove", who, undefined, {
        before: stored.grants.map((g) => g.id).join(","),
        after: next.map((g) => g.id).join(","),
      });
      return [r.msg(r.say(change.action === "add" ? "adminAdded" : "adminRemoved", { who }))];
    }
  };

  const auditLog = async (r: Replies, flow: string | undefined): Promise<AdminMessage[]> => {
    const entries = await stores.audit.recent(20, flow === undefined ? {} : { flow });
    if (entries.length === 0) return [r.msg(r.say("auditEmpty"))];
    const lines = entries.map((e) => {
      const change =
        e.detail?.before !== undefined || e.detail?.after !== undefined
          ? `: ${cutText(String(e.detail?.before ?? ""), 60)} → ${cutText(String(e.detail?.after ?? ""), 60)}`
          : "";
      return (
        r.say("auditLine", { at: r.when(e.at), who: e.actor, action: e.action, target: e.target }) + change
      );
    });
    return [r.msg(r.lines(r.say("auditHeader"), lines))];
  };

  // ─── privacy: a person's data ───────────────────────────────────────────────────────────────────────────

  /** `platform:userId` (already checked by the grammar) as a respondent reference. */
  const personOf = (who: string): { channel: Channel; userId: string } => {
    const at = who.indexOf(":");
    return { channel: who.slice(0, at) as Channel, userId: who.slice(at + 1) };
  };

  const erasePerson = async (
    r: Replies,
    actor: AdminActor,
    who: string,
    confirmed: boolean,
  ): Promise<AdminMessage[]> => {
    if (!deps.privacy) return [r.msg(r.say("eraseUnavailable"))];
    if (!confirmed)
      return [
        r.msg(r.say("eraseAsk", { who }), {
          buttons: [[r.button(r.say("buttonErase", { who }), `cx:c:erase ${who} confirm`, "danger")]],
        }),
      ];
    const report = await deps.privacy.erase(personOf(who));
    if (!report) return [r.msg(r.say("eraseUnavailable"))];
    const count = Object.values(report.erased).reduce((a, b) => a + b, 0);
    // Recorded after the erase, and naming the person only by pseudonym: the log keeps that it happened.
    await audit(actor, "person.erase", report.pseudonym, undefined, { records: count });
    return [r.msg(r.say("erased", { who, count, pseudonym: report.pseudonym }))];
  };

  const exportPerson = async (r: Replies, actor: AdminActor, who: string): Promise<AdminMessage[]> => {
    if (!deps.privacy) return [r.msg(r.say("eraseUnavailable"))];
    const exported = await deps.privacy.exportPerson(personOf(who));
    const count = Object.values(exported.data).reduce((a, b) => a + b.length, 0);
    await audit(actor, "person.export", pseudonymOf(who), undefined, { records: count });
    if (count === 0) return [r.msg(r.say("personNothing", { who }))];
    return [
      r.msg(r.say("personExported", { who, count }), {
        file: {
          name: `${pseudonymOf(who)}.json`,
          content: `${JSON.stringify(exported, null, 2)}\n`,
          mime: "application/json",
        },
      }),
    ];
  };

  /** `/cx rollups rebuild [flow]`: the daily rollups recomputed from the stored responses. */
  const rebuildRollupsCommand = async (
    r: Replies,
    actor: AdminActor,
    key: string | undefined,
  ): Promise<AdminMessage[]> => {
    if (key !== undefined && !(await flows.latest(key))) return [r.msg(r.say("unknownFlow", { flow: key }))];
    const rebuilt = await rebuildAllRollups(
      {
        rollups: stores.rollups,
        responses: stores.responses,
        conversations: stores.conversations,
        flowOf: async (state) =>
          (await flows.get(state.flowKey, state.flowVersion)) ??
          (await flows.latest(state.flowKey)) ?? { timeZone: "UTC" },
      },
      key === undefined ? {} : { flowKey: key },
    );
    await audit(actor, "rollups.rebuild", key ?? "*", key, {
      days: rebuilt.days,
      rows: rebuilt.rows,
      conversations: rebuilt.conversations,
    });
    if (rebuilt.days === 0) return [r.msg(r.say("rollupsRebuiltNothing"))];
    return [
      r.msg(
        r.say("rollupsRebuilt", {
          conversations: rebuilt.conversations,
          days: rebuilt.days,
          rows: rebuilt.rows,
          flows: rebuilt.flows.join(", "),
        }),
      ),
    ];
  };

  const learn = async (r: Replies, actor: AdminActor): Promise<AdminMessage[]> => {
    if (!deps.learning) return [r.msg(r.say("learnUnavailable"))];
    const before = deps.learning.status();
    const status = await deps.learning.retrain();
    const lines = LOCALES.map((l) => {
      const n = status.examples[l] ?? 0;
      return r.say(n >= status.minExamples ? "learnInUse" : "learnWaiting", {
        language: LANGUAGE_NAMES[l],
        count: n,
        needed: status.minExamples,
      });
    });
    await audit(actor, "sentiment.retrain", "sentiment", undefined, {
      before: JSON.stringify(before.examples),
      after: JSON.stringify(status.examples),
    });
    return [r.msg(r.lines(r.say("learnDone"), lines))];
  };

  // ─── outgoing webhooks (/cx webhooks) ───────────────────────────────────────────────────────────────────

  const URL_REFUSALS: Readonly<Record<WebhookUrlError, AdminMessageKey>> = {
    invalid: "webhookUrlInvalid",
    "not-https": "webhookUrlNotHttps",
    "private-address": "webhookUrlPrivate",
    credentials: "webhookUrlCredentials",
    "too-long": "webhookUrlTooLong",
  };

  const webhookHealth = (r: Replies, e: WebhookEndpoint): string => {
    const { health } = e;
    if (e.state === "disabled")
      return e.disabledReason === "gone"
        ? r.say("webhookHealthGone", { at: r.when(e.disabledAt ?? clock()) })
        : r.say("webhookHealthDisabled", {
            at: r.when(e.disabledAt ?? clock()),
            since: r.when(health.failingSince ?? e.disabledAt ?? clock()),
            error: health.lastError ?? "–",
          });
    if (health.failureStreak > 0)
      return r.say("webhookHealthFailing", {
        streak: health.failureStreak,
        since: r.when(health.failingSince ?? health.lastFailureAt ?? clock()),
        error: health.lastError ?? "–",
      });
    return health.lastSuccessAt
      ? r.say("webhookHealthOk", { at: r.when(health.lastSuccessAt) })
      : r.say("webhookHealthNew");
  };

  const webhooks = async (r: Replies, actor: AdminActor, action: WebhooksAction): Promise<AdminMessage[]> => {
    const registry = deps.webhooks;
    if (!registry) return [r.msg(r.say("webhooksUnavailable"))];
    switch (action.kind) {
      case "list": {
        const endpoints = await registry.list();
        if (endpoints.length === 0) return [r.msg(r.say("webhooksEmpty"))];
        const lines = endpoints.map((e) =>
          r.say("webhookLine", {
            id: e.id,
            url: e.url,
            events: e.events.join(", "),
            health: webhookHealth(r, e),
          }),
        );
        return [r.msg(r.lines(r.say("webhooksHeader"), lines))];
      }
      case "add": {
        const added = await registry.add(action.url, action.events, actorId(actor));
        if (!added.ok) return [r.msg(r.say(URL_REFUSALS[added.error], { url: cutText(action.url, 200) }))];
        const e = added.value;
        await audit(actor, "webhook.add", e.id, undefined, { url: e.url, events: e.events.join(",") });
        return [
          r.msg(
            r.say("webhookAdded", { id: e.id, url: e.url, events: e.events.join(", "), secret: e.secret }),
            {
              buttons: [[r.button(r.say("buttonTestWebhook"), `cx:c:webhooks test ${e.id}`, "primary")]],
            },
          ),
        ];
      }
      case "remove": {
        const removed = await registry.remove(action.id);
        if (!removed) return [r.msg(r.say("webhookNotFound", { id: action.id }))];
        await audit(actor, "webhook.remove", removed.id, undefined, { url: removed.url });
        return [r.msg(r.say("webhookRemoved", { id: removed.id, url: removed.url }))];
      }
      case "enable": {
        const enabled = await registry.enable(action.id);
        if (!enabled) return [r.msg(r.say("webhookNotFound", { id: action.id }))];
        await audit(actor, "webhook.enable", enabled.id, undefined, { url: enabled.url });
        return [r.msg(r.say("webhookEnabled", { id: enabled.id, url: enabled.url }))];
      }
      case "test": {
        const endpoint = (await registry.list()).find((e) => e.id === action.id);
        const result = endpoint ? await registry.test(action.id) : null;
        if (!endpoint || !result) return [r.msg(r.say("webhookNotFound", { id: action.id }))];
        return [
          r.msg(
            result.ok
              ? r.say("webhookTestOk", { url: endpoint.url, status: result.status, ms: result.ms })
              : r.say("webhookTestFailed", { url: endpoint.url, error: result.error, ms: result.ms }),
          ),
        ];
      }
      default: {
        const never: never = action;
        throw new Error(`unhandled webhooks action ${JSON.stringify(never)}`);
      }
    }
  };

  const keys = async (
    r: Replies,
    actor: AdminActor,
    action: Extract<AdminCommand, { name: "keys" }>["action"],
  ): Promise<AdminMessage[]> => {
    const api = deps.apiKeys;
    if (!api) return [r.msg(r.say("keysUnavailable"))];
    switch (action.kind) {
      case "list": {
        const all = await api.list();
        if (all.length === 0) return [r.msg(r.say("keysEmpty"))];
        const lines = all.map((k) =>
          k.revokedAt
            ? r.say("keyLineRevoked", {
                id: k.id,
                name: k.name,
                who: k.revokedBy ?? "",
                at: r.when(k.revokedAt),
              })
            : r.say("keyLine", {
                id: k.id,
                name: k.name,
                hint: k.hint,
                who: k.createdBy,
                at: r.when(k.createdAt),
              }),
        );
        return [r.msg(r.lines(r.say("keysHeader"), lines))];
      }
      case "create": {
        const { key, record } = await api.create(action.label, actorId(actor));
        await audit(actor, "api-key.create", record.id, undefined, { name: record.name, after: record.hint });
        return [r.msg(r.say("keyCreated", { name: record.name, id: record.id, key }))];
      }
      case "revoke": {
        const result = await api.revoke(action.id, actorId(actor));
        if (result === "not-found") return [r.msg(r.say("keyNotFound", { id: action.id }))];
        if (result === "already-revoked") return [r.msg(r.say("keyAlreadyRevoked", { id: action.id }))];
        await audit(actor, "api-key.revoke", action.id, undefined);
        return [r.msg(r.say("keyRevoked", { id: action.id }))];
      }
      default: {
        const never: never = action;
        throw new Error(`unhandled keys action ${JSON.stringify(never)}`);
      }
    }
  };

  const rowReason = (r: Replies, problem: RowProblem): string => {
    switch (problem.kind) {
      case "platform":
        return r.say("rowPlatform");
      case "userId":
        return r.say("rowUserId");
      case "locale":
        return r.say("rowLocale");
      case "reference":
        return r.say("rowReference", { max: problem.max });
      case "property":
        return r.say("rowProperty", { column: problem.column, max: problem.max });
      case "duplicate":
        return r.say("rowDuplicate", { other: problem.other });
      default: {
        const never: never = problem;
        throw new Error(`unhandled row problem ${JSON.stringify(never)}`);
      }
    }
  };

  const campaignProblem = (r: Replies, problem: CampaignProblem): AdminMessage => {
    switch (problem.kind) {
      case "unparsable":
        return r.msg(r.say("sendUnparsable", { line: problem.line }));
      case "bad-header":
        return r.msg(r.say("sendBadHeader", { column: problem.column }));
      case "missing-column":
        return r.msg(r.say("sendMissingColumn", { column: problem.column }));
      case "too-many-columns":
        return r.msg(r.say("sendTooManyColumns", { count: problem.count, limit: problem.limit }));
      case "empty":
        return r.msg(r.say("sendEmpty"));
      case "too-many-rows":
        return r.msg(r.say("sendTooMany", { count: problem.count, limit: problem.limit }));
      case "rows":
        return r.msg(
          r.lines(
            r.say("sendErrors", { count: problem.rows.length }),
            problem.rows.map((row) =>
              r.say("sendRow", { line: row.line, reason: rowReason(r, row.problem) }),
            ),
          ),
        );
      default: {
        const never: never = problem;
        throw new Error(`unhandled campaign problem ${JSON.stringify(never)}`);
      }
    }
  };

  const send = async (r: Replies, request: AdminRequest, key: string): Promise<AdminMessage[]> => {
    const dispatcher = deps.dispatcher;
    if (!dispatcher) return [r.msg(r.say("sendUnavailable"))];
    const startable = await flows.startable(key);
    if ("reason" in startable)
      return [r.msg(r.say(startable.reason === "disabled" ? "sendDisabled" : "unknownFlow", { flow: key }))];
    const file = request.attachment;
    if (!file) return [r.msg(r.say("sendNeedsFile", { flow: key }))];
    const tooBig = (bytes: number) =>
      r.msg(r.say("sendTooBig", { size: Math.ceil(bytes / 1024), limit: MAX_CAMPAIGN_BYTES / 1024 }));
    if (file.size > MAX_CAMPAIGN_BYTES) return [tooBig(file.size)];
    let source: string;
    try {
      source = await file.read();
    } catch (error) {
      deps.onError?.(error, "admin send download");
      return [r.msg(r.say("importUnreadable"))];
    }
    if (Buffer.byteLength(source) > MAX_CAMPAIGN_BYTES) return [tooBig(Buffer.byteLength(source))];
    const campaign = await readCampaign(source, key);
    if (!campaign.ok) return [campaignProblem(r, campaign.error)];
    // One campaign per command: its id says who sent which file (the event id is unique per command).
    const id = `csv:${actorId(request.actor)}:${createHash("sha256").update(request.eventId).digest("hex").slice(0, 10)}`;
    const requests = campaign.value;
    for (let i = 0; i < requests.length; i += CAMPAIGN_CHUNK)
      await dispatcher.request(requests.slice(i, i + CAMPAIGN_CHUNK), id);
    await audit(request.actor, "campaign.send", id, key, {
      file: cutText(file.name, 80),
      count: requests.length,
    });
    return [r.msg(r.say("sendQueued", { flow: key, count: requests.length }))];
  };

  // ── exports ──
  const exportResponses = async (
    r: Replies,
    actor: AdminActor,
    command: Extract<AdminCommand, { name: "export-responses" }>,
  ): Promise<AdminMessage[]> => {
    const source = deps.exports;
    if (!source) return [r.msg(r.say("failed"))];
    const now = clock();
    const from = periodStart(command.period, now);
    const exported = await prepareResponseExport(
      source,
      stores.flows,
      { flowKey: command.flow, ...(from ? { from } : {}) },
      { identities: command.identities },
    );
    if (!exported) return [r.msg(r.say("unknownFlow", { flow: command.flow }))];
    const period = r.say(
      (
        {
          "7d": "exportPeriod7d",
          "30d": "exportPeriod30d",
          "90d": "exportPeriod90d",
          "12m": "exportPeriod12m",
          all: "exportPeriodAll",
        } as const
      )[command.period],
    );
    const limit = EXPORT_FILE_LIMITS[actor.channel];
    const result = await boundedExport(exported, "csv", limit);
    await audit(actor, "responses.export", command.flow, command.flow, {
      period: command.period,
      identities: command.identities,
      ...(result.kind === "file" ? { rows: result.rows } : { refused: "too-big" }),
    });
    if (result.kind === "too-big")
      return [
        r.msg(
          r.say("exportResponsesTooBig", {
            flow: command.flow,
            period,
            limit: Math.floor(limit / 1_000_000),
            url: `GET /api/v1/responses?flow=${command.flow}&format=csv`,
          }),
        ),
      ];
    if (result.rows === 0) return [r.msg(r.say("exportResponsesEmpty", { flow: command.flow, period }))];
    const day = now.toISOString().slice(0, 10);
    return [
      r.msg(
        r.say(command.identities ? "exportResponsesIdentities" : "exportResponsesCaption", {
          flow: command.flow,
          period,
          count: result.rows,
        }),
        {
          file: {
            name: `${command.flow}-responses-${command.period}-${day}${command.identities ? "-identities" : ""}.csv`,
            content: result.content,
            mime: "text/csv",
          },
        },
      ),
    ];
  };

  const parseErrorReply = (r: Replies, e: AdminParseError): AdminMessage => {
    switch (e.code) {
      case "ADMIN_UNKNOWN_COMMAND":
        return r.msg(r.say("unknownCommand", { word: e.argument ?? "" }));
      case "ADMIN_MISSING_ARGUMENT":
        return r.msg(
          r.say("missingArgument", {
            command: e.subcommand ?? "",
            argument: argumentName(r.locale, e.argument ?? ""),
          }),
        );
      case "ADMIN_BAD_ARGUMENT":
        return r.msg(
          r.say("badArgument", {
            command: e.subcommand ?? "",
            value: e.argument ?? "",
            expected: expectedText(r.locale, e.expected ?? ""),
          }),
        );
      default: {
        const never: never = e.code;
        throw new Error(`unhandled parse error ${String(never)}`);
      }
    }
  };

  const run = async (
    r: Replies,
    locale: Locale,
    request: AdminRequest,
    command: AdminCommand,
  ): Promise<AdminMessage[]> => {
    const { actor } = request;
    switch (command.name) {
      case "help":
        return [r.msg(r.say("help"))];
      case "flows":
        return listFlows(r, locale);
      case "show":
        return show(r, command.flow, command.locale ?? locale);
      case "text":
        return changeText(r, actor, command.flow, command.step, command.locale, command.text, undefined);
      case "alert": {
        const result = await editDraft(actor, command.flow, undefined, (d) =>
          setAlertRules(d, command.conditions),
        );
        if (!result.ok) return [failureReply(r, command.flow, result.error)];
        await audit(actor, "flow.alert", command.flow, command.flow, {
          before: JSON.stringify(result.value.before.alerts),
          after: JSON.stringify(result.value.control.draft?.definition.alerts ?? []),
        });
        return [
          draftSaved(r, command.flow, result.value.control, r.say("alertSaved", { flow: command.flow })),
        ];
      }
      case "route": {
        const result = await editDraft(actor, command.flow, undefined, (d) =>
          ok(setRoute(d, command.channel)),
        );
        if (!result.ok) return [failureReply(r, command.flow, result.error)];
        await audit(actor, "flow.route", command.flow, command.flow, {
          before: result.value.before.alerts.map((a) => a.route ?? "").join(","),
          after: command.channel,
        });
        return [
          draftSaved(
            r,
            command.flow,
            result.value.control,
            r.say("routeSaved", { flow: command.flow, channel: command.channel }),
          ),
        ];
      }
      case "enable":
      case "disable":
        return toggle(r, actor, command.flow, command.name === "enable");
      case "new":
        return create(r, actor, command.flow, command.template);
      case "export":
        return exportFlow(r, command.flow);
      case "import":
        return importFlow(r, request, command.flow);
      case "diff":
        return diff(r, command.flow);
      case "publish":
        return publish(r, actor, command.flow, undefined);
      case "history":
        return history(r, command.flow);
      case "rollback":
        return rollback(r, actor, command.flow, command.version);
      case "try":
        return tryFlow(r, request, command.flow, command.locale);
      case "report":
        return report(r, locale, command.flow, command.days, command.by);
      case "admins":
        return admins(r, actor, command.change);
      case "audit":
        return auditLog(r, command.flow);
      case "learn":
        return learn(r, actor);
      // ─── outgoing webhooks ───
      case "webhooks":
        return webhooks(r, actor, command.action);
      case "keys":
        return keys(r, actor, command.action);
      case "send":
        return send(r, request, command.flow);
      // ── exports ──
      case "export-responses":
        return exportResponses(r, actor, command);
      // ─── privacy ───
      case "erase":
        return erasePerson(r, actor, command.who, command.confirmed);
      case "export-person":
        return exportPerson(r, actor, command.who);
      case "rollups":
        return rebuildRollupsCommand(r, actor, command.flow);
      default: {
        const never: never = command;
        throw new Error(`unhandled command ${JSON.stringify(never)}`);
      }
    }
  };

  /**
   * A command missing an argument that a button can supply: `text <flow>` alone starts the guided edit, and a
   * command without its flow offers the flows. Undefined for any other parse error.
   */
  const offerChoices = async (
    r: Replies,
    text: string,
    error: AdminParseError,
  ): Promise<AdminMessage[] | undefined> => {
    if (error.code !== "ADMIN_MISSING_ARGUMENT") return undefined;
    if (error.subcommand === "text" && error.argument === "step") {
      const flow = text.trim().split(/\s+/)[1]?.toLowerCase();
      return flow === undefined ? undefined : pickTarget(r, flow);
    }
    if (error.argument !== "flow") return undefined;
    const subcommand = error.subcommand ?? "show";
    const keys = (await stores.admin.controlKeys()).slice(0, 24);
    const buttons = keys
      .map((k) => r.button(k, `cx:c:${subcommand} ${k}`))
      .filter((b) => Buffer.byteLength(b.payload) <= 64)
      .map((b) => [b]);
    return [{ ...parseErrorReply(r, error), buttons }];
  };

  return {
    async handle(request) {
      const { actor } = request;
      if (!(await stores.events.claim(`admin:${request.eventId}`, request.receivedAt)))
        return { status: "duplicate" };
      const locale = await localeOf(actor);
      const r = replies(locale);
      if (!(await isAdmin(actor))) {
        const what =
          request.input.type === "command"
            ? cutText(request.input.text.split(/\s+/)[0] ?? "", 40)
            : request.input.type === "press"
              ? "button"
              : "text";
        deps.onRefused?.(actorId(actor), what);
        await audit(actor, "admin.refused", what, undefined).catch((e: unknown) =>
          deps.onError?.(e, "audit"),
        );
        // Exactly what anyone gets for a command cxbot does not know: no hint that admin commands exist.
        return { status: "refused", messages: [r.msg(t(locale, "help"))] };
      }
      try {
        const input = request.input;
        if (input.type === "text") {
          const session = await stores.admin.session(actorId(actor));
          await stores.admin.setSession(actorId(actor), null);
          if (!session || Date.now() - Date.parse(session.startedAt) > SESSION_MS)
            return {
              status: "handled",
              messages: [r.msg(r.say("sessionGone", { flow: session?.flow ?? "" }))],
            };
          const messages = await changeText(
            r,
            actor,
            session.flow,
            session.target,
            session.locale,
            input.text.trim(),
            session.edits,
          );
          return { status: "handled", messages };
        }
        let text: string;
        if (input.type === "press") {
          const press = readPress(input.payload);
          if (!press) return { status: "handled", messages: [r.msg(r.say("help"))] };
          switch (press.kind) {
            case "p":
              return { status: "handled", messages: await publish(r, actor, press.flow, press.edits) };
            case "t":
              return { status: "handled", messages: await pickLocale(r, press) };
            case "l":
              return { status: "handled", messages: await awaitText(r, actor, press) };
            case "c":
              text = press.text;
              break;
            default: {
              const never: never = press;
              throw new Error(`unhandled press ${JSON.stringify(never)}`);
            }
          }
        } else text = input.text;
        const parsed = parseAdminCommand(text);
        if (!parsed.ok)
          return {
            status: "handled",
            messages: (await offerChoices(r, text, parsed.error)) ?? [parseErrorReply(r, parsed.error)],
          };
        return { status: "handled", messages: await run(r, locale, request, parsed.value) };
      } catch (error) {
        deps.onError?.(error, "admin command");
        // Not carried out: a redelivery may try again.
        await stores.events.forget(`admin:${request.eventId}`).catch(() => {});
        return { status: "handled", messages: [r.msg(r.say("failed"))] };
      }
    },
    async awaitsText(actor) {
      if (!(await isAdmin(actor))) return false;
      const session = await stores.admin.session(actorId(actor));
      return session !== null && Date.now() - Date.parse(session.startedAt) <= SESSION_MS;
    },
    async flowKeys() {
      return stores.admin.controlKeys();
    },
    isAdmin,
  };
}
