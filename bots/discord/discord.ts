import {
  type APIApplicationCommandOptionChoice,
  type APIMessage,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  DefaultRestOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  type Message,
  MessageFlags,
  type ModalSubmitInteraction,
  Partials,
  type RESTOptions,
  type RESTPostAPIApplicationCommandsJSONBody,
  Routes,
  type StringSelectMenuInteraction,
} from "discord.js";
import { isAdminPayload } from "../../core/admin/service.ts";
import type { AdminMessage, AdminService } from "../../core/admin/types.ts";
import type { Actor, AlertActionError } from "../../core/alerts/alert.ts";
import { ACTION_ERROR_KEY, staffText } from "../../core/alerts/messages.ts";
import type { AlertService } from "../../core/alerts/service.ts";
import { BoundedMap } from "../../core/bounded-map.ts";
import { SURVEY_COMMANDS } from "../../core/commands.ts";
import { LANGUAGE_NAMES, type MessageKey, t } from "../../core/i18n/messages.ts";
import { LOCALES, type Locale, matchLocale } from "../../core/locale.ts";
import type { SurveyService } from "../../core/service.ts";
import { cutText } from "../../core/text/cut.ts";
import type { InboundEvent, InboundInput, OutboundMessage, RespondentRef } from "../../core/types.ts";
import { type PlatformAdapter, type PlatformCapabilities, PlatformError } from "../contract.ts";
import { fileBytes } from "../kit/admin.ts";
import { splitText } from "../kit/layout.ts";
import { createResponder, type Press, type SurveySurface } from "../kit/responder.ts";
import type { Logger } from "../logger.ts";
import { ADMIN_MENU_PREFIX, adminComponents, discordAdminCommand, WRITE_TEXT_ID } from "./admin.ts";
import { adminAttachmentOf, createDiscordAdmin } from "./admin-interactions.ts";
import { createDiscordNotifier, parseAlertAction } from "./notifier.ts";
import { answeredContent, CUSTOM_ID, components, DISCORD_LIMITS, ZCustomId } from "./render.ts";

export interface DiscordAdapterConfig {
  readonly token: string;
  readonly applicationId: string;
  /** Register the commands in this server only (instant) instead of globally. */
  readonly guildId?: string;
  /** REST base without a version (discord.js adds /v10). */
  readonly apiUrl: string;
  readonly service: SurveyService;
  readonly logger: Logger;
  readonly defaultLocale: Locale;
  /** Flow keys and titles, for `/feedback`'s autocomplete. */
  readonly flowKeys: readonly string[];
  readonly flowTitles?: Readonly<Record<string, string>>;
  /** A server's default survey language (Discord never reports Persian or Arabic). */
  readonly serverLocales?: ReadonlyMap<string, Locale>;
  /** The language of alerts and digests. */
  readonly staffLocale: Locale;
  /** A channel for alerts with their buttons (`DISCORD_ALERT_CHANNEL`): the adapter is then a notifier too. */
  readonly alertChannel?: string;
}

export interface DiscordAdapter extends PlatformAdapter {
  /** The discord.js client (for tests and the bench: its gateway status). */
  readonly client: Client;
  /**
   * Resolves once every interaction and DM the client has emitted so far has been answered (the gateway has no
   * response to wait for; `stop` waits the same way, and tests wait on it to know a delivery caused nothing).
   */
  settled(): Promise<void>;
}

/** Discord: 5 buttons a row and 5 rows, 2,000 characters, custom_id ≤ 100; interactions answered within 3 s. */
export const DISCORD_CAPABILITIES: PlatformCapabilities = {
  buttons: true,
  buttonsPerRow: DISCORD_LIMITS.buttonsPerRow,
  maxButtons: DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow,
  // A button label is at most 80 characters (discord.com/developers/docs: Button Object).
  labelLimit: 80,
  textLimit: DISCORD_LIMITS.content,
  payloadBytes: DISCORD_LIMITS.customId,
  edits: true,
  modals: true,
  threads: true,
  deepLinks: false,
  redelivery: true,
  // Discord: 50 requests/s globally, a new DM costs two (open the channel, post); 5 per 5 s per channel.
  sendRate: { perSecond: 25, perChatPerSecond: 1, burst: 5 },
};

