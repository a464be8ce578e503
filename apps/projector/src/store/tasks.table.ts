import type { ScheduleSpec, TaskDefinition } from '@sched/contracts';
import type { ScheduleSetInstants } from '@sched/domain';
import type { LastExecution, TaskRow } from '../projections';
import { fromJson, orNull, orUndefined, toJson } from './sql';

export const TASKS_DDL = `
  CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    executor TEXT NOT NULL,
    config TEXT NOT NULL,
    schedules TEXT NOT NULL,
    tags TEXT NOT NULL,
    state TEXT NOT NULL,
    pause_note TEXT,
    paused_until INTEGER,
    disabled INTEGER NOT NULL,
    disable_reason TEXT,
    active_since INTEGER,
    schedules_set_at INTEGER NOT NULL,
    schedule_set_instants TEXT,
    schedules_set_on_enable INTEGER NOT NULL,
    extras TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_execution TEXT,
    count_total INTEGER NOT NULL,
    count_succeeded INTEGER NOT NULL,
    count_failed INTEGER NOT NULL,
    count_running INTEGER NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks (created_at, task_id);
  CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (state, created_at, task_id);
  CREATE INDEX IF NOT EXISTS tasks_by_executor ON tasks (executor, created_at, task_id);
  CREATE INDEX IF NOT EXISTS tasks_by_name ON tasks (name, created_at, task_id);
`;

/** A `tasks` row as SQLite holds it: JSON text for config, schedules, tags and last execution; times in epoch ms. */
export interface TaskRecord {
  task_id: string;
  name: string;
  description: string;
  executor: string;
  config: string;
  schedules: string;
  tags: string;
  state: string;
  pause_note: string | null;
  paused_until: number | null;
  disabled: number;
  disable_reason: string | null;
  active_since: number | null;
  /** When the schedules were last set; `schedule_set_instants` one per schedule (JSON) when an update kept some. */
  schedules_set_at: number;
  schedule_set_instants: string | null;
  schedules_set_on_enable: number;
  /** JSON of the definition's other fields (retry, timeouts, limits, misfire), so a row loses nothing. */
  extras: string;
  revision: number;
  created_at: number;
  updated_at: number;
  last_execution: string | null;
  count_total: number;
  count_succeeded: number;
  count_failed: number;
  count_running: number;
  position: number;
}

export const TASK_COLUMNS: readonly (keyof TaskRecord)[] = [
  'task_id', 'name', 'description', 'executor', 'config', 'schedules', 'tags', 'state', 'pause_note', 'paused_until', 'disabled',
  'disable_reason', 'active_since', 'schedules_set_at', 'schedule_set_instants', 'schedules_set_on_enable', 'extras', 'revision',
  'created_at', 'updated_at', 'last_execution', 'count_total', 'count_succeeded', 'count_failed', 'count_running',
  'position',
];

const setInstantColumns = (set: ScheduleSetInstants): Pick<TaskRecord, 'schedules_set_at' | 'schedule_set_instants'> =>
  typeof set === 'number' ? { schedules_set_at: set, schedule_set_instants: null } : { schedules_set_at: Math.max(...set), schedule_set_instants: JSON.stringify(set) };

export function taskToRecord(row: TaskRow): TaskRecord {
  const { definition: d, counts } = row;
  const { name: _n, description: _d, executor: _e, config: _c, schedules: _s, tags: _t, ...extras } = d;
  return {
    task_id: row.taskId,
    name: d.name,
    description: d.description,
    executor: d.executor,
    config: JSON.stringify(d.config),
    schedules: JSON.stringify(d.schedules),
    tags: JSON.stringify(d.tags),
    state: row.state,
    pause_note: orNull(row.pauseNote),
    paused_until: orNull(row.pausedUntil),
    disabled: row.disabled ? 1 : 0,
    disable_reason: orNull(row.disableReason),
    active_since: orNull(row.activeSince),
    ...setInstantColumns(row.schedulesSetAt),
    schedules_set_on_enable: row.schedulesSetOnEnable ? 1 : 0,
    extras: JSON.stringify(extras),
    revision: row.revision,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    last_execution: toJson(row.lastExecution),
    count_total: counts.total,
    count_succeeded: counts.succeeded,
    count_failed: counts.failed,
    count_running: counts.running,
    position: row.position,
  };
}

export function recordToTask(r: TaskRecord): TaskRow {
  return {
    taskId: r.task_id,
    definition: {
      name: r.name,
      description: r.description,
      executor: r.executor,
      config: JSON.parse(r.config) as Record<string, unknown>,
      schedules: JSON.parse(r.schedules) as ScheduleSpec[],
      tags: JSON.parse(r.tags) as string[],
      ...(JSON.parse(r.extras) as Partial<TaskDefinition>),
    },
    state: r.state as TaskRow['state'],
    pauseNote: orUndefined(r.pause_note),
    ...(r.paused_until === null ? {} : { pausedUntil: r.paused_until }),
    ...(r.disabled ? { disabled: true } : {}),
    ...(r.disable_reason === null ? {} : { disableReason: r.disable_reason }),
    ...(r.active_since === null ? {} : { activeSince: r.active_since }),
    schedulesSetAt: r.schedule_set_instants === null ? r.schedules_set_at : (JSON.parse(r.schedule_set_instants) as number[]),
    ...(r.schedules_set_on_enable ? { schedulesSetOnEnable: true } : {}),
    revision: r.revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastExecution: fromJson<LastExecution>(r.last_execution),
    counts: { total: r.count_total, succeeded: r.count_succeeded, failed: r.count_failed, running: r.count_running },
    position: r.position,
  };
}
