import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode, errorReply } from '@sched/contracts';

export interface CrossSiteGuardOptions {
  /** HTTP_HOST: the address the gateway binds. */
  readonly httpHost: string;
  /** HTTP_ALLOWED_HOSTS: host names (lower case) requests may name besides the loopback ones; `*`: any. */
  readonly allowedHosts?: readonly string[];
}

/** Methods a page of another site can make a browser send without asking the server first (and that change nothing here). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Names and addresses that only reach this machine: a page can make a browser send them only to the machine itself. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '::1';
}

/** The host name of a Host header or an origin's host (`[::1]:8080` → `::1`, `Example.com:80` → `example.com`). */
function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(host);
  return (bracketed ? bracketed[1] : host.replace(/:\d*$/, '')).toLowerCase();
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined; // `null` (a sandboxed frame, a file: page) or garbage: from no site we serve
  }
}

/**
 * Refuses what a web page of another site makes a visitor's browser send (403 FORBIDDEN), which a bearer token does
 * not stop when none is set (`npm start`'s default): a cross-site form or `fetch(…, {mode: 'no-cors'})` POST with a
 * text/plain body would reach the API (bodies are read as JSON whatever their type) and could create a `command`
 * task; and a site whose name the attacker points at 127.0.0.1 (DNS rebinding) would make same-origin requests that
 * could read every reply. So:
 * - a gateway bound to loopback answers only requests naming a loopback host (`localhost`, `127.0.0.1`, `[::1]`)
 *   or one of HTTP_ALLOWED_HOSTS (behind a reverse proxy that keeps the Host header); one bound elsewhere, any;
 * - a request that may change something (not GET, HEAD, OPTIONS) and comes from a browser page must come from the
 *   gateway's own origin (its `Origin` names the host the request was sent to, or an allowed one) and, without an
 *   Origin, not be marked cross-site by the browser (`Sec-Fetch-Site`). curl, the SDK and schedctl send neither.
 * Every response also forbids framing (the dashboard's buttons under another site's page) and type sniffing.
 */
export function crossSiteGuard(options: CrossSiteGuardOptions): RequestHandler {
  const allowed = new Set(options.allowedHosts ?? []);
  const anyHost = allowed.has('*') || (!isLoopbackName(options.httpHost) && allowed.size === 0);
  const hostAllowed = (hostname: string): boolean => anyHost || isLoopbackName(hostname) || allowed.has(hostname);
  return (request: Request, response: Response, next: NextFunction) => {
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    response.setHeader('X-Content-Type-Options', 'nosniff');
    const host = request.headers.host;
    if (host !== undefined && !hostAllowed(hostnameOf(host))) {
      return refuse(response, `requests to this gateway must name it by a loopback host (localhost, 127.0.0.1) or one of HTTP_ALLOWED_HOSTS, not "${hostnameOf(host)}"`, { host });
    }
    if (SAFE_METHODS.has(request.method)) return next();
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const from = originHost(origin);
      if (from === undefined || (from !== host?.toLowerCase() && !allowed.has(hostnameOf(from)))) {
        return refuse(response, `a ${request.method} from a page of another origin (${origin}) is refused: use the API from the dashboard itself, the SDK, schedctl or a client that sends no Origin`, { origin });
      }
      return next();
    }
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return refuse(response, `a ${request.method} the browser marks ${site} is refused`, { secFetchSite: site });
    }
    next();
  };
}

function refuse(response: Response, message: string, details: Record<string, unknown>): void {
  response.status(403).json(errorReply({ code: ErrorCode.FORBIDDEN, message, details }));
}
