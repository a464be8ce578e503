import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface NatsServerOptions {
  /** Defaults to a free port picked by the OS. */
  readonly port?: number;
  readonly host?: string;
  /** JetStream store directory (-sd). */
  readonly storeDir: string;
  readonly extraArgs?: readonly string[];
  /** How long to wait for the server to accept connections (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** Executable name or path (default `nats-server` on PATH). */
  readonly command?: string;
  /**
   * In a process group of its own: a Ctrl-C in the terminal (SIGINT to the whole foreground group) then reaches only
   * the parent, which stops the server itself once it no longer needs it, instead of losing it mid-shutdown.
   */
  readonly detached?: boolean;
  /** Without JetStream (default on): for tests of what a service says to a server that lacks it. */
  readonly jetstream?: boolean;
}

/** A running nats-server child process. */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Pid of the current process (changes on restart). */
  readonly pid: number | undefined;
  /** Graceful shutdown (SIGTERM); resolves once the process exited. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) and resolves once the process exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** stop(), then start again on the same port and store dir. */
  restart(): Promise<void>;
}

export class NatsServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NatsServerStartError';
  }
}

/** A port that was free a moment ago (the OS picks it, so parallel test files do not clash). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

const STDERR_KEEP = 16 * 1024;
const READY_LINE = 'Server is ready';
const STOP_TIMEOUT_MS = 15_000;

/** A picked free port can be taken by someone else before the server binds it: pick again this many times. */
const PORT_ATTEMPTS = 5;

export async function spawnNatsServer(options: NatsServerOptions): Promise<NatsServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let port = options.port ?? 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let stderr = '';
      let settled = false;
      const args = [...(options.jetstream === false ? [] : ['-js']), '-sd', options.storeDir, '-a', host, '-p', String(port), ...(options.extraArgs ?? [])];
      const proc = spawn(options.command ?? 'nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false });
      child = proc;
      exited = new Promise<void>((done) => proc.once('exit', () => done()));
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(new NatsServerStartError(`nats-server on ${host}:${port} ${reason}; stderr:\n${stderr}`));
      };
      const timer = setTimeout(() => fail(`not ready after ${readyTimeoutMs} ms`), readyTimeoutMs);
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (chunk: string) => {
        if (settled) return; // keep draining the pipe so the server never blocks on a full buffer
        stderr = (stderr + chunk).slice(-STDERR_KEEP);
        if (stderr.includes(READY_LINE)) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (error) => fail(`could not be spawned (${error.message})`));
      // 'close' (not 'exit'): by then all of stderr has been read, so the error shows why it stopped.
      proc.once('close', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    });

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    // A server that ignores SIGTERM for too long (stuck flushing) must not hang the caller forever.
    const escalate = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(escalate);
  };

  for (let attempt = 1; ; attempt++) {
    if (options.port === undefined) port = await freePort(host);
    try {
      await start();
      break;
    } catch (error) {
      const taken = error instanceof Error && error.message.includes('address already in use');
      if (!taken || options.port !== undefined || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
  return {
    url: `nats://${host}:${port}`,
    port,
    storeDir: options.storeDir,
    get pid() {
      return child?.pid;
    },
    stop: () => signalAndWait('SIGTERM'),
    kill: (signal: NodeJS.Signals = 'SIGKILL') => signalAndWait(signal),
    restart: async () => {
      await signalAndWait('SIGTERM');
      await start();
    },
  };
}
