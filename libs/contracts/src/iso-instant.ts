import { z } from 'zod';

/**
 * An instant as ISO 8601 with its zone (`Z` or an offset). A time without one is refused, saying so: it names no
 * instant (whose clock?), and zod's own message ("Invalid ISO datetime") did not say what was missing.
 */
export const isoInstantSchema = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 instant with its zone, Z or an offset (2027-01-01T09:00:00Z, 2027-01-01T10:00:00+01:00)',
});
