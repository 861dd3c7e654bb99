import { type FlowRegistry, flowHash } from "../flow/registry.ts";
import type { Flow, FlowDefinition } from "../flow/schema.ts";
import type { AuditLog } from "../ports.ts";
import type { AdminStore, FlowControl } from "./types.ts";

/** What seeding did with one file's flow. */
export type SeedOutcome =
  | { readonly key: string; readonly action: "created" | "updated"; readonly flow: Flow }
  | { readonly key: string; readonly action: "unchanged"; readonly version: number }
  /** The file changed after an admin took the flow over: the database's live version is kept. */
  | { readonly key: string; readonly action: "kept-database"; readonly version: number };

export interface SeedOptions {
  readonly registry: FlowRegistry;
  readonly admin: AdminStore;
  readonly audit: AuditLog;
  /** Keys whose file wins this once even after an admin's changes (`CX_RESEED_FLOWS`); `*` for all. */
  readonly reseed: readonly string[];
  readonly now: () => Date;
}

const ACTOR = "system:flows-dir";

/**
 * The files in `flows/` seed the database: a flow seen for the first time is stored and made live. After
 * that the database holds the flow. A file that changed later is published as a new live version only while
 * no admin has changed the flow (published, rolled back, imported); once one has, the database wins and the
 * file is ignored (reported as `kept-database`) unless its key is in `reseed`.
 */
export async function seedFlows(
  definitions: readonly FlowDefinition[],
  options: SeedOptions,
): Promise<SeedOutcome[]> {
  return Promise.all(definitions.map((d) => seedOne(d, options)));
}

async function seedOne(definition: FlowDefinition, options: SeedOptions): Promise<SeedOutcome> {
  const { admin, registry } = options;
  const hash = flowHash(definition);
  const forced = options.reseed.includes("*") || options.reseed.includes(definition.key);
  for (let attempt = 0; ; attempt++) {
    const control = await admin.control(definition.key);
    if (control && control.seededHash === hash && !forced) {
      registry.applied(control);
      return { key: definition.key, action: "unchanged", version: control.live };
    }
    if (control?.adminOwned && !forced) {
      registry.applied(control);
      return { key: definition.key, action: "kept-database", version: control.live };
    }
    const { flow } = await registry.store(definition, ACTOR);
    const at = options.now().toISOString();
    const next: FlowControl = control
      ? {
          ...control,
          rev: control.rev + 1,
          live: flow.version,
          seededHash: hash,
          adminOwned: false,
          updatedBy: ACTOR,
          updatedAt: at,
        }
      : {
          key: definition.key,
          rev: 1,
          live: flow.version,
          enabled: true,
          seededHash: hash,
          adminOwned: false,
          updatedBy: ACTOR,
          updatedAt: at,
        };
    const saved = await admin.saveControl(next, control?.rev ?? 0);
    if (saved === "conflict") {
      // Another process seeding the same files at the same time: read what it saved and decide again.
      if (attempt < 5) continue;
      throw new Error(`could not seed flow ${definition.key}: its control record keeps changing`);
    }
    registry.applied(next);
    if (control?.live !== flow.version) {
      await options.audit.record({
        at: options.now(),
        actor: ACTOR,
        action: control ? "flow.seed-update" : "flow.seed",
        target: `${flow.key}@${flow.version}`,
        flow: flow.key,
        detail: { version: flow.version, ...(control ? { before: control.live } : {}) },
      });
    }
    return { key: definition.key, action: control ? "updated" : "created", flow };
  }
}
