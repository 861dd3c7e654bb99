import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bots/config.ts";
import { createLogger } from "../../bots/logger.ts";
import { type RunningCxbot, startCxbot } from "../../bots/platforms.ts";
import type { AdminOutcome } from "../../core/admin/types.ts";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-api.ts";
import { eventually } from "../helpers/alerts.ts";

/**
 * Two cxbot processes' worth of wiring (`startCxbot`, as `npm start` runs it) on one database, each with its own
 * Slack: an admin publishes through the first; the second, never told, starts new surveys on the new version
 * within its sync interval (CX_FLOW_SYNC_MS), without a restart.
 */

const SECRET = "tw0pr0cessesS1gningSecret0123456";
const dbName = `cxtest_twoproc_${randomBytes(4).toString("hex")}`;

async function startOne(): Promise<{ running: RunningCxbot; slack: FakeSlack }> {
  const slack = await startFakeSlack({ signingSecret: SECRET });
  const config = loadConfig({
    MONGODB_URI: inject("mongoUri"),
    PORT: "0",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: SECRET,
    DIGEST_AT: "off",
    DEFAULT_LOCALE: "en",
    CX_ADMINS: "slack:U0ADMIN",
    CX_FLOW_SYNC_MS: "300",
  });
  const running = await startCxbot(config, {
    projectRoot: resolve(import.meta.dirname, "../.."),
    logger: createLogger("silent"),
    dbName,
    host: "127.0.0.1",
  });
  slack.routeTo(`http://127.0.0.1:${running.platforms.http.port}/slack/events`);
  return { running, slack };
}

const text = (o: AdminOutcome) => (o.status === "duplicate" ? "" : o.messages.map((m) => m.text).join("\n"));

describe("a publish in one process", () => {
  let a: Awaited<ReturnType<typeof startOne>>;
  let b: Awaited<ReturnType<typeof startOne>>;
  beforeAll(async () => {
    a = await startOne();
    b = await startOne();
  });
  afterAll(async () => {
    for (const p of [b, a]) {
      if (!p) continue;
      await p.running.platforms.close();
      await p.running.close();
      await p.slack.close();
    }
    const { default: mongoose } = await import("mongoose");
    const c = await mongoose.createConnection(inject("mongoUri"), { dbName }).asPromise();
    await c.dropDatabase();
    await c.close();
  });

  it("is live in another process on the same database within seconds, without a restart", async () => {
    const admin = { channel: "slack" as const, userId: "U0ADMIN" };
    const handle = (t: string) =>
      a.running.platforms.admin.handle({
        eventId: `twoproc-${t}`,
        actor: admin,
        input: { type: "command", text: t },
        receivedAt: new Date(),
      });
    expect(text(await handle("text ces score en How easy was it, honestly?"))).toContain("draft");
    expect(text(await handle("publish ces"))).toContain("ces version");

    const user = { id: "U0RESPONDENT", name: "respondent", locale: "en-US" };
    b.slack.addUser(user);
    const dm = b.slack.dmChannelOf(user.id);
    const started = await eventually(async () => {
      const before = b.slack.messages(dm).length;
      await b.slack.sendSlashCommand(user, "/feedback", "ces", { channelId: dm });
      const shown = await eventually(async () => {
        const m = b.slack
          .messages(dm)
          .slice(before)
          .find((x) => x.user === b.slack.botUserId);
        return m ? (m.text ?? "") : undefined;
      });
      if (!shown.includes("honestly")) {
        await b.slack.sendSlashCommand(user, "/stop", "", { channelId: dm });
        return undefined;
      }
      return shown;
    });
    expect(started).toContain("How easy was it, honestly?");
  });
});
