import { DEFAULT_MISFIRE, type Misfire, type ScheduleSpec } from '@sched/contracts';
import { firingsFrom } from './fire-order';
import type { ScheduleSetInstants } from './set-instants';

/** fire-all never fires more than this many catch-up occurrences of one task at once; the rest are skipped. */
export const MAX_CATCHUP_FIRES = 1000;

export interface CatchUpFire {
  readonly nominalMs: number;
  readonly lateByMs: number;
  /** fire-once: the missed occurrences (itself included) this fire stands for. */
  readonly coalesced?: { readonly count: number; readonly fromMs: number; readonly toMs: number };
}

export interface CatchUpSkip {
  /** The occurrence recorded as due-and-skipped: the latest one skipped. */
  readonly nominalMs: number;
  readonly count: number;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface CatchUpPlan {
  readonly fires: readonly CatchUpFire[];
  readonly skip?: CatchUpSkip;
}

/**
 * What to do with the occurrences of one task that fell due in (sinceMs, untilMs] while nobody fired them.
 * "Fell due" uses the fire instant (nominal + deterministic jitter), exactly like the timer (fire-order.ts). A schedule
 * with maxFires misses only the fires it had left: they are counted from `schedulesSetAt`, when the schedules were
 * set, as the timer counts them. The catch-up window and lateness are measured from each one's fire instant to `nowMs`
 * (default `untilMs`): the timer plans up to a little before now and fires the rest normally. Pure: the caller appends TaskDue (late) for
 * each fire and TaskDue + TaskSkipped for the skip.
 */
export function planCatchUp(
  taskId: string,
  specs: readonly ScheduleSpec[],
  misfire: Misfire | undefined,
  sinceMs: number,
  untilMs: number,
  schedulesSetAt: ScheduleSetInstants,
  nowMs = untilMs,
): CatchUpPlan {
  const { policy, catchupWindowMs } = misfire ?? DEFAULT_MISFIRE;
  const missed: number[] = [];
  const fireAt = new Map<number, number>();
  for (const { occurrence, fireAtMs } of firingsFrom(taskId, specs, schedulesSetAt, sinceMs)) {
    if (occurrence.atMs > untilMs) break;
    if (fireAtMs > sinceMs && fireAtMs <= untilMs) {
      missed.push(occurrence.atMs);
      fireAt.set(occurrence.atMs, fireAtMs);
    }
  }
  if (missed.length === 0) return { fires: [] };

  // How late and whether within the window, by when it should have fired (its jitter included), not its nominal instant.
  const late = (nominalMs: number): number => Math.max(0, nowMs - (fireAt.get(nominalMs) ?? nominalMs));
  const within = missed.filter((nominalMs) => late(nominalMs) <= catchupWindowMs);
  const skipOf = (skipped: readonly number[]): CatchUpSkip | undefined =>
    skipped.length === 0
      ? undefined
      : { nominalMs: skipped[skipped.length - 1], count: skipped.length, fromMs: skipped[0], toMs: skipped[skipped.length - 1] };

  switch (policy) {
    case 'skip':
      return { fires: [], skip: skipOf(missed) };
    case 'fire-once': {
      if (within.length === 0) return { fires: [], skip: skipOf(missed) };
      const latest = within[within.length - 1];
      const expired = missed.filter((nominalMs) => late(nominalMs) > catchupWindowMs);
      return {
        fires: [
          {
            nominalMs: latest,
            lateByMs: late(latest),
            coalesced: { count: within.length, fromMs: within[0], toMs: latest },
          },
        ],
        skip: skipOf(expired),
      };
    }
    case 'fire-all': {
      const toFire = within.slice(-MAX_CATCHUP_FIRES);
      const skipped = missed.filter((nominalMs) => !toFire.includes(nominalMs));
      return { fires: toFire.map((nominalMs) => ({ nominalMs, lateByMs: late(nominalMs) })), skip: skipOf(skipped) };
    }
  }
}
