import type { TimeoutKind } from './attempt-watchdog';

/** Why an attempt was aborted (its AbortSignal's `reason`). */
export type AbortReason =
  | { readonly kind: 'cancel' }
  | { readonly kind: 'timeout'; readonly timeout: TimeoutKind; readonly timeoutMs: number }
  | { readonly kind: 'shutdown' }
  /** Another writer owns the execution now (it declared this worker lost): stop without recording anything. */
  | { readonly kind: 'lost' };

/**
 * An attempt's abort: the first reason wins, the runtime's own listeners are plain callbacks, and the AbortSignal
 * handed to executor code is made only when that code reads it. Why not an AbortController per attempt: creating
 * its signal (an EventTarget) and listening on it was ~4% of the executor thread's CPU at saturation, and ~5% of
 * the bytes each execution had promoted to the old generation, for the many executors (noop, most of what a burst
 * runs) that never look at the signal.
 */
export class AttemptAbort {
  private controller?: AbortController;
  private why?: AbortReason;
  private listeners: Array<() => void> = [];

  get aborted(): boolean {
    return this.why !== undefined;
  }

  get reason(): AbortReason | undefined {
    return this.why;
  }

  /** The signal for executor code: aborted already if the attempt was, and aborted with the same reason later. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.why) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  /** Aborts with `reason` unless already aborted; the runtime's listeners run first, then the signal's. */
  abort(reason: AbortReason): void {
    if (this.why) return;
    this.why = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
    this.controller?.abort(reason);
  }

  /** Calls `listener` once when aborted (at once if it already was); the returned function removes it. */
  onAbort(listener: () => void): () => void {
    if (this.why) {
      listener();
      return () => undefined;
    }
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }
}
