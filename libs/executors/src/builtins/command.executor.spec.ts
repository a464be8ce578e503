import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_RESULT_BYTES } from '@sched/contracts';
import { commandExecutor, type CommandResult } from './command.executor';
import { runExecutor } from '../testing/run-executor';
import { isProcessAlive } from '../../../../test/support/process-alive';
import { waitFor } from '../../../../test/support/wait-for';

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ argv: ['/bin/sh', '-c', script], ...extra });

describe('command executor', () => {
  it('runs argv without a shell and captures stdout', async () => {
    // Without a shell, `$HOME` and `;` are just characters of the argument.
    const { result } = runExecutor<CommandResult>(commandExecutor, { argv: ['/bin/echo', '$HOME;', 'x'] });
    await expect(result).resolves.toMatchObject({ exitCode: 0, stdout: '$HOME; x\n', stderr: '', stdoutTruncated: false });
  });

  it('uses cwd and passes only allowlisted variables plus the configured env', async () => {
    process.env.SCHED_TEST_SECRET = 'leak';
    process.env.SCHED_TEST_ALLOWED = 'ok';
    const config = sh('pwd; echo "$SCHED_TEST_SECRET|$SCHED_TEST_ALLOWED|$GREETING"', {
      cwd: '/tmp',
      env: { GREETING: 'hi' },
      inheritEnv: ['PATH', 'SCHED_TEST_ALLOWED'],
    });
    const { result } = runExecutor<CommandResult>(commandExecutor, config);
    expect((await result).stdout).toBe('/tmp\n|ok|hi\n');
  });

  it('a non-zero exit is a retryable CommandFailed with the end of stderr (without its last line break)', async () => {
    const { result, log } = runExecutor(commandExecutor, sh('echo out; echo "bad thing" >&2; exit 3'));
    const error = await result.catch((failure: unknown) => failure as Error);
    expect(error).toMatchObject({ type: 'CommandFailed', retryable: true });
    expect((error as Error).message).toBe('/bin/sh exited with code 3: bad thing');
    expect(log.lines().map((line) => line.message)).toEqual(['exited with code 3', 'stdout: out']);
  });

  it('a missing program is CommandNotFound, not retryable', async () => {
    const { result } = runExecutor(commandExecutor, { argv: ['/no/such/program'] });
    await expect(result).rejects.toMatchObject({ type: 'CommandNotFound', retryable: false });
  });

  it('a missing cwd is CwdNotFound naming it (spawn says ENOENT of the program)', async () => {
    const { result } = runExecutor(commandExecutor, { argv: ['pwd'], cwd: '/no/such/dir' });
    await expect(result).rejects.toMatchObject({ type: 'CwdNotFound', retryable: false, message: 'cannot run pwd: its cwd /no/such/dir is not a directory' });
  });

  it('keeps only the last maxOutputBytes of the output', async () => {
    const { result } = runExecutor<CommandResult>(commandExecutor, sh('printf 0123456789abcdef', { maxOutputBytes: 6 }));
    await expect(result).resolves.toMatchObject({ stdout: 'abcdef', stdoutTruncated: true });
  });

  it('keeps output whose JSON is many times its size (control characters, invalid bytes) within MAX_RESULT_BYTES, its end, whole characters', async () => {
    // 64 KiB of NULs on each stream: \u0000 is 6 bytes as JSON, 786 KiB together (the attempt failed ResultTooLarge).
    const { result } = runExecutor<CommandResult>(commandExecutor, sh("head -c 65536 /dev/zero; head -c 65536 /dev/zero >&2; printf 'end'"));
    const done = await result;
    expect(Buffer.byteLength(JSON.stringify(done))).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    expect(done).toMatchObject({ exitCode: 0, stdoutTruncated: true, stderrTruncated: true });
    expect(done.stdout.endsWith('\u0000end')).toBe(true);
    // Cut inside a character by maxOutputBytes: the kept end starts at the next whole one, not with U+FFFD.
    const cut = await runExecutor<CommandResult>(commandExecutor, sh("printf 'ééé'", { maxOutputBytes: 5 })).result;
    expect(cut).toMatchObject({ stdout: 'éé', stdoutTruncated: true });
  });

  it('on timeout: SIGTERM, then SIGKILL after the grace period when the command ignores it', async () => {
    const startedAt = Date.now();
    const { result } = runExecutor(commandExecutor, sh('trap "" TERM; sleep 5', { timeout: 200, killGrace: 200 }));
    await expect(result).rejects.toMatchObject({ type: 'Timeout', retryable: true });
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it('has no timeout of its own unless one is set: the task\'s timeouts govern (a hidden 300 s cut a 1 h attempt timeout short)', () => {
    const parsed = commandExecutor.configSchema.safeParse({ argv: ['true'] });
    expect(parsed.success && parsed.data).not.toHaveProperty('timeout');
    const set = commandExecutor.configSchema.safeParse({ argv: ['true'], timeout: '2s' });
    expect(set.success && set.data).toMatchObject({ timeout: 2000 });
  });

  it('stops the command when the attempt is aborted (cancel)', async () => {
    const run = runExecutor(commandExecutor, sh('sleep 5'));
    setTimeout(() => run.controller.abort(), 100);
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted' });
  });

  describe('a command whose leader exited while a process it started holds its output', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-cmd-bg-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    // The leader writes its pid and the background sleep's, and exits 0; the sleep keeps stdout open, so 'close' waits.
    const background = (extra: Record<string, unknown> = {}) => sh(`sleep 30 & echo $$ $! > ${dir}/pids; echo started`, { killGrace: 200, ...extra });
    /** The background process's pid, once the leader is reaped (not just a zombie: then its exit is known here). */
    const backgroundPid = async (): Promise<number> => {
      const [leader, pid] = await waitFor(() => fs.existsSync(`${dir}/pids`) && fs.readFileSync(`${dir}/pids`, 'utf8').trim().split(' ').map(Number), 5_000, 'the pids');
      const reaped = (): boolean => {
        try {
          process.kill(leader, 0);
          return false;
        } catch {
          return true;
        }
      };
      await waitFor(reaped, 5_000, 'the leader to be reaped');
      return pid;
    };

    it('its timeout stops the whole group (it waited for the background process, then succeeded)', async () => {
      const startedAt = Date.now();
      const { result, log } = runExecutor(commandExecutor, background({ timeout: 1_500 }));
      const pid = await backgroundPid();
      await expect(result).rejects.toMatchObject({ type: 'Timeout', retryable: true });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      await waitFor(() => !isProcessAlive(pid), 2_000, 'the background process to be gone');
      // Not silent while it waited: the log says what the attempt was waiting for.
      expect(log.lines().map((line) => line.message)).toContainEqual(expect.stringContaining('/bin/sh exited with code 0, but a process it started still holds its output open'));
    });

    it('an abort stops the whole group and settles at once (it waited for the background process)', async () => {
      const run = runExecutor(commandExecutor, background());
      const pid = await backgroundPid();
      const abortedAt = Date.now();
      run.controller.abort();
      await expect(run.result).rejects.toMatchObject({ type: 'Aborted' });
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      await waitFor(() => !isProcessAlive(pid), 2_000, 'the background process to be gone');
    });
  });

  it('feeds stdin', async () => {
    const { result } = runExecutor<CommandResult>(commandExecutor, { argv: ['/bin/cat'], stdin: 'from stdin' });
    expect((await result).stdout).toBe('from stdin');
  });

  it('refuses a NUL byte on create, naming the field (spawn refused it at every attempt, a retryable error)', () => {
    const issuesOf = (config: Record<string, unknown>) => {
      const parsed = commandExecutor.configSchema.safeParse({ argv: ['echo'], ...config });
      return parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
    };
    const nul = ['must not contain a NUL byte (\\u0000)'];
    expect(issuesOf({ argv: ['echo', 'a\0b'] })).toEqual([['argv.1', ...nul]]);
    expect(issuesOf({ cwd: '/tmp\0' })).toEqual([['cwd', ...nul]]);
    expect(issuesOf({ env: { A: 'x\0' } })).toEqual([['env.A', ...nul]]);
  });

  it('refuses a config without argv', () => {
    expect(commandExecutor.configSchema.safeParse({ argv: [] }).success).toBe(false);
    expect(commandExecutor.configSchema.safeParse({ command: 'ls' }).success).toBe(false);
  });
});
