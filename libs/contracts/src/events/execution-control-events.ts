import { z } from 'zod';

const attempt = z.number().int().positive();
/** The command's id, so the same command sent again is recognised (idempotent). */
const commandId = z.string().optional();

/**
 * Pausing a running execution is cooperative: the request is recorded at once (ExecutionPauseRequested); the
 * executor's code reaches its next progress call (a checkpoint), the runtime records ExecutionPaused and the code
 * waits there until ExecutionResumed (or a terminate, which aborts it and ends in TaskCancelled).
 */
export const executionPauseRequestedSchema = z.object({ reason: z.string().optional(), commandId });
/** The attempt's code is waiting at a checkpoint. */
export const executionPausedSchema = z.object({ attempt });
/**
 * The pause is over. With the attempt's worker still holding it, the same attempt goes on; when that attempt ended
 * meanwhile (its worker was lost, or it timed out while paused), a TaskRetried in the same commit starts a new one.
 */
export const executionResumedSchema = z.object({ commandId });

type Ev<T extends string, S extends z.ZodType> = { type: T; data: z.infer<S> };
export type ExecutionPauseRequested = Ev<'ExecutionPauseRequested', typeof executionPauseRequestedSchema>;
export type ExecutionPaused = Ev<'ExecutionPaused', typeof executionPausedSchema>;
export type ExecutionResumed = Ev<'ExecutionResumed', typeof executionResumedSchema>;

export const EXECUTION_CONTROL_EVENT_SCHEMAS = {
  ExecutionPauseRequested: executionPauseRequestedSchema,
  ExecutionPaused: executionPausedSchema,
  ExecutionResumed: executionResumedSchema,
} as const;
