import type { RecordedEvent } from '@sched/contracts';

/** What the projector's thread hands the rebuild worker. */
export interface RebuildWorkerData {
  readonly file: string;
}

export type RebuildRequest = { readonly type: 'apply'; readonly events: readonly RecordedEvent[] } | { readonly type: 'close' };

export type RebuildReply =
  | { readonly type: 'applied'; readonly position: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };
