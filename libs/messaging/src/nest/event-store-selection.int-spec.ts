import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnApp } from '../../../../test/support/app-process';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { closedPort } from '../../../../test/support/ports';
import { spawnNatsServer } from '../nats-server-process';

/** Runs the gateway with `env` and waits for it to exit by itself; returns its exit code, output and run time. */
async function startAndExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const app = spawnApp('gateway', env);
  const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
  const timeout = setTimeout(() => void app.kill9(), 20_000);
  try {
    const code = await exited;
    return { code, output: app.output(), ms: Date.now() - started };
  } finally {
    clearTimeout(timeout);
    await app.kill9();
  }
}

describe('EVENT_STORE selects the event store; a bad one (or a server without JetStream) stops start-up with a clear message', () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats?.cleanup();
  });

  it('exits non-zero within seconds, naming KurrentDB and its URL, when KurrentDB does not answer', async () => {
    const url = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;
    const { code, output, ms } = await startAndExit({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: url, NATS_URL: nats.url });
    expect(code).not.toBe(0);
    expect(output).toContain(`KurrentDB event store unreachable at ${url}`);
    expect(output).not.toContain('sched-gateway ready');
    expect(ms).toBeLessThan(15_000);
  });

  it('exits non-zero saying how to turn JetStream on, against a nats-server without it', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'sched-nats-nojs-'));
    const plain = await spawnNatsServer({ storeDir, jetstream: false });
    try {
      const { code, output } = await startAndExit({ NATS_URL: plain.url });
      expect(code).toBe(1);
      expect(output).toContain('sched-gateway: failed to start: jetstream is not enabled: the NATS server runs without JetStream, which holds sched\'s event log and work queue; start nats-server with -js');
    } finally {
      await plain.stop();
      await rm(storeDir, { recursive: true, force: true });
    }
  });

  it('exits non-zero naming EVENT_STORE and its valid values for an unknown store', async () => {
    const { code, output } = await startAndExit({ EVENT_STORE: 'postgres', NATS_URL: nats.url });
    expect(code).not.toBe(0);
    expect(output).toContain('EVENT_STORE must be one of jetstream, kurrentdb, memory, got "postgres"');
  });
});
