import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { toExecutionStreamId, type RecordedEvent, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { createJetStreamEventStore, toEnvelopes, type EventStore } from '@sched/event-store';
import { spawnApp, type AppProcess } from '../support/app-process';
import { typesOf } from '../support/executions';
import { startTestNats, type TestNats } from '../support/nats';
import { startRetryWorkPublisher, type RetryWorkPublisher } from '../support/retry-work-publisher';
import { waitFor } from '../support/system';
import { dataOf, runEvents, runSteps } from '../support/workflows';

const RUNS = 6;
const BRANCHES = ['b1', 'b2', 'b3', 'b4'];
const STEP_IDS = ['fetch', ...BRANCHES, 'join'];
const retry = { maxAttempts: 4, initialInterval: '200ms', backoff: 'fixed' };

/** fetch → four 1.5 s branches → join, which gets fetch's result through a reference. */
const WORKFLOW = {
  maxParallel: 4,
  steps: [
    { id: 'fetch', executor: 'manual', config: { result: { batch: 7 } }, retry },
    ...BRANCHES.map((id) => ({ id, executor: 'sleep', config: { duration: '1500ms', steps: 3 }, dependsOn: ['fetch'], retry })),
    { id: 'join', executor: 'manual', config: { result: { batch: '${steps.fetch.result.batch}' } }, dependsOn: BRANCHES, retry },
  ],
};

/**
 * Real processes: a workflow process manager, a relay and two executors run six workflow runs. Mid-run the workflow
 * process is killed with SIGKILL twice, the relay once and one executor once (each restarted). Every run must end
 * succeeded, every step scheduled and recorded exactly once, each run's execution succeeded.
 */
describe('workflow runs survive kill -9 of any service', () => {
  let nats: TestNats;
  let dataDir: string;
  let nc: NatsConnection;
  let store: EventStore;
  let retries: RetryWorkPublisher;
  const apps: AppProcess[] = [];
  let started = 0;

  const env = (instance: string) => ({ NATS_URL: nats.url, DATA_DIR: dataDir, INSTANCE_ID: instance, EXECUTOR_CONCURRENCY: '20', LOG_LEVEL: 'warn' });
  async function start(app: 'workflow' | 'relay' | 'executor'): Promise<AppProcess> {
    const name = `${app}-${++started}`;
    const child = spawnApp(app, env(name), name);
    apps.push(child);
    await child.waitForOutput(`sched-${app} ready`, 60_000);
    return child;
  }
  const alive = (prefix: string) => apps.filter((app) => app.name.startsWith(prefix) && app.child.exitCode === null && app.child.signalCode === null);
  async function crash(prefix: 'workflow' | 'relay' | 'executor'): Promise<void> {
    await alive(prefix)[0].kill9();
    await start(prefix);
  }

  beforeAll(async () => {
    nats = await startTestNats();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-wf-fault-'));
    await Promise.all([start('workflow'), start('relay'), start('executor'), start('executor')]);
    nc = await connect({ servers: nats.url });
    store = await createJetStreamEventStore(nc);
    retries = startRetryWorkPublisher(store, nc);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill9()));
    await retries?.close();
    await store?.close();
    await nc?.close();
    await nats?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** What the timer appends when a workflow task fires. */
  async function fireRun(runId: string): Promise<void> {
    const due: TaskDue['data'] = { taskId: 'wf', executionId: runId, executor: 'workflow', config: WORKFLOW, scheduledAt: new Date().toISOString(), reason: 'trigger', taskRevision: 0 };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await store.append(toExecutionStreamId(runId), toEnvelopes(events, { correlationId: runId, causationId: runId, actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });
  }

  const ended = async (runId: string): Promise<RecordedEvent[] | undefined> => {
    const events = await runEvents(store, runId);
    return events.some((event) => event.type.startsWith('Workflow') && event.type !== 'WorkflowStarted') ? events : undefined;
  };

  it('six runs with the workflow service, the relay and an executor killed mid-run: all succeed, nothing twice', async () => {
    const t0 = Date.now();
    const runIds = Array.from({ length: RUNS }, (_, i) => `run-${i}`);
    await Promise.all(runIds.map(fireRun));

    // While the branches run (they start ~0.5 s in and take 1.5 s each, up to 20 at once per executor).
    await waitFor(async () => (await runEvents(store, runIds[0])).some((e) => e.type === 'StepScheduled' && (e.data as { stepId: string }).stepId === 'b1'), 20_000, 'branches scheduled');
    await crash('workflow');
    await crash('relay');
    await alive('executor')[0].kill9(); // its running steps come back after the 30 s ack wait: WorkerLost, then a retry
    await crash('workflow');

    const histories = await waitFor(async () => {
      const all = await Promise.all(runIds.map(ended));
      return all.every(Boolean) ? (all as RecordedEvent[][]) : undefined;
    }, 75_000, `${RUNS} runs ended`);

    let workerLost = 0;
    for (const [i, events] of histories.entries()) {
      expect(events.at(-1)?.type).toBe('WorkflowSucceeded');
      const steps = runSteps(events);
      for (const id of STEP_IDS) {
        expect(steps.filter((s) => s === `StepScheduled:${id}`)).toHaveLength(1);
        expect(steps.filter((s) => s === `StepSucceeded:${id}`)).toHaveLength(1);
        const execution = await store.read(toExecutionStreamId(`${runIds[i]}:${id}`));
        expect(typesOf(execution).filter((type) => type === 'TaskDue')).toHaveLength(1);
        workerLost += execution.filter((e) => e.type === 'TaskFailed' && (e.data as { error: { type: string } }).error.type === 'WorkerLost').length;
      }
      expect(dataOf(events, 'StepSucceeded').find((s) => s.stepId === 'join')?.result).toEqual({ batch: 7 });
      const parent = typesOf(await store.read(toExecutionStreamId(runIds[i])));
      expect(parent).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    }
    console.log(`workflow crash resume: ${JSON.stringify({ runs: RUNS, steps: RUNS * STEP_IDS.length, kills: 4, workerLost, seconds: (Date.now() - t0) / 1000 })}`);
    expect(workerLost).toBeGreaterThan(0); // the executor kill did hit running steps
  }, 150_000);
});
