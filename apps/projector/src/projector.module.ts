import { Module } from '@nestjs/common';
import { SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { HistoryController } from './history/history.controller';
import { HistoryService } from './history/history.service';
import { RebuildFanOut } from './history/rebuild-fan-out';
import { ProjectorInstances } from './instances/projector-instances';
import { ProjectionLagProbe } from './lag/projection-lag.probe';
import { ProjectorStatusController } from './lag/projector-status.controller';
import { ProjectorService } from './projector.service';
import { ProjectorQueries } from './queries/projector-queries.service';
import { ProjectorQueriesController } from './queries/projector-queries.controller';
import { ReplyBudget } from './queries/reply-budget';
import { ReadModelStore } from './store/read-model.store';
import { WorkflowQueriesController } from './queries/workflow-queries.controller';
import { WorkflowQueries } from './queries/workflow-queries.service';

/**
 * Read models and their query handlers. EVENT_STORE and SCHED_CONFIG come from the app's root module (global);
 * ProjectorService is exported for the rebuild command (issue 6), ProjectorQueries for in-process callers.
 */
@Module({
  controllers: [ProjectorQueriesController, HistoryController, ProjectorStatusController, WorkflowQueriesController],
  providers: [
    {
      provide: ReadModelStore,
      useFactory: (config: SchedConfig) => ReadModelStore.open(config.sqlitePath, { onlyProjector: true }),
      inject: [SCHED_CONFIG],
    },
    ProjectorService,
    ProjectorQueries,
    HistoryService,
    RebuildFanOut,
    ProjectorInstances,
    ProjectionLagProbe,
    WorkflowQueries,
    ReplyBudget,
  ],
  exports: [ReadModelStore, ProjectorService, ProjectorQueries],
})
export class ProjectorModule {}
