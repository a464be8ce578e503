import type { WorkflowRunView } from '@sched/contracts';
import { workflowRunTable } from './render-workflow';

describe('schedctl workflow list', () => {
  it('counts cancelled steps in a column of their own (a cancelled run read 0/0/3/5 before)', () => {
    const run: WorkflowRunView = {
      runId: 'r1',
      taskId: 't1',
      status: 'cancelled',
      mode: 'parallel',
      onFailure: 'stop',
      maxParallel: 8,
      startedAt: '2026-12-07T03:00:00.000Z',
      counts: { pending: 0, running: 0, succeeded: 0, failed: 0, skipped: 3, cancelled: 2 },
      position: 1,
    };
    const [header, row] = workflowRunTable([run]).split('\n');
    expect(header).toMatch(/OK\/FAILED\/CANCELLED\/SKIPPED\/TOTAL$/);
    expect(row).toMatch(/^r1\s+t1\s+cancelled\s+.*\s0\/0\/2\/3\/5$/);
  });
});
