import type { FakeSlackUser, StoredSlackMessage } from "../../fakes/slack-api.ts";
import {
  type Capabilities,
  type ContractUser,
  NotApplicable,
  type PlatformCall,
  type PlatformDriver,
  type SeenMessage,
} from "../driver.ts";
import { SIGNING_SECRET, startContractCxbot, textDirection } from "./cxbot.ts";

/**
 * Slack: the real bolt app in HTTP mode (SLACK_SIGNING_SECRET), the fake Slack sending signed events, slash
 * commands and button clicks. Slack is answered before the work is done, so a call here resolves once Slack
 * has its acknowledgement; the suite waits for what the user then sees.
 */
const capabilities: Capabilities = {
  platform: "slack",
  buttons: "native",
  edits: true,
  // Slack's client lays buttons out left to right; cxbot orders each row right to left for fa/ar.
  rtlLayout: true,
  deepLink: {
    form: "none in Slack: /feedback <flow> starts a flow by name, with no reference",
    carriesReference: false,
  },
  // Slack retries events (a DM); it never redelivers a button click.
  redelivers: ["text"],
  staleButtons: true,
  rateLimits: true,
  supportReplies: true,
  inboundTextLimit: 40_000,
  outboundTextLimit: 40_000,
};

const GENERAL = "C0GENERAL";

interface UserState {
  readonly slack: FakeSlackUser;
  lastEvent?: string;
  answered?: string;
  stale?: string;
}

