import { SchedClient } from '@sched/client';
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

  client(): Promise<SchedClient> {
    const { timeout } = this.program.opts<{ timeout: string }>();
    this.connecting ??= SchedClient.connect(this.natsUrl(), {
      timeoutMs: Number(timeout),
      name: 'schedctl',
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
