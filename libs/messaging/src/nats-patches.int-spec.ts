import { RequestError, TimeoutError } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/system';
import { connectNats } from './nats-connection';
import { patchNatsRequestCancel } from './nats-request-patch';
import { MIN_WRITE_INTERVAL_MS, isAwaited, patchNatsWriteCoalescing } from './nats-write-coalescing-patch';

let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats(nats.url, 'nats-patches-spec');
  nc.subscribe('echo', { callback: (_error, msg) => void msg.respond(msg.data) });
  nc.subscribe('slow', { callback: (_error, msg) => void setTimeout(() => msg.respond('late'), 300) });
});
afterAll(async () => {
  await nc?.close();
  await nats?.cleanup();
});

/** The patch only drops a discarded Error: requests, errors and timeouts must behave exactly as before. */
describe('nats.js request patch (no Error built after an answer)', () => {
  const pendingRequests = (): number => (nc as unknown as { protocol: { muxSubscriptions: { size(): number } } }).protocol.muxSubscriptions.size();

  it('is applied (the nats.js internals it relies on are there)', () => {
    expect(patchNatsRequestCancel()).toBe(true);
  });

  it('answers requests and leaves nothing pending', async () => {
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => nc.request('echo', `m${i}`, { timeout: 5_000 })));
    expect(replies.map((reply) => reply.string())).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    expect(pendingRequests()).toBe(0);
  });

  it('still rejects with the same errors: no responders, timeout', async () => {
    await expect(nc.request('nobody.listens', 'x', { timeout: 2_000 })).rejects.toBeInstanceOf(RequestError);
    await expect(nc.request('slow', 'x', { timeout: 50 })).rejects.toBeInstanceOf(TimeoutError);
    expect(pendingRequests()).toBe(0);
  });
});

