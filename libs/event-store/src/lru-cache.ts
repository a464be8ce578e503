/**
 * A bounded cache that keeps recently used entries: two generations of Maps, the current one taking every write and
 * every read hit from the old one; when the current one is full it becomes the old one and the previous old one is
 * dropped. At most `capacity` entries, O(1) per call, and no delete-and-reinsert on every read (which makes a V8
 * Map rehash all the time under churn on a few hot keys).
 */
export class LruCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (!this.current.has(key) && this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  delete(key: K): void {
    this.current.delete(key);
    this.previous.delete(key);
  }
}
