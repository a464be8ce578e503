import { jsonBytes } from '@sched/contracts';
import { cutToJsonBytes, tailToJsonBytes } from './json-fit';

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

describe('cutToJsonBytes', () => {
  it('keeps the longest start whose JSON fits, never splitting a character', () => {
    expect(cutToJsonBytes('abc', 5)).toBe('abc');
    expect(cutToJsonBytes('abcd', 5)).toBe('abc');
    expect(cutToJsonBytes('a"b', 4)).toBe('a');
    expect(cutToJsonBytes('a"b', 5)).toBe('a"');
    expect(cutToJsonBytes('a\u0000', 8)).toBe('a');
    expect(cutToJsonBytes('a\u0000', 9)).toBe('a\u0000');
    expect(cutToJsonBytes('a😀', 6)).toBe('a');
    expect(cutToJsonBytes('a😀', 7)).toBe('a😀');
    expect(cutToJsonBytes('a\ud800', 8)).toBe('a');
    expect(cutToJsonBytes('a\ud800', 9)).toBe('a\ud800');
  });

  it('its count is JSON.stringify\'s, for every kind of character', () => {
    const text = 'a"\\\b\f\n\r\t\u0000\u001f\u007fé€😀\u2028\ud800x\udc00';
    for (let max = 2; max <= jsonBytes(text) + 1; max++) {
      const kept = cutToJsonBytes(text, max);
      expect(jsonBytes(kept)).toBeLessThanOrEqual(max);
      const next = text.slice(0, kept.length + (text.codePointAt(kept.length)! > 0xffff ? 2 : 1));
      if (kept.length < text.length) expect(jsonBytes(next)).toBeGreaterThan(max);
    }
  });
});
