import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiscordMessage, FakeDiscordUser } from "../fakes/discord-api.ts";
import { type DiscordRig, startDiscordRig } from "../helpers/discord.ts";

/** `/forget` through the real discord.js client against the fake Discord, wired as `npm start` wires it. */

const GUILD = "400000000000000077";
const GENERAL = `${GUILD}1`;
const USER: FakeDiscordUser = {
  id: "300000000000000777",
  username: "perpetua",
  global_name: "Perpetua Ashgrove",
  locale: "en-US",
};

let rig: DiscordRig;
beforeAll(async () => {
  rig = await startDiscordRig({
    fake: { users: [USER], guilds: [{ id: GUILD, name: "Shop", preferred_locale: "en-US" }] },
    slackAlerts: "C0FORGETDISCORD",
  });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const lastWithButtons = (ms: DiscordMessage[]) =>
  ms.filter((m) => m.author.bot && m.components.length > 0).at(-1);
const buttonOf = (m: DiscordMessage | undefined, label: string): string | undefined =>
  (m?.components ?? [])
    .flatMap((row) => (row.components as { label?: string; custom_id?: string }[]) ?? [])
    .find((b) => b.label === label)?.custom_id;

describe("/forget on Discord", { timeout: 60_000 }, () => {
  it("asks, and its Yes button erases the person's responses and profile", async () => {
    const { discord, cxbot } = rig;
    const dm = discord.dmChannelOf(USER.id);
    await discord.userRunsCommand(USER, "feedback", { flow: "csat" }, { guildId: GUILD, channelId: GENERAL });
    await discord.waitForMessages(dm, (ms) => lastWithButtons(ms) !== undefined);
    const score = lastWithButtons(discord.messages(dm));
    await discord.userPressesButton(USER, score as DiscordMessage, buttonOf(score, "2") ?? "");
    await discord.waitForMessages(dm, (ms) => ms.filter((m) => m.author.bot).length >= 2);
    const key = `discord:${USER.id}`;
    expect(await cxbot.app.database.stores.conversations.getActive(key)).not.toBeNull();

    await discord.userRunsCommand(USER, "forget", {}, {});
    await discord.waitForMessages(dm, (ms) =>
      /erase everything we keep/.test(lastWithButtons(ms)?.content ?? ""),
    );
    const question = lastWithButtons(discord.messages(dm));
    await discord.userPressesButton(
      USER,
      question as DiscordMessage,
      buttonOf(question, "Yes, erase it") ?? "",
    );
    await discord.waitForMessages(dm, (ms) =>
      ms.some((m) => m.content.startsWith("Done. Everything we kept")),
    );
    const stores = cxbot.app.database.stores;
    const left = [];
    for await (const r of stores.responses.list({})) if (r.key === key) left.push(r);
    expect(left).toEqual([]);
    expect(await stores.conversations.getActive(key, { fresh: true })).toBeNull();
    expect(await stores.respondents.get(key)).toBeNull();
  });
});
