import { readFileSync } from 'node:fs';

/** CPU seconds a process used so far (user + system, all its threads), from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
}

export interface CpuUse {
  /** CPU seconds of this process (every thread: main, workers, libuv pool). */
  readonly self: number;
  /** CPU seconds of the server processes measured beside it (nats-server, redis-server). */
  readonly servers: number;
}

/**
 * Measures the CPU this process and the given server processes use from now until the returned function is called:
 * the cost of a unit of work, steadier on a noisy machine than the wall time it takes.
 */
export function startCpuMeter(serverPids: readonly (number | undefined)[]): () => CpuUse {
  const pids = serverPids.filter((pid): pid is number => pid !== undefined);
  const selfBefore = process.cpuUsage();
  const serversBefore = pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  return () => {
    const self = process.cpuUsage(selfBefore);
    return {
      self: (self.user + self.system) / 1e6,
      servers: pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0) - serversBefore,
    };
  };
}
