import { DiscordAPIError, REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_MENU_PREFIX,
  type AdminOptionReader,
  adminCommandText,
  adminComponents,
  discordAdminCommand,
} from "../../bots/discord/admin.ts";
import { adminReplyBodies } from "../../bots/discord/admin-interactions.ts";
import { discordCommands } from "../../bots/discord/discord.ts";
import { components } from "../../bots/discord/render.ts";
import { asOutbound } from "../../bots/kit/admin.ts";
import { parseAdminCommand } from "../../core/admin/grammar.ts";
import type { AdminButton } from "../../core/admin/types.ts";
import { LOCALES } from "../../core/locale.ts";
import { createFakeDiscord, type FakeDiscord } from "../fakes/discord-api.ts";

/**
 * The Discord side of `/cx` without a running cxbot: the command as registered (checked by the fake Discord's
 * REST validation, in every default language), options turned back into the text the core's grammar reads, and
 * admin replies as Discord messages and components.
 */

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await createFakeDiscord();
});
afterAll(async () => {
  await fake.close();
});

const reader = (values: Record<string, string | number | boolean>): AdminOptionReader => ({
  string: (name) => (typeof values[name] === "string" ? (values[name] as string) : null),
  integer: (name) => (typeof values[name] === "number" ? (values[name] as number) : null),
  boolean: (name) => (typeof values[name] === "boolean" ? (values[name] as boolean) : null),
});

/** What Discord counts toward a command's 8000 characters: names, descriptions and values, the longest localization of each. */
function characters(node: object): number {
  const n = node as Record<string, unknown>;
  const longest = (value: unknown, localized: unknown) =>
    Math.max(
      0,
      ...[value, ...Object.values((localized as Record<string, unknown> | undefined) ?? {})].map((v) =>
        typeof v === "string" ? [...v].length : 0,
      ),
    );
  let total = longest(n.name, n.name_localizations) + longest(n.description, n.description_localizations);
  for (const c of (n.choices as Record<string, unknown>[] | undefined) ?? [])
    total += longest(c.name, c.name_localizations) + longest(c.value, undefined);
  for (const o of (n.options as object[] | undefined) ?? []) total += characters(o);
  return total;
}

describe("/cx as a Discord command", () => {
  it.each(LOCALES)("registers with the survey commands when the default language is %s", async (locale) => {
    const rest = new REST({ api: fake.apiBase }).setToken(fake.token);
    const stored = (await rest.put(Routes.applicationCommands(fake.applicationId), {
      body: discordCommands(locale),
    })) as { name: string }[];
    expect(stored.map((c) => c.name)).toContain("cx");
    const cx = discordAdminCommand(locale);
    // Discord's limits: descriptions ≤ 100; names, descriptions and values ≤ 8000 characters in all (the
    // fake refuses more), with room to spare.
    expect(characters(cx)).toBeLessThan(6000);
    for (const sub of cx.options ?? []) {
      expect([...sub.description].length).toBeLessThanOrEqual(100);
      expect(Object.keys(sub.description_localizations ?? {})).toEqual(["tr"]);
    }
  });

  it("a description over 100 characters would be refused by Discord (the fake checks what the docs say)", async () => {
    const rest = new REST({ api: fake.apiBase }).setToken(fake.token);
    const cx = discordAdminCommand("en");
    const tooLong = { ...cx, description: "x".repeat(101) };
    const error = await rest
      .put(Routes.applicationCommands(fake.applicationId), { body: [tooLong] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).message).toContain("0.description[BASE_TYPE_BAD_LENGTH]");
  });

  it("turns a subcommand and its options into the text the grammar reads", () => {
    const cases: [string, Record<string, string | number | boolean>, string][] = [
      ["help", {}, "help"],
      ["flows", {}, "flows"],
      ["show", { flow: "csat", language: "fa" }, "show csat fa"],
      ["text", { flow: "csat" }, "text csat"],
      [
        "text",
        { flow: "csat", step: "score", language: "en", text: "  How was it?\nTell us.  " },
        "text csat score en How was it?\nTell us.",
      ],
      // Without a step the rest is asked for with buttons.
      ["text", { flow: "csat", language: "en", text: "x" }, "text csat"],
      ["alert", { flow: "csat", rule: "max=6 sentiment=negative" }, "alert csat max=6 sentiment=negative"],
      ["route", { flow: "csat", channel: "C0ALERTS" }, "route csat C0ALERTS"],
      ["enable", { flow: "csat" }, "enable csat"],
      ["disable", { flow: "csat" }, "disable csat"],
      ["new", { flow: "pulse", template: "nps" }, "new pulse from nps"],
      ["export", { flow: "csat" }, "export csat"],
      ["import", { flow: "csat" }, "import csat"],
      ["diff", { flow: "csat" }, "diff csat"],
      ["publish", { flow: "csat" }, "publish csat"],
      ["history", { flow: "csat" }, "history csat"],
      ["rollback", { flow: "csat", version: 2 }, "rollback csat 2"],
      ["try", { flow: "csat", language: "tr" }, "try csat tr"],
      ["report", { flow: "csat", period: "30d" }, "report csat 30d"],
      ["admins", { action: "add", who: "telegram:1" }, "admins add telegram:1"],
      ["admins", {}, "admins"],
      ["audit", {}, "audit"],
      ["audit", { flow: "csat" }, "audit csat"],
      ["keys", {}, "keys"],
      ["keys", { operation: "create", key: "  Order   system " }, "keys create Order system"],
      ["keys", { operation: "revoke", key: "key_ab12cd34ef" }, "keys revoke key_ab12cd34ef"],
      ["send", { flow: "nps" }, "send nps"],
      ["report", { flow: "csat", period: "90d", by: "touchpoint" }, "report csat 90d by touchpoint"],
      ["report", { flow: "csat", by: "channel" }, "report csat by channel"],
      ["export-responses", { flow: "csat", period: "12m" }, "export-responses csat 12m"],
      ["export-responses", { flow: "csat", identities: true }, "export-responses csat 30d with identities"],
      [
        "export-responses",
        { flow: "csat", period: "all", identities: true },
        "export-responses csat all with identities",
      ],
      ["rollups", { flow: "csat" }, "rollups rebuild csat"],
    ];
    for (const [sub, values, expected] of cases) {
      const text = adminCommandText(sub, reader(values));
      expect(text).toBe(expected);
      // And the grammar reads it as that subcommand (guided `text csat` aside, which the service takes apart).
      if (text !== "text csat") expect(parseAdminCommand(text ?? "")).toMatchObject({ ok: true });
    }
    expect(adminCommandText("format", reader({}))).toBeUndefined();
  });

  it("a one-word value typed with spaces is refused by the grammar, never read as the words after it", () => {
    const text = adminCommandText("rollback", reader({ flow: "csat 1", version: 2 }));
    expect(text).toBe("rollback csat␣1 2");
    expect(parseAdminCommand(text ?? "")).toMatchObject({
      ok: false,
      error: { code: "ADMIN_BAD_ARGUMENT", argument: "csat␣1" },
    });
    const who = adminCommandText("admins", reader({ action: "add", who: "telegram:1 discord:2" }));
    expect(parseAdminCommand(who ?? "")).toMatchObject({ ok: false });
  });
});

