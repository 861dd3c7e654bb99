import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCxbot } from "../../bots/platforms.ts";
import type { DiscordMessage, FakeDiscord, FakeDiscordUser } from "../fakes/discord-api.ts";
import { eventually, waitForAlert } from "../helpers/alerts.ts";
import { type DiscordRig, startDiscordRig } from "../helpers/discord.ts";

/**
 * Discord through the production wiring (`startCxbot` with DISCORD_BOT_TOKEN): the real discord.js client against
 * the fake Discord (REST and gateway), and a fake Slack for alerts.
 */

const GUILD = "400000000000000001";
const GENERAL = `${GUILD}1`;
const ALERTS = "C0DISCORDALERTS";
const users = {
  ayse: { id: "300000000000000001", username: "ayse", global_name: "Ayşe", locale: "tr" },
  sara: { id: "300000000000000002", username: "sara", global_name: "Sara", locale: "en-US" },
  omar: { id: "300000000000000003", username: "omar", locale: "en-GB" },
  kian: { id: "300000000000000004", username: "kian", locale: "en-US", dmsClosed: true },
  lina: { id: "300000000000000005", username: "lina", locale: "en-US" },
} satisfies Record<string, FakeDiscordUser>;

let discord: FakeDiscord;
let cxbot: RunningCxbot;

let rig: DiscordRig;

