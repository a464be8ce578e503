import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  REMOVABLE_TASK_FIELDS,
  MAX_TASK_CONFIG_BYTES,
  SchedError,
  jsonBytes,
  mergePatch,
  toTaskStreamId,
  type DisableTaskPayload,
  type EnableTaskPayload,
  type BackfillRequested,
  type BackfillTaskPayload,
  type EventEnvelope,
  type BackfillTaskResult,
  type CreateTaskPayload,
  type DeleteTaskPayload,
  type DeleteTaskResult,
  type PauseTaskPayload,
  type ResumeTaskPayload,
  type TaskCommandResult,
  type TaskDefinition,
  type TaskDefinitionChanges,
  type TriggerTaskPayload,
  type TriggerTaskResult,
  type UpdateTaskPayload,
} from '@sched/contracts';
import { assertSchedulesAllowed, assertSchedulesCanFire, requireLive, taskDecider, type TaskCommand, type TaskState } from '@sched/domain';
import { handleCommand, readState, readTaskDue, type CausationContext, type EventStore } from '@sched/event-store';
import { EVENT_STORE, uuidFromCommandId } from '@sched/messaging';
import { ExecutorCatalog } from './executor-catalog';
import { TaskNameRegistry } from './names/task-name-registry';
import { PendingExecutions } from './pending-executions';
import { retryForCreate, retryForUpdate } from './seed-retry';

interface CommandMeta {
  readonly commandId?: string;
  readonly correlationId?: string;
  /** The commandId was made here, not given by the caller: no retry can come with it (see withCommandId). */
  readonly idMadeHere?: boolean;
}

/** The command's meta with a command id for sure: the caller's, or a new one. */
const withCommandId = <M extends CommandMeta>(payload: M): M & CommandMeta & { readonly commandId: string } =>
  payload.commandId === undefined ? { ...payload, commandId: randomUUID(), idMadeHere: true } : { ...payload, commandId: payload.commandId };