describe("admin replies as Discord messages", () => {
  const b = (label: string, payload: string, style?: AdminButton["style"]): AdminButton => ({
    label,
    payload,
    ...(style ? { style } : {}),
  });

  it("keeps the core's rows where they fit, with their styles", () => {
    const rows = adminComponents([
      [b("Show changes", "cx:c:diff csat"), b("Publish", "cx:p:csat:1", "primary")],
      [b("Turn off", "cx:c:disable csat", "danger")],
    ]);
    expect(rows).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: "Show changes", custom_id: "cx:c:diff csat" },
          { type: 2, style: 1, label: "Publish", custom_id: "cx:p:csat:1" },
        ],
      },
      { type: 1, components: [{ type: 2, style: 4, label: "Turn off", custom_id: "cx:c:disable csat" }] },
    ]);
    expect(adminComponents(undefined)).toEqual([]);
  });

  it("packs more than 5 rows 5 a row; more than 25 buttons become select menus; duplicates and long labels fixed", () => {
    const targets = Array.from({ length: 24 }, (_, i) => [b(`target ${i}`, `cx:t:csat:${i}:0`)]);
    const packed = adminComponents(targets);
    expect(packed.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 4]);

    const many = Array.from({ length: 30 }, (_, i) => [b(`v${i}`, `cx:c:rollback csat ${i + 1}`)]);
    const menus = adminComponents(many);
    expect(menus).toHaveLength(2);
    expect(menus[0]?.components[0]).toMatchObject({ type: 3, custom_id: `${ADMIN_MENU_PREFIX}0` });
    const options = menus.flatMap((r) =>
      r.components.flatMap((c) => (c.type === 3 ? c.options.map((o) => o.value) : [])),
    );
    expect(options).toHaveLength(30);

    const [row] = adminComponents([[b("x".repeat(120), "cx:c:flows"), b("again", "cx:c:flows")]]);
    expect(row?.components).toHaveLength(1);
    const label =
      row?.components[0]?.type === 2 && "label" in row.components[0] ? row.components[0].label : "";
    expect([...(label ?? "")].length).toBeLessThanOrEqual(80);
  });

  it("in a DM (through the survey responder) more than 5 command buttons are packed 5 a row, no empty menu", () => {
    const targets = Array.from({ length: 24 }, (_, i) => [b(`target ${i}`, `cx:t:csat:${i}:0`)]);
    const rows = components(asOutbound({ text: "Which text?", locale: "en", rtl: false, buttons: targets }));
    expect(rows.map((r) => r.components.map((c) => c.type))).toEqual([
      [2, 2, 2, 2, 2],
      [2, 2, 2, 2, 2],
      [2, 2, 2, 2, 2],
      [2, 2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
  });

  it("splits text over 2,000 characters; buttons and the file go on the last part", () => {
    const text = `${"a".repeat(1500)}\n${"b".repeat(1500)}\n${"c".repeat(1500)}`;
    const bodies = adminReplyBodies({
      text,
      locale: "en",
      rtl: false,
      buttons: [[b("Publish", "cx:p:csat:1", "primary")]],
      file: { name: "csat.yaml", content: "key: csat\n", mime: "application/yaml" },
    });
    expect(bodies.map((x) => x.content.length)).toEqual([1500, 1500, 1500]);
    expect(bodies.slice(0, 2).every((x) => x.components === undefined && x.files === undefined)).toBe(true);
    expect(bodies[2]?.components).toHaveLength(1);
    expect(bodies[2]?.files?.[0]).toMatchObject({ name: "csat.yaml" });
    expect(bodies[2]?.files?.[0]?.attachment.toString()).toBe("key: csat\n");
    expect(bodies.every((x) => x.allowedMentions.parse.length === 0)).toBe(true);
  });
});
