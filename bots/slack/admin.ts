import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AdminAttachment, AdminMessage } from "../../core/admin/types.ts";
import { CxError } from "../../core/result.ts";
import { escapedPieces } from "./blocks.ts";

/**
 * The Slack side of admin files: a YAML file an admin shares in the DM with `/cx import <flow>` as its message
 * (a `message` event with subtype `file_share`; slash commands cannot carry files), and an exported flow
 * uploaded into the admin's DM.
 */

/** A file in a `file_share` event: the fields cxbot reads (Slack sends many more). */
export const ZSlackFile = z.object({
  id: z.string().min(1).max(255),
  name: z.string().max(1000).optional(),
  title: z.string().max(1000).optional(),
  size: z.number().int().min(0).optional(),
  mimetype: z.string().max(255).optional(),
  url_private: z
    .url({ protocol: /^https?$/ })
    .max(3000)
    .optional(),
  url_private_download: z
    .url({ protocol: /^https?$/ })
    .max(3000)
    .optional(),
});
export type SlackFile = z.infer<typeof ZSlackFile>;

/** The most bytes read of a shared file; the admin service's own limit (256 KB) is far below. */
const MAX_DOWNLOAD_BYTES = 1_000_000;
const DOWNLOAD_TIMEOUT_MS = 15_000;
/** The longest `initial_comment` cxbot sends with a file (a caption, not a document). */
const COMMENT_LIMIT = 3000;

export interface SlackFileAccess {
  /** The bot token: Slack serves `url_private_download` to `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The Web API root; its host serves files too (tests, proxies). */
  readonly apiUrl: string;
}

/**
 * Whether cxbot may send the bot token to `url`: Slack's file host, or the host the Web API is reached at. A
 * URL in an event is data, and the token must never leave for anywhere else.
 */
export function trustedFileUrl(url: string, apiUrl: string): boolean {
  let target: URL;
  let api: URL;
  try {
    target = new URL(url);
    api = new URL(apiUrl);
  } catch {
    return false;
  }
  if (target.username !== "" || target.password !== "") return false;
  if (target.protocol === "https:" && target.host === "files.slack.com") return true;
  return target.protocol === api.protocol && target.host === api.host;
}

/** Reads at most `limit` bytes of a response body; rejects when there are more. */
async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new CxError("PAYLOAD_INVALID", `the file is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The file as an admin attachment: `read()` downloads `url_private_download` with the bot token (the
 * `files:read` scope), as Slack documents. It rejects, and the admin is told the file could not be read,
 * when the URL is missing or not Slack's, when Slack does not answer 200 (a redirect is not followed: it
 * would lead to the sign-in page, or carry the token elsewhere), when Slack answers its sign-in page (HTML:
 * the token lacks the scope), when the file is too large, or when it is not UTF-8 text.
 */
export function slackAttachment(file: SlackFile, access: SlackFileAccess): AdminAttachment {
  return {
    name: file.name ?? file.title ?? file.id,
    size: file.size ?? 0,
    async read() {
      const url = file.url_private_download ?? file.url_private;
      if (!url) throw new CxError("PLATFORM_UNAVAILABLE", `slack file ${file.id} has no download URL`);
      if (!trustedFileUrl(url, access.apiUrl))
        throw new CxError("PAYLOAD_INVALID", `slack file ${file.id} is not on Slack's file host`);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${access.token}` },
          redirect: "manual",
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        });
      } catch (error) {
        throw new CxError("PLATFORM_UNAVAILABLE", `could not download slack file ${file.id}`, {
          cause: error,
        });
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new CxError("PLATFORM_UNAVAILABLE", `slack answered ${response.status} for file ${file.id}`);
      }
      const type = (response.headers.get("content-type") ?? "").toLowerCase();
      if (type.startsWith("text/html")) {
        await response.body?.cancel();
        throw new CxError(
          "PLATFORM_UNAVAILABLE",
          `slack answered a web page for file ${file.id} (does the app have files:read?)`,
        );
      }
      const bytes = await readLimited(response, MAX_DOWNLOAD_BYTES);
      try {
        return strictUtf8.decode(bytes);
      } catch (error) {
        throw new CxError("PAYLOAD_INVALID", `slack file ${file.id} is not UTF-8 text`, { cause: error });
      }
    },
  };
}

/**
 * Uploads a file into a conversation with `files.uploadV2` (files.getUploadURLExternal, the bytes to the URL it
 * returns, files.completeUploadExternal with `channel_id` and `initial_comment`); needs `files:write`.
 */
export async function uploadFile(
  client: webApi.WebClient,
  channel: string,
  file: NonNullable<AdminMessage["file"]>,
  comment?: string,
): Promise<void> {
  const caption = comment === undefined ? [] : escapedPieces(comment, COMMENT_LIMIT).slice(0, 1);
  await client.files.uploadV2({
    channel_id: channel,
    ...(typeof file.content === "string" ? { content: file.content } : { file: Buffer.from(file.content) }),
    filename: file.name,
    title: file.name,
    ...(caption[0] ? { initial_comment: caption[0] } : {}),
  });
}
