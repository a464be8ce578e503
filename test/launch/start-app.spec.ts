import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * bin/start-app.sh, the one launcher of npm start, npm run start:app and the Docker image: which Node flags each app
 * gets. A stand-in `node` first on PATH prints the arguments it was given instead of running anything.
 */
const ROOT = path.resolve(__dirname, '..', '..');
let fakeBin: string;

beforeAll(() => {
  fakeBin = mkdtempSync(path.join(os.tmpdir(), 'sched-fake-node-'));
  writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\necho "$@"\n');
  chmodSync(path.join(fakeBin, 'node'), 0o755);
});
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

function launch(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
  delete base.APP;
  delete base.SEMI_SPACE_MB;
  const run = spawnSync('sh', ['bin/start-app.sh'], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe('bin/start-app.sh', () => {
  it('starts the executor with V8 default 16 MiB semi-spaces and every other app with 64', () => {
    expect(launch({ APP: 'executor' }).stdout).toBe('--max-semi-space-size=16 dist/apps/executor/src/main.js');
    for (const app of ['standalone', 'gateway', 'timer', 'projector', 'relay']) {
      expect(launch({ APP: app }).stdout).toBe(`--max-semi-space-size=64 dist/apps/${app}/src/main.js`);
    }
  });

  it('takes SEMI_SPACE_MB over either default', () => {
    expect(launch({ APP: 'executor', SEMI_SPACE_MB: '32' }).stdout).toBe('--max-semi-space-size=32 dist/apps/executor/src/main.js');
    expect(launch({ APP: 'timer', SEMI_SPACE_MB: '8' }).stdout).toBe('--max-semi-space-size=8 dist/apps/timer/src/main.js');
  });

  it('refuses to start without APP, saying what to set', () => {
    const run = launch({});
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('set APP');
  });
});
