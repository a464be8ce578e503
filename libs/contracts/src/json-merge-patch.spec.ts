import { mergePatch } from './json-merge-patch';

describe('mergePatch (RFC 7396)', () => {
  it("replaces keys, merges objects key by key, removes a key patched to null, keeps what the patch does not name", () => {
    const target = { url: 'https://a', headers: { accept: 'json', auth: 'x' }, timeout: '5s' };
    expect(mergePatch(target, { url: 'https://b', headers: { auth: null, trace: '1' } })).toEqual({ url: 'https://b', headers: { accept: 'json', trace: '1' }, timeout: '5s' });
    expect(target).toEqual({ url: 'https://a', headers: { accept: 'json', auth: 'x' }, timeout: '5s' }); // untouched
  });

  it("replaces arrays and scalars whole, and an object where the target had none", () => {
    expect(mergePatch({ argv: ['a', 'b'], n: 1 }, { argv: ['c'], n: { deep: true } })).toEqual({ argv: ['c'], n: { deep: true } });
    expect(mergePatch('text', { a: 1 })).toEqual({ a: 1 });
    expect(mergePatch({ a: 1 }, ['x'])).toEqual(['x']);
    expect(mergePatch({ a: 1 }, {})).toEqual({ a: 1 });
  });

  it("follows the RFC's examples", () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(mergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
