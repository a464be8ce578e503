import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { SchedClient, SchedClientError, type FeedEvent } from '@sched/client';
import { useSystemWithClient, waitFor } from '../support/system';

/** Drains a feed in the background. */
function collect(feed: AsyncIterable<FeedEvent>): FeedEvent[] {
  const received: FeedEvent[] = [];
  void (async () => {
    for await (const event of feed) received.push(event);
  })();
  return received;
}

/** A TCP proxy to a nats-server that the test can close (dropping its connections) and open again. */
async function gatedProxy(natsUrl: string): Promise<{ url: string; close(): void; open(): void; stop(): Promise<void> }> {
  const target = new URL(natsUrl.replace('nats://', 'http://'));
  const sockets = new Set<Socket>();
  let accepting = true;
  const server = createServer((client) => {
    if (!accepting) return void client.destroy();
    const upstream = connectTcp(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `nats://127.0.0.1:${port}`,
    close: () => {
      accepting = false;
      for (const socket of sockets) socket.destroy();
    },
    open: () => void (accepting = true),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the client SDK against the whole system', () => {
  const context = useSystemWithClient();

  it('typed commands and queries; server errors keep their code, an unserved subject is UNAVAILABLE', async () => {
    const created = await context.client.createTask({ name: 'sdk', executor: 'noop', tags: ['sdk'] });
    const task = await context.client.getTask({ taskId: created.taskId, minPosition: created.position });
    expect(task).toMatchObject({ name: 'sdk', state: 'active', tags: ['sdk'] });
    const paused = await context.client.pauseTask({ taskId: created.taskId, note: 'later' });
    expect((await context.client.listTasks({ state: 'paused', minPosition: paused.position })).items.map((t) => t.taskId)).toContain(created.taskId);

    await expect(context.client.getTask({ taskId: 'missing' })).rejects.toMatchObject({ name: 'SchedClientError', code: 'NOT_FOUND' });
    const invalid = await context.client.createTask({ name: '', executor: 'noop' }).catch((error: unknown) => error);
    expect(SchedClientError.is(invalid, 'VALIDATION')).toBe(true);
    expect((invalid as SchedClientError).details).toHaveProperty('issues');
    // An instant that is none is the server's VALIDATION, not a RangeError thrown by the client.
    await expect(context.client.asOf({ taskId: 'missing', at: 'yesterday' })).rejects.toMatchObject({ name: 'SchedClientError', code: 'VALIDATION' });
    await expect(context.client.asOf({ taskId: 'missing', at: new Date(Number.NaN) })).rejects.toMatchObject({ name: 'SchedClientError', code: 'VALIDATION' });
    // A feed of a type no event has would stay silent forever: refused at once, naming the type meant.
    expect(() => context.client.subscribe({ types: ['TaskSucceeded', 'TaskSucceded'] })).toThrow(
      expect.objectContaining({ name: 'SchedClientError', code: 'VALIDATION', message: expect.stringContaining('did you mean "TaskSucceeded"') }),
    );
    const nobody = await context.client.request('sched.query.nobody-serves-this', {}).catch((error: unknown) => error);
    expect(nobody).toMatchObject({ code: 'UNAVAILABLE', subject: 'sched.query.nobody-serves-this' });
  });

  it('subscribe() misses nothing and repeats nothing across a nats-server restart mid-stream', async () => {
    const created = await context.client.createTask({
      name: 'restart-me',
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1s' }],
    });
    const { taskId } = created;
    // A subscriber that comes back only after the services have run more executions: those must come from history.
    // It connects through a proxy the test closes, so when it is back does not hang on reconnect timing.
    const proxy = await gatedProxy(context.system.nats.url);
    const slowNc = await connect({ servers: proxy.url, reconnectTimeWait: 250, maxReconnectAttempts: -1 });
    const slowClient = await SchedClient.connect(slowNc);
    const feed = slowClient.subscribe({ taskId });
    const received = collect(feed);
    await waitFor(() => received.filter((e) => e.type === 'TaskSucceeded').length >= 1, 10_000, 'a first execution');
    const beforeRestart = received.length;

    proxy.close();
    await context.system.nats.restart();
    // Two executions committed after the restart while the subscriber is away, then it is let back in.
    // Counted from the history, asked again until the services are back (a count is at least the first execution).
    const committed = async (): Promise<number | undefined> => {
      let count = 0;
      for await (const event of context.client.history({ taskId })) if (event.type === 'TaskSucceeded') count += 1;
      return count;
    };
    const counted = () => committed().catch(() => undefined);
    const atRestart = await waitFor(counted, 20_000, 'the history after the restart');
    await waitFor(async () => ((await counted()) ?? 0) >= atRestart + 2, 20_000, 'executions while the subscriber is away');
    proxy.open();
    // Events committed while it was away came from history, the rest live.
    const succeeded = () => received.filter((e) => e.type === 'TaskSucceeded').length;
    await waitFor(() => succeeded() >= atRestart + 4, 20_000, 'executions after the restart');
    await context.client.pauseTask({ taskId });
    const last = received[received.length - 1].position;
    await feed.close();
    await slowNc.close();
    await proxy.stop();

    const history: FeedEvent[] = [];
    const first = received[0].position;
    for await (const event of context.client.history({ taskId, afterPosition: first - 1 })) if (event.position <= last) history.push(event);
    expect(feed.stats().history).toBeGreaterThan(0);
    const key = (e: FeedEvent) => `${e.streamId}#${e.revision}`;
    expect(received.map(key)).toEqual(history.map(key));
    expect(new Set(received.map(key)).size).toBe(received.length);
    expect(received.every((e) => e.taskId === taskId)).toBe(true);
    expect(received.length).toBeGreaterThan(beforeRestart);
  }, 45_000);

  it('events$ is an Observable of the same feed: types filter, live from now', async () => {
    const created = await context.client.createTask({ name: 'observed', executor: 'noop' });
    const types = ['TaskDue', 'TaskSucceeded'];
    const observed = firstValueFrom(
      context.client.events$({ taskId: created.taskId, types }).pipe(filter((e) => e.streamId.startsWith('execution-')), take(2), toArray()),
    );
    // The feed is "from now": let it reach the head before triggering, so the trigger is live.
    await waitFor(async () => (await context.client.historyPage({ taskId: created.taskId })).head >= created.position!, 5000, 'the head');
    const triggered = await context.client.triggerTask({ taskId: created.taskId });
    const events = await observed;
    expect(events.map((e) => [e.type, e.streamId])).toEqual([
      ['TaskDue', `execution-${triggered.executionId}`],
      ['TaskSucceeded', `execution-${triggered.executionId}`],
    ]);
  });
});
