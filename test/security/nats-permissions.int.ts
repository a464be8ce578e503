import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { AuthorizationError, PermissionViolationError, connect, type NatsConnection } from '@nats-io/transport-node';
import { Subjects, type Reply, type TaskCommandResult, type TriggerTaskResult } from '@sched/contracts';
import { DEFAULT_SNAPSHOT_BUCKET, DEFAULT_STREAM_NAME } from '@sched/event-store';
import { WORK_STREAM, type NatsRole } from '@sched/messaging';
import { RETRY_TIMERS_BUCKET, RetryTimerStore, type RetryTimer } from '../../apps/timer/src/retries/retry-timer-store';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startSecureTestNats, type SecureTestNats } from '../support/secure-nats';
import { waitFor } from '../support/system';

const SERVICES: NatsRole[] = ['gateway', 'projector', 'timer', 'relay', 'executor'];

/** Resolves to the PermissionViolationError the server answered a request with (fails if the request got through). */
async function deniedRequest(nc: NatsConnection, subject: string, body = '{}'): Promise<PermissionViolationError> {
  try {
    await nc.request(subject, body, { timeout: 3_000 });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (cause instanceof PermissionViolationError) return cause;
    throw error;
  }
  throw new Error(`${subject}: the request got through`);
}

async function deniedSubscription(nc: NatsConnection, subject: string): Promise<unknown> {
  return nc.subscribe(subject).closed;
}

/**
 * The generated nats-server configuration, with every service a real process under its own NATS user: the system
 * works end to end, and each role is refused what it must not do (a permissions violation, nothing appended).
 */
