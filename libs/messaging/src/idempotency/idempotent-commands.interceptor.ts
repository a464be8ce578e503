import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ErrorCode, ID_PATTERN, SchedError, errorMessage } from '@sched/contracts';
import { canonicalJson } from '@sched/event-store';
import type { SchedConfig } from '../config';
import { NATS_CONNECTION, SCHED_CONFIG } from '../tokens';
import { COMMAND_CLAIM_MS, COMMAND_REPLIES_BUCKET, CommandReplyCache, type Begin } from './command-reply-cache';

/** Every subject under this prefix is a command: present ones and those added later are covered alike. */
export const COMMAND_SUBJECT_PREFIX = 'sched.cmd.';
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Makes every command idempotent by its `commandId`: the first copy runs and its successful result is kept; a
 * retry with the same id and payload gets that result again and appends nothing; the same id with a different
 * payload is a CONFLICT. Commands without a commandId are not touched (and cost nothing extra).
 */
@Injectable()
export class IdempotentCommandsInterceptor implements NestInterceptor {
  private cache?: Promise<CommandReplyCache>;
  private readonly logger = new Logger('IdempotentCommands');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const subject = context.switchToRpc().getContext<NatsContext>().getSubject?.();
    const payload: unknown = context.switchToRpc().getData();
    const commandId = commandIdOf(payload);
    if (!subject?.startsWith(COMMAND_SUBJECT_PREFIX) || commandId === undefined) return next.handle();
    return from(this.once(subject, commandId, payload, next));
  }

  /**
   * The bucket, opened once; opened again after a failure (a failed open, or a bucket deleted while the process
   * runs: every command with a commandId answered INTERNAL until a restart).
   */
  private openCache(): Promise<CommandReplyCache> {
    const ttlMs = this.config.commandReplyTtlMs ?? DEFAULT_TTL_MS;
    const changed = (fromMs: number) => this.logger.warn(`${COMMAND_REPLIES_BUCKET}: max age ${fromMs} ms changed to ${ttlMs} ms (COMMAND_ID_TTL_MS)`);
    const opening = (this.cache ??= CommandReplyCache.open(this.nc, ttlMs, this.config.replicas ?? 1, Date.now, changed));
    opening.catch(() => this.forget(opening));
    return opening;
  }

  private forget(cache: Promise<CommandReplyCache>): void {
    if (this.cache === cache) this.cache = undefined;
  }

  private async begin(key: string, fingerprint: string): Promise<{ cache: CommandReplyCache; begun: Begin }> {
    const opening = this.openCache();
    const cache = await opening;
    try {
      return { cache, begun: await cache.begin(key, fingerprint) };
    } catch {
      this.forget(opening); // the bucket may be gone: open (and so make) it again, once
      const again = await this.openCache();
      return { cache: again, begun: await again.begin(key, fingerprint) };
    }
  }

  private async once(subject: string, commandId: string, payload: unknown, next: CallHandler): Promise<unknown> {
    const key = CommandReplyCache.keyOf(subject, commandId);
    const fingerprint = canonicalJson(payload);
    const { cache, begun } = await this.begin(key, fingerprint);
    if (begun.kind === 'replay') return begun.result;
    if (begun.kind === 'mismatch') {
      throw new SchedError(ErrorCode.CONFLICT, `commandId ${commandId} was already used for a different ${subject} command`, {
        commandId,
        subject,
      });
    }
    let result: unknown;
    // Held for as long as the command runs, however long: renewed every third of the claim's life.
    let revision = begun.revision;
    const renewal = setInterval(() => {
      void cache.renew(key, fingerprint, revision).then((next) => (revision = next ?? revision), () => undefined);
    }, COMMAND_CLAIM_MS / 3);
    try {
      result = await lastValueFrom(next.handle(), { defaultValue: null });
    } catch (error) {
      await cache.release(key).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
    }
    await cache.complete(key, fingerprint, result).catch((error: unknown) => {
      this.logger.warn(`${subject} ${commandId}: its reply could not be stored for retries (${errorMessage(error)}); trying again`);
      void this.completeLater(cache, key, fingerprint, result, `${subject} ${commandId}`);
    });
    return result;
  }

  /**
   * The command is applied by the time its reply is stored, so a store that fails (its KV put timing out in a
   * nats-server restart) must not fail the reply: that answered INTERNAL, the claim lapsed unanswered, and a retry
   * ran the command again and answered `{"events":[]}`, "nothing happened" (bug hunt M F6). The caller gets its
   * result and the put is tried again while the claim still holds duplicates off, so they replay it.
   */
  private async completeLater(cache: CommandReplyCache, key: string, fingerprint: string, result: unknown, what: string): Promise<void> {
    const deadline = Date.now() + COMMAND_CLAIM_MS;
    for (let pauseMs = 250; Date.now() < deadline; pauseMs = Math.min(pauseMs * 2, 2_000)) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const stored = await cache.complete(key, fingerprint, result).then(() => true, () => false);
      if (stored) return;
    }
    this.logger.error(`${what}: its reply could not be stored within ${COMMAND_CLAIM_MS} ms; a retry runs it again (and appends nothing)`);
  }
}

/** A well-formed commandId, or undefined (a malformed one is left for the command's own validation to reject). */
function commandIdOf(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const commandId = (payload as { commandId?: unknown }).commandId;
  return typeof commandId === 'string' && ID_PATTERN.test(commandId) ? commandId : undefined;
}
