import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER } from '@sched/event-store';
import { createTask, trigger, typesOf, waitForEnd } from '../support/executions';
import { useSystem } from '../support/system';

/**
 * The durable consumer executors take first attempts from, deleted while the system runs (an operator's mistake, or
 * a service credential misused): the executor makes it again from the last ack floor it saw, so what was committed
 * meanwhile still runs. Before, it logged "consumer deleted" forever and those executions stayed due.
 */
/**
 * Deletes the consumer. nats-server 2.9 sometimes answers "unlinkat …: directory not empty" to a delete that races the
 * consumer's own state write (an ack just flushed): it has removed the consumer by then and only its directory stays.
 * What this test needs is the consumer gone: on that answer, it is either not found or made again since (a newer
 * creation time, by the executor).
 */
async function deleteConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
  const { created } = await jsm.consumers.info(stream, name);
  try {
    expect(await jsm.consumers.delete(stream, name)).toBe(true);
  } catch (error) {
    if (!/directory not empty/.test(String(error))) throw error;
    const now = await jsm.consumers.info(stream, name).catch((lookup: unknown) => {
      if (/consumer not found/i.test(String(lookup))) return undefined;
      throw lookup;
    });
    if (now) expect(Date.parse(now.created)).toBeGreaterThan(Date.parse(created));
  }
}

describe('the log dispatch consumer deleted while running (e2e)', () => {
  const context = useSystem();

  it('executions triggered after the delete still run, and so do later ones', async () => {
    const { system } = context;
    const taskId = await createTask(system, { name: 'after the delete', executor: 'noop' });
    expect(typesOf(await waitForEnd(system.store, await trigger(system, taskId))).at(-1)).toBe('TaskSucceeded');
    const jsm = await jetstreamManager(system.nc);
    await deleteConsumer(jsm, DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER);
    const during = await trigger(system, taskId);
    expect(typesOf(await waitForEnd(system.store, during, 20_000)).at(-1)).toBe('TaskSucceeded');
    expect(typesOf(await waitForEnd(system.store, await trigger(system, taskId))).at(-1)).toBe('TaskSucceeded');
    expect(await jsm.consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)).toBeDefined();
  });
});
