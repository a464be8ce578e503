import { randomUUID } from 'node:crypto';
import { SchedClient } from '@sched/client';
import { createTaskPayloadSchema, parsePayload, toTaskStreamId, updateTaskPayloadSchema, type CreateTaskPayload } from '@sched/contracts';
import { EventStoreUnavailableError, createJetStreamEventStore, type EventStore, type JetStreamEventStore } from '@sched/event-store';
import { configuredExecutors } from '@sched/executors';
import { useTestNatsConnections } from '../../../../test/support/nats';
import { ExecutionCommandService } from '../execution-command.service';
import { ExecutorCatalog } from '../executor-catalog';
import { PendingExecutions } from '../pending-executions';
import { TaskCommandService } from '../task-command.service';
import { TaskNameRegistry } from './task-name-registry';

/**
 * `store`, except that an append to a task stream lands and then answers EventStoreUnavailableError, as when its
 * publish ack is lost while the connection (and so every other request, the name registry's too) still works.
 */
function taskAppendsLoseTheirAck(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'append') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<EventStore['append']>) => {
        const result = await target.append(...args);
        if (args[0].startsWith(toTaskStreamId(''))) throw new EventStoreUnavailableError('event store unavailable (append): ack lost (test)');
        return result;
      };
    },
  });
}

/**
 * A create or rename whose task append has an unknown outcome (UNAVAILABLE) must keep its name claim: the append may
 * have landed, and a released name let another task take it while the first existed under it (two tasks, one name).
 * Its retry with the same commandId then answers what the first copy appended.
 */
describe('a task name claim after an append with an unknown outcome', () => {
  const servers = useTestNatsConnections();
  let store: JetStreamEventStore;
  let healthy: TaskCommandService;
  let lossy: TaskCommandService;

  const servicesOn = async (eventStore: EventStore): Promise<TaskCommandService> => {
    const catalog = new ExecutorCatalog(configuredExecutors());
    const pending = new PendingExecutions(await SchedClient.connect(await servers.connect()), new ExecutionCommandService(eventStore, catalog));
    return new TaskCommandService(eventStore, catalog, new TaskNameRegistry(eventStore), pending);
  };
  const createPayload = (name: string): CreateTaskPayload =>
    parsePayload(createTaskPayloadSchema, { name, executor: 'noop', commandId: randomUUID() }, 'task.create');

  beforeAll(async () => {
    store = await createJetStreamEventStore(await servers.connect());
    healthy = await servicesOn(store);
    // Its own store on its own connection: another gateway, whose ack of the task append is lost.
    lossy = await servicesOn(taskAppendsLoseTheirAck(await createJetStreamEventStore(await servers.connect())));
  });
  afterAll(async () => {
    await store?.close();
  });

  it('task.create: the name stays claimed, another create of it is a CONFLICT, the retry answers the first copy', async () => {
    const first = createPayload('lost ack create');
    await expect(lossy.create(first)).rejects.toBeInstanceOf(EventStoreUnavailableError);

    await expect(healthy.create(createPayload('lost ack create'))).rejects.toMatchObject({ code: 'CONFLICT' });
    const retried = await healthy.create(first);
    const created = (await store.read(toTaskStreamId(retried.taskId))).filter((event) => event.metadata.causationId === first.commandId);
    expect(created.map((event) => event.type)).toEqual(['TaskCreated']);
    expect(retried).toEqual({ taskId: retried.taskId, events: ['TaskCreated'], revision: created[0].revision, position: created[0].position });
  });

  it('task.update: a rename keeps its new name claimed, another create of that name is a CONFLICT', async () => {
    const { taskId } = await healthy.create(createPayload('before rename'));
    const rename = parsePayload(updateTaskPayloadSchema, { taskId, commandId: randomUUID(), name: 'after rename' }, 'task.update');
    await expect(lossy.update(rename)).rejects.toBeInstanceOf(EventStoreUnavailableError);

    await expect(healthy.create(createPayload('after rename'))).rejects.toMatchObject({ code: 'CONFLICT', details: { taskId } });
    expect((await healthy.update(rename)).events).toEqual(['TaskUpdated']);
  });
});
