import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EXECUTION_STREAM_PREFIX, WORKFLOW_STREAM_PREFIX, runIdOfStream, type RecordedEvent, type TaskDue } from '@sched/contracts';
import type { CheckpointedSubscription, EventStore } from '@sched/event-store';
import { EVENT_STORE, SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { RunDirectory } from './run-directory';
import { WorkflowEffects, stepOutcomeOf } from './workflow-effects';

export const WORKFLOW_SUBSCRIPTION = 'workflow';

/** The events the process manager acts on; everything else passes by. */
const FOLLOWED = [
  'TaskDue', 'TaskSucceeded', 'TaskFailed', 'TaskCancelled', 'TaskSkipped', 'TaskCancelRequested',
  'StepScheduled', 'WorkflowCancelRequested', 'WorkflowSucceeded', 'WorkflowFailed', 'WorkflowCancelled',
];

/**
 * The workflow process manager. It follows the log on a checkpointed subscription (at least once, in commit order)
 * and turns events into the next appends, each with an expected version and each idempotent:
 *  - a workflow task's TaskDue → its execution starts, WorkflowStarted (+ the first decisions) on `workflow-<runId>`;
 *  - StepScheduled → the step's TaskDue (expected "no stream"), dispatched by the relay like any execution;
 *  - a step execution's end → RecordStepOutcome on the run (the decider appends what follows);
 *  - TaskCancelRequested on the run's execution → CancelRun; WorkflowCancelRequested → cancel of running steps;
 *  - WorkflowSucceeded/Failed/Cancelled → the run's execution ends the same way.
 * The checkpoint moves only past events whose effects are appended, so a process killed at any point redoes the
 * rest after a restart, and the decider and the "no stream" appends make the repeats change nothing.
 */
@Injectable()
export class WorkflowProcessManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Workflow');
  private readonly effects: WorkflowEffects;
  private readonly directory: RunDirectory;
  private subscription?: CheckpointedSubscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SCHED_CONFIG) config: SchedConfig,
  ) {
    this.effects = new WorkflowEffects(store, config.instanceId);
    this.directory = new RunDirectory(store);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.store.subscribeCheckpointed({
      name: WORKFLOW_SUBSCRIPTION,
      from: 'start',
      filter: { streamPrefixes: [EXECUTION_STREAM_PREFIX, WORKFLOW_STREAM_PREFIX], eventTypes: FOLLOWED },
      handler: (event) => this.handle(event),
      onError: (error, event) => this.logger.warn(`${event.type} of ${event.streamId} at ${event.position} not handled yet: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  /** Position of the last event handled (for tests and diagnostics). */
  lastProcessed(): number | undefined {
    return this.subscription?.lastProcessed();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    const runId = runIdOfStream(event.streamId);
    if (runId !== undefined) return this.handleRunEvent(runId, event);
    if (!event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) return;
    const executionId = event.streamId.slice(EXECUTION_STREAM_PREFIX.length);
    if (event.type === 'TaskDue') {
      if (this.directory.remember(event.data as TaskDue['data']).kind === 'run') await this.effects.startRun(event);
      return;
    }
    if (event.type === 'TaskCancelRequested') {
      if (await this.directory.isRun(executionId)) await this.effects.cancelRun(executionId, event);
      return;
    }
    const outcome = stepOutcomeOf(event);
    if (!outcome) return;
    const step = await this.directory.stepOf(executionId);
    if (step) await this.effects.recordOutcome(step.runId, step.stepId, event, outcome);
  }

  private async handleRunEvent(runId: string, event: RecordedEvent): Promise<void> {
    switch (event.type) {
      case 'StepScheduled':
        this.directory.remember(await this.effects.dispatchStep(runId, event));
        return;
      case 'WorkflowCancelRequested':
        return this.effects.cancelRunningSteps(runId, event);
      case 'WorkflowSucceeded':
      case 'WorkflowFailed':
      case 'WorkflowCancelled':
        return this.effects.finishRun(runId, event);
    }
  }
}
