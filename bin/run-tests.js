#!/usr/bin/env node
// `npm test` after the type check: the pure specs on every core, then the suites that start servers one at a time
// (on 2 cores, two nats-servers and two systems under test at once make timing-sensitive tests flaky). Jest's
// in-band mode is all-or-nothing per run, hence two runs; the summary reporter writes each run's counts to a file
// and this prints the one closing line CI reads ("N passed, N failed, N skipped") for both.
// With arguments (`npm test -- some/path`), one in-band run with them, as `jest --runInBand` would.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const jest = require.resolve('jest/bin/jest');
const extra = process.argv.slice(2);

function run(args, env = process.env) {
  const result = spawnSync(process.execPath, [jest, ...args], { stdio: 'inherit', env });
  return result.status ?? 1;
}

if (extra.length > 0) process.exit(run(['--runInBand', ...extra]));

const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sched-tests-')), 'summary.jsonl');
const env = { ...process.env, SCHED_TEST_SUMMARY_FILE: summaryFile };
const workers = String(Math.min(4, Math.max(2, os.availableParallelism())));
const unit = run(['--maxWorkers', workers, '--testPathPatterns', '\\.spec\\.ts$'], env);
const servers = run(['--runInBand', '--testPathPatterns', 'int-spec|e2e-spec|fault-spec'], env);

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8').split('\n').filter(Boolean) : [];
for (const line of lines) {
  const counts = JSON.parse(line);
  for (const key of Object.keys(totals)) totals[key] += counts[key];
}
fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
// A run that died before its reporter wrote (a crash, process.exit in a test) counts as one failure: the closing
// line must not read "0 failed" for a run that never finished.
if (lines.length !== 2) {
  totals.failed += 2 - lines.length;
  process.stdout.write(`\n${2 - lines.length} of the 2 Jest runs ended without a summary (crashed or exited early)\n`);
}
const status = unit !== 0 || servers !== 0 || lines.length !== 2 ? 1 : 0;
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(status);
