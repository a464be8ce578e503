import { Subjects, jsonBytes, type ExecutionView, type TaskView, type WorkflowRunView } from '@sched/contracts';
import { omit, shrinkToFit, type Cut } from './reply-budget';

/*
 * What each view gives up when it alone would not fit its reply (NATS max_payload): its biggest fields, each noted
 * in the `omitted` of the object it was cut from with where to read it in full. Only a server whose max_payload is
 * far below the default (1 MiB) ever cuts a task; the others are cut when results and logs add up.
 */

/** A task in a list: its config (task.get has it). */
export const fitTaskView = (view: TaskView, maxBytes: number): TaskView =>
  shrinkToFit(view, maxBytes, [(task) => omit(task, 'config', { subject: Subjects.query.taskGet, payload: { taskId: task.taskId } })]);

/** An execution in a list: its result (execution.get has it). */
export const fitListedExecution = (view: ExecutionView, maxBytes: number): ExecutionView =>
  shrinkToFit(view, maxBytes, [(execution) => omit(execution, 'result', { subject: Subjects.query.executionGet, payload: { executionId: execution.executionId } })]);

/**
 * One execution (execution.get): the logs of its attempts, oldest first, then its result; each is in full on an
 * event of the execution's history (an attempt's logs on the event that ended it, the result on TaskSucceeded).
 */
export function fitExecution(view: ExecutionView, maxBytes: number): ExecutionView {
  const { executionId } = view;
  const attemptLogs: Cut<ExecutionView>[] = (view.attempts ?? []).map((_, index) => (execution) => ({
    ...execution,
    attempts: execution.attempts?.map((attempt, i) => (i === index ? omit(attempt, 'logs', { subject: Subjects.query.history, payload: { executionId } }) : attempt)),
  }));
  const result: Cut<ExecutionView> = (execution) =>
    omit(execution, 'result', { subject: Subjects.query.history, payload: { executionId, types: ['TaskSucceeded'] } });
  return shrinkToFit(view, maxBytes, [...attemptLogs, result]);
}

/** A run (workflow.get): its steps' results, biggest first (each is in full on the step's execution). */
export function fitRun(view: WorkflowRunView, maxBytes: number): WorkflowRunView {
  const bySize = (view.steps ?? [])
    .filter((step) => step.result !== undefined && step.executionId !== undefined)
    .sort((a, b) => jsonBytes(b.result) - jsonBytes(a.result));
  const cuts = bySize.map(({ id, executionId }): Cut<WorkflowRunView> => (run) => ({
    ...run,
    steps: run.steps?.map((step) => (step.id === id ? omit(step, 'result', { subject: Subjects.query.executionGet, payload: { executionId } }) : step)),
  }));
  return shrinkToFit(view, maxBytes, cuts);
}
