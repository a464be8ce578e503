export * from './event-store.port';
export * from './errors';
export * from './command-handler';
export { matchesFilter } from './event-filter';
export { toPosition, commitSequenceOf, lastPositionOfCommit } from './positions';
export { parseStreamName, type StreamName } from './stream-id';
export { LruCache } from './lru-cache';
export { within } from './within';
export * from './snapshots';
export { DEFAULT_SNAPSHOT_BUCKET, KvSnapshotStore } from './jetstream/kv-snapshot-store';
export type { CheckpointStore } from './checkpointed-subscription';
export { MemoryEventStore } from './memory/memory-event-store';
export {
  JetStreamEventStore,
  createJetStreamEventStore,
  type JetStreamEventStoreOptions,
} from './jetstream/jetstream-event-store';
export { isTransient } from './jetstream/resilient-calls';
export { DEFAULT_STREAM_NAME, eventStreamConfig } from './jetstream/event-stream';
export { toSubject, toStreamId, isStreamStart, CorruptCommitError, OffChainCommitError, reportOncePerMessage } from './jetstream/commit-codec';
export { CONSUMER_NOT_FOUND, DISPATCH_MAX_ACK_PENDING, LOG_DISPATCH_CONSUMER, ensureLogDispatch, raiseMaxAckPending, streamStartEvents, type LogDispatch } from './jetstream/log-dispatch';
export * from './hash-chain';
// Types only: the KurrentDB client loads when a KurrentDB store is connected (see load-kurrentdb).
export type { KurrentDbEventStore, ConnectKurrentDbOptions, KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
export { createKurrentDbEventStore } from './kurrentdb/load-kurrentdb';
export * from './transfer';
