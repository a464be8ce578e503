import { jetstreamManager } from '@nats-io/jetstream';
import { useTestNats } from '../../../../test/support/nats';
import { COMMAND_REPLIES_BUCKET, CommandReplyCache } from './command-reply-cache';

describe('CommandReplyCache on a real nats-server', () => {
  const servers = useTestNats();

  it("takes a new max age (COMMAND_ID_TTL_MS) for a bucket made with another: KV's create kept the old one", async () => {
    await CommandReplyCache.open(servers.nc, 86_400_000);
    const changedFrom: number[] = [];
    await CommandReplyCache.open(servers.nc, 3_000, 1, Date.now, (fromMs) => changedFrom.push(fromMs));
    const jsm = await jetstreamManager(servers.nc);
    expect((await jsm.streams.info(`KV_${COMMAND_REPLIES_BUCKET}`)).config.max_age).toBe(3_000 * 1_000_000);
    expect(changedFrom).toEqual([86_400_000]);
    // The same again: nothing to change, nothing said.
    await CommandReplyCache.open(servers.nc, 3_000, 1, Date.now, (fromMs) => changedFrom.push(fromMs));
    expect(changedFrom).toEqual([86_400_000]);
  });
});
