import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { TimeoutError } from '@nats-io/transport-node';
import { lastValueFrom, of } from 'rxjs';
import { useTestNats } from '../../../../test/support/nats';
import { loadConfig } from '../config';
import { CommandReplyCache } from './command-reply-cache';
import { IdempotentCommandsInterceptor } from './idempotent-commands.interceptor';

/** A `sched.cmd.task.trigger` request as Nest hands it to interceptors. */
const triggerContext = (payload: object): ExecutionContext =>
  ({
    getType: () => 'rpc',
    switchToRpc: () => ({ getContext: () => ({ getSubject: () => 'sched.cmd.task.trigger' }), getData: () => payload }),
  }) as unknown as ExecutionContext;

describe('IdempotentCommandsInterceptor on a real nats-server', () => {
  const servers = useTestNats();
  afterEach(() => jest.restoreAllMocks());

  it('a command whose reply could not be stored (a KV timeout after its append) answers its result, and a retry replays it', async () => {
    const interceptor = new IdempotentCommandsInterceptor(servers.nc, loadConfig({ NATS_URL: servers.nats.url, LOG_LEVEL: 'error' }));
    const complete = CommandReplyCache.prototype.complete;
    jest.spyOn(CommandReplyCache.prototype, 'complete')
      .mockImplementationOnce(() => Promise.reject(new TimeoutError()))
      .mockImplementation(function (this: CommandReplyCache, ...args) {
        return complete.apply(this, args);
      });
    const payload = { taskId: 't1', commandId: 'stored-late' };
    const applied = { taskId: 't1', revision: 1, events: ['TaskTriggered'] };
    const first: CallHandler = { handle: jest.fn(() => of(applied)) };
    await expect(lastValueFrom(interceptor.intercept(triggerContext(payload), first))).resolves.toEqual(applied);
    // The retry (its first copy's reply lost in the same outage): the same result, not a second run's "no events".
    const retry: CallHandler = { handle: jest.fn(() => of({ taskId: 't1', revision: 1, events: [] })) };
    await expect(lastValueFrom(interceptor.intercept(triggerContext(payload), retry))).resolves.toEqual(applied);
    expect(retry.handle).not.toHaveBeenCalled();
  });
});
