import { Subjects } from '@sched/contracts';
import { connect } from '@nats-io/transport-node';
import { spawnApp } from './app-process';
import { startTestNats } from './nats';

describe('spawnApp runs an app from source as a real process', () => {
  it('starts the gateway, which answers a command, and dies on SIGKILL', async () => {
    const nats = await startTestNats();
    const gateway = spawnApp('gateway', { NATS_URL: nats.url, INSTANCE_ID: 'gw-1' });
    try {
      await gateway.waitForOutput('sched-gateway ready');
      const nc = await connect({ servers: nats.url });
      const reply = (await nc.request(Subjects.cmd.taskCreate, JSON.stringify({ name: 'x', executor: 'noop' }), { timeout: 5000 })).json<{ ok: boolean }>();
      expect(reply.ok).toBe(true);
      await nc.close();
      await gateway.kill9();
      expect(gateway.child.signalCode).toBe('SIGKILL');
    } finally {
      await gateway.kill9();
      await nats.cleanup();
    }
  });
});
