import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnApp } from '../../../../test/support/app-process';
import { commandExecutor } from './command.executor';
import { runExecutor } from '../testing/run-executor';
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

/**
 * A stop (timeout, cancel, shutdown) settles the attempt only once the command's whole group is gone. The leader
 * dies on SIGTERM and its output closes, but a process it started in the background, its output sent elsewhere, may
 * ignore SIGTERM or take its time: it gets killGrace (from the SIGTERM), then SIGKILL. Before, the attempt settled as
 * the leader's output closed, the pending SIGKILL was cancelled and the group untracked: the child ran on beside
 * the retry.
 */
describe('a stopped command settles only once its whole process group is gone', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-cmd-stop-'))));
  afterEach(() => {
    // What a failed check left running: the child's group (the command's).
    const group = fs.existsSync(`${dir}/child`) ? stateAndGroup(fs.readFileSync(`${dir}/child`, 'utf8').trim())?.[1] : undefined;
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The leader starts `childScript` in the background (output elsewhere) and execs a sleep that dies on SIGTERM. */
  const command = (childScript: string, extra: Record<string, unknown>) => ({
    argv: ['sh', '-c', `sh -c '${childScript}' >/dev/null 2>&1 </dev/null & exec sleep 60`],
    ...extra,
  });
  /** The child writes its pid once its SIGTERM disposition is set and what it waits on started (a sleep started after the SIGTERM would live on until the SIGKILL). */
  const ignoresTerm = () => `trap "" TERM; echo $$ > ${dir}/child; exec sleep 30`;
  const stopsAfter = (seconds: number) => `trap "sleep ${seconds}; echo stopped > ${dir}/graceful; exit 0" TERM; sleep 30 & echo $$ > ${dir}/child; wait`;
  const childPid = (): Promise<number> =>
    waitFor(() => fs.existsSync(`${dir}/child`) && Number(fs.readFileSync(`${dir}/child`, 'utf8').trim()), 5_000, 'the child pid');
  /** Linux's view: [state, pgrp] of a process (a killed orphan stays a zombie, state Z, until init reaps it). */
  const stateAndGroup = (pid: string): [string, number] | undefined => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [state, Number(pgrp)];
    } catch {
      return undefined;
    }
  };
  const runningInGroup = (pgid: number): string[] =>
    fs.readdirSync('/proc').filter((pid) => {
      const [state, pgrp] = (/^\d+$/.test(pid) && stateAndGroup(pid)) || [];
      return pgrp === pgid && state !== 'Z';
    });

  it('a timeout SIGKILLs a child that ignores SIGTERM after killGrace, and settles once it is gone', async () => {
    const startedAt = Date.now();
    const run = runExecutor(commandExecutor, command(ignoresTerm(), { timeout: 300, killGrace: 700 }));
    const pid = await childPid();
    await expect(run.result).rejects.toMatchObject({ type: 'Timeout' });
    expect(isProcessAlive(pid)).toBe(false);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950); // timeout + killGrace
  });

  it('a cancel SIGKILLs a child that ignores SIGTERM after killGrace, and settles once it is gone', async () => {
    const run = runExecutor(commandExecutor, command(ignoresTerm(), { killGrace: 700 }));
    const pid = await childPid();
    const abortedAt = Date.now();
    run.controller.abort();
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted' });
    expect(isProcessAlive(pid)).toBe(false);
    const waited = Date.now() - abortedAt;
    expect(waited).toBeGreaterThanOrEqual(650);
    expect(waited).toBeLessThan(3_000);
  });

  it('a child that stops gracefully within killGrace is waited for, not killed', async () => {
    const run = runExecutor(commandExecutor, command(stopsAfter(0.5), { killGrace: 5_000 }));
    const pid = await childPid();
    const abortedAt = Date.now();
    run.controller.abort();
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted' });
    expect(isProcessAlive(pid)).toBe(false);
    expect(fs.existsSync(`${dir}/graceful`)).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(4_000); // its own stop, not the grace period
  });

  it('a child that stops gracefully but slower than killGrace gets its grace, then SIGKILL', async () => {
    const run = runExecutor(commandExecutor, command(stopsAfter(5), { killGrace: 600 }));
    const pid = await childPid();
    const group = stateAndGroup(String(pid))![1];
    expect(runningInGroup(group).length).toBeGreaterThanOrEqual(2); // the leader and the child (and its sleep)
    const abortedAt = Date.now();
    run.controller.abort();
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted' });
    // The whole group (the child and the sleep of its handler) is gone, killed before it finished stopping.
    expect(runningInGroup(group)).toEqual([]);
    expect(fs.existsSync(`${dir}/graceful`)).toBe(false);
    const waited = Date.now() - abortedAt;
    expect(waited).toBeGreaterThanOrEqual(550);
    expect(waited).toBeLessThan(3_000);
  });
});
