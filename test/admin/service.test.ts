import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedFlows } from "../../core/admin/seed.ts";
import { createAdminService } from "../../core/admin/service.ts";
import type { AdminActor, AdminMessage, AdminOutcome, AdminService } from "../../core/admin/types.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import { FlowRegistry } from "../../core/flow/registry.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import { t } from "../../core/i18n/messages.ts";
import { createOperations } from "../../core/operations.ts";
import { createRuleBasedSentimentAnalyzer } from "../../core/sentiment/rule-based.ts";
import { createSurveyService, type SurveyService } from "../../core/service.ts";
import type { DomainEvent, OutboundMessage, RespondentRef } from "../../core/types.ts";
import { ensureIndexes } from "../../storage/models.ts";
import { createMongoStores } from "../../storage/mongo-stores.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";
import { FakeRespondent } from "../helpers/harness.ts";

/**
 * The admin service end to end on the real database: a "process" is a registry + survey service + admin service
 * on one database; two of them share it the way two cxbot processes do.
 */

const ADMIN: AdminActor = { channel: "telegram", userId: "100" };
const OTHER_ADMIN: AdminActor = { channel: "slack", userId: "U200" };
const STRANGER: AdminActor = { channel: "telegram", userId: "999" };

type Stores = ReturnType<typeof createMongoStores>;

async function startProcess(db: TestDb, definitions: readonly FlowDefinition[], reseed: string[] = []) {
  const stores: Stores = createMongoStores(db.connection);
  await ensureIndexes(stores.models);
  const flows = new FlowRegistry(stores.flows, stores.admin);
  const seeded = await seedFlows(definitions, {
    registry: flows,
    admin: stores.admin,
    audit: stores.audit,
    reseed,
    now: () => new Date(),
  });
  await flows.sync();
  const events: DomainEvent[] = [];
  const delivered: { to: RespondentRef; messages: readonly OutboundMessage[] }[] = [];
  const service: SurveyService = createSurveyService({
    stores,
    flows,
    analyzer: createRuleBasedSentimentAnalyzer(),
    defaultLocale: "en",
    defaultFlow: "nps",
    rollupFlushMs: 0,
    maxConcurrency: 4,
    onEvents: (e) => events.push(...e),
  });
  const operations = createOperations({
    survey: service,
    messenger: {
      async deliver(to, messages) {
        delivered.push({ to, messages });
      },
    },
  });
  const admin = createAdminService({
    stores,
    flows,
    operations,
    admins: ["telegram:100", "slack:U200"],
    limits: { buttonLabel: 64, message: 1500 },
    defaultLocale: "en",
  });
  let n = 0;
  const run = (actor: AdminActor, text: string, extra: Partial<Parameters<AdminService["handle"]>[0]> = {}) =>
    admin.handle({
      eventId: `e${++n}-${Math.random()}`,
      actor,
      input: { type: "command", text },
      receivedAt: new Date(),
      ...extra,
    });
  const press = (actor: AdminActor, payload: string) =>
    admin.handle({
      eventId: `p${++n}-${Math.random()}`,
      actor,
      input: { type: "press", payload },
      receivedAt: new Date(),
    });
  const type = (actor: AdminActor, text: string) =>
    admin.handle({
      eventId: `t${++n}-${Math.random()}`,
      actor,
      input: { type: "text", text },
      receivedAt: new Date(),
    });
  return {
    stores,
    flows,
    service,
    admin,
    events,
    delivered,
    seeded,
    run,
    press,
    type,
    close: () => service.close(),
  };
}

const texts = (o: AdminOutcome): string =>
  o.status === "duplicate" ? "" : o.messages.map((m) => m.text).join("\n");
const buttons = (o: AdminOutcome): { label: string; payload: string }[] =>
  o.status === "duplicate" ? [] : o.messages.flatMap((m: AdminMessage) => (m.buttons ?? []).flat());
