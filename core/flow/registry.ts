import { createHash } from "node:crypto";
import type { AdminStore, FlowControl } from "../admin/types.ts";
import type { FlowStore } from "../ports.ts";
import type { Flow, FlowDefinition } from "./schema.ts";

/** A stable content hash of a definition: key order does not matter. */
export function flowHash(definition: FlowDefinition): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(definition)))
    .digest("hex")
    .slice(0, 16);
}

/** Why a flow cannot be started: no such flow (or never published), or an admin disabled it. */
export type Startable = { readonly flow: Flow } | { readonly reason: "unknown" | "disabled" };

/**
 * Flows by key and version, cached in memory over a {@link FlowStore}. Versions are immutable, so the cache
 * never goes stale for a pinned version. Which version is live, and whether a flow may be started, is in each
 * flow's control record ({@link AdminStore}): read at start, after every change made through this registry,
 * and every `syncMs` by {@link startSync}, so a publish in another process is live here within that time.
 */
export class FlowRegistry {
  readonly #store: FlowStore;
  readonly #controls: AdminStore | undefined;
  readonly #versions = new Map<string, Flow>();
  /** Live version and state by key, from the control records. */
  #live = new Map<string, { readonly version: number; readonly enabled: boolean }>();
  #timer: NodeJS.Timeout | undefined;

  /** Without `controls`, the newest published version is live (tools and tests that need no admin state). */
  constructor(store: FlowStore, controls?: AdminStore) {
    this.#store = store;
    this.#controls = controls;
  }

  /**
   * Stores a definition (a new version only when it changed). With control records it is not made live (that
   * is the control record's job); without them (tools, tests) the newest stored version is live at once.
   */
  async store(definition: FlowDefinition, actor: string): Promise<{ flow: Flow; created: boolean }> {
    const result = await this.#store.publish(definition, flowHash(definition), actor);
    this.#remember(result.flow);
    if (!this.#controls) this.#live.set(result.flow.key, { version: result.flow.version, enabled: true });
    return result;
  }

  /** The live version of a flow, disabled or not; null when there is none. */
  async latest(key: string): Promise<Flow | null> {
    const live = this.#live.get(key) ?? (await this.#read(key));
    if (!live || live.version < 1) return null;
    return this.get(key, live.version);
  }

  /** The live version when it may be started. */
  async startable(key: string): Promise<Startable> {
    const live = this.#live.get(key) ?? (await this.#read(key));
    if (!live || live.version < 1) return { reason: "unknown" };
    if (!live.enabled) return { reason: "disabled" };
    const flow = await this.get(key, live.version);
    return flow ? { flow } : { reason: "unknown" };
  }

  async get(key: string, version: number): Promise<Flow | null> {
    const cached = this.#versions.get(`${key}@${version}`);
    if (cached) return cached;
    const flow = await this.#store.get(key, version);
    if (flow) this.#remember(flow);
    return flow;
  }

  /** Keys of the flows with a live version, sorted (as of the last sync). */
  loadedKeys(): string[] {
    return [...this.#live.entries()]
      .filter(([, l]) => l.version >= 1)
      .map(([k]) => k)
      .sort();
  }

  /** Takes a control record saved by this process into account at once. */
  applied(control: FlowControl): void {
    this.#live.set(control.key, { version: control.live, enabled: control.enabled });
  }

  /** Reads the control records of flows this registry has not seen yet (those created by admins), at start. */
  async syncMissing(): Promise<void> {
    const controls = this.#controls;
    if (!controls) return this.sync();
    const missing = (await controls.controlKeys()).filter((k) => !this.#live.has(k));
    for (const c of await Promise.all(missing.map((k) => controls.control(k))))
      if (c) this.#live.set(c.key, { version: c.live, enabled: c.enabled });
  }

  /** Reads every control record again (another process may have published, rolled back or disabled). */
  async sync(): Promise<void> {
    const controls = this.#controls;
    if (!controls) {
      const keys = await this.#store.keys();
      const next = new Map<string, { version: number; enabled: boolean }>();
      for (const key of keys) {
        const flow = await this.#store.latest(key);
        if (flow) {
          this.#remember(flow);
          next.set(key, { version: flow.version, enabled: true });
        }
      }
      this.#live = next;
      return;
    }
    const keys = await controls.controlKeys();
    const records = await Promise.all(keys.map((k) => controls.control(k)));
    const next = new Map<string, { version: number; enabled: boolean }>();
    for (const c of records) if (c) next.set(c.key, { version: c.live, enabled: c.enabled });
    this.#live = next;
  }

  /** Syncs every `ms` until {@link stopSync}; a failed sync is reported and retried at the next tick. */
  startSync(ms: number, onError: (error: unknown) => void): void {
    this.stopSync();
    this.#timer = setInterval(() => {
      this.sync().catch(onError);
    }, ms);
    this.#timer.unref();
  }

  stopSync(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Drops the live pointers (read again on next use). */
  refresh(): void {
    this.#live.clear();
  }

  async #read(key: string): Promise<{ version: number; enabled: boolean } | undefined> {
    if (!this.#controls) {
      const flow = await this.#store.latest(key);
      if (!flow) return undefined;
      this.#remember(flow);
      const live = { version: flow.version, enabled: true };
      this.#live.set(key, live);
      return live;
    }
    const control = await this.#controls.control(key);
    if (!control) return undefined;
    const live = { version: control.live, enabled: control.enabled };
    this.#live.set(key, live);
    return live;
  }

  #remember(flow: Flow): void {
    this.#versions.set(`${flow.key}@${flow.version}`, flow);
  }
}
