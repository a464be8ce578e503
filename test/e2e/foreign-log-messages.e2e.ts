import { jetstream } from '@nats-io/jetstream';
import { SchedClient } from '@sched/client';
import { Subjects, type AuditReport } from '@sched/contracts';
import { createTask, trigger, typesOf, waitForEnd } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Messages on the log's subjects that sched did not write (an executor's credentials may publish on
 * `es.execution.>`): the log denies deletes, so one such message must not stop the readers of the log for good.
 * They pass over it and say so; only its own stream is refused, and the audit names it.
 */
describe('messages on the log that are no event commits (e2e)', () => {
  let system: TestSystem;
  let client: SchedClient;

  beforeAll(async () => {
    system = await startTestSystem();
    client = await SchedClient.connect(system.nats.url, { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await client?.close();
    await system?.close();
  });

  const runsToSuccess = async (taskId: string): Promise<void> => {
    expect(typesOf(await waitForEnd(system.store, await trigger(system, taskId))).at(-1)).toBe('TaskSucceeded');
  };

  it('every service goes on past them, a restart too; the audit of such a stream names the message', async () => {
    const taskId = await createTask(system, { name: 'goes on', executor: 'noop' });
    await runsToSuccess(taskId);
    const js = jetstream(system.nc);
    const strays = {
      'es.execution.not-json': 'this is not json',
      'es.execution.no-events': '{"r":0,"e":[]}',
      'es.execution.no-envelope': '{"r":0,"e":[{}]}',
      // Envelopes whose data breaks the event's schema.
      'es.execution.bad-due': '{"r":0,"e":[{"id":"e1","type":"TaskDue","data":{},"metadata":{}}]}',
      'es.task.bad-create': '{"r":0,"e":[{"id":"e2","type":"TaskCreated","data":{"taskId":7},"metadata":{}}]}',
      'es.workflow.bad-start': '{"r":0,"e":[{"id":"e3","type":"WorkflowStarted","data":null,"metadata":{}}]}',
    };
    for (const [subject, body] of Object.entries(strays)) await js.publish(subject, body);

    // The live tail, the projector, the timer and the executors all went on.
    await runsToSuccess(taskId);
    const head = await client.headPosition();
    expect((await client.getTask({ taskId, minPosition: head })).counts).toMatchObject({ total: 2, succeeded: 2 });

    // The audit of such a stream names the message instead of failing the query.
    const report = await client.auditVerify({ executionId: 'not-json' });
    expect(report).toMatchObject<Partial<AuditReport>>({ ok: false, broken: [expect.objectContaining({ streamId: 'execution-not-json', reason: 'not-an-event', revision: -1 })] });
    // Reads of the whole log (history, export) pass over them too.
    const all = await system.request<{ events: unknown[] }>(Subjects.query.history, { limit: 1000 });
    expect(all).toMatchObject({ ok: true });

    // On an existing task's own subject: that task's stream is refused with a structured error, the rest goes on.
    const spoiled = await createTask(system, { name: 'spoiled', executor: 'noop' });
    await js.publish(`es.task.${spoiled}`, 'not a commit');
    const refused = await system.request(Subjects.cmd.taskPause, { taskId: spoiled });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining(`on es.task.${spoiled} is not an event commit`) } });
    await runsToSuccess(taskId);

    // A stray message as the log's last one: a restart reads past it, and the head is the last event.
    await js.publish('es.execution.last-word', 'garbage at the head');
    await system.closeApp();
    await system.startAppAgain();
    await runsToSuccess(taskId);
    const after = await client.headPosition();
    expect(after).toBeGreaterThan(head);
    expect((await client.getTask({ taskId, minPosition: after })).counts).toMatchObject({ total: 4, succeeded: 4 });
  });

  it('a request naming a subject of the log as its reply subject is dropped: its answer never lands in the log', async () => {
    const taskId = await createTask(system, { name: 'not a reply target', executor: 'noop' });
    const before = await system.store.headPosition();
    for (const reply of [`es.task.${taskId}`, 'es.execution.x', 'sched.work.x', '$JS.API.STREAM.INFO.SCHED_EVENTS']) {
      system.nc.publish(Subjects.query.taskList, '{}', { reply });
    }
    await system.nc.flush();
    // Answered as ever when the reply subject is an inbox; once that answer is in, the dropped ones were seen first.
    expect(await system.request(Subjects.query.taskList, {})).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await system.store.headPosition()).toBe(before);
    expect(await system.store.read(`task-${taskId}`)).toHaveLength(1);
  });

  it('a command with no reply subject is dropped unhandled (JetStream can be made to deliver a stored body that way)', async () => {
    const before = await system.store.headPosition();
    system.nc.publish(Subjects.cmd.taskCreate, JSON.stringify({ name: 'sent with no reply subject', executor: 'noop' }));
    await system.nc.flush();
    expect(await system.request(Subjects.query.taskList, {})).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await system.store.headPosition()).toBe(before);
  });
});
