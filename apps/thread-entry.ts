import * as path from 'node:path';

/**
 * The file and Node flags of the worker-thread entry `<dir>/<name>`: compiled, the .js beside the caller; run from
 * TypeScript sources (tests, benchmarks: no dist), the .ts through the same SWC hook the spawned test processes use.
 */
export function threadEntry(dir: string, name: string): { file: string; execArgv?: string[] } {
  const extension = path.extname(__filename);
  const file = path.join(dir, `${name}${extension}`);
  if (extension !== '.ts') return { file };
  return { file, execArgv: ['--require', path.resolve(__dirname, '..', 'test', 'support', 'ts-register.js')] };
}
