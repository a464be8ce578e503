import { Module, type DynamicModule, type INestApplication, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type SchedConfig } from '../config';
import { schedNatsTransport } from './nats-transport';
import { PinoNestLogger } from './pino-logger';
import { SchedCoreModule } from './sched-core.module';
import { SchedExceptionFilter } from './sched-exception.filter';
import { ServingGate } from './serving-gate';
import { armShutdownDeadline, shutdownDeadlineMs } from './shutdown-deadline';
import { startupFailure } from './startup-failure';

@Module({})
class SchedServiceRootModule {}

/**
 * A root module: the shared core (config, NATS, event store) plus the feature modules of one service. `gate`: the
 * one the app's NATS transport follows (schedNatsTransport), which its services hold and release.
 */
export function serviceRoot(config: SchedConfig, features: ReadonlyArray<Type | DynamicModule>, gate?: ServingGate): DynamicModule {
  return { module: SchedServiceRootModule, imports: [SchedCoreModule.forRoot(config, gate), ...features] };
}

export interface StartServiceOptions {
  /** The service's name (sched-gateway, …): its NATS connection's and its logger's (its handlers' queue group is REQUEST_QUEUE_GROUP). */
  readonly name: string;
  /** Install SIGTERM/SIGINT handlers that close the app (off in tests that close it themselves). */
  readonly shutdownHooks?: boolean;
  readonly logger?: PinoNestLogger | false;
}

/** Creates and starts one NestJS microservice on our NATS transport. */
export async function startService(
  config: SchedConfig,
  features: ReadonlyArray<Type | DynamicModule>,
  options: StartServiceOptions,
): Promise<INestMicroservice> {
  const gate = new ServingGate();
  const app = await NestFactory.createMicroservice(serviceRoot(config, features, gate), {
    ...schedNatsTransport(config, options.name, gate),
    logger: options.logger ?? new PinoNestLogger(config.logLevel, options.name),
    // A provider that fails at start-up (no JetStream, say) rejects here, for the caller's one clear line, instead of
    // Nest logging it and exiting the process itself.
    abortOnError: false,
  });
  app.useGlobalFilters(new SchedExceptionFilter());
  if (options.shutdownHooks ?? true) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  return app;
}

/** How a service starts: `startService` (NATS only) or a hybrid app that also serves HTTP (the gateway). */
export type ServiceStarter = (
  config: SchedConfig,
  features: ReadonlyArray<Type | DynamicModule>,
  options: StartServiceOptions,
) => Promise<INestMicroservice | INestApplication>;

/**
 * The whole `main.ts` of a service: load the config, start, and on a start-up failure print one clear line and
 * exit non-zero instead of a stack trace or a hang.
 */
export function runServiceMain(name: string, features: ReadonlyArray<Type | DynamicModule>, starter: ServiceStarter = startService): void {
  const start = async (): Promise<void> => {
    const config = loadConfig();
    await starter(config, features, { name });
    armShutdownDeadline(['SIGTERM', 'SIGINT'], shutdownDeadlineMs(config));
    // Tests and supervisors wait for this line.
    console.log(`${name} ready (instance ${config.instanceId}, nats ${config.natsUrl}, store ${config.eventStore})`);
  };
  start().catch((error: unknown) => {
    console.error(`${name}: failed to start: ${startupFailure(error)}`);
    process.exit(1);
  });
}
