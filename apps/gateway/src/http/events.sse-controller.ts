import { Controller, Get, Headers, Query, Req, Res, type OnModuleDestroy } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SchedClient, SchedClientError } from '@sched/client';
import { ErrorCode, parsePayload, subscribeOptionsSchema, errorMessage } from '@sched/contracts';
import { ApiQueryFields } from './api-docs.decorators';
import { queryPayload } from './http-input';

const KEEP_ALIVE_MS = 15_000;
const RECONNECT_AFTER_MS = 2_000;
/**
 * A client this far behind (bytes written for it that its connection has not taken yet) is not reading: its stream
 * ends, and EventSource reconnects with Last-Event-ID and resumes from the history. Without this, a stalled client
 * held everything written for it in this process's memory, for as long as it stayed connected.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

const eventStreamQuerySchema = subscribeOptionsSchema.omit({ fromPosition: true }).extend({
  /** Resume after this global position (the `id` of the last event received); 0 replays the whole history. */
  lastEventId: z.number().int().nonnegative().optional(),
});

/**
 * Live events as server-sent events. Each event's `id` is its global position: a client that reconnects with
 * Last-Event-ID gets what it missed from the history, then live events, each once (the SDK's resumable feed).
 */
@ApiTags('events')
@Controller('api')
export class EventsSseController implements OnModuleDestroy {
  private readonly open = new Set<() => void>();

  constructor(private readonly client: SchedClient) {}

  @Get('events')
  @ApiOperation({
    summary: 'Live events (server-sent events), optionally of one task; resumes after Last-Event-ID through history',
    description: 'Each message: `id: <global position>` and `data: <event JSON>` (type, streamId, revision, position, taskId, data, metadata).',
  })
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'global position of the last event received' })
  @ApiQueryFields({
    taskId: { type: 'string', description: 'only this task, its executions and its workflow runs' },
    types: { type: 'string', description: 'event types, comma-separated' },
    lastEventId: { type: 'integer', description: 'like the Last-Event-ID header (0: from the beginning)' },
  })
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 422, description: 'VALIDATION' })
  @ApiResponse({ status: 401, description: 'UNAUTHORIZED: SCHED_API_TOKEN is set and the bearer token is missing or wrong' })
  async stream(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const raw = queryPayload({ ...query, ...(lastEventId ? { lastEventId } : {}) }, { numeric: ['lastEventId'], lists: ['types'] });
    const input = parsePayload(eventStreamQuerySchema, raw, 'events');
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.write(`retry: ${RECONNECT_AFTER_MS}\n\n`);
    const feed = this.client.subscribe({ taskId: input.taskId, types: input.types, fromPosition: input.lastEventId });
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    let stalled = false;
    const close = (): void => {
      clearInterval(keepAlive);
      this.open.delete(close);
      void feed.close();
      // A client that stopped reading would keep the socket, its kernel send buffer and what Node holds for it
      // (~8 MB each) until it went away: it is cut off. One that read everything is ended as a stream should be.
      if (stalled) response.destroy();
      else if (!response.writableEnded) response.end();
    };
    this.open.add(close);
    request.on('close', close);
    try {
      for await (const event of feed) {
        response.write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`);
        if (response.writableLength > MAX_UNSENT_BYTES) {
          stalled = true;
          break;
        }
      }
    } catch (error) {
      // The feed retries what may pass; what ends it (a task nothing was recorded for, …) is said, then the stream closes.
      const body = SchedClientError.is(error)
        ? { code: error.code, message: error.message, details: error.details }
        : { code: ErrorCode.INTERNAL, message: errorMessage(error), details: {} };
      if (!response.writableEnded) response.write(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
    } finally {
      close();
    }
  }

  /** Open streams would hold the HTTP server (and their NATS subscriptions) open at shutdown. */
  onModuleDestroy(): void {
    for (const close of [...this.open]) close();
  }
}
