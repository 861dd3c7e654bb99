import { describe, expect, it } from "vitest";
import { discordAdminCommand } from "../../bots/discord/admin.ts";
import { discordCommands } from "../../bots/discord/discord.ts";
import { parseText } from "../../core/commands.ts";
import { decodePayload, encodePayload } from "../../core/payload.ts";

describe("/forget reaches the core on every platform", () => {
  it("is a Discord slash command, described in the default language and in Turkish", () => {
    const forget = discordCommands("en").find((c) => c.name === "forget") as
      | { description?: string; description_localizations?: Record<string, string> }
      | undefined;
    expect(forget?.description).toBe("Erase my data");
    expect(forget?.description_localizations).toEqual({ tr: "Verilerimi sil" });
    const cx = discordAdminCommand("en");
    // In the `data` group (Discord takes 25 subcommands under one command): `/cx data erase`.
    const data = (cx.options ?? []).find((o) => o.name === "data") as
      | { options?: { name: string }[] }
      | undefined;
    expect((data?.options ?? []).map((o) => o.name)).toEqual(
      expect.arrayContaining(["erase", "export-person"]),
    );
  });

  it("is typed in any language as a slash command or a whole message; its buttons fit Telegram's 64 bytes", () => {
    for (const [text, locale] of [
      ["/forget", "en"],
      ["forget me", "en"],
      ["فراموشم کن", "fa"],
      ["احذف بياناتي", "ar"],
      ["beni unut", "tr"],
    ] as const)
      expect(parseText(text, locale)).toEqual({ type: "command", command: "forget" });
    // A sentence that merely contains the words is an answer.
    expect(parseText("please never forget me", "en")).toEqual({ type: "text" });
    for (const erase of [true, false]) {
      const payload = encodePayload({ kind: "forget", erase });
      expect(decodePayload(payload)).toEqual({ ok: true, value: { kind: "forget", erase } });
    }
  });
});
