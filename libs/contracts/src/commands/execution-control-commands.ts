import { z } from 'zod';
import { commandBase, madeIdSchema } from './task-commands';

const executionCommand = { ...commandBase, executionId: madeIdSchema, reason: z.string().max(1000).optional() };

/** `sched.cmd.execution.pause`: a running execution's code waits at its next progress call until resumed. */
export const pauseExecutionPayloadSchema = z.object(executionCommand).strict();
/** `sched.cmd.execution.resume`: a paused execution goes on (a new attempt when its worker is gone). */
export const resumeExecutionPayloadSchema = z.object({ ...commandBase, executionId: madeIdSchema }).strict();
/** `sched.cmd.execution.terminate`: the running (or paused) attempt is aborted and the execution ends TaskCancelled. */
export const terminateExecutionPayloadSchema = z.object(executionCommand).strict();

export type PauseExecutionPayload = z.output<typeof pauseExecutionPayloadSchema>;
export type ResumeExecutionPayload = z.output<typeof resumeExecutionPayloadSchema>;
export type TerminateExecutionPayload = z.output<typeof terminateExecutionPayloadSchema>;
