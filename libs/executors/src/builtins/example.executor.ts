import { z } from 'zod';
import { ExecutorError, type TaskExecutor } from '../task-executor';
import { abortableDelay } from './abortable-delay';
import { durationMsField } from './duration-config';

const exampleConfigSchema = z.object({
  /** How long the whole run takes: "10s", "500ms" or milliseconds (default 10 s). */
  duration: durationMsField('duration', 0, 86_400_000).optional(),
  /** Chance that a run succeeds, 0..1 (default 1): a failed run throws a retryable ExampleFailure. */
  successRate: z.number().min(0).max(1).default(1),
  /** Items processed, one per step, each reported as item progress (default 10). */
  steps: z.number().int().min(1).max(10_000).default(10),
}).strict();
type ExampleConfig = z.output<typeof exampleConfigSchema>;

const DEFAULT_DURATION_MS = 10_000;

/**
 * The seed's example executor, for demos and tests: processes `steps` items over `duration`, reporting item progress
 * (so it can be paused, resumed and terminated at every step), then succeeds with probability `successRate`.
 */
export const exampleExecutor: TaskExecutor<ExampleConfig> = {
  type: 'example',
  description: 'Processes `steps` items over `duration` with item progress, then succeeds with probability `successRate`.',
  configSchema: exampleConfigSchema as unknown as z.ZodType<ExampleConfig>,
  effectFree: true,
  async execute({ config, signal, progressItems, logger }) {
    const durationMs = config.duration ?? DEFAULT_DURATION_MS;
    const stepMs = durationMs / config.steps;
    for (let step = 1; step <= config.steps; step += 1) {
      await abortableDelay(stepMs, signal);
      await progressItems({ processed: step, total: config.steps, current: `item ${step}` });
    }
    // Math.random() < 1 always and never < 0: successRate 1 always succeeds, 0 always fails.
    if (Math.random() >= config.successRate) {
      throw new ExecutorError(`example run failed (successRate ${config.successRate})`, 'ExampleFailure', true);
    }
    logger.info(`processed ${config.steps} items`);
    return { items: config.steps, durationMs };
  },
};
