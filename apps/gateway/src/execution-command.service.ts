import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { toExecutionStreamId, type CancelExecutionPayload, type ExecutionCommandResult } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { handleCommand, type EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';

/** Execution commands: run through the execution decider on the execution's own stream. */
@Injectable()
export class ExecutionCommandService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * A due (or retry-waiting) execution is cancelled in this one append; a running one gets TaskCancelRequested and
   * its executor aborts the attempt and appends TaskCancelled; a finished one is INVALID_STATE.
   */
  async cancel(payload: CancelExecutionPayload): Promise<ExecutionCommandResult> {
    const commandId = payload.commandId ?? randomUUID();
    const { executionId, reason } = payload;
    const handled = await handleCommand(
      this.store,
      toExecutionStreamId(executionId),
      executionDecider,
      { type: 'RequestCancel', data: { executionId, ...(reason ? { reason } : {}), commandId } },
      { correlationId: payload.correlationId ?? commandId, causationId: commandId, actor: 'user:nats', nowMs: Date.now() },
    );
    return {
      executionId,
      revision: handled.revision,
      ...(handled.position === undefined ? {} : { position: handled.position }),
      events: handled.appended.map((event) => event.type),
    };
  }
}
