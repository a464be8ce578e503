import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnApp } from '../../../../test/support/app-process';
import { isProcessAlive } from '../../../../test/support/process-alive';
import { waitFor } from '../../../../test/support/wait-for';

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
      await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim().split('\n').length === 2, 5_000, 'both pids');
      const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
      expect(pids.every(isProcessAlive)).toBe(true);
      await app.kill9();
      await waitFor(() => !pids.some(isProcessAlive), 5_000, 'the command and its child to be gone');
    } finally {
      await app.kill9().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
