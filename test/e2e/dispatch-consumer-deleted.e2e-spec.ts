import { jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER } from '@sched/event-store';
import { createTask, trigger, typesOf, waitForEnd } from '../support/executions';
import { useSystem } from '../support/system';

/**
 * The durable consumer executors take first attempts from, deleted while the system runs (an operator's mistake, or
 * a service credential misused): the executor makes it again from the last ack floor it saw, so what was committed
 * meanwhile still runs. Before, it logged "consumer deleted" forever and those executions stayed due.
 */
describe('the log dispatch consumer deleted while running (e2e)', () => {
  const context = useSystem();

  it('executions triggered after the delete still run, and so do later ones', async () => {
    const { system } = context;
    const taskId = await createTask(system, { name: 'after the delete', executor: 'noop' });
    expect(typesOf(await waitForEnd(system.store, await trigger(system, taskId))).at(-1)).toBe('TaskSucceeded');
    const jsm = await jetstreamManager(system.nc);
    expect(await jsm.consumers.delete(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)).toBe(true);
    const during = await trigger(system, taskId);
    expect(typesOf(await waitForEnd(system.store, during, 20_000)).at(-1)).toBe('TaskSucceeded');
    expect(typesOf(await waitForEnd(system.store, await trigger(system, taskId))).at(-1)).toBe('TaskSucceeded');
    expect(await jsm.consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)).toBeDefined();
  });
});
