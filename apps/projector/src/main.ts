import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { ProjectorModule } from './projector.module';

runServiceMain('sched-projector', [ProjectorModule]);
