import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  notFound,
  toTaskStreamId,
  type TaskEvent,
  type BackfillRequested,
  type BackfillTaskPayload,
  type EventEnvelope,
  type BackfillTaskResult,
  type CreateTaskPayload,
  type DeleteTaskPayload,
  type PauseTaskPayload,
  type ResumeTaskPayload,
  type TaskCommandResult,
  type TaskDefinition,
  type TriggerTaskPayload,
  type TriggerTaskResult,
  type UpdateTaskPayload,
} from '@sched/contracts';
import { fold, taskDecider, type TaskCommand } from '@sched/domain';
import { handleCommand, type EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { ExecutorCatalog } from './executor-catalog';

interface CommandMeta {
  readonly commandId?: string;
  readonly correlationId?: string;
}

/** Turns validated command payloads into domain commands and runs them through the task decider. */
@Injectable()
export class TaskCommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: ExecutorCatalog,
  ) {}

  create(payload: CreateTaskPayload): Promise<TaskCommandResult> {
    const taskId = payload.taskId ?? randomUUID();
    const definition: TaskDefinition = {
      name: payload.name,
      description: payload.description,
      executor: payload.executor,
      config: payload.config,
      schedules: payload.schedules,
      tags: payload.tags,
      ...(payload.misfire ? { misfire: payload.misfire } : {}),
      ...(payload.retry ? { retry: payload.retry } : {}),
      ...(payload.timeouts ? { timeouts: payload.timeouts } : {}),
      ...(payload.maxConcurrent ? { maxConcurrent: payload.maxConcurrent } : {}),
      ...(payload.overlap ? { overlap: payload.overlap } : {}),
    };
    this.catalog.validate(definition.executor, definition.config);
    return this.run(payload, { type: 'CreateTask', data: { taskId, definition } });
  }

  async update(payload: UpdateTaskPayload): Promise<TaskCommandResult> {
    const { taskId, commandId: _commandId, correlationId: _correlationId, ...changes } = payload;
    if (changes.executor !== undefined || changes.config !== undefined) {
      // The executor and its config are validated together, so a change to one is checked against the other.
      const current = await this.currentDefinition(taskId);
      if (!current) throw notFound('Task', taskId);
      this.catalog.validate(changes.executor ?? current.executor, changes.config ?? current.config);
    }
    return this.run(payload, { type: 'UpdateTask', data: { taskId, changes } });
  }

  pause(payload: PauseTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'PauseTask', data: { taskId: payload.taskId, note: payload.note } });
  }

  resume(payload: ResumeTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'ResumeTask', data: { taskId: payload.taskId } });
  }

  delete(payload: DeleteTaskPayload): Promise<TaskCommandResult> {
    return this.run(payload, { type: 'DeleteTask', data: { taskId: payload.taskId, reason: payload.reason } });
  }

  async trigger(payload: TriggerTaskPayload): Promise<TriggerTaskResult> {
    // The execution id is the command id, so retrying the same command cannot start a second execution.
    const executionId = payload.commandId ?? randomUUID();
    const result = await this.run(
      { ...payload, commandId: executionId },
      { type: 'TriggerTask', data: { taskId: payload.taskId, executionId } },
    );
    return { ...result, executionId };
  }

  async backfill(payload: BackfillTaskPayload): Promise<BackfillTaskResult> {
    // The backfill id is the command id, so a retried backfill command fires its range once.
    const backfillId = payload.commandId ?? randomUUID();
    const command: TaskCommand = {
      type: 'BackfillTask',
      data: { taskId: payload.taskId, backfillId, fromMs: Date.parse(payload.from), toMs: Date.parse(payload.to), nowMs: Date.now() },
    };
    const { appended, ...result } = await this.runWithEvents({ ...payload, commandId: backfillId }, command);
    const requested = appended.find((event) => event.type === 'BackfillRequested')?.data as BackfillRequested['data'] | undefined;
    // A retried command appends nothing: its occurrences were counted (and fired) the first time.
    return { ...result, backfillId, occurrences: requested?.occurrences ?? 0 };
  }

  private async currentDefinition(taskId: string): Promise<TaskDefinition | undefined> {
    const state = fold(taskDecider, (await this.store.read(toTaskStreamId(taskId))) as unknown as TaskEvent[]);
    return state.status === 'none' || state.status === 'deleted' ? undefined : state.definition;
  }

  private async run(meta: CommandMeta, command: TaskCommand): Promise<TaskCommandResult> {
    const { appended: _appended, ...result } = await this.runWithEvents(meta, command);
    return result;
  }

  private async runWithEvents(
    meta: CommandMeta,
    command: TaskCommand,
  ): Promise<TaskCommandResult & { appended: readonly EventEnvelope[] }> {
    const commandId = meta.commandId ?? randomUUID();
    const handled = await handleCommand(this.store, toTaskStreamId(command.data.taskId), taskDecider, command, {
      correlationId: meta.correlationId ?? commandId,
      causationId: commandId,
      actor: 'user:nats',
      nowMs: Date.now(),
    });
    return {
      taskId: command.data.taskId,
      revision: handled.revision,
      ...(handled.position === undefined ? {} : { position: handled.position }),
      events: handled.appended.map((event) => event.type),
      appended: handled.appended,
    };
  }
}
