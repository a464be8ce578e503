import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSystem, type TestSystem } from './system';

/**
 * An HTTP server for `http` executions whose answer the test controls: calls to `/blocker` are answered only once
 * `release()` is called (holding an executor slot until then), any other path at once. Records every path called.
 */
export interface HeldHttp {
  readonly calls: string[];
  url(name: string): string;
  release(): void;
  close(): Promise<void>;
}

export async function startHeldHttp(): Promise<HeldHttp> {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((request, response) => {
    calls.push(request.url ?? '');
    if (request.url === '/blocker') void released.then(() => response.end('ok'));
    else response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    url: (name) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`,
    release: () => release(),
    close: async () => {
      release();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The whole system (with `env`) and a HeldHttp server, started before the tests of the calling `describe` and closed
 * after (the blocker released first, so a held attempt lets the system close).
 */
export function useSystemWithHeldHttp(env: NodeJS.ProcessEnv): { readonly system: TestSystem; readonly http: HeldHttp } {
  const context = {} as { system: TestSystem; http: HeldHttp };
  beforeAll(async () => {
    context.http = await startHeldHttp();
    context.system = await startTestSystem(env);
  });
  afterAll(async () => {
    context.http?.release();
    await context.system?.close();
    await context.http?.close();
  });
  return context;
}
