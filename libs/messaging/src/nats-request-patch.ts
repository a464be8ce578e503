import { RequestOne } from '@nats-io/nats-core/internal';

/**
 * nats.js 3.4 answers every request through RequestOne.resolver(), which settles the request's promise and then
 * calls cancel() — and cancel() builds `new RequestError("cancelled")` (an Error, so a captured stack trace) to
 * reject the promise it just settled, a no-op. At thousands of requests a second (every JetStream publish is one)
 * that discarded Error cost ~4% of the standalone app's CPU. After an answer, this skips only that Error: the timer
 * is still cleared and the request still leaves the mux, as cancel() does. An explicit cancel (a timeout, a closed
 * connection) is untouched. If a nats.js update changes these internals, nothing is patched.
 */
type Patchable = {
  resolver(err: Error | null, msg: unknown): void;
  cancel(err?: Error): void;
  timer?: { cancel(): void };
  mux?: { cancel(request: unknown): void };
  answered?: boolean;
};

export function patchNatsRequestCancel(): boolean {
  const prototype = RequestOne.prototype as unknown as Patchable & { patchedForAnsweredCancel?: boolean };
  if (prototype.patchedForAnsweredCancel) return true;
  const { resolver, cancel } = prototype;
  if (typeof resolver !== 'function' || typeof cancel !== 'function') return false;
  prototype.resolver = function (this: Patchable, err, msg) {
    this.answered = true;
    resolver.call(this, err, msg);
  };
  prototype.cancel = function (this: Patchable, err?: Error) {
    if (err !== undefined || !this.answered || !this.mux) return cancel.call(this, err);
    this.timer?.cancel();
    this.mux.cancel(this);
  };
  prototype.patchedForAnsweredCancel = true;
  return true;
}

patchNatsRequestCancel();
