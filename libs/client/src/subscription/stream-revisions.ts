/**
 * The highest revision delivered per stream, bounded: the oldest streams are forgotten first (a forgotten stream
 * that shows up again is simply accepted). Dedupes by (streamId, revision) and spots gaps within a stream.
 */
export class StreamRevisions {
  private readonly revisions = new Map<string, { revision: number; position: number }>();

  constructor(private readonly capacity = 100_000) {}

  /** 'duplicate': already delivered; 'gap': an earlier revision of a stream we follow is missing; else 'next'. */
  classify(streamId: string, revision: number): 'duplicate' | 'gap' | 'next' {
    const seen = this.revisions.get(streamId)?.revision;
    if (seen === undefined) return 'next';
    if (revision <= seen) return 'duplicate';
    return revision === seen + 1 ? 'next' : 'gap';
  }

  /** Global position of the last event delivered of this stream: a catch-up for a gap in it starts there. */
  positionOf(streamId: string): number | undefined {
    return this.revisions.get(streamId)?.position;
  }

  record(streamId: string, revision: number, position: number): void {
    this.revisions.delete(streamId); // re-insert: Map order is the eviction order
    this.revisions.set(streamId, { revision, position });
    if (this.revisions.size > this.capacity) this.revisions.delete(this.revisions.keys().next().value as string);
  }
}
