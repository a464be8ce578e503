import { createHash } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';

export const COMMAND_REPLIES_BUCKET = 'sched_command_replies';

/**
 * How long a claim protects a command that is being handled. A duplicate waits this long at most for the first
 * copy's reply; after it, the claim counts as abandoned (its holder died) and the duplicate runs the command itself.
 */
export const COMMAND_CLAIM_MS = 30_000;
const POLL_MS = 25;

/** One key per (subject, commandId): claimed while the first copy runs, then holding its successful result. */
type Entry =
  | { readonly state: 'claimed'; readonly fingerprint: string; readonly until: number }
  | { readonly state: 'done'; readonly fingerprint: string; readonly result: unknown };

/** What `begin` found: run the command (we hold the claim), or the earlier copy's outcome. */
export type Begin =
  | { readonly kind: 'run'; readonly revision: number }
  | { readonly kind: 'replay'; readonly result: unknown }
  | { readonly kind: 'mismatch' };

/**
 * Replies of commands by command id, in a NATS KV bucket whose max age is the retention (a retried command older
 * than that runs again, and the deciders' own checks are what stop it then). The claim is written with KV `create`
 * (fails if the key exists), so of two identical commands racing only one runs; the other waits for its reply.
 * Errors are not kept: a rejected command appended nothing, so running it again is harmless.
 */
export class CommandReplyCache {
  private constructor(
    private readonly kv: KV,
    private readonly now: () => number,
  ) {}

  /**
   * Opens (or makes) the bucket with `ttlMs` as its max age. A bucket made earlier with another one is changed to it
   * (`onTtlChanged` is told): KV's create takes an existing bucket as it is, so a new COMMAND_ID_TTL_MS was ignored
   * and a retry after the shorter retention replayed a stale reply.
   */
  static async open(nc: NatsConnection, ttlMs: number, replicas = 1, now: () => number = Date.now, onTtlChanged?: (fromMs: number) => void): Promise<CommandReplyCache> {
    const kv = await new Kvm(nc).create(COMMAND_REPLIES_BUCKET, { history: 1, ttl: ttlMs, replicas });
    const { ttl: kept, streamInfo } = await kv.status();
    if (kept !== ttlMs) {
      // KV's own rule for a new bucket: the duplicate window no longer than the max age, at most 2 minutes.
      await (await jetstreamManager(nc)).streams.update(streamInfo.config.name, { max_age: nanos(ttlMs), duplicate_window: nanos(Math.min(ttlMs, 120_000)) });
      onTtlChanged?.(kept);
    }
    return new CommandReplyCache(kv, now);
  }

  static keyOf(subject: string, commandId: string): string {
    return createHash('sha256').update(`${subject}\n${commandId}`).digest('hex');
  }

  async begin(key: string, fingerprint: string): Promise<Begin> {
    for (;;) {
      const current = await this.kv.get(key);
      const entry = current && current.operation === 'PUT' ? (current.json() as Entry) : undefined;
      const claim = JSON.stringify({ state: 'claimed', fingerprint, until: this.now() + COMMAND_CLAIM_MS } satisfies Entry);
      if (!entry) {
        // Absent or deleted (a released claim): take it, unless another copy takes it first.
        const revision = await this.tryWrite(() => this.kv.create(key, claim));
        if (revision !== undefined) return { kind: 'run', revision };
        continue;
      }
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (entry.state === 'done') return { kind: 'replay', result: entry.result };
      if (entry.until < this.now()) {
        // The copy that claimed it died before replying: take over with compare-and-set, so only one duplicate does.
        const revision = await this.tryWrite(() => this.kv.update(key, claim, current!.revision));
        if (revision !== undefined) return { kind: 'run', revision };
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * The claim's holder, while its command still runs, moves the claim's end on (compare-and-set on its revision):
   * a command running past COMMAND_CLAIM_MS (a rebuild, a delete cancelling many executions) had its claim count as
   * abandoned, and a duplicate ran it again beside it. The new revision, or undefined when the claim is no longer its.
   */
  async renew(key: string, fingerprint: string, revision: number): Promise<number | undefined> {
    const claim = JSON.stringify({ state: 'claimed', fingerprint, until: this.now() + COMMAND_CLAIM_MS } satisfies Entry);
    return this.tryWrite(() => this.kv.update(key, claim, revision));
  }

  /** Keeps the result for retries; only the claim's holder gets here. */
  async complete(key: string, fingerprint: string, result: unknown): Promise<void> {
    await this.kv.put(key, JSON.stringify({ state: 'done', fingerprint, result } satisfies Entry));
  }

  /** The command failed: forget the claim so that a retry runs it again. */
  async release(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  private async tryWrite(write: () => Promise<number>): Promise<number | undefined> {
    try {
      return await write();
    } catch (error) {
      // A wrong-last-sequence answer means another copy wrote first; anything else is a real failure.
      if (error instanceof Error && /wrong last sequence|key exists/i.test(error.message)) return undefined;
      throw error;
    }
  }
}
