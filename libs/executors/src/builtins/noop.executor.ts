import { z } from 'zod';
import type { TaskExecutor } from '../task-executor';

/** Does nothing and succeeds: for wiring checks and benchmarks. */
export const noopExecutor: TaskExecutor<Record<string, unknown>> = {
  type: 'noop',
  description: 'Does nothing and succeeds at once.',
  configSchema: z.record(z.string(), z.unknown()),
  effectFree: true,
  execute: async () => undefined,
  neverPauses: true,
};
