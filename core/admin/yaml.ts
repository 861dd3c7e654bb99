import {
  CST,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  parseDocument,
  visit,
} from "yaml";
import { type FlowFileError, parseFlowSource } from "../flow/load.ts";
import type { FlowDefinition } from "../flow/schema.ts";
import { formatPath } from "../flow/validate.ts";
import { LOCALES } from "../locale.ts";
import { err, ok, type Result } from "../result.ts";
import { cutText } from "../text/cut.ts";
import { inReadingOrder } from "./order.ts";

/**
 * Flow files for admins: `/cx export` writes the definition as YAML to edit in any editor, `/cx import` reads it
 * back. An uploaded file is hostile until proven otherwise, so the import checks its size and shape (nesting,
 * node and alias counts, key names) before anything turns it into objects, then validates it like a file in
 * `flows/`.
 */

/** The version an exported file was made from: a live version, and the draft edit on top of it (0: none). */
export interface FlowBase {
  readonly version: number;
  readonly edits: number;
}

const MAX_IMPORT_BYTES = 256 * 1024;
const MAX_DEPTH = 24;
const MAX_NODES = 20_000;
/** A flow needs no aliases; a few are allowed for an admin who reuses a label. Expanded aliases count each time. */
const MAX_ALIASES = 16;
const MAX_ERRORS = 20;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const BASE_LINE = /^#\s*cxbot-base:(.*)$/;

/** Fields whose value is written on one line (`[en]`, `{ en: Yes, fa: بله }`), the way the shipped files are. */
const FLOW_STYLE = new Set(["fallback", "followUp", "when", "label"]);

/** A plain copy of `value` with every object's keys in reading order (see order.ts). */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value !== "object" || value === null) return value;
  const fields = value as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of inReadingOrder(Object.keys(fields)))
    if (fields[key] !== undefined) out[key] = ordered(fields[key]);
  return out;
}

/** One line of a comment, whatever the text holds. */
const commentText = (text: string): string =>
  cutText(text.replace(/\s+/g, " ").trim(), 100, { ellipsis: true });

/**
 * The definition as a YAML file an admin can edit: a comment header naming the flow and the version and draft
 * edit it was exported from, with the machine-readable line `# cxbot-base: <version>.<edits>` (edits 0 = the
 * live version itself), so an import can tell that someone else changed the flow meanwhile. Every field is
 * written, defaults included, in reading order: `importFlowYaml(exportFlowYaml(d))` gives back `d`.
 */
export function exportFlowYaml(def: FlowDefinition, base: FlowBase): string {
  const title = LOCALES.map((l) => def.title[l]).find((t) => t !== undefined) ?? def.key;
  const from =
    base.edits === 0
      ? `Exported from live version ${base.version}.`
      : `Exported from live version ${base.version} with draft edit ${base.edits}.`;
  // `compat: yaml-1.1` quotes what older YAML readers would misread (yes, no, on, off).
  const doc = new Document(ordered(def), { compat: "yaml-1.1", aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` cxbot flow "${def.key}": ${commentText(title)}`,
    ` ${from}`,
    ` Edit it and send it back with /cx import ${def.key}. Keep the cxbot-base line: it tells cxbot`,
    " which version you edited, so nobody's changes are overwritten unnoticed.",
    ` cxbot-base: ${base.version}.${base.edits}`,
  ].join("\n");
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key === "string" && FLOW_STYLE.has(key) && (isMap(pair.value) || isSeq(pair.value)))
        pair.value.flow = true;
    },
  });
  // A blank line before the steps, the alerts and each step after the first, like the files in flows/.
  if (isMap(doc.contents))
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if ((key === "steps" || key === "alerts") && isScalar(pair.key)) pair.key.spaceBefore = true;
      if (key === "steps" && isSeq(pair.value))
        pair.value.items.forEach((step, i) => {
          if (i > 0 && isMap(step)) step.spaceBefore = true;
        });
    }
  return doc.toString({ lineWidth: 0 });
}

/** Reads the `# cxbot-base:` line from the file's leading comment, if there is one. */
function readBase(source: string, file: string): Result<FlowBase | undefined, FlowFileError> {
  const lines = source.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const text = line.trim();
    if (text !== "" && !text.startsWith("#")) break;
    const match = BASE_LINE.exec(text);
    if (!match) continue;
    const value = /^\s*(\d{1,9})\.(\d{1,9})\s*$/.exec(match[1] ?? "");
    const version = Number(value?.[1]);
    const edits = Number(value?.[2]);
    if (!value || version < 1)
      return err({
        file,
        path: "(root)",
        line: i + 1,
        reason: "the cxbot-base line must read `# cxbot-base: <version>.<edits>`, as exported",
      });
    return ok({ version, edits });
  }
  return ok(undefined);
}

