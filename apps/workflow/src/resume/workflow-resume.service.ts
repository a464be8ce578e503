import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  SchedError,
  WORKFLOW_EXECUTOR,
  invalidState,
  notFound,
  toExecutionStreamId,
  toWorkflowStreamId,
  upcast,
  type ResumeWorkflowPayload,
  type ResumeWorkflowResult,
  type TaskDue,
  type WorkflowEvent,
} from '@sched/contracts';
import { fold, workflowDecider } from '@sched/domain';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { scheduleExecution } from '../execution-writes';

/** Ends after which a run may be resumed: it did not succeed. */
const RESUMABLE = ['failed', 'cancelled'];

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
    const history = await this.store.read(toWorkflowStreamId(runId));
    const run = fold(workflowDecider, history.map((event) => upcast(event)) as unknown as WorkflowEvent[]);
    if (run.status === 'none') throw notFound('Run', runId);
    if (!RESUMABLE.includes(run.status)) {
      throw invalidState(`run ${runId} is ${run.status}: only a failed or cancelled run can be resumed`, { runId, status: run.status });
    }
    const [first] = await this.store.read(toExecutionStreamId(runId));
    const earlier = first?.type === 'TaskDue' ? (first.data as TaskDue['data']) : undefined;
    if (!earlier || earlier.executor !== WORKFLOW_EXECUTOR) throw notFound('Run', runId);

    const newRunId = payload.commandId ?? randomUUID();
    const nowMs = Date.now();
    const due: TaskDue['data'] = {
      taskId: earlier.taskId,
      executionId: newRunId,
      executor: WORKFLOW_EXECUTOR,
      config: earlier.config,
      scheduledAt: new Date(nowMs).toISOString(),
      reason: 'trigger',
      taskRevision: earlier.taskRevision,
      resumeOf: runId,
    };
    const cause = { correlationId: payload.correlationId ?? newRunId, causationId: newRunId, actor: 'user:nats', nowMs };
    const position = await scheduleExecution(this.store, due, cause);
    if (position === undefined) {
      // The same command again: fine if it made this very resume, a conflict if the id is another execution's.
      const [existing] = await this.store.read(toExecutionStreamId(newRunId));
      if ((existing?.data as TaskDue['data'] | undefined)?.resumeOf !== runId) {
        throw new SchedError(ErrorCode.CONFLICT, `execution ${newRunId} already exists`, { executionId: newRunId });
      }
      return { runId: newRunId, resumedFrom: runId, taskId: earlier.taskId };
    }
    return { runId: newRunId, resumedFrom: runId, taskId: earlier.taskId, position };
  }
}
