import { Events, type Interaction, type Message } from "discord.js";
import type { Locale } from "../../../core/locale.ts";
import {
  createFakeDiscord,
  type DiscordMessage,
  type FakeDiscord,
  type FakeDiscordUser,
  type Json,
  type RecordedDiscordCall,
} from "../../fakes/discord-api.ts";
import {
  type Capabilities,
  type ContractUser,
  type Mark,
  NotApplicable,
  type PlatformCall,
  type PlatformDriver,
  type SeenMessage,
} from "../driver.ts";
import { startContractCxbot, textDirection } from "./cxbot.ts";

/**
 * Discord: the real discord.js client (gateway and REST) against the fake Discord, as `npm start` runs it with
 * DISCORD_BOT_TOKEN. A survey starts with `/feedback` in a server channel and goes on in the member's DM; the
 * other commands are slash commands in the DM, `/restart` is typed there. The gateway has no answer to wait
 * for: an input resolves once the client has emitted it and the adapter has answered everything it took.
 */
const TEXT_LIMIT = 2000;
const capabilities: Capabilities = {
  platform: "discord",
  buttons: "native",
  edits: true,
  // Discord lays a row out left to right; cxbot orders each row right to left for fa/ar.
  rtlLayout: true,
  deepLink: {
    form: "none in Discord: /feedback flow:<flow> starts a flow by name, with no reference",
    carriesReference: false,
  },
  // A resumed gateway session replays the dispatches it missed: the same INTERACTION_CREATE again.
  redelivers: ["press"],
  staleButtons: true,
  rateLimits: true,
  supportReplies: true,
  // 2,000 characters a message for a member without Nitro; the client lets no more through.
  inboundTextLimit: TEXT_LIMIT,
  outboundTextLimit: TEXT_LIMIT,
};

const GUILD = "410000000000000001";
const GENERAL = `${GUILD}1`;
const FLAG_EPHEMERAL = 1 << 6;
const FLAG_LOADING = 1 << 7;

/** The client locale a member's Discord reports: Discord has no Persian or Arabic, so those members use en-US. */
const CLIENT_LOCALE: Record<Locale, string> = { en: "en-US", tr: "tr", fa: "en-US", ar: "en-US" };

interface UserState {
  readonly dc: FakeDiscordUser;
  readonly locale: Locale;
  /** The last input: a press (its INTERACTION_CREATE, for a redelivery) or anything else. */
  last?: { readonly kind: "press"; readonly interaction: Json } | { readonly kind: "other" };
  answered?: string;
  stale?: string;
}

/** Splits text as a Discord client refuses longer messages: parts of 2,000 UTF-16 units, never inside a pair. */
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

interface Component {
  readonly type?: number;
  readonly label?: string;
  readonly custom_id?: string;
  readonly options?: readonly { readonly label?: string; readonly value?: string }[];
}
const componentsOf = (row: Json): Component[] =>
  Array.isArray(row.components) ? (row.components as Component[]) : [];

/** REST calls by Discord's names for them (discord.com/developers/docs). */
function methodOf(call: RecordedDiscordCall): string {
  const line = `${call.method} ${call.path}`;
  const names: [RegExp, string][] = [
    [/^POST \/channels\/\d+\/messages$/, "createMessage"],
    [/^PATCH \/channels\/\d+\/messages\/\d+$/, "editMessage"],
    [/^DELETE \/channels\/\d+\/messages\/\d+$/, "deleteMessage"],
    [/^POST \/users\/@me\/channels$/, "createDM"],
    [/^POST \/interactions\/\d+\/[^/]+\/callback$/, "createInteractionResponse"],
    [/^POST \/webhooks\/\d+\/[^/]+$/, "createFollowupMessage"],
    [/^PATCH \/webhooks\/\d+\/[^/]+\/messages\/[^/]+$/, "editWebhookMessage"],
    [/^DELETE \/webhooks\/\d+\/[^/]+\/messages\/[^/]+$/, "deleteWebhookMessage"],
  ];
  return names.find(([re]) => re.test(line))?.[1] ?? line;
}

