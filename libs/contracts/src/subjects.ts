/** Every NATS subject the system serves or publishes, in one place. */
export const Subjects = {
  cmd: {
    taskCreate: 'sched.cmd.task.create',
    taskUpdate: 'sched.cmd.task.update',
    taskPause: 'sched.cmd.task.pause',
    taskResume: 'sched.cmd.task.resume',
    taskDelete: 'sched.cmd.task.delete',
    taskTrigger: 'sched.cmd.task.trigger',
    executionCancel: 'sched.cmd.execution.cancel',
    taskBackfill: 'sched.cmd.task.backfill',
    /** A new run of a failed or cancelled workflow run that reuses the results of its succeeded steps. */
    workflowResume: 'sched.cmd.workflow.resume',
    /** The cancel of a run's execution, refused (NOT_FOUND) for an execution that is not a workflow run. */
    workflowCancel: 'sched.cmd.workflow.cancel',
    taskEnable: 'sched.cmd.task.enable',
    taskDisable: 'sched.cmd.task.disable',
    executionPause: 'sched.cmd.execution.pause',
    executionResume: 'sched.cmd.execution.resume',
    executionTerminate: 'sched.cmd.execution.terminate',
  },
  query: {
    taskGet: 'sched.query.task.get',
    taskList: 'sched.query.task.list',
    taskNextFires: 'sched.query.task.next-fires',
    executionGet: 'sched.query.execution.get',
    executionList: 'sched.query.execution.list',
    /** Ordered events of a task (its stream, its executions and its workflow runs), of one execution, or of the whole log; paged. */
    history: 'sched.query.history',
    /** Task or execution state as of an instant, folded from the events up to it. */
    asOf: 'sched.query.as-of',
    stats: 'sched.query.stats',
    /** Recomputes the hash chains of a task's streams and names the first broken link. */
    auditVerify: 'sched.query.audit.verify',
    workflowGet: 'sched.query.workflow.get',
    workflowList: 'sched.query.workflow.list',
    /** Read-model position, log head and lag (ProjectorStatusView). */
    projectorStatus: 'sched.query.projector.status',
    /** The executor types tasks may use, built-in and loaded (EXECUTOR_MODULES), as the gateway knows them. */
    executorList: 'sched.query.executor.list',
  },
  /** Operations on the read models (not domain commands: they append nothing). */
  admin: {
    projectorRebuild: 'sched.cmd.projector.rebuild',
    /** Internal: the projector a rebuild reaches asks each instance in turn here (no queue group: the one named does it). */
    projectorRebuildEach: 'sched.cmd.projector.rebuild-each',
    /** Internal: every projector instance says who it is and whether its tables are ready (no queue group). */
    projectorInstances: 'sched.cmd.projector.instances',
  },
  /** Live events, published by the relay after commit. */
  evt: {
    all: 'sched.evt.>',
    allTasks: 'sched.evt.task.>',
    allExecutions: 'sched.evt.execution.>',
    task: (taskId: string, type: string): string => `sched.evt.task.${taskId}.${type}`,
    execution: (taskId: string, executionId: string, type: string): string =>
      `sched.evt.execution.${taskId}.${executionId}.${type}`,
    executionsOfTask: (taskId: string): string => `sched.evt.execution.${taskId}.>`,
    /** Events of a workflow run's own stream (`workflow-<runId>`), under the workflow task's id. */
    workflow: (taskId: string, runId: string, type: string): string => `sched.evt.workflow.${taskId}.${runId}.${type}`,
    workflowsOfTask: (taskId: string): string => `sched.evt.workflow.${taskId}.>`,
  },
  /** Executor work queue (JetStream stream SCHED_WORK). */
  work: {
    all: 'sched.work.>',
    forType: (executorType: string): string => `sched.work.${executorType}`,
  },
} as const;

export const COMMAND_SUBJECTS: readonly string[] = Object.values(Subjects.cmd);
export const QUERY_SUBJECTS: readonly string[] = Object.values(Subjects.query);
