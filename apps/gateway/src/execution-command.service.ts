import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  WORKFLOW_EXECUTOR,
  invalidState,
  notFound,
  toExecutionStreamId,
  type CancelExecutionPayload,
  type CancelWorkflowPayload,
  type ExecutionCommandResult,
  type PauseExecutionPayload,
  type ResumeExecutionPayload,
  type TerminateExecutionPayload,
} from '@sched/contracts';
import { executionDecider, type ExecutionCommand } from '@sched/domain';
import { handleCommand, readTaskDue, type EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { ExecutorCatalog } from './executor-catalog';

/** Said on TaskCancelled when a terminate gives no reason of its own. */
export const TERMINATED_REASON = 'terminated';

interface CommandMeta {
  readonly commandId?: string;
  readonly correlationId?: string;
}

/** Execution commands: run through the execution decider on the execution's own stream. */
@Injectable()
export class ExecutionCommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: ExecutorCatalog,
  ) {}

  /**
   * A due (or retry-waiting) execution is cancelled in this one append; a running one gets TaskCancelRequested and
   * its executor aborts the attempt and appends TaskCancelled; a finished one is INVALID_STATE.
   */
  cancel(payload: CancelExecutionPayload): Promise<ExecutionCommandResult> {
    return this.run(payload, (commandId) => ({
      type: 'RequestCancel',
      data: { executionId: payload.executionId, ...(payload.reason ? { reason: payload.reason } : {}), commandId },
    }));
  }

  /** `cancel` of a workflow run's execution: an id that is no run (a plain task's execution) is NOT_FOUND, as its get. */
  async cancelRun(payload: CancelWorkflowPayload): Promise<ExecutionCommandResult> {
    const { runId, ...rest } = payload;
    if ((await readTaskDue(this.store, runId))?.executor !== WORKFLOW_EXECUTOR) throw notFound('Run', runId);
    return this.cancel({ ...rest, executionId: runId });
  }

  /** A cancel meant for a running (or paused) execution: its attempt is aborted and it ends TaskCancelled. */
  terminate(payload: TerminateExecutionPayload): Promise<ExecutionCommandResult> {
    return this.cancel({ ...payload, reason: payload.reason ?? TERMINATED_REASON });
  }

  /**
   * ExecutionPauseRequested; the executor records ExecutionPaused when the attempt's code reaches a checkpoint. An
   * executor that never reaches one (command, http, noop), or a workflow run, is refused: the request would wait
   * forever, unsaid.
   */
  async pause(payload: PauseExecutionPayload): Promise<ExecutionCommandResult> {
    const executor = (await readTaskDue(this.store, payload.executionId))?.executor;
    // A run's execution is held by the workflow service, not by code that reaches checkpoints: its steps are.
    if (executor === WORKFLOW_EXECUTOR) {
      throw invalidState(`workflow run ${payload.executionId} cannot be paused: pause its running steps' executions (<runId>:<stepId>), or cancel the run`, {
        executionId: payload.executionId,
        executor,
      });
    }
    if (executor !== undefined && this.catalog.get(executor)?.neverPauses) {
      throw invalidState(`a ${executor} execution never reaches a checkpoint where a pause takes hold: cancel or terminate it instead`, {
        executionId: payload.executionId,
        executor,
      });
    }
    return this.run(payload, (commandId) => ({
      type: 'RequestPause',
      data: { executionId: payload.executionId, ...(payload.reason ? { reason: payload.reason } : {}), commandId },
    }));
  }

  /** ExecutionResumed (+ TaskRetried when the paused attempt's worker is gone: a new attempt starts). */
  resume(payload: ResumeExecutionPayload): Promise<ExecutionCommandResult> {
    return this.run(payload, (commandId) => ({
      type: 'RequestResume',
      data: { executionId: payload.executionId, commandId, nowMs: Date.now() },
    }));
  }

  private async run(
    payload: CommandMeta & { readonly executionId: string },
    command: (commandId: string) => ExecutionCommand,
  ): Promise<ExecutionCommandResult> {
    const commandId = payload.commandId ?? randomUUID();
    const { executionId } = payload;
    const context = { correlationId: payload.correlationId ?? commandId, causationId: commandId, actor: 'user:nats', nowMs: Date.now() };
    // A retry (same commandId) after a copy whose reply was lost answers what that copy appended.
    const handled = await handleCommand(this.store, toExecutionStreamId(executionId), executionDecider, command(commandId), context, {
      answerEarlierCopy: payload.commandId !== undefined,
    });
    return {
      executionId,
      revision: handled.revision,
      ...(handled.position === undefined ? {} : { position: handled.position }),
      events: handled.appended.map((event) => event.type),
    };
  }
}
