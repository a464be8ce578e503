import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import { Subjects, type ProjectorStatusView } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE, NATS_CONNECTION } from '@sched/messaging';

const CHECK_TIMEOUT_MS = 2_000;
/** Read models further behind than this make the system unhealthy: queries would answer with stale data. */
export const MAX_PROJECTOR_LAG_SECONDS = 30;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** /health: NATS connected, the event store answering, the read models not too far behind the log. */
@Injectable()
export class HealthIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly client: SchedClient,
  ) {}

  async nats() {
    const check = this.indicators.check('nats');
    if (this.nc.isClosed()) return check.down({ message: 'connection closed' });
    try {
      return check.up({ server: this.nc.getServer(), rttMs: await within(this.nc.rtt(), CHECK_TIMEOUT_MS, 'nats') });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async eventStore() {
    const check = this.indicators.check('eventStore');
    try {
      return check.up({ head: await within(this.store.headPosition(), CHECK_TIMEOUT_MS, 'event store') });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  /** Asked over NATS like any query: the projector may run in another process. */
  async projector() {
    const check = this.indicators.check('projector');
    try {
      const status = await this.client.request<ProjectorStatusView>(Subjects.query.projectorStatus, {}, CHECK_TIMEOUT_MS);
      const data = { ...status, maxLagSeconds: MAX_PROJECTOR_LAG_SECONDS };
      return status.lagSeconds <= MAX_PROJECTOR_LAG_SECONDS ? check.up(data) : check.down(data);
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }
}
