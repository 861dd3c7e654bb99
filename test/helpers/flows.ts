import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseFlowSource } from "../../core/flow/load.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";

const FLOWS_DIR = fileURLToPath(new URL("../../flows/", import.meta.url));

/** Every flow shipped in flows/. */
export const SHIPPED_FLOWS = ["nps", "csat", "ces", "recovery"] as const;

/** A shipped flow, read and validated the way cxbot loads it (a fresh copy on every call). */
export function shippedFlow(key: (typeof SHIPPED_FLOWS)[number]): FlowDefinition {
  const result = parseFlowSource(readFileSync(`${FLOWS_DIR}${key}.yaml`, "utf8"), `flows/${key}.yaml`);
  if (!result.ok) throw new Error(`flows/${key}.yaml does not load: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A flow written inline in a test (YAML), validated like a file. */
export function flowFrom(yaml: string): FlowDefinition {
  const result = parseFlowSource(yaml, "inline flow");
  if (!result.ok) throw new Error(`test flow does not load: ${JSON.stringify(result.error)}`);
  return result.value;
}