describe('NATS users per role and subject permissions', () => {
  let secure: SecureTestNats;
  let dataDir: string;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  let client: NatsConnection;
  const apps: AppProcess[] = [];

  const eventLogLastSeq = async (): Promise<number> => (await jsm.streams.info(DEFAULT_STREAM_NAME)).state.last_seq;

  beforeAll(async () => {
    secure = await startSecureTestNats();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-secure-'));
    for (const role of SERVICES) apps.push(spawnApp(role, secure.envFor(role, { DATA_DIR: dataDir, INSTANCE_ID: role, LOG_LEVEL: 'warn', HTTP_PORT: '0' })));
    await Promise.all(apps.map((app) => app.waitForOutput(`sched-${app.name} ready`, 90_000)));
    admin = await secure.connectAs('admin');
    jsm = await jetstreamManager(admin);
    client = await secure.connectAs('client');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill9()));
    await secure?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a client runs a task end to end through services that each hold only their role', async () => {
    const live = client.subscribe(Subjects.evt.allExecutions);
    const created = (await client.request(Subjects.cmd.taskCreate, JSON.stringify({ name: 'secured', executor: 'noop' }), { timeout: 10_000 })).json<Reply<TaskCommandResult>>();
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const triggered = (await client.request(Subjects.cmd.taskTrigger, JSON.stringify({ taskId: created.result.taskId }), { timeout: 10_000 })).json<Reply<TriggerTaskResult>>();
    if (!triggered.ok) throw new Error(JSON.stringify(triggered.error));
    for await (const msg of live) if (msg.json<{ type: string }>().type === 'TaskSucceeded') break;
    const execution = await waitFor(async () => {
      const reply = (await client.request(Subjects.query.executionGet, JSON.stringify({ executionId: triggered.result.executionId }), { timeout: 10_000 })).json<Reply<{ status: string }>>();
      return reply.ok && reply.result.status === 'succeeded' ? reply.result : undefined;
    }, 15_000, 'the execution in the read model');
    expect(execution.status).toBe('succeeded');
    // Each role's permissions are enough: no service was refused anything on the way.
    for (const app of apps) expect(app.output()).not.toMatch(/Permissions Violation|Authorization Violation/);
  }, 30_000);

  it('no credentials, no connection', async () => {
    await expect(connect({ servers: secure.nats.url })).rejects.toBeInstanceOf(AuthorizationError);
  });

  it('a client may not append to the event log, feed the work queue or call the JetStream API', async () => {
    const before = await eventLogLastSeq();
    const workBefore = (await jsm.streams.info(WORK_STREAM)).state.last_seq;
    for (const subject of ['es.task.forged', 'es.execution.forged@1', 'sched.work.noop', `$JS.API.STREAM.DELETE.${DEFAULT_STREAM_NAME}`, `$JS.API.STREAM.PURGE.${DEFAULT_STREAM_NAME}`, `$JS.API.STREAM.INFO.${DEFAULT_STREAM_NAME}`, '$KV.sched_checkpoints.projector', Subjects.admin.projectorRebuild]) {
      expect((await deniedRequest(client, subject)).message).toContain(`Permissions Violation for Publish to "${subject}"`);
    }
    for (const subject of ['es.>', 'sched.work.>', '$JS.API.>', 'sched.cmd.>']) {
      expect(String(await deniedSubscription(client, subject))).toContain(`Permissions Violation for Subscription to "${subject}"`);
    }
    expect(await eventLogLastSeq()).toBe(before);
    expect((await jsm.streams.info(WORK_STREAM)).state.last_seq).toBe(workBefore);
  });

  it('an executor may not send task commands or append to task streams', async () => {
    const executor = await secure.connectAs('executor');
    const before = await eventLogLastSeq();
    const snapshotOfATask = `$KV.${DEFAULT_SNAPSHOT_BUCKET}.${Buffer.from('task-x').toString('hex')}`;
    for (const subject of [Subjects.cmd.taskCreate, Subjects.cmd.taskTrigger, Subjects.cmd.taskDelete, 'es.task.forged', snapshotOfATask]) {
      expect((await deniedRequest(executor, subject, JSON.stringify({ name: 'x', executor: 'noop' }))).message).toContain('Permissions Violation for Publish');
    }
    expect(await eventLogLastSeq()).toBe(before);
  });

  it('an executor cannot have JetStream deliver a body it stored to a command subject: a message with no reply subject is no request', async () => {
    const executor = await secure.connectAs('executor');
    // The trick needs a bucket the executor may write and the JetStream API: a direct get "answered" to the command
    // subject, which the server publishes with no reply subject.
    expect(await (await client.request(Subjects.cmd.taskCreate, JSON.stringify({ commandId: 'makes-the-bucket', name: 'makes-the-bucket', executor: 'noop' }))).json<Reply<unknown>>()).toMatchObject({ ok: true });
    const before = await eventLogLastSeq();
    await executor.request('$KV.sched_command_replies.forged', JSON.stringify({ name: 'forged-by-executor', executor: 'noop' }));
    executor.publish('$JS.API.DIRECT.GET.KV_sched_command_replies', JSON.stringify({ last_by_subj: '$KV.sched_command_replies.forged' }), { reply: Subjects.cmd.taskCreate });
    await executor.flush();
    // The gateway has seen the forged message once a later request through it is answered.
    expect(await (await client.request(Subjects.query.taskList, '{}')).json<Reply<unknown>>()).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await eventLogLastSeq()).toBe(before);
  });

  it('no service user may delete or purge the event log, delete its messages or change its config', async () => {
    const before = await eventLogLastSeq();
    for (const role of SERVICES) {
      const nc = await secure.connectAs(role);
      for (const api of ['STREAM.DELETE', 'STREAM.PURGE', 'STREAM.MSG.DELETE', 'STREAM.UPDATE']) {
        const subject = `$JS.API.${api}.${DEFAULT_STREAM_NAME}`;
        expect((await deniedRequest(nc, subject, JSON.stringify({ seq: 1 }))).message).toContain(`Permissions Violation for Publish to "${subject}"`);
      }
      // Nor shrink the work queue's limits, which would drop what is queued by retention.
      const workUpdate = `$JS.API.STREAM.UPDATE.${WORK_STREAM}`;
      expect((await deniedRequest(nc, workUpdate, JSON.stringify({ name: WORK_STREAM, max_msgs: 1 }))).message).toContain(`Permissions Violation for Publish to "${workUpdate}"`);
    }
    // Even admin, who may call the API, cannot erase: the stream itself denies deletes and purges.
    await expect(jsm.streams.deleteMessage(DEFAULT_STREAM_NAME, 1)).rejects.toThrow(/message delete not permitted/i);
    await expect(jsm.streams.purge(DEFAULT_STREAM_NAME)).rejects.toThrow(/purge not permitted/i);
    expect(await eventLogLastSeq()).toBe(before);
    expect((await jsm.streams.info(DEFAULT_STREAM_NAME)).config).toMatchObject({ deny_delete: true, deny_purge: true, max_age: 0 });
  });

  it('the timer user removes the retry timers it is done with (a purge of that key), and may not purge the work queue', async () => {
    const timer = await secure.connectAs('timer');
    const retries = await RetryTimerStore.open(timer);
    const pending = { executionId: 'perm@1', attempt: 2, retryAtMs: Date.now() + 60_000 } as unknown as RetryTimer;
    await retries.put(pending);
    await retries.delete(pending);
    expect(await retries.all()).toEqual([]);
    expect((await jsm.streams.info(`KV_${RETRY_TIMERS_BUCKET}`)).state.messages).toBe(0);
    const subject = `$JS.API.STREAM.PURGE.${WORK_STREAM}`;
    expect((await deniedRequest(timer, subject, '{}')).message).toContain(`Permissions Violation for Publish to "${subject}"`);
  });
});