const button = (o: AdminOutcome, label: string | RegExp): string => {
  const found = buttons(o).find((b) => (typeof label === "string" ? b.label === label : label.test(b.label)));
  if (!found) throw new Error(`no button ${String(label)} in ${JSON.stringify(buttons(o))}`);
  return found.payload;
};

describe("admin service", () => {
  let db: TestDb;
  let definitions: FlowDefinition[];
  let procs: Awaited<ReturnType<typeof startProcess>>[];

  beforeEach(async () => {
    db = await connectTestDb("admin");
    definitions = (await loadFlowDirectory("flows")).flows;
    procs = [];
  });
  afterEach(async () => {
    for (const p of procs) await p.close();
    await db.drop();
  });
  const start = async (defs = definitions, reseed: string[] = []) => {
    const p = await startProcess(db, defs, reseed);
    procs.push(p);
    return p;
  };

  it("refuses a non-admin with the respondents' help, changes nothing, and audits the attempt", async () => {
    const p = await start();
    const before = await p.stores.admin.control("csat");
    const out = await p.run(STRANGER, "disable csat");
    expect(out.status).toBe("refused");
    expect(texts(out)).toBe(t("en", "help"));
    expect(await p.stores.admin.control("csat")).toEqual(before);
    const audit = await p.stores.audit.recent(5);
    expect(audit[0]).toMatchObject({ actor: "telegram:999", action: "admin.refused", target: "disable" });
    expect(await p.admin.awaitsText(STRANGER)).toBe(false);
  });

  it("edit → diff → publish: a new survey shows the new text, and a second process sees the publish", async () => {
    const a = await start();
    const b = await start();
    const edited = await a.run(ADMIN, "text csat score en How happy are you with us today?");
    expect(texts(edited)).toContain("Saved in the draft of csat");
    const diff = await a.run(ADMIN, "diff csat");
    expect(texts(diff)).toContain("How happy are you with us today?");
    expect(texts(diff)).toContain("How satisfied were you");
    // Nothing live yet.
    const early = new FakeRespondent(b.service, "r1");
    await early.start("csat");
    expect(early.lastTexts.join("\n")).toContain("How satisfied were you");
    await early.send("/stop");

    const published = await a.press(ADMIN, button(diff, "Publish"));
    expect(texts(published)).toContain("csat version 2 is live");
    await b.flows.sync(); // what the 2-second timer does in a running process
    const later = new FakeRespondent(b.service, "r2");
    await later.start("csat");
    expect(later.lastTexts.join("\n")).toContain("How happy are you with us today?");

    const audit = await a.stores.audit.recent(10, { flow: "csat" });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["flow.text", "flow.publish"]));
    const textEntry = audit.find((e) => e.action === "flow.text");
    expect(textEntry?.detail).toMatchObject({
      platform: "telegram",
      before: expect.stringContaining("How satisfied were you"),
      after: "How happy are you with us today?",
    });
  });

  it("a guided edit started before another admin's change is refused as a conflict, naming who changed it", async () => {
    const p = await start();
    const guide = await p.run(ADMIN, "text csat");
    const pickLocale = await p.press(ADMIN, button(guide, "score"));
    const awaiting = await p.press(ADMIN, button(pickLocale, "English"));
    expect(texts(awaiting)).toContain("Send the new text");
    expect(await p.admin.awaitsText(ADMIN)).toBe(true);

    await p.run(OTHER_ADMIN, "text csat thanks en Thanks a lot!");
    const late = await p.type(ADMIN, "My new question?");
    expect(texts(late)).toContain("slack:U200 changed csat");
    const control = await p.stores.admin.control("csat");
    const score = control?.draft?.definition.steps.find((s) => s.id === "score");
    expect(score && "prompt" in score ? score.prompt.en : "").toContain("How satisfied were you");
    expect(await p.admin.awaitsText(ADMIN)).toBe(false);
  });

  it("a respondent mid-survey finishes on the version they started with, through a publish and a rollback", async () => {
    const p = await start();
    const respondent = new FakeRespondent(p.service, "mid");
    await respondent.start("csat");
    await p.run(ADMIN, "text csat why-negative en What exactly went wrong?");
    await p.run(ADMIN, "publish csat");
    await respondent.send("1");
    // Still version 1's follow-up.
    expect(respondent.lastTexts.join("\n")).toContain("What went wrong?");
    const rolled = await p.run(ADMIN, "rollback csat 1");
    expect(texts(rolled)).toContain("back on version 1");
    await respondent.send("late and broken");
    const fresh = new FakeRespondent(p.service, "fresh");
    await fresh.start("csat");
    await fresh.send("1");
    expect(fresh.lastTexts.join("\n")).toContain("What went wrong?");
    const history = await p.run(ADMIN, "history csat");
    expect(texts(history)).toMatch(/version 1 .*← live/);
    expect(texts(history)).toContain("version 2");
  });

  it("disable stops new starts (surveys in progress go on); enable lets them start again", async () => {
    const p = await start();
    const inFlight = new FakeRespondent(p.service, "inflight");
    await inFlight.start("ces");
    await p.run(ADMIN, "disable ces");
    const blocked = new FakeRespondent(p.service, "blocked");
    await blocked.start("ces");
    expect(blocked.lastTexts).toEqual([t("en", "flowPaused")]);
    await inFlight.send("6");
    expect(inFlight.lastTexts.length).toBeGreaterThan(0);
    await p.run(ADMIN, "enable ces");
    await blocked.start("ces");
    expect(blocked.lastTexts.join("\n")).not.toContain(t("en", "flowPaused"));
  });

  it("try runs the survey for the admin in test mode: no score, no alert", async () => {
    const p = await start();
    const out = await p.run(ADMIN, "try csat en");
    expect(texts(out)).toContain("test mode");
    expect(p.delivered[0]?.messages[0]?.text).toBe(t("en", "testMode"));
    const admin = new FakeRespondent(p.service, "100", { channel: "telegram" });
    await admin.send("1");
    await admin.send("terrible, nothing worked");
    await p.service.flush();
    expect(p.events.some((e) => e.type === "alert.due")).toBe(false);
    const rows = await p.stores.rollups.read("csat", "2000-01-01", "2100-01-01");
    expect(rows).toEqual([]);
  });

  it("try on a flow with a draft runs the draft, and leaves the live version live", async () => {
    const p = await start();
    await p.run(ADMIN, "text csat score en Draft question for trying?");
    const out = await p.run(ADMIN, "try csat en");
    expect(texts(out)).toContain("draft of csat");
    expect(p.delivered[0]?.messages.map((m) => m.text).join("\n")).toContain("Draft question for trying?");
    const customer = new FakeRespondent(p.service, "customer");
    await customer.start("csat");
    expect(customer.lastTexts.join("\n")).toContain("How satisfied were you");
  });

  it("new from a template builds a draft that publishes as a live flow", async () => {
    const p = await start();
    const created = await p.run(ADMIN, "new onboarding from ces");
    expect(texts(created)).toContain("Created onboarding");
    const r = new FakeRespondent(p.service, "nobody");
    await r.start("onboarding");
    expect(r.lastTexts.join("\n")).toContain("onboarding"); // unknown until published
    await p.press(ADMIN, button(created, "Publish"));
    await r.start("onboarding");
    expect(r.lastTexts.join("\n")).toContain("easy");
  });

  it("an import with errors changes nothing and lists every problem; a stale export is refused", async () => {
    const p = await start();
    const exported = await p.run(ADMIN, "export csat");
    const file = exported.status === "duplicate" ? undefined : exported.messages[0]?.file;
    expect(file?.name).toBe("csat.yaml");
    const source = typeof file?.content === "string" ? file.content : "";
    // Cross-reference errors are all reported together (after the schema checks pass) …
    const broken = source
      .replace("goto: thanks-contact", "goto: nowhere")
      .replace("goto: why-neutral", "goto: elsewhere");
    const refused = await p.run(ADMIN, "import csat", {
      attachment: { name: "csat.yaml", size: broken.length, read: async () => broken },
    });
    expect(texts(refused)).toContain("Nothing changed");
    expect(texts(refused)).toMatch(/steps\[\d\]\.next\[\d\]\.goto \(line \d+\): .*nowhere/);
    expect(texts(refused)).toMatch(/elsewhere/);
    // … and so are schema errors.
    const empty = source.replace(/(\n\s+en: )How satisfied[^\n]*/, '$1""');
    const refusedToo = await p.run(ADMIN, "import csat", {
      attachment: { name: "csat.yaml", size: empty.length, read: async () => empty },
    });
    expect(texts(refusedToo)).toMatch(/steps\[0\]\.prompt\.en \(line \d+\): must not be empty/);
    // … and both kinds at once, in one reply.
    const both = broken.replace(/(\n\s+en: )How satisfied[^\n]*/, '$1""');
    const refusedBoth = await p.run(ADMIN, "import csat", {
      attachment: { name: "csat.yaml", size: both.length, read: async () => both },
    });
    expect(texts(refusedBoth)).toMatch(/must not be empty/);
    expect(texts(refusedBoth)).toMatch(/nowhere/);
    expect(texts(refusedBoth)).toMatch(/elsewhere/);
    expect((await p.stores.admin.control("csat"))?.draft).toBeUndefined();

    await p.run(OTHER_ADMIN, "text csat thanks en Cheers!");
    const edited = source.replace("How satisfied were you", "How pleased were you");
    const stale = await p.run(ADMIN, "import csat", {
      attachment: { name: "csat.yaml", size: edited.length, read: async () => edited },
    });
    expect(texts(stale)).toContain("has changed since");
  });

  it("admins added by command can act; those in CX_ADMINS cannot be removed by command", async () => {
    const p = await start();
    const newcomer: AdminActor = { channel: "discord", userId: "777" };
    expect((await p.run(newcomer, "flows")).status).toBe("refused");
    await p.run(ADMIN, "admins add discord:777");
    expect((await p.run(newcomer, "flows")).status).toBe("handled");
    expect(texts(await p.run(newcomer, "admins remove telegram:100"))).toContain("CX_ADMINS");
    await p.run(ADMIN, "admins remove discord:777");
    expect((await p.run(newcomer, "flows")).status).toBe("refused");
  });

  it("files seed the database; once an admin published, a changed file is ignored unless reseeded", async () => {
    const p = await start();
    await p.run(ADMIN, "text csat thanks en Admin's thanks");
    await p.run(ADMIN, "publish csat");
    const changed = definitions.map((d) =>
      d.key === "csat" ? { ...d, title: { ...d.title, en: "CSAT from the file" } } : d,
    );
    const second = await start(changed);
    expect(second.seeded.find((s) => s.key === "csat")?.action).toBe("kept-database");
    expect((await second.flows.latest("csat"))?.title.en).not.toBe("CSAT from the file");
    const third = await start(changed, ["csat"]);
    expect(third.seeded.find((s) => s.key === "csat")?.action).toBe("updated");
    expect((await third.flows.latest("csat"))?.title.en).toBe("CSAT from the file");
    // An unchanged file after that is left alone.
    const fourth = await start(changed);
    expect(fourth.seeded.find((s) => s.key === "csat")?.action).toBe("unchanged");
  });

  it("a command without its flow offers the flows as buttons", async () => {
    const p = await start();
    const out = await p.run(ADMIN, "history");
    expect(buttons(out).map((b) => b.label)).toEqual(["ces", "csat", "nps", "recovery"]);
    const picked = await p.press(ADMIN, button(out, "csat"));
    expect(texts(picked)).toContain("Versions of csat");
  });

  it("a redelivered command is carried out once", async () => {
    const p = await start();
    const request = {
      eventId: "same",
      actor: ADMIN,
      input: { type: "command" as const, text: "disable nps" },
      receivedAt: new Date(),
    };
    expect((await p.admin.handle(request)).status).toBe("handled");
    expect((await p.admin.handle(request)).status).toBe("duplicate");
  });
});
