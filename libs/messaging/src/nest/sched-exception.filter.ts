import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { ErrorCode, SchedError, type ErrorBody } from '@sched/contracts';
import { ClosedConnectionError, ConnectionError, DrainingConnectionError } from '@nats-io/transport-node';
import { CorruptCommitError, EventStoreUnavailableError, WrongExpectedVersionError, isTransient } from '@sched/event-store';

/**
 * A NATS request that timed out or a connection lost or closing under it (the command-id store's KV after an append,
 * a read of the log): the outcome is unknown and the same request may well succeed a moment later. These answered
 * INTERNAL ("a fault, do not retry") during a nats-server restart, though the trigger was in the log.
 */
const isNatsOutage = (error: unknown): boolean =>
  isTransient(error) || error instanceof ClosedConnectionError || error instanceof DrainingConnectionError || error instanceof ConnectionError;

/** The one place where thrown errors become structured `{ code, message, details }` bodies. */
export function toErrorBody(error: unknown): ErrorBody {
  if (SchedError.is(error)) return error.toBody();
  if (WrongExpectedVersionError.is(error)) {
    return {
      code: ErrorCode.CONFLICT,
      message: 'the aggregate was changed concurrently; read it again and retry',
      details: { streamId: error.streamId },
    };
  }
  if (error instanceof EventStoreUnavailableError) {
    return { code: ErrorCode.UNAVAILABLE, message: 'the event store is unavailable, try again', details: {} };
  }
  if (isNatsOutage(error)) {
    return {
      code: ErrorCode.UNAVAILABLE,
      message: 'NATS did not answer in time (or the connection was lost): the outcome is unknown, retry with the same commandId',
      details: { reason: error instanceof Error ? error.name : String(error) },
    };
  }
  if (error instanceof CorruptCommitError) {
    // Something other than sched wrote on this stream's subject: its stream cannot be read past that message.
    return { code: ErrorCode.INTERNAL, message: `${error.message} (see audit verify)`, details: { subject: error.subject, seq: error.seq } };
  }
  return { code: ErrorCode.INTERNAL, message: 'internal error', details: {} };
}

@Catch()
export class SchedExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Replies');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const body = toErrorBody(exception);
    // A deliberate UNAVAILABLE (read models behind, a store timing out) is a condition, not a fault: one line.
    if (body.code === ErrorCode.UNAVAILABLE && SchedError.is(exception)) this.logger.warn(`${body.message}`);
    else if (body.code === ErrorCode.INTERNAL || body.code === ErrorCode.UNAVAILABLE) {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    }
    return throwError(() => body);
  }
}
