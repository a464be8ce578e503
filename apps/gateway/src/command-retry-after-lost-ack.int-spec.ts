import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import {
  backfillTaskPayloadSchema,
  cancelExecutionPayloadSchema,
  createTaskPayloadSchema,
  deleteTaskPayloadSchema,
  parsePayload,
  toExecutionStreamId,
  toTaskStreamId,
  triggerTaskPayloadSchema,
  updateTaskPayloadSchema,
} from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { EventStoreUnavailableError, createJetStreamEventStore, toEnvelopes, type JetStreamEventStore } from '@sched/event-store';
import { configuredExecutors } from '@sched/executors';
import { connectNats } from '@sched/messaging';
import { startAckDroppingProxy } from '../../../test/support/ack-dropping-proxy';
import { useTestNatsConnections } from '../../../test/support/nats';
import { ExecutionCommandService } from './execution-command.service';
import { ExecutorCatalog } from './executor-catalog';
import { TaskNameRegistry } from './names/task-name-registry';
import { PendingExecutions } from './pending-executions';
import { TaskCommandService } from './task-command.service';

/** The command services of one gateway, on its own connection and store. */
interface Gateway {
  readonly store: JetStreamEventStore;
  readonly tasks: TaskCommandService;
  readonly executions: ExecutionCommandService;
}

async function gatewayOn(nc: NatsConnection, storeOptions: { requestTimeoutMs?: number; operationDeadlineMs?: number } = {}): Promise<Gateway> {
  const store = await createJetStreamEventStore(nc, storeOptions);
  const catalog = new ExecutorCatalog(configuredExecutors());
  const executions = new ExecutionCommandService(store, catalog);
  const pending = new PendingExecutions(await SchedClient.connect(nc), executions);
  return { store, executions, tasks: new TaskCommandService(store, catalog, new TaskNameRegistry(store), pending) };
}

/**
 * A command whose append reached JetStream but whose ack never came back answers UNAVAILABLE (its outcome unknown);
 * the caller retries it with the same commandId, here on another gateway (the queue group's other member, or the
 * same one after a reconnect), and must get what the first attempt appended, as if its reply had arrived: not a
 * decider's "nothing to do" (`events: []`), nor a refusal (the task it created exists, the task it deleted is gone).
 */
