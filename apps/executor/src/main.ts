import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { ExecutorModule } from './executor.module';

runServiceMain('sched-executor', [ExecutorModule]);
