import { z } from 'zod';
import { ExecutorError, type TaskExecutor } from '../task-executor';

const manualConfigSchema = z.object({
  /** What a triggered run records as its result (e.g. who approved what). */
  result: z.unknown().optional(),
}).strict();
type ManualConfig = z.output<typeof manualConfigSchema>;

/**
 * A task that runs only when someone triggers it (`sched.cmd.task.trigger`): a manual step, an approval, a button.
 * An occurrence that came from a schedule fails without retry, so a schedule added by mistake shows up at once.
 */
export const manualExecutor: TaskExecutor<ManualConfig> = {
  type: 'manual',
  description: 'Runs only by trigger and succeeds with the configured `result`.',
  configSchema: manualConfigSchema,
  effectFree: true,
  async execute({ config, execution, logger }) {
    if (execution.reason !== 'trigger') {
      throw new ExecutorError('manual tasks run only when triggered, not on a schedule', 'NotTriggered', false);
    }
    logger.info('triggered by hand');
    return config.result ?? { triggered: true };
  },
};
