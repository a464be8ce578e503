import type { ExecutionView } from '@sched/contracts';
import { executionFields } from './render';

const execution = (status: ExecutionView['status']): ExecutionView => ({
  executionId: 't-1@1',
  taskId: 't-1',
  status,
  reason: 'trigger',
  executor: 'example',
  scheduledAt: '2030-01-01T12:00:00.000Z',
  attempt: 1,
  retryCount: 0,
  progress: { percent: 40, processedItems: 4, totalItems: 10, estimatedEndAt: '2030-01-01T12:00:09.000Z' },
  updatedAt: '2030-01-01T12:00:04.000Z',
  position: 5,
});

describe('executionFields: progress', () => {
  it('shows the ETA of a running execution only (a paused or ended one keeps the stale estimate out)', () => {
    expect(executionFields(execution('running'))).toMatch(/progress: +40%, 4\/10 items, ETA 2030-01-01 12:00:09Z/);
    for (const status of ['paused', 'cancelled', 'failed', 'succeeded'] as const) {
      const shown = executionFields(execution(status));
      expect(shown).toMatch(/progress: +40%, 4\/10 items\n/);
      expect(shown).not.toContain('ETA');
    }
  });
});
