// The summary line counts what makes Vitest exit non-zero: a real (nested) Vitest run, with this reporter,
// over small files that fail in each way a file can, next to the run's own verdict: its exit code.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test, vi } from "vitest";
import { startVitest, type Reporter } from "vitest/node";
import SummaryReporter, { summarize, type Summary } from "./summary-reporter";

// Globals (no `import "vitest"`): the files live in a temp folder with no node_modules.
const FILES: Record<string, string> = {
  "passes.test.js": `test("passes", () => {});`,
  "fails.test.js": `test("fails", () => { throw new Error("no"); }); test("passes", () => {});`,
  "after-all.test.js": `afterAll(() => { throw new Error("afterAll"); }); test("passes", () => {});`,
  "before-all.test.js": `describe("suite", () => { beforeAll(() => { throw new Error("beforeAll"); }); test("skipped", () => {}); }); test("passes", () => {});`,
  "does-not-load.test.js": `test("collected", () => {}); throw new Error("the module throws");`,
  "unhandled.test.js": `test("passes", async () => { setTimeout(() => { throw new Error("unhandled"); }); await new Promise((r) => setTimeout(r, 50)); });`,
};

const dir = mkdtempSync(join(tmpdir(), "summary-reporter-"));
for (const [name, source] of Object.entries(FILES)) writeFileSync(join(dir, name), source);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the files (all when empty): the line SummaryReporter printed, its counts, the exit code. */
async function run(files: string[]) {
  let summary: Summary | undefined;
  const counts: Reporter = {
    onTestRunEnd: (modules, errors, reason) => {
      summary = summarize(modules, errors, reason);
    },
  };
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: unknown) => void printed.push(String(line)));
  const ours = process.exitCode;
  process.exitCode = undefined;
  let exitCode: typeof process.exitCode;
  try {
    const vitest = await startVitest("test", files, {
      root: dir,
      config: false,
      globals: true,
      watch: false,
      include: ["*.test.js"],
      reporters: [new SummaryReporter(), counts],
    });
    await vitest.close();
  } finally {
    log.mockRestore();
    exitCode = process.exitCode;
    process.exitCode = ours; // the nested run's verdict is this test's to judge, not this run's
  }
  const line = printed.map((text) => text.trim()).find((text) => text.startsWith("Tests:"));
  return { line, summary: summary!, exitCode: exitCode ?? 0 };
}

test("every way a file can fail is counted, so a failing run never reads 0 failed", async () => {
  const { line, summary, exitCode } = await run([]);
  expect(exitCode).toBe(1);
  // fails.test.js's test; after-all's and does-not-load's files; before-all's suite; the unhandled error.
  expect(summary).toEqual({
    passed: 5,
    failed: 5,
    skipped: 1,
    failedFiles: 2,
    failedSuites: 1,
    unhandledErrors: 1,
    failedRun: 0,
  });
  expect(line).toBe("Tests: 5 passed, 5 failed, 1 skipped (not tests: 2 files, 1 suite, 1 unhandled error)");
});

test.each([
  ["after-all.test.js", "Tests: 1 passed, 1 failed, 0 skipped (not tests: 1 file)"],
  ["before-all.test.js", "Tests: 1 passed, 1 failed, 1 skipped (not tests: 1 suite)"],
  ["does-not-load.test.js", "Tests: 0 passed, 1 failed, 0 skipped (not tests: 1 file)"],
  ["unhandled.test.js", "Tests: 1 passed, 1 failed, 0 skipped (not tests: 1 unhandled error)"],
  ["fails.test.js", "Tests: 1 passed, 1 failed, 0 skipped"],
])("%s alone fails the run and reads: %s", async (file, expected) => {
  const { line, exitCode } = await run([file]);
  expect(exitCode).toBe(1);
  expect(line).toBe(expected);
});

test("a passing run reads 0 failed", async () => {
  const { line, exitCode } = await run(["passes.test.js"]);
  expect(exitCode).toBe(0);
  expect(line).toBe("Tests: 1 passed, 0 failed, 0 skipped");
});
