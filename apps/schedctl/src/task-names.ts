import type { SchedClient } from '@sched/client';

/**
 * The names of the tasks a list of executions belongs to, each asked for once: a workflow step's execution belongs to
 * `<taskId>:<stepId>` and is named "<workflow> › <step>" (as the dashboard names it), a failure notice's
 * `<taskId>:notify` "<task> › notify"; a task id may itself hold a
 * colon, so a step is recognised by its workflow having that step. A task that is nowhere keeps its id.
 */
export async function taskNames(
  client: SchedClient,
  taskIds: readonly string[],
  minPosition?: number,
  known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const names = new Map(known);
  const task = (taskId: string) => client.getTask({ taskId, minPosition }).catch(() => undefined);
  await Promise.all(
    [...new Set(taskIds)].filter((taskId) => !names.has(taskId)).map(async (taskId) => {
      const colon = taskId.lastIndexOf(':');
      if (colon > 0) {
        const [ownerId, stepId] = [taskId.slice(0, colon), taskId.slice(colon + 1)];
        const owner = await task(ownerId);
        const steps = owner?.executor === 'workflow' ? (owner.config.steps as { id?: unknown }[] | undefined) : undefined;
        // A step of a workflow, or the failure notices of any task (`<taskId>:notify`).
        if (owner && (stepId === 'notify' || steps?.some((step) => step.id === stepId))) return void names.set(taskId, `${owner.name} › ${stepId}`);
      }
      const found = await task(taskId);
      names.set(taskId, found ? found.name : taskId);
    }),
  );
  return names;
}
