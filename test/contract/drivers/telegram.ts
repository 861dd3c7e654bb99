import type { CommandName } from "../../../core/types.ts";
import {
  type FakeTelegram,
  type FakeUser,
  type ShownMessage,
  startFakeTelegram,
  type TgUpdate,
} from "../../fakes/telegram-api.ts";
import type {
  Capabilities,
  ContractUser,
  Mark,
  PlatformCall,
  PlatformDriver,
  SeenMessage,
} from "../driver.ts";
import { startContractCxbot, textDirection } from "./cxbot.ts";

/**
 * Telegram: the real telegraf bot in webhook mode (as `npm start` runs it with TELEGRAM_WEBHOOK_DOMAIN), the
 * fake Bot API delivering updates. A delivery resolves once the bot has answered the webhook, so everything
 * an update caused has been recorded by then.
 */
const TEXT_LIMIT = 4096;
const capabilities: Capabilities = {
  platform: "telegram",
  buttons: "native",
  edits: true,
  rtlLayout: true,
  deepLink: {
    form: "t.me/<bot>?start=<flow>__<reference> (arrives as /start <flow>__<reference>)",
    carriesReference: true,
  },
  redelivers: ["text", "press"],
  staleButtons: true,
  rateLimits: true,
  supportReplies: true,
  inboundTextLimit: TEXT_LIMIT,
  outboundTextLimit: TEXT_LIMIT,
};

interface UserState {
  readonly tg: FakeUser;
  last?: TgUpdate;
  answered?: number;
  stale?: number;
  /** Callback queries the user issued, with the position in the call log when they were delivered. */
  readonly queries: { readonly id: string; readonly at: number }[];
}

