import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { err, ok, type Result } from "../result.ts";

/**
 * Outgoing webhooks: HTTPS endpoints an admin registers (`/cx webhooks add`) to receive signed JSON events.
 * This file holds the endpoint as stored, the rules a URL must meet, and the registry the admin commands use;
 * payloads are built in `events.ts`, signed in `sign.ts` and delivered through the send queue by `deliver.ts`.
 */

/** The events an endpoint can receive. */
export const WEBHOOK_EVENTS = [
  "response.completed",
  "response.partial",
  "alert.raised",
  "alert.resolved",
] as const;
export const ZWebhookEventType = z.enum(WEBHOOK_EVENTS);
export type WebhookEventType = z.infer<typeof ZWebhookEventType>;

/**
 * How deliveries to an endpoint have gone. `failureStreak` counts failed attempts since the last success (any of
 * its deliveries); `failingSince` is the first failure of that streak.
 */
export interface WebhookHealth {
  readonly lastSuccessAt?: Date;
  readonly lastFailureAt?: Date;
  /** `HTTP 500`, `timeout`, `network: ECONNREFUSED`… of the last failure. */
  readonly lastError?: string;
  readonly failureStreak: number;
  readonly failingSince?: Date;
}

/** `active` endpoints receive events; `disabled` ones nothing until an admin enables them again. */
export type WebhookState = "active" | "disabled";

/** A registered endpoint, as stored. */
export interface WebhookEndpoint {
  /** `wh_` + 16 lowercase letters and digits. */
  readonly id: string;
  readonly url: string;
  /** The events it receives, in {@link WEBHOOK_EVENTS} order. */
  readonly events: readonly WebhookEventType[];
  /**
   * The signing secret (`whsec_` + 48 hex digits). Shown once, at creation; kept as is, because every delivery
   * is signed with it (unlike an API key, which only needs to be recognised and is stored hashed).
   */
  readonly secret: string;
  /** `platform:userId` of the admin who added it. */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly state: WebhookState;
  /** Why it was disabled: `gone` (the receiver answered 410), `failing` (a long failure streak). */
  readonly disabledReason?: "gone" | "failing";
  readonly disabledAt?: Date;
  readonly health: WebhookHealth;
}

/** Where endpoints are kept (`storage/webhook-store.ts`). Lookups are by id; `list` reads them all (few). */
export interface WebhookStore {
  /** Inserts a new endpoint; false when the id exists. */
  create(endpoint: WebhookEndpoint): Promise<boolean>;
  get(id: string): Promise<WebhookEndpoint | null>;
  list(): Promise<WebhookEndpoint[]>;
  /** Deletes an endpoint; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Sets the state (`active` clears the reason and the failure streak); false when there is no such endpoint. */
  setState(id: string, state: WebhookState, reason?: "gone" | "failing", at?: Date): Promise<boolean>;
  /** Records a delivered event: the streak ends. */
  recordSuccess(id: string, at: Date): Promise<void>;
  /**
   * Records a failed attempt; returns the health after it. With several processes two failures may be counted
   * as one (no atomic increment on every server): the streak is a floor, which only delays disabling.
   */
  recordFailure(id: string, at: Date, error: string): Promise<WebhookHealth | null>;
}

/** Why a URL was refused. */
export type WebhookUrlError = "invalid" | "not-https" | "private-address" | "credentials" | "too-long";

export interface UrlPolicy {
  /** `CX_WEBHOOKS_ALLOW_HTTP=1`: loopback receivers (127.0.0.1, ::1, localhost) over http or https. */
  readonly allowLoopback: boolean;
}

