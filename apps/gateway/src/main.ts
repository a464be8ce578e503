import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { GatewayModule } from './gateway.module';
import { startHttpGateway } from './http/start-http-gateway';

// NATS handlers plus the HTTP API, dashboard, /metrics and /health (HTTP_HOST:HTTP_PORT).
runServiceMain('sched-gateway', [GatewayModule], startHttpGateway);
