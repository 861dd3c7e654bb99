import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvField, csvLine, UTF8_BOM } from "../../core/exports/encode.ts";
import { csvCells, csvHeader, type ExportLayout, type ExportRecord } from "../../core/exports/responses.ts";

/** The CSV writer: RFC 4180 quoting, the formula guard, and what a spreadsheet-grade parser reads back. */

describe("CSV fields", () => {
  it("quotes commas, quotes, CR and LF, and doubles quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvField("a\rb")).toBe('"a\rb"');
    expect(csvField(9)).toBe("9");
    expect(csvField(Number.NaN)).toBe("");
  });

  it("guards text that a spreadsheet would run as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(csvField(`${start}SUM(A1)`).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("-")).toBe("'-");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\rx")).toBe('"\'\rx"');
    expect(csvField("a=b")).toBe("a=b");
    // Numbers are numbers: a negative score would not be text to guard.
    expect(csvField(-1)).toBe("-1");
  });

  it("reads back, with a BOM and CRLF, Persian, Arabic, newlines and quotes intact", () => {
    const cells = [
      ["id", "comment"],
      ["1", "ارسال دیر رسید،\nولی پشتیبانی «خوب» بود"],
      ["2", 'الخدمة "ممتازة", شكرًا'],
      ["3", '=HYPERLINK("x")'],
    ];
    const text = UTF8_BOM + cells.map(csvLine).join("");
    expect(text.startsWith("\uFEFFid,comment\r\n")).toBe(true);
    const back = parse(text, { bom: true, record_delimiter: "\r\n" }) as string[][];
    expect(back).toEqual([
      ["id", "comment"],
      ["1", "ارسال دیر رسید،\nولی پشتیبانی «خوب» بود"],
      ["2", 'الخدمة "ممتازة", شكرًا'],
      ["3", '\'=HYPERLINK("x")'],
    ]);
  });
});

describe("CSV rows", () => {
  const layout: ExportLayout = {
    flowKey: "shop",
    steps: [
      { id: "score", type: "rating" },
      { id: "reason", type: "choice" },
      { id: "why", type: "text" },
    ],
    propertyKeys: ["order"],
    identities: false,
  };
  const record: ExportRecord = {
    id: "c1",
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:01:00.000Z",
    flow: "shop",
    flowVersion: 2,
    status: "expired",
    channel: "slack",
    locale: "tr",
    respondent: "0123456789abcdef",
    reference: null,
    scores: { score: 4 },
    answers: {},
    comments: { why: { text: "kargo geç geldi", sentiment: "negative" } },
    sentiment: "negative",
    themes: [{ theme: "processes", sentiment: "negative" }],
    properties: { order: "A-9", campaign: "spring" },
  };

  it("lines cells up with the header; keys without a column go to the properties JSON", () => {
    const header = csvHeader(layout);
    const cells = csvCells(record, layout);
    expect(cells).toHaveLength(header.length);
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    expect(row).toMatchObject({
      status: "expired",
      "score.score": 4,
      "answer.reason": "",
      "comment.why": "kargo geç geldi",
      themes: "processes:negative",
      reference: "",
      "property.order": "A-9",
      properties: '{"campaign":"spring"}',
    });
  });
});
