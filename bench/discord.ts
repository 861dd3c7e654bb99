import { resolve } from "node:path";
import {
  createFakeDiscord,
  type DiscordMessage,
  type FakeDiscord,
  type FakeDiscordUser,
} from "../test/fakes/discord-api.ts";
import { startFakeSlack } from "../test/fakes/slack-api.ts";
import { type CxbotProcess, spawnCxbot } from "../test/helpers/process.ts";
import { benchServer } from "./server.ts";

const quick = process.argv.includes("--quick");
const _root = resolve(import.meta.dirname, "..");
const GUILD = "400000000000000001";
const GENERAL = `${GUILD}1`;
const ALERTS = "C0BENCHDC";
const WINDOW_MS = 3_000;

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const f1 = (n: number) => n.toFixed(1);
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 60_000, everyMs = 5): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("bench: condition not met in time");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const member = (prefix: string, i: number, locale: string): FakeDiscordUser => ({
  id: `${prefix}${String(i).padStart(6, "0")}`,
  username: `bench${prefix.slice(-2)}${i}`,
  locale,
});

const botMessages = (discord: FakeDiscord, dm: string) => discord.messages(dm).filter((m) => m.author.bot);
const question = (discord: FakeDiscord, dm: string): DiscordMessage | undefined =>
  botMessages(discord, dm)
    .filter((m) => m.components.length > 0)
    .at(-1);
const buttonId = (m: DiscordMessage, label: string): string => {
  const found = m.components
    .flatMap((row) => (row.components as { label?: string; custom_id?: string }[] | undefined) ?? [])
    .find((b) => b.label === label);
  if (!found?.custom_id) throw new Error(`bench: no button ${label} on ${JSON.stringify(m.components)}`);
  return found.custom_id;
};
/** Accepted acknowledgements by interaction id; an acknowledgement's dispatch time is `at - ms`. */
const acksById = (discord: FakeDiscord) => new Map(discord.responses().map((a) => [a.interactionId, a]));

