import type { INestApplication } from '@nestjs/common';
import type { SchedConfig, StartServiceOptions } from '@sched/messaging';
import { ExecutorModule } from '../../executor/src/executor.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { startHttpGateway } from '../../gateway/src/http/start-http-gateway';
import { ProjectorModule } from '../../projector/src/projector.module';
import { RelayModule } from '../../relay/src/relay.module';
import { TimerModule } from '../../timer/src/timer.module';
import { WorkflowModule } from '../../workflow/src/workflow.module';

/** Every service of the system, as the separate apps run them, in one process, with the gateway's HTTP face. */
export const ALL_SERVICE_MODULES = [GatewayModule, ProjectorModule, TimerModule, RelayModule, ExecutorModule, WorkflowModule];

export function startStandalone(
  config: SchedConfig,
  options: Partial<StartServiceOptions> = {},
): Promise<INestApplication> {
  return startHttpGateway(config, ALL_SERVICE_MODULES, { queue: 'sched', ...options });
}
