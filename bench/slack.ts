import { resolve } from "node:path";
import { toLocaleDigits } from "../core/text/digits.ts";
import { type FakeSlackUser, type StoredSlackMessage, startFakeSlack } from "../test/fakes/slack-api.ts";
import { type CxbotProcess, spawnCxbot } from "../test/helpers/process.ts";
import { benchServer } from "./server.ts";

const quick = process.argv.includes("--quick");
const _root = resolve(import.meta.dirname, "..");
const ALERTS = "C0BENCH";

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const f1 = (n: number) => n.toFixed(1);

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("bench: condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const withButtons = (m: StoredSlackMessage) => JSON.stringify(m.blocks ?? []).includes('"button"');

export async function slackBench(): Promise<void> {
  const server = await benchServer("slack", { quiet: true });
  const { target } = server;
  const slack = await startFakeSlack({ signingSecret: "0123456789abcdef0123456789abcdef" });
  slack.addChannel(ALERTS, "cx-alerts");
  const url = new URL(target.uri);
  url.pathname = `/cxbench_slack_${Date.now().toString(36)}`;
  let cxbot: CxbotProcess | undefined;
  try {
    cxbot = await spawnCxbot({
      MONGODB_URI: url.toString(),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALERT_CHANNEL: ALERTS,
      ALERT_FLOOD_PER_MINUTE: "1000",
      DIGEST_AT: "off",
    });
    const { port } = cxbot;
    const running = cxbot;
    slack.routeTo(`http://127.0.0.1:${port}/slack/events`);
    await waitFor(() => (running.stderr().includes('"msg":"slack ready"') ? true : undefined));

    console.log(
      "\n## 6. Slack end to end (the cxbot process in HTTP mode; the fake Slack in the bench process, 127.0.0.1)",
    );
    const n = quick ? 40 : 200;
    const users: FakeSlackUser[] = Array.from({ length: n }, (_, i) => ({
      id: `U0B${String(i).padStart(5, "0")}`,
      name: `bench${i}`,
      locale: ["en-US", "fa-IR", "ar", "tr-TR"][i % 4] as string,
    }));
    for (const u of users) slack.addUser(u);
    for (const u of users) {
      await slack.userSendsDm(u, "feedback");
      await waitFor(() => slack.messages(slack.dmChannelOf(u.id)).find(withButtons));
    }
    // Every respondent presses a promoter score at once: acks, and press → next question.
    const acks: number[] = [];
    const turns: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      users.map(async (u, i) => {
        const dm = slack.dmChannelOf(u.id);
        const question = slack.messages(dm).find(withButtons);
        const before = slack.messages(dm).length;
        const s = performance.now();
        // By its label, as a person presses it (rows run right to left in fa and ar, so not by position).
        const locale = (["en", "fa", "ar", "tr"] as const)[i % 4] ?? "en";
        const click = await slack.clickButton(u, dm, question?.ts ?? "", {
          text: toLocaleDigits(String(9 + (i % 2)), locale),
        });
        acks.push(click.ms);
        await waitFor(() => (slack.messages(dm).length > before ? true : undefined));
        turns.push(performance.now() - s);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    acks.sort((a, b) => a - b);
    turns.sort((a, b) => a - b);
    console.log(
      `  ${n} respondents press a score at once: acknowledged p50 ${f1(pct(acks, 50))} ms, p99 ${f1(pct(acks, 99))} ms, max ${f1(acks.at(-1) ?? 0)} ms (Slack's limit 3000 ms; late: ${slack.lateAcks().length})`,
    );
    console.log(
      `  press → next question posted: p50 ${f1(pct(turns, 50))} ms, p99 ${f1(pct(turns, 99))} ms; ${Math.round(n / seconds)} answers/s`,
    );

    // Low scores, one after another: press → alert in the channel.
    const m = quick ? 10 : 50;
    const lat: number[] = [];
    for (let i = 0; i < m; i++) {
      const u: FakeSlackUser = { id: `U0L${String(i).padStart(5, "0")}`, name: `low${i}`, locale: "en-US" };
      slack.addUser(u);
      const dm = slack.dmChannelOf(u.id);
      await slack.userSendsDm(u, "feedback");
      const question = await waitFor(() => slack.messages(dm).find(withButtons));
      const posted = slack.messages(ALERTS).length;
      const s = performance.now();
      await slack.clickButton(u, dm, question.ts, { actionId: "cx_answer_2" });
      await waitFor(() => (slack.messages(ALERTS).length > posted ? true : undefined));
      lat.push(performance.now() - s);
    }
    lat.sort((a, b) => a - b);
    console.log(
      `  low score pressed → alert posted in the channel: p50 ${f1(pct(lat, 50))} ms, p99 ${f1(pct(lat, 99))} ms (${m} in a row)`,
    );
  } finally {
    await cxbot?.stop();
    await slack.close();
    await server.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  slackBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
