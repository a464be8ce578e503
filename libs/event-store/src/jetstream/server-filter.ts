import type { EventFilter } from '../event-store.port';
import { SUBJECT_PREFIX } from './commit-codec';

const TOKEN = /^[^.*>\s]+$/;

/**
 * The one filter subject (nats-server 2.9 takes one per consumer) that narrows a subscription without losing events:
 * `es.<category>.>` when every stream prefix is `<category>-...` of the same category. Anything finer (several
 * categories, a prefix of an id, event types) is filtered client-side on top.
 */
export function serverFilterSubject(filter: EventFilter | undefined): string | undefined {
  const prefixes = filter?.streamPrefixes;
  if (!prefixes || prefixes.length === 0) return undefined;
  const categories = new Set<string>();
  for (const prefix of prefixes) {
    const dash = prefix.indexOf('-');
    if (dash <= 0) return undefined; // 'task' would also match 'tasks-1': no single category
    categories.add(prefix.slice(0, dash));
  }
  const [category] = categories;
  return categories.size === 1 && TOKEN.test(category) ? `${SUBJECT_PREFIX}.${category}.>` : undefined;
}
