// Prints one plain closing line ("tests: N passed, N failed, N skipped") that CI systems read,
// after jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    // Written at exit so it is the very last line, after jest's own summary.
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
