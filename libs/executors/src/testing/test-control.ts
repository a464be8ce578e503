import { ExecutorError } from '../task-executor';
import type { ControlState, ExecutionControl } from '../execution-control';

/** An ExecutionControl a unit test drives by hand: pause, resume, and terminate through the AbortSignal. */
export class TestControl implements ExecutionControl {
  private paused = false;
  private wake?: () => void;
  /** How many checkpoints found the execution paused (and waited). */
  waits = 0;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  get state(): ControlState {
    if (this.signal.aborted) return 'terminating';
    return this.paused ? 'paused' : 'running';
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  async checkpoint(): Promise<void> {
    if (this.paused && !this.signal.aborted) this.waits += 1;
    while (this.paused && !this.signal.aborted) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.signal.aborted) throw new ExecutorError('aborted', 'Aborted', false);
  }
}
