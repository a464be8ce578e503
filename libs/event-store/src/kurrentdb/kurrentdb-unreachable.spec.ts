import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { closedPort } from '../../../../test/support/ports';
import { EventStoreUnavailableError } from '../errors';
import { anEvent } from '../testing/fixtures';
import { createKurrentDbEventStore, KurrentDbEventStore, redactUrl } from './kurrentdb-event-store';

async function timed(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work;
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

describe('KurrentDB adapter without a server (closed port)', () => {
  let url: string;
  beforeAll(async () => {
    url = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;
  });

  it('fails to connect within the connect timeout with EventStoreUnavailableError naming the URL', async () => {
    const { error, ms } = await timed(createKurrentDbEventStore(url, { connectTimeoutMs: 500 }));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toContain(`KurrentDB event store unreachable at ${url}`);
    expect(ms).toBeLessThan(4000);
  });

  it('rejects an invalid connection string as unavailable, not with a stack trace from the client', async () => {
    await expect(createKurrentDbEventStore('not a url')).rejects.toThrow(/KurrentDB connection string not a url is invalid/);
  });

  it('gives up append, read and headPosition after the operation deadline with EventStoreUnavailableError', async () => {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(url), { operationDeadlineMs: 300 });
    try {
      for (const operation of [
        () => store.append('task-1', [anEvent()], { expected: 'no_stream' }),
        () => store.read('task-1'),
        () => store.headPosition(),
      ]) {
        const { error, ms } = await timed(operation());
        expect(error).toBeInstanceOf(EventStoreUnavailableError);
        expect(ms).toBeLessThan(3000);
      }
    } finally {
      await store.close();
    }
  });

  it('keeps a subscription retrying in the background and closes it promptly', async () => {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(url), { operationDeadlineMs: 200 });
    const subscription = store.subscribeAll({ from: { after: 5 } });
    const iterator = subscription[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { ms } = await timed(subscription.close());
    expect(ms).toBeLessThan(2000);
    await expect(next).resolves.toMatchObject({ done: true });
    await store.close();
  });

  it('hides passwords in messages', () => {
    expect(redactUrl('kurrentdb://admin:changeit@db:2113?tls=false')).toBe('kurrentdb://admin:***@db:2113?tls=false');
  });
});
