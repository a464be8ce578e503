import { ErrorCode, MAX_RESULT_BYTES, SchedError, jsonBytes, type ExecutionError, type ExecutionLogLine } from '@sched/contracts';
import { percentOfItems, type KnownExecutionState } from '@sched/domain';
import { InvalidAppendError, WrongExpectedVersionError } from '@sched/event-store';
import { AttemptLog, SECRET_ENV_PREFIX, configIssuesText, parseStoredConfig, resolveSecrets, secretsFromEnv, toExecutionError, type SecretLookup, type TaskExecutor } from '@sched/executors';
import type { AbortReason, AttemptAbort } from './attempt-abort';
import { AttemptWatchdog } from './attempt-watchdog';
import type { ExecutionActor, Progress } from './execution-actor';
import { PauseGate } from './pause-gate';
import { ProgressThrottle } from './progress-throttle';

/**
 * recorded: the attempt's end is in the stream (ack); shutdown: an attempt whose start was never committed, left for
 * redelivery (nak: it runs again as the same attempt); lost: drop it (ack).
 */
export type AttemptOutcome = 'recorded' | 'shutdown' | 'lost';

/** The error type of an attempt its executor stopped (graceful shutdown) before the attempt ended. */
export const WORKER_SHUTDOWN = 'WorkerShutdown';

export interface AttemptRun {
  readonly actor: ExecutionActor;
  readonly executor: TaskExecutor<unknown>;
  readonly attempt: number;
  readonly abort: AttemptAbort;
  /** Tells the work queue the attempt is alive (an in-progress ack). */
  readonly heartbeat: () => void;
  readonly logSink?: ConstructorParameters<typeof AttemptLog>[0];
  /** Where `${secret:NAME}` references in the config find their values (default: SCHED_SECRET_<NAME> of this process). */
  readonly secrets?: SecretLookup;
}

type Settled = { readonly kind: 'ok'; readonly value: unknown } | { readonly kind: 'error'; readonly error: ExecutionError } | { readonly kind: 'aborted' };

/** Another writer appended what this attempt cannot follow: its start lost a race, or it was declared lost. */
export const isOwnershipLost = (error: unknown): boolean =>
  WrongExpectedVersionError.is(error) || (SchedError.is(error) && error.code === ErrorCode.INVALID_STATE);

const abortedBy = (abort: AttemptAbort): Promise<Settled> => new Promise((resolve) => abort.onAbort(() => resolve({ kind: 'aborted' })));

/** The longest wait for an aborted attempt's work to stop: a command's killGrace (at most 60 s), and a margin. */
const STOP_WAIT_MAX_MS = 65_000;

/** Settles when `execution` does, or after STOP_WAIT_MAX_MS; never rejects. */
function stopped(execution: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MAX_MS)));
  return Promise.race([execution.then(() => undefined, () => undefined), bound]).finally(() => clearTimeout(timer));
}

/**
 * Runs one started attempt: parses the config, calls the executor with its context (throttled progress, heartbeat,
 * bounded logs, an AbortSignal for cancel, timeouts and shutdown) and records how it ended through the actor.
 * An aborted attempt is not waited for (its outcome is recorded at once, whatever its code does later is ignored),
 * unless its executor settlesOnAbort: then once its work has stopped.
 */
export async function runAttempt(run: AttemptRun): Promise<AttemptOutcome> {
  const { actor, executor, attempt } = run;
  const state = actor.current as KnownExecutionState;
  const log = new AttemptLog(run.logSink);
  const secrets = resolveSecrets(state.due.config, run.secrets ?? secretsFromEnv());
  if (!secrets.ok) {
    const message = `no value for ${secrets.missing.map((name) => `\${secret:${name}}`).join(', ')} in this executor (set ${secrets.missing.map((name) => `${SECRET_ENV_PREFIX}${name}`).join(', ')})`;
    return record(() => actor.fail(attempt, { type: 'SecretNotFound', message, retryable: false }, []));
  }
  const { mask } = secrets;
  log.mask = mask;
  const config = parseStoredConfig(executor, secrets.config);
  if (!config.success) {
    return record(() => actor.fail(attempt, { type: 'InvalidConfig', message: mask(configIssuesText(executor, secrets.config, config.error)), retryable: false }, log.lines()));
  }
  const abort = (reason: AbortReason): void => run.abort.abort(reason);
  const onAppendError = (error: unknown): void => {
    if (isOwnershipLost(error)) abort({ kind: 'lost' });
    else log.warn(`progress not recorded: ${String(error)}`);
  };
  const throttle = new ProgressThrottle((progress) => actor.progress(attempt, progress).catch(onAppendError));
  const watchdog = new AttemptWatchdog(
    { timeouts: state.due.timeouts ?? {}, scheduledAtMs: Date.parse(state.due.scheduledAt), startedAtMs: state.startedAtMs ?? Date.now() },
    (timeout, timeoutMs) => abort({ kind: 'timeout', timeout, timeoutMs }),
  );
  actor.onCancelRequested = () => abort({ kind: 'cancel' });
  if (actor.current.status !== 'none' && actor.current.cancelRequested) abort({ kind: 'cancel' });
  const beat = (): void => {
    watchdog.beat();
    run.heartbeat();
  };
  const gate = new PauseGate(actor, attempt, run.abort, beat);
  // Every progress report is a checkpoint: recorded (throttled, not waited for), then the code waits there while paused.
  const report = async (progress: Progress): Promise<void> => {
    beat();
    throttle.report(mask(progress));
    await gate.checkpoint();
  };
  try {
    const execution = executor.execute({
      config: config.data,
      execution: {
        executionId: actor.executionId,
        taskId: state.due.taskId,
        executor: state.due.executor,
        scheduledAt: state.due.scheduledAt,
        reason: state.due.reason,
        attempt,
        maxAttempts: state.due.retry?.maxAttempts ?? 1,
      },
      // A getter: the signal (an AbortController's) is made only for executor code that reads it.
      get signal() {
        return run.abort.signal;
      },
      progress: (percent, message, data) =>
        report({ percent, ...(message === undefined ? {} : { message }), ...(data === undefined ? {} : { data }) }),
      progressItems: ({ processed, total, current, message }) =>
        report({
          percent: percentOfItems(processed, total),
          ...(message === undefined ? {} : { message }),
          items: { processedItems: processed, totalItems: total, ...(current === undefined ? {} : { currentItem: current }) },
        }),
      control: gate,
      heartbeat: beat,
      logger: log,
    });
    const settled = await Promise.race([
      execution.then((value): Settled => ({ kind: 'ok', value }), (error: unknown): Settled => ({ kind: 'error', error: toExecutionError(error) })),
      abortedBy(run.abort),
    ]);
    watchdog.stop();
    // An executor that stops what it started (a command's process group) is waited for, within bounds.
    if (settled.kind === 'aborted' && executor.settlesOnAbort) await stopped(execution);
    return await recordSettled(run, maskSettled(settled, mask), log.lines(), throttle);
  } finally {
    watchdog.stop();
    throttle.takePending();
    gate.close();
    actor.onCancelRequested = undefined;
  }
}

