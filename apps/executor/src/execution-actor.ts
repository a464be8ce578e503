import {
  toExecutionStreamId,
  upcast,
  type ExecutionError,
  type ExecutionEvent,
  type EventEnvelope,
  type ExecutionLogLine,
  type RecordedEvent,
  type TaskTimedOut,
} from '@sched/contracts';
import { executionDecider, type ExecutionCommand, type ExecutionState, type ItemCounts } from '@sched/domain';
import { EventStoreUnavailableError, WrongExpectedVersionError, occurredAtMs, toEnvelopes, type EventStore } from '@sched/event-store';

/** Appends that lose a version race this many times in a row give up (the caller drops the work). */
const MAX_CONFLICT_RETRIES = 3;

/** Between two tries of an outcome the store was unavailable for (each try itself waits ~15 s for a reconnect). */
const OUTCOME_RETRY_PAUSE_MS = 1_000;

/**
 * How an attempt's outcome outlasts the store being unavailable: tried again, the same commit, for as long as
 * `retryWhile` says (the process runs on), instead of being dropped after the store's ~15 s deadline (the attempt's
 * work done and then run again as WorkerLost, or failed for good without retries left).
 */
export interface OutcomeDurability {
  readonly retryWhile: () => boolean;
  /** Told of each failed try (for a log line). */
  readonly onRetry?: (error: EventStoreUnavailableError) => void;
  /** Default OUTCOME_RETRY_PAUSE_MS. */
  readonly pauseMs?: number;
}

export interface Progress {
  readonly percent: number;
  readonly message?: string;
  readonly data?: Record<string, unknown>;
  /** Progress in items: recorded with an end estimated from the rate so far. */
  readonly items?: ItemCounts;
}

/** What pause/resume decide on: a change of either wakes a paused attempt's checkpoint. */
const controlOf = (state: ExecutionState): string => (state.status === 'none' ? 'none' : `${state.status}/${state.pauseRequested === true}`);

/**
 * One actor per execution: it owns the `execution-<id>` stream while it runs an attempt. Its mailbox is a promise
 * chain, so commands are decided and appended one batch at a time, each with the expected version of the previous
 * append. On a version conflict it reads what the other writer appended (a cancel request from the gateway, or
 * another executor that declared this worker lost) and decides again: a cancel request is reported to
 * `onCancelRequested`; a command that no longer fits (the attempt is not ours any more) throws INVALID_STATE.
 */
export class ExecutionActor {
  private state: ExecutionState = executionDecider.initialState();
  private version = -1;
  private correlationId = '';
  private causationId = '';
  /** When the stream's last event occurred: this actor's events are stamped no earlier (toEnvelopes says why). */
  private lastOccurredAtMs: number | undefined;
  private mailbox: Promise<unknown> = Promise.resolve();
  /** A start held back for group commit: decided, not yet appended (see start). */
  private held: ExecutionCommand[] = [];
  private holdTimer?: NodeJS.Timeout;
  /** Called when a held start, committed on its own after the window, fails (e.g. another writer owns the attempt). */
  onHeldCommitFailed?: (error: unknown) => void;
  private speculative?: { readonly base: ExecutionState; readonly held: readonly ExecutionCommand[]; readonly state: ExecutionState };
  onCancelRequested?: () => void;
  /** Called when a re-read finds the pause state changed (a pause requested, a resume). */
  onControlChanged?: () => void;
  /** Unset: an outcome the store was unavailable for is given up at once (the caller decides). */
  outcomeDurability?: OutcomeDurability;

  constructor(
    private readonly store: EventStore,
    readonly executionId: string,
    readonly workerId: string,
    private readonly random: () => number = Math.random,
  ) {}

  /** The state including a held start: the attempt runs as started while its TaskStarted waits to be committed. */
  get current(): ExecutionState {
    if (this.held.length === 0) return this.state;
    // Read many times per attempt: decide the held commands again only when the state or what is held changed.
    if (this.speculative?.base !== this.state || this.speculative.held !== this.held) {
      let state = this.state;
      try {
        state = decideAll(this.held, this.state).state;
      } catch {
        // The held start no longer fits what was read: its commit will fail and say so.
      }
      this.speculative = { base: this.state, held: this.held, state };
    }
    return this.speculative.state;
  }

  /** Folds the stream from the store (from the start, or after what it already folded). */
  async load(): Promise<ExecutionState> {
    return this.fold(await this.readNew());
  }

