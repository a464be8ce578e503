#!/usr/bin/env node
// Runs the compiled CLI (dist/); `npm run build` produces it.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'apps');
const entry = path.join(dist, 'schedctl', 'src', 'cli.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('schedctl: the CLI is not built yet; run `npm run build` first\n');
  process.exit(2);
}
// Compiled code imports libs as @sched/<lib>: map them onto dist/libs before anything else loads.
require(path.join(dist, 'register-aliases.js'));
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
