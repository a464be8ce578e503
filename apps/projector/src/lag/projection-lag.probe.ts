import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import type { ProjectorStatusView } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE, SchedMetrics } from '@sched/messaging';
import { ProjectorService } from '../projector.service';

/**
 * How stale the read models are. Positions are not event counts (JetStream: commit × 1000 + index), so the lag is
 * told in time: the age of the first event after the projector's position, read from the store when asked.
 */
@Injectable()
export class ProjectionLagProbe implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: ProjectorService,
    @Optional() private readonly metrics?: SchedMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics?.watchProjection(() => this.status());
  }

  async status(): Promise<ProjectorStatusView> {
    const position = this.projector.position();
    const head = await this.store.headPosition();
    if (position >= head) return { position, head, lagSeconds: 0 };
    let lagSeconds = 0;
    for await (const event of this.store.readAll({ from: { after: position } })) {
      lagSeconds = Math.max(0, (Date.now() - Date.parse(event.metadata.occurredAt)) / 1000);
      break;
    }
    return { position, head, lagSeconds };
  }
}
