import { createHash } from "node:crypto";
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

/**
 * Flows by key and version, cached in memory over a {@link FlowStore}. Versions are immutable, so the cache
 * never goes stale for a pinned version; `latest` is refreshed by `publish` and `refresh`.
 */
export class FlowRegistry {
  readonly #store: FlowStore;
  readonly #versions = new Map<string, Flow>();
  readonly #latest = new Map<string, Flow>();

  constructor(store: FlowStore) {
    this.#store = store;
  }

  /** Publishes a definition (a new version only when it changed) and makes it the latest. */
  async publish(definition: FlowDefinition, actor: string): Promise<{ flow: Flow; created: boolean }> {
    const result = await this.#store.publish(definition, flowHash(definition), actor);
    this.#remember(result.flow);
    this.#latest.set(result.flow.key, result.flow);
    return result;
  }

  async latest(key: string): Promise<Flow | null> {
    const cached = this.#latest.get(key);
    if (cached) return cached;
    const flow = await this.#store.latest(key);
    if (flow) {
      this.#remember(flow);
      this.#latest.set(key, flow);
    }
    return flow;
  }

  async get(key: string, version: number): Promise<Flow | null> {
    const cached = this.#versions.get(`${key}@${version}`);
    if (cached) return cached;
    const flow = await this.#store.get(key, version);
    if (flow) this.#remember(flow);
    return flow;
  }

  /** Keys of the flows published through this registry, sorted. */
  loadedKeys(): string[] {
    return [...this.#latest.keys()].sort();
  }

  /** Drops the cached `latest` pointers (another process may have published). */
  refresh(): void {
    this.#latest.clear();
  }

  #remember(flow: Flow): void {
    this.#versions.set(`${flow.key}@${flow.version}`, flow);
  }
}