/** Discord's locales that have a cxbot language (no Persian or Arabic exists among Discord's locales). */
const DISCORD_LOCALIZATIONS = { tr: "tr" } as const satisfies Partial<Record<Locale, string>>;

const COMMAND_DESCRIPTIONS: Record<(typeof SURVEY_COMMANDS)[number], MessageKey> = {
  feedback: "cmdFeedback",
  skip: "cmdSkip",
  stop: "cmdStop",
  language: "cmdLanguage",
  forget: "cmdForget",
  help: "cmdHelp",
};

const describe = (key: MessageKey, defaultLocale: Locale) => ({
  description: cutText(t(defaultLocale, key), 100),
  description_localizations: Object.fromEntries(
    Object.entries(DISCORD_LOCALIZATIONS).map(([l, discord]) => [discord, cutText(t(l as Locale, key), 100)]),
  ),
});

const languageChoices: APIApplicationCommandOptionChoice<string>[] = LOCALES.map((l) => ({
  name: LANGUAGE_NAMES[l],
  value: l,
}));

/**
 * The slash commands, with descriptions in the default locale and localized where Discord has the locale: the
 * survey's, and `/cx` for admins (its subcommands and options in `./admin.ts`).
 */
export function discordCommands(defaultLocale: Locale): RESTPostAPIApplicationCommandsJSONBody[] {
  const languageOption = {
    type: 3,
    name: "language",
    ...describe("optLanguage", defaultLocale),
    required: false,
    choices: languageChoices,
  };
  const flowOption = {
    type: 3,
    name: "flow",
    ...describe("optFlow", defaultLocale),
    required: false,
    autocomplete: true,
  };
  return [
    ...SURVEY_COMMANDS.map((name) => ({
      name,
      ...describe(COMMAND_DESCRIPTIONS[name], defaultLocale),
      ...(name === "feedback" ? { options: [flowOption, languageOption] } : {}),
      ...(name === "language" ? { options: [languageOption] } : {}),
    })),
    {
      name: "feedback-button",
      ...describe("cmdFeedbackButton", defaultLocale),
      options: [flowOption],
      // Manage Server; not in DMs.
      default_member_permissions: "32",
      contexts: [0],
    },
    discordAdminCommand(defaultLocale),
  ];
}

/**
 * discord.js's REST requests, with a file upload sent by Node's fetch. Its own undici `request` hands the
 * multipart `FormData` to the process-wide undici dispatcher, which whichever undici loaded first installed: when
 * Slack runs too, @slack/socket-mode's undici 7 may have, and it cannot read that FormData ("action is not a
 * function"), so every upload would fail. fetch encodes the body itself first.
 */
const sendRequest: RESTOptions["makeRequest"] = (url, init) =>
  init.body instanceof FormData ? fetch(url, init as RequestInit) : DefaultRestOptions.makeRequest(url, init);

