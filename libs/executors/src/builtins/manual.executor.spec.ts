import { manualExecutor } from './manual.executor';
import { runExecutor } from '../testing/run-executor';

describe('manual executor', () => {
  it('succeeds with the configured result when triggered', async () => {
    await expect(runExecutor(manualExecutor, { result: { approvedBy: 'ana' } }, { reason: 'trigger' }).result).resolves.toEqual({ approvedBy: 'ana' });
  });
  it('refuses to run from a schedule, without retry', async () => {
    await expect(runExecutor(manualExecutor, {}, { reason: 'schedule' }).result).rejects.toMatchObject({ type: 'NotTriggered', retryable: false });
  });
});
