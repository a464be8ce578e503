import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode, errorReply } from '@sched/contracts';

/**
 * Paths anyone may GET: the health check (for orchestrators), the API description, and the dashboard's own files
 * (code only: the dashboard asks for the token, keeps it in sessionStorage and sends it with each API call).
 */
function isPublic(method: string, path: string): boolean {
  if (path === '/health') return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/api/docs' || path.startsWith('/api/docs/') || path === '/api/docs-json') return true;
  return !path.startsWith('/api/') && path !== '/api' && path !== '/metrics';
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * SCHED_API_TOKEN: every other request needs `Authorization: Bearer <token>`. Compared as hashes in constant time,
 * so neither the token nor its length leaks through timing. Without a token configured, everything is open.
 */
export function apiTokenMiddleware(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : undefined;
  return (request: Request, response: Response, next: NextFunction) => {
    if (!expected || isPublic(request.method, request.path)) return next();
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1].trim()), expected)) return next();
    response
      .status(401)
      .setHeader('WWW-Authenticate', 'Bearer realm="sched"')
      .json(errorReply({ code: ErrorCode.UNAUTHORIZED, message: 'missing or wrong bearer token (Authorization: Bearer <SCHED_API_TOKEN>)', details: {} }));
  };
}
