import { jetstreamManager } from '@nats-io/jetstream';
import { useTestNats } from '../../../../test/support/nats';
import { COMMAND_CLAIM_MS, COMMAND_REPLIES_BUCKET, CommandReplyCache } from './command-reply-cache';

describe('CommandReplyCache on a real nats-server', () => {
  const servers = useTestNats();

  it('a claim its holder renews outlives COMMAND_CLAIM_MS: a duplicate waits for the reply instead of running the command again', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const first = await CommandReplyCache.open(servers.nc, 86_400_000, 1, now);
    const duplicate = await CommandReplyCache.open(servers.nc, 86_400_000, 1, now);
    const key = CommandReplyCache.keyOf('sched.cmd.projector.rebuild', 'long-one');
    const begun = await first.begin(key, 'body');
    if (begun.kind !== 'run') throw new Error('the first copy should run');
    // Unrenewed, a claim past its life counts as abandoned: the duplicate would take over (and run it again).
    clock += COMMAND_CLAIM_MS / 3;
    expect(await first.renew(key, 'body', begun.revision)).toEqual(expect.any(Number));
    clock += COMMAND_CLAIM_MS - 1_000; // past the first claim's end, within the renewed one's
    const waiting = duplicate.begin(key, 'body');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.complete(key, 'body', { rebuilt: true });
    await expect(waiting).resolves.toEqual({ kind: 'replay', result: { rebuilt: true } });
    // A renewal of a claim that is no longer the holder's (done, or taken over) changes nothing.
    expect(await first.renew(key, 'body', begun.revision)).toBeUndefined();
  });

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
