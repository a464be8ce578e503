import { MAX_JSON_DEPTH, nestsDeeperThan } from './limits';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not scalars, and stops at the first path over the limit', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ a: { b: 'x', c: [1, { d: null }] } }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: { b: 'x', c: [1, { d: {} }] } }, 4)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('judges a value far deeper than any stack could recurse into', () => {
    expect(nestsDeeperThan(nested(200_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
