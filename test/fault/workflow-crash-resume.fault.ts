import { toExecutionStreamId, type RecordedEvent, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes, type EventStore } from '@sched/event-store';
import { isExecutionEnd, typesOf } from '../support/executions';
import { waitFor } from '../support/system';
import { startFaultSystem, type FaultSystem } from './fault-system';
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
 * Real processes: a workflow process manager, a timer (it dispatches retries), a relay and two executors run six
 * workflow runs. Mid-run the executor holding a running branch is killed with SIGKILL, then the workflow process
 * twice and the relay once (each restarted). Every run must end succeeded, every step scheduled and recorded exactly
 * once, each run's execution succeeded, and the killed executor's steps recorded as WorkerLost and retried.
 */
describe('workflow runs survive kill -9 of any service', () => {
  let system: FaultSystem;
  let store: EventStore;

  async function crash(service: 'workflow' | 'relay' | 'executor'): Promise<void> {
    await system.running(service)[0].kill9();
    await system.start(service);
  }

  beforeAll(async () => {
    system = await startFaultSystem(['workflow', 'timer', 'relay', 'executor', 'executor'], { EXECUTOR_CONCURRENCY: '20', WORK_ACK_WAIT_MS: '4000' });
    store = system.store;
  }, 90_000);

  afterAll(async () => {
    await system?.close();
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

    // While a branch runs (they start ~0.5 s in and take 1.5 s each): kill the executor holding it, so its running
    // steps come back after the ack wait (4 s here) as WorkerLost and are retried; then the workflow service and the relay.
    const holder = await waitFor(async () => {
      const branch = await store.read(toExecutionStreamId(`${runIds[0]}:b1`));
      const started = branch.find((event) => event.type === 'TaskStarted');
      return started && !branch.some(isExecutionEnd) ? (started.data as { workerId: string }).workerId : undefined;
    }, 20_000, 'a branch running');
    await system.running('executor').find((app) => app.name === holder)!.kill9();
    await crash('workflow');
    await crash('relay');
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
