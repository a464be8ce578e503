import type { ConnectKurrentDbOptions, KurrentDbEventStore } from './kurrentdb-event-store';

type KurrentDbModule = typeof import('./kurrentdb-event-store');

/**
 * Connects a KurrentDB event store, loading its client only now: the gRPC client takes ~180 ms to load, which every
 * process on the default JetStream store (each app start, schedctl call, spawned test process) would otherwise pay
 * for nothing. A plain `require`, not `import()`: the build emits CommonJS, where `import()` of a relative path
 * would go through Node's ESM resolution (which wants file extensions).
 */
export function createKurrentDbEventStore(url: string, options: ConnectKurrentDbOptions = {}): Promise<KurrentDbEventStore> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kurrentDb = require('./kurrentdb-event-store') as KurrentDbModule;
  return kurrentDb.createKurrentDbEventStore(url, options);
}
