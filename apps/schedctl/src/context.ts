import * as path from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { SchedClient, SchedClientError } from '@sched/client';
import { loadNatsCredentials, natsCredentialOptions, readGeneratedCredentials } from '@sched/messaging';
import type { Command } from 'commander';
import type { CliIo } from './output';
import { json } from './output';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** What every command needs: the output, the global flags, and a client connected on first use. */
export class CliContext {
  private connecting?: Promise<SchedClient>;
  /** Set by a command that succeeded but has a verdict to report (audit verify). */
  exitCode: number = 0;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  get asJson(): boolean {
    return Boolean(this.program.opts().json);
  }

  /** The NATS server: `--url`, else $NATS_URL, else the local default. */
  natsUrl(): string {
    return this.program.opts<{ url?: string }>().url ?? process.env.NATS_URL ?? DEFAULT_NATS_URL;
  }

  /**
   * How to log in: NATS_USER + NATS_PASSWORD, NATS_TOKEN or NATS_CREDS (and NATS_TLS_*), as the services take them;
   * with none of those and a server on this machine, the admin user `npm start` generated for its embedded server
   * under $DATA_DIR (default .data), so `npm start` then `npx schedctl …` from the same directory just works (never
   * sent to another host); else no credentials.
   */
  natsAuth(env: NodeJS.ProcessEnv = process.env): Partial<NodeConnectionOptions> {
    const credentials = loadNatsCredentials(env);
    if (credentials.user || credentials.token || credentials.credsFile) return natsCredentialOptions(credentials);
    const local = this.natsUrl().split(',').every((url) => /^(nats:\/\/)?(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(url.trim()));
    const dir = path.join(path.resolve(env.DATA_DIR ?? '.data'), 'nats-auth');
    const generated = local ? readGeneratedCredentials(dir, 'admin') : undefined;
    return natsCredentialOptions({ ...credentials, ...(generated ? { user: generated.user, password: generated.password } : {}) });
  }

  client(): Promise<SchedClient> {
    const { timeout } = this.program.opts<{ timeout: number }>();
    this.connecting ??= SchedClient.connect(this.natsUrl(), {
      timeoutMs: timeout,
      name: 'schedctl',
      connectOptions: this.natsAuth(),
    }).catch((error: unknown) => {
      if (!SchedClientError.is(error) || !/Authorization Violation|Authentication/i.test(error.message)) throw error;
      const hint = 'the server wants credentials: set NATS_USER and NATS_PASSWORD (npm start writes them to .data/nats-auth/<role>.env), NATS_TOKEN or NATS_CREDS';
      throw new SchedClientError(error.code, `${error.message}; ${hint}`, error.details, error.subject);
    });
    return this.connecting;
  }

  /**
   * Each CLI run is a new client, so "read your writes" across runs means: read models at least at the log's head
   * (a `task pause` then `task get` shows the pause).
   */
  async consistentRead(): Promise<{ client: SchedClient; minPosition: number }> {
    const client = await this.client();
    return { client, minPosition: await client.headPosition() };
  }

  /** JSON for scripts (`--json`), or the human rendering. */
  print(value: unknown, human: () => string): void {
    this.io.out(this.asJson ? json(value) : human());
  }

  async close(): Promise<void> {
    const client = await this.connecting?.catch(() => undefined);
    await client?.close();
  }
}
