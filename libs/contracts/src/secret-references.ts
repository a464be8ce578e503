/**
 * `${secret:NAME}` in a task's config: the value of SCHED_SECRET_NAME in the environment of the executor that runs the
 * attempt, substituted there and never stored (libs/executors/src/secrets.ts). `$${secret:NAME}` is the text
 * `${secret:NAME}` itself (a `$` escapes it, as in a compose file): what sched writes into a config from data it
 * did not author (a failure notice's body) is escaped so, and never resolved.
 * The match's group 1 is the escaping `$` when there is one, group 2 the name.
 */
export const SECRET_REFERENCE = /(\$?)\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Whether a value (a string, or any string inside it) holds a secret reference that is not escaped. */
export function holdsSecretReference(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return [...text.matchAll(SECRET_REFERENCE)].some((match) => match[1] === '');
}

/** The value with every `${secret:` in its strings escaped (`$${secret:`): it reads back as the same text, unresolved. */
export function escapeSecretReferences<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\{secret:/g, '$$${secret:') as T;
  if (Array.isArray(value)) return value.map(escapeSecretReferences) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeSecretReferences(item)])) as T;
  }
  return value;
}
