import { dagLayers, omittedNote, type WorkflowRunView, type WorkflowStepStatus, type WorkflowStepView } from '@sched/contracts';
import { fields, table, when } from './output';

const SYMBOL: Record<WorkflowStepStatus, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✔',
  failed: '✘',
  skipped: '⊘',
  cancelled: '■',
};

const BOX_WIDTH = 28;
const MAX_LINE = 120;

const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** What a step's box says under its name: its status and the one thing worth knowing about it. */
function statusLine(step: WorkflowStepView): string {
  if (step.reusedFrom) return 'succeeded (reused)';
  if (step.status === 'skipped') return `skipped: ${step.skipReason ?? '?'}`;
  if (step.status === 'running' && step.executionStatus === 'due' && (step.attempt ?? 0) > 0) return `retrying after #${step.attempt}`;
  if (step.status === 'running' && step.progress) return `running ${Math.round(step.progress.percent)}%`;
  const attempt = step.attempt && step.attempt > 1 ? ` #${step.attempt}` : '';
  return `${step.status}${attempt}`;
}

/** One layer of the DAG: boxes side by side (wrapped to the line width), each naming the steps it depends on. */
function drawLayer(steps: readonly WorkflowStepView[]): string[] {
  const perRow = Math.max(1, Math.floor(MAX_LINE / (BOX_WIDTH + 3)));
  const lines: string[] = [];
  for (let i = 0; i < steps.length; i += perRow) {
    const row = steps.slice(i, i + perRow);
    const inner = BOX_WIDTH - 2;
    const edge = (left: string, right: string) => row.map(() => `${left}${'─'.repeat(BOX_WIDTH)}${right}`).join(' ');
    const content = (text: (step: WorkflowStepView) => string) => row.map((step) => `│ ${fit(text(step), inner)} │`).join(' ');
    lines.push(edge('┌', '┐'), content((s) => `${SYMBOL[s.status]} ${s.id}`), content(statusLine));
    if (row.some((step) => step.dependsOn.length > 0)) {
      lines.push(content((s) => (s.dependsOn.length ? `← ${s.dependsOn.join(', ')}` : '')));
    }
    lines.push(edge('└', '┘'));
  }
  return lines;
}

/** The run's DAG, layer by layer (each step below everything it depends on), with each step's status. */
export function drawWorkflowDag(steps: readonly WorkflowStepView[]): string {
  const layers = dagLayers(steps);
  const connector = `${' '.repeat(Math.floor(BOX_WIDTH / 2))}│\n${' '.repeat(Math.floor(BOX_WIDTH / 2))}▼`;
  return layers.map((layer) => drawLayer(layer).join('\n')).join(`\n${connector}\n`) + '\n';
}

const detail = (step: WorkflowStepView): string | undefined =>
  step.error ? `${step.error.type}: ${step.error.message}` : step.result === undefined ? omittedNote(step, 'result') : JSON.stringify(step.result);

/** `schedctl workflow show`: the run's fields, its DAG, then one line per step with the details. */
export function workflowRunText(run: WorkflowRunView, taskName?: string): string {
  const head = fields({
    run: run.runId,
    task: taskName && taskName !== run.taskId ? `${taskName} (${run.taskId})` : run.taskId,
    status: run.status,
    mode: `${run.mode}${run.mode === 'parallel' ? ` (max ${run.maxParallel})` : ''}, onFailure ${run.onFailure}`,
    'resumed from': run.resumedFrom,
    'resumed as': run.resumedAs,
    started: when(run.startedAt),
    ended: when(run.endedAt),
    'duration ms': run.durationMs,
  });
  const steps = run.steps ?? [];
  const rows = steps.map((s) => [s.id, s.executor, `${SYMBOL[s.status]} ${s.status}${s.skipReason ? ` (${s.skipReason})` : ''}`, s.triggerRule, s.attempt, s.executionId, detail(s)?.slice(0, 80)]);
  return `${head}\n${drawWorkflowDag(steps)}\n${table(['step', 'executor', 'status', 'rule', 'attempt', 'execution', 'result / error'], rows)}`;
}

/** A run's steps by how they ended, then all of them: a cancelled step is one of its own, not left to the total. */
const stepCounts = ({ counts }: WorkflowRunView): string =>
  `${counts.succeeded}/${counts.failed}/${counts.cancelled}/${counts.skipped}/${Object.values(counts).reduce((a, b) => a + b, 0)}`;

export const workflowRunTable = (runs: readonly WorkflowRunView[], names: ReadonlyMap<string, string> = new Map()): string =>
  table(
    ['run', 'task', 'status', 'started', 'duration ms', 'ok/failed/cancelled/skipped/total'],
    runs.map((r) => [r.runId, names.get(r.taskId) ?? r.taskId, r.status, when(r.startedAt), r.durationMs, stepCounts(r)]),
  );
