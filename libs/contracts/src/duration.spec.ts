import { parseDurationMs } from './duration';

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
