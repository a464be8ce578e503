import { estimateEndMs, percentOfItems } from './progress-estimate';

describe('item progress estimate', () => {
  it('extrapolates the rate so far to the items left', () => {
    expect(estimateEndMs(0, 1000, 10, 30)).toBe(3000);
    expect(estimateEndMs(500, 1500, 1, 4)).toBe(4500);
  });
  it('is now when everything is processed, and undefined without a rate', () => {
    expect(estimateEndMs(0, 1000, 30, 30)).toBe(1000);
    expect(estimateEndMs(0, 1000, 0, 30)).toBeUndefined();
    expect(estimateEndMs(1000, 1000, 5, 30)).toBeUndefined();
  });
  it('percent from counts, one decimal, capped at 100', () => {
    expect(percentOfItems(1, 3)).toBe(33.3);
    expect(percentOfItems(5, 4)).toBe(100);
    expect(percentOfItems(0, 0)).toBe(100);
  });
});
