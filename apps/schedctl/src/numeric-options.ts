import { InvalidArgumentError } from 'commander';
import { MAX_TIMEOUT_MS } from '@sched/client';

/**
 * Commander's parser for counts, page sizes, positions and timeouts: a whole number, or a usage error naming the
 * option and what was given (Number('abc') went out as null and came back as "expected number, received null").
 */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (0, 1, 2, …).');
  return Number(value);
}

/** A request timeout in ms: a whole number from 1 that a Node timer keeps (2^31 - 1 at most; past it, it fires at once). */
export function timeoutMs(value: string): number {
  const parsed = wholeNumber(value);
  if (parsed < 1 || parsed > MAX_TIMEOUT_MS) throw new InvalidArgumentError(`expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`);
  return parsed;
}

/** A whole number from 1: a count of events or fires, where 0 would mean nothing at all. */
export function positiveNumber(value: string): number {
  const parsed = wholeNumber(value);
  if (parsed < 1) throw new InvalidArgumentError('expected a whole number from 1.');
  return parsed;
}
