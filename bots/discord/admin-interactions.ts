import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from "discord.js";
import { z } from "zod";
import type {
  AdminActor,
  AdminAttachment,
  AdminMessage,
  AdminOutcome,
  AdminRequest,
  AdminService,
} from "../../core/admin/types.ts";
import { t } from "../../core/i18n/messages.ts";
import { type Locale, matchLocale, RTL_LOCALES } from "../../core/locale.ts";
import { cutText } from "../../core/text/cut.ts";
import { PlatformError } from "../contract.ts";
import { fileBytes } from "../kit/admin.ts";
import { splitText } from "../kit/layout.ts";
import type { Logger } from "../logger.ts";
import { adminCommandText, adminComponents, adminTexts, WRITE_TEXT_ID } from "./admin.ts";
import { DISCORD_LIMITS } from "./render.ts";

/**
 * `/cx` on Discord: the slash command, its autocomplete, admin buttons and the guided edit's text box, each
 * handed to the admin service and answered in messages only the admin sees (ephemeral). Typed `/cx …` in a DM
 * and the guided edit's next DM go through the responder like any DM.
 */

export interface DiscordAdminDeps {
  /** The admin service, once the app has attached it. */
  readonly admin: () => AdminService | undefined;
  readonly defaultLocale: Locale;
  readonly logger: Logger;
}

/** A file the admin attached, as Discord describes it (checked where it enters). */
const ZDiscordAttachment = z.object({
  name: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  url: z.url({ protocol: /^https?$/ }),
});

