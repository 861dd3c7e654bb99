import { readdir, readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { err, ok, type Result } from "../result.ts";
import { type FlowDefinition, ZFlowDefinition } from "./schema.ts";
import { formatPath, referenceProblems, validateFlow } from "./validate.ts";

/** Why a flow file was rejected: which file, where inside it, and what is wrong. */
export interface FlowFileError {
  readonly file: string;
  /** Path inside the document, e.g. `steps[2].prompt.fa`; `(root)` for the whole file. */
  readonly path: string;
  /** 1-based line of that path in the file, when known. */
  readonly line?: number;
  readonly reason: string;
}

/** `flows/nps.yaml: steps[2].prompt.fa (line 31): must not be empty` */
export function formatFlowFileError(e: FlowFileError): string {
  return `${e.file}: ${e.path}${e.line === undefined ? "" : ` (line ${e.line})`}: ${e.reason}`;
}

const MAX_FLOW_FILE_BYTES = 512 * 1024;

/** How {@link parseFlowSource} checks a file beyond the schema. */
export interface ParseFlowOptions {
  /**
   * The key the flow must have. Default: the file's name when it looks like a key (`flows/nps.yaml` → `nps`);
   * an admin's upload passes the key of the flow it replaces, whatever the attachment is called.
   */
  readonly expectedKey?: string;
  /** The yaml package's `maxAliasCount` when aliases are resolved (its default, 100, when not given). */
  readonly maxAliasCount?: number;
}

/**
 * Parses and validates one flow file's text (YAML, of which JSON is a subset). All-or-nothing:
 * either a complete, cross-checked definition or every problem found.
 */
export function parseFlowSource(
  source: string,
  file: string,
  options: ParseFlowOptions = {},
): Result<FlowDefinition, FlowFileError[]> {
  if (Buffer.byteLength(source) > MAX_FLOW_FILE_BYTES) {
    return err([{ file, path: "(root)", reason: `file is larger than ${MAX_FLOW_FILE_BYTES / 1024} KiB` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        file,
        path: "(root)",
        line: lineCounter.linePos(e.pos[0]).line,
        reason: `not valid YAML/JSON: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(
        path.slice(0, n).filter((p): p is string | number => typeof p !== "symbol"),
        true,
      );
      if (node && (isMap(node) || isSeq(node) || typeof node === "object") && "range" in node) {
        const range = (node as { range?: [number, number, number] | null }).range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
    }
    return undefined;
  };
  let data: unknown;
  try {
    data = doc.toJS(options.maxAliasCount === undefined ? {} : { maxAliasCount: options.maxAliasCount });
  } catch (e) {
    // The yaml package refuses to expand an alias bomb ("billion laughs") with a ReferenceError.
    if (!(e instanceof ReferenceError)) throw e;
    return err([{ file, path: "(root)", reason: `too many YAML aliases: ${e.message}` }]);
  }
  const parsed = ZFlowDefinition.safeParse(data);
  if (!parsed.success) {
    const shape = parsed.error.issues.map((issue) => ({
      file,
      path: formatPath(issue.path),
      line: lineOf(issue.path),
      reason: issue.message,
    }));
    // Broken references too, so one round of fixes is enough (when the schema did not already flag that spot).
    const flagged = new Set(shape.map((e) => e.path));
    const references = referenceProblems(data)
      .map((p) => ({ file, path: formatPath(p.path), line: lineOf(p.path), reason: p.message }))
      .filter((e) => !flagged.has(e.path));
    return err([...shape, ...references]);
  }
  const problems = validateFlow(parsed.data);
  if (problems.length > 0) {
    return err(
      problems.map((p) => ({ file, path: formatPath(p.path), line: lineOf(p.path), reason: p.message })),
    );
  }
  const fileKey = basename(file, extname(file));
  if (options.expectedKey !== undefined && options.expectedKey !== parsed.data.key) {
    return err([
      {
        file,
        path: "key",
        line: lineOf(["key"]),
        reason: `key "${parsed.data.key}" must be "${options.expectedKey}", the flow this file replaces`,
      },
    ]);
  }
  if (options.expectedKey === undefined && /^[a-z0-9-]+$/.test(fileKey) && fileKey !== parsed.data.key) {
    return err([
      {
        file,
        path: "key",
        line: lineOf(["key"]),
        reason: `key "${parsed.data.key}" must match the file name "${fileKey}"`,
      },
    ]);
  }
  return ok(parsed.data);
}

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` file in a directory. A bad file is reported and not loaded;
 * the good ones still load, so one typo does not take every survey down.
 */
export async function loadFlowDirectory(
  dir: string,
): Promise<{ flows: FlowDefinition[]; errors: FlowFileError[] }> {
  const names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort();
  const flows: FlowDefinition[] = [];
  const errors: FlowFileError[] = [];
  const keys = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const result = parseFlowSource(await readFile(file, "utf8"), file);
    if (!result.ok) {
      errors.push(...result.error);
      continue;
    }
    const other = keys.get(result.value.key);
    if (other !== undefined) {
      errors.push({ file, path: "key", reason: `key "${result.value.key}" is already defined in ${other}` });
      continue;
    }
    keys.set(result.value.key, file);
    flows.push(result.value);
  }
  return { flows, errors };
}
