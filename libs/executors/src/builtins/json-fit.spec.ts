import { tailToJsonBytes } from './json-fit';

describe('tailToJsonBytes', () => {
  it('keeps the longest end whose JSON form fits, counting escapes and UTF-8 as JSON.stringify writes them', () => {
    expect(tailToJsonBytes('abc', 5)).toBe('abc');
    expect(tailToJsonBytes('abcd', 5)).toBe('bcd');
    expect(tailToJsonBytes('a"b', 4)).toBe('b');
    expect(tailToJsonBytes('\u0000a', 8)).toBe('a');
    expect(tailToJsonBytes('\u0000a', 9)).toBe('\u0000a');
    expect(tailToJsonBytes('😀a', 6)).toBe('a'); // a pair is never split
    expect(tailToJsonBytes('😀a', 7)).toBe('😀a');
  });

  it('fits whatever the text', () => {
    const text = 'x\u0001é"😀\n'.repeat(500);
    for (const max of [2, 3, 10, 101, 1_000]) {
      const kept = tailToJsonBytes(text, max);
      expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(max);
      expect(text.endsWith(kept)).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(text.slice(text.length - kept.length - 2)))).toBeGreaterThan(max);
    }
  });
});
