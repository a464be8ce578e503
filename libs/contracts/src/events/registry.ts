import type { z } from 'zod';
import type { EventEnvelope } from '../envelope';
import { SchedError, ErrorCode } from '../errors';
import { EXECUTION_EVENT_SCHEMAS, type ExecutionEvent } from './execution-events';
import { TASK_EVENT_SCHEMAS, type TaskEvent } from './task-events';
import { WORKFLOW_EVENT_SCHEMAS, type WorkflowEvent } from '../workflow/workflow-events';
import { TASK_NAME_EVENT_SCHEMAS, type TaskNameEvent } from './task-name-events';

export type SchedEvent = TaskEvent | ExecutionEvent | TaskNameEvent | WorkflowEvent;
export type SchedEventType = SchedEvent['type'];

/** Current schema version of each event type. Bump it (and add an upcaster) instead of changing an event's meaning. */
export const EVENT_SCHEMA_VERSIONS: Record<SchedEventType, number> = {
  ...(Object.fromEntries(
    [...Object.keys(TASK_EVENT_SCHEMAS), ...Object.keys(EXECUTION_EVENT_SCHEMAS), ...Object.keys(TASK_NAME_EVENT_SCHEMAS), ...Object.keys(WORKFLOW_EVENT_SCHEMAS)].map((type) => [type, 1]),
  ) as Record<SchedEventType, number>),
  // v2: a trigger may carry the run's own executor config (a configPatch applied to the task's).
  TaskTriggered: 2,
};

const SCHEMAS: Record<SchedEventType, z.ZodType> = { ...TASK_EVENT_SCHEMAS, ...EXECUTION_EVENT_SCHEMAS, ...TASK_NAME_EVENT_SCHEMAS, ...WORKFLOW_EVENT_SCHEMAS };

/** Upcasters turn `data` of version N into version N+1, keyed by `${type}@${N}`. */
export type Upcaster = (data: unknown) => unknown;
const UPCASTERS: Record<string, Upcaster> = {
  // A v1 trigger had no config of its own: the run uses the task's, which is what a v2 trigger without one means.
  'TaskTriggered@1': (data) => data,
};

export const isSchedEventType = (type: string): type is SchedEventType => Object.hasOwn(SCHEMAS, type);

/** Brings a stored event's data up to the current schema version. Unknown types pass through untouched. */
export function upcast<E extends EventEnvelope>(event: E): E {
  if (!isSchedEventType(event.type)) return event;
  const current = EVENT_SCHEMA_VERSIONS[event.type];
  let version = event.metadata.schemaVersion;
  let data = event.data;
  while (version < current) {
    const step = UPCASTERS[`${event.type}@${version}`];
    if (!step) throw new Error(`no upcaster for ${event.type} from schema version ${version}`);
    data = step(data);
    version += 1;
  }
  if (version === event.metadata.schemaVersion) return event;
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
}

/** Validates an event's data against its type's schema before it is appended: nothing malformed enters the log. */
export function assertValidEventData(type: string, data: unknown): void {
  if (!isSchedEventType(type)) throw new SchedError(ErrorCode.INTERNAL, `unknown event type ${type}`);
  const result = SCHEMAS[type].safeParse(data);
  if (!result.success) {
    throw new SchedError(ErrorCode.INTERNAL, `event ${type} does not match its schema`, {
      issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
}

/**
 * Why an event read off the log breaks its contract, or undefined when it keeps it: what sched appends always does
 * (assertValidEventData), so this finds what something else wrote on the log's subjects. Only the envelope's metadata
 * is checked by hand (cheap); the data of a known type at a version this build knows goes through its schema (after
 * upcasting). Types and versions this build does not know pass (a newer build's events: their readers judge them).
 */
export function eventContractIssue(event: EventEnvelope): string | undefined {
  const { correlationId, causationId, occurredAt, schemaVersion } = event.metadata;
  if (typeof correlationId !== 'string' || typeof causationId !== 'string' || typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    return 'metadata: correlationId, causationId and occurredAt must be strings, occurredAt an instant';
  }
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) return 'metadata: schemaVersion must be a whole number from 1';
  if (!isSchedEventType(event.type) || schemaVersion > EVENT_SCHEMA_VERSIONS[event.type]) return undefined;
  let data: unknown;
  try {
    data = upcast(event).data;
  } catch (error) {
    return (error as Error).message;
  }
  const result = SCHEMAS[event.type].safeParse(data);
  return result.success ? undefined : result.error.issues.map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`).join('; ');
}