import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ErrorCode, ID_PATTERN, SchedError } from '@sched/contracts';
import { canonicalJson } from '@sched/event-store';
import type { SchedConfig } from '../config';
import { NATS_CONNECTION, SCHED_CONFIG } from '../tokens';
import { CommandReplyCache } from './command-reply-cache';

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

  private async once(subject: string, commandId: string, payload: unknown, next: CallHandler): Promise<unknown> {
    this.cache ??= CommandReplyCache.open(this.nc, this.config.commandReplyTtlMs ?? DEFAULT_TTL_MS, this.config.replicas ?? 1);
    const cache = await this.cache;
    const key = CommandReplyCache.keyOf(subject, commandId);
    const fingerprint = canonicalJson(payload);
    const begun = await cache.begin(key, fingerprint);
    if (begun.kind === 'replay') return begun.result;
    if (begun.kind === 'mismatch') {
      throw new SchedError(ErrorCode.CONFLICT, `commandId ${commandId} was already used for a different ${subject} command`, {
        commandId,
        subject,
      });
    }
    let result: unknown;
    try {
      result = await lastValueFrom(next.handle(), { defaultValue: null });
    } catch (error) {
      await cache.release(key).catch(() => undefined);
      throw error;
    }
    await cache.complete(key, fingerprint, result);
    return result;
  }
}

/** A well-formed commandId, or undefined (a malformed one is left for the command's own validation to reject). */
function commandIdOf(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const commandId = (payload as { commandId?: unknown }).commandId;
  return typeof commandId === 'string' && ID_PATTERN.test(commandId) ? commandId : undefined;
}
