import { z } from 'zod';
import { parseDurationMs } from '@sched/contracts';
import type { TaskExecutor } from '../task-executor';
import { abortableDelay } from './abortable-delay';

const sleepConfigSchema = z
  .object({
    /** How long to sleep: "2s", "500ms" or milliseconds. */
    duration: z.union([z.string(), z.number()]).default(1000),
    /** How many progress reports to make along the way. */
    steps: z.number().int().min(1).max(1000).default(4),
  })
  .strict()
  .transform((config, ctx) => {
    const durationMs = parseDurationMs(config.duration);
    if (durationMs === undefined || durationMs < 0 || durationMs > 86_400_000) {
      const message = durationMs === undefined ? `duration must be a duration such as "2s" or "500ms", or ms: got ${JSON.stringify(config.duration)}` : 'duration must be between 0 and 1d, e.g. "2s"';
      ctx.addIssue({ code: 'custom', path: ['duration'], message });
      return z.NEVER;
    }
    return { durationMs, steps: config.steps };
  });
type SleepConfig = z.output<typeof sleepConfigSchema>;

/** Sleeps for a while in steps, reporting progress after each: for demos and tests of progress and cancellation. */
export const sleepExecutor: TaskExecutor<SleepConfig> = {
  type: 'sleep',
  description: 'Sleeps for `duration`, reporting progress `steps` times.',
  configSchema: sleepConfigSchema as unknown as z.ZodType<SleepConfig>,
  effectFree: true,
  async execute({ config, signal, progress }) {
    const stepMs = config.durationMs / config.steps;
    for (let step = 1; step <= config.steps; step += 1) {
      await abortableDelay(stepMs, signal);
      await progress(Math.round((step / config.steps) * 100), `step ${step}/${config.steps}`);
    }
    return { sleptMs: config.durationMs };
  },
};
