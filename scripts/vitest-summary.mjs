#!/usr/bin/env node
// Summarises a vitest JSON report (`vitest run --reporter=json --outputFile=<path>`) as its last line:
//   N passed, M failed
// M counts failed tests plus test files that failed outside a test (did not load, a hook threw), which are
// listed above it, and a missing report. Usage: node scripts/vitest-summary.mjs <report.json> [vitest-exit-code]
// Exits 1 when M > 0 or no test ran.
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const [reportPath, exitCodeArg] = process.argv.slice(2);
if (reportPath === undefined) {
  console.error("usage: node scripts/vitest-summary.mjs <report.json> [vitest-exit-code]");
  process.exit(2);
}

const firstLine = (text) =>
  String(text ?? "")
    .split("\n")
    .find((l) => l.trim() !== "")
    ?.trim() ?? "";
const name = (file) => relative(process.cwd(), String(file ?? "?"));

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

let report;
try {
  report = JSON.parse(readFileSync(reportPath, "utf8"));
} catch (error) {
  problems.push(`no usable report at ${reportPath}: ${firstLine(error?.message ?? error)}`);
  failed += 1;
}

if (report !== undefined) {
  for (const file of Array.isArray(report.testResults) ? report.testResults : []) {
    let failedHere = 0;
    for (const test of Array.isArray(file.assertionResults) ? file.assertionResults : []) {
      if (test.status === "passed") passed += 1;
      else if (test.status === "failed") {
        failedHere += 1;
        problems.push(
          `FAIL ${name(file.name)} > ${test.fullName ?? test.title}: ${firstLine(test.failureMessages?.[0])}`,
        );
      } else skipped += 1;
    }
    failed += failedHere;
    if (file.status === "failed" && failedHere === 0) {
      failed += 1;
      problems.push(
        `FAIL ${name(file.name)} (file failed outside a test): ${firstLine(file.message) || "no message"}`,
      );
    }
  }
}

const exitCode = exitCodeArg === undefined ? 0 : Number(exitCodeArg);
if (exitCode !== 0 && failed === 0 && report !== undefined) {
  // vitest failed for a reason the report does not show (an unhandled error, global setup, a crash).
  failed += 1;
  problems.push(`vitest exited with code ${exitCodeArg} although no test failed: see its output above`);
}

for (const line of problems) console.log(line);
if (skipped > 0) console.log(`(${skipped} skipped or todo)`);
if (passed + failed === 0) console.log("no tests ran");
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed + failed === 0 ? 1 : 0);
