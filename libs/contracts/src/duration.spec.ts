import { formatDurationMs, parseDurationMs } from './duration';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1d12h', 129_600_000],
    ['500', 500],
    [' 0 ', 0],
    [250, 250],
  ])('reads %p as %p ms', (input, ms) => {
    expect(parseDurationMs(input)).toBe(ms);
  });

  it.each(['', 'soon', '5 m', '1h 30m', '-5s', '1.5', 'h', '30x', '1h30'])('refuses %p', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [1500, '1s500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [31_622_400_000, '366d'],
  ])('writes %p ms as %p, which reads back the same', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });
});
