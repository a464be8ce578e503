import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, spawnNatsServer, type NatsServerHandle } from '@sched/messaging';

/** A private nats-server (JetStream, file storage in a temp dir) for one benchmark run. */
export async function benchNats(): Promise<NatsServerHandle & { cleanup(): Promise<void> }> {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-nats-'));
  const server = await spawnNatsServer({ storeDir });
  return Object.assign(server, {
    cleanup: async () => {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  });
}

export interface BenchRedis {
  readonly port: number;
  readonly pid: number | undefined;
  readonly version: string;
  stop(): Promise<void>;
}

/** A private redis-server (as BullMQ users run it by default: in memory, no AOF) on a free port. */
export async function benchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start (is it installed?):\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const version = /(?:v|version)=([\d.]+)/.exec(output)?.[1] ?? "unknown";
  return {
    port,
    pid: child.pid,
    version,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
