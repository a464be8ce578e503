import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Subjects, type Reply, type TaskCommandResult } from '@sched/contracts';
import { freePort } from '@sched/messaging';
import { spawnApp } from '../support/app-process';

/** KEY=value lines of a generated `<role>.env` file. */
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/**
 * `npm start` on a machine without NATS: the standalone app starts its own nats-server with users per role and
 * works end to end under those permissions — HTTP API included — while a client user can send commands.
 */
describe('npm start with its embedded, permissioned nats-server', () => {
  it('generates the credentials, serves HTTP and NATS clients, and stops its server on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-embedded-'));
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    const standalone = spawnApp('standalone', { NATS_URL: natsUrl, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'warn' });
    try {
      await standalone.waitForOutput(/dashboard and HTTP API: (http:\/\/\S+)/, 60_000);
      const httpUrl = /dashboard and HTTP API: (http:\/\/\S+)/.exec(standalone.output())![1];
      const created = (await (
        await fetch(`${httpUrl}/api/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'over http', executor: 'noop' }),
        })
      ).json()) as Reply<TaskCommandResult>;
      expect(created).toMatchObject({ ok: true, result: { events: ['TaskCreated'] } });

      const client = envFile(path.join(dataDir, 'nats-auth', 'client.env'));
      const nc = await connect({ servers: natsUrl, user: client.NATS_USER, pass: client.NATS_PASSWORD });
      try {
        const taskId = created.ok ? created.result.taskId : '';
        const triggered = (await nc.request(Subjects.cmd.taskTrigger, JSON.stringify({ taskId }), { timeout: 5_000 })).json<Reply<unknown>>();
        expect(triggered).toMatchObject({ ok: true });
        await expect(connect({ servers: natsUrl, reconnect: false })).rejects.toThrow(/Authorization/i);
      } finally {
        await nc.close();
      }
      expect(await standalone.stop()).toBe(0);
      await expect(connect({ servers: natsUrl, reconnect: false, timeout: 1_000 })).rejects.toThrow();
    } finally {
      await standalone.kill9();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
