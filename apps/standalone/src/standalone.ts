import type { INestApplication } from '@nestjs/common';
import type { SchedConfig, StartServiceOptions } from '@sched/messaging';
import { ExecutorModule } from '../../executor/src/executor.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { startHttpGateway } from '../../gateway/src/http/start-http-gateway';
import { ProjectorModule } from '../../projector/src/projector.module';
import { RelayModule } from '../../relay/src/relay.module';
import { TimerModule } from '../../timer/src/timer.module';
import { WorkflowModule } from '../../workflow/src/workflow.module';
import { ExecutorThreadModule } from './executor-thread.module';

/** Every service of the system, as the separate apps run them, in one process, with the gateway's HTTP face. */
export const ALL_SERVICE_MODULES = [GatewayModule, ProjectorModule, TimerModule, RelayModule, ExecutorModule, WorkflowModule];

/** The modules of the standalone app: the executor on a worker thread of its own when so configured. */
export function standaloneModules(config: SchedConfig): Array<(typeof ALL_SERVICE_MODULES)[number] | typeof ExecutorThreadModule> {
  if (!config.standaloneExecutorThread) return ALL_SERVICE_MODULES;
  return [...ALL_SERVICE_MODULES.filter((module) => module !== ExecutorModule), ExecutorThreadModule];
}

export function startStandalone(
  config: SchedConfig,
  options: Partial<StartServiceOptions> = {},
): Promise<INestApplication> {
  return startHttpGateway(config, standaloneModules(config), { name: 'sched', ...options });
}
