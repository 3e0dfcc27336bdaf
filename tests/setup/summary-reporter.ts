import type { Reporter, SerializedError, TestModule, TestRunEndReason } from "vitest/node";

export interface Summary {
  passed: number;
  /** Every failure: failed tests plus the failures below, which are not tests. */
  failed: number;
  skipped: number;
  /** Test files that failed outside their tests: not loaded, a module-level hook, or no failing test to show. */
  failedFiles: number;
  /** Suites whose own hooks (beforeAll, afterAll) failed; their tests are then skipped, not failed. */
  failedSuites: number;
  unhandledErrors: number;
  /** 1 when Vitest ended the run as failed or interrupted and nothing above says why. */
  failedRun: number;
}

/**
 * Counts a run the way its exit code judges it: a run that exits non-zero never reads "0 failed". Each
 * failure is counted once, where it happened (a test, a suite's hook, a file, an error outside any test).
 */
export function summarize(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
  reason: TestRunEndReason = "passed",
): Summary {
  const s: Summary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failedFiles: 0,
    failedSuites: 0,
    unhandledErrors: unhandledErrors.length,
    failedRun: 0,
  };
  let failedTests = 0;
  for (const testModule of testModules) {
    let failedWithin = 0;
    for (const test of testModule.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") s.passed += 1;
      else if (state === "failed") failedWithin += 1;
      else s.skipped += 1;
    }
    failedTests += failedWithin;
    for (const suite of testModule.children.allSuites())
      if (suite.state() === "failed" && suite.errors().length > 0) {
        s.failedSuites += 1;
        failedWithin += 1;
      }
    // The file's own errors (it did not load, a module-level hook threw), or a failed file with nothing in
    // it to show for it.
    if (testModule.errors().length > 0 || (testModule.state() === "failed" && failedWithin === 0))
      s.failedFiles += 1;
  }
  s.failed = failedTests + s.failedFiles + s.failedSuites + s.unhandledErrors;
  if (reason !== "passed" && s.failed === 0) s.failedRun = s.failed = 1;
  return s;
}

/** "Tests: 4 passed, 3 failed, 1 skipped (not tests: 1 file, 1 suite, 1 unhandled error)". */
export function summaryLine(s: Summary) {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const notTests = [
    s.failedFiles && plural(s.failedFiles, "file"),
    s.failedSuites && plural(s.failedSuites, "suite"),
    s.unhandledErrors && plural(s.unhandledErrors, "unhandled error"),
    s.failedRun && "the run itself",
  ].filter(Boolean);
  const detail = notTests.length > 0 ? ` (not tests: ${notTests.join(", ")})` : "";
  return `Tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${detail}`;
}

/** Ends the run with one plain line, "Tests: N passed, N failed, N skipped", that any CI can read. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ) {
    console.log(`\n${summaryLine(summarize(testModules, unhandledErrors, reason))}`);
  }
}