export async function discordBench(): Promise<void> {
  const server = await benchServer("discord", { quiet: true });
  const { target } = server;
  const n = quick ? 40 : 200;
  const locales = ["en-US", "tr", "en-GB", "de"];
  const users = Array.from({ length: n }, (_, i) => member("3001000000", i, locales[i % 4] as string));
  const discord = await createFakeDiscord({
    users,
    guilds: [{ id: GUILD, name: "Bench shop", preferred_locale: "en-US" }],
    heartbeatIntervalMs: 41_250,
  });
  const slack = await startFakeSlack();
  slack.addChannel(ALERTS, "cx-alerts");
  const url = new URL(target.uri);
  url.pathname = `/cxbench_discord_${Date.now().toString(36)}`;
  let cxbot: CxbotProcess | undefined;
  try {
    cxbot = await spawnCxbot({
      MONGODB_URI: url.toString(),
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiBase,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: ALERTS,
      ALERT_FLOOD_PER_MINUTE: "1000",
      DIGEST_AT: "off",
    });
    const running = cxbot;
    await waitFor(() => (running.stderr().includes('"msg":"discord ready"') ? true : undefined));

    console.log(
      "\n## 7. Discord end to end (the cxbot process on the gateway; the fake Discord and fake Slack in the bench process, 127.0.0.1)",
    );
    const where = { guildId: GUILD, channelId: GENERAL };
    const dms = new Map(users.map((u) => [u.id, discord.dmChannelOf(u.id)]));
    const dmOf = (u: FakeDiscordUser) => dms.get(u.id) ?? "";
    const verdicts = (ids: ReadonlySet<string>) => {
      const bad = discord.lateOrDoubleAcks().filter((r) => ids.has(r.interactionId));
      return `late: ${bad.filter((r) => r.reason === "late").length}, double: ${bad.filter((r) => r.reason === "double").length}`;
    };

    // Warm-up, and a figure of its own: every member runs /feedback flow:nps in the server at once.
    const commands = await Promise.all(
      users.map(async (u) =>
        String((await discord.userRunsCommand(u, "feedback", { flow: "nps" }, where)).id),
      ),
    );
    await waitFor(() => (users.every((u) => question(discord, dmOf(u))) ? true : undefined), 120_000, 20);
    // …and every command's ephemeral reply edited to "check your DMs", so nothing of it is left queued.
    await waitFor(() => (discord.calls("PATCH /webhooks/*").length >= n ? true : undefined), 60_000, 20);
    {
      const acks = acksById(discord);
      const ms = sorted(commands.map((id) => acks.get(id)?.ms ?? Number.NaN));
      const toQuestion = sorted(
        users.map((u, i) => {
          const ack = acks.get(commands[i] ?? "");
          const q = question(discord, dmOf(u));
          return ack && q ? Date.parse(q.timestamp) - (ack.at - ack.ms) : Number.NaN;
        }),
      );
      console.log(
        `  ${n} members run /feedback flow:nps in a server channel at once (warm-up): acknowledged p50 ${f1(pct(ms, 50))} ms, p99 ${f1(pct(ms, 99))} ms (${verdicts(new Set(commands))}); command → first question in the DM p50 ${f1(pct(toQuestion, 50))} ms, p99 ${f1(pct(toQuestion, 99))} ms`,
      );
    }

    // Every member presses a promoter score at once: acks, press → next question in the DM, answers/s.
    const pressed = users.map((u, i) => {
      const q = question(discord, dmOf(u));
      if (!q) throw new Error(`bench: no question in ${u.id}'s DM`);
      return { u, q, label: String(9 + (i % 2)), before: botMessages(discord, dmOf(u)).length };
    });
    const presses = await Promise.all(
      pressed.map(async ({ u, q, label }) =>
        String((await discord.userPressesButton(u, q, buttonId(q, label))).id),
      ),
    );
    await waitFor(
      () => (pressed.every((p) => botMessages(discord, dmOf(p.u)).length > p.before) ? true : undefined),
      120_000,
      20,
    );
    const acks = acksById(discord);
    const ackMs: number[] = [];
    const turns: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const [i, p] of pressed.entries()) {
      const ack = acks.get(presses[i] ?? "");
      const next = botMessages(discord, dmOf(p.u))[p.before];
      if (!ack || !next) continue;
      const at = ack.at - ack.ms;
      const shown = Date.parse(next.timestamp);
      ackMs.push(ack.ms);
      turns.push(shown - at);
      first = Math.min(first, at);
      last = Math.max(last, shown);
    }
    const rest = discord
      .calls()
      .filter((c) => c.at >= first && c.at <= last && !c.path.endsWith("/callback"));
    const viaToken = rest.filter((c) => c.path.startsWith("/webhooks/")).length;
    const a = sorted(ackMs);
    const tn = sorted(turns);
    const late = a.filter((ms) => ms > WINDOW_MS).length;
    console.log(
      `  ${n} members press a score at once: acknowledged p50 ${f1(pct(a, 50))} ms, p99 ${f1(pct(a, 99))} ms, max ${f1(a.at(-1) ?? 0)} ms (Discord's window 3000 ms; ${a.length} of ${n} acknowledged, over the window ${late}; ${verdicts(new Set(presses))})`,
    );
    console.log(
      `  press → next question in the DM: p50 ${f1(pct(tn, 50))} ms, p99 ${f1(pct(tn, 99))} ms; ${Math.round(tn.length / ((last - first) / 1000))} answers/s (first press to last next question, ${f1(last - first)} ms)`,
    );
    console.log(
      `    REST calls meanwhile besides the acknowledgements: ${rest.length} (${Math.round(rest.length / ((last - first) / 1000))}/s; ${viaToken} of them through the interaction's token) — discord.js holds all of them to its global 50/s`,
    );

    // Low scores, one member after another: press → alert in the Slack channel.
    const m = quick ? 10 : 50;
    const lat: number[] = [];
    for (let i = 0; i < m; i++) {
      const u = member("3002000000", i, "en-US");
      discord.addUser(u);
      const dm = discord.dmChannelOf(u.id);
      await discord.userRunsCommand(u, "feedback", { flow: "nps" }, where);
      const q = await waitFor(() => question(discord, dm));
      const posted = slack.messages(ALERTS).length;
      const s = performance.now();
      await discord.userPressesButton(u, q, buttonId(q, "2"));
      await waitFor(() => (slack.messages(ALERTS).length > posted ? true : undefined));
      lat.push(performance.now() - s);
    }
    const l = sorted(lat);
    console.log(
      `  low score pressed → alert posted in the Slack channel: p50 ${f1(pct(l, 50))} ms, p99 ${f1(pct(l, 99))} ms (${m} in a row)`,
    );
    const problems = new Map<string, number>();
    for (const line of running.stderr().split("\n")) {
      if (!/"level":(40|50|60)/.test(line)) continue;
      const code = /"code":"([^"]+)"/.exec(line)?.[1] ?? /"msg":"([^"]+)"/.exec(line)?.[1] ?? "?";
      problems.set(code, (problems.get(code) ?? 0) + 1);
    }
    if (problems.size > 0)
      console.log(
        `  cxbot logged warnings or errors: ${[...problems].map(([c, k]) => `${c} × ${k}`).join(", ")}`,
      );
  } finally {
    await cxbot?.stop();
    await discord.close();
    await slack.close();
    await server.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  discordBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
