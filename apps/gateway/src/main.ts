import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { GatewayModule } from './gateway.module';

runServiceMain('sched-gateway', [GatewayModule]);