export async function createSlackDriver(): Promise<PlatformDriver> {
  const cx = await startContractCxbot(() => ({ SLACK_SIGNING_SECRET: SIGNING_SECRET }));
  const { slack } = cx;
  slack.addChannel(GENERAL, "general");
  slack.routeTo(`http://127.0.0.1:${cx.running.platforms.http.port}/slack/events`);

  const users = new Map<string, UserState>();
  let next = 0;
  const of = (user: ContractUser): UserState => {
    const known = users.get(user.name);
    if (known) return known;
    const slackLocale = { en: "en-US", fa: "fa-IR", ar: "ar-SA", tr: "tr-TR" }[user.locale];
    const state: UserState = {
      slack: { id: `U0CT${(next++).toString(36).toUpperCase()}`, name: user.name, locale: slackLocale },
    };
    users.set(user.name, state);
    return state;
  };
  const key = (user: ContractUser) => `slack:${of(user).slack.id}`;
  const dm = (user: ContractUser) => slack.dmChannelOf(of(user).slack.id);
  const fromBot = (user: ContractUser) =>
    slack.messages(dm(user)).filter((m) => m.user === slack.botUserId && m.thread_ts === undefined);

  const buttonsOf = (m: StoredSlackMessage): string[][] =>
    (m.blocks ?? [])
      .filter((b) => b.type === "actions" && Array.isArray(b.elements))
      .map((b) =>
        (b.elements as { type?: string; text?: { text?: string } }[])
          .filter((e) => e.type === "button")
          .map((e) => e.text?.text ?? ""),
      );
  const seen = (m: StoredSlackMessage): SeenMessage => {
    const direction = textDirection(m.text ?? "");
    return {
      text: m.text ?? "",
      // One actions block is one row, laid out left to right; a right-to-left reader meets the rightmost first.
      rows: buttonsOf(m).map((row) => (direction === "rtl" ? row.reverse() : row)),
      direction,
      edited: m.updatedCount > 0,
    };
  };
  const withButton = (user: ContractUser, label: string): StoredSlackMessage[] => {
    const found = fromBot(user).filter((m) => buttonsOf(m).flat().includes(label));
    if (found.length === 0) throw new Error(`slack: no button ${label} shown to ${user.name}`);
    return found;
  };
  const acked = (res: { status: number; body: string }) => {
    if (res.status !== 200) throw new Error(`slack request answered ${res.status}: ${res.body}`);
  };
  const click = async (user: ContractUser, m: StoredSlackMessage, label: string) =>
    acked(await slack.clickButton(of(user).slack, dm(user), m.ts, { text: label }));
  const byTs = (user: ContractUser, ts: string | undefined) => fromBot(user).find((m) => m.ts === ts);

  const calls = (): PlatformCall[] =>
    slack.calls().map((c) => ({
      method: c.method,
      ok: c.status === 200 && c.error === undefined,
      ...(typeof c.params.ts === "string" ? { target: c.params.ts } : {}),
    }));

  return {
    capabilities,
    async open(user) {
      slack.addUser(of(user).slack);
    },
    async startByCommand(user, flow) {
      acked(await slack.sendSlashCommand(of(user).slack, "/feedback", flow ?? "", { channelId: GENERAL }));
    },
    async startByDeepLink(user, flow) {
      acked(await slack.sendSlashCommand(of(user).slack, "/feedback", flow, { channelId: GENERAL }));
    },
    lastQuestion(user) {
      const last = fromBot(user).at(-1);
      return last ? seen(last) : undefined;
    },
    async press(user, label) {
      const target = withButton(user, label).at(-1);
      if (!target) throw new Error("unreachable");
      of(user).answered = target.ts;
      await click(user, target, label);
    },
    async type(user, text) {
      const state = of(user);
      state.answered = fromBot(user).at(-1)?.ts;
      const sent = await slack.userSendsDm(state.slack, text);
      acked(sent);
      state.lastEvent = sent.eventId;
    },
    async command(user, name, argument) {
      const state = of(user);
      state.lastEvent = undefined;
      acked(await slack.sendSlashCommand(state.slack, `/${name}`, argument ?? "", { channelId: dm(user) }));
    },
    async redeliverLast(user) {
      const state = of(user);
      if (state.lastEvent === undefined)
        throw new NotApplicable("slack", "redelivering a click or a command");
      acked(await slack.userSendsDm(state.slack, "", { retryOf: state.lastEvent }));
    },
    async pressStale(user, label) {
      const newest = fromBot(user).at(-1)?.ts;
      const earlier = withButton(user, label)
        .filter((m) => m.ts !== newest)
        .at(-1);
      if (!earlier) throw new Error(`slack: no earlier question shows ${label}`);
      of(user).stale = earlier.ts;
      await click(user, earlier, label);
    },
    async pressTwice(user, label) {
      const target = withButton(user, label).at(-1);
      if (!target) throw new Error("unreachable");
      of(user).answered = target.ts;
      // Both clicks leave the client before Slack has heard back about the first.
      await Promise.all([click(user, target, label), click(user, target, label)]);
    },
    answeredQuestion(user) {
      const m = byTs(user, of(user).answered);
      return m ? seen(m) : undefined;
    },
    staleQuestion(user) {
      const m = byTs(user, of(user).stale);
      return m ? seen(m) : undefined;
    },
    mark(user) {
      return { messages: fromBot(user).length, calls: slack.calls().length };
    },
    messagesSince(user, mark) {
      return fromBot(user).slice(mark.messages).map(seen);
    },
    shownSince(user, mark) {
      const all = fromBot(user);
      const fresh = all.slice(mark.messages).map((m) => m.text ?? "");
      const edited = all
        .slice(0, mark.messages)
        .filter((m) => m.updatedCount > 0)
        .map((m) => m.text ?? "");
      const ephemeral = slack
        .ephemerals()
        .filter((e) => e.user === of(user).slack.id)
        .map((e) => e.text ?? "");
      return [...fresh, ...edited, ...ephemeral];
    },
    callsSince: (mark) => calls().slice(mark.calls),
    supportReply: (user, text) => cx.supportReply(key(user), text),
    injectRateLimit(count, retryAfterSeconds) {
      slack.failNext("chat.postMessage", { status: 429, retryAfter: retryAfterSeconds }, count);
    },
    db: {
      conversation: (user) => cx.conversation(key(user)),
      conversations: (user) => cx.conversations(key(user)),
      alert: (user) => cx.alert(key(user)),
    },
    close: () => cx.close(),
  };
}
