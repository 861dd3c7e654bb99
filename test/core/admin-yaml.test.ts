import { describe, expect, it } from "vitest";
import { setRoute, setText } from "../../core/admin/edit.ts";
import { exportFlowYaml, importFlowYaml } from "../../core/admin/yaml.ts";
import { type FlowFileError, parseFlowSource } from "../../core/flow/load.ts";
import type { FlowDefinition } from "../../core/flow/schema.ts";
import { SHIPPED_FLOWS, shippedFlow } from "../helpers/flows.ts";

const FILE = "nps-edited.yaml";

/** The nps flow as exported from live version 3, draft edit 2. */
const npsFile = (): string => exportFlowYaml(shippedFlow("nps"), { version: 3, edits: 2 });

/** `source` with `from` replaced by `to`; fails loudly if `from` is not there, so a case never tests nothing. */
function broken(source: string, from: string, to: string): string {
  if (!source.includes(from)) throw new Error(`source does not contain ${JSON.stringify(from)}`);
  return source.replace(from, to);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(source: string, needle: string): number {
  const i = source.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}

/** The errors of a refused import, checking it was refused as a whole. */
function refused(source: string, expectedKey = "nps"): FlowFileError[] {
  const result = importFlowYaml(source, FILE, expectedKey);
  expect(result.ok).toBe(false);
  expect(result).not.toHaveProperty("value");
  if (result.ok) return [];
  for (const e of result.error) expect(e.file).toBe(FILE);
  return result.error;
}

function imported(source: string, expectedKey = "nps") {
  const result = importFlowYaml(source, FILE, expectedKey);
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe("exportFlowYaml → importFlowYaml", () => {
  it.each(SHIPPED_FLOWS)("round-trips %s exactly, with its base", (key) => {
    const def = shippedFlow(key);
    const back = imported(exportFlowYaml(def, { version: 7, edits: 0 }), key);
    expect(back.definition).toEqual(def);
    expect(back.base).toEqual({ version: 7, edits: 0 });
  });

  it("round-trips texts YAML would misread if written carelessly, and routes", () => {
    const limits = { buttonLabel: 75, message: 1000 };
    let def: FlowDefinition = setRoute(shippedFlow("nps"), "C0123");
    const texts: [string, string][] = [
      ["contact.yes", "yes"],
      ["contact.no", "10"],
      ["score.min", "null"],
      ["score.max", "~"],
      ["why-negative", "a: b # not a comment"],
      ["why-neutral", "- not a list\n[not a list] {nor a map}\n  indented & *not-an-alias"],
      ["why-positive", "'single' \"double\" `back` @at %percent !tag |pipe >fold"],
      ["thanks", "👨‍👩‍👧 ‏متن راست‌به‌چپ‏ \\ backslash \t tab"],
      ["title", "on"],
    ];
    for (const [target, text] of texts) {
      const next = setText(def, target, "en", text, limits);
      if (!next.ok) throw new Error(next.error.reason);
      def = next.value;
    }
    const file = exportFlowYaml(def, { version: 1, edits: 4 });
    expect(imported(file).definition).toEqual(def);
    // Strings YAML 1.1 reads as booleans or numbers are quoted.
    expect(file).toContain('en: "yes"');
    expect(file).toContain('en: "10"');
  });

  it("writes a header naming the flow and its base, then the fields in reading order", () => {
    const file = exportFlowYaml(shippedFlow("csat"), { version: 12, edits: 0 });
    const lines = file.split("\n");
    expect(lines[0]).toBe('# cxbot flow "csat": Customer Satisfaction (CSAT)');
    expect(lines[1]).toBe("# Exported from live version 12.");
    expect(lines).toContain("# cxbot-base: 12.0");
    expect(npsFile()).toContain("# Exported from live version 3 with draft edit 2.");
    const order = ["key:", "title:", "fallback:", "timeZone:", "idleMinutes:", "steps:", "alerts:"].map((k) =>
      lines.findIndex((l) => l.startsWith(k)),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // A step reads id, type, … prompt, … next.
    const step = lines.slice(lines.indexOf("  - id: score"));
    expect(step.slice(0, 3)).toEqual(["  - id: score", "    type: rating", "    scale: csat"]);
    expect(file).toContain("    when: { step: score, max: 2 }");
  });

  it("reads a file without a base line (base undefined)", () => {
    const file = broken(npsFile(), "# cxbot-base: 3.2\n", "");
    const back = imported(file);
    expect(back).not.toHaveProperty("base");
    expect(back.definition).toEqual(shippedFlow("nps"));
  });

  it("refuses a base line it cannot read, with its line", () => {
    const file = broken(npsFile(), "# cxbot-base: 3.2", "# cxbot-base: three");
    expect(refused(file)).toEqual([
      {
        file: FILE,
        path: "(root)",
        line: lineOf(file, "# cxbot-base:"),
        reason: expect.stringMatching(/cxbot-base/),
      },
    ]);
  });

  it("does not check the key against the attachment's name", () => {
    const result = importFlowYaml(npsFile(), "csat.yaml", "nps");
    expect(result.ok).toBe(true);
  });
});

describe("importFlowYaml refuses", () => {
  const file = npsFile();

  it.each<[string, string, string, string, RegExp]>([
    [
      "a __proto__ key",
      "    type: rating\n",
      "    type: rating\n    __proto__: { polluted: true }\n",
      "steps[0].__proto__",
      /__proto__/,
    ],
    ["a constructor key", "timeZone: UTC\n", "timeZone: UTC\nconstructor: x\n", "constructor", /constructor/],
    [
      "a prototype key",
      `{ en: "Yes", fa: بله`,
      `{ prototype: "Yes", fa: بله`,
      "steps[4].options[0].label.prototype",
      /prototype/,
    ],
    [
      "a $where key",
      "    type: rating\n",
      "    type: rating\n    $where: sleep(1000)\n",
      "steps[0].$where",
      /start with "\$"/,
    ],
    [
      "a dotted key",
      "    type: rating\n",
      "    type: rating\n    prompt.en: Hi\n",
      "steps[0].prompt.en",
      /contain "\."/,
    ],
  ])("%s, with its path and line", (_case, from, to, path, reason) => {
    const source = broken(file, from, to);
    const errors = refused(source);
    // The line the bad key was written on.
    const key = /(__proto__|constructor|prototype|\$where|prompt\.en):/.exec(to)?.[1] as string;
    expect(errors).toEqual([
      { file: FILE, path, line: lineOf(source, `${key}:`), reason: expect.stringMatching(reason) },
    ]);
  });

  it("a flow-style depth bomb, before the parser can recurse into it", () => {
    const source = `key: nps\nsteps: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
    const started = performance.now();
    const [error, ...more] = refused(source);
    expect(more).toEqual([]);
    expect(error).toMatchObject({
      path: `steps${"[0]".repeat(23)}`,
      line: 2,
      reason: expect.stringMatching(/deeper than 24/),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a block-style depth bomb", () => {
    const source = `key: nps\nsteps:\n${"- ".repeat(50_000)}x\n`;
    expect(refused(source)).toEqual([
      expect.objectContaining({
        path: `steps${"[0]".repeat(23)}`,
        reason: expect.stringMatching(/deeper than 24/),
      }),
    ]);
  });

  it("nesting over 24 levels reached through an alias", () => {
    const deep = `${"[".repeat(20)}1${"]".repeat(20)}`;
    const source = broken(
      file,
      "timeZone: UTC",
      `timeZone: UTC\nextra: &deep ${deep}\nmore: [[[[[[*deep]]]]]]`,
    );
    expect(refused(source)).toEqual([
      expect.objectContaining({
        path: `more${"[0]".repeat(23)}`,
        reason: expect.stringMatching(/deeper than 24/),
      }),
    ]);
  });

  it("more than 20,000 nodes", () => {
    const source = broken(file, "timeZone: UTC", `timeZone: UTC\nextra: [${"1,".repeat(20_001)}1]`);
    expect(refused(source)).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^extra\[\d+\]$/),
        reason: expect.stringMatching(/20000 nodes/),
      }),
    ]);
  });

  it("an alias bomb (billion laughs), quickly", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const source = `key: nps\n${levels.join("\n")}\n`;
    const started = performance.now();
    expect(refused(source)).toEqual([
      expect.objectContaining({
        line: expect.any(Number),
        reason: expect.stringMatching(/more than 16 YAML aliases/),
      }),
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("a few aliases are fine (a label reused)", () => {
    const source = broken(
      broken(
        file,
        '        label: { en: "Yes", fa: بله, ar: نعم, tr: Evet }',
        '        label: &yes { en: "Yes", fa: بله, ar: نعم, tr: Evet }',
      ),
      '        label: { en: "No", fa: خیر, ar: لا, tr: Hayır }',
      "        label: *yes",
    );
    const options = (imported(source).definition.steps[4] as { options: { label: object }[] }).options;
    expect(options[1]?.label).toEqual({ en: "Yes", fa: "بله", ar: "نعم", tr: "Evet" });
  });

  it("a file over 256 KiB", () => {
    const source = `${file}\n# ${"x".repeat(256 * 1024)}\n`;
    expect(refused(source)).toEqual([
      { file: FILE, path: "(root)", reason: expect.stringMatching(/256 KiB/) },
    ]);
  });

  it("invalid YAML, with its line", () => {
    const source = broken(file, "timeZone: UTC", "timeZone: UTC: Europe");
    expect(refused(source)).toEqual([
      expect.objectContaining({
        path: "(root)",
        line: lineOf(source, "timeZone"),
        reason: expect.stringMatching(/not valid YAML/),
      }),
    ]);
  });

  it("a duplicate key, with its line", () => {
    const source = broken(file, "timeZone: UTC", "timeZone: UTC\ntimeZone: Asia/Tehran");
    expect(refused(source)).toEqual([
      expect.objectContaining({
        line: lineOf(source, "Asia/Tehran"),
        reason: expect.stringMatching(/unique/),
      }),
    ]);
  });

  it("a schema error, with its path and line", () => {
    const source = broken(file, "scale: nps", "scale: npx");
    expect(refused(source)).toEqual([
      { file: FILE, path: "steps[0].scale", line: lineOf(source, "scale: npx"), reason: expect.any(String) },
    ]);
  });

  it("a cross-check error, with its path and line", () => {
    const source = broken(file, "      - goto: thanks-contact", "      - goto: nowhere");
    expect(refused(source)).toEqual([
      {
        file: FILE,
        path: "steps[4].next[0].goto",
        line: lineOf(source, "goto: nowhere"),
        reason: 'unknown step "nowhere"',
      },
    ]);
  });

  it("a flow whose key is not the one being replaced", () => {
    expect(refused(file, "csat")).toEqual([
      {
        file: FILE,
        path: "key",
        line: lineOf(file, "key: nps"),
        reason: expect.stringMatching(/must be "csat"/),
      },
    ]);
  });
});

describe("parseFlowSource and aliases", () => {
  it("reports an alias bomb as an error instead of throwing", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 6; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    const result = parseFlowSource(`key: bomb\n${levels.join("\n")}\n`, "flows/bomb.yaml");
    expect(result).toEqual({
      ok: false,
      error: [
        { file: "flows/bomb.yaml", path: "(root)", reason: expect.stringMatching(/too many YAML aliases/) },
      ],
    });
  });
});
