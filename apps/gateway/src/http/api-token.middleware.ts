import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BEARER_CHALLENGE, UNAUTHORIZED_REPLY, bearerTokenCheck } from '@sched/messaging';

/**
 * Paths anyone may GET: the health check (for orchestrators), the API description, and the dashboard's own files
 * (code only: the dashboard asks for the token, keeps it in sessionStorage and sends it with each API call).
 */
function isPublic(method: string, rawPath: string): boolean {
  const path = routedPath(rawPath);
  if (path === '/health') return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/api/docs' || path.startsWith('/api/docs/') || path === '/api/docs-json') return true;
  return !path.startsWith('/api/') && path !== '/api' && path !== '/metrics';
}

/**
 * The path as the router matches it: Express routes ignore case and a trailing slash (`/API/tasks/`, `/Metrics` reach
 * the same handlers), and percent-escapes and repeated slashes must not make a protected path look like another.
 */
export function routedPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: judged as it came (no route decodes it either).
  }
  return decoded.toLowerCase().replace(/\/{2,}/g, '/').replace(/\/+$/, '') || '/';
}

/**
 * SCHED_API_TOKEN: every other request needs `Authorization: Bearer <token>` (see bearerTokenCheck). Without a token
 * configured, everything is open.
 */
export function apiTokenMiddleware(token: string | undefined): RequestHandler {
  const authorized = bearerTokenCheck(token);
  return (request: Request, response: Response, next: NextFunction) => {
    if (!token || isPublic(request.method, request.path) || authorized(request.headers.authorization)) return next();
    response.status(401).setHeader('WWW-Authenticate', BEARER_CHALLENGE).json(UNAUTHORIZED_REPLY);
  };
}
