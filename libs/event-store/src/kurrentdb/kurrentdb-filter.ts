import { eventTypeFilter, streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';
import type { EventFilter } from '../event-store.port';

/** Every stream whose name does not start with '$': KurrentDB's system and metadata streams (and our checkpoints). */
export const USER_STREAMS_REGEX = '^[^$]';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An anchored alternation, so that 'Started' does not also match 'StartedLate' (prefix filters would). */
export const exactTypesRegex = (types: readonly string[]): string => `^(?:${types.map(escapeRegex).join('|')})$`;

/**
 * The server-side filter of a read or subscription on $all. KurrentDB filters on the stream name OR the event type, not
 * both: stream prefixes win when given (usually the narrower, and the one that keeps other namespaces out); event
 * types are then checked client-side, as is everything the server filter lets through (matchesFilter on top).
 * Without criteria the filter still keeps system streams (and, with a namespace, other namespaces) out.
 */
export function toServerFilter(filter: EventFilter | undefined, namespace: string): Filter {
  const prefixes = filter?.streamPrefixes ?? [];
  const types = filter?.eventTypes ?? [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes: prefixes.map((prefix) => namespace + prefix) });
  if (types.length > 0) return eventTypeFilter({ regex: exactTypesRegex(types) });
  return namespace === '' ? streamNameFilter({ regex: USER_STREAMS_REGEX }) : streamNameFilter({ prefixes: [namespace] });
}
