import type { ControlState, ExecutionControl } from '@sched/executors';
import { ExecutorError } from '@sched/executors';
import type { AttemptAbort } from './attempt-abort';
import type { ExecutionActor } from './execution-actor';

/**
 * While paused, the attempt tells the watchdog it is alive this often (it waits, it is not stuck) and re-reads its
 * stream, in case the live ExecutionResumed message was missed.
 */
const PAUSED_POLL_MS = 1_000;

/**
 * The attempt's side of pause/resume/terminate. Each progress report is a checkpoint: when a pause is requested the
 * gate records ExecutionPaused (through the actor, with the stream's expected version) and waits there until the
 * stream says resumed, or the attempt is aborted (terminate, timeout, shutdown), which rejects the checkpoint.
 */
export class PauseGate implements ExecutionControl {
  private wake?: () => void;
  private readonly stopListening: () => void;

  constructor(
    private readonly actor: ExecutionActor,
    private readonly attempt: number,
    private readonly abort: AttemptAbort,
    private readonly beat: () => void,
  ) {
    actor.onControlChanged = () => this.wake?.();
    this.stopListening = abort.onAbort(() => this.wake?.());
  }

  get state(): ControlState {
    if (this.abort.aborted) return 'terminating';
    const current = this.actor.current;
    if (current.status === 'paused') return 'paused';
    return current.status !== 'none' && current.pauseRequested ? 'pause-requested' : 'running';
  }

  async checkpoint(): Promise<void> {
    while (this.state === 'pause-requested' || this.state === 'paused') {
      if (this.state === 'pause-requested') await this.actor.markPaused(this.attempt);
      if (this.state !== 'paused') break; // resumed before the pause took hold
      this.beat();
      await this.changeOrTimeout();
      if (!this.abort.aborted) await this.actor.sync().catch(() => undefined);
    }
    if (this.abort.aborted) throw new ExecutorError('aborted', 'Aborted', false);
  }

  close(): void {
    this.actor.onControlChanged = undefined;
    this.stopListening();
    this.wake?.();
  }

  private changeOrTimeout(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PAUSED_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
