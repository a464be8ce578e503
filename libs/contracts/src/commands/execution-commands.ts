import { z } from 'zod';
import { commandBase, madeIdSchema } from './task-commands';

/** `sched.cmd.execution.cancel`: a due execution is cancelled at once, a running one once its executor aborts it. */
export const cancelExecutionPayloadSchema = z
  .object({ ...commandBase, executionId: madeIdSchema, reason: z.string().max(1000).optional() })
  .strict();
export type CancelExecutionPayload = z.output<typeof cancelExecutionPayloadSchema>;

/** What a successful execution command replies. */
export interface ExecutionCommandResult {
  readonly executionId: string;
  /** Revision of the execution stream after the command. */
  readonly revision: number;
  /** Global position of the last event appended (absent when nothing was appended). */
  readonly position?: number;
  readonly events: readonly string[];
}
