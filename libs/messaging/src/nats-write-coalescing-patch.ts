import { ProtocolHandler } from '@nats-io/nats-core/internal';

/**
 * nats.js 3.4 flushes its outbound buffer in a microtask after the first command of a batch, so commands issued
 * from separate promise continuations (every append, ack and live publish of an async pipeline) mostly leave in
 * socket writes of their own: `writeBuffer` was ~9% of the standalone app's CPU at 3k executions/s, and nats-server
 * paid per packet too. This flushes once per event-loop turn instead (setImmediate): everything a turn sends goes in
 * one write, a few microseconds later. And at most one write per MIN_WRITE_INTERVAL_MS: a command sent sooner after
 * the last write waits for the rest of that time. A socket write cost ~50 µs of CPU on this VM (18% of the executor
 * thread at 1k executions/s, where turns are short and each sent a little); sparse traffic is not delayed, busy
 * traffic by under a millisecond. A full buffer is still flushed at once, and flush() (PING) is untouched; close()
 * first writes what is still waiting (nats.js itself would have written it in a microtask, before closing).
 * Protocol lines are encoded with Buffer.from (pooled, ~2× faster than TextEncoder for these short strings): safe,
 * because the outbound buffer only holds the bytes until they are written.
 * If a nats.js update changes these internals, nothing is patched.
 */
type Patchable = {
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
  flushPending(): void;
  close(err?: Error): Promise<void>;
  outbound: { fill(buffer: Uint8Array, ...payloads: Uint8Array[]): void; size(): number };
  pendingLimit: number;
  flushScheduled?: boolean;
  lastWriteMs?: number;
};

/** The least time between two writes of one connection, unless its buffer fills (see above). */
export const MIN_WRITE_INTERVAL_MS = 1;

export function patchNatsWriteCoalescing(): boolean {
  const prototype = ProtocolHandler.prototype as unknown as Patchable & { patchedForCoalescedWrites?: boolean };
  if (prototype.patchedForCoalescedWrites) return true;
  const original = prototype.sendCommand;
  const close = prototype.close;
  if (typeof original !== 'function' || typeof prototype.flushPending !== 'function' || typeof close !== 'function') return false;
  if (!/queueMicrotask/.test(String(original))) return false;
  prototype.sendCommand = function (this: Patchable, cmd, ...payloads) {
    this.outbound.fill(typeof cmd === 'string' ? Buffer.from(cmd) : cmd, ...payloads);
    if (this.outbound.size() >= this.pendingLimit) {
      this.flushPending();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      const waitMs = MIN_WRITE_INTERVAL_MS - (performance.now() - (this.lastWriteMs ?? Number.NEGATIVE_INFINITY));
      const flush = (): void => {
        this.flushScheduled = false;
        this.lastWriteMs = performance.now();
        this.flushPending();
      };
      if (waitMs <= 0) setImmediate(flush);
      else setTimeout(flush, waitMs);
    }
  };
  prototype.close = function (this: Patchable, err?: Error) {
    if (this.flushScheduled) this.flushPending();
    return close.call(this, err);
  };
  prototype.patchedForCoalescedWrites = true;
  return true;
}

patchNatsWriteCoalescing();
