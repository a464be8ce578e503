import { sumOfSamples } from '../../test/support/metrics-text';

/**
 * The executor's own account of late starts, from its `sched_schedule_to_start_seconds` histogram: of the first
 * attempts it started, how many it had before their instant (held until then: a late start is its own CPU or event
 * loop) and how many reached it after the instant (the timer, the store or the dispatch was late).
 */
export interface StartArrivals {
  readonly ahead: number;
  readonly aheadWithin10Ms: number;
  readonly late: number;
  readonly lateWithin10Ms: number;
}

const METRIC = 'sched_schedule_to_start_seconds';

/** Sums one series of the histogram over executor types: `_count`, or the `le="0.01"` bucket. */
function sum(exposition: string, arrived: 'ahead' | 'late', within10Ms: boolean): number {
  const prefix = within10Ms ? `${METRIC}_bucket{le="0.01",` : `${METRIC}_count{`;
  return sumOfSamples(exposition, prefix, (line) => line.includes(`arrived="${arrived}"`));
}

export function startArrivals(exposition: string): StartArrivals {
  return {
    ahead: sum(exposition, 'ahead', false),
    aheadWithin10Ms: sum(exposition, 'ahead', true),
    late: sum(exposition, 'late', false),
    lateWithin10Ms: sum(exposition, 'late', true),
  };
}

/** What happened between two scrapes of the same process. */
export function arrivalsBetween(before: StartArrivals, after: StartArrivals): StartArrivals {
  return {
    ahead: after.ahead - before.ahead,
    aheadWithin10Ms: after.aheadWithin10Ms - before.aheadWithin10Ms,
    late: after.late - before.late,
    lateWithin10Ms: after.lateWithin10Ms - before.lateWithin10Ms,
  };
}

/** Table columns: the share of starts over 10 ms late, split by whether the executor had them ahead or not. */
export function arrivalColumns(arrivals: StartArrivals): Record<string, string> {
  const starts = arrivals.ahead + arrivals.late;
  const share = (count: number): string => (starts === 0 ? '-' : `${((100 * count) / starts).toFixed(2)}%`);
  return {
    '>10 ms late: held': share(arrivals.ahead - arrivals.aheadWithin10Ms),
    '>10 ms late: arrived late': share(arrivals.late - arrivals.lateWithin10Ms),
  };
}
