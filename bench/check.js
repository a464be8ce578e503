#!/usr/bin/env node
// Fails when a benchmark's headline ratio regressed by more than 20% against the committed result: compares
// bench/results/<name>.json in the working tree (the run just made) with the same file at HEAD.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TOLERANCE = 0.8;
const dir = path.join(__dirname, 'results');
let failures = 0;
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const current = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  let committed;
  try {
    committed = JSON.parse(execFileSync('git', ['show', `HEAD:bench/results/${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    console.log(`${file}: no committed result to compare with`);
    continue;
  }
  if (typeof current.ratio !== 'number' || typeof committed.ratio !== 'number') continue;
  const ok = current.ratio >= committed.ratio * TOLERANCE;
  console.log(`${file}: ratio ${current.ratio} vs committed ${committed.ratio} → ${ok ? 'ok' : 'REGRESSED by more than 20%'}`);
  if (!ok) failures += 1;
}
process.exit(failures === 0 ? 0 : 1);
