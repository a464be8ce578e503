import {
  toExecutionStreamId,
  upcast,
  type ExecutionError,
  type ExecutionEvent,
  type RecordedEvent,
} from '@sched/contracts';
import { executionDecider, type ExecutionCommand, type ExecutionState } from '@sched/domain';
import { toEnvelopes, type EventStore } from '@sched/event-store';

/**
 * One actor per execution: it owns the `execution-<id>` stream while it runs an attempt. Its mailbox is a promise
 * chain, so commands (progress, completion) are decided and appended one at a time, each with the expected
 * version of the previous append. A version conflict means another writer got there first: the actor stops.
 */
export class ExecutionActor {
  private state: ExecutionState = executionDecider.initialState();
  private version = -1;
  private correlationId = '';
  private causationId = '';
  private mailbox: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    readonly executionId: string,
    private readonly workerId: string,
  ) {}

  get current(): ExecutionState {
    return this.state;
  }

  /** Folds the stream from the store. */
  async load(): Promise<ExecutionState> {
    const history = await this.store.read(toExecutionStreamId(this.executionId));
    for (const event of history) this.apply(upcast(event));
    return this.state;
  }

  start(attempt: number): Promise<void> {
    return this.send({ type: 'StartAttempt', data: { attempt, workerId: this.workerId, nowMs: Date.now() } });
  }

  progress(attempt: number, percent: number, message?: string, data?: Record<string, unknown>): Promise<void> {
    return this.send({ type: 'ReportProgress', data: { attempt, percent, message, data } });
  }

  succeed(attempt: number, result: unknown): Promise<void> {
    return this.send({ type: 'CompleteAttempt', data: { attempt, result, nowMs: Date.now() } });
  }

  fail(attempt: number, error: ExecutionError): Promise<void> {
    return this.send({ type: 'FailAttempt', data: { attempt, error, nowMs: Date.now() } });
  }

  private send(command: ExecutionCommand): Promise<void> {
    const next = this.mailbox.then(() => this.handle(command));
    this.mailbox = next.catch(() => undefined);
    return next;
  }

  private async handle(command: ExecutionCommand): Promise<void> {
    const events = executionDecider.decide(command, this.state);
    if (events.length === 0) return;
    const envelopes = toEnvelopes(events, {
      correlationId: this.correlationId,
      causationId: this.causationId,
      actor: `executor:${this.workerId}`,
      nowMs: Date.now(),
    });
    const result = await this.store.append(toExecutionStreamId(this.executionId), envelopes, { expected: this.version });
    for (const event of events) this.state = executionDecider.evolve(this.state, event);
    this.version = result.nextExpectedVersion;
    this.causationId = envelopes[envelopes.length - 1].id;
  }

  private apply(event: RecordedEvent): void {
    this.state = executionDecider.evolve(this.state, event as unknown as ExecutionEvent);
    this.version = event.revision;
    if (event.type === 'TaskDue') this.correlationId = event.metadata.correlationId;
    this.causationId = event.id;
  }
}
