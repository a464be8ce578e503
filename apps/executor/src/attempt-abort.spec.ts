import { AttemptAbort } from './attempt-abort';

describe('AttemptAbort', () => {
  it('keeps the first reason and calls each listener once', () => {
    const abort = new AttemptAbort();
    const calls: string[] = [];
    abort.onAbort(() => calls.push('a'));
    abort.onAbort(() => calls.push('b'));
    expect(abort.aborted).toBe(false);
    abort.abort({ kind: 'cancel' });
    abort.abort({ kind: 'shutdown' });
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toEqual({ kind: 'cancel' });
    expect(calls).toEqual(['a', 'b']);
  });

  it('calls a listener added after the abort at once', () => {
    const abort = new AttemptAbort();
    abort.abort({ kind: 'lost' });
    const listener = jest.fn();
    abort.onAbort(listener);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('does not call a removed listener', () => {
    const abort = new AttemptAbort();
    const kept = jest.fn();
    const removed = jest.fn();
    abort.onAbort(kept);
    abort.onAbort(removed)();
    abort.abort({ kind: 'shutdown' });
    expect(kept).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
  });

  it('hands executor code a signal that aborts with the same reason, later or already', () => {
    const early = new AttemptAbort();
    const signal = early.signal;
    const onAbort = jest.fn();
    signal.addEventListener('abort', onAbort);
    expect(signal.aborted).toBe(false);
    early.abort({ kind: 'timeout', timeout: 'startToClose', timeoutMs: 50 });
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual({ kind: 'timeout', timeout: 'startToClose', timeoutMs: 50 });
    expect(onAbort).toHaveBeenCalledTimes(1);

    const late = new AttemptAbort();
    late.abort({ kind: 'cancel' });
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toEqual({ kind: 'cancel' });
    expect(late.signal).toBe(late.signal); // one signal per attempt
  });
});
