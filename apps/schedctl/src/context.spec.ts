import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ensureNatsAuthFiles } from '@sched/messaging';
import { CliContext } from './context';

const io = { out: () => undefined, err: () => undefined, interactive: false };
const contextFor = (url: string): CliContext => new CliContext(io, { opts: () => ({ url }) } as unknown as Command);

describe('CliContext.natsAuth', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'schedctl-auth-'));
    ensureNatsAuthFiles(path.join(dataDir, 'nats-auth'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('logs in to a local server as the admin user npm start generated under DATA_DIR', () => {
    const admin = JSON.parse(fs.readFileSync(path.join(dataDir, 'nats-auth', 'credentials.json'), 'utf8')).admin;
    for (const url of ['nats://127.0.0.1:4222', 'localhost:4333', 'nats://127.0.0.1:1,nats://localhost:2']) {
      expect(contextFor(url).natsAuth({ DATA_DIR: dataDir })).toEqual({ user: 'admin', pass: admin.password });
    }
  });

  it('never sends those to another host, and uses the environment when it names credentials', () => {
    expect(contextFor('nats://10.1.2.3:4222').natsAuth({ DATA_DIR: dataDir })).toEqual({});
    expect(contextFor('nats://127.0.0.1:4222,nats://nats.example:4222').natsAuth({ DATA_DIR: dataDir })).toEqual({});
    const env = { DATA_DIR: dataDir, NATS_USER: 'client', NATS_PASSWORD: 'secret' };
    expect(contextFor('nats://127.0.0.1:4222').natsAuth(env)).toEqual({ user: 'client', pass: 'secret' });
    expect(contextFor('nats://10.1.2.3:4222').natsAuth({ NATS_TOKEN: 't0ken' })).toEqual({ token: 't0ken' });
    expect(contextFor('nats://127.0.0.1:4222').natsAuth({ DATA_DIR: path.join(dataDir, 'none') })).toEqual({});
  });
});