  private readNew(): Promise<RecordedEvent[]> {
    return this.store.read(toExecutionStreamId(this.executionId), { fromRevision: this.version + 1 });
  }

  /**
   * Folds the stream's first events as the caller received them from the log (see seedOf in work-sources), instead
   * of reading it, and tells the store their tip so that the first append needs no read either. If the stream has
   * moved on since, that append conflicts and the actor reads what it missed, as after any stale load.
   */
  seed(events: readonly RecordedEvent[]): ExecutionState {
    if (this.version !== -1 || events[0]?.revision !== 0) throw new Error(`${this.executionId}: seed a new actor with its stream's first events`);
    this.store.noteCommitted?.(toExecutionStreamId(this.executionId), events);
    return this.fold(events);
  }

  private fold(history: readonly RecordedEvent[]): ExecutionState {
    const wasCancelRequested = this.state.status !== 'none' && this.state.cancelRequested;
    const controlBefore = controlOf(this.state);
    for (const event of history) this.apply(upcast(event));
    if (!wasCancelRequested && this.state.status !== 'none' && this.state.cancelRequested) this.onCancelRequested?.();
    if (controlOf(this.state) !== controlBefore) this.onControlChanged?.();
    return this.state;
  }

  /**
   * With `holdMs` > 0 the start is group-committed (ARCHITECTURE.md, write budget): decided now (so an attempt that
   * cannot start still throws here), appended with the next command (typically the outcome: one commit for the
   * whole attempt), or on its own after `holdMs` for a longer attempt. startedAt is the time of this call either way.
   */
  start(attempt: number, holdMs = 0): Promise<void> {
    const command: ExecutionCommand = { type: 'StartAttempt', data: { attempt, workerId: this.workerId, nowMs: Date.now() } };
    if (holdMs <= 0) return this.send([command]);
    return this.enqueue(async () => {
      const held = [...this.held, command];
      decideAll(held, this.state);
      this.held = held;
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = undefined;
        this.send([]).catch((error: unknown) => this.onHeldCommitFailed?.(error));
      }, holdMs);
    });
  }

  /** Whether a start is held back, decided but not committed yet (see start). */
  get holdsStart(): boolean {
    return this.held.length > 0;
  }

  /** Forgets a held start (the attempt was abandoned before it was committed: nothing about it is recorded). */
  discardHeld(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.held = [];
  }

  progress(attempt: number, progress: Progress): Promise<void> {
    return this.send([this.progressCommand(attempt, progress)]);
  }

  // Each outcome takes the attempt's last throttled progress (if any): recorded with it, in one commit.

  succeed(attempt: number, result: unknown, logs: readonly ExecutionLogLine[], lastProgress?: Progress): Promise<void> {
    return this.sendOutcome(this.withProgress(attempt, lastProgress, { type: 'CompleteAttempt', data: { attempt, result, nowMs: Date.now(), logs } }));
  }

  fail(attempt: number, error: ExecutionError, logs: readonly ExecutionLogLine[] = [], lastProgress?: Progress): Promise<void> {
    const data = { attempt, error, nowMs: Date.now(), random: this.random(), logs };
    return this.sendOutcome(this.withProgress(attempt, lastProgress, { type: 'FailAttempt', data }));
  }

  timeOut(attempt: number, timeout: TaskTimedOut['data']['timeout'], timeoutMs: number, logs: readonly ExecutionLogLine[] = [], lastProgress?: Progress): Promise<void> {
    const data = { attempt, timeout, timeoutMs, nowMs: Date.now(), random: this.random(), logs };
    return this.sendOutcome(this.withProgress(attempt, lastProgress, { type: 'TimeOutAttempt', data }));
  }

  /** The attempt's code reached a checkpoint while a pause is requested: ExecutionPaused (once). */
  markPaused(attempt: number): Promise<void> {
    return this.send([{ type: 'MarkPaused', data: { attempt } }]);
  }

  skip(reason: string): Promise<void> {
    return this.send([{ type: 'SkipExecution', data: { reason } }]);
  }

  /** Reads the stream first: the request may have come by the live subject, before this actor folded it. */
  cancelAttempt(attempt: number, logs: readonly ExecutionLogLine[], lastProgress?: Progress): Promise<void> {
    return this.enqueue(async () => {
      await this.load();
      await this.handle(this.withProgress(attempt, lastProgress, { type: 'CancelAttempt', data: { attempt, logs } }), this.outcomeDurability);
    });
  }

  private progressCommand(attempt: number, progress: Progress): ExecutionCommand {
    return { type: 'ReportProgress', data: { attempt, ...progress, ...(progress.items ? { nowMs: Date.now() } : {}) } };
  }

  private withProgress(attempt: number, lastProgress: Progress | undefined, outcome: ExecutionCommand): ExecutionCommand[] {
    return lastProgress ? [this.progressCommand(attempt, lastProgress), outcome] : [outcome];
  }

  /** Re-reads the stream in turn with the appends: how a running attempt notices a cancel request it was not told of. */
  async sync(): Promise<void> {
    await this.enqueue(() => this.load());
  }

  private send(commands: readonly ExecutionCommand[]): Promise<void> {
    return this.enqueue(() => this.handle(commands));
  }

  /** An attempt's end: kept trying through an unavailable store (see OutcomeDurability). */
  private sendOutcome(commands: readonly ExecutionCommand[]): Promise<void> {
    return this.enqueue(() => this.handle(commands, this.outcomeDurability));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.mailbox.then(work);
    this.mailbox = next.catch(() => undefined);
    return next;
  }

  /**
   * Decides and appends; on a version conflict reads what the other writer appended and decides again. With
   * `durability`, an append the store was unavailable for is tried again with the same envelopes: if an earlier try
   * did land, the store deduplicates it by its first event's id (within its 2-minute window) or, later, the conflict
   * it meets finds that event in the stream: recorded, by this actor.
   */
  private async handle(commands: readonly ExecutionCommand[], durability?: OutcomeDurability): Promise<void> {
    const all = this.held.length === 0 ? commands : [...this.held, ...commands];
    let pending: { readonly state: ExecutionState; readonly envelopes: EventEnvelope[] } | undefined;
    for (let conflicts = 0; ; ) {
      if (!pending) {
        const { state, events } = decideAll(all, this.state);
        if (events.length === 0) return;
        const envelopes = toEnvelopes(events, { correlationId: this.correlationId, causationId: this.causationId, actor: `executor:${this.workerId}`, nowMs: Date.now() }, this.lastOccurredAtMs);
        pending = { state, envelopes };
      }
      const { state, envelopes } = pending;
      try {
        const result = await this.store.append(toExecutionStreamId(this.executionId), envelopes, { expected: this.version });
        this.state = state;
        this.version = result.nextExpectedVersion;
        this.causationId = envelopes[envelopes.length - 1].id;
        this.lastOccurredAtMs = Date.parse(envelopes[envelopes.length - 1].metadata.occurredAt);
        if (all !== commands) this.discardHeld();
        return;
      } catch (error) {
        if (durability && error instanceof EventStoreUnavailableError && durability.retryWhile()) {
          durability.onRetry?.(error);
          await new Promise((resolve) => setTimeout(resolve, durability.pauseMs ?? OUTCOME_RETRY_PAUSE_MS));
          continue;
        }
        if (!WrongExpectedVersionError.is(error) || ++conflicts >= MAX_CONFLICT_RETRIES) throw error;
        const appended = await this.readNew(); // someone else appended: decide again on what they wrote
        this.fold(appended);
        if (appended.some((event) => event.id === envelopes[0].id)) {
          // The other writer was this actor: an earlier try landed after the store had given up on it.
          if (all !== commands) this.discardHeld();
          return;
        }
        pending = undefined;
      }
    }
  }

  private apply(event: RecordedEvent): void {
    this.state = executionDecider.evolve(this.state, event as unknown as ExecutionEvent);
    this.version = event.revision;
    if (event.type === 'TaskDue') this.correlationId = event.metadata.correlationId;
    this.causationId = event.id;
    this.lastOccurredAtMs = occurredAtMs(event);
  }
}

/** Decides the commands in turn, each on the state the previous ones led to. */
function decideAll(commands: readonly ExecutionCommand[], initial: ExecutionState): { state: ExecutionState; events: ExecutionEvent[] } {
  let state = initial;
  const events: ExecutionEvent[] = [];
  for (const command of commands) {
    const decided = executionDecider.decide(command, state);
    state = decided.reduce(executionDecider.evolve, state);
    events.push(...decided);
  }
  return { state, events };
}
