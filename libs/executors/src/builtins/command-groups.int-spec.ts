import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnApp } from '../../../../test/support/app-process';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/**
 * A process killed with SIGKILL runs no exit hook: the commands it started, each in a process group of its own,
 * used to run on beside their retries. Its watchdog sees its pipe close and kills them.
 */
describe('command groups outlive no crash of the process that started them', () => {
  it('kills the command (and what it started) when the executor process is SIGKILLed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-cmd-crash-'));
    const pidFile = path.join(dir, 'pids');
    // The command and a grandchild of it write their pids, then sleep.
    const script = `sleep 60 & echo $! >> ${pidFile}; echo $$ >> ${pidFile}; wait`;
    const app = spawnApp('libs/executors/src/testing/command-crash-fixture.ts', { COMMAND_ARGV: JSON.stringify(['sh', '-c', script]) }, 'command-crash');
    try {
      await app.waitForOutput('running', 20_000);
      expect(await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim().split('\n').length === 2, 5_000)).toBe(true);
      const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
      expect(pids.every(alive)).toBe(true);
      await app.kill9();
      expect(await waitUntil(() => !pids.some(alive), 5_000)).toBe(true);
    } finally {
      await app.kill9().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
