import { toExecutionStreamId, type EventEnvelope } from '@sched/contracts';
import { EventStoreUnavailableError, type MemoryEventStore } from '@sched/event-store';
import { ExecutionActor } from './execution-actor';
import { scheduled } from './testing/scheduled-execution';

const types = async (store: MemoryEventStore) => (await store.read(toExecutionStreamId('e1'))).map((event) => event.type);

/**
 * The store fails the appends holding a TaskSucceeded as `plan` says, in turn: 'refuse' (nothing written) or 'lose'
 * (written, then the caller is told the store was unavailable, as when its ack never came); the ids of every try.
 */
function flaky(store: MemoryEventStore, plan: ('refuse' | 'lose')[]): string[][] {
  const tries: string[][] = [];
  const append = store.append.bind(store);
  store.append = async (streamId, events: readonly EventEnvelope[], options) => {
    if (!events.some((event) => event.type === 'TaskSucceeded')) return append(streamId, events, options);
    tries.push(events.map((event) => event.id));
    const step = plan.shift();
    if (step === 'lose') await append(streamId, events, options);
    if (step) throw new EventStoreUnavailableError('event store unavailable (append): timeout');
    return append(streamId, events, options);
  };
  return tries;
}

describe('an attempt\'s outcome through an unavailable store (OutcomeDurability)', () => {
  it('is tried again, the same commit, until the store takes it: recorded once', async () => {
    const store = await scheduled();
    const tries = flaky(store, ['refuse', 'refuse']);
    const actor = new ExecutionActor(store, 'e1', 'w');
    const onRetry = jest.fn();
    actor.outcomeDurability = { retryWhile: () => true, onRetry, pauseMs: 1 };
    await actor.load();
    await actor.start(1, 60_000); // held: it goes with the outcome
    await actor.succeed(1, { ok: true }, []);
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((ids) => ids.join()))).toEqual(new Set([tries[0].join()])); // the same events each time
    expect(onRetry).toHaveBeenCalledTimes(2);
    expect(actor.current.status).toBe('succeeded');
  });

  it('a try that did land though the store gave up on it: the next one finds it in the stream, not written twice', async () => {
    const store = await scheduled();
    const tries = flaky(store, ['lose']);
    const actor = new ExecutionActor(store, 'e1', 'w');
    actor.outcomeDurability = { retryWhile: () => true, pauseMs: 1 };
    await actor.load();
    await actor.start(1, 60_000);
    await actor.succeed(1, { ok: true }, []);
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(tries).toHaveLength(2);
    expect(actor.current.status).toBe('succeeded');
    expect(actor.holdsStart).toBe(false);
  });

  it('once retryWhile says no (the process stops), or without it, the error goes to the caller as before', async () => {
    for (const durability of [{ retryWhile: () => false, pauseMs: 1 }, undefined]) {
      const store = await scheduled();
      flaky(store, ['refuse']);
      const actor = new ExecutionActor(store, 'e1', 'w');
      actor.outcomeDurability = durability;
      await actor.load();
      await actor.start(1);
      await expect(actor.succeed(1, { ok: true }, [])).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(await types(store)).toEqual(['TaskDue', 'TaskStarted']);
    }
  });

  it('progress reports are not held up: one the store was unavailable for is given up at once', async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    actor.outcomeDurability = { retryWhile: () => true, pauseMs: 1 };
    await actor.load();
    await actor.start(1);
    const append = store.append.bind(store);
    store.append = async () => {
      throw new EventStoreUnavailableError('event store unavailable (append): timeout');
    };
    await expect(actor.progress(1, { percent: 50 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    store.append = append;
    await actor.succeed(1, { ok: true }, []);
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
  });
});
