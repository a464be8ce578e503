/**
 * The request subjects this process stops serving for a while, so that its queue group hands those requests to an
 * instance that can answer them (a projector rebuilding or catching up answers from tables still filling up). The
 * process's NATS server (SchedNatsServer) unsubscribes from a held subject and subscribes again once it is released;
 * the services that know when they are ready hold and release. One per app (an app's root module provides it).
 */
export class ServingGate {
  private readonly holds = new Map<string, (subject: string) => boolean>();
  private readonly listeners = new Set<() => void>();

  /** Stops serving the subjects `subjects` matches, for `reason` (holds add up; each is released by its reason). */
  hold(reason: string, subjects: (subject: string) => boolean): void {
    this.holds.set(reason, subjects);
    this.changed();
  }

  release(reason: string): void {
    if (this.holds.delete(reason)) this.changed();
  }

  isHeld(subject: string): boolean {
    for (const matches of this.holds.values()) if (matches(subject)) return true;
    return false;
  }

  /** Calls `listener` after every hold and release; returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