describe('a command retried after its append\'s ack was lost', () => {
  const servers = useTestNatsConnections();
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await gatewayOn(await servers.connect());
  });
  afterAll(async () => {
    await gateway?.store.close();
  });

  /** Runs `command` on a gateway whose connection loses every reply once it publishes to `subjectPrefix`. */
  async function withAckLost(subjectPrefix: string, command: (lossy: Gateway) => Promise<unknown>): Promise<void> {
    const proxy = await startAckDroppingProxy(servers.nats, subjectPrefix);
    const nc = await connectNats(proxy.url, 'lossy-gateway');
    // Short timeouts: the store gives up on the unacknowledged publish (and its deduplicated re-sends) in 2.5 s. Not
    // shorter: the store's own setup requests (stream info) go with the same timeout, and under load (the suite
    // beside other work) one took over 250 ms and failed the case before its command ran.
    const lossy = await gatewayOn(nc, { requestTimeoutMs: 1_000, operationDeadlineMs: 2_500 });
    try {
      await expect(command(lossy)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await lossy.store.close();
      await proxy.close();
      await nc.close();
    }
  }

  /** The events of `streamId` the command `commandId` appended, as its reply would have listed them. */
  async function appendedBy(streamId: string, commandId: string) {
    const events = (await gateway.store.read(streamId)).filter((event) => event.metadata.causationId === commandId);
    const last = events.at(-1);
    return { events: events.map((event) => event.type), revision: last?.revision, position: last?.position };
  }

  async function createTask(name: string): Promise<string> {
    const created = await gateway.tasks.create(parsePayload(createTaskPayloadSchema, { name, executor: 'noop', schedules: [{ type: 'cron', expression: '0 * * * *' }] }, 'task.create'));
    return created.taskId;
  }

  it.concurrent('task.trigger: the retry answers the TaskTriggered the first attempt appended', async () => {
    const taskId = await createTask('trigger lost ack');
    const payload = parsePayload(triggerTaskPayloadSchema, { taskId, commandId: randomUUID() }, 'task.trigger');
    await withAckLost('es.task.', (lossy) => lossy.tasks.trigger(payload));

    const retried = await gateway.tasks.trigger(payload);
    const first = await appendedBy(toTaskStreamId(taskId), payload.commandId!);
    expect(first.events).toEqual(['TaskTriggered']);
    expect(retried).toEqual({ taskId, executionId: payload.commandId, ...first });
  });

  it.concurrent('task.backfill: the retry answers the first attempt\'s occurrences', async () => {
    const taskId = await createTask('backfill lost ack');
    const payload = parsePayload(backfillTaskPayloadSchema, { taskId, commandId: randomUUID(), from: '2024-01-01T00:00:00Z', to: '2024-01-01T03:00:00Z' }, 'task.backfill');
    await withAckLost('es.task.', (lossy) => lossy.tasks.backfill(payload));

    const retried = await gateway.tasks.backfill(payload);
    expect(retried).toEqual({ taskId, backfillId: payload.commandId, occurrences: 3, ...(await appendedBy(toTaskStreamId(taskId), payload.commandId!)) });
    expect(retried.events).toEqual(['BackfillRequested']);
  });

  it.concurrent('task.update: the retry answers the TaskUpdated the first attempt appended', async () => {
    const taskId = await createTask('update lost ack');
    const payload = parsePayload(updateTaskPayloadSchema, { taskId, commandId: randomUUID(), description: 'changed once' }, 'task.update');
    await withAckLost('es.task.', (lossy) => lossy.tasks.update(payload));

    const retried = await gateway.tasks.update(payload);
    expect(retried).toEqual({ taskId, ...(await appendedBy(toTaskStreamId(taskId), payload.commandId!)) });
    expect(retried.events).toEqual(['TaskUpdated']);
  });

  it.concurrent('task.create: the retry answers the task it created, not CONFLICT "already exists"', async () => {
    const payload = parsePayload(createTaskPayloadSchema, { name: 'create lost ack', executor: 'noop', commandId: randomUUID() }, 'task.create');
    await withAckLost('es.task.', (lossy) => lossy.tasks.create(payload));

    const retried = await gateway.tasks.create(payload);
    expect(retried).toEqual({ taskId: retried.taskId, ...(await appendedBy(toTaskStreamId(retried.taskId), payload.commandId!)) });
    expect(retried.events).toEqual(['TaskCreated']);
  });

  it.concurrent('task.delete: the retry answers the TaskDeleted the first attempt appended, not NOT_FOUND', async () => {
    const taskId = await createTask('delete lost ack');
    const payload = parsePayload(deleteTaskPayloadSchema, { taskId, commandId: randomUUID() }, 'task.delete');
    await withAckLost('es.task.', (lossy) => lossy.tasks.delete(payload));

    const retried = await gateway.tasks.delete(payload);
    expect(retried).toEqual({ taskId, ...(await appendedBy(toTaskStreamId(taskId), payload.commandId!)) });
    expect(retried.events).toEqual(['TaskDeleted']);
  });

  it.concurrent('execution.cancel: the retry answers the cancel the first attempt appended, not INVALID_STATE', async () => {
    const taskId = await createTask('cancel lost ack');
    const executionId = randomUUID();
    const due = executionDecider.decide(
      { type: 'ScheduleExecution', data: { taskId, executionId, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'trigger', taskRevision: 0 } },
      executionDecider.initialState(),
    );
    const cause = { correlationId: executionId, causationId: executionId, actor: 'timer:test', nowMs: Date.now() };
    await gateway.store.append(toExecutionStreamId(executionId), toEnvelopes(due, cause), { expected: 'no_stream' });
    const payload = parsePayload(cancelExecutionPayloadSchema, { executionId, commandId: randomUUID() }, 'execution.cancel');
    await withAckLost('es.execution.', (lossy) => lossy.executions.cancel(payload));

    const retried = await gateway.executions.cancel(payload);
    expect(retried).toEqual({ executionId, ...(await appendedBy(toExecutionStreamId(executionId), payload.commandId!)) });
    expect(retried.events).toEqual(['TaskCancelRequested', 'TaskCancelled']);
  });
});
