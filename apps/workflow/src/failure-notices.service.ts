import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EXECUTION_STREAM_PREFIX, parseStreamId, toTaskStreamId, upcast, type RecordedEvent, type TaskDue, type TaskFailed } from '@sched/contracts';
import { failureNotice, pauseAfterFailure, taskDecider, type TaskCommand } from '@sched/domain';
import { handleCommand, readState, readTaskDue, type CausationContext, type CheckpointedSubscription, type EventStore } from '@sched/event-store';
import { EVENT_STORE, SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { isSettled, scheduleExecution } from './execution-writes';

export const FAILURE_NOTICES_SUBSCRIPTION = 'failure-notices';

/**
 * What follows an execution that failed for good: the task's pause when it asks for one (`pauseOnFailure`, TaskPaused
 * with `afterFailureOf`, once per failure), and its notice (`notify`): it follows the log's TaskFailed
 * events on a checkpointed subscription and records each notice as an execution of its own (`<executionId>:notify`,
 * the `http` executor, retried by NOTICE_RETRY), appended with expected "no stream", so a repeat after a crash
 * records nothing twice and every notice is in the history. It starts from the end of the log the first time: the
 * failures before it was deployed are not announced.
 */
@Injectable()
export class FailureNotices implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FailureNotices');
  private subscription?: CheckpointedSubscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.store.subscribeCheckpointed({
      name: FAILURE_NOTICES_SUBSCRIPTION,
      from: 'end',
      filter: { streamPrefixes: [EXECUTION_STREAM_PREFIX], eventTypes: ['TaskFailed'] },
      handler: (event) => this.handle(event),
      onError: (error, event) => this.logger.warn(`notice of ${event.streamId} at ${event.position} not recorded yet: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    const failed = (upcast(event) as unknown as TaskFailed & RecordedEvent).data;
    if (!failed.final) return;
    const stream = parseStreamId(event.streamId);
    const dueThen = stream && (await readTaskDue(this.store, stream.id));
    const due = dueThen && (await this.stillAsked(dueThen));
    if (!due) return;
    const cause = { correlationId: event.metadata.correlationId, causationId: event.id, actor: `notices:${this.config.instanceId}`, nowMs: Date.now() };
    // The pause first: it keeps the next fire from running, the notice only tells.
    const pause = pauseAfterFailure(due, failed, Date.parse(event.metadata.occurredAt));
    if (pause) await this.pause(pause, cause);
    const notice = failureNotice(due, failed, event.metadata.occurredAt);
    if (notice) await scheduleExecution(this.store, notice, cause);
  }

  /**
   * The TaskDue with the notice and pause its task asks for now: a notify or pauseOnFailure taken away since the
   * execution was due (an update, a delete) no longer applies; without a task stream the TaskDue's own settings do.
   * Undefined when neither applies. The task stream is read only for a failure whose TaskDue asked for one of them.
   */
  private async stillAsked(due: TaskDue['data']): Promise<TaskDue['data'] | undefined> {
    if (!due.notify && !due.pauseOnFailure) return undefined;
    const task = await readState(this.store, toTaskStreamId(due.taskId), taskDecider);
    if (task.status === 'none') return due; // no task stream here (an imported history): the snapshot decides
    if (task.status === 'deleted') return undefined;
    const { notify: _notify, pauseOnFailure: _pause, ...rest } = due;
    const notify = due.notify && task.definition.notify;
    const pauseOnFailure = due.pauseOnFailure && task.definition.pauseOnFailure;
    if (!notify && !pauseOnFailure) return undefined;
    return { ...rest, ...(notify ? { notify } : {}), ...(pauseOnFailure ? { pauseOnFailure } : {}) };
  }

  /** A deleted task needs no pause (NOT_FOUND is settled); a conflict is re-decided by the command handler. */
  private async pause(command: TaskCommand, cause: CausationContext): Promise<void> {
    try {
      await handleCommand(this.store, toTaskStreamId(command.data.taskId), taskDecider, command, cause);
    } catch (error) {
      if (!isSettled(error)) throw error;
    }
  }
}