beforeAll(async () => {
  rig = await startDiscordRig({
    fake: { users: Object.values(users), guilds: [{ id: GUILD, name: "Shop", preferred_locale: "en-US" }] },
    slackAlerts: ALERTS,
  });
  ({ discord, cxbot } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const dmOf = (u: FakeDiscordUser) => discord.dmChannelOf(u.id);
const lastWithButtons = (ms: DiscordMessage[]) =>
  ms.filter((m) => m.author.bot && m.components.length > 0).at(-1);
const buttonsOf = (m: DiscordMessage | undefined): { label: string; custom_id: string }[][] =>
  (m?.components ?? []).map((row) =>
    ((row.components as { label?: string; custom_id?: string }[]) ?? []).map((b) => ({
      label: b.label ?? "",
      custom_id: b.custom_id ?? "",
    })),
  );
const press = async (u: FakeDiscordUser, label: string) => {
  const m = lastWithButtons(discord.messages(dmOf(u)));
  const b = buttonsOf(m)
    .flat()
    .find((x) => x.label === label);
  if (!m || !b) throw new Error(`no button ${label} in ${JSON.stringify(buttonsOf(m))}`);
  return discord.userPressesButton(u, m, b.custom_id);
};

describe("Discord", { timeout: 60_000 }, () => {
  it("registers the slash commands: flow autocomplete, languages as choices, descriptions localized for tr only", () => {
    const commands = discord.commands();
    expect(commands.map((c) => c.name).sort()).toEqual(
      ["cx", "feedback", "feedback-button", "forget", "help", "language", "skip", "stop"].sort(),
    );
    const feedback = commands.find((c) => c.name === "feedback") as {
      options: { name: string; autocomplete?: boolean; choices?: { value: string }[] }[];
      description_localizations: Record<string, string>;
    };
    expect(feedback.options.find((o) => o.name === "flow")?.autocomplete).toBe(true);
    expect(feedback.options.find((o) => o.name === "language")?.choices?.map((c) => c.value)).toEqual([
      "en",
      "fa",
      "ar",
      "tr",
    ]);
    expect(Object.keys(feedback.description_localizations)).toEqual(["tr"]);
  });

  it("runs a Turkish survey in the member's DM from /feedback in a server: buttons, the answer shown, a typed comment", async () => {
    const u = users.ayse;
    const cmd = await discord.userRunsCommand(
      u,
      "feedback",
      { flow: "csat" },
      { guildId: GUILD, channelId: GENERAL },
    );
    const ack = await discord.waitForResponse(String(cmd.id));
    expect(ack.type).toBe(5);
    await discord.waitForMessages(dmOf(u), (ms) => lastWithButtons(ms) !== undefined);
    const question = lastWithButtons(discord.messages(dmOf(u)));
    expect(question?.content).toMatch(/memnun/i);
    expect(
      buttonsOf(question)
        .flat()
        .map((b) => b.label),
    ).toEqual(
      ["1", "2", "3", "4", "5", "Atla"].filter((l) =>
        buttonsOf(question)
          .flat()
          .some((b) => b.label === l),
      ),
    );
    await press(u, "2");
    await discord.waitForMessages(dmOf(u), (ms) =>
      ms.some((m) => m.id === question?.id && m.content.includes("✓ 2")),
    );
    expect(discord.messages(dmOf(u)).find((m) => m.id === question?.id)?.components).toEqual([]);
    await discord.waitForMessages(dmOf(u), (ms) => ms.filter((m) => m.author.bot).length >= 2);
    await discord.userSendsDm(u, "Kargo bir hafta gecikti, kimse telefonu açmadı");
    await discord.waitForMessages(dmOf(u), (ms) => ms.filter((m) => m.author.bot).length >= 3);
    // The low score raises the same alert in Slack as any platform.
    const key = `discord:${u.id}`;
    const convo = await cxbot.app.database.stores.conversations.getActive(key, { fresh: true });
    const id = convo?.state.id ?? (await lastArchived(key));
    const alert = await waitForAlert(cxbot, id ?? "", (a) => a.post !== undefined && a.comments.length > 0);
    expect(alert.respondent.channel).toBe("discord");
    expect(discord.lateOrDoubleAcks()).toEqual([]);
  });

  it("lays NPS out in rows of at most 5, right to left in Persian chosen with the language option", async () => {
    const u = users.sara;
    await discord.userRunsCommand(
      u,
      "feedback",
      { flow: "nps", language: "fa" },
      { guildId: GUILD, channelId: GENERAL },
    );
    await discord.waitForMessages(dmOf(u), (ms) => lastWithButtons(ms) !== undefined);
    const rows = buttonsOf(lastWithButtons(discord.messages(dmOf(u)))).map((r) => r.map((b) => b.label));
    expect(rows.every((r) => r.length <= 5)).toBe(true);
    expect(rows.slice(0, 3)).toEqual([
      ["۳", "۲", "۱", "۰"],
      ["۷", "۶", "۵", "۴"],
      ["۱۰", "۹", "۸"],
    ]);
    // Remembered: the next survey is Persian too, without the option.
    await press(u, "۹");
    await discord.userRunsCommand(u, "stop", {}, {});
    await discord.userRunsCommand(u, "feedback", { flow: "csat" }, { guildId: GUILD, channelId: GENERAL });
    await discord.waitForMessages(dmOf(u), (ms) => /راضی/.test(lastWithButtons(ms)?.content ?? ""));
  });

  it("ignores a redelivered interaction: recorded once, never acknowledged twice; a stale button records nothing", async () => {
    const u = users.omar;
    await discord.userRunsCommand(u, "feedback", { flow: "ces" }, { guildId: GUILD, channelId: GENERAL });
    await discord.waitForMessages(dmOf(u), (ms) => lastWithButtons(ms) !== undefined);
    const first = lastWithButtons(discord.messages(dmOf(u)));
    const pressed = await press(u, "6");
    await discord.waitForResponse(String(pressed.id));
    await discord.redeliver(pressed);
    await discord.waitForMessages(dmOf(u), (ms) => ms.filter((m) => m.author.bot).length >= 2);
    // A later press of the old question's buttons (as another client still showing them would send).
    await discord.userRunsCommand(u, "help", {}, {});
    const record = await cxbot.app.database.stores.conversations.getActive(`discord:${u.id}`, {
      fresh: true,
    });
    expect(record?.state.answers.filter((a) => a.stepId === "score")).toHaveLength(1);
    expect(discord.lateOrDoubleAcks()).toEqual([]);
    expect(first?.id).toBeDefined();
  });

  it("continues in messages only the member sees when their DMs are closed, free text through a text box", async () => {
    const u = users.kian;
    await discord.userRunsCommand(u, "feedback", { flow: "csat" }, { guildId: GUILD, channelId: GENERAL });
    const notices = await discord.waitForMessages(GENERAL, (ms) =>
      ms.some((m) => m.components.length > 0 && (m.flags & 64) === 64),
    );
    expect(notices.some((m) => /couldn’t send you a direct message/.test(m.content))).toBe(true);
    const question = notices.filter((m) => m.components.length > 0).at(-1) as DiscordMessage;
    const one = buttonsOf(question)
      .flat()
      .find((b) => b.label === "1");
    await discord.userPressesButton(u, question, one?.custom_id ?? "");
    const next = await discord.waitForMessages(GENERAL, (ms) =>
      ms.some((m) =>
        buttonsOf(m)
          .flat()
          .some((b) => b.custom_id.startsWith("cx:text:")),
      ),
    );
    const textQuestion = next
      .filter((m) =>
        buttonsOf(m)
          .flat()
          .some((b) => b.custom_id.startsWith("cx:text:")),
      )
      .at(-1) as DiscordMessage;
    const write = buttonsOf(textQuestion)
      .flat()
      .find((b) => b.custom_id.startsWith("cx:text:"));
    await discord.userPressesButton(u, textQuestion, write?.custom_id ?? "");
    const modal = await discord.waitFor(() => discord.openModal(u.id));
    await discord.userSubmitsModal(u, String(modal.custom_id), { answer: "The app crashed at checkout" });
    await eventually(async () => {
      const r = await cxbot.app.database.stores.conversations.getActive(`discord:${u.id}`, { fresh: true });
      return r === null || r.state.answers.some((a) => a.answer.type === "text") ? true : undefined;
    });
  });

  it("posts a persistent Give feedback button for admins; pressing it starts the survey privately", async () => {
    const admin = users.lina;
    await discord.userRunsCommand(
      admin,
      "feedback-button",
      { flow: "csat" },
      { guildId: GUILD, channelId: GENERAL },
    );
    const posted = await discord.waitForMessages(GENERAL, (ms) =>
      ms.some((m) =>
        buttonsOf(m)
          .flat()
          .some((b) => b.custom_id === "cx:start:csat"),
      ),
    );
    const card = posted.find((m) =>
      buttonsOf(m)
        .flat()
        .some((b) => b.custom_id === "cx:start:csat"),
    ) as DiscordMessage;
    await discord.userPressesButton(users.omar, card, "cx:start:csat");
    await discord.waitForMessages(dmOf(users.omar), (ms) =>
      /satisfied/.test(lastWithButtons(ms)?.content ?? ""),
    );
  });

  it.each([
    ["en", "en-US", "satisfied"],
    ["tr", "tr", "memnun"],
    ["fa", "en-US", "راضی"],
    ["ar", "en-GB", "راضٍ|راض"],
  ] as const)(
    "completes a CSAT survey in %s, from the command to the thank-you",
    async (locale, discordLocale, prompt) => {
      const u: FakeDiscordUser = {
        id: `30000000000000${locale === "en" ? 11 : locale === "tr" ? 12 : locale === "fa" ? 13 : 14}00`,
        username: `m-${locale}`,
        locale: discordLocale,
      };
      discord.addUser(u);
      await discord.userRunsCommand(
        u,
        "feedback",
        { flow: "csat", language: locale },
        { guildId: GUILD, channelId: GENERAL },
      );
      await discord.waitForMessages(dmOf(u), (ms) =>
        new RegExp(prompt).test(lastWithButtons(ms)?.content ?? ""),
      );
      const question = lastWithButtons(discord.messages(dmOf(u))) as DiscordMessage;
      const five = buttonsOf(question).flat()[locale === "fa" || locale === "ar" ? 0 : 4];
      await discord.userPressesButton(u, question, five?.custom_id ?? "");
      await discord.waitForMessages(dmOf(u), (ms) => ms.filter((m) => m.author.bot).length >= 2);
      await discord.userSendsDm(
        u,
        locale === "fa"
          ? "خیلی سریع و خوب بود"
          : locale === "ar"
            ? "خدمة ممتازة وسريعة"
            : locale === "tr"
              ? "Çok hızlı ve güzeldi"
              : "Fast and friendly",
      );
      const key = `discord:${u.id}`;
      await eventually(async () =>
        (await cxbot.app.database.stores.conversations.getActive(key, { fresh: true })) === null
          ? true
          : undefined,
      );
      const archived = await lastArchived(key);
      const record = archived ? await cxbot.app.database.stores.responses.get(archived) : null;
      expect(record?.state.status).toBe("completed");
      expect(record?.state.locale).toBe(locale);
      const score = record?.state.answers.find((a) => a.stepId === "score")?.answer;
      expect(score?.type === "rating" ? score.value : undefined).toBe(5);
    },
  );

  it("loses no answer across a gateway reconnect mid-survey (the session resumes)", async () => {
    const u: FakeDiscordUser = { id: "300000000000002000", username: "resumer", locale: "en-US" };
    discord.addUser(u);
    await discord.userRunsCommand(u, "feedback", { flow: "nps" }, { guildId: GUILD, channelId: GENERAL });
    await discord.waitForMessages(dmOf(u), (ms) => lastWithButtons(ms) !== undefined);
    const resumesBefore = discord.resumes().length;
    expect(discord.requestReconnect()).toBe(1);
    // Pressed while the client is reconnecting: the dispatch is replayed on RESUME.
    const question = lastWithButtons(discord.messages(dmOf(u))) as DiscordMessage;
    const eight = buttonsOf(question)
      .flat()
      .find((b) => b.label === "8");
    await discord.userPressesButton(u, question, eight?.custom_id ?? "");
    await discord.waitFor(() => discord.resumes().length > resumesBefore);
    await discord.waitForMessages(dmOf(u), (ms) => ms.filter((m) => m.author.bot).length >= 2, 10_000);
    const record = await cxbot.app.database.stores.conversations.getActive(`discord:${u.id}`, {
      fresh: true,
    });
    const score = record?.state.answers.find((a) => a.stepId === "score")?.answer;
    expect(score?.type === "rating" ? score.value : undefined).toBe(8);
    expect(discord.lateOrDoubleAcks()).toEqual([]);
  });

  it("delivers support's reply from the Slack alert to the member's Discord DM", async () => {
    const u = users.ayse;
    const key = `discord:${u.id}`;
    const id =
      (await cxbot.app.database.stores.conversations.getActive(key, { fresh: true }))?.state.id ??
      (await lastArchived(key));
    const alerts = cxbot.platforms.alerts;
    if (!alerts || !id) throw new Error("no alert service");
    await alerts.act(
      id,
      { id: "slack:U0AGENT", name: "agent" },
      { type: "reply", text: "Kargonuz yarın elinizde." },
    );
    await discord.waitForMessages(dmOf(u), (ms) =>
      ms.some((m) => m.content.includes("Kargonuz yarın elinizde.")),
    );
  });
});

async function lastArchived(key: string): Promise<string | undefined> {
  let newest: { id: string; at: string } | undefined;
  for await (const r of cxbot.app.database.stores.responses.list({}))
    if (r.key === key && (!newest || r.state.startedAt > newest.at))
      newest = { id: r.state.id, at: r.state.startedAt };
  return newest?.id;
}
