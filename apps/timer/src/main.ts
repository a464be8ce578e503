import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { TimerModule } from './timer.module';

runServiceMain('sched-timer', [TimerModule]);
