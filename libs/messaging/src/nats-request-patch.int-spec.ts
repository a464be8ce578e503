import { RequestError, TimeoutError } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from '../../../test/support/nats';
import { connectNats } from './nats-connection';
import { patchNatsRequestCancel } from './nats-request-patch';

/** The patch only drops a discarded Error: requests, errors and timeouts must behave exactly as before. */
describe('nats.js request patch (no Error built after an answer)', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  const pendingRequests = (): number => (nc as unknown as { protocol: { muxSubscriptions: { size(): number } } }).protocol.muxSubscriptions.size();

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connectNats(nats.url, 'request-patch-spec');
    nc.subscribe('echo', { callback: (_error, msg) => void msg.respond(msg.data) });
    nc.subscribe('slow', { callback: (_error, msg) => void setTimeout(() => msg.respond('late'), 300) });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
  });

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
