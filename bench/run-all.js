#!/usr/bin/env node
// Runs every bench/*.bench.ts in turn (from source, through SWC), each in its own process so one's memory and
// timers cannot skew the next. Each prints a table and writes bench/results/<name>.json.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// --max-semi-space-size=64: as npm start and start:app run the apps (a young generation big enough that the objects of
// in-flight executions rarely survive into a scavenge: 20-24% of the CPU was GC with the default).
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=64', '-r', path.join(__dirname, '..', 'test', 'support', 'ts-register.js'), path.join(__dirname, file)],
    { stdio: 'inherit', cwd: path.join(__dirname, '..') },
  );
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