export async function createDiscordDriver(): Promise<PlatformDriver> {
  const fake: FakeDiscord = await createFakeDiscord({
    heartbeatIntervalMs: 1_000,
    guilds: [{ id: GUILD, name: "Contract shop", preferred_locale: "en-US" }],
  });
  const cx = await startContractCxbot(() => ({
    DISCORD_BOT_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiBase,
  })).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  const adapter = cx.running.platforms.discord;
  if (!adapter) {
    await cx.close();
    await fake.close();
    throw new Error("discord: cxbot started without its Discord adapter");
  }
  /**
   * How often the client has emitted each interaction and DM. The adapter listened first, so once one is
   * emitted the adapter has taken it, and `settled()` then resolves once it has been answered.
   */
  const emitted = new Map<string, number>();
  const count = (id: string) => emitted.set(id, (emitted.get(id) ?? 0) + 1);
  adapter.client.on(Events.InteractionCreate, (interaction: Interaction) => count(interaction.id));
  adapter.client.on(Events.MessageCreate, (message: Message) => count(message.id));
  /** Resolves once cxbot has answered the `times`-th delivery of the dispatch `id`. */
  const answered = async (id: string, times = 1) => {
    await fake.waitFor(() => (emitted.get(id) ?? 0) >= times, 10_000);
    await adapter.settled();
  };

  const users = new Map<string, UserState>();
  let nextId = 320_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1_000_000)) * 1_000n;
  const of = (user: ContractUser): UserState => {
    const known = users.get(user.name);
    if (known) return known;
    const state: UserState = {
      dc: {
        id: String(nextId++),
        username: user.name.slice(0, 32).toLowerCase(),
        global_name: user.name.slice(0, 32),
        locale: CLIENT_LOCALE[user.locale],
      },
      locale: user.locale,
    };
    users.set(user.name, state);
    return state;
  };
  const key = (user: ContractUser) => `discord:${of(user).dc.id}`;
  const dm = (user: ContractUser) => fake.dmChannelOf(of(user).dc.id);
  const fromBot = (user: ContractUser) => fake.messages(dm(user)).filter((m) => m.author.bot);
  /** The bot's messages in the DM, without the notices only the member sees and the "thinking…" placeholders. */
  const chat = (user: ContractUser) =>
    fromBot(user).filter((m) => (m.flags & (FLAG_EPHEMERAL | FLAG_LOADING)) === 0);
  /** Notices only the member sees (an interaction's ephemeral follow-up). */
  const notices = (user: ContractUser) =>
    fromBot(user).filter((m) => (m.flags & FLAG_EPHEMERAL) !== 0 && (m.flags & FLAG_LOADING) === 0);
  /** Where each mark was taken among the notices (Mark carries the chat and call positions only). */
  const noticeMarks = new WeakMap<Mark, number>();

  const seen = (m: DiscordMessage): SeenMessage => {
    const direction = textDirection(m.content);
    const rows = m.components.map((row) => {
      const labels = componentsOf(row).flatMap((c) =>
        c.type === 2 ? [c.label ?? ""] : c.type === 3 ? (c.options ?? []).map((o) => o.label ?? "") : [],
      );
      // Discord lays a row out left to right; a right-to-left reader meets the rightmost first.
      return direction === "rtl" ? labels.reverse() : labels;
    });
    return { text: m.content, rows, direction, edited: m.edited_timestamp !== null };
  };
  const withLabel = (user: ContractUser, label: string) => chat(user).filter((m) => hasLabel(m, label));
  const hasLabel = (m: DiscordMessage, label: string) =>
    m.components.some((row) =>
      componentsOf(row).some(
        (c) =>
          (c.type === 2 && c.label === label) || (c.type === 3 && c.options?.some((o) => o.label === label)),
      ),
    );
  /** The member's click on `label` in `m`: a button, or the option of a select menu. */
  const click = async (user: ContractUser, m: DiscordMessage, label: string): Promise<Json> => {
    const state = of(user);
    for (const row of m.components)
      for (const c of componentsOf(row)) {
        if (c.type === 2 && c.label === label) return fake.userPressesButton(state.dc, m, c.custom_id ?? "");
        const option = c.type === 3 ? c.options?.find((o) => o.label === label) : undefined;
        if (option) return fake.userSelects(state.dc, m, c.custom_id ?? "", [option.value ?? ""]);
      }
    throw new Error(`discord: message ${m.id} shows no ${label}`);
  };
  const byId = (user: ContractUser, id: string | undefined) => chat(user).find((m) => m.id === id);
  const slash = async (
    user: ContractUser,
    name: string,
    options: Record<string, string>,
    inServer: boolean,
  ) => {
    const state = of(user);
    state.last = { kind: "other" };
    const interaction = await fake.userRunsCommand(
      state.dc,
      name,
      options,
      inServer ? { guildId: GUILD, channelId: GENERAL } : {},
    );
    await answered(String(interaction.id));
  };
  /** `/feedback` in a server channel; Persian and Arabic members choose their language with its option. */
  const feedback = (user: ContractUser, flow: string | undefined) => {
    const state = of(user);
    const options: Record<string, string> = {};
    if (flow !== undefined) options.flow = flow;
    if (state.locale === "fa" || state.locale === "ar") options.language = state.locale;
    return slash(user, "feedback", options, true);
  };
  const calls = (): PlatformCall[] =>
    fake.calls().map((c) => {
      const target = /\/messages\/(\d+)$/.exec(c.path)?.[1];
      return {
        method: methodOf(c),
        ok: c.status >= 200 && c.status < 400,
        ...(target === undefined ? {} : { target }),
      };
    });

  return {
    capabilities,
    async open(user) {
      fake.addUser(of(user).dc);
    },
    startByCommand: (user, flow) => feedback(user, flow),
    startByDeepLink: (user, flow) => feedback(user, flow),
    lastQuestion(user) {
      const last = chat(user).at(-1);
      return last ? seen(last) : undefined;
    },
    async press(user, label) {
      const state = of(user);
      const target = withLabel(user, label).at(-1);
      if (!target) throw new Error(`discord: no ${label} shown to ${user.name}`);
      state.answered = target.id;
      const interaction = await click(user, target, label);
      state.last = { kind: "press", interaction };
      await answered(String(interaction.id));
    },
    async type(user, text) {
      const state = of(user);
      state.answered = chat(user).at(-1)?.id;
      state.last = { kind: "other" };
      for (const part of clientSplit(text))
        await answered((await fake.userSendsDm(state.dc, part)).message.id);
    },
    async command(user, name, argument) {
      switch (name) {
        case "restart": {
          const state = of(user);
          state.last = { kind: "other" };
          await answered((await fake.userSendsDm(state.dc, "/restart")).message.id);
          return;
        }
        case "language":
          return slash(user, "language", argument === undefined ? {} : { language: argument }, false);
        default:
          return slash(user, name, {}, false);
      }
    },
    async redeliverLast(user) {
      const last = of(user).last;
      if (last?.kind !== "press") throw new NotApplicable("discord", "redelivering a message or a command");
      const id = String(last.interaction.id);
      const times = (emitted.get(id) ?? 0) + 1;
      await fake.redeliver(last.interaction);
      await answered(id, times);
    },
    async pressStale(user, label) {
      const state = of(user);
      const newest = chat(user).at(-1)?.id;
      const earlier = withLabel(user, label)
        .filter((m) => m.id !== newest)
        .at(-1);
      if (!earlier) throw new Error(`discord: no earlier question shows ${label}`);
      state.stale = earlier.id;
      const interaction = await click(user, earlier, label);
      state.last = { kind: "press", interaction };
      await answered(String(interaction.id));
    },
    async pressTwice(user, label) {
      const state = of(user);
      const target = withLabel(user, label).at(-1);
      if (!target) throw new Error(`discord: no ${label} shown to ${user.name}`);
      state.answered = target.id;
      // Both clicks leave the client before Discord has heard back about the first.
      const [first, second] = await Promise.all([click(user, target, label), click(user, target, label)]);
      state.last = { kind: "press", interaction: second };
      await answered(String(first.id));
      await answered(String(second.id));
    },
    answeredQuestion(user) {
      const m = byId(user, of(user).answered);
      return m ? seen(m) : undefined;
    },
    staleQuestion(user) {
      const m = byId(user, of(user).stale);
      return m ? seen(m) : undefined;
    },
    mark(user) {
      const mark = { messages: chat(user).length, calls: fake.calls().length };
      noticeMarks.set(mark, notices(user).length);
      return mark;
    },
    messagesSince(user, mark) {
      return chat(user).slice(mark.messages).map(seen);
    },
    shownSince(user, mark) {
      const all = chat(user);
      const fresh = all.slice(mark.messages).map((m) => m.content);
      const edited = all
        .slice(0, mark.messages)
        .filter((m) => m.edited_timestamp !== null)
        .map((m) => m.content);
      const ephemeral = notices(user)
        .slice(noticeMarks.get(mark) ?? 0)
        .map((m) => m.content);
      return [...fresh, ...edited, ...ephemeral];
    },
    callsSince: (mark) => calls().slice(mark.calls),
    supportReply: (user, text) => cx.supportReply(key(user), text),
    injectRateLimit(count, retryAfterSeconds) {
      fake.rateLimitNext("POST /channels/:id/messages", retryAfterSeconds, { times: count });
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
