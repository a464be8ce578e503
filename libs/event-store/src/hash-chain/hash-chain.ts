import { hash } from 'node:crypto';
import type { AuditReport, BrokenLink, EventEnvelope, RecordedEvent } from '@sched/contracts';
import { canonicalEnvelopeJson } from './canonical-json';

/** The hash of the link before a stream's first event. */
export const GENESIS_HASH = '';

/**
 * sha256(previous hash + canonical JSON of {id, type, data, metadata without hash}), hex. One-shot `hash` over the
 * joined text: the same digest as two updates (both UTF-8, the first plain hex), at half the cost of a Hash object.
 */
export function chainHash(previousHash: string, event: EventEnvelope): string {
  return hash('sha256', previousHash + canonicalEnvelopeJson(event), 'hex');
}

/** The events with `metadata.hash` set, chained on from `previousHash`. */
export function withChainedHashes(previousHash: string, events: readonly EventEnvelope[]): EventEnvelope[] {
  let previous = previousHash;
  return events.map((event) => {
    const hash = chainHash(previous, event);
    previous = hash;
    // Object.assign, not `{ ...event.metadata, hash }`: V8 adds a key after a spread by a slow runtime call (~0.4 µs).
    return { id: event.id, type: event.type, data: event.data, metadata: Object.assign({}, event.metadata, { hash }) };
  });
}

export interface StreamVerification {
  readonly events: number;
  readonly unhashed: number;
  readonly broken?: BrokenLink;
}

/**
 * Recomputes one stream's chain (its events in revision order, from revision 0). Leading events without a hash
 * predate chaining and are counted, not judged; after the first hashed event every event must carry the hash its
 * predecessor and its own content give, and the first that does not is the broken link.
 */
export function verifyStream(events: readonly RecordedEvent[]): StreamVerification {
  let previous = GENESIS_HASH;
  let chained = false;
  let unhashed = 0;
  for (const [index, event] of events.entries()) {
    const actual = event.metadata.hash;
    const expected = chainHash(previous, event);
    if (event.revision !== index) {
      // Deleted events (or a store that lost them): the chain cannot be checked across the hole.
      const { streamId, revision, id: eventId, position } = event;
      const link = { streamId, revision, eventId, position, reason: 'revision-gap' as const, expected: `revision ${index}`, actual: `revision ${revision}` };
      return { events: events.length, unhashed, broken: link };
    }
    if (actual === undefined && !chained) {
      unhashed += 1;
      continue;
    }
    if (actual !== expected) {
      const reason = actual === undefined ? 'hash-missing' : 'hash-mismatch';
      const { streamId, revision, id: eventId, position } = event;
      return { events: events.length, unhashed, broken: { streamId, revision, eventId, position, reason, expected, actual } };
    }
    chained = true;
    previous = actual;
  }
  return { events: events.length, unhashed };
}

/** Verifies several streams and reports them together; broken links in position order. */
export function auditStreams(streams: readonly (readonly RecordedEvent[])[]): AuditReport {
  const results = streams.map(verifyStream);
  const broken = results.flatMap((result) => (result.broken ? [result.broken] : [])).sort((a, b) => a.position - b.position);
  return {
    ok: broken.length === 0,
    streams: streams.length,
    events: results.reduce((sum, result) => sum + result.events, 0),
    unhashed: results.reduce((sum, result) => sum + result.unhashed, 0),
    broken,
  };
}
