import { z } from 'zod';
import { closestName } from '../closest-name';
import { EVENT_SCHEMA_VERSIONS, isSchedEventType } from './registry';

const unknownTypeMessage = (name: string): string => {
  const closest = closestName(name, Object.keys(EVENT_SCHEMA_VERSIONS));
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
  // An empty list was taken for "no filter" and gave every event: refused, it can only be a caller's mistake.
  .min(1, 'an empty list of event types keeps nothing: leave types out for every type')
  .max(32);
