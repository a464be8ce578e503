import { EVENT_SCHEMA_VERSIONS, assertValidEventData, upcast } from './registry';

const stored = (type: string, data: unknown, schemaVersion: number) => ({
  id: 'e1',
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2026-12-06T00:00:00.000Z', schemaVersion },
});

describe('event versions and upcasters', () => {
  it('a v1 TaskTriggered (no config of its own) reads as v2 with the same meaning: the run uses the task config', () => {
    expect(EVENT_SCHEMA_VERSIONS.TaskTriggered).toBe(2);
    const v1 = stored('TaskTriggered', { taskId: 't', executionId: 'x' }, 1);
    expect(upcast(v1)).toEqual({ ...v1, metadata: { ...v1.metadata, schemaVersion: 2 } });
    assertValidEventData('TaskTriggered', upcast(v1).data);
  });

  it('an event at its current version is returned as it is; an unknown type passes through', () => {
    const v2 = stored('TaskTriggered', { taskId: 't', executionId: 'x', config: { steps: 2 } }, 2);
    expect(upcast(v2)).toBe(v2);
    const foreign = stored('SomethingElse', {}, 7);
    expect(upcast(foreign)).toBe(foreign);
  });

  it('every other event type is still at version 1', () => {
    const bumped = Object.entries(EVENT_SCHEMA_VERSIONS).filter(([, version]) => version !== 1).map(([type]) => type);
    expect(bumped).toEqual(['TaskTriggered']);
  });
});
