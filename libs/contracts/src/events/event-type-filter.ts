import { z } from 'zod';
import { EVENT_SCHEMA_VERSIONS, isSchedEventType } from './registry';

/** Edit distance (insertions, deletions, substitutions): enough to catch a typed event type's slip of a letter or two. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known type a mistyped name most likely meant, if one is close. */
function closestEventType(name: string): string | undefined {
  let best: { type: string; distance: number } | undefined;
  for (const type of Object.keys(EVENT_SCHEMA_VERSIONS)) {
    const distance = editDistance(name.toLowerCase(), type.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { type, distance };
  }
  return best?.type;
}

const unknownTypeMessage = (name: string): string => {
  const closest = closestEventType(name);
  return closest
    ? `"${name}" is not an event type (did you mean "${closest}"?)`
    : `"${name}" is not an event type (one of ${Object.keys(EVENT_SCHEMA_VERSIONS).join(', ')})`;
};

/**
 * Event types a history query or a live feed keeps: each must be one the log can hold, so a typo is refused
 * instead of matching nothing, forever, without a word.
 */
export const eventTypesSchema = z
  .array(
    z
      .string()
      .min(1)
      .refine((name): boolean => isSchedEventType(name), { error: (issue) => unknownTypeMessage(String(issue.input)) }),
  )
  .max(32);