/** Commands of one event-loop turn leave in one socket write; nothing is lost or reordered. */
describe('nats.js write coalescing patch', () => {
  /** Runs `sending` with every socket write of the connection timed; the times of the writes, in order (so far). */
  const writesDuring = async (sending: (writesSoFar: readonly number[]) => Promise<void>): Promise<number[]> => {
    const sender = (nc as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol.transport;
    const send = sender.send.bind(sender);
    const writesAt: number[] = [];
    sender.send = (frame) => {
      writesAt.push(performance.now());
      send(frame);
    };
    try {
      await sending(writesAt);
    } finally {
      sender.send = send;
    }
    return writesAt;
  };

  it('is applied (the nats.js internals it relies on are there)', () => {
    expect(patchNatsWriteCoalescing()).toBe(true);
  });

  it('sends what one turn publishes from separate continuations in one write, in order', async () => {
    const received: string[] = [];
    const subscription = nc.subscribe('coalesced', { callback: (_error, msg) => void received.push(msg.string()) });
    await nc.flush();
    const writesAt = await writesDuring(async () => {
      // Each publish from its own promise continuation: unpatched, nats.js wrote (nearly) each one on its own.
      await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        for (let hop = 0; hop < i % 5; hop++) await Promise.resolve();
        nc.publish('coalesced', `m${i}`);
      }));
      // The next turn, or the rest of MIN_WRITE_INTERVAL_MS after the connection's last write.
      await new Promise((resolve) => setTimeout(resolve, 2 * MIN_WRITE_INTERVAL_MS + 1));
    });
    expect(writesAt).toHaveLength(1);
    await nc.flush();
    const byHops = Array.from({ length: 200 }, (_, i) => i).sort((a, b) => (a % 5) - (b % 5) || a - b);
    expect(received).toEqual(byHops.map((i) => `m${i}`));
    subscription.unsubscribe();
  });

  it('writes at most once per MIN_WRITE_INTERVAL_MS while commands keep coming, losing none', async () => {
    const received: string[] = [];
    const subscription = nc.subscribe('paced', { callback: (_error, msg) => void received.push(msg.string()) });
    await nc.flush();
    const sent: string[] = [];
    const writesAt = await writesDuring(async () => {
      // One publish per event-loop turn for ~50 ms: unpaced, that was one write per turn.
      const until = performance.now() + 50;
      for (let i = 0; performance.now() < until; i++) {
        nc.publish('paced', `p${i}`);
        sent.push(`p${i}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 5 * MIN_WRITE_INTERVAL_MS));
    });
    expect(sent.length).toBeGreaterThan(writesAt.length);
    // On average: libuv's timers run on a clock read once per loop turn, so one may fire early by a fraction of a ms.
    const meanGapMs = (writesAt[writesAt.length - 1] - writesAt[0]) / (writesAt.length - 1);
    expect(meanGapMs).toBeGreaterThanOrEqual(MIN_WRITE_INTERVAL_MS * 0.9);
    await nc.flush();
    expect(received).toEqual(sent);
    subscription.unsubscribe();
  });

  it('does not hold back a request or a reply: it leaves at the end of the turn, however recent the last write', async () => {
    // A second connection answers, so the reply goes through the patch too.
    const responder = await connectNats(nats.url, 'nats-patches-spec-responder');
    try {
      responder.subscribe('answer', { callback: (_error, msg) => void msg.respond(msg.data) });
      await responder.flush();
      const writesAt = await writesDuring(async (writesSoFar) => {
        for (let i = 0; i < 20; i += 1) {
          nc.publish('paced', 'x'); // a write not awaited: the request right after it would have waited for the interval
          await new Promise((resolve) => setImmediate(resolve));
          const before = performance.now();
          const answered = nc.request('answer', `r${i}`, { timeout: 2_000 });
          // setImmediate callbacks run in order: the request's flush, queued first, has run by the next one.
          const writtenByNextImmediate = await new Promise<boolean>((resolve) => setImmediate(() => resolve(writesSoFar.some((at) => at >= before))));
          expect(writtenByNextImmediate).toBe(true);
          expect((await answered).string()).toBe(`r${i}`);
        }
      });
      expect(writesAt.length).toBeGreaterThanOrEqual(20);
    } finally {
      await responder.close();
    }
  });

  it('tells requests and replies from other publishes by their protocol line', () => {
    expect(isAwaited('PUB $JS.API.STREAM.MSG.GET.SCHED _INBOX.abc.1 12\r\n')).toBe(true);
    expect(isAwaited('HPUB es.task.t1 _INBOX.abc.2 40 120\r\n')).toBe(true);
    expect(isAwaited('PUB _INBOX.client.7 33\r\n')).toBe(true); // a reply
    expect(isAwaited('HPUB _INBOX.client.7 20 33\r\n')).toBe(true);
    expect(isAwaited('PUB sched.evt.execution.t1.e1.TaskStarted 300\r\n')).toBe(false);
    expect(isAwaited('HPUB sched.evt.task.t1 20 300\r\n')).toBe(false);
    expect(isAwaited('PUB $JS.ACK.SCHED.dispatch.1.2.3.4.5 0\r\n')).toBe(false);
    expect(isAwaited('SUB _INBOX.abc.* 1\r\n')).toBe(false);
  });

  it('writes what is still waiting when the connection is closed right after a publish', async () => {
    const received: string[] = [];
    const subscription = nc.subscribe('last-words', { callback: (_error, msg) => void received.push(msg.string()) });
    await nc.flush();
    const closing = await connectNats(nats.url, 'nats-patches-spec-closing');
    closing.publish('last-words', 'first'); // a write now: the next command waits for the rest of the interval
    closing.publish('last-words', 'last');
    await closing.close();
    await waitFor(() => received.length === 2, 2_000, 'both messages');
    expect(received).toEqual(['first', 'last']);
    subscription.unsubscribe();
  });

  it('still flushes promptly when nothing else runs: a request is answered, flush() resolves', async () => {
    const started = Date.now();
    expect((await nc.request('echo', 'now', { timeout: 2_000 })).string()).toBe('now');
    await nc.flush();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
