import {
  toExecutionStreamId,
  toWorkflowStreamId,
  upcast,
  type ExecutionEvent,
  workflowConfigInputSchema,
  type RecordedEvent,
  type StepScheduled,
  type TaskDue,
  type WorkflowEvent,
} from '@sched/contracts';
import {
  executionDecider,
  fold,
  stepsIn,
  workflowDecider,
  type ExecutionState,
  type ReusedStep,
  type StepOutcome,
  type WorkflowCommand,
  type WorkflowState,
} from '@sched/domain';
import { handleCommand, type CausationContext, type EventStore } from '@sched/event-store';
import { MAX_TIMER_FIRE_AHEAD_MS, notBeforeOf, workflowWorkerId } from '@sched/messaging';
import { commandExecution, isSettled, scheduleExecution, type ExecutionCommandFor } from './execution-writes';

/**
 * A run's decisions go in commits of at most this many bytes (one JetStream message holds 1 MiB): a step's outcome
 * carries its result (up to 768 KiB) and each step it lets start its config with results substituted, and a
 * resumed run's first decision every result it takes over. The decider completes a split decision when what caused
 * it is delivered again (workflow.decider.ts).
 */
const WORKFLOW_COMMIT_BYTES = 512 * 1024;

/** What an execution's end means for the step it runs. */
export function stepOutcomeOf(event: RecordedEvent): StepOutcome | undefined {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'TaskSucceeded':
      return { kind: 'succeeded', ...(data.result === undefined ? {} : { result: data.result }) };
    case 'TaskFailed':
      return data.final ? { kind: 'failed', error: data.error as Extract<StepOutcome, { kind: 'failed' }>['error'] } : undefined;
    case 'TaskCancelled':
      return { kind: 'cancelled', ...(typeof data.reason === 'string' ? { reason: data.reason } : {}) };
    case 'TaskSkipped':
      return { kind: 'skipped' };
    default:
      return undefined;
  }
}

/**
 * What the workflow process manager does about each event, every action idempotent (a redelivered event decides
 * nothing new, a TaskDue already appended is not appended again), so the subscription may deliver at least once.
 */
export class WorkflowEffects {
  constructor(
    private readonly store: EventStore,
    private readonly workerId: string,
  ) {}

  cause(event: RecordedEvent): CausationContext {
    return { correlationId: event.metadata.correlationId, causationId: event.id, actor: workflowWorkerId(this.workerId), nowMs: Date.now() };
  }

