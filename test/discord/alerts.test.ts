import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCxbot } from "../../bots/platforms.ts";
import type { AlertRecord } from "../../core/alerts/alert.ts";
import { partsOf } from "../../core/alerts/fanout.ts";
import type { DiscordMessage, FakeDiscord, FakeDiscordUser } from "../fakes/discord-api.ts";
import type { FakeSlack } from "../fakes/slack-api.ts";
import { eventually, waitForAlert } from "../helpers/alerts.ts";
import { type DiscordRig, startDiscordRig } from "../helpers/discord.ts";

/**
 * Alerts in a Discord channel (DISCORD_ALERT_CHANNEL) beside Slack's: the same alert on both, worked on from
 * Discord with buttons and a modal, the card brought up to date on both, the reply reaching the customer.
 */

const GUILD = "410000000000000001";
const SUPPORT = "410000000000000777";
const ALERTS = "C0BOTHALERTS";
const customer: FakeDiscordUser = { id: "310000000000000001", username: "deniz", locale: "tr" };
const agent: FakeDiscordUser = { id: "310000000000000099", username: "agent", global_name: "Ece" };

let discord: FakeDiscord;
let slack: FakeSlack;
let cxbot: RunningCxbot;

let rig: DiscordRig;

beforeAll(async () => {
  rig = await startDiscordRig({
    fake: {
      users: [customer, agent],
      guilds: [
        {
          id: GUILD,
          name: "Shop",
          channels: [
            { id: `${GUILD}1`, name: "general" },
            { id: SUPPORT, name: "support" },
          ],
        },
      ],
    },
    slackAlerts: ALERTS,
    env: () => ({ DISCORD_ALERT_CHANNEL: SUPPORT }),
  });
  ({ discord, slack, cxbot } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const dm = () => discord.dmChannelOf(customer.id);
const buttons = (m: DiscordMessage | undefined) =>
  (m?.components ?? []).flatMap((row) =>
    ((row.components as { label?: string; custom_id?: string }[]) ?? []).map((b) => ({
      label: b.label ?? "",
      custom_id: b.custom_id ?? "",
    })),
  );
const card = () => discord.messages(SUPPORT).find((m) => m.embeds.length > 0 && m.author.bot);
const cardText = () => JSON.stringify(card());

describe("alerts in a Discord channel", { timeout: 60_000 }, () => {
  let alert: AlertRecord;

  it("posts a low score from a Discord member in the Discord alert channel and in Slack's", async () => {
    await discord.userRunsCommand(
      customer,
      "feedback",
      { flow: "nps" },
      { guildId: GUILD, channelId: `${GUILD}1` },
    );
    await discord.waitForMessages(dm(), (ms) => ms.some((m) => buttons(m).length > 0));
    const question = discord.messages(dm()).find((m) => buttons(m).length > 0) as DiscordMessage;
    const two = buttons(question).find((b) => b.label === "2");
    await discord.userPressesButton(customer, question, two?.custom_id ?? "");
    await discord.waitForMessages(dm(), (ms) => ms.filter((m) => m.author.bot).length >= 2);
    await discord.userSendsDm(customer, "Siparişim iki hafta gecikti ve kimse cevap vermedi");
    const id = await eventually(
      async () =>
        (await cxbot.app.database.stores.conversations.getActive(`discord:${customer.id}`, { fresh: true }))
          ?.state.id,
    );
    alert = await waitForAlert(cxbot, id ?? "", (a) => a.post !== undefined && a.comments.length > 0);
    const parts = partsOf(alert.post as NonNullable<AlertRecord["post"]>);
    expect(parts.map((p) => [p.notifier, p.target]).sort()).toEqual([
      ["discord", SUPPORT],
      ["slack", ALERTS],
    ]);
    await discord.waitFor(() => cardText().includes("iki hafta gecikti"));
    expect(cardText()).toContain("2/10");
    expect(buttons(card()).map((b) => b.custom_id.split(":")[2])).toEqual([
      "acknowledge",
      "assign",
      "reply",
      "resolve",
      "resolve-ask",
    ]);
    expect(slack.messages(ALERTS).some((m) => JSON.stringify(m.blocks).includes("iki hafta gecikti"))).toBe(
      true,
    );
  });

  it("an agent acknowledges and replies from Discord: both cards show it, the customer gets the reply in their DM", async () => {
    const ack = buttons(card()).find((b) => b.custom_id.includes(":acknowledge:"));
    await discord.userPressesButton(agent, card() as DiscordMessage, ack?.custom_id ?? "");
    await waitForAlert(cxbot, alert.id, (a) => a.status === "acknowledged");
    await discord.waitFor(() => !buttons(card()).some((b) => b.custom_id.includes(":acknowledge:")));
    expect(cardText()).toContain(`<@${agent.id}>`);
    await slack.waitForMessages(ALERTS, (ms) =>
      ms.some((m) => JSON.stringify(m.blocks).includes("Acknowledged")),
    );

    const reply = buttons(card()).find((b) => b.custom_id.includes(":reply:"));
    await discord.userPressesButton(agent, card() as DiscordMessage, reply?.custom_id ?? "");
    const modal = await discord.waitFor(() => discord.openModal(agent.id));
    await discord.userSubmitsModal(agent, String(modal.custom_id), {
      reply: "Kargonuz yarın teslim edilecek.",
    });
    await discord.waitForMessages(dm(), (ms) =>
      ms.some((m) => m.content.includes("Kargonuz yarın teslim edilecek.")),
    );
    await waitForAlert(cxbot, alert.id, (a) => a.history.some((h) => h.type === "replied" && h.delivered));
  });

  it("the customer's answer back reaches the Discord card as a reply; resolving takes the buttons away", async () => {
    // The survey ended with the comment? Finish it first if a question is still open.
    await discord.userSendsDm(customer, "Teşekkürler, bekliyorum");
    await discord
      .waitFor(() =>
        discord
          .messages(SUPPORT)
          .some((m) => m.content.includes("bekliyorum") || m.content.includes("Teşekkürler")),
      )
      .catch(() => undefined);
    const resolveButton = buttons(card()).find((b) => b.custom_id.split(":")[2] === "resolve");
    await discord.userPressesButton(agent, card() as DiscordMessage, resolveButton?.custom_id ?? "");
    await waitForAlert(cxbot, alert.id, (a) => a.status === "resolved");
    await discord.waitFor(() => buttons(card()).length === 0);
  });
});
