import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { jitteredExpiry, pullBatch } from './pull-batch';

/** A consumer whose pulls deliver `messages` and then, like a request nats-server dropped, never end on their own. */
function consumerThatGoesSilent(messages: string[]) {
  const pulls: Array<{ max_messages?: number; expires?: number }> = [];
  const consumer = {
    fetch: async (options: { max_messages?: number; expires?: number }) => {
      pulls.push(options);
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      async function* deliver(): AsyncGenerator<JsMsg> {
        for (const subject of messages) yield { subject } as JsMsg;
        await stopped;
      }
      return Object.assign(deliver(), { stop }) as unknown as ConsumerMessages;
    },
  } as unknown as Pick<Consumer, 'fetch'>;
  return { consumer, pulls };
}

describe('pullBatch', () => {
  it('hands over what arrives and ends a pull the server dropped silently just after its expiry', async () => {
    const { consumer, pulls } = consumerThatGoesSilent(['a', 'b']);
    const seen: string[] = [];
    const started = Date.now();
    await pullBatch(consumer, 5, (msg) => seen.push(msg.subject), 50);
    const tookMs = Date.now() - started;
    expect(seen).toEqual(['a', 'b']);
    expect(pulls).toEqual([{ max_messages: 5, expires: 50 }]);
    // Ended by its expiry plus the overdue margin (100 ms), not by nats.js's two missed heartbeats (seconds).
    expect(tookMs).toBeGreaterThanOrEqual(140);
    expect(tookMs).toBeLessThan(1_000);
  });

  it('ends an open pull at once when abandoned (a teardown), before or while it waits', async () => {
    const { consumer } = consumerThatGoesSilent(['a']);
    const abandon = new AbortController();
    const started = Date.now();
    const pulling = pullBatch(consumer, 5, () => undefined, 10_000, abandon.signal);
    setTimeout(() => abandon.abort(), 20);
    await pulling;
    expect(Date.now() - started).toBeLessThan(1_000);
    const again = Date.now();
    await pullBatch(consumer, 5, () => undefined, 10_000, abandon.signal); // already abandoned: no wait at all
    expect(Date.now() - again).toBeLessThan(500);
  });

  it('waits 2–2.5 s per pull by default, at random, so expiries fall at no fixed phase of the clock', () => {
    const expiries = Array.from({ length: 200 }, () => jitteredExpiry());
    expect(Math.min(...expiries)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...expiries)).toBeLessThan(2_500);
    expect(new Set(expiries).size).toBeGreaterThan(50);
  });

  it('waits the configured time plus up to a quarter of it', () => {
    const expiries = Array.from({ length: 200 }, () => jitteredExpiry(1_000));
    expect(Math.min(...expiries)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...expiries)).toBeLessThan(1_250);
    expect(new Set(expiries).size).toBeGreaterThan(50);
  });
});
