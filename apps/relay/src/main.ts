import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { RelayModule } from './relay.module';

runServiceMain('sched-relay', [RelayModule]);
