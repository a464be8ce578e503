import {
  AccessDeniedError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '../errors';
import { isTransientKurrentError, toPortError } from './kurrentdb-errors';

const conflict = (expected: 'no_stream' | 'any' | bigint, current: 'no_stream' | bigint) =>
  new ClientWrongExpectedVersionError(undefined, { streamName: 'ns_task-1', expected, current });

describe('KurrentDB client errors → port errors', () => {
  it('maps a version conflict to WrongExpectedVersionError with the port stream id and the actual revision', () => {
    const error = toPortError(conflict('no_stream', 0n), { what: 'append', streamId: 'task-1', expected: 'no_stream' });
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: 'task-1', expected: 'no_stream', actual: 0 });
  });

  it('reports a missing stream as actual -1', () => {
    expect(toPortError(conflict(4n, 'no_stream'), { what: 'append', streamId: 'task-1', expected: 4 })).toMatchObject({
      expected: 4,
      actual: -1,
    });
  });

  it('maps unavailable, deadline exceeded and gRPC status 14 to EventStoreUnavailableError, keeping the cause', () => {
    const grpcUnavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    const bridgeError = Object.assign(new Error('connection refused'), { name: 'UnavailableError' });
    for (const cause of [new UnavailableError(), new DeadlineExceededError(), grpcUnavailable, bridgeError]) {
      const error = toPortError(cause, { what: 'read', streamId: 'task-1' });
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect((error as EventStoreUnavailableError).message).toContain('kurrentdb read');
      expect((error as EventStoreUnavailableError).cause).toBe(cause);
    }
  });

  it('leaves other errors as they are', () => {
    const denied = new AccessDeniedError();
    expect(toPortError(denied, { what: 'append' })).toBe(denied);
    const plain = new Error('bug');
    expect(toPortError(plain, { what: 'append' })).toBe(plain);
  });

  it('retries only what may succeed a moment later', () => {
    expect(isTransientKurrentError(new UnavailableError())).toBe(true);
    expect(isTransientKurrentError(Object.assign(new Error('x'), { code: 4 }))).toBe(true);
    expect(isTransientKurrentError(Object.create(NotLeaderError.prototype))).toBe(true);
    expect(isTransientKurrentError(conflict('any', 1n))).toBe(false);
    expect(isTransientKurrentError(new StreamNotFoundError(undefined, 'task-1'))).toBe(false);
    expect(isTransientKurrentError('nope')).toBe(false);
  });
});
