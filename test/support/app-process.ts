import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it wrote so far (stdout + stderr), for assertions and failure messages. */
  output(): string;
  /** Resolves when its output contains `text` (e.g. a ready line), rejects on exit or timeout. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown hooks, no goodbyes (a crash). */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Runs one of the apps (`apps/<app>/src/main.ts`, or any .ts file) as a real child process from source, with the
 * given environment and Node flags. Used by fault tests that kill and restart services, and by benchmarks that run
 * the services as they are deployed.
 */
export function spawnApp(
  app: string,
  env: NodeJS.ProcessEnv,
  name = app,
  nodeArgs: readonly string[] = [],
  /** In a process group of its own (its pid is the group's id), as a shell runs a command a terminal signals. */
  options: { readonly detached?: boolean } = {},
): AppProcess {
  const entry = app.endsWith('.ts') ? path.resolve(ROOT, app) : path.join(ROOT, 'apps', app, 'src', 'main.ts');
  const child = spawn(process.execPath, ['--no-warnings', ...nodeArgs, '-r', path.join(__dirname, 'ts-register.js'), entry], {
    detached: options.detached ?? false,
    cwd: ROOT,
    // HTTP_PORT 0: a spawned gateway (or standalone) serves HTTP on a free port, never on a fixed one.
    env: { ...process.env, LOG_LEVEL: 'info', HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    name,
    child,
    output: () => output,
    waitForOutput: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = (): boolean => (typeof text === 'string' ? output.includes(text) : text.test(output));
        const timer = setInterval(() => {
          if (matches()) done(resolve);
        }, 20);
        const timeout = setTimeout(() => done(() => reject(new Error(`${name}: no "${String(text)}" within ${timeoutMs} ms:\n${output}`))), timeoutMs);
        void exited.then((code) => done(() => (matches() ? resolve() : reject(new Error(`${name} exited (${code}):\n${output}`)))));
        function done(finish: () => void): void {
          clearInterval(timer);
          clearTimeout(timeout);
          finish();
        }
      }),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
