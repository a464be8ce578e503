import { executorShutdownGraceMsOf, type SchedConfig } from '../config';

/** Beyond the executor's grace period: the pulls to run out, the stores to close, the connection to drain. */
const SHUTDOWN_MARGIN_MS = 15_000;

export const shutdownDeadlineMs = (config: Pick<SchedConfig, 'executorShutdownGraceMs'>): number =>
  executorShutdownGraceMsOf(config) + SHUTDOWN_MARGIN_MS;

/**
 * Once one of `signals` arrives, the process has `deadlineMs` to stop on its own; then it says so, runs `beforeExit`
 * (synchronous: the standalone signals its embedded nats-server to stop, which would otherwise outlive it) and exits
 * 1. A graceful stop waits on the NATS server (leases handed over, connections drained): with the server gone it
 * could wait for minutes, and a supervisor or a user at Ctrl-C is owed an exit. The timer does not keep the process
 * alive.
 */
export function armShutdownDeadline(signals: readonly NodeJS.Signals[], deadlineMs: number, beforeExit: () => void = () => undefined): void {
  let armed = false;
  const arm = (signal: NodeJS.Signals): void => {
    if (armed) return;
    armed = true;
    setTimeout(() => {
      console.error(`${signal}: not stopped within ${deadlineMs} ms (is the NATS server gone?); exiting`);
      beforeExit();
      process.exit(1);
    }, deadlineMs).unref();
  };
  for (const signal of signals) process.once(signal, arm);
}
