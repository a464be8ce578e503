/**
 * RFC 7396 JSON Merge Patch: `patch`'s keys replace `target`'s, objects merge key by key, `null` removes a key, and
 * anything that is not an object (an array, a string) replaces whatever was there. How a trigger's `configPatch`
 * changes the task's executor config for one run.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
