import { jsonBytes } from '@sched/contracts';
import { tailToJsonBytes } from './json-fit';

/** Keeps the last `capBytes` of a byte stream (the end of a log says most about how it ended) and counts the rest. */
export class BoundedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly capBytes: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - this.chunks[0].length >= this.capBytes && this.chunks.length > 1) {
      this.kept -= this.chunks.shift()!.length;
    }
  }

  get truncated(): boolean {
    return this.total > this.capBytes;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    let from = Math.max(0, all.length - this.capBytes);
    // A cut inside a character: start at the next one (its tail bytes would decode as U+FFFD).
    if (from > 0) while (from < all.length && (all[from] & 0xc0) === 0x80) from++;
    return all.subarray(from).toString('utf8');
  }

  /** The end kept, cut further where its JSON form would be over `maxJsonBytes`. */
  tail(maxJsonBytes: number): { readonly text: string; readonly truncated: boolean } {
    const text = this.text();
    const kept = tailToJsonBytes(text, maxJsonBytes);
    return { text: kept, truncated: this.truncated || kept.length < text.length };
  }
}

/**
 * Both streams' ends, fitting `roomJsonBytes` together as JSON: output of control characters or invalid bytes is 3
 * to 6 times its size as JSON, so two 64 KiB streams could make a result over MAX_RESULT_BYTES. Each gets half the
 * room, and what one leaves unused the other may take (a 600 KB stdout beside an empty stderr is kept whole).
 */
export function fitOutputs(stdout: BoundedOutput, stderr: BoundedOutput, roomJsonBytes: number): [ReturnType<BoundedOutput['tail']>, ReturnType<BoundedOutput['tail']>] {
  const half = Math.floor(roomJsonBytes / 2);
  const outBytes = jsonBytes(stdout.text());
  const err = stderr.tail(outBytes <= half ? roomJsonBytes - outBytes : half);
  return [stdout.tail(roomJsonBytes - jsonBytes(err.text)), err];
}
