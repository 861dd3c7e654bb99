import { KeyedQueue } from "../concurrency.ts";
import type { FlowRegistry } from "../flow/registry.ts";
import type { LocalizedText } from "../flow/schema.ts";
import { t } from "../i18n/messages.ts";
import { RTL_LOCALES } from "../locale.ts";
import type { Operations } from "../operations.ts";
import type { AlertStore, ProcessedEventStore, RollupStore } from "../ports.ts";
import { bucketFor, readScoreSeries, type ScoreSeries } from "../reports/series.ts";
import { err, ok, type Result } from "../result.ts";
import { type PeriodReport, periodReport } from "../rollups.ts";
import { addDays, dayKey } from "../scores.ts";
import { respondentKey } from "../service.ts";
import { cutText } from "../text/cut.ts";
import type { AlertedConversation, DomainEvent, OutboundMessage, RespondentRef } from "../types.ts";
import {
  type Actor,
  type AlertAction,
  type AlertActionError,
  type AlertHistoryEntry,
  type AlertPost,
  type AlertRecord,
  type AlertSource,
  enrichAlert,
  MAX_REPLY_LENGTH,
  raiseAlert,
  recordAction,
} from "./alert.ts";

/**
 * Where alerts are shown and worked on (Slack; a Discord channel next). The core decides what an alert says and
 * when; the notifier renders it natively and hands back an opaque {@link AlertPost} the core stores and passes
 * back. Targets are the notifier's own channel ids.
 */
export interface AlertNotifier {
  /** Which notifier this is; stored in every {@link AlertPost} it makes. */
  readonly name: string;
  /** Posts an alert as a message of its own (under `under`, in its thread, when given); returns where. */
  post(target: string, alert: AlertRecord, options?: { under?: AlertPost }): Promise<AlertPost>;
  /** Re-renders a posted alert after it changed. */
  update(alert: AlertRecord, post: AlertPost): Promise<void>;
  /** One message standing for alerts that came too fast to post one by one; returns where. */
  postSummary(target: string, alerts: readonly AlertRecord[]): Promise<AlertPost>;
  /**
   * Yesterday's scores, or the last week's, with each flow's chart (the notifier draws it from the series): the
   * text must be posted even when a chart cannot be drawn or uploaded; a failure to post the text throws.
   */
  postDigest(target: string, digest: Digest): Promise<void>;
  /** Something the customer wrote back, in the alert's thread. */
  postCustomerReply(alert: AlertRecord, post: AlertPost, text: string): Promise<void>;
  /**
   * Posts what is missing from a post (a platform that failed when the alert was posted), if anything; returns the
   * post that now stands for all of them, or undefined when nothing changed. Called when the alert is re-rendered.
   */
  repair?(alert: AlertRecord, post: AlertPost): Promise<AlertPost | undefined>;
}

/** What a digest covers: yesterday (beside the day before), or the last 7 complete days (beside the 7 before). */
export type DigestPeriod = "day" | "week";

/** A flow in a digest: its scores over the digest's period and the chart of its headline score. */
export interface DigestFlow {
  readonly key: string;
  readonly title: LocalizedText;
  readonly report: PeriodReport;
  /**
   * The first rating step with answers in the period (in the flow's step order), over the chart's span: 30 days
   * day by day for a daily digest (what `/cx report <flow> 30d` draws), 12 weeks week by week for a weekly one,
   * ending on the digest's last day. Absent when the flow had no answers in the digest's period.
   */
  readonly chart?: ScoreSeries;
}

/** The scores of a day or a week per flow, beside the period before. */
export interface Digest {
  readonly period: DigestPeriod;
  /** The days covered, `YYYY-MM-DD` inclusive (the same day for a daily digest). */
  readonly from: string;
  readonly to: string;
  /** For a weekly digest, the ISO week it is posted in (`2026-W49`): posted once per week and channel. */
  readonly week?: string;
  readonly flows: readonly DigestFlow[];
}

/** Days a daily digest's chart covers (as `/cx report <flow> 30d`). */
export const DAILY_CHART_DAYS = 30;
/** Weeks a weekly digest's chart covers, one point per week. */
export const WEEKLY_CHART_WEEKS = 12;

