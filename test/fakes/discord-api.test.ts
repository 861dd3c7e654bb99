import {
  ChannelType,
  Client,
  type ClientEvents,
  DiscordAPIError,
  DiscordjsError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  Partials,
  RESTJSONErrorCodes,
  Routes,
} from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  createFakeDiscord,
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeDiscordUser,
} from "./discord-api.ts";

const alice: FakeDiscordUser = {
  id: "300000000000000001",
  username: "alice",
  global_name: "Alice",
  locale: "tr",
};
const bob: FakeDiscordUser = { id: "300000000000000002", username: "bob" };
const guild = { id: "400000000000000001", name: "Shop", preferred_locale: "en-GB" };

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await createFakeDiscord({ heartbeatIntervalMs: 1_000, users: [alice, bob], ...options });
  return fake;
}

const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages];

/** A real discord.js client, configured as the cxbot adapter does, logged in and ready. */
async function login(f: FakeDiscord, intents: GatewayIntentBits[] = DEFAULT_INTENTS): Promise<Client<true>> {
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: f.apiBase } });
  clients.push(client);
  const ready = nextEvent(client, Events.ClientReady);
  await client.login(f.token);
  const [readyClient] = await ready;
  return readyClient;
}

function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  timeoutMs = 3_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${String(event)} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once(event, (...args: ClientEvents[K]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Runs `handler` on the next interaction and resolves with what it returns (or rejects with what it throws). */
function onNextInteraction<T>(client: Client, handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return nextEvent(client, Events.InteractionCreate).then(([interaction]) => handler(interaction));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

const feedbackCommand = {
  name: "feedback",
  description: "Answer a short survey",
  description_localizations: { tr: "Kısa bir ankete katılın" },
  options: [
    { type: 3, name: "flow", description: "Which survey", required: false, autocomplete: true },
    { type: 4, name: "score", description: "Your score", required: false, min_value: 0, max_value: 10 },
  ],
};

function scoreButtons(count: number) {
  return {
    type: 1,
    components: Array.from({ length: count }, (_, i) => ({
      type: 2,
      style: 2,
      label: String(i),
      custom_id: `s:${i}`,
    })),
  };
}

describe("fake Discord with the real discord.js client", () => {
  it("logs in: gateway from GET /gateway/bot, HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats acknowledged", async () => {
    const f = await start({ guilds: [guild] });
    const client = await login(f);

    expect(client.user.id).toBe(f.applicationId);
    expect(client.user.bot).toBe(true);
    expect(client.application.id).toBe(f.applicationId);
    expect(client.guilds.cache.get(guild.id)?.name).toBe("Shop");
    expect(f.calls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(["GET /gateway/bot 200"]);
    const [identify] = f.identifies();
    expect(identify?.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.DirectMessages);
    expect(identify?.token).toBe(f.token);
    expect(identify?.shard).toEqual([0, 1]);
    expect(f.connections()[0]?.query).toEqual({ v: "10", encoding: "json" });

    await f.waitFor(() => (f.connections()[0]?.heartbeats ?? 0) >= 1, 3_000);
    await f.waitFor(() => client.ws.ping >= 0, 3_000);
  });

  it("refuses a wrong token on REST with 401, and disallowed privileged intents on the gateway with 4014", async () => {
    const f = await start({ privilegedIntents: 0 });
    const wrong = new Client({ intents: DEFAULT_INTENTS, rest: { api: f.apiBase } });
    clients.push(wrong);
    const error = await rejection(wrong.login("not-the-token"));
    expect(error).toBeInstanceOf(DiscordjsError);
    expect(f.calls()[0]?.status).toBe(401);

    const greedy = new Client({
      intents: [...DEFAULT_INTENTS, GatewayIntentBits.MessageContent],
      rest: { api: f.apiBase },
    });
    clients.push(greedy);
    const disconnected = nextEvent(greedy, Events.ShardDisconnect);
    void greedy.login(f.token).catch(() => undefined);
    const [event] = await disconnected;
    expect(event.code).toBe(4014);
    expect(f.identifies()[0]?.refused).toBe(4014);
  });

  it("a slash command reaches interactionCreate and reply() lands as a message; a button press updates it", async () => {
    const f = await start({ guilds: [guild] });
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    expect(f.commands().map((c) => c.name)).toEqual(["feedback"]);

    const replied = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error(`unexpected ${i.type}`);
      expect(i.commandName).toBe("feedback");
      expect(i.options.getInteger("score")).toBe(9);
      expect(i.locale).toBe("tr");
      expect(i.channel?.type).toBe(ChannelType.DM);
      await i.reply({ content: "How likely…?", components: [scoreButtons(5)] });
      return i.id;
    });
    const sent = await f.userRunsCommand(alice, "feedback", { score: 9 });
    const id = await replied;
    expect(id).toBe(sent.id);
    expect((await f.waitForResponse(id)).type).toBe(4);

    const dm = f.dmChannelOf(alice.id);
    const [question] = await f.waitForMessages(dm, (ms) => ms.length === 1);
    expect(question?.content).toBe("How likely…?");
    expect(question?.interaction_metadata?.name).toBe("feedback");
    expect(f.calls("POST /interactions/:id/:token/callback")[0]?.body).toMatchObject({ type: 4 });

    const updated = onNextInteraction(client, async (i) => {
      if (!i.isButton()) throw new Error(`unexpected ${i.type}`);
      await i.update({ content: `You chose ${i.customId}`, components: [] });
    });
    await f.userPressesButton(alice, question!, "s:3");
    await updated;
    const [after] = await f.waitForMessages(dm, (ms) => ms[0]?.content === "You chose s:3");
    expect(after?.components).toEqual([]);
    expect(after?.edited_timestamp).not.toBeNull();
    expect(() => f.userPressesButton(alice, after!, "s:3")).toThrow(/no button/);

    // In a guild channel: member and guild_locale instead of user.
    const inGuild = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      expect(i.guildId).toBe(guild.id);
      expect(i.guildLocale).toBe("en-GB");
      expect(i.member?.user.id).toBe(bob.id);
      await i.reply({ content: "only you", flags: MessageFlags.Ephemeral });
    });
    await f.userRunsCommand(bob, "feedback", {}, { guildId: guild.id });
    await inGuild;
    const [ephemeral] = await f.waitForMessages(`${guild.id}1`, (ms) => ms.length === 1);
    expect((ephemeral?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("rejects a sixth button in a row with 50035 and the path of the row", async () => {
    const f = await start();
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    const outcome = onNextInteraction(client, (i) =>
      rejection(
        i.isChatInputCommand() ? i.reply({ content: "x", components: [scoreButtons(6)] }) : Promise.resolve(),
      ),
    );
    await f.userRunsCommand(alice, "feedback");
    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    const apiError = error as DiscordAPIError;
    expect(apiError.code).toBe(RESTJSONErrorCodes.InvalidFormBodyOrContentType);
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain("data.components[0].components[BASE_TYPE_BAD_LENGTH]");
    expect(f.messages(f.dmChannelOf(alice.id))).toEqual([]);
  });

  it("rejects other invalid messages like Discord: long custom_id, duplicate ids, long content, empty message", async () => {
    const f = await start();
    const client = await login(f);
    const user = await client.users.fetch(alice.id);
    const dm = await user.createDM();
    const cases: [unknown, string][] = [
      [
        {
          components: [
            { type: 1, components: [{ type: 2, style: 1, label: "a", custom_id: "x".repeat(101) }] },
          ],
        },
        "custom_id",
      ],
      [
        {
          components: [
            {
              type: 1,
              components: [
                { type: 2, style: 1, label: "a", custom_id: "same" },
                { type: 2, style: 1, label: "b", custom_id: "same" },
              ],
            },
          ],
        },
        "COMPONENT_CUSTOM_ID_DUPLICATED",
      ],
      [{ content: "x".repeat(2001) }, "content[BASE_TYPE_MAX_LENGTH]"],
      [
        {
          content: "x",
          components: [{ type: 1, components: [{ type: 2, style: 5, label: "go", custom_id: "c" }] }],
        },
        "url",
      ],
      [{ embeds: [{ description: "d".repeat(4097) }] }, "embeds[0].description"],
    ];
    for (const [body, expected] of cases) {
      const error = await rejection(client.rest.post(`/channels/${dm.id}/messages`, { body }));
      expect(error).toBeInstanceOf(DiscordAPIError);
      expect((error as DiscordAPIError).code).toBe(50035);
      expect((error as DiscordAPIError).message).toContain(expected);
    }
    const empty = await rejection(
      client.rest.post(`/channels/${dm.id}/messages`, { body: { content: " " } }),
    );
    expect((empty as DiscordAPIError).code).toBe(50006);
  });

  it("a second acknowledgement is 40060 (a redelivered interaction) and discord.js refuses a second reply locally", async () => {
    const f = await start();
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    const first = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      await i.reply("first");
      return rejection(i.reply("again"));
    });
    const sent = await f.userRunsCommand(alice, "feedback");
    expect(await first).toBeInstanceOf(DiscordjsError);

    const second = onNextInteraction(client, (i) =>
      rejection(i.isChatInputCommand() ? i.reply("dup") : Promise.resolve()),
    );
    await f.redeliver(sent);
    const error = (await second) as DiscordAPIError;
    expect(error.code).toBe(40060);
    expect(error.status).toBe(400);
    expect(f.lateOrDoubleAcks()).toEqual([
      expect.objectContaining({ interactionId: sent.id, reason: "double", code: 40060 }),
    ]);
    expect(f.messages(f.dmChannelOf(alice.id)).map((m) => m.content)).toEqual(["first"]);
  });

  it("a reply after the 3-second window is 10062 Unknown interaction; follow-ups die after 15 minutes", async () => {
    const f = await start();
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    const late = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      f.advanceTime(3_001);
      return rejection(i.reply("too late"));
    });
    const sent = await f.userRunsCommand(alice, "feedback");
    const error = (await late) as DiscordAPIError;
    expect(error.code).toBe(10062);
    expect(error.status).toBe(404);
    expect(f.lateOrDoubleAcks()[0]).toMatchObject({ interactionId: sent.id, reason: "late" });

    const deferred = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      await i.deferReply();
      await i.editReply("done");
      await i.followUp("and more");
      f.advanceTime(15 * 60_000 + 1);
      return rejection(i.editReply("stale"));
    });
    await f.userRunsCommand(alice, "feedback");
    expect(((await deferred) as DiscordAPIError).code).toBe(50027);
    expect(f.messages(f.dmChannelOf(alice.id)).map((m) => m.content)).toEqual(["done", "and more"]);
  });

  it("rejects a Persian (fa) command localization with 50035 and accepts Turkish", async () => {
    const f = await start();
    const client = await login(f);
    const persian: Record<string, string> = { fa: "بازخورد" };
    const error = await rejection(
      client.application.commands.set([{ ...feedbackCommand, name_localizations: persian }]),
    );
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).message).toContain("0.name_localizations.fa");
    expect(f.commands()).toEqual([]);

    const bad = await rejection(client.application.commands.set([{ name: "Feedback", description: "x" }]));
    expect((bad as DiscordAPIError).message).toContain("APPLICATION_COMMAND_INVALID_NAME");

    await client.application.commands.set([
      { ...feedbackCommand, name_localizations: { tr: "geribildirim" } },
    ]);
    expect(f.commands()[0]?.name_localizations).toEqual({ tr: "geribildirim" });
    await client.application.commands.set([feedbackCommand], "400000000000000009").catch(() => undefined);
    expect(f.calls("PUT /applications/:app/guilds/:guild/commands")[0]?.code).toBe(50001);
  });

  it("a 429 is waited out by discord.js and the call then succeeds", async () => {
    const f = await start();
    const client = await login(f);
    const user = await client.users.fetch(alice.id);
    f.rateLimitNext("POST /channels/:id/messages", 0.3);
    const started = Date.now();
    const message = await user.send("Your feedback matters");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(message.content).toBe("Your feedback matters");
    const sends = f.calls("POST /channels/:id/messages");
    expect(sends.map((c) => c.status)).toEqual([429, 200]);

    f.rateLimitNext(/^POST \/interactions\//, 0.2, { global: true });
    await client.application.commands.set([feedbackCommand]);
    const replied = onNextInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply("ok");
    });
    await f.userRunsCommand(alice, "feedback");
    await replied;
    expect(f.calls("POST /interactions/*").map((c) => c.status)).toEqual([429, 204]);
  });

  it("a DM reaches messageCreate (channel_type 1, partial channel); the bot's own messages are echoed", async () => {
    const f = await start();
    const client = await login(f);
    const received = nextEvent(client, Events.MessageCreate);
    const { message: sent, delivered } = await f.userSendsDm(alice, "hi, I have feedback");
    expect(delivered).toBe(true);
    const [message] = await received;
    expect(message.content).toBe("hi, I have feedback");
    expect(message.author.id).toBe(alice.id);
    expect(message.channel.type).toBe(ChannelType.DM);
    expect(message.guildId).toBeNull();
    expect(message.id).toBe(sent.id);

    const echo = nextEvent(client, Events.MessageCreate);
    await message.channel.send("Thanks! How likely…?");
    const [own] = await echo;
    expect(own.author.id).toBe(f.applicationId);
    expect(f.messages(f.dmChannelOf(alice.id)).map((m) => m.content)).toEqual([
      "hi, I have feedback",
      "Thanks! How likely…?",
    ]);

    f.setDmsClosed(bob.id, true);
    const bobUser = await client.users.fetch(bob.id);
    const closed = (await rejection(bobUser.send("survey"))) as DiscordAPIError;
    expect(closed.code).toBe(50007);
    expect(closed.status).toBe(403);
  });

  it("without the DIRECT_MESSAGES intent a DM is not delivered", async () => {
    const f = await start();
    await login(f, [GatewayIntentBits.Guilds]);
    expect((await f.userSendsDm(alice, "hello?")).delivered).toBe(false);
  });

  it("op 7 RECONNECT: the client RESUMEs on resume_gateway_url and a dispatch sent meanwhile still arrives", async () => {
    const f = await start();
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    const resumed = nextEvent(client, Events.ShardResume, 5_000);
    const handled = onNextInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply("still here");
      return i.id;
    });
    expect(f.requestReconnect()).toBe(1);
    const sent = await f.userRunsCommand(alice, "feedback");
    await resumed;
    expect(await handled).toBe(sent.id);
    expect(f.identifies()).toHaveLength(1);
    expect(f.resumes()).toEqual([expect.objectContaining({ replayed: expect.any(Number) })]);
    const [first, second] = f.connections();
    expect(first).toMatchObject({ path: "/gateway", open: false, closeCode: 4200 });
    expect(second).toMatchObject({ path: "/resume", open: true });
    await f.waitForMessages(f.dmChannelOf(alice.id), (ms) => ms.some((m) => m.content === "still here"));
  });

  // @discordjs/ws throttles identifies to one per 5 s (plus up to 1.5 s of jitter) per max_concurrency bucket.
  it("op 9 INVALID_SESSION (not resumable): the client identifies again", { timeout: 15_000 }, async () => {
    const f = await start();
    const client = await login(f);
    // The client's own ready, not only the fake's: destroyed while it still waits for READY, discord.js
    // reconnects, and its destroy() then waits out another identify throttle.
    const readyAgain = nextEvent(client, Events.ShardReady, 12_000);
    f.invalidateSession(false);
    await f.waitFor(() => f.identifies().length === 2, 10_000);
    await f.waitForSession();
    await readyAgain;
    expect(f.resumes()).toEqual([]);
  });

  it("op 9 INVALID_SESSION (resumable): the client resumes on the same connection", async () => {
    const f = await start();
    await login(f);
    f.invalidateSession(true);
    await f.waitForSession();
    expect(f.resumes()).toEqual([expect.objectContaining({ connectionId: 1, replayed: 0 })]);
    expect(f.connections()).toHaveLength(1);
  });

  it("unacknowledged heartbeats: discord.js drops the zombie connection and resumes", async () => {
    const f = await start({ heartbeatIntervalMs: 200 });
    await login(f);
    f.setHeartbeatAcks(false);
    await f.waitFor(() => f.resumes().length === 1, 5_000);
    f.setHeartbeatAcks(true);
    await f.waitForSession();
    expect(f.connections()[0]?.closeCode).toBe(4200);
    expect(f.identifies()).toHaveLength(1);
  });

  it("without partials: [Channel] discord.js drops a DM from a user whose DM channel it has not cached", async () => {
    const f = await start();
    const client = new Client({ intents: DEFAULT_INTENTS, rest: { api: f.apiBase } });
    clients.push(client);
    const ready = nextEvent(client, Events.ClientReady);
    await client.login(f.token);
    await ready;
    const seen: string[] = [];
    client.on(Events.MessageCreate, (m) => {
      seen.push(m.content);
    });
    await f.userSendsDm(alice, "dropped");
    await (await client.users.fetch(alice.id)).createDM();
    await f.userSendsDm(alice, "arrives");
    await f.waitFor(() => seen.includes("arrives"));
    expect(seen).toEqual(["arrives"]);
  });

  it("modal, select and autocomplete round trips", async () => {
    const f = await start();
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);

    const suggested = onNextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error("unexpected");
      expect(i.options.getFocused()).toBe("cs");
      await i.respond([{ name: "CSAT", value: "csat" }]);
    });
    const auto = await f.userAutocompletes(alice, "feedback", "flow", { flow: "cs" });
    await suggested;
    expect((await f.waitForResponse(String(auto.id))).data).toEqual({
      choices: [{ name: "CSAT", value: "csat" }],
    });

    const asked = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      await i.reply({
        content: "Pick one",
        components: [
          {
            type: 1,
            components: [
              {
                type: 3,
                custom_id: "pick",
                options: [
                  { label: "Yes", value: "yes" },
                  { label: "No", value: "no" },
                ],
              },
            ],
          },
        ],
      });
    });
    await f.userRunsCommand(alice, "feedback");
    await asked;
    const [picker] = await f.waitForMessages(f.dmChannelOf(alice.id), (ms) => ms.length === 1);
    expect(() => f.userSelects(alice, picker!, "pick", ["maybe"])).toThrow(/cannot be chosen/);

    const modalShown = onNextInteraction(client, async (i) => {
      if (!i.isStringSelectMenu()) throw new Error("unexpected");
      expect(i.values).toEqual(["no"]);
      await i.showModal({
        title: "Tell us more",
        custom_id: "why",
        components: [
          {
            type: 1,
            components: [
              { type: 4, custom_id: "comment", style: 2, label: "What went wrong?", max_length: 1000 },
            ],
          },
        ],
      });
    });
    await f.userSelects(alice, picker!, "pick", ["no"]);
    await modalShown;
    expect(f.openModal(alice.id)?.title).toBe("Tell us more");

    const submitted = onNextInteraction(client, async (i) => {
      if (!i.isModalSubmit() || !i.isFromMessage()) throw new Error("unexpected");
      await i.update({ content: `Noted: ${i.fields.getTextInputValue("comment")}`, components: [] });
    });
    await f.userSubmitsModal(alice, "why", { comment: "Slow delivery" });
    await submitted;
    await f.waitForMessages(f.dmChannelOf(alice.id), (ms) => ms[0]?.content === "Noted: Slow delivery");

    const longTitle = onNextInteraction(client, (i) =>
      rejection(
        i.isChatInputCommand()
          ? i.showModal({
              title: "t".repeat(46),
              custom_id: "m",
              components: [{ type: 1, components: [{ type: 4, custom_id: "c", style: 1, label: "l" }] }],
            })
          : Promise.resolve(),
      ),
    );
    await f.userRunsCommand(alice, "feedback");
    expect(((await longTitle) as DiscordAPIError).message).toContain("data.title[BASE_TYPE_BAD_LENGTH]");
  });

  it("subcommands: registered only as Discord nests them, run by path, an attachment option downloadable from its url", async () => {
    const f = await start({ guilds: [guild] });
    const client = await login(f);
    const mixed = await rejection(
      client.application.commands.set([
        {
          name: "cx",
          description: "Admin",
          options: [
            { type: 1, name: "flows", description: "List" },
            { type: 3, name: "flow", description: "Which" },
          ],
        },
      ]),
    );
    expect((mixed as DiscordAPIError).message).toContain(
      "0.options[APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]",
    );
    // Raw, since discord.js's types already refuse this shape.
    const deep = await rejection(
      client.rest.put(Routes.applicationCommands(f.applicationId), {
        body: [
          {
            name: "cx",
            description: "Admin",
            options: [
              { type: 1, name: "a", description: "A", options: [{ type: 1, name: "b", description: "B" }] },
            ],
          },
        ],
      }),
    );
    expect((deep as DiscordAPIError).message).toContain(
      "0.options[0].options[0].type[APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]",
    );
    const long = Array.from({ length: 25 }, (_, i) => ({
      type: 1 as const,
      name: `s${i}`,
      description: "d".repeat(100),
      description_localizations: { tr: "t".repeat(100) },
      options: Array.from({ length: 3 }, (_, j) => ({
        type: 3 as const,
        name: `o${j}`,
        description: "x".repeat(100),
      })),
    }));
    const tooBig = await rejection(
      client.application.commands.set([{ name: "big", description: "B", options: long }]),
    );
    expect((tooBig as DiscordAPIError).message).toContain("APPLICATION_COMMAND_TOO_LARGE");
    expect(f.commands()).toEqual([]);

    await client.application.commands.set([
      {
        name: "cx",
        description: "Admin",
        options: [
          { type: 1, name: "flows", description: "List" },
          {
            type: 1,
            name: "import",
            description: "Import",
            options: [
              { type: 3, name: "flow", description: "Which", required: true, autocomplete: true },
              { type: 11, name: "file", description: "YAML", required: true },
            ],
          },
        ],
      },
    ]);
    expect(() => f.userRunsCommand(alice, "cx", {})).toThrow(/needs a subcommand/);
    expect(() => f.userRunsCommand(alice, "cx import", { flow: "csat" })).toThrow(/needs option file/);

    const received = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      const file = i.options.getAttachment("file", true);
      const text = await (await fetch(file.url)).text();
      await i.reply({ content: "ok", flags: MessageFlags.Ephemeral });
      return {
        sub: i.options.getSubcommand(),
        flow: i.options.getString("flow"),
        name: file.name,
        size: file.size,
        text,
      };
    });
    const sent = await f.userRunsCommand(
      alice,
      "cx import",
      {
        flow: "csat",
        file: { filename: "csat.yaml", content: "key: csat\n", contentType: "application/yaml" },
      },
      { guildId: guild.id },
    );
    expect(await received).toEqual({
      sub: "import",
      flow: "csat",
      name: "csat.yaml",
      size: 10,
      text: "key: csat\n",
    });
    const options = (sent.data as { options: { name: string; type: number; options: { type: number }[] }[] })
      .options;
    expect(options[0]).toMatchObject({ name: "import", type: 1 });
    expect(options[0]?.options.map((o) => o.type)).toEqual([3, 11]);

    const suggested = onNextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error("unexpected");
      await i.respond([{ name: i.options.getSubcommand(), value: i.options.getFocused() }]);
    });
    const auto = await f.userAutocompletes(alice, "cx import", "flow", { flow: "cs" });
    await suggested;
    expect((await f.waitForResponse(String(auto.id))).data).toEqual({
      choices: [{ name: "import", value: "cs" }],
    });
  });

  it("files: multipart replies, follow-ups and edits attach files (files[n] + attachments), at most 10, kept with their bytes", async () => {
    const f = await start({ guilds: [guild] });
    const client = await login(f);
    await client.application.commands.set([feedbackCommand]);
    const done = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error("unexpected");
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({
        content: "your export",
        files: [{ attachment: Buffer.from("a: 1\n"), name: "flow.yaml" }],
      });
      await i.followUp({
        flags: MessageFlags.Ephemeral,
        files: [{ attachment: Buffer.from("only a file"), name: "notes.txt" }],
      });
      return rejection(
        i.followUp({
          files: Array.from({ length: 11 }, (_, n) => ({ attachment: Buffer.from("x"), name: `f${n}.txt` })),
        }),
      );
    });
    await f.userRunsCommand(bob, "feedback", {}, { guildId: guild.id });
    const tooMany = (await done) as DiscordAPIError;
    expect(tooMany.code).toBe(50035);
    expect(tooMany.message).toContain("attachments[BASE_TYPE_MAX_LENGTH]");
    const shown = await f.waitForMessages(`${guild.id}1`, (ms) => ms.length === 2);
    const [reply, followUp] = shown;
    expect(reply?.content).toBe("your export");
    expect(reply?.attachments).toEqual([
      expect.objectContaining({
        filename: "flow.yaml",
        size: 5,
        ephemeral: true,
      }),
    ]);
    const stored = f.attachment(String(reply?.attachments[0]?.id));
    expect(stored?.bytes.toString()).toBe("a: 1\n");
    expect(await (await fetch(String(reply?.attachments[0]?.url))).text()).toBe("a: 1\n");
    expect(followUp?.content).toBe("");
    expect(followUp?.attachments.map((a) => a.filename)).toEqual(["notes.txt"]);
    expect(f.calls("PATCH /webhooks/:app/:token/messages/:msg")[0]?.files).toEqual([
      { field: "files[0]", filename: "flow.yaml", size: 5, contentType: "application/octet-stream" },
    ]);

    // In a DM: a bot message with a file; an edit that lists no attachments removes them.
    const user = await client.users.fetch(alice.id);
    const dm = await user.createDM();
    const sent = await dm.send({
      content: "export",
      files: [{ attachment: Buffer.from("k: v"), name: "k.yaml" }],
    });
    expect(f.messages(dm.id)[0]?.attachments.map((a) => a.filename)).toEqual(["k.yaml"]);
    await sent.edit({ content: "gone", attachments: [] });
    expect(f.messages(dm.id)[0]?.attachments).toEqual([]);
  });

  it("speaks zlib-stream to a client that asks for it", async () => {
    const f = await start();
    const ws = new WebSocket(`${f.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const { createInflate, constants } = await import("node:zlib");
    const inflate = createInflate();
    const hello = new Promise<string>((resolve) => {
      inflate.on("data", (chunk: Buffer) => resolve(chunk.toString()));
    });
    ws.on("message", (data: Buffer) => {
      inflate.write(data);
      inflate.flush(constants.Z_SYNC_FLUSH);
    });
    expect(JSON.parse(await hello)).toEqual({
      op: 10,
      d: expect.objectContaining({ heartbeat_interval: 1_000 }),
    });
    ws.close();
    inflate.close();
  });

  it("client.destroy() and close() leave no sockets or servers open", async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
    const before = tcp();
    const f = await start();
    const client = await login(f);
    await client.users.fetch(alice.id);
    await client.destroy();
    clients.splice(0);
    await f.waitFor(() => f.connections().every((c) => !c.open));
    expect(f.connections()[0]?.closeCode).toBe(1000);
    await f.close();
    fake = undefined;
    await f.waitFor(() => tcp() <= before, 2_000);
  });
});
