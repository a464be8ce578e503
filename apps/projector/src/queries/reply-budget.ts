import { Inject, Injectable, Optional } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jsonBytes, type OmittedField } from '@sched/contracts';
import { NATS_CONNECTION } from '@sched/messaging';

/** nats-server's default max_payload, for a connection that has not said its own (or none at all, in tests). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * What a query's result may take: most of max_payload, leaving room for the reply envelope. A reply over
 * max_payload cannot be sent: SchedNatsServer answers an INTERNAL error naming its size instead of the result.
 */
export const replyByteBudget = (maxPayload: number): number => Math.max(64 * 1024, Math.floor(maxPayload * 0.8) - 4096);

/** The reply budget of this process's NATS connection. */
@Injectable()
export class ReplyBudget {
  constructor(@Optional() @Inject(NATS_CONNECTION) private readonly nc?: Pick<NatsConnection, 'info'>) {}

  /** Read at each query: a reconnect may reach a server with another max_payload. */
  bytes(): number {
    return replyByteBudget(this.nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD);
  }
}

/**
 * Takes candidates in order while they fit the count and the byte budget; always the first, so a page makes
 * progress (a caller shrinks an item that alone is over the budget before). `more`: some were left out.
 */
export function fitItems<T>(candidates: readonly T[], limit: number, maxBytes: number, sizeOf: (candidate: T) => number): { taken: T[]; more: boolean } {
  const taken: T[] = [];
  let bytes = 0;
  for (const candidate of candidates) {
    if (taken.length >= limit) break;
    bytes += sizeOf(candidate) + 1; // the comma between items
    if (taken.length > 0 && bytes > maxBytes) break;
    taken.push(candidate);
  }
  return { taken, more: taken.length < candidates.length };
}

/** A view with its big fields cut, in order, until it fits `maxBytes`: what a page or a get does with an item too big for its reply. */
export type Shrink<V> = (view: V, maxBytes: number) => V;

/** One way to make a view smaller (leave a field out); the view unchanged when it has nothing to cut. */
export type Cut<V> = (view: V) => V;

/** Applies the cuts in order until the view fits `maxBytes` or the cuts run out. */
export function shrinkToFit<V>(view: V, maxBytes: number, cuts: readonly Cut<V>[]): V {
  let current = view;
  for (const cut of cuts) {
    if (jsonBytes(current) <= maxBytes) break;
    current = cut(current);
  }
  return current;
}

type WithOmitted = { readonly omitted?: readonly OmittedField[] };

/** `view` without `field`, which its `omitted` lists with its size and where to read it in full. */
export function omit<V extends WithOmitted>(view: V, field: keyof V & string, readWith: OmittedField['readWith']): V {
  if (view[field] === undefined) return view;
  const { [field]: value, ...rest } = view;
  return { ...rest, omitted: [...(view.omitted ?? []), { field, bytes: jsonBytes(value), readWith }] } as unknown as V;
}
