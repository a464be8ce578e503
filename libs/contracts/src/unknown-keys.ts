import type { z } from 'zod';
import { closestName } from './closest-name';

/** The part of zod 4's schema definitions this walk reads (`_zod.def`, zod's interface for tools over schemas). */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, WalkedSchema>>;
  readonly innerType?: WalkedSchema;
  readonly in?: WalkedSchema;
  readonly element?: WalkedSchema;
  readonly options?: readonly WalkedSchema[];
}
interface WalkedSchema {
  readonly _zod: { readonly def: SchemaDef };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** The field names the object(s) at `path` of the schema know (every option of a union that can be there). */
function knownKeysAt(schema: WalkedSchema, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def;
  if (def.type === 'object' && def.shape) {
    if (path.length === 0) return Object.keys(def.shape);
    const child = def.shape[String(path[0])];
    return child ? knownKeysAt(child, path.slice(1)) : [];
  }
  if (WRAPPERS.has(def.type) && def.innerType) return knownKeysAt(def.innerType, path);
  if (def.type === 'pipe' && def.in) return knownKeysAt(def.in, path);
  if (def.type === 'array' && def.element && typeof path[0] === 'number') return knownKeysAt(def.element, path.slice(1));
  if (def.type === 'union' && def.options) return [...new Set(def.options.flatMap((option) => knownKeysAt(option, path)))];
  return [];
}

/**
 * An unrecognized-keys issue in words, with the field each unknown key most likely meant: `Unrecognized key:
 * "nmae" (did you mean "name"?)`, so a typo in a payload or a task file says how to mend it.
 */
export function unknownKeysMessage(schema: z.ZodType, issue: z.core.$ZodIssueUnrecognizedKeys): string {
  const known = knownKeysAt(schema as unknown as WalkedSchema, issue.path);
  const keys = issue.keys.map((key) => {
    const meant = closestName(key, known);
    return meant ? `"${key}" (did you mean "${meant}"?)` : `"${key}"`;
  });
  return `Unrecognized key${keys.length === 1 ? '' : 's'}: ${keys.join(', ')}`;
}
