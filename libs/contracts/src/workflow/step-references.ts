/**
 * `${steps.<stepId>.result}` or `${steps.<stepId>.result.<path>}` in a step's config: the result of an upstream step,
 * substituted when the step is scheduled. The path is dot-separated keys (array indexes are keys too).
 */
export const STEP_REFERENCE = /\$\{steps\.([A-Za-z0-9_-]+)\.result((?:\.[A-Za-z0-9_-]+)*)\}/g;

export interface StepReference {
  readonly stepId: string;
  readonly path: readonly string[];
  /** The text of the reference, `${...}` included. */
  readonly text: string;
}

export function referencesIn(text: string): StepReference[] {
  return [...text.matchAll(STEP_REFERENCE)].map((match) => ({
    stepId: match[1],
    path: match[2] ? match[2].slice(1).split('.') : [],
    text: match[0],
  }));
}

/** Every reference anywhere in a config (string values, at any depth). */
export function referencesInConfig(value: unknown): StepReference[] {
  if (typeof value === 'string') return referencesIn(value);
  if (Array.isArray(value)) return value.flatMap(referencesInConfig);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(referencesInConfig);
  return [];
}

/** Text that starts like a step reference (`${steps.`) up to its `}`: each should be one STEP_REFERENCE. */
const REFERENCE_LIKE = /\$\{steps\.[^}]*\}?/g;

/**
 * Every `${steps.…}` in a config's strings that is not a step reference (`${steps.load.error}`, `${steps.a.resultx}`,
 * no closing brace), and every one in a key: such text would be sent as it is, where its writer meant a value.
 */
export function malformedReferencesInConfig(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(REFERENCE_LIKE)].map((match) => match[0]).filter((text) => referencesIn(text).length !== 1 || referencesIn(text)[0].text !== text);
  if (Array.isArray(value)) return value.flatMap(malformedReferencesInConfig);
  if (value !== null && typeof value === 'object') {
    // Keys are never substituted: a reference there would be sent as written (and one to no step went unnoticed).
    const inKeys = Object.keys(value).flatMap((key) => [...key.matchAll(REFERENCE_LIKE)].map((match) => `${match[0]} in a key (references are substituted in string values only)`));
    return [...inKeys, ...Object.values(value).flatMap(malformedReferencesInConfig)];
  }
  return [];
}
