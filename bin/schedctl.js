#!/usr/bin/env node
// Runs the compiled CLI (dist/); `npm run build` produces it.
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'apps', 'schedctl', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('schedctl: the CLI is not built yet; run `npm run build` first\n');
  process.exit(2);
}
// The compiled entry maps @sched/<lib> onto dist/libs, runs the command line and sets the exit code.
require(entry);
