import type { z } from 'zod';
import { closestName } from './closest-name';
import { unknownKeysMessage } from './unknown-keys';

/** The value at a zod issue's path in the validated input (undefined where the path leads nowhere). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What a field may hold, from its issue: `string`, `string or number` (a union of plain types), or nothing known. */
function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return issue.expected;
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return undefined;
  const options = issue.errors.map((errors) => (errors.length === 1 && errors[0].code === 'invalid_type' ? errors[0].expected : undefined));
  return options.every((option) => option !== undefined) ? [...new Set(options)].join(' or ') : undefined;
}

/** The values a discriminated union's tag may take (`type` of a schedule), when the issue is about that tag. */
function tagOptions(issue: z.core.$ZodIssue): string[] | undefined {
  const options = (issue as { options?: unknown }).options;
  return issue.code === 'invalid_union' && Array.isArray(options) ? options.map(String) : undefined;
}

/**
 * One validation issue in words a user can act on. zod's own text for a field left out ("Invalid input: expected
 * array, received undefined", or just "Invalid input" for a union) reads like a wrong value: it says the field is
 * required and missing. An unknown field, or a mistyped tag (`type: "intervl"`), names what it most likely meant.
 */
export function issueMessage(schema: z.ZodType, input: unknown, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return unknownKeysMessage(schema, issue);
  const value = valueAt(input, issue.path);
  const tags = tagOptions(issue);
  if (value === undefined) {
    if (tags) return `required field is missing: one of ${tags.map((tag) => `"${tag}"`).join(', ')}`;
    const expected = expectedOf(issue);
    if (expected) return `required ${expected} is missing`;
  }
  const meant = tags && typeof value === 'string' ? closestName(value, tags) : undefined;
  return meant ? `${issue.message} (did you mean "${meant}"?)` : issue.message;
}
