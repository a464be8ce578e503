/**
 * Snapshots of a long stream's folded state, so a process that has not folded it yet (a restart) reads only what
 * came after the snapshot. A cache, never a source of truth: a snapshot is used only when the event at its revision
 * is still the event it was taken after (same id), and only by a decider whose codec has the same name and version;
 * anything else, or a store without snapshots, means reading the stream whole, as before.
 */
export interface Snapshot {
  /** The decider's codec (name and version) that wrote it. */
  readonly codec: string;
  readonly revision: number;
  /** Id of the stream's event at `revision`: a snapshot of another history of the stream is not used. */
  readonly eventId: string;
  /** The codec's encoding of the state (JSON). */
  readonly state: unknown;
}

export interface SnapshotStore {
  load(streamId: string): Promise<Snapshot | undefined>;
  /** Best effort: a snapshot that cannot be saved (too big, store down) is simply not there next time. */
  save(streamId: string, snapshot: Snapshot): Promise<void>;
}

/** How a decider's state is written into a snapshot and read back (the domain's StateCodec). */
export interface SnapshotCodec<State> {
  readonly name: string;
  readonly version: number;
  readonly encode: (state: State) => unknown;
  readonly decode: (encoded: unknown) => State;
}

export const codecId = (codec: { readonly name: string; readonly version: number }): string => `${codec.name}@${codec.version}`;

/** Snapshots in a Map (the in-memory store; tests). Stored as JSON, so what comes back is what a real store returns. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, string>();
  loads = 0;
  saves = 0;

  async load(streamId: string): Promise<Snapshot | undefined> {
    this.loads += 1;
    const json = this.snapshots.get(streamId);
    return json === undefined ? undefined : (JSON.parse(json) as Snapshot);
  }

  async save(streamId: string, snapshot: Snapshot): Promise<void> {
    this.snapshots.set(streamId, JSON.stringify(snapshot));
    this.saves += 1;
  }
}
