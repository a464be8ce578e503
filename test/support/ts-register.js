// Lets a plain `node` child process run the TypeScript apps straight from source (for fault tests that kill real
// processes) without a build: .ts files are compiled by SWC on require, `@sched/<lib>` maps to libs/<lib>/src.
// NestJS 12 itself is ESM and loads through Node's own require(esm).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
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

// Compiled output is kept on disk by a hash of the source, its path and the options (~180 ms of SWC per process
// start otherwise: every spawned app and executor thread of the fault tests compiles ~300 files). Written to a temp
// name and renamed, so a process starting beside another never reads half a file.
const cacheDir = path.join(os.tmpdir(), `sched-ts-register-${require('@swc/core/package.json').version}`);
fs.mkdirSync(cacheDir, { recursive: true });
const optionsKey = JSON.stringify(options);

function compile(source, filename) {
  const key = crypto.createHash('sha1').update(optionsKey).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { code } = transformSync(source, { ...options, filename });
    const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A full disk or a read-only temp dir: compiling each time still works.
    }
    return code;
  }
}

Module._extensions['.ts'] = (module, filename) => {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
