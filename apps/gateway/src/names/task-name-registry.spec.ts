import { ErrorCode, SchedError, toTaskStreamId, type TaskDefinition } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { EventStoreUnavailableError, MemoryEventStore, readState, toEnvelopes, type CausationContext } from '@sched/event-store';
import { CLAIM_GRACE_MS, TaskNameRegistry } from './task-name-registry';

const definition = (name: string): TaskDefinition => ({ name, description: '', executor: 'noop', config: {}, schedules: [], tags: [] });

describe('TaskNameRegistry', () => {
  const t0 = Date.parse('2027-01-01T00:00:00Z');
  const at = (nowMs: number): CausationContext => ({ correlationId: 'c', causationId: 'c', actor: 'test', nowMs });
  let store: MemoryEventStore;
  let names: TaskNameRegistry;

  async function create(taskId: string, name: string, nowMs: number): Promise<void> {
    await names.claim(name, taskId, at(nowMs));
    const events = taskDecider.decide({ type: 'CreateTask', data: { nowMs, taskId, definition: definition(name) } }, taskDecider.initialState());
    await store.append(toTaskStreamId(taskId), toEnvelopes(events, at(nowMs)), { expected: 'no_stream' });
  }

  beforeEach(async () => {
    store = new MemoryEventStore();
    names = new TaskNameRegistry(store);
    await create('a', 'first', t0);
  });

  it('a name a rename has claimed, its TaskUpdated not yet written, is held: a create of it is a CONFLICT (both got it)', async () => {
    await names.claim('second', 'a', at(t0 + 1000)); // task a's rename to "second", under way
    await expect(names.claim('second', 'b', at(t0 + 1005))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a claim whose rename never landed (the process died) is free again after the grace', async () => {
    await names.claim('second', 'a', at(t0 + 1000));
    await expect(names.claim('second', 'b', at(t0 + 1000 + CLAIM_GRACE_MS + 1))).resolves.toBeUndefined();
  });

  it('a task that holds the name under it keeps it past the grace; a deleted one gives it up at once', async () => {
    await expect(names.claim('first', 'b', at(t0 + CLAIM_GRACE_MS * 10))).rejects.toMatchObject({ code: 'CONFLICT' });
    const deleted = taskDecider.decide({ type: 'DeleteTask', data: { taskId: 'a' } }, await readState(store, toTaskStreamId('a'), taskDecider));
    await store.append(toTaskStreamId('a'), toEnvelopes(deleted, at(t0 + 2000)), { expected: 'any' });
    await expect(names.claim('first', 'b', at(t0 + 2001))).resolves.toBeUndefined();
  });

  it('a create refused after its claim gives the name up at once', async () => {
    const refused = new SchedError(ErrorCode.VALIDATION, 'task.create: refused');
    await expect(names.withClaim('second', 'b', at(t0 + 1000), () => Promise.reject(refused))).rejects.toBe(refused);
    await expect(names.claim('second', 'c', at(t0 + 1001))).resolves.toBeUndefined();
  });

  it('a create whose append has an unknown outcome keeps the name; taken over after the grace if the task never came', async () => {
    const unknown = new EventStoreUnavailableError('event store unavailable (append): timed out');
    await expect(names.withClaim('second', 'b', at(t0 + 1000), () => Promise.reject(unknown))).rejects.toBe(unknown);
    await expect(names.claim('second', 'c', at(t0 + 1001))).rejects.toMatchObject({ code: 'CONFLICT', details: { taskId: 'b' } });
    await expect(names.claim('second', 'c', at(t0 + 1000 + CLAIM_GRACE_MS + 1))).resolves.toBeUndefined();
  });
});
