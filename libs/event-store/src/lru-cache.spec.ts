import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('never holds more than its capacity, and keeps what was used recently', () => {
    const cache = new LruCache<string, number>(4);
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, i);
    expect(cache.get('k0')).toBe(0); // used: carried into the new generation
    for (let i = 4; i < 100; i++) {
      cache.set(`k${i}`, i);
      cache.get('k0'); // a hot entry
    }
    expect(cache.get('k0')).toBe(0);
    expect(cache.get('k99')).toBe(99);
    // Every key once more: only what the cache held can be found (a hit adds no key), at most its capacity.
    const found = Array.from({ length: 100 }, (_, i) => cache.get(`k${i}`)).filter((value) => value !== undefined);
    expect(found.length).toBeLessThanOrEqual(4);
    expect(cache.get('k5')).toBeUndefined();
  });

  it('overwrites and deletes across both generations', () => {
    const cache = new LruCache<string, string>(2);
    cache.set('a', 'one');
    cache.set('b', 'two'); // 'a' moves to the old generation
    cache.set('a', 'uno');
    expect(cache.get('a')).toBe('uno');
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