/** The first place nesting goes deeper than MAX_DEPTH, found in the parser's token tree (no recursion). */
function tooDeep(source: string, file: string): FlowFileError | undefined {
  const lineCounter = new LineCounter();
  for (const token of new Parser(lineCounter.addNewLine).parse(source)) {
    if (token.type !== "document") continue;
    let found: FlowFileError | undefined;
    CST.visit(token, (_item, path) => {
      if (path.length <= MAX_DEPTH) return undefined;
      // The item is in a collection nested MAX_DEPTH + 1 deep: report that collection, by its keys and indexes.
      const readable: (string | number)[] = [];
      for (let n = 1; n < path.length; n++) {
        const step = path.slice(0, n);
        const parent = CST.visit.parentCollection(token, step);
        const at = CST.visit.itemAtPath(token, step);
        const isMapping =
          parent.type === "block-map" || (parent.type === "flow-collection" && parent.start.source === "{");
        const key = at?.key ? CST.resolveAsScalar(at.key)?.value : undefined;
        readable.push(isMapping ? (key ?? "?") : (step.at(-1)?.[1] ?? 0));
      }
      const offset = CST.visit.parentCollection(token, path).offset;
      found = {
        file,
        path: formatPath(readable),
        line: lineCounter.linePos(offset).line,
        reason: `nesting is deeper than ${MAX_DEPTH} levels`,
      };
      return CST.visit.BREAK;
    });
    if (found) return found;
  }
  return undefined;
}

/** Counts nodes and aliases (expanded where they are used) and checks every mapping key. */
function checkShape(source: string, file: string): FlowFileError[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0)
    return doc.errors.slice(0, MAX_ERRORS).map((e) => ({
      file,
      path: "(root)",
      line: lineCounter.linePos(e.pos[0]).line,
      reason: `not valid YAML/JSON: ${e.message.split("\n")[0]}`,
    }));
  const errors: FlowFileError[] = [];
  const keysChecked = new Set<Node>();
  let nodes = 0;
  let aliases = 0;
  let stop = false;
  const fail = (path: readonly (string | number)[], node: Node | null | undefined, reason: string): void => {
    const offset = node?.range?.[0];
    errors.push({
      file,
      path: formatPath(path),
      ...(offset === undefined ? {} : { line: lineCounter.linePos(offset).line }),
      reason,
    });
    if (errors.length >= MAX_ERRORS) stop = true;
  };
  const walk = (node: unknown, path: readonly (string | number)[], depth: number): void => {
    if (stop || node === null || node === undefined) return;
    if (++nodes > MAX_NODES) {
      fail(
        path,
        isScalar(node) || isMap(node) || isSeq(node) ? node : undefined,
        `more than ${MAX_NODES} nodes`,
      );
      stop = true;
      return;
    }
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) {
        fail(path, node, `more than ${MAX_ALIASES} YAML aliases (*${node.source})`);
        stop = true;
        return;
      }
      walk(node.resolve(doc), path, depth);
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (depth > MAX_DEPTH) {
      fail(path, node, `nesting is deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i], depth + 1);
      return;
    }
    for (const pair of node.items) {
      if (stop) return;
      if (!isPair(pair)) continue;
      const keyNode = isScalar(pair.key) || isAlias(pair.key) ? pair.key : null;
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) {
        fail(path, keyNode ?? node, "a mapping key must be plain text");
        continue;
      }
      const at = [...path, key];
      if (isScalar(pair.key) && !keysChecked.has(pair.key)) {
        keysChecked.add(pair.key);
        nodes++;
        if (FORBIDDEN_KEYS.has(key)) fail(at, pair.key, `the key "${key}" is not allowed`);
        else if (key.startsWith("$")) fail(at, pair.key, `a key must not start with "$"`);
        else if (key.includes(".")) fail(at, pair.key, `a key must not contain "."`);
      }
      walk(pair.value, at, depth + 1);
    }
  };
  walk(doc.contents, [], 1);
  return errors;
}

/**
 * Reads an edited flow file. All-or-nothing: the definition, or every problem with its path, line and reason.
 * Before validation it refuses files over 256 KiB, nesting deeper than 24, more than 20,000 nodes, more than a
 * few YAML aliases, and the mapping keys `__proto__`, `constructor`, `prototype` or any starting with "$" or
 * containing "." (each with its path). The `# cxbot-base:` line is optional (absent: `base` undefined). A flow
 * whose key is not `expectedKey` is refused at path "key".
 */
export function importFlowYaml(
  source: string,
  file: string,
  expectedKey: string,
): Result<{ readonly definition: FlowDefinition; readonly base?: FlowBase }, FlowFileError[]> {
  if (Buffer.byteLength(source) > MAX_IMPORT_BYTES)
    return err([{ file, path: "(root)", reason: `the file is larger than ${MAX_IMPORT_BYTES / 1024} KiB` }]);
  const base = readBase(source, file);
  const problems = base.ok ? [] : [base.error];
  // Deep nesting is found before parsing into nodes: the yaml package composes nested nodes recursively.
  const deep = tooDeep(source, file);
  if (deep !== undefined) return err([...problems, deep]);
  const shape = checkShape(source, file);
  if (shape.length > 0) return err([...problems, ...shape]);
  const parsed = parseFlowSource(source, file, { expectedKey, maxAliasCount: MAX_ALIASES });
  if (!parsed.ok) return err([...problems, ...parsed.error]);
  if (!base.ok) return err(problems);
  return ok(
    base.value === undefined ? { definition: parsed.value } : { definition: parsed.value, base: base.value },
  );
}
