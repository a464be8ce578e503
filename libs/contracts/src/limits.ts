/**
 * Hard limits on what one request may carry, each rejected with a structured error that names the limit
 * (`details.limit`). Listed in README.md ("Limits").
 */

/** Bytes of one command or query body (nats-server's own max_payload, 1 MiB by default, is the outer bound). */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** Bytes of a task's executor `config`, serialized as JSON: it is copied into every TaskDue of the task. */
export const MAX_TASK_CONFIG_BYTES = 64 * 1024;
/**
 * Bytes of an execution's result as JSON: it is stored on its TaskSucceeded, in one commit with the attempt's logs,
 * and a JetStream message holds at most 1 MiB (nats-server's max_payload). A bigger result fails the attempt
 * (ResultTooLarge) instead of a commit the store refuses.
 */
export const MAX_RESULT_BYTES = 768 * 1024;
/**
 * Bytes of a workflow step's config once its `${steps.…}` references are substituted, as JSON: it travels on the
 * step's StepScheduled and its TaskDue, one message each. A bigger one fails the step (ConfigTooLarge), unrun.
 */
export const MAX_STEP_CONFIG_BYTES = MAX_RESULT_BYTES;
/** Bytes of log text (messages and their data, as JSON) kept on the event that ends one attempt. */
export const MAX_LOG_BYTES_PER_ATTEMPT = 64 * 1024;

/**
 * Levels of nesting of a request body's JSON (objects and arrays). Far more than any config needs, and far less than
 * what recursive code over the value (serializing, hashing, copying to a thread) can take: a config nested a few
 * thousand deep overflowed the stack in those, after it was accepted.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether a decoded JSON value nests deeper than `max` levels, found without recursion (it must not overflow itself). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Marks a request body nested deeper than MAX_JSON_DEPTH; the transport hands it on so the reply can say so. */
export class OverNestedPayload {}

/** Marks a request body over MAX_REQUEST_BYTES; the transport hands it on undecoded so the reply can say so. */
export class OversizedPayload {
  constructor(readonly bytes: number) {}
}

/** Size of a value as UTF-8 JSON. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
