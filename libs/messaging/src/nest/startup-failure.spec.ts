import { startupFailure } from './startup-failure';

describe('startupFailure', () => {
  it('says how to turn JetStream on when the server runs without it', () => {
    const error = Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' });
    expect(startupFailure(error)).toBe(
      'jetstream is not enabled: the NATS server runs without JetStream, which holds sched\'s event log and work queue; start nats-server with -js (or a jetstream block in its config)',
    );
  });

  it('passes any other failure on as its message', () => {
    expect([startupFailure(new Error('NATS unreachable at nats://x:4222: ECONNREFUSED')), startupFailure('plain')]).toEqual(['NATS unreachable at nats://x:4222: ECONNREFUSED', 'plain']);
  });
});
