/**
 * Node's setTimeout fires after 1 ms (with a TimeoutOverflowWarning) for a delay above this: a longer wait is armed
 * at most this far ahead and re-armed (an attempt timeout may be up to 30 days).
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE_MS = /^\d+$/;

/**
 * Parses "500ms", "1s", "5m", "1.5h", "2d", compounds as Go and Temporal write them ("1h30m", "2m30s"), and a
 * number of milliseconds (also as a string of digits, as a CLI flag or a query string carries it) into
 * milliseconds. Returns undefined for anything else so schemas can report a precise message.
 */
export function parseDurationMs(value: string | number): number | undefined {
  const ms = exactDurationMs(value);
  return ms === undefined ? undefined : typeof value === 'number' ? ms : Math.round(ms);
}

/** As parseDurationMs, without rounding a fraction of a millisecond ("1.0004s" is 1000.4). */
export function exactDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  if (WHOLE_MS.test(text)) return Number(text);
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) ms += Number(amount) * UNIT_MS[unit];
  // "1.1s" is 1100.0000000000002 in floating point: that is no fraction of a millisecond anyone wrote.
  return Math.abs(ms - Math.round(ms)) < 1e-6 ? Math.round(ms) : ms;
}

/** 90_000 → "1m30s", 5_400_000 → "1h30m", 1500 → "1s500ms": a compound parseDurationMs reads back to the same ms. */
export function formatDurationMs(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * UNIT_MS[unit];
  }
  return text;
}
