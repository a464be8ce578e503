import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { MAX_REQUEST_BYTES } from '@sched/contracts';
import {
  PinoNestLogger,
  schedNatsTransport,
  ServingGate,
  serviceRoot,
  type SchedConfig,
  type StartServiceOptions,
} from '@sched/messaging';
import { dashboardDirectory } from '../dashboard/dashboard-directory';
import { apiTokenMiddleware } from './api-token.middleware';
import { crossSiteGuard } from './cross-site-guard.middleware';
import { HttpApiModule } from './http-api.module';
import { HttpErrorFilter, bodyParserErrors, overNestedBodies, queryOnBodyRoutes } from './http-error.filter';
import { buildOpenApiDocument } from './openapi-document';

/** A body over the NATS payload limit could never be sent on: refused here, with the same details. */
const BODY_LIMIT = MAX_REQUEST_BYTES;

/**
 * A hybrid Nest app: the NATS microservice of `features` (as `startService` runs them) plus the HTTP API,
 * OpenAPI document, SSE, dashboard, /metrics and /health on HTTP_HOST:HTTP_PORT.
 */
export async function startHttpGateway(
  config: SchedConfig,
  features: ReadonlyArray<Type | DynamicModule>,
  options: StartServiceOptions,
): Promise<INestApplication> {
  const logger = options.logger ?? new PinoNestLogger(config.logLevel, options.name);
  const gate = new ServingGate();
  const app = await NestFactory.create<NestExpressApplication>(serviceRoot(config, [...features, HttpApiModule], gate), new ExpressAdapter(), {
    logger,
    bodyParser: false,
    // SSE streams and keep-alive sockets must not hold up app.close().
    forceCloseConnections: true,
    abortOnError: false, // as startService: a start-up failure rejects, for the caller's one clear line
  });
  // Before connecting the microservice: it binds the (inherited) global filters as it connects.
  app.useGlobalFilters(new HttpErrorFilter());
  app.connectMicroservice(schedNatsTransport(config, options.name, gate), { inheritAppConfig: true });
  app.use(crossSiteGuard({ httpHost: config.httpHost, allowedHosts: config.httpAllowedHosts }));
  app.use(apiTokenMiddleware(config.apiToken));
  // Every body is read as JSON whatever its content type: `curl -d '{…}'` without a header sends a form type, and a
  // body passed over would reach validation as "name: expected string, received undefined".
  app.use(express.json({ limit: BODY_LIMIT, type: () => true }));
  app.use(bodyParserErrors);
  app.use(overNestedBodies);
  app.use(queryOnBodyRoutes);
  app.useStaticAssets(dashboardDirectory(), { index: 'index.html' });
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  if (options.shutdownHooks ?? true) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
  new Logger('Http').log(`HTTP API, dashboard and /api/docs on ${await app.getUrl()}${config.apiToken ? ' (bearer token required)' : ''}`);
  return app;
}
