import { InvalidArgumentError } from 'commander';
import { MAX_TIMEOUT_MS } from '@sched/client';
import { timeoutMs } from './numeric-options';

describe('schedctl --timeout', () => {
  it('takes a whole number of ms a Node timer keeps', () => {
    expect(timeoutMs('600000')).toBe(600_000);
    expect(timeoutMs(String(MAX_TIMEOUT_MS))).toBe(MAX_TIMEOUT_MS);
  });

  it('is a usage error past 2^31 - 1 ms (Node fired it at once: every request failed "no answer in time") or at 0', () => {
    for (const value of [String(MAX_TIMEOUT_MS + 1), '3000000000', '0', 'soon']) expect(() => timeoutMs(value)).toThrow(InvalidArgumentError);
  });
});
