import { existsSync, readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists and runs (signal 0 checks without sending anything). A zombie is not
 * running: a killed orphan stays one until the container's init reaps it, which some do only every few seconds.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombieOrGone(pid);
}

const HAS_PROC = existsSync('/proc/self/stat');

/**
 * Linux: the state field of /proc/<pid>/stat (after the parenthesised command name) is Z (or X), or the process was
 * reaped between the signal check and this read (no stat file: it was reported alive, a test failed once); elsewhere:
 * unknown, no.
 */
function isZombieOrGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch (error) {
    return HAS_PROC && (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
