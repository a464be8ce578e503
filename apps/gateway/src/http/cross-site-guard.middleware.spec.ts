import type { Request, Response } from 'express';
import { crossSiteGuard, isLoopbackName, type CrossSiteGuardOptions } from './cross-site-guard.middleware';

/** Runs the guard on one request: 'next' when it lets it through, else the status it answered. */
function check(options: CrossSiteGuardOptions, method: string, headers: Record<string, string>): number | 'next' {
  let outcome: number | 'next' = 'next';
  const set: Record<string, string> = {};
  const response = {
    status: (code: number) => ((outcome = code), response),
    setHeader: (name: string, value: string) => ((set[name] = value), response),
    json: () => response,
  } as unknown as Response;
  crossSiteGuard(options)({ method, headers } as unknown as Request, response, () => undefined);
  expect(set['X-Frame-Options']).toBe('DENY');
  return outcome;
}

const loopback = { httpHost: '127.0.0.1' };

describe('crossSiteGuard', () => {
  it('refuses a POST another site makes a browser send (text/plain, no-cors), and one the browser marks cross-site', () => {
    const host = '127.0.0.1:8080';
    expect(check(loopback, 'POST', { host, origin: 'https://evil.example' })).toBe(403);
    expect(check(loopback, 'DELETE', { host, origin: 'null' })).toBe(403);
    expect(check(loopback, 'POST', { host, origin: 'http://127.0.0.1:9999' })).toBe(403); // another port is another origin
    expect(check(loopback, 'POST', { host, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(check(loopback, 'POST', { host, 'sec-fetch-site': 'same-site' })).toBe(403);
  });

  it("lets through the dashboard's own requests, clients that send no Origin (curl, SDK), and reads from anywhere", () => {
    const host = 'localhost:8080';
    expect(check(loopback, 'POST', { host, origin: 'http://localhost:8080', 'sec-fetch-site': 'same-origin' })).toBe('next');
    expect(check(loopback, 'POST', { host })).toBe('next');
    expect(check(loopback, 'POST', {})).toBe('next'); // HTTP/1.0, no Host
    expect(check(loopback, 'GET', { host, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).toBe('next');
  });

  it('bound to loopback, answers only requests naming a loopback host or an allowed one (DNS rebinding)', () => {
    for (const host of ['127.0.0.1:8080', 'localhost', '[::1]:8080', 'LOCALHOST:1', '127.1.2.3', 'app.localhost:8080']) {
      expect(check(loopback, 'GET', { host })).toBe('next');
    }
    expect(check(loopback, 'GET', { host: 'attacker.example:8080' })).toBe(403);
    expect(check(loopback, 'GET', { host: '127.0.0.1.attacker.example' })).toBe(403);
    const proxied = { httpHost: '127.0.0.1', allowedHosts: ['sched.example.com'] };
    expect(check(proxied, 'GET', { host: 'sched.example.com' })).toBe('next');
    expect(check(proxied, 'POST', { host: '127.0.0.1:8080', origin: 'https://sched.example.com' })).toBe('next'); // proxy rewrote Host
    expect(check(proxied, 'POST', { host: '127.0.0.1:8080', origin: 'https://evil.example' })).toBe(403);
    expect(check({ httpHost: '127.0.0.1', allowedHosts: ['*'] }, 'GET', { host: 'anything.example' })).toBe('next');
  });

  it('bound beyond loopback, answers any host name, but still only same-origin writes', () => {
    const open = { httpHost: '0.0.0.0' };
    expect(check(open, 'GET', { host: 'sched.internal:8080' })).toBe('next');
    expect(check(open, 'POST', { host: 'sched.internal:8080', origin: 'http://sched.internal:8080' })).toBe('next');
    expect(check(open, 'POST', { host: 'sched.internal:8080', origin: 'http://evil.example' })).toBe(403);
  });

  it('knows the loopback names', () => {
    expect(['localhost', '127.0.0.1', '::1', '[::1]', 'a.localhost'].every(isLoopbackName)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'localhost.example', '::'].some(isLoopbackName)).toBe(false);
  });
});