function recordSettled(run: AttemptRun, settled: Settled, logs: ExecutionLogLine[], throttle: ProgressThrottle): Promise<AttemptOutcome> {
  const { actor, attempt } = run;
  // Whatever the outcome, the newest progress not recorded yet goes with it (it was kept for success alone).
  const lastProgress = throttle.takePending();
  if (settled.kind === 'ok') {
    const tooLarge = oversizedResult(settled.value);
    if (tooLarge) return record(() => actor.fail(attempt, tooLarge, logs, lastProgress));
    return orRejected(run, record(() => actor.succeed(attempt, settled.value, logs, lastProgress)));
  }
  if (settled.kind === 'error') return orRejected(run, record(() => actor.fail(attempt, settled.error, logs, lastProgress)));
  const reason = run.abort.reason!;
  switch (reason.kind) {
    case 'cancel':
      return record(() => actor.cancelAttempt(attempt, logs, lastProgress));
    case 'timeout':
      return record(() => actor.timeOut(attempt, reason.timeout, reason.timeoutMs, logs, lastProgress));
    case 'shutdown':
      // A committed start is a running attempt in the stream: say why it ended (its retry follows the task's policy),
      // rather than leave the next executor to guess from the redelivery that the worker vanished (WorkerLost).
      if (actor.holdsStart) return Promise.resolve('shutdown');
      return record(() => actor.fail(attempt, { type: WORKER_SHUTDOWN, message: `worker ${actor.workerId} shut down during the attempt`, retryable: true }, logs, lastProgress));
    case 'lost':
      return Promise.resolve(reason.kind);
  }
}

/** What the attempt came to, its secrets masked: a result, or an error's message (as recorded). */
function maskSettled(settled: Settled, mask: <T>(value: T) => T): Settled {
  if (settled.kind === 'ok') return { kind: 'ok', value: mask(settled.value) };
  if (settled.kind === 'error') return { kind: 'error', error: mask(settled.error) };
  return settled;
}

/**
 * A result the store could not hold: the attempt fails saying so (not retried: the same code returns the same),
 * where its commit was refused and the attempt, never ended, came back as WorkerLost.
 */
function oversizedResult(value: unknown): ExecutionError | undefined {
  if (typeof value !== 'object' && typeof value !== 'string') return undefined; // numbers, booleans, nothing: small
  const bytes = value === null ? 4 : jsonBytes(value);
  if (bytes <= MAX_RESULT_BYTES) return undefined;
  const message = `the result is ${bytes} bytes as JSON, over MAX_RESULT_BYTES (${MAX_RESULT_BYTES}): return less, or where to find it (a path, a URL)`;
  return { type: 'ResultTooLarge', message, retryable: false };
}

/**
 * An outcome the store refuses to hold (InvalidAppendError: over its size limit, whatever the limits above missed)
 * would be retried forever and end as WorkerLost; the attempt fails instead, saying what the store said, without its
 * result or logs, not retried.
 */
async function orRejected(run: AttemptRun, recording: Promise<AttemptOutcome>): Promise<AttemptOutcome> {
  try {
    return await recording;
  } catch (error) {
    if (!(error instanceof InvalidAppendError)) throw error;
    const message = `the store refused the attempt's outcome: ${error.message}`;
    return record(() => run.actor.fail(run.attempt, { type: 'OutcomeRejected', message, retryable: false }, []));
  }
}

async function record(append: () => Promise<void>): Promise<AttemptOutcome> {
  try {
    await append();
    return 'recorded';
  } catch (error) {
    if (isOwnershipLost(error)) return 'lost';
    throw error;
  }
}
