import type { RecordedEvent } from '@sched/contracts';
import type { ExecutionRow, TaskRow } from '../projections';
import { MemoryRows } from './memory-rows';

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface ExpectedRows {
  readonly task?: DeepPartial<TaskRow> | null;
  readonly execution?: DeepPartial<ExecutionRow> | null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Like toMatchObject, but `key: undefined` asserts the key is absent or undefined (rows use both). */
function expectPartial(actual: unknown, wanted: unknown, path: string): void {
  if (!isPlainObject(wanted)) {
    expect({ [path]: actual }).toEqual({ [path]: wanted });
    return;
  }
  expect({ [path]: isPlainObject(actual) }).toEqual({ [path]: true });
  for (const [key, value] of Object.entries(wanted)) expectPartial((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
}

const snapshot = (rows: MemoryRows) => ({ tasks: [...rows.tasks], executions: [...rows.executions] });

/**
 * `given(history).when(events).then({ task, execution })` for the read-model projections, in the style of the
 * domain's decider specs. `when` events are folded as a batch of their own after the history's batch.
 */
export function projectionSpec(taskId: string, executionId: string) {
  return (...history: RecordedEvent[]) => ({
    when: (...events: RecordedEvent[]) => {
      const rows = new MemoryRows().apply(...history);
      const before = snapshot(rows);
      rows.apply(...events);
      return {
        rows,
        then: (expected: ExpectedRows) => {
          if (expected.task !== undefined) expectPartial(rows.task(taskId), expected.task, 'task');
          if (expected.execution !== undefined) expectPartial(rows.execution(executionId), expected.execution, 'execution');
        },
        thenNothingHappened: () => expect(snapshot(rows)).toEqual(before),
      };
    },
  });
}
