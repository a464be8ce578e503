import { startTestNats, type TestNats } from '../../../test/support/nats';
import { connectNats } from '@sched/messaging';
import { warmUpNatsClient } from './warm-up';

describe('warmUpNatsClient (a real nats-server with JetStream)', () => {
  let nats: TestNats;

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats?.cleanup();
  });

  it('sends the requests, 16 in flight, and counts the answers', async () => {
    const nc = await connectNats(nats.url, 'warm-up-spec');
    try {
      await expect(warmUpNatsClient(nc, 40)).resolves.toBe(40);
      await expect(warmUpNatsClient(nc, 5)).resolves.toBe(5); // a last batch smaller than 16
    } finally {
      await nc.close();
    }
  });

  it('ends with the first failure, an error the executor logs before it starts anyway', async () => {
    const nc = await connectNats(nats.url, 'warm-up-spec-closed');
    await nc.close();
    await expect(warmUpNatsClient(nc, 40)).rejects.toThrow(/closed/i);
  });
});
