// Lets a plain `node` child process run the TypeScript apps straight from source (for fault tests that kill real
// processes) without a build: .ts files are compiled by SWC on require, `@sched/<lib>` maps to libs/<lib>/src.
// NestJS 12 itself is ESM and loads through Node's own require(esm).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { register } = require('tsconfig-paths');

const root = path.resolve(__dirname, '..', '..');
register({ baseUrl: root, paths: { '@sched/*': ['libs/*/src'] } });

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
