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
    return all.subarray(Math.max(0, all.length - this.capBytes)).toString('utf8');
  }
}
