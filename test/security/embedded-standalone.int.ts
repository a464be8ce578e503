import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Subjects, type Reply, type TaskCommandResult } from '@sched/contracts';
import { freePort } from '@sched/messaging';
import { spawnApp } from '../support/app-process';
import { startTestNats } from '../support/nats';

/** KEY=value lines of a generated `<role>.env` file. */
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** Runs the schedctl CLI as a process (from source), with only the given environment on top of PATH. */
function schedctl(args: readonly string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const entry = path.join(__dirname, '..', '..', 'apps', 'schedctl', 'src', 'main.ts');
  const register = path.join(__dirname, '..', 'support', 'ts-register.js');
  const run = spawnSync(process.execPath, ['--no-warnings', '-r', register, entry, ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

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
      // schedctl from the same data dir logs in as the generated admin user; elsewhere it says what it needs.
      const taskId = created.ok ? created.result.taskId : '';
      const listed = schedctl(['--json', 'task', 'list'], { NATS_URL: natsUrl, DATA_DIR: dataDir });
      expect(listed.status).toBe(0);
      expect((JSON.parse(listed.stdout) as { items: { taskId: string }[] }).items.map((task) => task.taskId)).toContain(taskId);
      const refused = schedctl(['task', 'list'], { NATS_URL: natsUrl, DATA_DIR: path.join(dataDir, 'elsewhere') });
      expect(refused.status).toBe(1); // UNAUTHORIZED: no retry gets in
      expect(refused.stderr).toMatch(/Authorization Violation.*set NATS_USER and NATS_PASSWORD/);
      const asClient = schedctl(['task', 'get', taskId], { NATS_URL: natsUrl, ...client });
      expect([asClient.status, asClient.stdout]).toEqual([0, expect.stringContaining('over http')]);
      expect(await standalone.stop()).toBe(0);
      await expect(connect({ servers: natsUrl, reconnect: false, timeout: 1_000 })).rejects.toThrow();
    } finally {
      await standalone.kill9();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a Ctrl-C in its terminal (SIGINT to the whole process group) stops the app, then its server, and exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-embedded-'));
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    const standalone = spawnApp('standalone', { NATS_URL: natsUrl, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'warn' }, 'standalone', [], { detached: true });
    const group = standalone.child.pid!;
    const exited = new Promise<number | null>((resolve) => standalone.child.once('exit', (code) => resolve(code)));
    try {
      await standalone.waitForOutput(/dashboard and HTTP API/, 60_000);
      const stoppingAt = Date.now();
      process.kill(-group, 'SIGINT'); // the terminal's Ctrl-C: every process of the foreground group
      const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000))]);
      // Its nats-server, in a group of its own, was not signalled: the app closed on it, then stopped it. (It used to
      // lose its server mid-shutdown and wait on it for 1.5 minutes.)
      expect([code, standalone.output()]).toEqual([0, expect.stringContaining('SIGINT: stopping')]);
      expect(Date.now() - stoppingAt).toBeLessThan(10_000);
      expect(standalone.output()).not.toMatch(/"level":50/); // no error-level log line
      await expect(connect({ servers: natsUrl, reconnect: false, timeout: 1_000 })).rejects.toThrow();
    } finally {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a start that fails stops the nats-server it started before it exits (the server outlived it)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-embedded-'));
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    // 3 replicas on the lone embedded server: refused once the server is up, when the event log is created.
    const standalone = spawnApp('standalone', { NATS_URL: natsUrl, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'warn', EVENT_STORE_REPLICAS: '3' });
    const exited = new Promise<number | null>((resolve) => standalone.child.once('exit', (code) => resolve(code)));
    try {
      expect(await exited).toBe(1);
      expect(standalone.output()).toMatch(/started nats-server with JetStream[\s\S]*sched: failed to start: the server refused to create the event log stream/);
      // Refused, not "Authorization Violation" from a server still running with its generated users.
      await expect(connect({ servers: natsUrl, reconnect: false, timeout: 1_000 })).rejects.toThrow('connection refused');
    } finally {
      await standalone.kill9();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a second Ctrl-C while it stops exits at once (with NATS gone the shutdown waits up to its 20 s deadline)', async () => {
    const nats = await startTestNats();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-embedded-'));
    const standalone = spawnApp('standalone', { NATS_URL: nats.url, DATA_DIR: dataDir, HTTP_PORT: '0', LOG_LEVEL: 'warn' });
    const exited = new Promise<number | null>((resolve) => standalone.child.once('exit', (code) => resolve(code)));
    try {
      await standalone.waitForOutput(/dashboard and HTTP API/, 60_000);
      await nats.kill('SIGKILL');
      standalone.child.kill('SIGINT');
      await standalone.waitForOutput('SIGINT: stopping', 5_000);
      const againAt = Date.now();
      standalone.child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(Date.now() - againAt).toBeLessThan(3_000);
      expect(standalone.output()).toContain('SIGINT again: exiting now');
    } finally {
      standalone.child.kill('SIGKILL');
      await nats.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