/** What discord.js threw, as a {@link PlatformError}. discord.js itself waits out 429s (per bucket and global). */
function classify(error: unknown, method: string): PlatformError {
  if (error instanceof DiscordAPIError)
    return new PlatformError("discord", method, error.status >= 500 ? "network" : "refused", error.message, {
      cause: error,
      code: `DISCORD_${error.code}`,
    });
  if (error instanceof HTTPError)
    return new PlatformError("discord", method, "network", error.message, { cause: error });
  return new PlatformError("discord", method, "bug", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

const discordCode = (error: unknown): number | string | undefined => {
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    if (e instanceof DiscordAPIError) return e.code;
  return undefined;
};

/** Discord error codes: cannot DM this user; the interaction (or its token) is no longer valid; already acked. */
const CANNOT_DM = 50007;
const UNKNOWN_INTERACTION = 10062;
const ALREADY_ACKNOWLEDGED = 40060;

/** An "ephemeral" chat: the survey goes on in the channel, visible to the member only, through interactions. */
const EPHEMERAL = "eph:";

/**
 * The Discord channel: slash commands in servers and DMs; the survey goes on in the member's DM with buttons (or,
 * where their DMs are closed, in messages only they see), free text as a DM or through a text box.
 */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  const { service, logger } = config;
  const client = new Client({
    // Guilds: without it discord.js waits for guilds at start-up and holds interactions meanwhile.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    // DM channels arrive as partials; without this discord.js drops DMs from members it has not seen.
    partials: [Partials.Channel],
    rest: { api: config.apiUrl, makeRequest: sendRequest },
  });
  let ready = false;
  let closing = false;

  const dmChannels = new BoundedMap<string, string>(10_000);
  /** The member's language as their Discord client last reported it (DMs carry none). */
  const languageTags = new BoundedMap<string, string>(10_000);
  /** The newest interaction of each member in an ephemeral chat: its token sends what comes next. */
  const ephemeral = new BoundedMap<
    string,
    ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction | ChatInputCommandInteraction
  >(10_000);
  /** Interactions already taken: a redelivery after a resume is never acknowledged twice (40060). */
  const seen = new BoundedMap<string, true>(10_000);
  /** The interaction of a press, by the pressed message, so the answered question is shown through it. */
  const pressedVia = new BoundedMap<string, ButtonInteraction | StringSelectMenuInteraction>(1_000);

  /** Handlers of the interactions and DMs received and not yet answered. */
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const settled = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const call = async <T>(method: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw classify(error, method);
    }
  };

  const dmOf = async (userId: string): Promise<string> => {
    const known = dmChannels.get(userId);
    if (known) return known;
    // Through discord.js, so the DM channel is in its cache: the member's DMs then reach messageCreate even from a
    // gateway that does not say which kind of channel a message is in.
    const channel = await call("createDM", () => client.users.createDM(userId));
    dmChannels.set(userId, channel.id);
    return channel.id;
  };

  /**
   * A message as Discord takes it. `textBox`: the question also gets a button that opens a text box, for a chat
   * where a typed message cannot reach cxbot (the ephemeral one, when the member's DMs are closed).
   */
  const body = (m: OutboundMessage, text: string, withComponents: boolean, textBox: boolean) => ({
    content: text,
    components: withComponents
      ? components(
          m,
          textBox &&
            m.expectsText &&
            m.stepId !== undefined &&
            !(m.choices ?? []).some((c) => c.role === "answer")
            ? { stepId: m.stepId, label: t(m.locale, "writeAnswer") }
            : undefined,
        )
      : [],
    allowed_mentions: { parse: [] },
  });

  const surface: SurveySurface<string> = {
    async post(chat, m) {
      const parts = splitText(m.text, DISCORD_LIMITS.content);
      const withButtons = (m.choices?.length ?? 0) > 0 || (chat.startsWith(EPHEMERAL) && m.expectsText);
      let ref: string | undefined;
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        if (chat.startsWith(EPHEMERAL)) {
          const via = ephemeral.get(chat.slice(EPHEMERAL.length));
          if (!via)
            throw new PlatformError("discord", "followUp", "refused", "no interaction to answer through");
          // A text box button only where typed DMs cannot reach cxbot.
          const payload = body(m, part, last && withButtons, true);
          const sent = await call("followUp", () =>
            via.followUp({ ...payload, flags: MessageFlags.Ephemeral }),
          );
          if (last && withButtons) ref = sent.id;
        } else {
          const payload = body(m, part, last && (m.choices?.length ?? 0) > 0, false);
          const sent = (await call("createMessage", () =>
            client.rest.post(Routes.channelMessages(chat), { body: payload }),
          )) as APIMessage;
          if (last && (m.choices?.length ?? 0) > 0) ref = sent.id;
        }
      }
      return ref;
    },
    async closeAnswered(chat, ref, text, label) {
      const content = answeredContent(text, label);
      const via = pressedVia.get(ref);
      if (via) {
        await call("editReply", () => via.editReply({ content, components: [] }));
        return;
      }
      if (chat.startsWith(EPHEMERAL)) return;
      await call("editMessage", () =>
        client.rest.patch(Routes.channelMessage(chat, ref), { body: { content, components: [] } }),
      );
    },
    async postFile(chat, message, file) {
      await postAdminFile(chat, message, file);
    },
    async closeStale(chat, ref) {
      const via = pressedVia.get(ref);
      if (via) {
        await call("editReply", () => via.editReply({ components: [] }));
        return;
      }
      if (chat.startsWith(EPHEMERAL)) return;
      await call("editMessage", () =>
        client.rest.patch(Routes.channelMessage(chat, ref), { body: { components: [] } }),
      );
    },
  };
  /** An admin reply with a file (typed `/cx export` in a DM): the text, then the file with the buttons. */
  const postAdminFile = async (
    chat: string,
    message: AdminMessage,
    file: NonNullable<AdminMessage["file"]>,
  ): Promise<void> => {
    const parts = splitText(message.text, DISCORD_LIMITS.content);
    const data = fileBytes(file);
    for (const [i, content] of parts.entries()) {
      const last = i === parts.length - 1;
      const body = {
        content,
        components: last ? adminComponents(message.buttons) : [],
        allowed_mentions: { parse: [] },
      };
      if (chat.startsWith(EPHEMERAL)) {
        const via = ephemeral.get(chat.slice(EPHEMERAL.length));
        if (!via)
          throw new PlatformError("discord", "followUp", "refused", "no interaction to answer through");
        await call("followUp", () =>
          via.followUp({
            content: body.content,
            components: body.components,
            allowedMentions: { parse: [] },
            flags: MessageFlags.Ephemeral,
            ...(last ? { files: [{ attachment: data, name: file.name }] } : {}),
          }),
        );
      } else {
        await call("createMessage", () =>
          client.rest.post(Routes.channelMessages(chat), {
            body: last ? { ...body, attachments: [{ id: "0", filename: file.name }] } : body,
            ...(last ? { files: [{ name: file.name, data, contentType: file.mime }] } : {}),
          }),
        );
      }
    }
  };

  /** The admin service, attached once the app has built it (`attachAdmin`). */
  let adminService: AdminService | undefined;
  const adminUi = createDiscordAdmin({
    admin: () => adminService,
    defaultLocale: config.defaultLocale,
    logger,
  });
  const responder = createResponder({
    service,
    surface,
    logger,
    defaultLocale: config.defaultLocale,
    refKey: String,
    admin: () => adminService,
  });

  const respondentOf = (
    user: { id: string; username: string; globalName?: string | null },
    chatId: string,
    locale?: string,
    guildId?: string | null,
  ): RespondentRef => {
    const serverLocale = guildId ? config.serverLocales?.get(guildId) : undefined;
    const tag = serverLocale ?? (locale ? matchLocale(locale) : undefined) ?? languageTags.get(user.id);
    if (tag) languageTags.set(user.id, tag);
    return {
      channel: "discord",
      userId: user.id,
      chatId,
      displayName: user.globalName ?? user.username,
      ...(tag ? { languageTag: tag } : {}),
    };
  };

  const eventOf = (id: string, respondent: RespondentRef, input: InboundInput): InboundEvent => ({
    eventId: `dc:${id}`,
    respondent,
    input,
    receivedAt: new Date(),
  });

  /** Where the survey goes on: the member's DM, or (DMs closed) an ephemeral chat through this interaction. */
  const chatFor = async (
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    locale: Locale,
  ): Promise<string> => {
    if (!interaction.inGuild()) return interaction.channelId;
    try {
      const dm = await dmOf(interaction.user.id);
      return dm;
    } catch (error) {
      logger.warn({ err: error, code: "DISCORD_DM_UNAVAILABLE" }, "no DM channel; continuing ephemerally");
      ephemeral.set(interaction.user.id, interaction);
      await interaction.followUp({ content: t(locale, "dmsClosed"), flags: MessageFlags.Ephemeral });
      return `${EPHEMERAL}${interaction.user.id}`;
    }
  };

  /** A start or a command, typed as a member would have typed it, answered in the DM (or ephemerally). */
  const command = async (
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    line: string,
  ): Promise<void> => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const known = ephemeral.has(interaction.user.id) && interaction.inGuild();
    const locale = matchLocale(interaction.locale) ?? config.defaultLocale;
    let chat = known ? `${EPHEMERAL}${interaction.user.id}` : await chatFor(interaction, locale);
    if (chat.startsWith(EPHEMERAL)) ephemeral.set(interaction.user.id, interaction);
    const respondent = respondentOf(interaction.user, chat, interaction.locale, interaction.guildId);
    const event = eventOf(interaction.id, respondent, { type: "text", text: line });
    let result = await respondSafely(event, chat);
    if (result === "cannot-dm") {
      // The DM exists but Discord refuses messages in it: the member closed their DMs to server members.
      dmChannels.delete(interaction.user.id);
      ephemeral.set(interaction.user.id, interaction);
      await interaction.followUp({ content: t(locale, "dmsClosed"), flags: MessageFlags.Ephemeral });
      chat = `${EPHEMERAL}${interaction.user.id}`;
      result = await respondSafely({ ...event, eventId: `${event.eventId}:eph` }, chat);
    }
    if (chat.startsWith(EPHEMERAL) || !interaction.inGuild()) {
      await interaction.deleteReply().catch(() => undefined);
    } else {
      const l = (typeof result === "object" ? result?.locale : undefined) ?? locale;
      await interaction.editReply({ content: t(l, "checkDm") });
    }
  };

  const respondSafely = async (
    event: InboundEvent,
    chat: string,
    press?: Press<string>,
  ): Promise<Awaited<ReturnType<typeof responder.respond>> | "cannot-dm"> => {
    try {
      return await responder.respond(event, chat, press);
    } catch (error) {
      if (discordCode(error) === CANNOT_DM) return "cannot-dm";
      throw error;
    }
  };

  const onChatInput = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    const option = (name: string) => interaction.options.getString(name) ?? "";
    switch (interaction.commandName) {
      case "feedback":
        return command(interaction, `/feedback ${option("flow")} ${option("language")}`.trim());
      case "language":
        return command(interaction, `/language ${option("language")}`.trim());
      case "skip":
      case "stop":
      case "forget":
      case "help":
        return command(interaction, `/${interaction.commandName}`);
      case "cx":
        return adminUi.command(interaction);
      case "feedback-button": {
        const locale = matchLocale(interaction.locale) ?? config.defaultLocale;
        const flow = config.flowKeys.includes(option("flow")) ? option("flow") : "";
        await interaction.reply({
          content: t(locale, "buttonPosted"),
          flags: MessageFlags.Ephemeral,
        });
        const guildLocale =
          (interaction.guildId && config.serverLocales?.get(interaction.guildId)) || config.defaultLocale;
        await call("createMessage", () =>
          client.rest.post(Routes.channelMessages(interaction.channelId), {
            body: {
              content: t(guildLocale, "feedbackButtonText"),
              components: [
                {
                  type: 1,
                  components: [
                    {
                      type: 2,
                      style: 1,
                      label: t(guildLocale, "feedbackButton"),
                      custom_id: ZCustomId.parse(`${CUSTOM_ID.start}${flow}`),
                    },
                  ],
                },
              ],
              allowed_mentions: { parse: [] },
            },
          }),
        );
        return;
      }
      default:
        await interaction.reply({ content: "?", flags: MessageFlags.Ephemeral });
    }
  };

  const onAutocomplete = async (interaction: AutocompleteInteraction): Promise<void> => {
    if (interaction.commandName === "cx") return adminUi.autocomplete(interaction);
    const typed = interaction.options.getFocused().toLowerCase();
    await interaction.respond(
      config.flowKeys
        .filter((k) => k.includes(typed) || (config.flowTitles?.[k] ?? "").toLowerCase().includes(typed))
        .slice(0, 25)
        .map((k) => ({
          name: cutText(config.flowTitles?.[k] ? `${k} — ${config.flowTitles[k]}` : k, 100),
          value: k,
        })),
    );
  };

  /** A pressed survey button or a chosen menu option: acknowledged at once, then answered. */
  const onChoice = async (
    interaction: ButtonInteraction | StringSelectMenuInteraction,
    payload: string,
  ): Promise<void> => {
    await interaction.deferUpdate();
    const eph = interaction.message.flags.has(MessageFlags.Ephemeral);
    if (eph) ephemeral.set(interaction.user.id, interaction);
    const chat = eph ? `${EPHEMERAL}${interaction.user.id}` : interaction.channelId;
    pressedVia.set(interaction.message.id, interaction);
    const press: Press<string> = {
      ref: interaction.message.id,
      text: interaction.message.content,
      // Discord has no toast: a notice goes to the member alone.
      ack: async (notice) => {
        if (notice) await interaction.followUp({ content: notice, flags: MessageFlags.Ephemeral });
      },
    };
    await respondSafely(
      eventOf(interaction.id, respondentOf(interaction.user, chat, interaction.locale, interaction.guildId), {
        type: "choice",
        payload,
      }),
      chat,
      press,
    );
  };

  // ——— alerts in a Discord channel ———
  let alerts: AlertService | undefined;
  const notifier = config.alertChannel
    ? createDiscordNotifier({
        rest: client.rest,
        staffLocale: config.staffLocale,
        recovery: () => alerts?.recoveryAvailable ?? false,
        logger,
      })
    : undefined;
  const actorOf = (user: { id: string; username: string; globalName?: string | null }): Actor => ({
    id: `discord:${user.id}`,
    name: user.globalName ?? user.username,
  });
  const errorText = (code: AlertActionError): string =>
    staffText(config.staffLocale, ACTION_ERROR_KEY[code], { max: DISCORD_LIMITS.textInputMax });
  const REPLY_MODAL = "cx:alert-reply:";

  /** An agent's press on an alert: acknowledged at once; the card re-renders once the action is saved. */
  const onAlertAction = async (
    interaction: ButtonInteraction,
    action: NonNullable<ReturnType<typeof parseAlertAction>>,
  ) => {
    if (!alerts) {
      await interaction.deferUpdate();
      return;
    }
    if (action.action === "reply") {
      const alert = await alerts.get(action.id);
      if (!alert || alert.status === "resolved") {
        await interaction.reply({
          content: errorText(alert ? "ALERT_RESOLVED" : "ALERT_NOT_FOUND"),
          flags: MessageFlags.Ephemeral,
        });
        return;
      }
      await interaction.showModal({
        title: cutText(staffText(config.staffLocale, "replyTitle"), DISCORD_LIMITS.modalTitle),
        custom_id: `${REPLY_MODAL}${action.id}`,
        components: [
          {
            type: 1,
            components: [
              {
                type: 4,
                custom_id: "reply",
                label: cutText(staffText(config.staffLocale, "replyLabel"), DISCORD_LIMITS.textInputLabel),
                style: 2,
                required: true,
                max_length: DISCORD_LIMITS.textInputMax,
              },
            ],
          },
        ],
      });
      return;
    }
    await interaction.deferUpdate();
    const actor = actorOf(interaction.user);
    const result =
      action.action === "open"
        ? await alerts.expand(action.id)
        : await alerts.act(
            action.id,
            actor,
            action.action === "resolve-ask"
              ? { type: "resolve", recovery: true }
              : action.action === "resolve"
                ? { type: "resolve", recovery: false }
                : { type: action.action },
          );
    if (!result.ok)
      await interaction.followUp({ content: errorText(result.error), flags: MessageFlags.Ephemeral });
  };

  const onAlertReply = async (interaction: ModalSubmitInteraction, id: string) => {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const text = interaction.fields.getTextInputValue("reply");
    const result = alerts
      ? await alerts.act(id, actorOf(interaction.user), { type: "reply", text })
      : undefined;
    if (result && !result.ok) await interaction.editReply({ content: errorText(result.error) });
    else await interaction.deleteReply().catch(() => undefined);
  };

  const onInteraction = async (interaction: Interaction): Promise<void> => {
    if (seen.has(interaction.id)) return;
    seen.set(interaction.id, true);
    if (interaction.isButton()) {
      const action = parseAlertAction(interaction.customId);
      if (action) return onAlertAction(interaction, action);
    }
    if (interaction.isModalSubmit() && interaction.customId.startsWith(REPLY_MODAL)) {
      return onAlertReply(interaction, interaction.customId.slice(REPLY_MODAL.length));
    }
    if (interaction.isModalSubmit() && interaction.customId === WRITE_TEXT_ID)
      return adminUi.submitText(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isChatInputCommand()) return onChatInput(interaction);
    if (interaction.isButton()) {
      const id = ZCustomId.safeParse(interaction.customId);
      if (!id.success) return interaction.deferUpdate().then(() => undefined);
      if (id.data.startsWith(CUSTOM_ID.start)) {
        const flow = id.data.slice(CUSTOM_ID.start.length);
        return command(interaction, `/feedback ${flow}`.trim());
      }
      if (id.data.startsWith(CUSTOM_ID.text)) {
        const locale = matchLocale(interaction.locale) ?? config.defaultLocale;
        ephemeral.set(interaction.user.id, interaction);
        // A modal must be the first answer to the press.
        return interaction.showModal({
          title: cutText(t(locale, "writeAnswer"), DISCORD_LIMITS.modalTitle),
          custom_id: `${CUSTOM_ID.modal}${id.data.slice(CUSTOM_ID.text.length)}`.slice(0, 100),
          components: [
            {
              type: 1,
              components: [
                {
                  type: 4,
                  custom_id: "answer",
                  label: cutText(t(locale, "yourAnswer"), DISCORD_LIMITS.textInputLabel),
                  style: 2,
                  required: true,
                  max_length: DISCORD_LIMITS.textInputMax,
                },
              ],
            },
          ],
        });
      }
      if (id.data === WRITE_TEXT_ID) return adminUi.openTextBox(interaction);
      // cxbot's own custom_ids are taken above: any other `cx:` one is an admin button.
      if (isAdminPayload(id.data)) return adminUi.press(interaction, id.data);
      return onChoice(interaction, id.data);
    }
    if (interaction.isStringSelectMenu() && interaction.customId.startsWith(ADMIN_MENU_PREFIX))
      return adminUi.press(interaction, interaction.values[0] ?? "");
    if (interaction.isStringSelectMenu()) return onChoice(interaction, interaction.values[0] ?? "");
    if (interaction.isModalSubmit()) {
      await interaction.deferUpdate();
      const text = interaction.fields.getTextInputValue("answer");
      ephemeral.set(interaction.user.id, interaction);
      const chat = interaction.inGuild()
        ? `${EPHEMERAL}${interaction.user.id}`
        : (interaction.channelId ?? "");
      await respondSafely(
        eventOf(
          interaction.id,
          respondentOf(interaction.user, chat, interaction.locale, interaction.guildId),
          {
            type: "text",
            text,
          },
        ),
        chat,
      );
      return;
    }
  };

  client.on(Events.InteractionCreate, (interaction) => {
    if (closing) return;
    track(
      onInteraction(interaction).catch((error: unknown) => {
        const code = discordCode(error);
        if (code === UNKNOWN_INTERACTION || code === ALREADY_ACKNOWLEDGED) {
          // Too late (or already) acknowledged: nothing to answer through; the answer, if any, was recorded.
          logger.warn({ err: error, code: `DISCORD_${code}` }, "interaction could not be acknowledged");
          return;
        }
        logger.error({ err: error, code: "DISCORD_HANDLER" }, "interaction failed");
      }),
    );
  });

  client.on(Events.MessageCreate, (message: Message) => {
    if (closing || message.author.bot || message.guildId !== null || message.author.id === client.user?.id)
      return;
    const work = (async () => {
      dmChannels.set(message.author.id, message.channelId);
      const respondent = respondentOf(message.author, message.channelId);
      // A file sent with a typed `/cx import <flow>`.
      const attachment = adminAttachmentOf(message.attachments.first());
      await responder.respond(
        eventOf(`m:${message.id}`, respondent, { type: "text", text: message.content }),
        message.channelId,
        undefined,
        attachment ? { attachment } : undefined,
      );
    })();
    track(work.catch((error: unknown) => logger.error({ err: error, code: "DISCORD_HANDLER" }, "DM failed")));
  });

  client.on(Events.Error, (error) =>
    logger.error({ err: error, code: "DISCORD_CLIENT" }, "discord client error"),
  );
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ code: "DISCORD_DISCONNECT", closeCode: event.code, shard }, "gateway disconnected"),
  );

  const registerCommands = async (): Promise<void> => {
    const route = config.guildId
      ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
      : Routes.applicationCommands(config.applicationId);
    await call("registerCommands", () =>
      client.rest.put(route, { body: discordCommands(config.defaultLocale) }),
    );
  };

  return {
    channel: "discord",
    capabilities: DISCORD_CAPABILITIES,
    routes: [],
    client,
    ...(notifier && config.alertChannel ? { notifier, alertTarget: config.alertChannel } : {}),
    attachAlerts(service) {
      alerts = service;
    },
    attachAdmin(service) {
      adminService = service;
    },
    settled,
    get ready() {
      return ready && client.isReady();
    },
    async start() {
      const readyEvent = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await call("login", () => client.login(config.token));
      await readyEvent;
      await registerCommands();
      ready = true;
      logger.info(
        { bot: client.user?.username, commands: config.guildId ? "guild" : "global" },
        "discord ready",
      );
    },
    async stop() {
      ready = false;
      closing = true;
      // Input in flight is answered before the client goes (the contract's stop).
      await settled();
      await client.destroy();
    },
    async deliver(to, messages) {
      await responder.deliver(to.chatId ?? (await dmOf(to.userId)), messages);
    },
  };
}
