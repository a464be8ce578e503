import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient, SchedClientError } from '@sched/client';
import { MAX_PROJECTOR_LAG_SECONDS, Subjects, errorMessage, type ProjectorStatusView } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE, HEALTH_CHECK_TIMEOUT_MS, NATS_CONNECTION, checkEventStore, checkNats, type DependencyCheck } from '@sched/messaging';

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
    return this.report('nats', await checkNats(this.nc));
  }

  async eventStore() {
    return this.report('eventStore', await checkEventStore(this.store));
  }

  /** Asked over NATS like any query: the projector may run in another process. */
  async projector() {
    const check = this.indicators.check('projector');
    try {
      const status = await this.client.request<ProjectorStatusView>(Subjects.query.projectorStatus, {}, HEALTH_CHECK_TIMEOUT_MS);
      const data = { ...status, maxLagSeconds: MAX_PROJECTOR_LAG_SECONDS };
      return status.lagSeconds <= MAX_PROJECTOR_LAG_SECONDS ? check.up(data) : check.down(data);
    } catch (error) {
      // No responders: this gateway answers, so sched runs; it is the projectors that are not there.
      const message = SchedClientError.noResponders(error) ? `no projector answers ${Subjects.query.projectorStatus}: none runs, or none is connected to NATS` : errorMessage(error);
      return check.down({ message });
    }
  }

  private report(name: string, { up, details }: DependencyCheck) {
    const check = this.indicators.check(name);
    return up ? check.up(details) : check.down(details);
  }
}
