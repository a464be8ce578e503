import { main } from '../../apps/schedctl/src/cli';
import { startTestSystem, type TestSystem } from './system';

/** What one schedctl run printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * `schedctl --url <url> ...args` through the CLI's entry point, its output captured (commander, ESM-only, is among
 * the packages jest.config.js transforms to CommonJS).
 */
export async function runSchedctl(url: string, args: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io = { out: (text: string) => void (out += text), err: (text: string) => void (err += text), interactive: false };
  const code = await main(['--url', url, ...args], io);
  return { code, out, err };
}

/** The whole system and schedctl on it, started before the tests of the calling `describe` and closed after. */
export function useSystemWithSchedctl(): { readonly system: TestSystem; readonly schedctl: (...args: string[]) => Promise<CliRun> } {
  const context = {
    system: undefined as unknown as TestSystem,
    schedctl: (...args: string[]) => runSchedctl(context.system.nats.url, args),
  };
  beforeAll(async () => {
    context.system = await startTestSystem();
  });
  afterAll(async () => {
    await context.system?.close();
  });
  return context;
}
