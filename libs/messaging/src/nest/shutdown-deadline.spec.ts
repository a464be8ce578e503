import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { shutdownDeadlineMs } from './shutdown-deadline';

const register = path.join(__dirname, '..', '..', '..', '..', 'test', 'support', 'ts-register.js');
const moduleFile = path.join(__dirname, 'shutdown-deadline.ts');

/** A process that arms the deadline, handles SIGTERM with `onTerm`, keeps running, and signals itself. */
function runProcess(deadlineMs: number, onTerm: string): { status: number | null; stderr: string; ms: number } {
  const script = `
    const { armShutdownDeadline } = require(${JSON.stringify(moduleFile)});
    process.on('SIGTERM', () => { ${onTerm} });
    armShutdownDeadline(['SIGTERM'], ${deadlineMs}, () => console.error('before exit'));
    setInterval(() => undefined, 1000);
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
  `;
  const started = Date.now();
  const run = spawnSync(process.execPath, ['-r', register, '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, stderr: run.stderr, ms: Date.now() - started };
}

describe('armShutdownDeadline', () => {
  it('exits 1 with a line saying so when the stop does not finish in time', () => {
    const run = runProcess(300, '/* a stop that waits on a server that is gone */');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SIGTERM: not stopped within 300 ms');
    expect(run.stderr).toContain('before exit'); // the standalone stops its embedded nats-server there
  });

  it('leaves a stop that finishes in time alone (its timer keeps nothing alive)', () => {
    const run = runProcess(10_000, 'setTimeout(() => process.exit(0), 100);');
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('not stopped');
    expect(run.stderr).not.toContain('before exit');
    expect(run.ms).toBeLessThan(5_000);
  });

  it('allows the executor its grace period and 15 s more', () => {
    expect(shutdownDeadlineMs({})).toBe(20_000);
    expect(shutdownDeadlineMs({ executorShutdownGraceMs: 30_000 })).toBe(45_000);
  });
});
