import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/**
 * The process groups of the commands running in this process. Each command runs in a group of its own (detached, so
 * stopping it stops what it started), and such a group outlives the process that started it: after a crash it would
 * run on beside its retry, and a task's maxConcurrent would not hold. Two guards:
 * - a process that exits (a stop whose deadline came, process.exit) kills them first, on 'exit';
 * - one watchdog process, `sh` in a group of its own, is told each group on its stdin; when that pipe closes — the
 *   process died, even by SIGKILL, which no hook sees — it kills the groups still listed. A pipe's end is noticed at
 *   once and cannot be mistaken for another process (a pid polled could have been reused).
 */
const liveGroups = new Set<number>();
let watchdog: ChildProcess | undefined;
let exitHookInstalled = false;

/** Reads `+<pgid>` / `-<pgid>` lines; at the end of its input kills every group still listed. */
const WATCHDOG_SCRIPT = `
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) groups=$(printf '%s' "$groups" | sed "s/ \${line#-} / /") ;;
  esac
done
for group in $groups; do kill -KILL -"$group" 2>/dev/null; done
`;

function startWatchdog(): ChildProcess | undefined {
  try {
    const child = spawn('sh', ['-c', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => undefined); // no sh: the exit hook still covers an orderly exit
    child.stdin?.on('error', () => undefined);
    // Neither the watchdog nor its pipe may keep this process alive.
    child.unref();
    (child.stdin as unknown as { _handle?: { unref?: () => void } } | null)?._handle?.unref?.();
    return child;
  } catch {
    return undefined;
  }
}

function killAll(): void {
  for (const group of liveGroups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** A command's group started: it is killed if this process ends before the command does. */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAll);
  }
  watchdog ??= startWatchdog();
  watchdog?.stdin?.write(`+${pid}\n`);
}

/** A command's group ended (or was never made). */
export function untrackGroup(pid: number): void {
  if (!liveGroups.delete(pid)) return;
  watchdog?.stdin?.write(`-${pid}\n`);
}

/**
 * Whether a process of the group still runs. Signal 0 says whether the group has members, but an exited member is
 * one until it is reaped, and an orphan is reaped by init: slowly in some containers, never where the executor is
 * PID 1 itself (the Docker image). On Linux, a group whose members are all zombies has nothing left running;
 * elsewhere (no /proc) a member is taken to run.
 */
export async function groupRuns(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // ESRCH: no member left
  }
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  const states = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').then(stateInGroup(pgid), () => undefined)));
  return states.some((state) => state !== undefined && state !== 'Z');
}

/** From /proc/<pid>/stat ("pid (comm) state ppid pgrp …", comm may hold spaces and parentheses): the state if in `pgid`. */
const stateInGroup =
  (pgid: number) =>
  (stat: string): string | undefined => {
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid ? state : undefined;
  };
