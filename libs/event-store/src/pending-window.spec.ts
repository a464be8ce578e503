import type { RecordedEvent } from '@sched/contracts';
import { PendingWindow } from './pending-window';

const event = (position: number) => ({ position }) as RecordedEvent;
const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PendingWindow', () => {
  it('completes events in order, only once everything before them settled', async () => {
    const completed: number[] = [];
    const window = new PendingWindow((e) => completed.push(e.position));
    const [a, b] = [deferred(), deferred()];
    window.add(event(1));
    window.add(event(2), a.promise);
    window.add(event(3), b.promise);
    window.add(event(4));
    b.resolve();
    await tick();
    expect(completed).toEqual([1]);
    a.resolve();
    await window.settle();
    expect(completed).toEqual([1, 2, 3, 4]);
  });

  it('stops completing at the first failure and bounds what is pending', async () => {
    const completed: number[] = [];
    const window = new PendingWindow((e) => completed.push(e.position));
    const [a, b] = [deferred(), deferred()];
    window.add(event(1), a.promise);
    window.add(event(2), b.promise);
    const below = window.waitBelow(2);
    a.reject(new Error('no ack'));
    await below;
    b.resolve();
    await window.settle();
    expect(completed).toEqual([]);
    expect(window.failure?.event.position).toBe(1);
  });
});
