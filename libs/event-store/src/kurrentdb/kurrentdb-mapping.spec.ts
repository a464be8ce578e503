import { ANY, NO_STREAM, START, type AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import { exactTypesRegex, toServerFilter } from './kurrentdb-filter';
import { fromPortPosition, toEventData, toPortPosition, toRecordedEvent, toStreamState } from './kurrentdb-mapping';

const metadata = { correlationId: 'c', causationId: 'k', occurredAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 };

function resolved(streamId: string, revision: bigint, logPosition: bigint): AllStreamResolvedEvent {
  return {
    event: {
      streamId,
      id: '5f0c4a59-2b7e-4c35-9e0b-3f1f4c1b2a10',
      revision,
      type: 'TaskCreated',
      data: { name: 'x' },
      metadata,
      isJson: true,
      created: new Date(0),
      position: { commit: logPosition, prepare: logPosition },
    },
    commitPosition: logPosition,
  };
}

describe('KurrentDB position and revision mapping', () => {
  it('uses the log position as the global position and maps "after" back to that exact $all position', () => {
    expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234);
    expect(fromPortPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    expect(fromPortPosition(toPortPosition({ commit: 98_765n, prepare: 98_765n }))).toEqual({ commit: 98_765n, prepare: 98_765n });
  });

  it("treats position 0 ('start') as the start of $all", () => {
    expect(fromPortPosition(0)).toBe(START);
  });

  it('refuses a position beyond the safe integer range instead of rounding it', () => {
    expect(() => toPortPosition({ commit: 2n ** 60n, prepare: 2n ** 60n })).toThrow(RangeError);
  });

  it("maps expected versions: 'no_stream' and -1 → NO_STREAM, 'any' → ANY, a number → that revision", () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState(-1)).toBe(NO_STREAM);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it('maps a resolved event to a RecordedEvent: revision as number, namespace stripped, metadata kept', () => {
    const event = toRecordedEvent(resolved('ns1_task-abc', 3n, 5000n), 'ns1_');
    expect(event).toEqual({
      id: '5f0c4a59-2b7e-4c35-9e0b-3f1f4c1b2a10',
      type: 'TaskCreated',
      data: { name: 'x' },
      metadata,
      streamId: 'task-abc',
      revision: 3,
      position: 5000,
    });
  });

  it('skips system streams, other namespaces and unresolved links', () => {
    expect(toRecordedEvent(resolved('$sched-checkpoint-p', 0n, 10n), '')).toBeUndefined();
    expect(toRecordedEvent(resolved('$$task-abc', 0n, 10n), '')).toBeUndefined();
    expect(toRecordedEvent(resolved('other_task-abc', 0n, 10n), 'ns1_')).toBeUndefined();
    expect(toRecordedEvent({ commitPosition: 10n }, '')).toBeUndefined();
  });

  it('appends with our envelope id, type, data and metadata as JSON', () => {
    const envelope = { id: '5f0c4a59-2b7e-4c35-9e0b-3f1f4c1b2a10', type: 'TaskDue', data: { at: 1 }, metadata };
    expect(toEventData(envelope)).toEqual({ ...envelope, contentType: 'application/json' });
    expect(toEventData({ ...envelope, data: undefined }).data).toBeNull();
  });
});

describe('KurrentDB server-side filter', () => {
  it('filters on stream name prefixes (namespaced) when given, leaving event types to the client', () => {
    expect(toServerFilter({ streamPrefixes: ['task-', 'execution-'], eventTypes: ['TaskDue'] }, 'ns_')).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['ns_task-', 'ns_execution-'],
    });
  });

  it('filters on exact event types otherwise', () => {
    const filter = toServerFilter({ eventTypes: ['TaskDue', 'Task.Retried'] }, '');
    expect(filter).toMatchObject({ filterOn: 'eventType', regex: '^(?:TaskDue|Task\\.Retried)$' });
    const regex = new RegExp(exactTypesRegex(['TaskDue', 'Task.Retried']));
    expect(['TaskDue', 'Task.Retried'].every((type) => regex.test(type))).toBe(true);
    expect(['TaskDueLater', 'XTaskDue', 'TaskXRetried'].some((type) => regex.test(type))).toBe(false);
  });

  it('without criteria keeps system streams out, or keeps to the namespace', () => {
    const all = toServerFilter(undefined, '');
    expect(all).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
    const regex = new RegExp((all as { regex: string }).regex);
    expect(regex.test('task-1')).toBe(true);
    expect(regex.test('$sched-checkpoint-relay')).toBe(false);
    expect(regex.test('$$task-1')).toBe(false);
    expect(toServerFilter({ streamPrefixes: [], eventTypes: [] }, 'ns_')).toMatchObject({ filterOn: 'streamName', prefixes: ['ns_'] });
  });
});
