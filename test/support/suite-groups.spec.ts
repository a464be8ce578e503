import * as fs from 'node:fs';
import * as path from 'node:path';

const TEST_ROOT = path.resolve(__dirname, '..');
/** Suites that start servers and run only through a group file (`*.e2e-spec.ts` etc.) that imports them. */
const SUITE = /\.(e2e|fault|int)\.ts$/;
const GROUP = /\.(e2e|fault|int)-spec\.ts$/;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The suites a group file imports (`import './name.e2e';`), as paths. */
function importedSuites(group: string): string[] {
  const source = fs.readFileSync(group, 'utf8');
  return [...source.matchAll(/^import '(\.\/[^']+)';$/gm)].map((match) => `${path.resolve(path.dirname(group), match[1])}.ts`);
}

/** Jest runs group files only: a suite no group imports would never run, and one imported twice would run twice. */
describe('suite groups under test/', () => {
  const files = filesUnder(TEST_ROOT);
  const suites = files.filter((file) => SUITE.test(file));
  const groups = files.filter((file) => GROUP.test(file));

  it('finds the suites and their groups', () => {
    expect(suites.length).toBeGreaterThan(40);
    expect(groups.length).toBeGreaterThan(5);
  });

  it('imports every suite from exactly one group file in its own directory', () => {
    const importers = new Map<string, string[]>();
    for (const group of groups) {
      for (const suite of importedSuites(group)) importers.set(suite, [...(importers.get(suite) ?? []), group]);
    }
    const wrong = suites
      .map((suite) => ({ suite: path.relative(TEST_ROOT, suite), groups: (importers.get(suite) ?? []).map((group) => path.relative(TEST_ROOT, group)) }))
      .filter(({ suite, groups: by }) => by.length !== 1 || path.dirname(by[0]) !== path.dirname(suite));
    expect(wrong).toEqual([]);
  });

  it('imports nothing that is not a suite file', () => {
    const missing = groups.flatMap(importedSuites).filter((suite) => !SUITE.test(suite) || !fs.existsSync(suite));
    expect(missing).toEqual([]);
  });
});
