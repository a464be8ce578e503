import { ClosedConnectionError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { ErrorCode, SchedError } from '@sched/contracts';
import { EventStoreUnavailableError } from '@sched/event-store';
import { toErrorBody } from './sched-exception.filter';

describe('toErrorBody', () => {
  it.each([
    ['a nats.js request timeout (the command-id store after an append)', new TimeoutError()],
    ['a request that failed with the connection', new RequestError('connection lost')],
    ['a closed connection', new ClosedConnectionError()],
  ])('%s is UNAVAILABLE (retry with the same commandId), not INTERNAL', (_what, error) => {
    expect(toErrorBody(error)).toEqual({
      code: ErrorCode.UNAVAILABLE,
      message: 'NATS did not answer in time (or the connection was lost): the outcome is unknown, retry with the same commandId',
      details: { reason: error.name },
    });
  });

  it('keeps the others as they were: a SchedError as thrown, the store unavailable, anything else INTERNAL', () => {
    expect(toErrorBody(new SchedError(ErrorCode.NOT_FOUND, 'gone', { taskId: 't' }))).toEqual({ code: 'NOT_FOUND', message: 'gone', details: { taskId: 't' } });
    expect(toErrorBody(new EventStoreUnavailableError('down', undefined)).code).toBe(ErrorCode.UNAVAILABLE);
    expect(toErrorBody(new TypeError('x is undefined'))).toEqual({ code: ErrorCode.INTERNAL, message: 'internal error', details: {} });
  });
});
