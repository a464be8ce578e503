/** Every NATS subject the system serves or publishes, in one place. */
export const Subjects = {
  cmd: {
    taskCreate: 'sched.cmd.task.create',
    taskUpdate: 'sched.cmd.task.update',
    taskPause: 'sched.cmd.task.pause',
    taskResume: 'sched.cmd.task.resume',
    taskDelete: 'sched.cmd.task.delete',
    taskTrigger: 'sched.cmd.task.trigger',
  },
  query: {
    taskGet: 'sched.query.task.get',
    taskList: 'sched.query.task.list',
    executionGet: 'sched.query.execution.get',
    executionList: 'sched.query.execution.list',
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
  },
  /** Executor work queue (JetStream stream SCHED_WORK). */
  work: {
    all: 'sched.work.>',
    forType: (executorType: string): string => `sched.work.${executorType}`,
  },
} as const;

export const COMMAND_SUBJECTS: readonly string[] = Object.values(Subjects.cmd);
export const QUERY_SUBJECTS: readonly string[] = Object.values(Subjects.query);