/** An import larger than this is not downloaded (the core's own limit is lower). */
const DOWNLOAD_LIMIT = 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** Downloads a Discord attachment as UTF-8 text, refusing more than `limit` bytes. */
async function download(url: string, limit: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new PlatformError("discord", "downloadAttachment", "network", "attachment download failed", {
      cause: error,
    });
  }
  if (!response.ok || !response.body)
    throw new PlatformError("discord", "downloadAttachment", "refused", `HTTP ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new PlatformError("discord", "downloadAttachment", "refused", "attachment too large");
    }
    chunks.push(chunk);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

/** A Discord attachment as the admin service reads an import: name and size as reported, downloaded on demand. */
export function adminAttachmentOf(file: unknown): AdminAttachment | undefined {
  const parsed = ZDiscordAttachment.safeParse(file);
  if (!parsed.success) return undefined;
  const { name, size, url } = parsed.data;
  return { name, size, read: () => download(url, DOWNLOAD_LIMIT) };
}

type Deferred =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | StringSelectMenuInteraction
  | ModalSubmitInteraction;

/** One Discord message of an admin reply: text within 2,000 characters, buttons and the file on the last part. */
export interface AdminReplyBody {
  readonly content: string;
  readonly components?: ReturnType<typeof adminComponents>;
  readonly files?: { readonly attachment: Buffer; readonly name: string }[];
  readonly allowedMentions: { readonly parse: [] };
}

/** An admin reply as the Discord messages that show it, in order. */
export function adminReplyBodies(message: AdminMessage): AdminReplyBody[] {
  const parts = splitText(message.text, DISCORD_LIMITS.content);
  return parts.map((content, i): AdminReplyBody => {
    if (i < parts.length - 1) return { content, allowedMentions: { parse: [] } };
    return {
      content,
      components: adminComponents(message.buttons),
      ...(message.file ? { files: [{ attachment: fileBytes(message.file), name: message.file.name }] } : {}),
      allowedMentions: { parse: [] },
    };
  });
}

export function createDiscordAdmin(deps: DiscordAdminDeps) {
  const { logger } = deps;

  const actorOf = (interaction: Deferred | AutocompleteInteraction): AdminActor => ({
    channel: "discord",
    userId: interaction.user.id,
    displayName: interaction.user.globalName ?? interaction.user.username,
    languageTag: interaction.locale,
    // In a DM, a survey the admin tries goes on there; from a server, to their DM (found by user id).
    ...(!interaction.inGuild() && interaction.channelId ? { chatId: interaction.channelId } : {}),
  });

  const localeOf = (interaction: Deferred): Locale => matchLocale(interaction.locale) ?? deps.defaultLocale;

  const failed = (interaction: Deferred): AdminMessage => {
    const locale = localeOf(interaction);
    return { text: t(locale, "failed"), locale, rtl: RTL_LOCALES.has(locale) };
  };

  /** Sends the replies through the deferred interaction: the first edits it, the others follow, all ephemeral. */
  const send = async (interaction: Deferred, messages: readonly AdminMessage[]): Promise<void> => {
    const bodies = messages.flatMap(adminReplyBodies);
    if (bodies.length === 0) {
      await interaction.deleteReply().catch(() => undefined);
      return;
    }
    for (const [i, body] of bodies.entries()) {
      if (i === 0) await interaction.editReply(body);
      else await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
    }
  };

  /**
   * A press that leaves a guided edit waiting gets a button for a text box under its last reply: typed server
   * messages never reach cxbot (it reads DMs only), so the new text comes through the box (or a DM).
   */
  const withTextBox = (messages: readonly AdminMessage[]): AdminMessage[] =>
    messages.map((m, i) =>
      i === messages.length - 1
        ? {
            ...m,
            buttons: [
              ...(m.buttons ?? []),
              [{ label: adminTexts(m.locale).writeText, payload: WRITE_TEXT_ID, style: "primary" }],
            ],
          }
        : m,
    );

  /** Carries out a request (the interaction already deferred) and answers it. */
  const answer = async (interaction: Deferred, request: AdminRequest): Promise<void> => {
    const admin = deps.admin();
    let outcome: AdminOutcome;
    try {
      outcome = admin ? await admin.handle(request) : { status: "handled", messages: [failed(interaction)] };
    } catch (error) {
      logger.error({ err: error, code: "ADMIN_FAILED" }, "admin request failed");
      outcome = { status: "handled", messages: [failed(interaction)] };
    }
    if (outcome.status === "duplicate") {
      await interaction.deleteReply().catch(() => undefined);
      return;
    }
    const waits =
      admin !== undefined &&
      outcome.status === "handled" &&
      request.input.type === "press" &&
      (await admin.awaitsText(request.actor));
    await send(interaction, waits ? withTextBox(outcome.messages) : outcome.messages);
  };

  const request = (
    interaction: Deferred,
    input: AdminRequest["input"],
    attachment?: AdminAttachment,
  ): AdminRequest => ({
    eventId: `dc:${interaction.id}`,
    actor: actorOf(interaction),
    input,
    ...(attachment ? { attachment } : {}),
    receivedAt: new Date(),
  });

  return {
    /** `/cx <subcommand> …`: acknowledged at once (privately), carried out, answered by editing the reply. */
    async command(interaction: ChatInputCommandInteraction): Promise<void> {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const subcommand = interaction.options.getSubcommand(false) ?? "";
      const text =
        adminCommandText(subcommand, {
          string: (name) => interaction.options.getString(name),
          integer: (name) => interaction.options.getInteger(name),
          boolean: (name) => interaction.options.getBoolean(name),
        }) ?? subcommand;
      const file = interaction.options.getAttachment("file");
      const attachment = file ? adminAttachmentOf(file) : undefined;
      await answer(interaction, request(interaction, { type: "command", text }, attachment));
    },

    /** The flow option's suggestions: flow keys matching what was typed, for admins only (none for others). */
    async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
      const admin = deps.admin();
      if (!admin || !(await admin.isAdmin(actorOf(interaction)))) {
        await interaction.respond([]);
        return;
      }
      const typed = interaction.options.getFocused().trim().toLowerCase();
      const keys = (await admin.flowKeys()).filter((k) => k.includes(typed));
      const ranked = [
        ...keys.filter((k) => k.startsWith(typed)),
        ...keys.filter((k) => !k.startsWith(typed)),
      ];
      await interaction.respond(
        ranked.slice(0, DISCORD_LIMITS.selectOptions).map((k) => ({ name: cutText(k, 100), value: k })),
      );
    },

    /** An admin button (or an option of an admin menu): answered privately. */
    async press(
      interaction: ButtonInteraction | StringSelectMenuInteraction,
      payload: string,
    ): Promise<void> {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await answer(interaction, request(interaction, { type: "press", payload }));
    },

    /** The write-text button: a text box for the guided edit's new text (a modal is the press's only answer). */
    async openTextBox(interaction: ButtonInteraction): Promise<void> {
      const texts = adminTexts(matchLocale(interaction.locale) ?? deps.defaultLocale);
      await interaction.showModal({
        title: cutText(texts.newText, DISCORD_LIMITS.modalTitle),
        custom_id: WRITE_TEXT_ID,
        components: [
          {
            type: 1,
            components: [
              {
                type: 4,
                custom_id: "text",
                label: cutText(texts.newText, DISCORD_LIMITS.textInputLabel),
                style: 2,
                required: true,
                max_length: DISCORD_LIMITS.textInputMax,
              },
            ],
          },
        ],
      });
    },

    /** The text box submitted: the guided edit's new text. */
    async submitText(interaction: ModalSubmitInteraction): Promise<void> {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const text = interaction.fields.getTextInputValue("text");
      await answer(interaction, request(interaction, { type: "text", text }));
    },
  };
}

export type DiscordAdmin = ReturnType<typeof createDiscordAdmin>;
