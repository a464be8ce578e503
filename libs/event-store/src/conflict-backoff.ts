/**
 * Attempts a command gets against writers in other processes. A lost race is rarely one collision: a gateway that
 * loses to another one busy on the same stream must read the commits it missed before it can try again, and the
 * other appends more meanwhile, so it loses several times in a row (two gateways, 2 × 64 concurrent triggers on one
 * task: nearly every command that lost once lost all 5 attempts it had). More attempts, spread wider, outlast that run.
 */
export const CONFLICT_ATTEMPTS = 12;
/** The pause before the second attempt is at most this; each later one's bound doubles... */
export const CONFLICT_BACKOFF_BASE_MS = 10;
/** ...up to this: all twelve attempts wait at most ~1.5 s in all. */
export const CONFLICT_BACKOFF_CAP_MS = 200;

/**
 * The pause before attempt `attempt` (1: the first, no pause): capped exponential backoff with full jitter, a
 * uniform pick below the bound, so losers of one race spread out instead of colliding again in step.
 */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 1) return 0;
  return random() * Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** (attempt - 2));
}
