import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { EventEnvelope } from '@sched/contracts';
import { MemoryEventStore } from '../memory/memory-event-store';
import { testEventStore } from '../testing/event-store.contract';
import { anEvent, events, streamId } from '../testing/fixtures';
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH, auditStreams, chainHash, verifyStream } from './hash-chain';
import { HashChainingEventStore } from './hash-chaining-event-store';

/** The contract compares read envelopes with the written ones: the only thing the decorator adds is the hash. */
class WithoutHashesOnRead extends HashChainingEventStore {
  override async read(...args: Parameters<HashChainingEventStore['read']>) {
    const read = await super.read(...args);
    expect(read.every((event) => typeof event.metadata.hash === 'string')).toBe(true);
    return read.map(({ metadata: { hash: _hash, ...metadata }, ...event }) => ({ ...event, metadata }));
  }
}

testEventStore('hash-chaining(memory)', async () => {
  const store = new WithoutHashesOnRead(new MemoryEventStore());
  return { store, cleanup: () => store.close() };
});

const keys = fc.oneof(fc.string(), fc.constantFrom('a"b', 'back\\slash', 'new\nline', '\u0001', 'ümlaut', '0', '10', 'a.b:c@d e-f', 'hash'));
/** Strings JSON.stringify escapes in every way: quotes, backslashes, control characters, lone and paired surrogates. */
const strings = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000\u001f', '\ud800', 'a\udc00b', '😀', '\u2028'));
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    strings,
    fc.double(),
    fc.date(),
    fc.array(tie('value')),
    fc.dictionary(keys, tie('value')),
    fc.constant(undefined),
  ),
})).value;

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined like JSON, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, { y: 1, x: 2 }], c: undefined }, e: new Date(0) })).toBe(
      '{"a":{"d":[3,null,{"x":2,"y":1}]},"b":1,"e":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('writes what the plain definition does (stringify each value, keys sorted), for any value, keys needing escapes too', () => {
    // The definition, written plainly: the fast writer must agree with it byte for byte, or stored hashes break.
    const reference = (value: unknown): string | undefined => {
      if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') value = (value as { toJSON: () => unknown }).toJSON();
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map((item) => reference(item) ?? 'null').join(',')}]`;
      const record = value as Record<string, unknown>;
      const parts = Object.keys(record).sort().flatMap((key) => {
        const text = reference(record[key]);
        return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
      });
      return `{${parts.join(',')}}`;
    };
    fc.assert(fc.property(anyValue, (value) => expect(canonicalJson(value)).toBe(reference(value) ?? 'null')), { numRuns: 3000 });
  });

  it('hashes an envelope as it always did: sha256 of the previous hash and canonicalJson of it without metadata.hash', () => {
    // The digest every stored chain was written with (before the envelope was written without copies, in one shot).
    const original = (previousHash: string, event: EventEnvelope): string => {
      const { hash: _hash, ...metadata } = event.metadata;
      const canonical = canonicalJson({ id: event.id, type: event.type, data: event.data, metadata });
      return createHash('sha256').update(previousHash).update(canonical).digest('hex');
    };
    const envelopes = fc.record({
      id: fc.uuid(),
      type: fc.oneof(fc.constantFrom('TaskDue', 'TaskSucceeded'), fc.string()),
      data: anyValue,
      metadata: fc.record(
        { correlationId: fc.string(), causationId: fc.string(), occurredAt: fc.constant(new Date(0).toISOString()), schemaVersion: fc.nat(), actor: fc.string(), hash: fc.string(), extra: anyValue },
        { requiredKeys: ['correlationId', 'causationId', 'occurredAt', 'schemaVersion'] },
      ),
    });
    const previous = fc.oneof(fc.constant(GENESIS_HASH), fc.stringMatching(/^[0-9a-f]{64}$/));
    fc.assert(fc.property(previous, envelopes, (hash, event) => expect(chainHash(hash, event as EventEnvelope)).toBe(original(hash, event as EventEnvelope))), { numRuns: 2000 });
  });
});

describe('HashChainingEventStore', () => {
  let inner: MemoryEventStore;
  let store: HashChainingEventStore;
  beforeEach(() => {
    inner = new MemoryEventStore();
    store = new HashChainingEventStore(inner);
  });
  afterEach(() => store.close());

  it('chains every event of a stream, across appends, batches and expected versions', async () => {
    const id = streamId();
    const first = await store.append(id, events(2), { expected: 'no_stream' });
    await store.append(id, events(1), { expected: first.nextExpectedVersion });
    await store.append(id, events(3), { expected: 'any' });
    const stored = await inner.read(id);
    expect(stored).toHaveLength(6);
    let previous = GENESIS_HASH;
    for (const event of stored) {
      expect(event.metadata.hash).toBe(chainHash(previous, event));
      previous = event.metadata.hash!;
    }
    expect(verifyStream(stored)).toEqual({ events: 6, unhashed: 0 });
  });

  it('chains on the stored tip when another writer appended (cold cache, stale cache)', async () => {
    const id = streamId();
    const other = new HashChainingEventStore(inner);
    await other.append(id, events(2), { expected: 'no_stream' });
    await store.append(id, events(1), { expected: 1 }); // never saw the stream: reads the hash at revision 1
    await other.append(id, events(1), { expected: 'any' }); // its cached tip (revision 1) is stale
    await expect(other.append(id, events(1), { expected: 2 })).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
    expect(verifyStream(await inner.read(id))).toEqual({ events: 4, unhashed: 0 });
  });

  it('chains on events it was told of (noteCommitted) without reading; a stale note fails the version check', async () => {
    const id = streamId();
    const other = new HashChainingEventStore(inner);
    await other.append(id, events(2), { expected: 'no_stream' });
    const delivered = await inner.read(id);
    const read = jest.spyOn(inner, 'read');
    store.noteCommitted(id, delivered);
    await store.append(id, events(1), { expected: 1 });
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    const late = new HashChainingEventStore(inner);
    late.noteCommitted(id, delivered); // the stream has moved on to revision 2 since
    await expect(late.append(id, events(1), { expected: 1 })).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
    expect(verifyStream(await inner.read(id))).toEqual({ events: 3, unhashed: 0 });
  });

  it('answers endsAt and forwards trackEnds to the store it wraps, false when that one cannot tell', () => {
    const endsAt = jest.fn(() => true);
    expect(new HashChainingEventStore(Object.assign(Object.create(inner) as typeof inner, { endsAt })).endsAt('execution-x', 7, 1_000)).toBe(true);
    expect(endsAt).toHaveBeenCalledWith('execution-x', 7, 1_000);
    expect(store.endsAt('execution-x', 7, 1_000)).toBe(false); // the memory store has no live tail to vouch with
    const trackEnds = jest.fn();
    new HashChainingEventStore(Object.assign(Object.create(inner) as typeof inner, { trackEnds })).trackEnds();
    expect(trackEnds).toHaveBeenCalledTimes(1);
    expect(() => store.trackEnds()).not.toThrow();
  });

  it('verification names the first broken link: an edited event, a removed hash', async () => {
    const id = streamId();
    await store.append(id, events(4), { expected: 'no_stream' });
    const stored = await inner.read(id);
    const edited = stored.map((event, i) => (i === 2 ? { ...event, data: { i: 99 } } : event));
    expect(verifyStream(edited).broken).toMatchObject({ streamId: id, revision: 2, eventId: stored[2].id, reason: 'hash-mismatch' });
    const stripped = stored.map((event, i) => (i === 1 ? { ...event, metadata: { ...event.metadata, hash: undefined } } : event));
    expect(verifyStream(stripped).broken).toMatchObject({ revision: 1, reason: 'hash-missing' });
    const holed = stored.filter((_, i) => i !== 1);
    expect(verifyStream(holed).broken).toMatchObject({ revision: 2, reason: 'revision-gap', expected: 'revision 1' });
    const report = auditStreams([stored, edited]);
    expect(report).toMatchObject({ ok: false, streams: 2, events: 8, broken: [{ revision: 2 }] });
  });

  it('leading events from before chaining are counted as unhashed; the chain starts after them', async () => {
    const id = streamId();
    await inner.append(id, [anEvent(), anEvent()], { expected: 'no_stream' });
    await store.append(id, events(2), { expected: 1 });
    expect(verifyStream(await inner.read(id))).toEqual({ events: 4, unhashed: 2 });
  });

});
