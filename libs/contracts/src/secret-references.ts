/**
 * `${secret:NAME}` in a task's config: the value of SCHED_SECRET_NAME in the environment of the executor that runs the
 * attempt, substituted there and never stored (libs/executors/src/secrets.ts).
 */
export const SECRET_REFERENCE = /\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Whether a value (a string, or any string inside it) holds a secret reference. */
export function holdsSecretReference(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return new RegExp(SECRET_REFERENCE.source).test(text);
}
