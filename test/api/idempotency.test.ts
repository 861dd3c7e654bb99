import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIdempotent } from "../../core/api/idempotency.ts";
import { type ApiStores, createApiStores } from "../../storage/api-store.ts";
import { connectTestDb, type TestDb } from "../helpers/db.ts";

/** Idempotency-Key's store on the real database: claims, replays, failures and abandoned claims. */
describe("idempotent calls", () => {
  let db: TestDb;
  let stores: ApiStores;
  beforeAll(async () => {
    db = await connectTestDb("idempotency");
    stores = await createApiStores(db.connection);
  });
  afterAll(() => db.drop());

  const call = (
    key: string,
    body: string,
    now = new Date(),
    work = async () => ({ status: 202, body: body }),
  ) => runIdempotent(stores.idempotency, { scope: "key_a POST /x", key, body: Buffer.from(body), now }, work);

  it("runs once, then replays; another body is a mismatch; another scope is another call", async () => {
    let runs = 0;
    const work = async () => ({ status: 202, body: `run ${++runs}` });
    expect(await call("k1", "{}", new Date(), work)).toEqual({ kind: "fresh", status: 202, body: "run 1" });
    expect(await call("k1", "{}", new Date(), work)).toEqual({
      kind: "replayed",
      status: 202,
      body: "run 1",
    });
    expect(await call("k1", '{"a":1}', new Date(), work)).toEqual({ kind: "mismatch" });
    const other = await runIdempotent(
      stores.idempotency,
      { scope: "key_b POST /x", key: "k1", body: Buffer.from("{}"), now: new Date() },
      work,
    );
    expect(other).toMatchObject({ kind: "fresh", body: "run 2" });
  });

  it("forgets a claim whose work failed, so a retry runs it", async () => {
    await expect(
      call("k2", "{}", new Date(), async () => {
        throw new Error("database down");
      }),
    ).rejects.toThrow("database down");
    expect(await call("k2", "{}")).toMatchObject({ kind: "fresh" });
  });

  it("says in-progress while the first call runs, and takes over a claim abandoned for a minute", async () => {
    const now = new Date();
    expect(await stores.idempotency.claim({ id: "x", bodyHash: "h", state: "pending", createdAt: now })).toBe(
      "claimed",
    );
    let release: () => void = () => {};
    const slow = call(
      "k3",
      "{}",
      now,
      () => new Promise((r) => (release = () => r({ status: 202, body: "slow" }))),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(await call("k3", "{}", now)).toEqual({ kind: "in-progress" });
    // A minute later the holder counts as dead: the call runs again.
    expect(await call("k3", "{}", new Date(now.getTime() + 61_000))).toMatchObject({ kind: "fresh" });
    release();
    expect(await slow).toMatchObject({ kind: "fresh", body: "slow" });
  });

  it("prunes records older than the retention", async () => {
    await call("old", "{}", new Date(Date.now() - 2 * 86_400_000));
    expect(await stores.idempotency.prune(new Date(Date.now() - 86_400_000))).toBe(2);
    expect(await call("old", "{}")).toMatchObject({ kind: "fresh" });
  });
});
