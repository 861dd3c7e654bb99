import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures, the Slack/Stripe way: the sender puts the time in `X-Cxbot-Timestamp` (Unix seconds) and
 * `v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + body)>` in `X-Cxbot-Signature`. A receiver recomputes
 * the HMAC over the raw body it got, compares in constant time, and refuses a timestamp too far from its clock
 * (a replayed request). This file has no dependency but `node:crypto`, so receivers can copy it as is.
 */

export const TIMESTAMP_HEADER = "x-cxbot-timestamp";
export const SIGNATURE_HEADER = "x-cxbot-signature";
/** Five minutes, as Slack and Stripe use. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC of one delivery. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`v1:${timestamp}:${body}`, "utf8").digest("hex");
}

/** The headers that sign `body` at `now`. */
export function signWebhook(
  secret: string,
  body: string,
  now: Date = new Date(),
): { readonly "X-Cxbot-Timestamp": string; readonly "X-Cxbot-Signature": string } {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "X-Cxbot-Timestamp": String(timestamp),
    "X-Cxbot-Signature": `v1=${signatureOf(secret, timestamp, body)}`,
  };
}

/** Why a request was not accepted as signed by cxbot. */
export type WebhookVerifyError = "missing-header" | "bad-timestamp" | "too-old" | "bad-signature";

/** Request headers as Node (`IncomingMessage.headers`), a plain object, or a fetch `Headers` has them. */
export type HeaderBag =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === "function")
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const [key, value] of Object.entries(bag)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === "string" ? value : value?.[0];
  }
  return undefined;
}

/**
 * Checks that `body` (the raw request body, exactly as received) was signed with `secret` no more than
 * `toleranceSeconds` away from `now`. Several `v1=` signatures separated by commas are accepted (any one
 * matching is enough), for a receiver that overlaps two secrets.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderBag,
  body: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: Date = new Date(),
): { readonly ok: true } | { readonly ok: false; readonly error: WebhookVerifyError } {
  const stamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (stamp === undefined || signature === undefined) return { ok: false, error: "missing-header" };
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, error: "bad-timestamp" };
  const timestamp = Number(stamp);
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, error: "too-old" };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), "hex");
  for (const part of signature.split(",")) {
    const [scheme, hex] = part.trim().split("=", 2);
    if (scheme !== "v1" || hex === undefined || !/^[0-9a-f]{64}$/i.test(hex)) continue;
    if (timingSafeEqual(Buffer.from(hex, "hex"), expected)) return { ok: true };
  }
  return { ok: false, error: "bad-signature" };
}
