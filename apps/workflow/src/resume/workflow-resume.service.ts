import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  SchedError,
  WORKFLOW_EXECUTOR,
  invalidState,
  notFound,
  toExecutionStreamId,
  toTaskStreamId,
  toWorkflowStreamId,
  type ResumeWorkflowPayload,
  type ResumeWorkflowResult,
  type TaskDue,
} from '@sched/contracts';
import { assertEnabled, assertResumable, dueExecutionPolicy, executionDecider, requireLive, taskDecider, workflowDecider, type WorkflowState } from '@sched/domain';
import { handleCommand, readState, readTaskDue, type EventStore, type HandledCommand } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { scheduleExecution } from '../execution-writes';

/**
 * `sched.cmd.workflow.resume`: a new run of the earlier run's workflow (its definition as it ran, not the task's
 * current one), appended as a TaskDue of the workflow task with `resumeOf`; the process manager then starts it with
 * the earlier run's succeeded steps (and their results) reused. Idempotent by command id (= the new run's id).
 */
@Injectable()
export class WorkflowResumeService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async resume(payload: ResumeWorkflowPayload): Promise<ResumeWorkflowResult> {
    const { runId } = payload;
    // Checked first (the decider checks again when it records the resume): a run that cannot be resumed reads no more.
    const run = await readState(this.store, toWorkflowStreamId(runId), workflowDecider);
    if (run.status === 'none') await this.assertNotUnstarted(runId);
    const { resumedAs: resumedBefore } = assertResumable(run, runId);
    const earlier = await readTaskDue(this.store, runId);
    if (!earlier || earlier.executor !== WORKFLOW_EXECUTOR) throw notFound('Run', runId);
    // A run of the task as it is now: not of a deleted or disabled one (as a trigger), with its notice and pause policy.
    const live = requireLive(await readState(this.store, toTaskStreamId(earlier.taskId), taskDecider), earlier.taskId);
    assertEnabled(live, 'resuming a run of it');

    if (payload.commandId !== undefined) await this.assertFreeFor(payload.commandId, runId);
    // A run is resumed once (WorkflowResumed on it, appended with its expected revision): a second resume, or two at
    // once, answer with the first one's run instead of starting another beside it; unless that run never started.
    const nowMs = Date.now();
    const cause = { correlationId: payload.correlationId ?? runId, causationId: payload.commandId ?? runId, actor: 'user:nats', nowMs };
    const neverStarted = resumedBefore !== undefined && (await this.endedUnstarted(resumedBefore)) ? { neverStarted: resumedBefore } : {};
    const resumeRun = { type: 'ResumeRun' as const, data: { runId, newRunId: payload.commandId ?? randomUUID(), ...neverStarted } };
    const claimed = await handleCommand(this.store, toWorkflowStreamId(runId), workflowDecider, resumeRun, cause);
    const newRunId = resumedAs(claimed);
    const due: TaskDue['data'] = {
      taskId: earlier.taskId,
      executionId: newRunId,
      executor: WORKFLOW_EXECUTOR,
      config: earlier.config,
      scheduledAt: new Date(nowMs).toISOString(),
      reason: 'trigger',
      taskRevision: earlier.taskRevision,
      ...dueExecutionPolicy(live.definition),
      resumeOf: runId,
    };
    const position = await scheduleExecution(this.store, due, { ...cause, correlationId: payload.correlationId ?? newRunId, causationId: newRunId });
    // Undefined: recorded already (this resume again, or the earlier one's): the same answer.
    return { runId: newRunId, resumedFrom: runId, taskId: earlier.taskId, ...(position === undefined ? {} : { position }) };
  }

  /**
   * Whether a resume's run ended before it began: its execution is over (cancelled while due) and the run has no
   * stream, so the run it resumes is as it was and may be resumed again.
   */
  private async endedUnstarted(runId: string): Promise<boolean> {
    const execution = await readState(this.store, toExecutionStreamId(runId), executionDecider);
    if (execution.status === 'none' || ['due', 'running', 'paused'].includes(execution.status)) return false;
    return (await readState(this.store, toWorkflowStreamId(runId), workflowDecider)).status === 'none';
  }

  /** A resume's run that never started is no run to resume: the one it was to resume is, and the error says so. */
  private async assertNotUnstarted(runId: string): Promise<void> {
    const due = await readTaskDue(this.store, runId);
    if (due?.executor !== WORKFLOW_EXECUTOR || due.resumeOf === undefined || !(await this.endedUnstarted(runId))) return;
    throw invalidState(`run ${runId} never started (its execution ended before the run began): resume ${due.resumeOf} again instead`, {
      runId,
      resumeOf: due.resumeOf,
    });
  }

  /** A commandId names the new run: one that is another execution's id (not this run's resume) is refused first. */
  private async assertFreeFor(commandId: string, runId: string): Promise<void> {
    const existing = await readTaskDue(this.store, commandId);
    if (existing !== undefined && existing.resumeOf !== runId) {
      throw new SchedError(ErrorCode.CONFLICT, `execution ${commandId} already exists`, { executionId: commandId });
    }
  }
}

/** The run an ended run was resumed as: the one just recorded, or the earlier resume's. */
function resumedAs(handled: HandledCommand<WorkflowState>): string {
  const recorded = handled.appended.find((event) => event.type === 'WorkflowResumed');
  if (recorded) return (recorded.data as { runId: string }).runId;
  const state = handled.state;
  if (state.status === 'none' || state.resumedAs === undefined) throw new SchedError(ErrorCode.INTERNAL, 'resume recorded nothing and found no earlier resume', {});
  return state.resumedAs;
}