export interface AlertServiceDeps {
  readonly store: AlertStore;
  /** Used to post each day's digest once, even with several processes. */
  readonly events: ProcessedEventStore;
  readonly rollups: RollupStore;
  readonly flows: FlowRegistry;
  /** The time zone of the weekly digest's week (`DIGEST_TIME_ZONE`; UTC without it). */
  readonly digestTimeZone?: string;
  /** Reaches customers: support's replies, the recovery survey, transcripts. */
  readonly operations: Operations;
  readonly notifier: AlertNotifier;
  /** Where alerts go when their rule names no route. Without it, unrouted alerts are kept but not posted. */
  readonly defaultChannel?: string;
  /** Alerts per channel per minute posted one by one; more are folded into one summary message. */
  readonly floodPerMinute: number;
  /** How long folded alerts wait for their summary (a minute; tests shorten it). */
  readonly foldWindowMs?: number;
  /** The one-question flow sent when an agent resolves with "ask for a rating"; none disables it. */
  readonly recoveryFlow?: string;
  readonly clock?: () => Date;
  /** Told when an alert is raised and when it is resolved, once each, after it was saved (outgoing webhooks). */
  readonly onChange?: (change: AlertChange) => void;
  /** Told about failures of background work (posting, updating), which never throw into the survey. */
  readonly onError: (error: unknown, context: string) => void;
}

/** An alert raised or resolved, as {@link AlertServiceDeps.onChange} is told. */
export interface AlertChange {
  readonly type: "raised" | "resolved";
  readonly alert: AlertRecord;
}

export interface AlertService {
  /** Feeds the survey's domain events in; work happens in the background, in order per conversation. */
  onEvents(events: readonly DomainEvent[]): void;
  get(id: string): Promise<AlertRecord | null>;
  /** Applies a support agent's action, saves it, tells the customer where needed, and re-renders the alert. */
  act(id: string, actor: Actor, action: AlertAction): Promise<Result<AlertRecord, AlertActionError>>;
  /** Posts a folded alert in full, in the thread of its summary. */
  expand(id: string): Promise<Result<AlertRecord, AlertActionError>>;
  /**
   * Hands text a customer sent outside a survey to support, when they have an open alert from the last
   * {@link FORWARD_WINDOW_DAYS} days; true when forwarded.
   */
  forward(respondent: RespondentRef, text: string): Promise<boolean>;
  /** Whether resolving can send the customer a one-question recovery survey. */
  readonly recoveryAvailable: boolean;
  /** Posts the digest for the day before `now` to the default alert channel, once per day; true if it posted. */
  digest(now?: Date): Promise<boolean>;
  /**
   * Posts the digest of the 7 complete days before `now`'s day (in the digest's time zone), beside the 7 before,
   * to the default alert channel, once per ISO week; true if it posted. The caller decides when it is due.
   */
  weeklyDigest(now?: Date): Promise<boolean>;
  /** Posts alerts that were saved but never posted (a crash in between); returns how many. */
  retryUnposted(): Promise<number>;
  /** Resolves once all background work queued so far is done. */
  idle(): Promise<void>;
  /** Posts pending summaries and waits for background work. */
  close(): Promise<void>;
}

const MAX_ATTEMPTS = 5;
/** How long after an alert a customer's message still goes to support. */
export const FORWARD_WINDOW_DAYS = 14;
const FORWARD_MAX_LENGTH = 4000;
/** Alerts in one flood summary message (each is a block; Slack allows 50). */
const SUMMARY_SIZE = 45;
const FLOOD_WINDOW_MS = 60_000;

/**
 * Creates the service that turns alert rules into alerts support can work on.
 *
 * Locking: work on one alert runs in order (a queue per alert id). The survey service never waits for an
 * alert's queue — events and forwarded messages are handed over and processed in the background — so the
 * alert side may call into the survey service (a reply's transcript line, a recovery survey) without a cycle.
 */
