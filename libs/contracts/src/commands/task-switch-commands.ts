import { z } from 'zod';
import { commandBase, idSchema } from './task-commands';

/** `sched.cmd.task.disable`: off the timer entirely until enabled again (not the same as pause). */
export const disableTaskPayloadSchema = z
  .object({ ...commandBase, taskId: idSchema, reason: z.string().max(1000).optional() })
  .strict();
/** `sched.cmd.task.enable`: back on the timer, from now (what fell due while disabled is not fired). */
export const enableTaskPayloadSchema = z.object({ ...commandBase, taskId: idSchema }).strict();

export type DisableTaskPayload = z.output<typeof disableTaskPayloadSchema>;
export type EnableTaskPayload = z.output<typeof enableTaskPayloadSchema>;

/** The seed's retry fields: `maxRetries` retries after the first attempt, `retryInterval` apart (fixed backoff). */
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_INTERVAL_MS = 60_000;
