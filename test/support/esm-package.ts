import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformSync } from '@swc/core';

const loaded = new Map<string, { exports: unknown }>();

function load(file: string): unknown {
  const cached = loaded.get(file);
  if (cached) return cached.exports;
  const { code } = transformSync(fs.readFileSync(file, 'utf8'), {
    filename: file,
    jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const module = { exports: {} as unknown };
  loaded.set(file, module);
  const localRequire = (id: string): unknown => (id.startsWith('.') ? load(path.resolve(path.dirname(file), id)) : require(id));
  new Function('require', 'module', 'exports', '__filename', '__dirname', code)(localRequire, module, module.exports, file, path.dirname(file));
  return module.exports;
}

/**
 * Loads an ESM-only package (commander 15) as CommonJS for Jest, which on Node 20 cannot require(esm) and only
 * transforms the packages jest.config.js lists. Use from a `jest.mock(name, factory)`. Node itself (the built CLI)
 * loads the package natively.
 */
export function requireEsmPackage(name: string): unknown {
  return load(require.resolve(name));
}
