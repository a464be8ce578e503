import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  asOfQuerySchema,
  auditVerifyQuerySchema,
  historyQuerySchema,
  notFound,
  parsePayload,
  rebuildCommandSchema,
  toExecutionStreamId,
  toTaskStreamId,
  type AsOfView,
  type AuditReport,
  type HistoryPage,
  type RebuildView,
} from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { stateAsOf } from './as-of';
import { HistoryService } from './history.service';
import { RebuildFanOut } from './rebuild-fan-out';

/** History, time travel, audit and rebuild: the subjects that replay the log rather than read the tables. */
@Controller()
export class HistoryController {
  constructor(
    private readonly history: HistoryService,
    private readonly rebuilds: RebuildFanOut,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @MessagePattern(Subjects.query.history)
  page(@Payload() payload: unknown): Promise<HistoryPage> {
    return this.history.page(parsePayload(historyQuerySchema, payload, 'history'));
  }

  @MessagePattern(Subjects.query.asOf)
  async asOf(@Payload() payload: unknown): Promise<AsOfView> {
    const query = parsePayload(asOfQuerySchema, payload, 'as-of');
    const streamId = query.taskId ? toTaskStreamId(query.taskId) : toExecutionStreamId(query.executionId!);
    const events = await this.eventStore.read(streamId);
    // An id nothing was ever recorded for is no "did not exist yet": a mistyped id must say so, as history does.
    if (events.length === 0) throw query.taskId ? notFound('Task', query.taskId) : notFound('Execution', query.executionId!);
    return stateAsOf(streamId, events, query.at);
  }

  @MessagePattern(Subjects.query.auditVerify)
  verify(@Payload() payload: unknown): Promise<AuditReport> {
    return this.history.verify(parsePayload(auditVerifyQuerySchema, payload, 'audit.verify'));
  }

  @MessagePattern(Subjects.admin.projectorRebuild)
  async rebuild(@Payload() payload: unknown): Promise<RebuildView> {
    const { commandId } = parsePayload(rebuildCommandSchema, payload, 'projector.rebuild');
    return this.rebuilds.rebuildAll(commandId);
  }
}