const MAX_URL_LENGTH = 2000;

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Whether an IP address (v4 or v6, without brackets) is one a public receiver never has: loopback, private
 * (RFC 1918, unique local), link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified.
 */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  const kind = isIP(host);
  if (kind === 4) {
    const [a = 0, b = 0] = host.split(".").map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (kind === 6) {
    if (host === "::" || host === "::1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
    if (mapped) return isPrivateAddress(mapped);
    const first = Number.parseInt(host.split(":")[0] || "0", 16);
    // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
  }
  return false;
}

/** Whether a host is the loopback interface (by name or address). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  const bare = h.replace(/^\[|\]$/g, "");
  return isIP(bare) === 4 ? bare.startsWith("127.") : bare === "::1";
}

/**
 * Checks a receiver URL: https, no user:password, and no address of the deployment's own network given
 * literally (`https://10.0.0.5/`, `https://169.254.169.254/`). With `allowLoopback`, loopback receivers are
 * accepted over http too (tests, local development). Host names are checked again when delivering, against
 * the addresses they resolve to (see `deliver.ts`).
 */
export function checkWebhookUrl(input: string, policy: UrlPolicy): Result<string, WebhookUrlError> {
  if (input.length > MAX_URL_LENGTH) return err("too-long");
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return err("invalid");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return err("invalid");
  if (url.username !== "" || url.password !== "") return err("credentials");
  if (url.hostname === "") return err("invalid");
  const loopback = isLoopback(url.hostname);
  if (loopback && policy.allowLoopback) return ok(url.toString());
  if (url.protocol !== "https:") return err("not-https");
  if (loopback || isPrivateAddress(url.hostname) || url.hostname.endsWith(".localhost"))
    return err("private-address");
  return ok(url.toString());
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `wh_` + 16 random letters and digits. */
export function newEndpointId(): string {
  const bytes = randomBytes(16);
  let id = "wh_";
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

export const ZEndpointId = z.string().regex(/^wh_[a-z0-9]{16}$/);

/** A new signing secret: 24 random bytes, hex. */
export const newSigningSecret = (): string => `whsec_${randomBytes(24).toString("hex")}`;

/** What a test delivery (`/cx webhooks test`) came to. */
export type TestDelivery =
  | { readonly ok: true; readonly status: number; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly ms: number };

/** The admin side of webhooks, as the `/cx webhooks` commands use it. */
export interface WebhookRegistry {
  add(
    url: string,
    events: readonly WebhookEventType[],
    actor: string,
  ): Promise<Result<WebhookEndpoint, WebhookUrlError>>;
  list(): Promise<WebhookEndpoint[]>;
  remove(id: string): Promise<WebhookEndpoint | null>;
  /** Makes a disabled endpoint active again (its failure streak cleared); null when there is none. */
  enable(id: string): Promise<WebhookEndpoint | null>;
  /** Sends a signed `ping` event to the endpoint now and reports what came back; null when there is none. */
  test(id: string): Promise<TestDelivery | null>;
}

export interface WebhookRegistryDeps {
  readonly store: WebhookStore;
  readonly policy: UrlPolicy;
  /** Delivers one test event (see `deliver.ts`). */
  readonly ping: (endpoint: WebhookEndpoint) => Promise<TestDelivery>;
  readonly clock?: () => Date;
  /** Told when the endpoints changed, so cached lists are read again. */
  readonly onChange?: () => void;
}

export function createWebhookRegistry(deps: WebhookRegistryDeps): WebhookRegistry {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async add(input, events, actor) {
      const url = checkWebhookUrl(input, deps.policy);
      if (!url.ok) return url;
      const chosen = events.length === 0 ? WEBHOOK_EVENTS : WEBHOOK_EVENTS.filter((e) => events.includes(e));
      for (;;) {
        const endpoint: WebhookEndpoint = {
          id: newEndpointId(),
          url: url.value,
          events: [...chosen],
          secret: newSigningSecret(),
          createdBy: actor,
          createdAt: clock(),
          state: "active",
          health: { failureStreak: 0 },
        };
        if (await store.create(endpoint)) {
          deps.onChange?.();
          return ok(endpoint);
        }
      }
    },
    list: () => store.list(),
    async remove(id) {
      const endpoint = await store.get(id);
      if (!endpoint || !(await store.remove(id))) return null;
      deps.onChange?.();
      return endpoint;
    },
    async enable(id) {
      if (!(await store.setState(id, "active", undefined, clock()))) return null;
      deps.onChange?.();
      return store.get(id);
    },
    async test(id) {
      const endpoint = await store.get(id);
      return endpoint ? deps.ping(endpoint) : null;
    },
  };
}