  /** A workflow task's TaskDue: the run's execution starts (attempt 1), then the run itself. */
  async startRun(event: RecordedEvent): Promise<void> {
    const due = event.data as TaskDue['data'];
    const runId = due.executionId;
    // Recorded ahead of its instant (the timer's fire-ahead window): the run starts at the instant, as attempts do.
    const waitMs = (notBeforeOf(due) ?? 0) - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, MAX_TIMER_FIRE_AHEAD_MS)));
    const start: ExecutionCommandFor = (state) =>
      state.status === 'due' && state.attempt === 0 ? { type: 'StartAttempt', data: { attempt: 1, workerId: workflowWorkerId(this.workerId), nowMs: Date.now() } } : undefined;
    await commandExecution(this.store, runId, start, this.cause(event));
    const parent = await this.executionState(runId);
    if (parent.status !== 'running') return; // cancelled before it started: no run
    const parsed = workflowConfigInputSchema.safeParse(due.config);
    if (!parsed.success) {
      const error = { type: 'InvalidWorkflow', message: parsed.error.issues.map((issue) => issue.message).join('; '), retryable: false };
      await commandExecution(this.store, runId, (s) => ({ type: 'FailAttempt', data: { attempt: attemptOf(s), error, nowMs: Date.now() } }), this.cause(event));
      return;
    }
    const reused = due.resumeOf ? await this.reusableSteps(due.resumeOf) : undefined;
    await this.commandRun(runId, {
      type: 'StartRun',
      data: { runId, taskId: due.taskId, definition: parsed.data, ...(due.resumeOf ? { resumedFrom: due.resumeOf, reused } : {}), nowMs: Date.now() },
    }, event);
  }

  /** StepScheduled → the step's execution (TaskDue), which the relay queues like any other. */
  async dispatchStep(runId: string, event: RecordedEvent): Promise<TaskDue['data']> {
    const { stepId, executionId, taskId, executor, config, retry, timeouts } = (event as unknown as StepScheduled).data;
    const due: TaskDue['data'] = {
      taskId,
      executionId,
      executor,
      config,
      scheduledAt: event.metadata.occurredAt,
      reason: 'trigger',
      taskRevision: 0,
      ...(retry ? { retry } : {}),
      ...(timeouts ? { timeouts } : {}),
      workflowStep: { runId, stepId },
    };
    await scheduleExecution(this.store, due, this.cause(event));
    return due;
  }

  recordOutcome(runId: string, stepId: string, event: RecordedEvent, outcome: StepOutcome): Promise<void> {
    const executionId = event.streamId.slice('execution-'.length);
    return this.commandRun(runId, { type: 'RecordStepOutcome', data: { stepId, executionId, outcome, nowMs: Date.now() } }, event);
  }

  /** The run's execution was asked to cancel (sched.cmd.execution.cancel): the run is. */
  cancelRun(runId: string, event: RecordedEvent): Promise<void> {
    const reason = (event.data as { reason?: string }).reason;
    return this.commandRun(runId, { type: 'CancelRun', data: { ...(reason ? { reason } : {}), nowMs: Date.now() } }, event);
  }

  /** WorkflowCancelRequested → every running step's execution is asked to cancel, by the ordinary cancel path. */
  async cancelRunningSteps(runId: string, event: RecordedEvent): Promise<void> {
    const run = await this.runState(runId);
    if (run.status === 'none') return;
    const reason = `workflow run ${runId} cancelled`;
    for (const stepId of stepsIn(run, 'running')) {
      const executionId = run.steps.get(stepId)?.executionId;
      if (!executionId) continue;
      const cancel: ExecutionCommandFor = () => ({ type: 'RequestCancel', data: { executionId, reason, commandId: `${runId}-cancel` } });
      await commandExecution(this.store, executionId, cancel, this.cause(event));
    }
  }

  /** The run ended: so does its execution (succeeded, failed without retry, or cancelled). */
  async finishRun(runId: string, event: RecordedEvent): Promise<void> {
    const ended = event as unknown as Extract<WorkflowEvent, { type: 'WorkflowSucceeded' | 'WorkflowFailed' | 'WorkflowCancelled' }>;
    const finish: ExecutionCommandFor = (state) => {
      if (state.status !== 'running') return undefined;
      const attempt = state.attempt;
      const nowMs = Date.now();
      switch (ended.type) {
        case 'WorkflowSucceeded':
          return { type: 'CompleteAttempt', data: { attempt, nowMs, result: { runId, succeeded: ended.data.succeeded, skipped: ended.data.skipped } } };
        case 'WorkflowFailed': {
          const why = ended.data.stopped ? ' (run stopped)' : '';
          const error = { type: 'WorkflowFailed', message: `steps failed: ${ended.data.failedSteps.join(', ')}${why}`, retryable: false };
          return { type: 'FailAttempt', data: { attempt, error, nowMs } };
        }
        case 'WorkflowCancelled':
          if (state.cancelRequested) return { type: 'CancelAttempt', data: { attempt } };
          return { type: 'FailAttempt', data: { attempt, error: { type: 'WorkflowCancelled', message: 'the run was cancelled', retryable: false }, nowMs } };
      }
    };
    await commandExecution(this.store, runId, finish, this.cause(event));
  }

  /** The steps of an earlier run that succeeded (or were reused there), with the run they first succeeded in. */
  private async reusableSteps(earlierRunId: string): Promise<Record<string, ReusedStep>> {
    const run = await this.runState(earlierRunId);
    if (run.status === 'none') return {};
    const reused: Record<string, ReusedStep> = {};
    for (const stepId of stepsIn(run, 'succeeded')) {
      const step = run.steps.get(stepId)!;
      reused[stepId] = { result: step.result, executionId: step.executionId, runId: step.reusedFrom ?? earlierRunId };
    }
    return reused;
  }

  private async runState(runId: string): Promise<WorkflowState> {
    const history = await this.store.read(toWorkflowStreamId(runId));
    return fold(workflowDecider, history.map((event) => upcast(event)) as unknown as WorkflowEvent[]);
  }

  private async executionState(executionId: string): Promise<ExecutionState> {
    const history = await this.store.read(toExecutionStreamId(executionId));
    return fold(executionDecider, history.map((event) => upcast(event)) as unknown as ExecutionEvent[]);
  }

  private async commandRun(runId: string, command: WorkflowCommand, event: RecordedEvent): Promise<void> {
    try {
      await handleCommand(this.store, toWorkflowStreamId(runId), workflowDecider, command, this.cause(event), { splitCommitsOverBytes: WORKFLOW_COMMIT_BYTES });
    } catch (error) {
      if (!isSettled(error)) throw error;
    }
  }
}

const attemptOf = (state: ExecutionState): number => (state.status === 'none' ? 1 : state.attempt);
