import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { concurrencyLimitOf, type TaskDue } from '@sched/contracts';
import type { KnownExecutionState } from '@sched/domain';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER, within, type EventStore } from '@sched/event-store';
import { ExecutorRegistry } from '@sched/executors';
import {
  EVENT_STORE,
  NATS_CONNECTION,
  SCHED_CONFIG,
  SchedMetrics,
  WORK_ACK_WAIT_MS,
  WORK_CONSUMER,
  WORK_STREAM,
  ensureWorkQueue,
  executorShutdownGraceMsOf,
  notBeforeOf,
  openLogDispatch,
  WorkerRegistry,
  type SchedConfig,
  type WorkSource,
} from '@sched/messaging';
import { attemptOutcomeLabel } from './attempt-metrics';
import { AttemptAbort, type AbortReason } from './attempt-abort';
import { isOwnershipLost, runAttempt } from './attempt-runner';
import { atMostEvery, superviseAttempt } from './attempt-supervision';
import { listenForCancelRequests } from './cancel-listener';
import { listenForControlRequests } from './control-listener';
import { EarlyStarts } from './early-starts';
import { ExecutionActor } from './execution-actor';
import { linePlaceOf, onTaskBusy } from './limits/overlap';
import { QueueLines, type LineWaiter } from './limits/queue-lines';
import { ReopeningConsumer } from './reopening-consumer';
import { jitteredExpiry, pullBatch } from './pull-batch';
import { ConcurrencyLimits, type RunPermit } from './limits/concurrency-limits';
import { TaskSlotLeases } from './limits/task-slot-leases';
import { WorkerLossJudge } from './limits/worker-loss';
import { TypeLimits } from './limits/type-limits';
import { Slots } from './slots';
import { triageWorkItem } from './work-item-triage';
import { warmUpExecutor } from './warm-up';
import { seedOf, stillEndsWithIn, workFromLog, workFromQueue, type StillEndsWith, type Work } from './work-sources';

/**
 * In-progress acks while an attempt runs: the heartbeat that keeps JetStream from redelivering it (ack wait 30 s).
 * Each tick also refreshes the attempt's task-slot lease and re-reads its stream (a cancel request we missed).
 */
/** In-progress acks (and slot refreshes) well inside the work queue's ack wait. */
const KEEP_ALIVE_INTERVAL_MS = Math.min(5_000, Math.floor(WORK_ACK_WAIT_MS / 3));
/** Two of a worker's refreshes and in-progress acks: how long a worker that may be alive is given to show it. */
const WORKER_LOSS_GRACE_MS = 2 * KEEP_ALIVE_INTERVAL_MS;
/** An item refused by a concurrency limit comes back after this long (it stays due meanwhile). */
const LIMITED_REDELIVERY_MS = 1_000;
/** In-progress acks of the items waiting in a task's line here (see QueueLines): a third of the ack wait. */
const LINE_KEEP_ALIVE_MS = Math.floor(WORK_ACK_WAIT_MS / 3);
/** An item that arrived when the other source had just taken the last slot comes back after this long. */
const NO_SLOT_REDELIVERY_MS = 100;
const RUNTIME_ERROR_REDELIVERY_MS = 1_000;
/** An executor may call heartbeat() in a tight loop; the work queue needs an in-progress ack once in a while only. */
const HEARTBEAT_ACK_MIN_INTERVAL_MS = 1_000;
/**
 * Group commit (ARCHITECTURE.md, write budget): an attempt of an effect-free executor that ends within this window
 * commits TaskStarted and its outcome in one append; a longer one commits TaskStarted when the window closes.
 * startedAt is unaffected.
 */
const GROUP_COMMIT_MS = 25;

/**
 * Competing consumer of the executor's two sources of work: first attempts straight from the event log (JetStream
 * store: the log dispatch consumer) and the work queue (retries; every attempt on other stores). Pulls only as many
 * items as it has free slots, runs each in an ExecutionActor, and acks an item only after the attempt's end (success,
 * failure + retry, timeout, cancel) is appended. Crash recovery: a redelivered item whose attempt the stream says is
 * running → WorkerLost → retry policy; so is a first delivery of one whose worker is not alive in the worker registry
 * (an attempt imported from another store's history).
 */
