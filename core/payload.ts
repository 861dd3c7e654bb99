import { createHash } from "node:crypto";
import { z } from "zod";
import { ZOptionId, ZStepId } from "./flow/schema.ts";
import { ZLocale } from "./locale.ts";
import { err, ok, type Result } from "./result.ts";

/**
 * Button payloads: compact, versioned strings (≤ 64 bytes, Telegram's `callback_data` limit) that come back
 * from the platform as untrusted input. Never JSON of the state: they name a flow version, a step and a value,
 * and the conversation itself is found from who pressed the button.
 *
 * Grammar (`:`-separated). Version 2 names the conversation by a short tag, so a button left over from an
 * earlier survey (another flow or another run of the same one, whose question has the same step id) is stale
 * rather than an answer to the survey in progress:
 * - `2:a:<conversation>:<flowVersion>:<stepId>:<optionId|number>` — an answer
 * - `2:d:<conversation>:<flowVersion>:<stepId>` — "done" for a multiple choice
 * - `2:s:<conversation>:<flowVersion>:<stepId>` — skip this question
 * - `1:l:<locale>` — switch language
 * - `1:c:<stop|restart|help|language>` — a command
 * - `1:f:<y|n>` — the answer to `/forget`'s confirmation
 * Version 1 answers (`1:a:<flowVersion>:<stepId>:<value>`, `1:d:…`, `1:s:…`), on buttons sent before version 2,
 * are still read; they carry no conversation tag. The longest payload is 61 bytes.
 */
export type ButtonPayload =
  | {
      readonly kind: "answer";
      readonly conversation?: string;
      readonly flowVersion: number;
      readonly stepId: string;
      readonly value: string;
    }
  | {
      readonly kind: "done";
      readonly conversation?: string;
      readonly flowVersion: number;
      readonly stepId: string;
    }
  | {
      readonly kind: "skip";
      readonly conversation?: string;
      readonly flowVersion: number;
      readonly stepId: string;
    }
  | { readonly kind: "language"; readonly locale: z.infer<typeof ZLocale> }
  | { readonly kind: "command"; readonly command: "stop" | "restart" | "help" | "language" }
  /** Yes or no to erasing the respondent's data (`/forget`). */
  | { readonly kind: "forget"; readonly erase: boolean };

export const MAX_PAYLOAD_BYTES = 64;

const ZVersion = z.coerce.number().int().min(1).max(999_999);
const ZTag = z.string().regex(/^[A-Za-z0-9_-]{8}$/);

const recentTags = new Map<string, string>();

/** The 8-character tag a conversation's buttons carry (a hash of its id; the last few thousand are memoized). */
export function conversationTag(conversationId: string): string {
  const known = recentTags.get(conversationId);
  if (known !== undefined) return known;
  const tag = createHash("sha256").update(conversationId).digest("base64url").slice(0, 8);
  if (recentTags.size >= 4096) recentTags.clear();
  recentTags.set(conversationId, tag);
  return tag;
}
const ZValue = z.union([ZOptionId, z.string().regex(/^\d{1,3}$/)]);
const ZCommand = z.enum(["stop", "restart", "help", "language"]);

export function encodePayload(p: ButtonPayload): string {
  switch (p.kind) {
    case "answer":
      return p.conversation === undefined
        ? `1:a:${p.flowVersion}:${p.stepId}:${p.value}`
        : `2:a:${p.conversation}:${p.flowVersion}:${p.stepId}:${p.value}`;
    case "done":
      return p.conversation === undefined
        ? `1:d:${p.flowVersion}:${p.stepId}`
        : `2:d:${p.conversation}:${p.flowVersion}:${p.stepId}`;
    case "skip":
      return p.conversation === undefined
        ? `1:s:${p.flowVersion}:${p.stepId}`
        : `2:s:${p.conversation}:${p.flowVersion}:${p.stepId}`;
    case "language":
      return `1:l:${p.locale}`;
    case "command":
      return `1:c:${p.command}`;
    case "forget":
      return `1:f:${p.erase ? "y" : "n"}`;
    default: {
      const never: never = p;
      throw new Error(`unhandled payload ${JSON.stringify(never)}`);
    }
  }
}

/** Parses a payload that came back from a platform. Anything malformed is a value, not an exception. */
export function decodePayload(raw: string): Result<ButtonPayload, "PAYLOAD_INVALID"> {
  if (typeof raw !== "string" || Buffer.byteLength(raw, "utf8") > MAX_PAYLOAD_BYTES)
    return err("PAYLOAD_INVALID");
  const parts = raw.split(":");
  if (parts[0] === "2") return decodeV2(parts);
  if (parts[0] !== "1") return err("PAYLOAD_INVALID");
  const [, kind, a, b, c] = parts;
  const n = parts.length;
  switch (kind) {
    case "a": {
      const v = ZVersion.safeParse(a);
      const s = ZStepId.safeParse(b);
      const val = ZValue.safeParse(c);
      if (n !== 5 || !v.success || !s.success || !val.success) return err("PAYLOAD_INVALID");
      return ok({ kind: "answer", flowVersion: v.data, stepId: s.data, value: val.data });
    }
    case "d":
    case "s": {
      const v = ZVersion.safeParse(a);
      const s = ZStepId.safeParse(b);
      if (n !== 4 || !v.success || !s.success) return err("PAYLOAD_INVALID");
      return ok({ kind: kind === "d" ? "done" : "skip", flowVersion: v.data, stepId: s.data });
    }
    case "l": {
      const l = ZLocale.safeParse(a);
      if (n !== 3 || !l.success) return err("PAYLOAD_INVALID");
      return ok({ kind: "language", locale: l.data });
    }
    case "c": {
      const cmd = ZCommand.safeParse(a);
      if (n !== 3 || !cmd.success) return err("PAYLOAD_INVALID");
      return ok({ kind: "command", command: cmd.data });
    }
    case "f":
      if (n !== 3 || (a !== "y" && a !== "n")) return err("PAYLOAD_INVALID");
      return ok({ kind: "forget", erase: a === "y" });
    default:
      return err("PAYLOAD_INVALID");
  }
}

function decodeV2(parts: readonly string[]): Result<ButtonPayload, "PAYLOAD_INVALID"> {
  const [, kind, tag, version, step, value] = parts;
  const t = ZTag.safeParse(tag);
  const v = ZVersion.safeParse(version);
  const s = ZStepId.safeParse(step);
  if (!t.success || !v.success || !s.success) return err("PAYLOAD_INVALID");
  const base = { conversation: t.data, flowVersion: v.data, stepId: s.data };
  switch (kind) {
    case "a": {
      const val = ZValue.safeParse(value);
      if (parts.length !== 6 || !val.success) return err("PAYLOAD_INVALID");
      return ok({ kind: "answer", ...base, value: val.data });
    }
    case "d":
    case "s":
      if (parts.length !== 5) return err("PAYLOAD_INVALID");
      return ok({ kind: kind === "d" ? "done" : "skip", ...base });
    default:
      return err("PAYLOAD_INVALID");
  }
}
