import '../../register-aliases';
import 'reflect-metadata';
import { runServiceMain } from '@sched/messaging';
import { WorkflowModule } from './workflow.module';

runServiceMain('sched-workflow', [WorkflowModule]);
