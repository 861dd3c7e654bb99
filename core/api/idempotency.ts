import { createHash } from "node:crypto";

/**
 * `Idempotency-Key`: a client that retries a call with the same key gets the first call's answer again and
 * nothing is created twice. The first call claims the key by inserting its record (a unique `_id` insert, the
 * one atomic step on every database cxbot runs on); whoever loses the insert reads the winner's record.
 */

export interface IdempotencyRecord {
  /** SHA-256 of the scope (API key, method, path) and the client's key. */
  readonly id: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  readonly bodyHash: string;
  readonly state: "pending" | "done";
  /** The first answer, once there is one. */
  readonly status?: number;
  readonly body?: string;
  readonly createdAt: Date;
}

export interface IdempotencyStore {
  /** Inserts a pending record; when the id is taken, the record that holds it. */
  claim(record: IdempotencyRecord): Promise<"claimed" | IdempotencyRecord>;
  /** Keeps the first answer (the claim's holder calls it once). */
  complete(record: IdempotencyRecord & { readonly status: number; readonly body: string }): Promise<void>;
  /** Forgets a claim (the call failed before it changed anything, or its holder died). */
  release(id: string): Promise<void>;
  /** Forgets records older than `before`; how many. */
  prune(before: Date): Promise<number>;
}

export type IdempotentOutcome =
  | { readonly kind: "fresh" | "replayed"; readonly status: number; readonly body: string }
  /** The key was used with another body. */
  | { readonly kind: "mismatch" }
  /** The first call with this key is still running. */
  | { readonly kind: "in-progress" };

/** How long keys are remembered. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;
/** A claim left pending this long belongs to a process that died: it is taken over. */
const ABANDONED_MS = 60_000;

export const hashOf = (...parts: readonly (string | Buffer)[]): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? `${p.length}:${p}` : p);
  return h.digest("hex");
};

/**
 * Runs `work` once per `(scope, key)`: a retry with the same body replays the stored answer, one with another
 * body is a mismatch. When `work` throws, the claim is released so a retry can run it again.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  request: { readonly scope: string; readonly key: string; readonly body: Buffer; readonly now: Date },
  work: () => Promise<{ readonly status: number; readonly body: string }>,
): Promise<IdempotentOutcome> {
  const id = hashOf(request.scope, request.key);
  const bodyHash = hashOf(request.body);
  for (let attempt = 0; attempt < 2; attempt++) {
    const claim = { id, bodyHash, state: "pending", createdAt: request.now } as const;
    const claimed = await store.claim(claim);
    if (claimed === "claimed") {
      let answer: { readonly status: number; readonly body: string };
      try {
        answer = await work();
      } catch (error) {
        await store.release(id).catch(() => {});
        throw error;
      }
      await store.complete({ ...claim, state: "done", status: answer.status, body: answer.body });
      return { kind: "fresh", ...answer };
    }
    if (claimed.bodyHash !== bodyHash) return { kind: "mismatch" };
    if (claimed.state === "done" && claimed.status !== undefined && claimed.body !== undefined)
      return { kind: "replayed", status: claimed.status, body: claimed.body };
    if (request.now.getTime() - claimed.createdAt.getTime() < ABANDONED_MS) return { kind: "in-progress" };
    // Abandoned: forget it and claim again (if two take it over at once, the insert lets one win).
    await store.release(id);
  }
  return { kind: "in-progress" };
}
