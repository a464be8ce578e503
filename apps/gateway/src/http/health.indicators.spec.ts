import { HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient, SchedClientError } from '@sched/client';
import type { EventStore } from '@sched/event-store';
import { HealthIndicators } from './health.indicators';

const indicatorsAnswering = (request: () => Promise<unknown>): HealthIndicators =>
  new HealthIndicators(new HealthIndicatorService(), {} as NatsConnection, {} as EventStore, { request } as unknown as SchedClient);

describe("the gateway's /health: the projector", () => {
  it('with no projector running says so, not that sched itself is not running (this gateway is)', async () => {
    const noProjector = indicatorsAnswering(() => Promise.reject(SchedClientError.unavailable('sched.query.projector.status', new Error("no responders: 'sched.query.projector.status'"))));
    expect(await noProjector.projector()).toEqual({
      projector: { status: 'down', message: 'no projector answers sched.query.projector.status: none runs, or none is connected to NATS' },
    });
    const busy = indicatorsAnswering(() => Promise.reject(SchedClientError.unavailable('sched.query.projector.status', new Error('TIMEOUT'))));
    expect(await busy.projector()).toEqual({ projector: { status: 'down', message: expect.stringContaining('no answer in time') } });
  });
});
