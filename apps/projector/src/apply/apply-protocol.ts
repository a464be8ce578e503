import type { RecordedEvent } from '@sched/contracts';

/** What the projector's thread hands an apply worker when it starts it. */
export interface ApplyWorkerData {
  readonly file: string;
  /**
   * A rebuild's worker: the projector's thread reset the tables and holds the deferred index list, so the indexes
   * this worker's open recreated on the empty tables are dropped again until that thread builds them.
   */
  readonly deferIndexes: boolean;
}

export type ApplyRequest = { readonly type: 'apply'; readonly events: readonly RecordedEvent[] } | { readonly type: 'close' };

export type ApplyReply =
  | { readonly type: 'applied'; readonly position: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };
