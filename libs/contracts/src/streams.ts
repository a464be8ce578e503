import { runIdOfStream } from './workflow/workflow-ids';
/**
 * Stream names. Ids become NATS subject tokens (es.<category>.<id>, sched.evt.execution.<taskId>.<executionId>...),
 * so they may not contain '.', '*', '>' or whitespace.
 */
export const ID_PATTERN = /^[A-Za-z0-9_\-@:]{1,128}$/;
export const ID_RULE = '1-128 characters of A-Z a-z 0-9 _ - @ :';

/**
 * Ids sched makes from the ones users choose, taken back wherever they are read or acted on (execution and run ids,
 * the pseudo task ids of steps and notices), need more room than those: a scheduled run's step is
 * `<taskId 128>@<epoch ms, up to 16 digits>:<stepId 64>` (210), a run's notice `<runId>:notify`; 256 holds them all.
 */
export const MADE_ID_PATTERN = /^[A-Za-z0-9_\-@:]{1,256}$/;
export const MADE_ID_RULE = '1-256 characters of A-Z a-z 0-9 _ - @ :';

export const TASK_STREAM_PREFIX = 'task-';
export const EXECUTION_STREAM_PREFIX = 'execution-';

export const toTaskStreamId = (taskId: string): string => `${TASK_STREAM_PREFIX}${taskId}`;
export const toExecutionStreamId = (executionId: string): string => `${EXECUTION_STREAM_PREFIX}${executionId}`;

/** A scheduled occurrence has a deterministic id, so two timers racing on it append to the same stream. */
export const scheduledExecutionId = (taskId: string, scheduledAtMs: number): string => `${taskId}@${scheduledAtMs}`;

export type StreamCategory = 'task' | 'execution';

export function parseStreamId(streamId: string): { category: StreamCategory; id: string } | undefined {
  if (streamId.startsWith(TASK_STREAM_PREFIX)) return { category: 'task', id: streamId.slice(TASK_STREAM_PREFIX.length) };
  if (streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
    return { category: 'execution', id: streamId.slice(EXECUTION_STREAM_PREFIX.length) };
  }
  return undefined;
}

/** The streams the relay publishes live (`sched.evt.*`): a task's, an execution's, a workflow run's (`id` = its id). */
export interface LiveStream {
  readonly kind: 'task' | 'execution' | 'workflow';
  readonly id: string;
}

/** The live stream `streamId` is, or undefined for one the relay does not publish. */
export function liveStreamOf(streamId: string): LiveStream | undefined {
  const runId = runIdOfStream(streamId);
  if (runId !== undefined) return { kind: 'workflow', id: runId };
  const stream = parseStreamId(streamId);
  return stream && { kind: stream.category, id: stream.id };
}

/**
 * Whether the relay publishes a stream's events live. A name's reservation stream (`taskname-…`) is bookkeeping of
 * the name registry: in the log and its history, never live, so a feed leaves it out of what it replays too (else a
 * reconnect showed events the live feed never had).
 */
export const isPublishedLive = (streamId: string): boolean => liveStreamOf(streamId) !== undefined;
