import { Controller, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { connect } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { waitFor } from '../../../../test/support/system';
import { loadConfig } from '../config';
import { schedNatsTransport } from './nats-transport';
import { ServingGate } from './serving-gate';

/** Collects what the microservice logs, by level. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log = (message: unknown) => this.lines.push({ level: 'log', message: String(message) });
  warn = (message: unknown) => this.lines.push({ level: 'warn', message: String(message) });
  error = (message: unknown) => this.lines.push({ level: 'error', message: String(message) });
}

@Module({})
class EmptyModule {}

@Controller()
class GatedController {
  @MessagePattern('gate.held')
  held(): { answer: string } {
    return { answer: 'held one' };
  }

  @MessagePattern('gate.free')
  free(): { answer: string } {
    return { answer: 'free one' };
  }
}

@Module({ controllers: [GatedController] })
class GatedModule {}

/** Handled requests of `counted.request`, across every app hosting CountingController. */
let handled = 0;

@Controller()
class CountingController {
  @MessagePattern('counted.request')
  count(): { handled: number } {
    return { handled: ++handled };
  }
}

@Module({ controllers: [CountingController] })
class CountingModule {}

@Controller()
class HugeReplyController {
  /** 2 MB: twice nats-server's default max_payload. */
  @MessagePattern('huge.reply')
  huge(): { text: string } {
    return { text: 'x'.repeat(2 * 1024 * 1024) };
  }
}

@Module({ controllers: [HugeReplyController] })
class HugeReplyModule {}

describe('SchedNatsServer (real nats-server, stopped and started again)', () => {
  jest.setTimeout(30_000);
  let nats: TestNats;
  beforeAll(async () => (nats = await startTestNats()));
  afterAll(() => nats.cleanup());

  it('logs a lost connection as a warning naming the server, and its restoration; nothing at error level', async () => {
    const logger = new RecordingLogger();
    const config = loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'error', INSTANCE_ID: 'status-test' });
    const app = await NestFactory.createMicroservice(EmptyModule, { ...schedNatsTransport(config, 'status-test'), logger });
    await app.listen();
    const statuses: string[] = [];
    app.status.subscribe((status) => statuses.push(String(status)));
    try {
      await nats.stop();
      await waitFor(() => logger.lines.some((line) => line.message.includes('lost')), 15_000, 'the lost connection logged');
      await nats.restart();
      await waitFor(() => logger.lines.some((line) => line.message.includes('restored')), 15_000, 'the reconnect logged');
      const server = `127.0.0.1:${nats.port}`;
      expect(logger.lines.filter((line) => /NATS/.test(line.message))).toEqual([
        { level: 'warn', message: `NATS connection to ${server} lost; reconnecting (requests wait or fail with UNAVAILABLE meanwhile)` },
        { level: 'log', message: `NATS connection to ${server} restored` },
      ]);
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
      expect(statuses).toEqual(expect.arrayContaining(['disconnected', 'reconnecting', 'connected']));
    } finally {
      await app.close();
    }
  });

  it('apps of different names hosting one handler (a standalone beside a gateway) share its queue group: a request runs once', async () => {
    const apps = await Promise.all(['sched', 'sched-gateway'].map(async (name) => {
      const config = loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'error', INSTANCE_ID: name });
      const app = await NestFactory.createMicroservice(CountingModule, { ...schedNatsTransport(config, name), logger: false });
      await app.listen();
      return app;
    }));
    const nc = await connect({ servers: nats.url });
    try {
      for (let i = 0; i < 10; i++) await nc.request('counted.request', '{}', { timeout: 2_000 });
      await nc.flush();
      await new Promise((resolve) => setTimeout(resolve, 100)); // a second group's copy would be handled by now
      expect(handled).toBe(10);
    } finally {
      await nc.close();
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('serves a subject again once its gate releases it, and not while it holds it (its queue group answers without it)', async () => {
    const gate = new ServingGate();
    const config = loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'error', INSTANCE_ID: 'gate-test' });
    gate.hold('before listening', (subject) => subject === 'gate.held');
    const app = await NestFactory.createMicroservice(GatedModule, { ...schedNatsTransport(config, 'gate-test', gate), logger: false });
    await app.listen();
    const nc = await connect({ servers: nats.url });
    const ask = (subject: string): Promise<string> =>
      nc.request(subject, '{}', { timeout: 2_000 }).then(
        (reply) => reply.string(),
        (error: Error) => `refused: ${error.message}`,
      );
    try {
      expect(await ask('gate.held')).toMatch(/^refused: .*no responders/);
      expect(await ask('gate.free')).toContain('free one');
      gate.release('before listening');
      await waitFor(async () => (await ask('gate.held')).includes('held one'), 5_000, 'the released subject served');
      gate.hold('rebuild', (subject) => subject.startsWith('gate.'));
      await waitFor(async () => (await ask('gate.free')).startsWith('refused'), 5_000, 'the held subjects dropped');
      expect(await ask('gate.held')).toMatch(/^refused: .*no responders/);
      gate.release('rebuild');
      await waitFor(async () => (await ask('gate.free')).includes('free one'), 5_000, 'served again');
      expect(await ask('gate.held')).toContain('held one');
    } finally {
      await nc.close();
      await app.close();
    }
  });

  it('answers a reply over max_payload with a structured error naming its size and the limit, at once', async () => {
    const config = loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'error', INSTANCE_ID: 'huge-test' });
    const app = await NestFactory.createMicroservice(HugeReplyModule, { ...schedNatsTransport(config, 'huge-test'), logger: false });
    await app.listen();
    const nc = await connect({ servers: nats.url });
    try {
      const started = Date.now();
      const reply = (await nc.request('huge.reply', '{}', { timeout: 5_000 })).json<{ ok: boolean; error: { code: string; message: string; details: Record<string, unknown> } }>();
      expect(Date.now() - started).toBeLessThan(2_000);
      const max = nc.info!.max_payload;
      expect(reply).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: expect.stringMatching(new RegExp(`^huge\\.reply: the reply of \\d+ bytes is over the NATS max_payload of ${max} bytes`)), details: { limit: 'max_payload', max, actual: expect.any(Number), subject: 'huge.reply' } },
      });
      expect(reply.error.details.actual).toBeGreaterThan(2 * 1024 * 1024);
    } finally {
      await nc.close();
      await app.close();
    }
  });
});
