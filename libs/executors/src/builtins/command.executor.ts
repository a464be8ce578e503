import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { MAX_RESULT_BYTES } from '@sched/contracts';
import { ExecutorError, type ExecutionContext, type TaskExecutor } from '../task-executor';
import { BoundedOutput, fitOutputs } from './bounded-output';
import { groupRuns, trackGroup, untrackGroup } from './command-groups';
import { durationMsField } from './duration-config';

/** A string the OS can take (spawn refuses one with a NUL byte, at every attempt): refused with the config instead. */
const osString = () => z.string().refine((text) => !text.includes('\0'), 'must not contain a NUL byte (\\u0000)');

const commandConfigSchema = z
  .object({
    /** Program and arguments, run without a shell: no globbing, no expansion, no injection through arguments. */
    argv: z.array(osString().min(1)).min(1).max(256),
    cwd: osString().min(1).optional(),
    /** Variables set for the command. */
    env: z.record(osString(), osString()).default({}),
    /** Variables passed through from the executor's own environment (nothing else leaks into the command). */
    inheritEnv: z.array(osString().min(1)).default(['PATH']),
    stdin: z.string().max(1_000_000).optional(),
    /** The command's own limit; none by default, so the task's timeouts (startToClose, …) govern alone. */
    timeout: durationMsField('timeout', 100, 86_400_000).optional(),
    /** Between SIGTERM and SIGKILL when the command has to stop. */
    killGrace: durationMsField('killGrace', 0, 60_000).default(5_000),
    /** The last this-many bytes of stdout and of stderr are kept. */
    maxOutputBytes: z.number().int().min(0).max(10 * 1024 * 1024).default(64 * 1024),
  })
  .strict();
type CommandConfig = z.output<typeof commandConfigSchema>;

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
}

