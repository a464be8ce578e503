import type { Request, Response } from 'express';
import { apiTokenMiddleware } from './api-token.middleware';

/** Runs the middleware on one request: 'next' when it lets it through, else the status it answered. */
function check(token: string | undefined, method: string, path: string, authorization?: string): number | 'next' {
  let outcome: number | 'next' = 'next';
  const response = {
    status: (code: number) => {
      outcome = code;
      return response;
    },
    setHeader: () => response,
    json: () => response,
  } as unknown as Response;
  apiTokenMiddleware(token)({ method, path, headers: { authorization } } as unknown as Request, response, () => undefined);
  return outcome;
}

describe('apiTokenMiddleware', () => {
  it('lets everything through when no token is configured', () => {
    expect(check(undefined, 'GET', '/api/tasks')).toBe('next');
    expect(check(undefined, 'POST', '/api/tasks')).toBe('next');
  });

  it('wants the bearer token on the API, the event stream and /metrics', () => {
    for (const [method, path] of [['GET', '/api/tasks'], ['POST', '/api/tasks'], ['GET', '/api/events'], ['GET', '/metrics'], ['POST', '/']]) {
      expect(check('secret', method, path)).toBe(401);
      expect(check('secret', method, path, 'Bearer wrong')).toBe(401);
      expect(check('secret', method, path, 'Basic secret')).toBe(401);
      expect(check('secret', method, path, 'Bearer secret')).toBe('next');
      expect(check('secret', method, path, 'bearer  secret ')).toBe('next');
    }
  });

  it('leaves /health, the API description and the dashboard files open', () => {
    for (const path of ['/health', '/api/docs', '/api/docs/swagger-ui.css', '/api/docs-json', '/', '/index.html', '/js/app.js']) {
      expect(check('secret', 'GET', path)).toBe('next');
    }
  });
});
