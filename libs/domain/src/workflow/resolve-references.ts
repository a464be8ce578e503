import { STEP_REFERENCE, holdsSecretReference, referencesIn } from '@sched/contracts';

export type Resolution =
  | { readonly ok: true; readonly config: Record<string, unknown> }
  | { readonly ok: false; readonly message: string };

/** Results of the steps that succeeded so far, by step id (a step that succeeded without a result is absent). */
export type StepResults = ReadonlyMap<string, unknown>;

class Unresolved extends Error {}

function lookup(results: StepResults, stepId: string, path: readonly string[], text: string): unknown {
  let value: unknown = results.get(stepId);
  for (const key of path) {
    // Own keys only: a result is JSON, and `constructor` or `__proto__` must not reach the object's prototype (a
    // function there is no value to substitute, and threw where the config is checked for secrets).
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined) throw new Unresolved(`${text} has no value (step "${stepId}" has no such result)`);
  // A result is data from outside (a response, a command's output): substituted into a config, a ${secret:…} in it
  // would make the executor send that secret wherever the result said. Only a task's own config may name secrets.
  if (holdsSecretReference(value)) throw new Unresolved(`${text}: the result holds a \${secret:…} reference, which only a task's own config may name`);
  return value;
}

function resolveString(text: string, results: StepResults): unknown {
  const references = referencesIn(text);
  if (references.length === 0) return text;
  // A string that is exactly one reference takes the value as it is (a number stays a number, an object an object).
  if (references.length === 1 && references[0].text === text) {
    return lookup(results, references[0].stepId, references[0].path, text);
  }
  return text.replace(STEP_REFERENCE, (match) => {
    const [reference] = referencesIn(match);
    const value = lookup(results, reference.stepId, reference.path, match);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function resolveValue(value: unknown, results: StepResults): unknown {
  if (typeof value === 'string') return resolveString(value, results);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, results));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, results)]));
  }
  return value;
}

/** Substitutes `${steps.<id>.result.<path>}` references in a step's config with upstream results. */
export function resolveStepConfig(config: Record<string, unknown>, results: StepResults): Resolution {
  try {
    return { ok: true, config: resolveValue(config, results) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof Unresolved) return { ok: false, message: error.message };
    throw error;
  }
}