function commandEnv(config: CommandConfig): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(config.inheritEnv.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
  return { ...inherited, ...config.env };
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The end of an output, without the line break it ends on (a message, a log line). */
const tail = (text: string, chars = 500): string => {
  const trimmed = text.trimEnd();
  return trimmed.length > chars ? `…${trimmed.slice(-chars)}` : trimmed;
};

/** How long after its leader exits a command's output may stay open before the log says what the attempt waits for. */
/** Room for stdout and stderr together as JSON in the result: MAX_RESULT_BYTES less the rest of the result. */
const OUTPUT_JSON_BYTES = MAX_RESULT_BYTES - 256;
const OUTPUT_HELD_WARNING_MS = 1_000;
/** How often a stopped command's group is looked at once its output closed, until no process of it runs. */
const GROUP_POLL_MS = 50;
/**
 * How long a group may still show a running process after its SIGKILL before the attempt ends without it: nothing
 * survives SIGKILL, but a process stuck in the kernel dies only when it leaves it, and without /proc a zombie no init
 * reaps looks alive. Well within the runtime's wait for a stopped attempt (killGrace, at most 60 s, and 5 s).
 */
const KILLED_GROUP_WAIT_MS = 2_000;

function run({ config, signal, logger }: ExecutionContext<CommandConfig>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = config.argv;
    // Its own process group, so stopping it also stops whatever it started.
    const child = spawn(program, args, { cwd: config.cwd, env: commandEnv(config), shell: false, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid !== undefined) trackGroup(child.pid);
    const stdout = new BoundedOutput(config.maxOutputBytes);
    const stderr = new BoundedOutput(config.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // a command that exits without reading its input
    child.stdin.end(config.stdin ?? '');

    let stopReason: 'timeout' | 'aborted' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let killedAt: number | undefined;
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        child.kill(sig); // the group is gone already, or we could not create one
      }
    };
    // The group is signalled even when its leader has exited: a process it started in the background may live on
    // (and hold its output open, so 'close' waits for it, or not, its output sent elsewhere); after a stop, only an
    // empty group (groupStopped) means there is nothing left to stop.
    const stop = (reason: 'timeout' | 'aborted'): void => {
      if (stopReason) return;
      stopReason = reason;
      logger.warn(`stopping the command (${reason}): SIGTERM, SIGKILL after ${config.killGrace}ms`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => {
        killedAt = Date.now();
        signalGroup('SIGKILL');
      }, config.killGrace);
    };
    const timeoutTimer = config.timeout === undefined ? undefined : setTimeout(() => stop('timeout'), config.timeout);
    const onAbort = (): void => stop('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    // The leader exited but its output stays open: a process it started holds it, and the attempt waits for that.
    let heldOpenTimer: NodeJS.Timeout | undefined;
    child.once('exit', (code, exitSignal) => {
      heldOpenTimer = setTimeout(() => {
        const how = code === null ? `was killed by ${exitSignal}` : `exited with code ${code}`;
        logger.warn(`${program} ${how}, but a process it started still holds its output open: the attempt waits for it (a timeout or a cancel stops the whole group)`);
      }, OUTPUT_HELD_WARNING_MS);
    });

    // A stopped attempt ends with its group, not with its leader's output: a process started with its output sent
    // elsewhere (`worker >log 2>&1 &`) may ignore SIGTERM or take its time, and would run on beside the retry. It
    // gets the rest of killGrace, then SIGKILL; the group stays tracked (killed if this process exits) until then.
    const groupStopped = async (pgid: number): Promise<void> => {
      if (!(await groupRuns(pgid))) return;
      logger.warn(`${program} exited, but processes it started still run: the attempt waits for them (SIGKILL ${config.killGrace}ms after the SIGTERM)`);
      do {
        if (killedAt !== undefined && Date.now() - killedAt >= KILLED_GROUP_WAIT_MS) {
          logger.warn(`processes of the command's group still run ${KILLED_GROUP_WAIT_MS}ms after their SIGKILL: the attempt ends without waiting for them`);
          return;
        }
        await sleep(GROUP_POLL_MS);
      } while (await groupRuns(pgid));
    };

    const cleanup = (): void => {
      if (child.pid !== undefined) untrackGroup(child.pid);
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(heldOpenTimer);
      signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      // spawn says ENOENT for a missing cwd as for a missing program, naming the program: say which it was.
      if (error.code === 'ENOENT' && config.cwd !== undefined && !isDirectory(config.cwd)) {
        return reject(new ExecutorError(`cannot run ${program}: its cwd ${config.cwd} is not a directory`, 'CwdNotFound', false));
      }
      const notRunnable = error.code === 'ENOENT' || error.code === 'EACCES';
      reject(new ExecutorError(`cannot run ${program}: ${error.message}`, notRunnable ? 'CommandNotFound' : 'CommandError', !notRunnable));
    });
    const settle = (code: number | null, exitSignal: NodeJS.Signals | null): void => {
      cleanup();
      const [out, err] = fitOutputs(stdout, stderr, OUTPUT_JSON_BYTES);
      const result = { exitCode: code ?? -1, stdout: out.text, stderr: err.text, stdoutTruncated: out.truncated, stderrTruncated: err.truncated };
      logger.info(`exited with ${code === null ? `signal ${exitSignal}` : `code ${code}`}`);
      if (stopReason === 'timeout') return reject(new ExecutorError(`command timed out after ${config.timeout}ms`, 'Timeout', true));
      if (stopReason === 'aborted') return reject(new ExecutorError('command aborted', 'Aborted', false));
      if (code === 0) return resolve(result);
      if (result.stdout) logger.info(`stdout: ${tail(result.stdout)}`);
      const how = code === null ? `was killed by ${exitSignal}` : `exited with code ${code}`;
      reject(new ExecutorError(`${program} ${how}${result.stderr ? `: ${tail(result.stderr)}` : ''}`, 'CommandFailed', true));
    };
    child.once('close', (code, exitSignal) => {
      if (stopReason === undefined || child.pid === undefined) return settle(code, exitSignal);
      clearTimeout(heldOpenTimer); // its output is closed: what the attempt waits for now, groupStopped says
      void groupStopped(child.pid).then(() => settle(code, exitSignal));
    });
  });
}

/** Runs a program (argv, no shell) with an allowlisted environment; non-zero exit = failure. */
export const commandExecutor: TaskExecutor<CommandConfig> = {
  type: 'command',
  description: 'Runs `argv` without a shell (cwd, env allowlist, timeout → SIGTERM then SIGKILL, output capped).',
  configSchema: commandConfigSchema as unknown as z.ZodType<CommandConfig>,
  execute: run,
  settlesOnAbort: true,
  neverPauses: true,
};
