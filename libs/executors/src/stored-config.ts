import type { z } from 'zod';
import { issueMessage } from '@sched/contracts';
import type { TaskExecutor } from './task-executor';

/**
 * Parses the config an execution carries, as its executor runs it. Admission (create and update) refuses keys an
 * executor does not know, so a typo is VALIDATION instead of a setting silently ignored; a config stored before an
 * executor's schema became strict may still carry such keys, which it never read: they are dropped and the rest is
 * parsed again, so those tasks run as they always did. Any other issue fails the parse as before (and alone).
 */
export function parseStoredConfig<Config>(executor: TaskExecutor<Config>, config: unknown): z.ZodSafeParseResult<Config> {
  const parsed = executor.configSchema.safeParse(config);
  if (parsed.success) return parsed;
  const unknownKeys = parsed.error.issues.filter((issue): issue is z.core.$ZodIssueUnrecognizedKeys => issue.code === 'unrecognized_keys');
  return unknownKeys.length === 0 ? parsed : executor.configSchema.safeParse(withoutKeys(config, unknownKeys));
}

function withoutKeys(config: unknown, issues: readonly z.core.$ZodIssueUnrecognizedKeys[]): unknown {
  const copy: unknown = structuredClone(config);
  for (const issue of issues) {
    let node: unknown = copy;
    for (const key of issue.path) node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
    if (node && typeof node === 'object') for (const key of issue.keys) delete (node as Record<string, unknown>)[key];
  }
  return copy;
}

/**
 * A config's issues in one line, as admission words them (`config.duration: …; config.steps: …`), for the error of
 * an attempt whose config (with its references resolved) its executor refuses. zod's own message is a JSON dump.
 */
export function configIssuesText<Config>(executor: TaskExecutor<Config>, config: unknown, error: z.ZodError): string {
  const issues = error.issues.map((issue) => `${['config', ...issue.path.map(String)].join('.')}: ${issueMessage(executor.configSchema, config, issue)}`);
  return `invalid config for executor "${executor.type}": ${issues.join('; ')}`;
}