/** Turns validated command payloads into domain commands and runs them through the task decider. */
@Injectable()
export class TaskCommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: ExecutorCatalog,
    private readonly names: TaskNameRegistry,
    private readonly pending: PendingExecutions,
  ) {}

  /**
   * Everything that can refuse the create is checked before the name is claimed, so invalid input appends nothing;
   * the claim comes before TaskCreated and is released again if that append is refused, kept if its outcome is
   * unknown (names/task-name-registry.ts).
   */
  async create(payload: CreateTaskPayload): Promise<TaskCommandResult> {
    // With a commandId the new task's id follows from it: a retry that outlived its cached reply finds the task.
    const taskId = payload.taskId ?? (payload.commandId ? uuidFromCommandId('task', payload.commandId) : randomUUID());
    const definition: TaskDefinition = {
      name: payload.name,
      description: payload.description,
      executor: payload.executor,
      config: payload.config,
      schedules: payload.schedules,
      tags: payload.tags,
      ...(payload.misfire ? { misfire: payload.misfire } : {}),
      retry: retryForCreate(payload.retry, payload),
      ...(payload.timeouts ? { timeouts: payload.timeouts } : {}),
      ...(payload.maxConcurrent ? { maxConcurrent: payload.maxConcurrent } : {}),
      ...(payload.overlap ? { overlap: payload.overlap } : {}),
      ...(payload.notify ? { notify: payload.notify } : {}),
      ...(payload.pauseOnFailure ? { pauseOnFailure: true } : {}),
    };
    this.catalog.validate(definition.executor, definition.config);
    this.catalog.assertHeartbeatFits(definition.executor, definition.timeouts);
    assertSchedulesAllowed('task.create', definition);
    // The instant the task is recorded at (TaskCreated's occurredAt): its schedules fire what comes after it.
    const nowMs = Date.now();
    assertSchedulesCanFire('task.create', definition.schedules, nowMs);
    const meta = withCommandId(payload);
    const command: TaskCommand = { type: 'CreateTask', data: { taskId, definition, enabled: payload.enabled, nowMs } };
    if ((await this.currentState(taskId)).status !== 'none') {
      // A retry of the create that made it (its reply lost) answers that create; anything else is the decider's CONFLICT.
      if (!meta.idMadeHere) return this.run(meta, command);
      throw new SchedError(ErrorCode.CONFLICT, `task ${taskId} already exists`, { taskId });
    }
    return this.names.withClaim(definition.name, taskId, this.context(meta), () => this.run(meta, command));
  }

  async update(payload: UpdateTaskPayload): Promise<TaskCommandResult> {
    const { taskId, commandId: _commandId, correlationId: _correlationId, maxRetries, retryInterval, ...fields } = payload;
    const current = requireLive(await this.currentState(taskId), taskId).definition;
    // A null takes an optional field away; the rest are changes.
    const removed = REMOVABLE_TASK_FIELDS.filter((field) => fields[field] === null);
    const rest = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as Omit<TaskDefinitionChanges, 'retry'> & Pick<typeof fields, 'retry'>;
    const retry = retryForUpdate(rest.retry, { maxRetries, retryInterval }, current.retry);
    const changes = { ...rest, ...(retry ? { retry } : {}) };
    if (changes.executor !== undefined || changes.config !== undefined) {
      // The executor and its config are validated together, so a change to one is checked against the other.
      this.catalog.validate(changes.executor ?? current.executor, changes.config ?? current.config);
    }
    // Judged when the executor or the timeouts change: a task stored before the rule keeps working as it was.
    if (changes.executor !== undefined || changes.timeouts !== undefined) {
      this.catalog.assertHeartbeatFits(changes.executor ?? current.executor, removed.includes('timeouts') ? undefined : changes.timeouts ?? current.timeouts);
    }
    assertSchedulesAllowed('task.update', { executor: changes.executor ?? current.executor, schedules: changes.schedules ?? current.schedules });
    // Judged here too, as on create: a rename claims its name before the decider sees the schedules.
    const nowMs = Date.now();
    if (changes.schedules) assertSchedulesCanFire('task.update', changes.schedules, nowMs, current.schedules);
    const command: TaskCommand = { type: 'UpdateTask', data: { taskId, changes, removed, nowMs } };
    if (changes.name === undefined || changes.name === current.name) return this.run(payload, command);
    // A rename claims the new name first and releases the old one once the task stream says so.
    const meta = withCommandId(payload);
    const context = this.context(meta);
    return this.names.withClaim(changes.name, taskId, context, async () => {
      const result = await this.run(meta, command);
      await this.names.release(current.name, taskId, context).catch(() => undefined);
      return result;
    });
  }

  disable(payload: DisableTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'DisableTask', data: { taskId: payload.taskId, reason: payload.reason } });
  }

  enable(payload: EnableTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'EnableTask', data: { taskId: payload.taskId } });
  }

  pause(payload: PauseTaskPayload): Promise<TaskCommandResult> {
    const untilMs = payload.until === undefined ? undefined : Date.parse(payload.until);
    return this.run(payload, { type: 'PauseTask', data: { taskId: payload.taskId, note: payload.note, untilMs, nowMs: Date.now() } });
  }

  resume(payload: ResumeTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'ResumeTask', data: { taskId: payload.taskId, nowMs: Date.now() } });
  }

  async delete(payload: DeleteTaskPayload): Promise<DeleteTaskResult> {
    const name = (await this.currentDefinition(payload.taskId))?.name;
    const meta = withCommandId(payload);
    const { taskId, reason, cancelPending } = payload;
    const result = await this.run(meta, { type: 'DeleteTask', data: { taskId, reason, cancelPending } });
    // After the delete is recorded; a release that fails leaves a stale reservation, taken over by the next claim.
    if (name !== undefined) await this.names.release(name, payload.taskId, this.context(meta)).catch(() => undefined);
    if (!cancelPending) return result;
    // Also when the task was deleted already (the decider's no change): what a first try left is cancelled now.
    const minPosition = result.position ?? (await this.store.headPosition());
    const cancelled = await this.pending.cancelAll(taskId, minPosition, reason ?? 'task deleted', meta.correlationId ?? meta.commandId);
    return { ...result, cancelled };
  }

  async trigger(payload: TriggerTaskPayload): Promise<TriggerTaskResult> {
    // The execution id is the command id, so retrying the same command cannot start a second execution.
    const meta = withCommandId(payload);
    const executionId = meta.commandId;
    await this.assertExecutionIdFree(executionId, payload.taskId);
    const config = payload.configPatch === undefined ? undefined : await this.patchedConfig(payload.taskId, payload.configPatch);
    const result = await this.run(
      meta,
      { type: 'TriggerTask', data: { taskId: payload.taskId, executionId, ...(config === undefined ? {} : { config }) } },
    );
    return { ...result, executionId };
  }

  /**
   * A commandId another task's execution has as its id cannot be this trigger's: the trigger would be recorded and
   * never run (its TaskDue refused: the stream exists). The same task's is a retry of the same trigger (acted once).
   */
  private async assertExecutionIdFree(executionId: string, taskId: string): Promise<void> {
    const owner = (await readTaskDue(this.store, executionId))?.taskId;
    if (owner !== undefined && owner !== taskId) {
      throw new SchedError(ErrorCode.CONFLICT, `execution ${executionId} exists, of task ${owner}: a trigger's commandId is its execution id; choose another`, {
        executionId,
        taskId: owner,
      });
    }
  }

  /** One run's config: the task's with the trigger's merge patch applied, held to what the task's config is held to. */
  private async patchedConfig(taskId: string, patch: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const { executor, config: current } = requireLive(await this.currentState(taskId), taskId).definition;
    const config = mergePatch(current, patch) as Record<string, unknown>;
    const bytes = jsonBytes(config);
    if (bytes > MAX_TASK_CONFIG_BYTES) {
      const message = `config after configPatch must be at most ${MAX_TASK_CONFIG_BYTES} bytes as JSON (MAX_TASK_CONFIG_BYTES), it is ${bytes}`;
      throw new SchedError(ErrorCode.VALIDATION, message, { issues: [{ path: 'configPatch', message }], limit: 'MAX_TASK_CONFIG_BYTES' });
    }
    try {
      this.catalog.validate(executor, config);
    } catch (error) {
      // Its paths name the config the patch made (config.argv), not the patch: the message says so.
      if (SchedError.is(error) && error.code === ErrorCode.VALIDATION) {
        throw new SchedError(ErrorCode.VALIDATION, `the ${executor} config after configPatch is invalid: ${error.message}`, error.details);
      }
      throw error;
    }
    return config;
  }

  async backfill(payload: BackfillTaskPayload): Promise<BackfillTaskResult> {
    // The backfill id is the command id, so a retried backfill command fires its range once.
    const meta = withCommandId(payload);
    const backfillId = meta.commandId;
    const command: TaskCommand = {
      type: 'BackfillTask',
      data: { taskId: payload.taskId, backfillId, fromMs: Date.parse(payload.from), toMs: Date.parse(payload.to), nowMs: Date.now() },
    };
    const { appended, ...result } = await this.runWithEvents(meta, command);
    const requested = appended.find((event) => event.type === 'BackfillRequested')?.data as BackfillRequested['data'] | undefined;
    // A retry answers its first copy's BackfillRequested (handleCommand finds it); one whose copy is not found, 0.
    return { ...result, backfillId, occurrences: requested?.occurrences ?? 0 };
  }

  private async currentState(taskId: string): Promise<TaskState> {
    return readState(this.store, toTaskStreamId(taskId), taskDecider);
  }

  private async currentDefinition(taskId: string): Promise<TaskDefinition | undefined> {
    const state = await this.currentState(taskId);
    return state.status === 'none' || state.status === 'deleted' ? undefined : state.definition;
  }

  private context(meta: CommandMeta, nowMs = Date.now()): CausationContext {
    const commandId = meta.commandId ?? randomUUID();
    return { correlationId: meta.correlationId ?? commandId, causationId: commandId, actor: 'user:nats', nowMs };
  }

  private async run(meta: CommandMeta, command: TaskCommand): Promise<TaskCommandResult> {
    const { appended: _appended, ...result } = await this.runWithEvents(meta, command);
    return result;
  }

  private async runWithEvents(
    meta: CommandMeta,
    command: TaskCommand,
  ): Promise<TaskCommandResult & { appended: readonly EventEnvelope[] }> {
    // A command decided on an instant is recorded at that instant (see assertSchedulesCanFire).
    const nowMs = 'nowMs' in command.data ? command.data.nowMs : Date.now();
    // A retry (same commandId) after a copy whose reply was lost answers what that copy appended.
    const answerEarlierCopy = meta.commandId !== undefined && !meta.idMadeHere;
    const handled = await handleCommand(this.store, toTaskStreamId(command.data.taskId), taskDecider, command, this.context(meta, nowMs), { answerEarlierCopy });
    return {
      taskId: command.data.taskId,
      revision: handled.revision,
      ...(handled.position === undefined ? {} : { position: handled.position }),
      events: handled.appended.map((event) => event.type),
      appended: handled.appended,
    };
  }
}
