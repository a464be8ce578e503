import { DEFAULT_MISFIRE, type Misfire, type ScheduleSpec } from '@sched/contracts';
import { fireInstant } from './schedule.jitter';
import { remainingOccurrences } from './next-fires';

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
 * What to do with the occurrences of one task that fell due in (sinceMs, nowMs] while nobody fired them.
 * "Fell due" uses the fire instant (nominal + deterministic jitter), exactly like the timer. A schedule with maxFires
 * misses only the fires it had left: they are counted from `schedulesSetAtMs`, when the schedules were set, as the
 * timer counts them. Pure: the caller appends TaskDue (late) for each fire and TaskDue + TaskSkipped for the skip.
 */
export function planCatchUp(
  taskId: string,
  specs: readonly ScheduleSpec[],
  misfire: Misfire | undefined,
  sinceMs: number,
  nowMs: number,
  schedulesSetAtMs: number,
): CatchUpPlan {
  const { policy, catchupWindowMs } = misfire ?? DEFAULT_MISFIRE;
  const maxJitterMs = Math.max(0, ...specs.map((spec) => spec.jitterMs ?? 0));
  const missed: number[] = [];
  // Enumerate a little before sinceMs: an occurrence nominally earlier may be due later because of its jitter.
  let cursor = sinceMs - maxJitterMs;
  for (;;) {
    const batch = remainingOccurrences(specs, schedulesSetAtMs, cursor, 1000);
    for (const occurrence of batch) {
      if (occurrence.atMs > nowMs) break;
      const due = fireInstant(taskId, occurrence, occurrence.atMs);
      if (due > sinceMs && due <= nowMs) missed.push(occurrence.atMs);
    }
    const last = batch[batch.length - 1];
    if (batch.length < 1000 || last.atMs > nowMs) break;
    cursor = last.atMs;
  }
  if (missed.length === 0) return { fires: [] };

  const within = missed.filter((nominalMs) => nowMs - nominalMs <= catchupWindowMs);
  const late = (nominalMs: number): number => Math.max(0, nowMs - nominalMs);
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
      const expired = missed.filter((nominalMs) => nowMs - nominalMs > catchupWindowMs);
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
