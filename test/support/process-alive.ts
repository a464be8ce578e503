import { readFileSync } from 'node:fs';

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
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat (after the parenthesised command name) is Z; elsewhere: unknown, no. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