@Injectable()
export class ExecutorWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Executor');
  private readonly slots: Slots;
  /** Items recorded ahead of their instant (the timer's fire-ahead window), waiting for it without a slot. */
  private readonly early = new EarlyStarts();
  /** Executions of overlap-queue tasks waiting for a task slot, held here in their task's line. */
  private readonly lines = new QueueLines(LINE_KEEP_ALIVE_MS);
  private readonly inFlight = new Map<string, AttemptAbort>();
  /** The actors of the attempts running here: a pause or resume request makes one re-read its stream. */
  private readonly actors = new Map<string, ExecutionActor>();
  private controlRequests: Subscription[] = [];
  private limits?: ConcurrencyLimits;
  private workers?: WorkerRegistry;
  private workerLoss?: WorkerLossJudge;
  private cancelRequests?: Subscription;
  private stopping = false;
  /** Aborted by abandonForTeardown: the open pulls end at once. */
  private readonly pullsAbandoned = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly stillEndsWith: StillEndsWith;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    private readonly registry: ExecutorRegistry,
    @Optional() private readonly metrics?: SchedMetrics,
  ) {
    this.slots = new Slots(config.executorConcurrency);
    this.stillEndsWith = stillEndsWithIn(store);
  }

  async onApplicationBootstrap(): Promise<void> {
    await warmUpExecutor(this.registry, this.nc, this.config.instanceId, this.config.executorWarmUp ?? 0, GROUP_COMMIT_MS, this.logger);
    const typeLimits = new TypeLimits(this.config.executorTypeConcurrency);
    const unknown = Object.keys(this.config.executorTypeConcurrency).filter((type) => !this.registry.get(type));
    if (unknown.length > 0) this.logger.warn(`EXECUTOR_TYPE_CONCURRENCY names ${unknown.join(', ')}, which no executor here runs (these run: ${this.registry.types().join(', ')})`);
    this.limits = new ConcurrencyLimits(typeLimits, await TaskSlotLeases.open(this.nc));
    this.workers = await WorkerRegistry.open(this.nc, this.config.instanceId);
    this.workers.start(KEEP_ALIVE_INTERVAL_MS);
    this.workerLoss = new WorkerLossJudge(this.workers, this.config.instanceId, WORKER_LOSS_GRACE_MS);
    this.cancelRequests = listenForCancelRequests(this.nc, (executionId) => this.abort(executionId, { kind: 'cancel' }));
    this.controlRequests = listenForControlRequests(this.nc, (executionId) => void this.actors.get(executionId)?.sync().catch(() => undefined));
    await ensureWorkQueue(this.nc);
    const js = jetstream(this.nc);
    const malformed = (msg: JsMsg): void => this.logger.error(`dropping malformed work item ${msg.subject}#${msg.seq}`);
    const queueConsumer = () => js.consumers.get(WORK_STREAM, WORK_CONSUMER);
    const queue = new ReopeningConsumer(await queueConsumer(), async () => {
      await ensureWorkQueue(this.nc);
      return queueConsumer();
    });
    this.loops.push(this.pullLoop(queue, 'queue', (msg) => workFromQueue(msg, malformed)));
    if (await openLogDispatch(this.nc, this.config)) {
      const logConsumer = () => js.consumers.get(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER);
      const log = new ReopeningConsumer(await logConsumer(), async (afterSeq) => {
        await openLogDispatch(this.nc, this.config, afterSeq);
        return logConsumer();
      });
      this.loops.push(this.pullLoop(log, 'log', (msg) => workFromLog(msg, malformed)));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.early.close();
    this.lines.close();
    // What runs gets the grace to finish (none at a test's teardown); past it, the rest is aborted below.
    const graceMs = this.pullsAbandoned.signal.aborted ? 0 : executorShutdownGraceMsOf(this.config);
    await within(this.slots.drained(), graceMs, () => new Error('shutdown grace over')).catch(() => undefined);
    for (const executionId of this.inFlight.keys()) this.abort(executionId, { kind: 'shutdown' });
    await this.slots.drained();
    await Promise.all(this.loops);
    this.cancelRequests?.unsubscribe();
    for (const subscription of this.controlRequests) subscription.unsubscribe();
    this.workers?.close();
  }

  /**
   * For a test's teardown, where nothing comes after: ends the open pulls at once, and pulls no more, instead of
   * letting them run out at shutdown (up to EXECUTOR_PULL_WAIT_MS), and the shutdown then aborts what runs without
   * its grace. Not for a service that stops while others go on: a message nats-server 2.9 had handed to an ended
   * pull then waits out the ack wait before it is delivered again (see pull-batch.ts).
   */
  abandonForTeardown(): void {
    this.pullsAbandoned.abort();
  }

  /** Stopping, or pulls abandoned (abandonForTeardown: pulling again would end at once, again and again). */
  private pullsOver(): boolean {
    return this.stopping || this.pullsAbandoned.signal.aborted;
  }

  /** Executions this process runs right now (for tests and diagnostics). */
  running(): string[] {
    return [...this.inFlight.keys()];
  }

  private abort(executionId: string, reason: AbortReason): void {
    this.inFlight.get(executionId)?.abort(reason);
  }

  /**
   * Pulls at most as many messages as there are free slots; the two sources' loops share the slots, so an item that
   * finds none left (the other loop took it meanwhile) goes back for a moment rather than run over the limit.
   */
  private async pullLoop(source: ReopeningConsumer, kind: WorkSource, toWork: (msg: JsMsg) => Work | undefined): Promise<void> {
    while (!this.pullsOver()) {
      const free = await this.slots.whenFree();
      if (this.pullsOver()) break;
      try {
        await source.noteFloor();
        await pullBatch(source.consumer, free, (msg) => {
          const work = toWork(msg); // what is no work (a later commit passed over) is settled here, stopping or not
          if (work === undefined) return;
          // Shutdown began while this pull was open: start nothing more (its appends would race the connection's
          // close once the running attempts drained); the server delivers it again, to another executor.
          if (this.stopping) return void msg.nak();
          this.early.hold(notBeforeOf(work.item), () => this.receive(work, msg, kind), (delayMs) => msg.nak(delayMs));
        }, jitteredExpiry(this.config.executorPullWaitMs), this.pullsAbandoned.signal);
      } catch (error) {
        if (this.pullsOver()) break;
        // Disconnected or the server restarted: the consumer is durable, so just pull again shortly; unless it was
        // deleted, which no wait mends: then it is made again, from the last ack floor seen.
        this.logger.warn(`fetch failed: ${String(error)}`);
        const reopened = await source.reopenIfDeleted(error).catch((reopenError: unknown) => {
          this.logger.warn(`the ${kind} consumer could not be made again: ${String(reopenError)}`);
          return false;
        });
        if (reopened) {
          this.logger.warn(`the ${kind} consumer was deleted: made again, delivering what may not have been done`);
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /**
   * A first attempt from the log of a task with a limit under overlap queue enters its task's line as it arrives,
   * before its stream is read: behind others of its task it waits there, so a backlog behind a task's limit costs no
   * read, no executor slot and no write to the task's key per item, and the items behind it in the consumer (other
   * tasks' work) are reached at once. Any other item, or one of the line that asks now, is handled at once.
   */
  private receive(work: Work, msg: JsMsg, source: WorkSource): void {
    this.metrics?.workReceived(work.item.executor, source);
    const due = work.firstCommit?.[0]?.type === 'TaskDue' ? (work.firstCommit[0].data as TaskDue['data']) : undefined;
    const place = due === undefined ? undefined : linePlaceOf(due, work.item.attempt);
    const waiter = place === undefined ? undefined : this.waiterOf(work, msg, source, place);
    if (waiter !== undefined && !this.lines.enter(work.item.taskId, waiter)) return;
    this.begin(work, msg, source, waiter);
  }

  /**
   * The item as it waits in its task's line: its turn handles it again, reading its stream then (the commit it came
   * with is let go: held by thousands, it was most of their memory).
   */
  private waiterOf(work: Work, msg: JsMsg, source: WorkSource, placeMs: number): LineWaiter {
    const held: Work = { item: work.item, receivedAtMs: work.receivedAtMs };
    const waiter: LineWaiter = {
      executionId: work.item.executionId,
      placeMs,
      ask: () => this.begin(held, msg, source, waiter),
      keepAlive: () => msg.working(),
      putBack: () => msg.nak(),
    };
    return waiter;
  }

  private begin(work: Work, msg: JsMsg, source: WorkSource, waiter?: LineWaiter): void {
    if (!this.slots.tryTake()) {
      if (waiter) this.lines.wait(work.item.taskId, waiter, NO_SLOT_REDELIVERY_MS);
      else msg.nak(NO_SLOT_REDELIVERY_MS);
      return;
    }
    void this.process(work, msg, source, waiter).finally(() => this.slots.release());
  }

  private async process(work: Work, msg: JsMsg, source: WorkSource, waiter?: LineWaiter): Promise<void> {
    const { item } = work;
    try {
      if (this.inFlight.has(item.executionId)) return; // redelivered while we run it: the running attempt acks it
      await this.handle(work, msg, source, waiter);
    } catch (error) {
      if (isOwnershipLost(error)) {
        // Another executor wrote to this execution first: it owns the attempt, we drop the work cleanly.
        msg.ack();
        return;
      }
      this.logger.error(`execution ${item.executionId} failed in the runtime: ${String(error)}`);
      msg.nak(RUNTIME_ERROR_REDELIVERY_MS);
    } finally {
      // Whatever became of it (it left, or it runs and already settled), the next in its task's line may ask.
      this.lines.settle(item.taskId, item.executionId);
    }
  }

  private async handle(work: Work, msg: JsMsg, source: WorkSource, lineWaiter?: LineWaiter): Promise<void> {
    const { item } = work;
    const actor = new ExecutionActor(this.store, item.executionId, this.config.instanceId);
    const seed = seedOf(work, msg.info, Date.now(), this.stillEndsWith);
    const state = seed ? actor.seed(seed) : await actor.load();
    const triage = triageWorkItem(state, item, msg.info.deliveryCount, Date.now());
    switch (triage) {
      case 'unknown':
        msg.term();
        return;
      case 'drop':
        // Ended while it waited (cancelled, say): its place under queue, buffer-one or cancel-other is free now.
        if (state.status !== 'none' && this.limits && concurrencyLimitOf(state.due) !== undefined) await this.limits.taskSlots.leaveWaiting(state.due.taskId, item.executionId).catch(() => undefined);
        msg.ack();
        return;
      case 'held-elsewhere':
      case 'worker-lost': {
        const { attempt, workerId } = state as KnownExecutionState;
        const verdict = await this.workerLoss!.judge(`${item.executionId}/${attempt}`, workerId, triage === 'worker-lost');
        if (verdict.kind === 'wait') return void msg.nak(verdict.retryInMs);
        // Left to its live worker: a duplicate publish is acked. A redelivery comes back in a moment unless the
        // worker's next in-progress ack on it (which overrides the nak's delay) shows it holds it; its end acks it.
        if (verdict.kind === 'leave') return triage === 'worker-lost' ? msg.nak(WORKER_LOSS_GRACE_MS) : msg.ack();
        await actor.fail(attempt, { type: 'WorkerLost', message: verdict.why, retryable: true });
        msg.ack();
        return;
      }
      case 'expired': {
        const timeoutMs = (state as KnownExecutionState).due.timeouts?.scheduleToCloseMs ?? 0;
        await actor.timeOut(item.attempt, 'scheduleToClose', timeoutMs);
        msg.ack();
        return;
      }
      case 'start':
        break;
    }
    const { due } = state as KnownExecutionState;
    // Overlap queue: one of the task's executions here asks for its slot at a time, the rest wait in line.
    const place = linePlaceOf(due, item.attempt);
    const waiter = place === undefined ? undefined : (lineWaiter ?? this.waiterOf(work, msg, source, place));
    if (waiter !== undefined && !this.lines.enter(item.taskId, waiter)) return;
    const permit = await this.limits!.tryAcquire(due, item.attempt);
    if ('refused' in permit) {
      const actorName = `executor:${this.config.instanceId}`;
      const overlap = permit.refused === 'task-busy' && item.attempt === 1 ? await onTaskBusy(due, this.limits!.taskSlots, this.store, actorName) : 'wait';
      if (overlap !== 'wait') {
        await actor.skip(overlap.skip);
        this.metrics?.attemptEnded('skipped', due.executor);
        msg.ack();
      } else if (waiter !== undefined) {
        this.lines.wait(item.taskId, waiter, permit.retryInMs ?? LIMITED_REDELIVERY_MS);
      } else {
        msg.nak(permit.retryInMs ?? LIMITED_REDELIVERY_MS);
      }
      return;
    }
    this.lines.settle(item.taskId, item.executionId); // it runs: the next in its task's line asks at once
    try {
      await this.runStarted(actor, work, msg, permit);
    } finally {
      await permit.release();
      this.lines.wake(item.taskId);
    }
  }

  /**
   * Schedule-to-start of an on-time scheduled execution's first attempt (a catch-up fire is late by its misfire
   * policy, a trigger or backfill has no instant to keep, a workflow step waits for the steps before it), from its
   * instant: notBefore when recorded ahead of it.
   */
  private observeScheduleToStart(work: Work, due: KnownExecutionState['due'], startedMs: number): void {
    const onTime = work.item.attempt === 1 && due.reason === 'schedule' && due.lateByMs === undefined && due.workflowStep === undefined;
    if (!this.metrics || !onTime) return;
    const instantMs = notBeforeOf(work.item) ?? Date.parse(due.scheduledAt);
    this.metrics.firstAttemptStarted(due.executor, work.receivedAtMs < instantMs ? 'ahead' : 'late', startedMs - instantMs);
  }

  private async runStarted(actor: ExecutionActor, work: Work, msg: JsMsg, permit: RunPermit): Promise<void> {
    const { item } = work;
    const { due } = actor.current as KnownExecutionState;
    const executorType = due.executor;
    const executor = this.registry.get(executorType);
    const startingMs = Date.now(); // TaskStarted.startedAt: start() stamps the time of the call
    // Held for group commit only where running the attempt again changes nothing outside sched (see effectFree): a
    // crash in the window would leave a run the log never shows, and its redelivery would run it again.
    await actor.start(item.attempt, executor?.effectFree ? GROUP_COMMIT_MS : 0);
    this.observeScheduleToStart(work, due, startingMs);
    const startedMs = Date.now();
    if (!executor) {
      await actor.fail(item.attempt, { type: 'UnknownExecutor', message: `no executor "${executorType}" in ${this.config.instanceId}`, retryable: true });
      this.metrics?.attemptEnded(attemptOutcomeLabel('recorded', actor.current), executorType);
      msg.ack();
      return;
    }
    const abort = new AttemptAbort();
    this.inFlight.set(item.executionId, abort);
    this.actors.set(item.executionId, actor);
    const stopKeepAlive = superviseAttempt({
      actor,
      executionId: item.executionId,
      attempt: item.attempt,
      msg,
      permit,
      keepAliveMs: KEEP_ALIVE_INTERVAL_MS,
      retryOutcomeWhile: () => !this.stopping,
      lost: () => this.abort(item.executionId, { kind: 'lost' }),
      warn: (message) => this.logger.warn(message),
    });
    try {
      const outcome = await runAttempt({
        actor,
        executor,
        attempt: item.attempt,
        abort,
        heartbeat: atMostEvery(HEARTBEAT_ACK_MIN_INTERVAL_MS, () => msg.working()),
        logSink: (level, message) => this.logger[level === 'info' ? 'log' : level](`[${executorType} ${item.executionId}] ${message}`),
      });
      this.metrics?.attemptEnded(attemptOutcomeLabel(outcome, actor.current), executorType, Date.now() - startedMs);
      if (outcome === 'lost') this.logger.warn(`${item.executionId} attempt ${item.attempt}: another writer owns it now, dropped`);
      if (outcome === 'shutdown') msg.nak();
      else msg.ack();
    } finally {
      stopKeepAlive();
      // Shut down or lost before its start was committed: nothing of this attempt is recorded, it runs again.
      actor.discardHeld();
      this.inFlight.delete(item.executionId);
      this.actors.delete(item.executionId);
    }
  }
}
