import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subjects, type Reply, type TaskCommandResult } from '@sched/contracts';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startSecureTestNats, type SecureTestNats } from '../support/secure-nats';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';

/** TLS on the generated configuration, with a CA and server certificate the test makes with openssl. */
describe('NATS over TLS', () => {
  let secure: SecureTestNats;
  let certs: TestCertificates;
  let dataDir: string;
  let gateway: AppProcess | undefined;

  beforeAll(async () => {
    secure = await startSecureTestNats((dir) => (certs = makeTestCertificates(dir)));
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-tls-'));
  }, 30_000);
  afterAll(async () => {
    await gateway?.kill9();
    await secure?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a service given NATS_TLS_CA connects and serves a client that trusts the same CA', async () => {
    gateway = spawnApp('gateway', secure.envFor('gateway', { NATS_TLS_CA: certs.caFile, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'warn' }));
    await gateway.waitForOutput('sched-gateway ready', 60_000);
    const client = await secure.connectAs('client', { tls: { caFile: certs.caFile } });
    const created = (await client.request(Subjects.cmd.taskCreate, JSON.stringify({ name: 'over tls', executor: 'noop' }), { timeout: 10_000 })).json<Reply<TaskCommandResult>>();
    expect(created.ok).toBe(true);
  }, 90_000);

  it('a client that does not trust the CA is refused (certificate check), even with the right password', async () => {
    await expect(secure.connectAs('client', { reconnect: false })).rejects.toThrow(/certificate|self[- ]signed|verify/i);
  });

  it('a service without the CA fails to start with a clear message instead of running in clear text', async () => {
    const untrusting = spawnApp('gateway', secure.envFor('gateway', { DATA_DIR: dataDir, HTTP_PORT: '0' }), 'gateway-no-ca');
    const code = await new Promise<number | null>((resolve) => untrusting.child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(untrusting.output()).toMatch(/NATS unreachable at nats:\/\/127.0.0.1:\d+: unable to verify the first certificate/);
  }, 60_000);
});
