/** How a task stands from an instant on, for the timer: whether its occurrences fire, are recorded as paused skips, or neither. */
export interface Standing {
  readonly disabled: boolean;
  readonly paused: boolean;
  /** A pause that lapses by itself at this instant (TaskPaused.until): the occurrence firing at it fires. */
  readonly pausedUntilMs?: number;
}

/**
 * What a running timer does with the occurrences firing in (fromMs, toMs]: fires them, records them as paused skips,
 * or nothing (disabled). `forgotten`: transitions older than TRANSITIONS_KEPT were dropped, how the task stood then
 * is not known, so nothing is fired or recorded for it (firing a stretch that may have been disabled is the worse error).
 */
export interface Stretch {
  readonly activity: 'active' | 'paused' | 'off' | 'forgotten';
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Transitions kept per task. A catch-up replays the transitions made since its watermark, so this bounds how many
 * pauses, resumes, disables and enables in one outage it replays exactly; it also bounds the memory of a task toggled
 * all day (~50 bytes a transition; a task never paused or disabled keeps no timeline at all).
 */
export const TRANSITIONS_KEPT = 32;

const ACTIVE: Standing = { disabled: false, paused: false };

interface Transition {
  readonly atMs: number;
  readonly standing: Standing;
}

/**
 * A task's latest pause, resume, disable and enable transitions, each with how the task stands after it (from after
 * its instant on: an occurrence firing at the instant of a transition is the previous standing's, as for a running
 * timer that had armed it). Before, the timer kept only the latest pausedAt, resumedAt and disabledAt, so a catch-up
 * after an outage with several transitions folded them into the last of each (disable → enable → disable fired the
 * first disabled stretch).
 */
export class ActivityTimeline {
  /** How the task stood before the first transition kept: active when it was created, unknown once one is dropped. */
  private before: Standing | undefined = ACTIVE;
  private readonly transitions: Transition[] = [];

  record(atMs: number, standing: Standing): void {
    // Instants of one stream never go back (its commands are serialized); a skewed clock must not reorder stretches.
    const last = this.transitions[this.transitions.length - 1];
    this.transitions.push({ atMs: last === undefined ? atMs : Math.max(last.atMs, atMs), standing });
    if (this.transitions.length > TRANSITIONS_KEPT) {
      this.transitions.shift();
      this.before = undefined;
    }
  }

  get lastAtMs(): number | undefined {
    return this.transitions[this.transitions.length - 1]?.atMs;
  }

  /** How the task stood over (sinceMs, untilMs], in order, adjacent stretches of one activity joined. */
  stretches(sinceMs: number, untilMs: number): Stretch[] {
    const out: Stretch[] = [];
    let fromMs = sinceMs;
    let standing = this.before;
    for (const transition of this.transitions) {
      if (transition.atMs >= untilMs) break;
      if (transition.atMs > fromMs) {
        appendStretches(out, standing, fromMs, transition.atMs);
        fromMs = transition.atMs;
      }
      standing = transition.standing;
    }
    appendStretches(out, standing, fromMs, untilMs);
    return out;
  }
}

/** The stretches of (sinceMs, untilMs] for a task without transitions: it stood as it stands now all along. */
export function stretchesAsNow(standing: Standing, sinceMs: number, untilMs: number): Stretch[] {
  const out: Stretch[] = [];
  appendStretches(out, standing, sinceMs, untilMs);
  return out;
}

function appendStretches(out: Stretch[], standing: Standing | undefined, fromMs: number, toMs: number): void {
  if (standing === undefined) return append(out, 'forgotten', fromMs, toMs);
  if (standing.disabled) return append(out, 'off', fromMs, toMs);
  if (!standing.paused) return append(out, 'active', fromMs, toMs);
  if (standing.pausedUntilMs === undefined) return append(out, 'paused', fromMs, toMs);
  // Paused for what fires before `until` (isPausedAt): fire instants up to until - 1; the one at `until` fires.
  const lapsesAfter = Math.min(toMs, Math.max(fromMs, standing.pausedUntilMs - 1));
  append(out, 'paused', fromMs, lapsesAfter);
  append(out, 'active', lapsesAfter, toMs);
}

function append(out: Stretch[], activity: Stretch['activity'], fromMs: number, toMs: number): void {
  if (toMs <= fromMs) return;
  const last = out[out.length - 1];
  if (last?.activity === activity && last.toMs === fromMs) out[out.length - 1] = { activity, fromMs: last.fromMs, toMs };
  else out.push({ activity, fromMs, toMs });
}
