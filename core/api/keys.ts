import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { BoundedMap } from "../bounded-map.ts";

/**
 * API keys: created, listed and revoked by admins (`/cx keys …`), presented as `Authorization: Bearer <key>`.
 * Only a key's SHA-256 is stored (a key has 256 random bits, so a fast hash is enough: nothing to brute-force),
 * and the key itself is shown once, when created. A key names its own record (`cxk_<id>_<secret>`), so checking
 * one is a single read by `_id` and a constant-time comparison of the hashes.
 */

/** An API key as stored: never the key itself. */
export interface ApiKeyRecord {
  /** `key_` + 10 characters; the record's `_id`. Keys from `CX_API_KEY` get `env_` + 16 hex digits. */
  readonly id: string;
  readonly name: string;
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  /** The key's first characters, to recognise it in a list (`cxk_ab12cd34ef_…`). */
  readonly hint: string;
  readonly createdAt: Date;
  /** `platform:userId` of the admin, or `env` for `CX_API_KEY`. */
  readonly createdBy: string;
  readonly revokedAt?: Date;
  readonly revokedBy?: string;
}

/** Where API keys are kept (`storage/api-store.ts`). */
export interface ApiKeyStore {
  /** Inserts a new record; `exists` when one with that id is already stored (it is left as it is). */
  insert(record: ApiKeyRecord): Promise<"ok" | "exists">;
  get(id: string): Promise<ApiKeyRecord | null>;
  /** Every record, newest first. */
  list(): Promise<readonly ApiKeyRecord[]>;
  /** Marks a record revoked; false when there is none. */
  revoke(id: string, by: string, at: Date): Promise<boolean>;
}

export interface ApiKeys {
  /** Makes a key; the returned `key` is the only time it is seen. */
  create(name: string, by: string): Promise<{ readonly key: string; readonly record: ApiKeyRecord }>;
  list(): Promise<readonly ApiKeyRecord[]>;
  revoke(id: string, by: string): Promise<"revoked" | "already-revoked" | "not-found">;
  /** The live record a presented key belongs to; null for a missing, unknown or revoked key. */
  verify(presented: string | undefined): Promise<ApiKeyRecord | null>;
  /** Stores `CX_API_KEY` hashed, unless it is stored already (so a revoked one stays revoked). */
  ensure(key: string, name: string): Promise<ApiKeyRecord>;
}

export const API_KEY_PREFIX = "cxk_";
const KEY_PATTERN = /^cxk_([a-z2-7]{10})_([A-Za-z0-9_-]{43})$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
/** A verified key is trusted this long before it is read again: a revocation elsewhere shows within it. */
const CACHE_MS = 5_000;

export const ZApiKeyName = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,59}$/u;

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

function base32(bytes: Buffer): string {
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

/** The record id a key names: its own for `cxk_` keys, else one derived from its hash (`CX_API_KEY`). */
export function keyIdOf(presented: string): string {
  const m = KEY_PATTERN.exec(presented);
  return m ? `key_${m[1]}` : `env_${sha256(presented).slice(0, 16)}`;
}

/** A new random key and the id it names. */
export function generateKey(): { readonly id: string; readonly key: string } {
  const idPart = base32(randomBytes(10));
  const secret = randomBytes(32).toString("base64url");
  return { id: `key_${idPart}`, key: `${API_KEY_PREFIX}${idPart}_${secret}` };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createApiKeys(store: ApiKeyStore, clock: () => Date = () => new Date()): ApiKeys {
  const cache = new BoundedMap<string, { record: ApiKeyRecord; at: number }>(1000);
  return {
    async create(name, by) {
      for (;;) {
        const { id, key } = generateKey();
        const record: ApiKeyRecord = {
          id,
          name,
          hash: sha256(key),
          hint: `${key.slice(0, API_KEY_PREFIX.length + 11)}…`,
          createdAt: clock(),
          createdBy: by,
        };
        // 50 random bits of id: a clash is all but impossible, and then another key is drawn.
        if ((await store.insert(record)) === "ok") return { key, record };
      }
    },
    list: () => store.list(),
    async revoke(id, by) {
      const record = await store.get(id);
      if (!record) return "not-found";
      if (record.revokedAt) return "already-revoked";
      await store.revoke(id, by, clock());
      for (const [hash, entry] of cache) if (entry.record.id === id) cache.delete(hash);
      return "revoked";
    },
    async verify(presented) {
      if (presented === undefined || presented.length < 16 || presented.length > 512) return null;
      const hash = sha256(presented);
      const cached = cache.get(hash);
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.record;
      const record = await store.get(keyIdOf(presented));
      if (!record || record.revokedAt || !sameHash(record.hash, hash)) {
        cache.delete(hash);
        return null;
      }
      cache.set(hash, { record, at: Date.now() });
      return record;
    },
    async ensure(key, name) {
      const record: ApiKeyRecord = {
        id: keyIdOf(key),
        name,
        hash: sha256(key),
        hint: `${key.slice(0, 6)}…`,
        createdAt: clock(),
        createdBy: "env",
      };
      if ((await store.insert(record)) === "ok") return record;
      return (await store.get(record.id)) ?? record;
    },
  };
}
