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

/** Missed occurrences a plan looks at between two yields of planCatchUpSteps (~1-5 ms of this machine's time). */
export const CATCH_UP_STEP = 500;

/**
 * What to do with the occurrences of one task that fell due in (sinceMs, untilMs] while nobody fired them.
 * "Fell due" uses the fire instant (nominal + deterministic jitter), exactly like the timer (fire-order.ts). A schedule
 * with maxFires misses only the fires it had left: they are counted from `schedulesSetAt`, when the schedules were
 * set, as the timer counts them. The catch-up window and lateness are measured from each one's fire instant to `nowMs`
 * (default `untilMs`): the timer plans up to a little before now and fires the rest normally. Pure: the caller appends TaskDue (late) for
 * each fire and TaskDue + TaskSkipped for the skip.
 */
export const planCatchUp = (...args: Parameters<typeof planCatchUpSteps>): CatchUpPlan => runToEnd(planCatchUpSteps(...args));

/** A generator's result, run through at once. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The first, last and number of the missed occurrences of one kind (nominal instants, ascending). */
class Span {
  count = 0;
  fromMs = 0;
  toMs = 0;

  add(nominalMs: number): void {
    if (this.count === 0) this.fromMs = nominalMs;
    this.toMs = nominalMs;
    this.count += 1;
  }

  /** The skip standing for the occurrences of this span and `other` together (none when both are empty). */
  skipWith(other?: Span): CatchUpSkip | undefined {
    const spans = [this, other].filter((span): span is Span => span !== undefined && span.count > 0);
    if (spans.length === 0) return undefined;
    const toMs = Math.max(...spans.map((span) => span.toMs));
    return { nominalMs: toMs, count: spans.reduce((sum, span) => sum + span.count, 0), fromMs: Math.min(...spans.map((span) => span.fromMs)), toMs };
  }
}

/**
 * planCatchUp one step at a time: it yields after each CATCH_UP_STEP occurrences, so a caller can give its event loop
 * a turn (a week of a task every second is 604,800 occurrences, seconds of work), and returns the plan. It keeps no
 * list of the missed occurrences: what a policy records of them is a count, a first and a last (and the latest
 * MAX_CATCHUP_FIRES for fire-all); the list of all of them cost memory and a quadratic search (fire-all).
 */
export function* planCatchUpSteps(
  taskId: string,
  specs: readonly ScheduleSpec[],
  misfire: Misfire | undefined,
  sinceMs: number,
  untilMs: number,
  schedulesSetAt: ScheduleSetInstants,
  nowMs = untilMs,
): Generator<void, CatchUpPlan> {
  const { policy, catchupWindowMs } = misfire ?? DEFAULT_MISFIRE;
  const expired = new Span();
  const within = new Span();
  /** fire-all: the latest fires within the window; those pushed out of it are skipped (evicted). */
  const latest: CatchUpFire[] = [];
  const evicted = new Span();
  let latestWithin: CatchUpFire | undefined;
  let looked = 0;
  for (const { occurrence, fireAtMs } of firingsFrom(taskId, specs, schedulesSetAt, sinceMs)) {
    if (occurrence.atMs > untilMs) break;
    if ((looked += 1) % CATCH_UP_STEP === 0) yield;
    if (!(fireAtMs > sinceMs && fireAtMs <= untilMs)) continue;
    // How late and whether within the window, by when it should have fired (its jitter included), not its nominal instant.
    const lateByMs = Math.max(0, nowMs - fireAtMs);
    if (lateByMs > catchupWindowMs) {
      expired.add(occurrence.atMs);
      continue;
    }
    within.add(occurrence.atMs);
    latestWithin = { nominalMs: occurrence.atMs, lateByMs };
    if (policy !== 'fire-all') continue;
    latest.push(latestWithin);
    if (latest.length > MAX_CATCHUP_FIRES) evicted.add(latest.shift()!.nominalMs);
  }
  if (expired.count + within.count === 0) return { fires: [] };
  const skip = (span: Span, other?: Span) => {
    const skipped = span.skipWith(other);
    return skipped === undefined ? {} : { skip: skipped };
  };
  switch (policy) {
    case 'skip':
      return { fires: [], ...skip(expired, within) };
    case 'fire-once': {
      if (latestWithin === undefined) return { fires: [], ...skip(expired) };
      const coalesced = { count: within.count, fromMs: within.fromMs, toMs: latestWithin.nominalMs };
      return { fires: [{ ...latestWithin, coalesced }], ...skip(expired) };
    }
    case 'fire-all':
      return { fires: latest, ...skip(expired, evicted) };
  }
}