/** Splits text as a Telegram client does: messages of at most 4096 UTF-16 units, never inside a pair. */
function clientSplit(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > TEXT_LIMIT) {
    let cut = TEXT_LIMIT;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

export async function createTelegramDriver(): Promise<PlatformDriver> {
  const secret = "contract-suite-webhook-secret_0123";
  const fake: FakeTelegram = await startFakeTelegram({ token: "4444:contract-suite-bot-token-eeeeeeeeeeee" });
  const cx = await startContractCxbot(() => ({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: "bot.example.com",
    TELEGRAM_WEBHOOK_SECRET: secret,
  })).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  fake.routeWebhooks(`http://127.0.0.1:${cx.running.platforms.http.port}`);

  const calls: PlatformCall[] = [];
  fake.onCall((call, ok) => {
    const id = call.body.message_id;
    calls.push({
      method: call.method,
      ok,
      ...(id === undefined ? {} : { target: String(id) }),
      ...(call.method === "editMessageReplyMarkup" ? { markupOnly: true } : {}),
    });
  });

  const users = new Map<string, UserState>();
  let nextId = 610_000 + Math.floor(Math.random() * 10_000) * 10;
  const of = (user: ContractUser): UserState => {
    const known = users.get(user.name);
    if (known) return known;
    const state: UserState = {
      tg: { id: nextId++, first_name: user.name.slice(0, 30), language_code: user.locale },
      queries: [],
    };
    users.set(user.name, state);
    return state;
  };
  const key = (user: ContractUser) => `telegram:${of(user).tg.id}`;

  const seen = (m: ShownMessage): SeenMessage => {
    const direction = textDirection(m.text);
    const rows = (m.reply_markup?.inline_keyboard ?? []).map((row) => {
      const labels = row.map((b) => b.text);
      // Telegram lays a keyboard row out left to right; a right-to-left reader meets the rightmost first.
      return direction === "rtl" ? labels.reverse() : labels;
    });
    return { text: m.text, rows, direction, edited: m.edited };
  };
  const deliver = async (state: UserState, update: TgUpdate): Promise<void> => {
    state.last = update;
    if (update.callback_query) state.queries.push({ id: update.callback_query.id, at: calls.length });
    const res = await fake.deliver(update);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
  };
  const say = async (user: ContractUser, text: string) => {
    const state = of(user);
    await deliver(state, fake.userSendsText(state.tg, text));
  };
  const withButton = (user: ContractUser, label: string): { message: ShownMessage; data: string }[] => {
    const found: { message: ShownMessage; data: string }[] = [];
    for (const m of fake.messages(of(user).tg.id)) {
      const b = m.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
      if (b && typeof b.callback_data === "string") found.push({ message: m, data: b.callback_data });
    }
    if (found.length === 0) throw new Error(`telegram: no button ${label} shown to ${user.name}`);
    return found;
  };
  const shownMessage = (user: ContractUser, id: number | undefined) =>
    fake.messages(of(user).tg.id).find((m) => m.message_id === id);

  return {
    capabilities,
    async open(user) {
      fake.addPrivateChat(of(user).tg);
    },
    startByCommand: (user, flow) => say(user, flow === undefined ? "/feedback" : `/feedback ${flow}`),
    startByDeepLink: (user, flow, reference) => say(user, `/start ${flow}__${reference}`),
    lastQuestion(user) {
      const last = fake.messages(of(user).tg.id).at(-1);
      return last ? seen(last) : undefined;
    },
    async press(user, label) {
      const state = of(user);
      const target = withButton(user, label).at(-1);
      if (!target) throw new Error("unreachable");
      state.answered = target.message.message_id;
      await deliver(state, fake.userPressesButton(state.tg, target.message.message_id, target.data));
    },
    async type(user, text) {
      const state = of(user);
      state.answered = fake.messages(state.tg.id).at(-1)?.message_id;
      for (const part of clientSplit(text)) await say(user, part);
    },
    command: (user, name: CommandName, argument) =>
      say(user, `/${name}${argument === undefined ? "" : ` ${argument}`}`),
    async redeliverLast(user) {
      const state = of(user);
      if (!state.last) throw new Error(`telegram: ${user.name} sent nothing yet`);
      const res = await fake.redeliver(state.last);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
    },
    async pressStale(user, label) {
      const state = of(user);
      const newest = fake.messages(state.tg.id).at(-1)?.message_id;
      const earlier = withButton(user, label)
        .filter((b) => b.message.message_id !== newest)
        .at(-1);
      if (!earlier) throw new Error(`telegram: no earlier question shows ${label}`);
      state.stale = earlier.message.message_id;
      await deliver(state, fake.userPressesButton(state.tg, earlier.message.message_id, earlier.data));
    },
    async pressTwice(user, label) {
      const state = of(user);
      const target = withButton(user, label).at(-1);
      if (!target) throw new Error("unreachable");
      state.answered = target.message.message_id;
      const first = fake.userPressesButton(state.tg, target.message.message_id, target.data);
      const second = fake.userPressesButton(state.tg, target.message.message_id, target.data);
      await deliver(state, first);
      await deliver(state, second);
    },
    answeredQuestion(user) {
      const m = shownMessage(user, of(user).answered);
      return m ? seen(m) : undefined;
    },
    staleQuestion(user) {
      const m = shownMessage(user, of(user).stale);
      return m ? seen(m) : undefined;
    },
    mark(user) {
      return { messages: fake.messages(of(user).tg.id).at(-1)?.message_id ?? 0, calls: calls.length };
    },
    messagesSince(user, mark: Mark) {
      return fake
        .messages(of(user).tg.id)
        .filter((m) => m.message_id > mark.messages)
        .map(seen);
    },
    shownSince(user, mark) {
      const chat = fake.messages(of(user).tg.id);
      const fresh = chat.filter((m) => m.message_id > mark.messages).map((m) => m.text);
      const edited = chat.filter((m) => m.message_id <= mark.messages && m.edited).map((m) => m.text);
      const toasts = of(user)
        .queries.filter((q) => q.at >= mark.calls)
        .map((q) => fake.callbackAnswer(q.id)?.text)
        .filter((t): t is string => t !== undefined);
      return [...fresh, ...edited, ...toasts];
    },
    callsSince: (mark) => calls.slice(mark.calls),
    async supportReply(user, text) {
      return cx.supportReply(key(user), text);
    },
    injectRateLimit(count, retryAfterSeconds) {
      fake.failNext(
        "sendMessage",
        { error_code: 429, parameters: { retry_after: retryAfterSeconds } },
        count,
      );
    },
    db: {
      conversation: (user) => cx.conversation(key(user)),
      conversations: (user) => cx.conversations(key(user)),
      alert: (user) => cx.alert(key(user)),
    },
    async close() {
      await cx.close();
      await fake.close();
    },
  };
}
