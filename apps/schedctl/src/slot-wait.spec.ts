import type { ExecutionView, TaskView } from '@sched/contracts';
import { slotWait } from './slot-wait';

const NOW = Date.parse('2030-01-01T00:01:00Z');
const due = (fields: Partial<ExecutionView> = {}) => ({ status: 'due', scheduledAt: '2030-01-01T00:00:00Z', ...fields }) as ExecutionView;
const task = (fields: Partial<TaskView>, running: number) => ({ counts: { total: 5, succeeded: 0, failed: 0, running }, ...fields }) as TaskView;

describe('slotWait: why a due execution has not started', () => {
  it('its task is at its limit and queues (the default) or buffers one', () => {
    expect(slotWait(due(), task({ maxConcurrent: 2 }, 2), NOW)).toBe('for a free slot: 2 of at most 2 running (overlap queue)');
    expect(slotWait(due(), task({ overlap: 'buffer-one' }, 1), NOW)).toBe('for a free slot: 1 of at most 1 running (overlap buffer-one)');
  });

  it('nothing to say below the limit, without a limit, under skip or cancel-other, or before it is due', () => {
    expect(slotWait(due(), task({ maxConcurrent: 2 }, 1), NOW)).toBeUndefined();
    expect(slotWait(due(), task({}, 9), NOW)).toBeUndefined();
    expect(slotWait(due(), task({ maxConcurrent: 1, overlap: 'skip' }, 1), NOW)).toBeUndefined();
    expect(slotWait(due(), task({ maxConcurrent: 1, overlap: 'cancel-other' }, 1), NOW)).toBeUndefined();
    expect(slotWait(due({ scheduledAt: '2030-01-01T00:05:00Z' }), task({ maxConcurrent: 1 }, 1), NOW)).toBeUndefined();
    expect(slotWait(due({ retryAt: '2030-01-01T00:02:00Z' }), task({ maxConcurrent: 1 }, 1), NOW)).toBeUndefined(); // its retry is later
    expect(slotWait(due({ status: 'running' }), task({ maxConcurrent: 1 }, 1), NOW)).toBeUndefined();
  });
});
