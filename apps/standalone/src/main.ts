import '../../register-aliases';
import 'reflect-metadata';
import * as fs from 'node:fs';
import { NATS_ROLES, armShutdownDeadline, loadConfig, shutdownDeadlineMs, startupFailure } from '@sched/messaging';
import { ensureNats, type NatsEndpoint } from './embedded-nats';
import { startStandalone } from './standalone';

/** The nats-server this process started (none when NATS_URL answered): it must not outlive the process. */
let embedded: NatsEndpoint['embedded'];

async function main(): Promise<void> {
  const config = loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const nats = await ensureNats(config.natsUrl, config.dataDir);
  embedded = nats.embedded;
  if (nats.embedded) console.log(`started nats-server with JetStream at ${nats.url}, data in ${nats.embedded.storeDir}`);
  if (nats.authDir) console.log(`NATS users per role (${NATS_ROLES.join(', ')}): ${nats.authDir}/<role>.env`);
  const natsCredentials = nats.credentials ?? config.natsCredentials;
  const app = await startStandalone({ ...config, natsUrl: nats.url, natsCredentials }, { shutdownHooks: false });
  console.log(`sched is running on ${nats.url} (event store: ${config.eventStore}, read models: ${config.sqlitePath})`);
  console.log(`dashboard and HTTP API: ${await app.getUrl()} (OpenAPI: /api/docs)`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      // Ctrl-C again while it stops (waiting on running attempts, or on a NATS server that is gone): exit now, as a
      // user pressing it twice expects. Attempts still running come back as WorkerLost and are retried.
      if (signal !== 'SIGINT') return;
      console.log('SIGINT again: exiting now, without waiting for the rest of the shutdown');
      void nats.embedded?.stop();
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: stopping`);
    await app.close();
    await nats.embedded?.stop();
    process.exit(0);
  };
  // SIGHUP: the terminal closed. The embedded nats-server runs in a process group of its own (a Ctrl-C reaches only
  // this process), so it is this process that stops it, after the app.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, () => void stop(signal));
  armShutdownDeadline(signals, shutdownDeadlineMs(config), () => void nats.embedded?.stop());
}

main().catch(async (error: unknown) => {
  console.error(`sched: failed to start: ${startupFailure(error)}`);
  await embedded?.stop();
  process.exit(1);
});