export function createAlertService(deps: AlertServiceDeps): AlertService {
  const { store, notifier, events } = deps;
  const clock = deps.clock ?? (() => new Date());
  const foldWindowMs = deps.foldWindowMs ?? FLOOD_WINDOW_MS;
  const queue = new KeyedQueue();
  const renders = new KeyedQueue();
  const pending = new Set<Promise<unknown>>();
  const recentPosts = new Map<string, number[]>();
  const folded = new Map<string, { ids: string[]; timer: NodeJS.Timeout }>();

  const background = (context: string, work: () => Promise<unknown>): void => {
    const p = work().catch((error: unknown) => deps.onError(error, context));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const channelOf = (alert: AlertRecord): string | undefined => alert.route ?? deps.defaultChannel;

  /** Re-renders an alert from its newest saved state, one render at a time, so an older one never lands last. */
  const render = (id: string): void =>
    background(`update alert ${id}`, () =>
      renders.run(id, async () => {
        const latest = await store.get(id);
        const post = latest?.post;
        if (!latest || !post || post.folded) return;
        await notifier.update(latest, post);
        const repaired = await notifier.repair?.(latest, post);
        if (repaired) {
          await queue.run(id, () =>
            save(id, (current) =>
              current.post?.ref === post.ref ? { ...current, rev: current.rev + 1, post: repaired } : current,
            ),
          );
        }
      }),
    );

  /** Saves a change made by `change`, re-reading and re-applying it when another writer came first. */
  const save = async (
    id: string,
    change: (alert: AlertRecord) => AlertRecord | Result<AlertRecord, AlertActionError>,
  ): Promise<Result<AlertRecord, AlertActionError>> => {
    for (let i = 1; ; i++) {
      const current = await store.get(id);
      if (!current) return err("ALERT_NOT_FOUND");
      const changed = change(current);
      const next = "ok" in changed ? changed : ok(changed);
      if (!next.ok || next.value === current) return next;
      if ((await store.update(next.value, current.rev)) === "ok") return next;
      if (i >= MAX_ATTEMPTS) throw new Error(`alert ${id}: gave up after ${MAX_ATTEMPTS} conflicting writes`);
    }
  };

  const setPost = (id: string, post: AlertPost) =>
    queue.run(id, () =>
      save(id, (current) =>
        current.post && !current.post.folded ? current : { ...current, rev: current.rev + 1, post },
      ),
    );

  const flushFolded = async (channel: string): Promise<void> => {
    const entry = folded.get(channel);
    if (!entry) return;
    folded.delete(channel);
    clearTimeout(entry.timer);
    const alerts = (await Promise.all(entry.ids.map((id) => store.get(id)))).filter(
      (a): a is AlertRecord => a !== null,
    );
    for (let i = 0; i < alerts.length; i += SUMMARY_SIZE) {
      const chunk = alerts.slice(i, i + SUMMARY_SIZE);
      const summary = await notifier.postSummary(channel, chunk);
      for (const a of chunk) await setPost(a.id, { ...summary, folded: true });
    }
  };

  /**
   * Posts an alert, or folds it into the channel's summary when the channel had too many this minute. The
   * post is claimed first (an insert, atomic on every server), so two processes never both post it.
   */
  const publish = async (alert: AlertRecord, claim = `alert-post:${alert.id}`): Promise<void> => {
    const channel = channelOf(alert);
    if (channel === undefined || alert.post) return;
    // The minute's count is taken before any await, so alerts raised together cannot all see room for one more.
    const now = clock().getTime();
    const recent = (recentPosts.get(channel) ?? []).filter((at) => at > now - FLOOD_WINDOW_MS);
    const fold = recent.length >= deps.floodPerMinute;
    recentPosts.set(channel, fold ? recent : [...recent, now]);
    if (!(await events.claim(claim, clock()))) return;
    if (fold) {
      const entry = folded.get(channel);
      if (entry) entry.ids.push(alert.id);
      else {
        const timer = setTimeout(() => background("flood summary", () => flushFolded(channel)), foldWindowMs);
        timer.unref();
        folded.set(channel, { ids: [alert.id], timer });
      }
      return;
    }
    const post = await notifier.post(channel, alert);
    await save(alert.id, (current) => (current.post ? current : { ...current, rev: current.rev + 1, post }));
  };

  const sourceOf = async (
    conversationId: string,
    flowKey: string,
    context: AlertedConversation,
  ): Promise<AlertSource | undefined> => {
    const { flowVersion, ...rest } = context;
    const flow = await deps.flows.get(flowKey, flowVersion);
    return flow ? { ...rest, conversationId, flow } : undefined;
  };

  /** Raises the conversation's alert, or brings it up to date; an alert missed earlier is raised late. */
  const raiseOrEnrich = async (source: AlertSource): Promise<void> => {
    const now = clock();
    if (!(await store.get(source.conversationId))) {
      const alert = raiseAlert(source, now);
      if ((await store.create(alert)) === "ok") {
        deps.onChange?.({ type: "raised", alert });
        await store.setOpen(respondentKey(alert.respondent), alert.id, now);
        await publish(alert);
        return;
      }
    }
    let changed = false;
    const result = await save(source.conversationId, (current) => {
      const enriched = enrichAlert(current, source, now);
      changed = enriched !== current;
      return enriched;
    });
    if (changed && result.ok) render(result.value.id);
  };

  const handleEvent = (event: DomainEvent): void => {
    switch (event.type) {
      case "alert.due":
        background(`alert ${event.conversationId}`, () =>
          queue.run(event.conversationId, async () => {
            const source = await sourceOf(event.conversationId, event.flowKey, {
              flowVersion: event.flowVersion,
              rules: [event.alertId],
              respondent: event.respondent,
              locale: event.locale,
              ...(event.reference === undefined ? {} : { reference: event.reference }),
              answers: event.answers,
              transcript: event.transcript ?? [],
            });
            if (source) await raiseOrEnrich(source);
          }),
        );
        return;
      case "conversation.ended": {
        const alerted = event.alerted;
        if (!alerted) return;
        background(`alert ${event.conversationId}`, () =>
          queue.run(event.conversationId, async () => {
            const source = await sourceOf(event.conversationId, event.flowKey, alerted);
            if (source) await raiseOrEnrich(source);
          }),
        );
        return;
      }
      case "answer.recorded":
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  };

  const reply = async (alert: AlertRecord, actor: Actor, text: string): Promise<AlertHistoryEntry> => {
    const message: OutboundMessage = {
      kind: "notice",
      text: t(alert.locale, "supportReply", { text }),
      locale: alert.locale,
      rtl: RTL_LOCALES.has(alert.locale),
      expectsText: false,
    };
    let delivered = true;
    try {
      await deps.operations.deliver(alert.respondent, [message]);
    } catch (error) {
      delivered = false;
      deps.onError(error, `reply to ${alert.respondent.channel}:${alert.respondent.userId}`);
    }
    if (delivered) {
      await deps.operations
        .appendTranscript(alert.respondent, alert.id, [{ direction: "out", text: message.text }])
        .catch((error: unknown) => deps.onError(error, `transcript of ${alert.id}`));
    }
    return { type: "replied", at: clock().toISOString(), actor, text, delivered };
  };

  /** Sends the one-question recovery survey, unless the customer is in a survey (checked by the survey service). */
  const recover = async (alert: AlertRecord): Promise<"sent" | "skipped" | "failed"> => {
    const flowKey = deps.recoveryFlow;
    if (flowKey === undefined) return "failed";
    const started = await deps.operations.startSurvey(alert.respondent, {
      flowKey,
      locale: alert.locale,
      requestId: `alert:${alert.id}:recovery`,
      onlyIfIdle: true,
      ...(alert.reference === undefined ? {} : { reference: alert.reference }),
    });
    switch (started.status) {
      case "sent":
        return "sent";
      case "undeliverable":
        deps.onError(started.error, `recovery survey for ${alert.id}`);
        return "failed";
      case "busy":
      case "duplicate":
      case "unknown-flow":
        return "skipped";
      default: {
        const never: never = started;
        throw new Error(`unhandled ${JSON.stringify(never)}`);
      }
    }
  };

  const act = async (
    id: string,
    actor: Actor,
    action: AlertAction,
  ): Promise<Result<AlertRecord, AlertActionError>> => {
    const result = await queue.run(id, async (): Promise<Result<AlertRecord, AlertActionError>> => {
      const alert = await store.get(id);
      if (!alert) return err("ALERT_NOT_FOUND");
      if (alert.status === "resolved") return err("ALERT_RESOLVED");
      const at = clock().toISOString();
      const unlessResolved = (entry: AlertHistoryEntry) =>
        save(id, (current) =>
          current.status === "resolved" ? err("ALERT_RESOLVED") : recordAction(current, entry),
        );
      switch (action.type) {
        case "acknowledge":
          return unlessResolved({ type: "acknowledged", at, actor });
        case "assign":
          return unlessResolved({ type: "assigned", at, actor, assignee: action.to ?? actor });
        case "reply": {
          const text = action.text.trim();
          if (text === "") return err("REPLY_EMPTY");
          if (text.length > MAX_REPLY_LENGTH) return err("REPLY_TOO_LONG");
          const entry = await reply(alert, actor, text);
          const saved = await save(id, (current) => recordAction(current, entry));
          return saved.ok && entry.type === "replied" && !entry.delivered ? err("DELIVERY_FAILED") : saved;
        }
        case "resolve": {
          // Saved first: a second agent resolving at the same moment gets "already resolved", not a second survey.
          const resolved = await unlessResolved({ type: "resolved", at, actor });
          if (!resolved.ok) return resolved;
          deps.onChange?.({ type: "resolved", alert: resolved.value });
          const key = respondentKey(alert.respondent);
          if ((await store.openFor(key))?.alertId === id) await store.setOpen(key, null, clock());
          if (!action.recovery) return resolved;
          const recovery = await recover(alert);
          return save(id, (current) => ({
            ...current,
            rev: current.rev + 1,
            history: current.history.map((h) =>
              h.type === "resolved" && h.at === at ? { ...h, recovery } : h,
            ),
          }));
        }
        default: {
          const never: never = action;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    });
    if (result.ok || result.error === "DELIVERY_FAILED") render(id);
    return result;
  };

  const expand = (id: string): Promise<Result<AlertRecord, AlertActionError>> =>
    queue.run(id, async () => {
      const alert = await store.get(id);
      if (!alert) return err("ALERT_NOT_FOUND");
      if (!alert.post?.folded) return ok(alert);
      const post = await notifier.post(alert.post.target, alert, { under: alert.post });
      return save(id, (current) => ({ ...current, rev: current.rev + 1, post }));
    });

  const forward = async (respondent: RespondentRef, raw: string): Promise<boolean> => {
    const text = cutText(raw.trim(), FORWARD_MAX_LENGTH);
    if (text === "") return false;
    const now = clock();
    const open = await store.openFor(respondentKey(respondent));
    if (!open || open.at.getTime() < now.getTime() - FORWARD_WINDOW_DAYS * 24 * 3600_000) return false;
    // In the background: the survey service is handling this very message, holding the respondent's queue.
    background(`customer reply to ${open.alertId}`, () =>
      queue.run(open.alertId, async () => {
        const saved = await save(open.alertId, (current) =>
          current.status === "resolved"
            ? current
            : recordAction(current, { type: "customer-replied", at: now.toISOString(), text }),
        );
        if (!saved.ok) return;
        await deps.operations.appendTranscript(respondent, open.alertId, [{ direction: "in", text }]);
        if (saved.value.post) await notifier.postCustomerReply(saved.value, saved.value.post, text);
        render(open.alertId);
      }),
    );
    return true;
  };

  /** The rating steps of a flow that can head its chart, in the flow's step order. */
  const ratedFlows = async (): Promise<
    { key: string; title: LocalizedText; timeZone: string; steps: string[] }[]
  > => {
    const rated: { key: string; title: LocalizedText; timeZone: string; steps: string[] }[] = [];
    for (const key of deps.flows.loadedKeys()) {
      const flow = await deps.flows.latest(key);
      const steps = flow?.steps.filter((s) => s.type === "rating").map((s) => s.id) ?? [];
      if (flow && steps.length > 0) rated.push({ key, title: flow.title, timeZone: flow.timeZone, steps });
    }
    return rated;
  };

  /** A flow's scores over `from`…`to` and, when it had answers then, its headline score's chart ending on `to`. */
  const digestFlow = async (
    f: { key: string; title: LocalizedText; steps: string[] },
    from: string,
    to: string,
    chart: { days: number; bucket: "day" | "week" },
  ): Promise<DigestFlow> => {
    const report = await periodReport(deps.rollups, f.key, from, to);
    const headline = f.steps.find((id) =>
      report.current.some((s) => s.stepId === id && s.overall.responses > 0),
    );
    if (headline === undefined) return { key: f.key, title: f.title, report };
    const series = await readScoreSeries(
      deps.rollups,
      f.key,
      addDays(to, -(chart.days - 1)),
      to,
      chart.bucket,
    );
    const found = series.find((s) => s.stepId === headline);
    return { key: f.key, title: f.title, report, ...(found ? { chart: found } : {}) };
  };

  /** Posts a digest once per `claim` (an insert, atomic on every server), so several processes post it once. */
  const postOnce = async (
    channel: string,
    claim: string,
    now: Date,
    build: () => Promise<Digest>,
  ): Promise<boolean> => {
    if (await events.has(claim)) return false;
    if (!(await events.claim(claim, now))) return false;
    try {
      await notifier.postDigest(channel, await build());
    } catch (error) {
      // Not posted: let the next attempt (this process or another) try again.
      await events.forget(claim);
      throw error;
    }
    return true;
  };

  const digest = async (now = clock()): Promise<boolean> => {
    const channel = deps.defaultChannel;
    if (channel === undefined) return false;
    // Which flows and which day first: the reports are read only by the process that wins today's claim.
    const rated = (await ratedFlows()).map((f) => ({
      ...f,
      yesterday: addDays(dayKey(now, f.timeZone), -1),
    }));
    if (rated.length === 0) return false;
    const day = rated.map((f) => f.yesterday).sort()[0] ?? "";
    return postOnce(channel, `digest:${channel}:${day}`, now, async () => {
      const flows: DigestFlow[] = [];
      for (const f of rated)
        flows.push(
          await digestFlow(f, f.yesterday, f.yesterday, {
            days: DAILY_CHART_DAYS,
            bucket: bucketFor(DAILY_CHART_DAYS),
          }),
        );
      return { period: "day", from: day, to: day, flows };
    });
  };

  const weeklyDigest = async (now = clock()): Promise<boolean> => {
    const channel = deps.defaultChannel;
    if (channel === undefined) return false;
    const rated = await ratedFlows();
    if (rated.length === 0) return false;
    const today = dayKey(now, deps.digestTimeZone ?? "UTC");
    const week = isoWeek(today);
    const from = addDays(today, -7);
    const to = addDays(today, -1);
    return postOnce(channel, `digest-weekly:${channel}:${week}`, now, async () => {
      const flows: DigestFlow[] = [];
      // Week by week, counted back from the last day: 12 whole weeks, the last one the digest's.
      for (const f of rated)
        flows.push(await digestFlow(f, from, to, { days: WEEKLY_CHART_WEEKS * 7, bucket: "week" }));
      return { period: "week", from, to, week, flows };
    });
  };

  const retryUnposted = async (): Promise<number> => {
    const stale = await store.listUnposted(new Date(clock().getTime() - foldWindowMs * 2), 100);
    let posted = 0;
    for (const alert of stale) {
      if (channelOf(alert) === undefined) continue;
      await queue.run(alert.id, async () => {
        const current = await store.get(alert.id);
        if (current && !current.post) {
          // A second, separate claim: the first was taken by a process that did not finish posting.
          await publish(current, `alert-post:${alert.id}:retry`);
          posted++;
        }
      });
    }
    return posted;
  };

  const idle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.all([...pending]);
  };

  return {
    onEvents(events) {
      for (const e of events) handleEvent(e);
    },
    get: (id) => store.get(id),
    act,
    expand,
    forward,
    recoveryAvailable: deps.recoveryFlow !== undefined,
    digest,
    weeklyDigest,
    retryUnposted,
    idle,
    async close() {
      await idle();
      for (const channel of [...folded.keys()]) await flushFolded(channel);
      await idle();
    },
  };
}

/** The ISO 8601 week of a `YYYY-MM-DD` day (`2026-W49`; weeks start on Monday, week 1 holds the first Thursday). */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  // The Thursday of the same week decides the year.
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const year = d.getUTCFullYear();
  const week = Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
