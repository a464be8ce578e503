import { useTestNatsConnections } from '../../../../test/support/nats';
import { TASK_SLOT_LEASE_MS, TaskSlotLeases, queuedRecheckMs } from './task-slot-leases';
import { typeConcurrency } from '@sched/messaging';
import { TypeLimits } from './type-limits';

/** Two lease holders on separate connections stand for two executor processes. */
describe('task slot leases (maxConcurrent across processes, NATS KV)', () => {
  const servers = useTestNatsConnections();
  let now = 1_000_000;
  const clock = () => now;
  const process = async () => TaskSlotLeases.open(await servers.connect(), clock);

  it('two processes together hold at most maxConcurrent slots of a task', async () => {
    const [a, b] = [await process(), await process()];
    const attempts = await Promise.all(['e1', 'e2', 'e3', 'e4', 'e5'].map((id, i) => (i % 2 ? a : b).acquire('task@1:x', 2, id)));
    expect(attempts.filter(Boolean)).toHaveLength(2);
    // Released slots are free again; other tasks are unaffected.
    await Promise.all(attempts.filter(Boolean).map((lease) => lease!.release()));
    expect(await a.acquire('task@1:x', 2, 'e6')).toBeDefined();
    expect(await b.acquire('other', 1, 'e7')).toBeDefined();
  });

  it('a crashed holder (no refresh) loses its slot after the lease time; a refreshed one keeps it', async () => {
    const [a, b] = [await process(), await process()];
    const crashed = await a.acquire('t2', 2, 'dead');
    const alive = await a.acquire('t2', 2, 'alive');
    expect(crashed && alive).toBeDefined();
    expect(await b.acquire('t2', 2, 'waiting')).toBeUndefined();
    now += TASK_SLOT_LEASE_MS - 1000;
    await alive!.refresh();
    now += 2000;
    expect(await b.acquire('t2', 2, 'waiting')).toBeDefined();
    expect(await b.acquire('t2', 2, 'another')).toBeUndefined();
  });

  it('queued executions take a freed slot in the order of their instants, whoever comes back first', async () => {
    const [a, b] = [await process(), await process()];
    const first = await a.acquire('t4', 1, 'running', { queuedAtMs: 100 });
    expect(first).toBeDefined();
    expect(await a.acquire('t4', 1, 'second', { queuedAtMs: 200 })).toBeUndefined(); // each records its place
    expect(await b.acquire('t4', 1, 'third', { queuedAtMs: 300 })).toBeUndefined();
    await first!.release();
    expect(await b.acquire('t4', 1, 'third', { queuedAtMs: 300 })).toBeUndefined(); // back first, but second is owed the slot
    const second = await a.acquire('t4', 1, 'second', { queuedAtMs: 200 });
    expect(second).toBeDefined();
    await second!.release();
    expect(await b.acquire('t4', 1, 'third', { queuedAtMs: 300 })).toBeDefined();
  });

  it('far back in a long queue an execution is told to come back later, and its place holds until then', async () => {
    const a = await process();
    const running = await a.acquire('t-long', 1, 'running', { queuedAtMs: 1 });
    const refusals = [];
    for (let i = 0; i < 40; i += 1) refusals.push(await a.tryAcquire('t-long', 1, `q${i}`, { queuedAtMs: 10 + i }));
    expect(refusals.map((refused) => ('retryInMs' in refused ? refused.retryInMs : undefined)).filter((_, i) => [0, 2, 10, 39].includes(i))).toEqual([1_000, 1_000, 5_000, 19_500]);
    await running!.release();
    now += 15_000; // the head came back in time; the last is away for 19.5 s and keeps its place behind it
    expect(await a.tryAcquire('t-long', 1, 'q0', { queuedAtMs: 10 })).toHaveProperty('release');
    expect(await a.tryAcquire('t-long', 1, 'late', { queuedAtMs: 1_000 })).toEqual({ retryInMs: expect.any(Number) });
    expect(queuedRecheckMs(10_000, 1)).toBe(30_000);
    expect(queuedRecheckMs(0, 4)).toBe(1_000);
  });

  it('a queued execution that stops coming back loses its place a few seconds after its next check was due', async () => {
    const [a, b] = [await process(), await process()];
    const running = await a.acquire('t5', 1, 'running', { queuedAtMs: 100 });
    expect(await a.acquire('t5', 1, 'gone', { queuedAtMs: 200 })).toBeUndefined(); // then cancelled, say: it never comes back
    expect(await b.acquire('t5', 1, 'later', { queuedAtMs: 300 })).toBeUndefined();
    await running!.release();
    expect(await b.acquire('t5', 1, 'later', { queuedAtMs: 300 })).toBeUndefined();
    now += 6_001; // its next check (at the head: a second) and the 5 s lease after it
    expect(await b.acquire('t5', 1, 'later', { queuedAtMs: 300 })).toBeDefined();
  });

  it('a queued execution that ended while it waited (cancelled) gives its place up at once', async () => {
    const a = await process();
    const running = await a.acquire('t5b', 1, 'running', { queuedAtMs: 100 });
    expect(await a.acquire('t5b', 1, 'cancelled', { queuedAtMs: 200 })).toBeUndefined();
    expect(await a.acquire('t5b', 1, 'x_cancelled', { queuedAtMs: 250 })).toBeUndefined(); // its id ends like the other's
    await running!.release();
    await a.leaveWaiting('t5b', 'cancelled');
    expect(await a.acquire('t5b', 1, 'later', { queuedAtMs: 300 })).toBeUndefined(); // x_cancelled still waits before it
    await a.leaveWaiting('t5b', 'x_cancelled');
    expect(await a.acquire('t5b', 1, 'later', { queuedAtMs: 300 })).toBeDefined();
  });

  it('with max 2, one free slot goes to the first queued, not to a later one', async () => {
    const a = await process();
    const holders = [await a.acquire('t6', 2, 'r1', { queuedAtMs: 1 }), await a.acquire('t6', 2, 'r2', { queuedAtMs: 2 })];
    expect(await a.acquire('t6', 2, 'q1', { queuedAtMs: 10 })).toBeUndefined();
    expect(await a.acquire('t6', 2, 'q2', { queuedAtMs: 20 })).toBeUndefined();
    await holders[0]!.release();
    expect(await a.acquire('t6', 2, 'q2', { queuedAtMs: 20 })).toBeUndefined();
    expect(await a.acquire('t6', 2, 'q1', { queuedAtMs: 10 })).toBeDefined();
  });

  it('buffer-one: a free slot goes to the one waiting, not a first attempt arriving as it frees; a retry does not wait', async () => {
    const a = await process();
    const running = await a.acquire('t7', 1, 'running', { yieldsToWaiter: true });
    expect(await a.wait('t7', 'waiting', 200)).toBe(true);
    expect(await a.wait('t7', 'third', 300)).toBe(false); // one place only
    await running!.release();
    expect(await a.acquire('t7', 1, 'fresh', { yieldsToWaiter: true })).toBeUndefined();
    expect(await a.acquire('t7', 1, 'a-retry')).toBeDefined(); // its execution ran already: it waits behind no one
  });

  it('buffer-one: a waiter that ended gives its place up at once; one that stops coming back, after a few seconds', async () => {
    const a = await process();
    expect(await a.wait('t8', 'cancelled', 200)).toBe(true);
    await a.leaveWaiting('t8', 'cancelled');
    expect(await a.acquire('t8', 1, 'fresh', { yieldsToWaiter: true })).toBeDefined();
    const b = await process();
    expect(await b.wait('t9', 'crashed', 200)).toBe(true);
    expect(await b.acquire('t9', 1, 'fresh', { yieldsToWaiter: true })).toBeUndefined();
    now += 4_001;
    expect(await b.acquire('t9', 1, 'fresh', { yieldsToWaiter: true })).toBeDefined();
  });

  it('cancel-other: the newest takes a free slot at once and an older one never runs after it', async () => {
    const a = await process();
    expect(await a.wait('t10', 'b', 200, true)).toBe(true); // b waits for a's cancel
    const c = await a.acquire('t10', 1, 'c', { newestAtMs: 300 }); // a ended: c, newer, runs at once
    expect(c).toBeDefined();
    expect(await a.acquire('t10', 1, 'b', { newestAtMs: 200 })).toBeUndefined();
    expect(await a.wait('t10', 'b', 200, true)).toBe(false); // b is skipped, it does not cancel c
    await c!.release();
    expect(await a.acquire('t10', 1, 'b', { newestAtMs: 200 })).toBeUndefined(); // not even once c has ended
    expect(await a.acquire('t10', 1, 'd', { newestAtMs: 400 })).toBeDefined();
  });

  it('an execution that holds a slot (its retry after WorkerLost) takes it over', async () => {
    const [a, b] = [await process(), await process()];
    expect(await a.acquire('t3', 1, 'e1')).toBeDefined();
    expect(await b.acquire('t3', 1, 'e1')).toBeDefined();
    expect(await b.acquire('t3', 1, 'e2')).toBeUndefined();
  });
});

describe('per-type limits in one process', () => {
  it('parses EXECUTOR_TYPE_CONCURRENCY and counts per type', () => {
    const limits = new TypeLimits(typeConcurrency('http=2, command=1'));
    expect([limits.tryTake('http'), limits.tryTake('http'), limits.tryTake('http')]).toEqual([true, true, false]);
    expect(limits.tryTake('noop')).toBe(true); // not limited
    limits.release('http');
    expect(limits.tryTake('http')).toBe(true);
    expect(() => typeConcurrency('http=0')).toThrow(/EXECUTOR_TYPE_CONCURRENCY/);
    expect(() => typeConcurrency('http')).toThrow(/<type>=<positive integer>/);
  });
});
