import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstream, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { WrongExpectedVersionError, type EventStore } from '@sched/event-store';
import { ExecutorRegistry, type ExecutorLogger } from '@sched/executors';
import {
  EVENT_STORE,
  NATS_CONNECTION,
  SCHED_CONFIG,
  WORK_CONSUMER,
  WORK_STREAM,
  ensureWorkQueue,
  workItemSchema,
  type SchedConfig,
  type WorkItem,
} from '@sched/messaging';
import { runAttempt } from './attempt-runner';
import { ExecutionActor } from './execution-actor';
import { Slots } from './slots';

const FETCH_EXPIRES_MS = 2_000;
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Competing consumer of the work queue: pulls only as many items as it has free slots, runs each in an
 * ExecutionActor, and acks an item only after the attempt's terminal event is appended.
 */
@Injectable()
export class ExecutorWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Executor');
  private readonly slots: Slots;
  private readonly inFlight = new Map<string, AbortController>();
  private stopping = false;
  private loop?: Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    private readonly registry: ExecutorRegistry,
  ) {
    this.slots = new Slots(config.executorConcurrency);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureWorkQueue(this.nc);
    const consumer = await jetstream(this.nc).consumers.get(WORK_STREAM, WORK_CONSUMER);
    this.loop = this.pullLoop(consumer);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([this.slots.drained(), grace]);
    for (const controller of this.inFlight.values()) controller.abort();
    await this.slots.drained();
    await this.loop;
  }

  private async pullLoop(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      const free = await this.slots.whenFree();
      if (this.stopping) break;
      try {
        const batch = await consumer.fetch({ max_messages: free, expires: FETCH_EXPIRES_MS });
        for await (const msg of batch) {
          this.slots.take();
          void this.process(msg).finally(() => this.slots.release());
        }
      } catch (error) {
        if (this.stopping) break;
        // Disconnected or the server restarted: the consumer is durable, so just pull again shortly.
        this.logger.warn(`fetch failed: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const parsed = workItemSchema.safeParse(safeJson(msg));
    if (!parsed.success) {
      this.logger.error(`dropping malformed work item ${msg.subject}#${msg.seq}`);
      msg.term();
      return;
    }
    try {
      await this.execute(parsed.data, msg);
    } catch (error) {
      if (WrongExpectedVersionError.is(error)) {
        // Another executor wrote to this execution first: it owns the attempt, we drop the work cleanly.
        msg.ack();
        return;
      }
      this.logger.error(`execution ${parsed.data.executionId} failed in the runtime: ${String(error)}`);
      msg.nak(1_000);
    }
  }

  private async execute(item: WorkItem, msg: JsMsg): Promise<void> {
    if (this.inFlight.has(item.executionId)) return; // a duplicate delivery of what we are running right now
    const actor = new ExecutionActor(this.store, item.executionId, this.config.instanceId);
    const state = await actor.load();
    if (state.status === 'none') {
      msg.term();
      return;
    }
    if (state.status === 'running') {
      // Delivered again while the stream says it runs: the worker that started it is gone (no heartbeat).
      await actor.fail(state.attempt, { type: 'WorkerLost', message: `worker ${state.workerId} stopped heartbeating`, retryable: true });
      msg.ack();
      return;
    }
    if (state.status !== 'due') {
      msg.ack(); // already finished: a redelivery after our ack was lost
      return;
    }
    const executor = this.registry.get(state.due.executor);
    const attempt = state.attempt + 1;
    await actor.start(attempt);
    if (!executor) {
      await actor.fail(attempt, { type: 'UnknownExecutor', message: `no executor "${state.due.executor}" here`, retryable: false });
      msg.ack();
      return;
    }
    const controller = new AbortController();
    this.inFlight.set(item.executionId, controller);
    try {
      const outcome = await runAttempt(actor, executor, attempt, msg, controller.signal, this.executorLogger(item));
      if (outcome.aborted) msg.nak();
      else msg.ack();
    } finally {
      this.inFlight.delete(item.executionId);
    }
  }

  private executorLogger(item: WorkItem): ExecutorLogger {
    const prefix = `[${item.executor} ${item.executionId}]`;
    return {
      info: (message) => this.logger.log(`${prefix} ${message}`),
      warn: (message) => this.logger.warn(`${prefix} ${message}`),
      error: (message) => this.logger.error(`${prefix} ${message}`),
    };
  }
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
