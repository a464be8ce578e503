import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, errorReply } from '@sched/contracts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * SCHED_API_TOKEN checks for HTTP: whether an Authorization header is `Bearer <token>`. Compared as hashes in
 * constant time, so neither the token nor its length leaks through timing. Without a token everything passes.
 */
export function bearerTokenCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1].trim()), expected);
  };
}

/** The 401 reply of every HTTP face of sched (the gateway, the services' metrics endpoints), with its header. */
export const UNAUTHORIZED_REPLY = errorReply({ code: ErrorCode.UNAUTHORIZED, message: 'missing or wrong bearer token (Authorization: Bearer <SCHED_API_TOKEN>)', details: {} });
export const BEARER_CHALLENGE = 'Bearer realm="sched"';
