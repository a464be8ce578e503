import type { ErrorBody } from './errors';

/** Every command and query reply on NATS (and every HTTP body) is exactly one of these. */
export type Reply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ErrorBody };

export const okReply = <T>(result: T): Reply<T> => ({ ok: true, result });
export const errorReply = (error: ErrorBody): Reply<never> => ({ ok: false, error });
