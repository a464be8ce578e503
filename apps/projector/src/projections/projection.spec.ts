import { toMs } from './projection';

describe('toMs', () => {
  it('reads canonical ISO times exactly as Date.parse does', () => {
    const samples = ['2030-01-01T00:00:00.000Z', '2026-11-25T21:32:42.123Z', '1999-12-31T23:59:59.999Z', '2400-02-28T12:00:00.000Z'];
    for (let ms = -5e11; ms < 8e12; ms += 7_777_777_777) samples.push(new Date(ms).toISOString());
    for (const iso of samples) expect(toMs(iso)).toBe(Date.parse(iso));
  });

  it('leaves every other form, and impossible dates, to Date.parse', () => {
    const others = [
      '2024-02-29T00:00:00.000Z', // leap day: past the 28th, Date.parse knows month lengths
      '2023-02-29T00:00:00.000Z',
      '2026-04-31T10:00:00.000Z',
      '0050-01-01T00:00:00.000Z', // Date.UTC would make it 1950
      '2026-13-01T00:00:00.000Z',
      '2026-11-25T24:00:00.000Z',
      '2026-11-25T23:60:00.000Z',
      '2026-11-25 21:32:42.123Z',
      '2026-11-25T21:32:42.12aZ',
      '2026-11-25T21:32:42+01:00',
      '2026-11-25T21:32:42Z',
      '+02026-11-25T21:32:42.000Z',
      'not a time',
    ];
    for (const iso of others) expect(toMs(iso)).toEqual(Date.parse(iso)); // toEqual: NaN equals NaN
  });
});
