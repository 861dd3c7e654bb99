import type { FlowDefinition } from "../flow/schema.ts";
import { cutText } from "../text/cut.ts";
import { inReadingOrder } from "./order.ts";

/** One difference between two versions of a flow. */
export interface DiffLine {
  /** Where: `steps.score.prompt.fa`, `steps.contact.options.yes.label.tr`, `alerts.low-score.when.max`, `title.en`. */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  /** The old value (absent for `added`), as a short string: text as is, anything else as JSON, at most 200 characters. */
  readonly before?: string;
  /** The new value (absent for `removed`). */
  readonly after?: string;
}

const MAX_VALUE = 200;

type Fields = Readonly<Record<string, unknown>>;
type WithId = Fields & { readonly id: string };

const isFields = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const hasId = (v: unknown): v is WithId => isFields(v) && typeof v.id === "string";

/** A list whose items all have distinct string ids (steps, options, alert rules): matched by id, not position. */
function isIdList(v: unknown): v is readonly WithId[] {
  if (!Array.isArray(v) || !v.every(hasId)) return false;
  return new Set(v.map((item) => item.id)).size === v.length;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => same(item, b[i]));
  if (isFields(a) && isFields(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length &&
      keys.every((k) => same(a[k], b[k]))
    );
  }
  return false;
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return cutText(text, MAX_VALUE, { ellipsis: true });
}

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/** The ids of `before` that keep their relative order in `after` (a longest common subsequence). */
function unmoved(before: readonly string[], after: readonly string[]): Set<string> {
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const a = before.filter((id) => inAfter.has(id));
  const b = after.filter((id) => inBefore.has(id));
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => lengths[i]?.[j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return kept;
}

function diffIdLists(
  path: string,
  before: readonly WithId[],
  after: readonly WithId[],
  out: DiffLine[],
): void {
  const beforeIds = before.map((item) => item.id);
  const afterIds = after.map((item) => item.id);
  const old = new Map(before.map((item, i) => [item.id, { item, i }]));
  const now = new Set(afterIds);
  const kept = unmoved(beforeIds, afterIds);
  // A removed item is shown after the nearest item before it that is still there (or first).
  const removedAfter = new Map<string | null, WithId[]>();
  let anchor: string | null = null;
  for (const item of before) {
    if (now.has(item.id)) anchor = item.id;
    else removedAfter.set(anchor, [...(removedAfter.get(anchor) ?? []), item]);
  }
  const removed = (key: string | null): void => {
    for (const item of removedAfter.get(key) ?? [])
      out.push({ path: join(path, item.id), kind: "removed", before: show(item) });
  };
  removed(null);
  after.forEach((item, j) => {
    const at = join(path, item.id);
    const previous = old.get(item.id);
    if (previous === undefined) out.push({ path: at, kind: "added", after: show(item) });
    else {
      if (!kept.has(item.id))
        out.push({
          path: at,
          kind: "changed",
          before: `position ${previous.i + 1}`,
          after: `position ${j + 1}`,
        });
      diffValue(at, previous.item, item, out);
    }
    removed(item.id);
  });
}

function diffValue(path: string, before: unknown, after: unknown, out: DiffLine[]): void {
  if (same(before, after)) return;
  if (before === undefined) {
    out.push({ path, kind: "added", after: show(after) });
    return;
  }
  if (after === undefined) {
    out.push({ path, kind: "removed", before: show(before) });
    return;
  }
  if (isIdList(before) && isIdList(after)) {
    diffIdLists(path, before, after, out);
    return;
  }
  if (isFields(before) && isFields(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const key of inReadingOrder(keys)) diffValue(join(path, key), before[key], after[key], out);
    return;
  }
  out.push({ path, kind: "changed", before: show(before), after: show(after) });
}

/**
 * A readable structural diff. Steps, options and alert rules are matched by id (not array index), so a
 * reordering or an inserted step does not show every later step as changed; paths read like
 * "steps.score.prompt.fa", "steps.contact.options.yes.label.tr", "alerts.low-score.when.max", "title.en",
 * "idleMinutes". A step (option, rule) that moved relative to the others is one line ("steps.x" changed, before
 * "position 2", after "position 3"); lists without ids (`fallback`, `next`) change as a whole. In flow order;
 * empty when the flows are equal.
 */
export function diffFlows(before: FlowDefinition, after: FlowDefinition): DiffLine[] {
  const out: DiffLine[] = [];
  diffValue("", before, after, out);
  return out;
}
