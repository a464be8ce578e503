import type { INestMicroservice } from '@nestjs/common';
import { startService, type SchedConfig, type StartServiceOptions } from '@sched/messaging';
import { ExecutorModule } from '../../executor/src/executor.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { ProjectorModule } from '../../projector/src/projector.module';
import { RelayModule } from '../../relay/src/relay.module';
import { TimerModule } from '../../timer/src/timer.module';

/** Every service of the system, as the separate apps run them, in one process. */
export const ALL_SERVICE_MODULES = [GatewayModule, ProjectorModule, TimerModule, RelayModule, ExecutorModule];

export function startStandalone(
  config: SchedConfig,
  options: Partial<StartServiceOptions> = {},
): Promise<INestMicroservice> {
  return startService(config, ALL_SERVICE_MODULES, { queue: 'sched', ...options });
}
