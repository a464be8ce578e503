import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { spawnNatsServer } from '@sched/messaging';
import { main } from '../cli';

const envOf = (file: string): Record<string, string> =>
  Object.fromEntries(fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

/** Users per role for services run separately: the files, then a real nats-server started with them. */
describe('schedctl nats-auth <dir>', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-nats-auth-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a server config and a <role>.env per role that a nats-server takes; a second run keeps the passwords', async () => {
    let out = '';
    const io = { out: (text: string) => void (out += text), err: () => undefined, interactive: false };
    expect(await main(['nats-auth', dir], io)).toBe(0);
    expect(out).toContain(`nats-server -js -sd <store dir> -c ${path.join(dir, 'nats-server.conf')}`);
    const admin = envOf(path.join(dir, 'admin.env'));
    expect(await main(['nats-auth', dir], io)).toBe(0);
    expect(envOf(path.join(dir, 'admin.env'))).toEqual(admin);

    const storeDir = path.join(dir, 'store');
    const server = await spawnNatsServer({ storeDir, extraArgs: ['-c', path.join(dir, 'nats-server.conf')] });
    try {
      const client = envOf(path.join(dir, 'client.env'));
      const nc = await connect({ servers: server.url, user: client.NATS_USER, pass: client.NATS_PASSWORD });
      await nc.close();
      await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization/i);
    } finally {
      await server.stop();
    }
  });

  it('refuses half a TLS setup as a usage error (exit 2)', async () => {
    let err = '';
    const io = { out: () => undefined, err: (text: string) => void (err += text), interactive: false };
    expect(await main(['nats-auth', dir, '--tls-cert', __filename], io)).toBe(2);
    expect(err).toContain('--tls-cert and --tls-key go together');
  });
});
