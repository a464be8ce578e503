// Prints the plain closing line "N passed, N failed, N skipped" that CI tooling reads, as the very last line of the
// run (on exit, after Jest's own summary). Under bin/run-tests.js (SCHED_TEST_SUMMARY_FILE set), which runs Jest
// twice, it appends the counts to that file instead, and the runner prints one line for both runs.
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const counts = { passed: numPassedTests, failed: numFailedTests, skipped: numPendingTests + numTodoTests };
    const file = process.env.SCHED_TEST_SUMMARY_FILE;
    if (file) {
      fs.appendFileSync(file, `${JSON.stringify(counts)}\n`);
      return;
    }
    const line = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
module.exports = SummaryReporter;
