import { Body, Controller, Param, Query, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { SchedClient, type AuditInput } from '@sched/client';
import { Subjects } from '@sched/contracts';
import { CommandRoute, QueryRoute } from './api-docs.decorators';
import { queryPayload } from './http-input';
import { ReplyInterceptor } from './reply.interceptor';

const HISTORY_FIELDS = {
  direction: { type: 'string', enum: ['forward', 'backward'], description: 'forward (default): in commit order; backward: the latest first' },
  afterPosition: { type: 'integer', description: "forward: the previous page's nextCursor" },
  beforePosition: { type: 'integer', description: "backward: the previous page's nextCursor (absent: from the latest event)" },
  limit: { type: 'integer', description: '1..5000, default 500' },
  types: { type: 'string', description: 'event types, comma-separated' },
} as const;
const AS_OF_FIELDS = { at: { type: 'string', description: 'ISO instant' } } as const;
const HISTORY_INPUT = { numeric: ['afterPosition', 'beforePosition', 'limit'], lists: ['types'] } as const;
const AUDIT_INPUT = { numeric: ['afterPosition'] } as const;
/** As the SDK's rebuildReadModels: a rebuild answers once every instance is back at the head. */
const REBUILD_TIMEOUT_MS = 10 * 60_000;

type Subject = { readonly taskId: string } | { readonly executionId: string } | Record<string, never>;

/** The audit side: event history, state as of an instant, hash-chain verification, read-model rebuild. */
@ApiTags('history and audit')
@Controller('api')
@UseInterceptors(ReplyInterceptor)
export class HistoryHttpController {
  constructor(private readonly client: SchedClient) {}

  @QueryRoute('history', 'Events of the whole log (or of ?taskId / ?executionId), in commit order or latest first, paged', Subjects.query.history, {
    errors: [404, 422], // 404: a taskId or executionId nothing was ever recorded for
    query: { ...HISTORY_FIELDS, taskId: { type: 'string' }, executionId: { type: 'string' } },
  })
  history(@Query() query: Record<string, unknown>) {
    return this.page(query, {});
  }

  @QueryRoute('tasks/:taskId/history', 'Every event of a task and its executions, in commit order or latest first, paged', Subjects.query.history, { query: HISTORY_FIELDS })
  taskHistory(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>) {
    return this.page(query, { taskId });
  }

  @QueryRoute('executions/:executionId/history', 'Every event of an execution', Subjects.query.history, { query: HISTORY_FIELDS })
  executionHistory(@Param('executionId') executionId: string, @Query() query: Record<string, unknown>) {
    return this.page(query, { executionId });
  }

  @QueryRoute('tasks/:taskId/audit', "Recompute the hash chains of a task's streams; names the first broken link", Subjects.query.auditVerify)
  verifyTask(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    // Page after page (a task with 60k executions takes ~20 s): none is asked for once the caller has gone (the
    // response closes then, or once it is sent: aborting after the last page is harmless).
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    // The query's own fields are checked by audit.verify (an unknown one is VALIDATION, as on every other route).
    return this.client.auditVerify({ ...queryPayload(query, AUDIT_INPUT), taskId } as AuditInput, { signal: gone.signal }).catch((error: unknown) => {
      if (gone.signal.aborted) return null; // nobody to tell, and no error of ours to log
      throw error;
    });
  }

  @QueryRoute('executions/:executionId/audit', "Recompute the hash chain of an execution's stream", Subjects.query.auditVerify)
  verifyExecution(@Param('executionId') executionId: string, @Query() query: Record<string, unknown>) {
    return this.client.auditVerify({ ...queryPayload(query, AUDIT_INPUT), executionId } as AuditInput);
  }

  @QueryRoute('tasks/:taskId/as-of', 'The task as it was at an instant, folded from its events', Subjects.query.asOf, { query: AS_OF_FIELDS })
  taskAsOf(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>) {
    return this.asOf(query, { taskId });
  }

  @QueryRoute('executions/:executionId/as-of', 'The execution as it was at an instant', Subjects.query.asOf, { query: AS_OF_FIELDS })
  executionAsOf(@Param('executionId') executionId: string, @Query() query: Record<string, unknown>) {
    return this.asOf(query, { executionId });
  }

  @CommandRoute('read-models/rebuild', 'Drop the read models and replay the log into them; answers when back at the head', Subjects.admin.projectorRebuild, { errors: [400, 422] })
  rebuild(@Body() body: Record<string, unknown>) {
    // The body as on NATS (a commandId makes a retried rebuild answer once; anything else is VALIDATION); watched, so
    // a coordinating projector that dies fails it UNAVAILABLE within seconds, not at REBUILD_TIMEOUT_MS.
    return this.client.rebuildReadModels(REBUILD_TIMEOUT_MS, body ?? {});
  }

  private page(query: Record<string, unknown>, subject: Subject) {
    return this.client.historyPage({ ...queryPayload(query, HISTORY_INPUT), ...subject } as never);
  }

  /** Not client.asOf: it parses `at` itself, and a bad instant must come back as the handler's VALIDATION error. */
  private asOf(query: Record<string, unknown>, subject: Subject) {
    return this.client.request(Subjects.query.asOf, { ...queryPayload(query), ...subject });
  }
}
