import { Injectable } from '@nestjs/common';
import { SchedClient } from '@sched/client';
import { SchedError } from '@sched/contracts';
import { ExecutionCommandService } from './execution-command.service';

/** The list statuses of an execution not over yet: due (or waiting for a retry or a slot), running, paused. */
const PENDING_STATUSES = ['due', 'running', 'paused'] as const;
const PAGE = 500;

/**
 * `task.delete {cancelPending}`: cancels every execution of the task not over yet, found in the read models once they
 * hold the delete (`minPosition`), each cancel run here as `execution.cancel` would run it. Each cancel is
 * idempotent, so a delete sent again (the gateway stopped halfway) cancels whatever the first left.
 */
@Injectable()
export class PendingExecutions {
  constructor(
    private readonly client: SchedClient,
    private readonly executions: ExecutionCommandService,
  ) {}

  /** Returns the ids of the executions a cancel changed. */
  async cancelAll(taskId: string, minPosition: number, reason: string, correlationId: string): Promise<string[]> {
    const pending: string[] = [];
    for (const status of PENDING_STATUSES) {
      const page = (cursor: string | undefined) => this.client.listExecutions({ taskId, status, limit: PAGE, cursor, minPosition });
      for await (const execution of this.client.all(page)) pending.push(execution.executionId);
    }
    const cancelled: string[] = [];
    for (const executionId of pending) {
      // One that ended meanwhile is INVALID_STATE: nothing left to cancel.
      const result = await this.executions.cancel({ executionId, reason, correlationId }).catch((error: unknown) => {
        if (SchedError.is(error) && error.code === 'INVALID_STATE') return undefined;
        throw error;
      });
      if (result && result.events.length > 0) cancelled.push(executionId);
    }
    return cancelled;
  }
}
