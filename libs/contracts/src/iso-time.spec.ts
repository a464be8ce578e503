import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('gives what toISOString gives, for repeated and alternating instants', () => {
    for (const ms of [0, 0, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 0, -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('throws on an invalid time and then still answers', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(isoTime(5)).toBe('1970-01-01T00:00:00.005Z');
  });
});
