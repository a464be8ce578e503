import * as path from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { SchedClient, SchedClientError } from '@sched/client';
import type { TaskView } from '@sched/contracts';
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

  /** `--timeout` when given on the command line: a rebuild waits up to 10 minutes otherwise, not the 10 s default. */
  givenTimeoutMs(): number | undefined {
    return this.program.getOptionValueSource('timeout') === 'cli' ? this.program.opts<{ timeout: number }>().timeout : undefined;
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

  /**
   * Runs `call` on the task `ref` names: its id, or else its name (unique among tasks not deleted), so `schedctl task
   * pause nightly-etl` works. The id is tried first, at no extra cost; only a refusal that could mean "not an id"
   * (NOT_FOUND, or VALIDATION: a name with spaces is no id) looks the name up and calls again, which is safe: the
   * refused call appended nothing. A ref that is neither is NOT_FOUND saying so.
   */
  async forTask<T>(ref: string, call: (client: SchedClient, taskId: string) => Promise<T>, minPosition?: number): Promise<T> {
    const client = await this.client();
    try {
      return await call(client, ref);
    } catch (error) {
      if (!SchedClientError.is(error) || !refusedTheTaskId(error)) throw error;
      const named = await client.listTasks({ name: ref, limit: 1, minPosition: minPosition ?? (await client.headPosition()) });
      const taskId = named.items[0]?.taskId;
      if (taskId === undefined || taskId === ref) {
        // A deleted task's id: the server's "Task … was deleted" says more than "no task has that id or name".
        throw error.details.deleted === true ? error : noTaskNamed(ref, error.subject);
      }
      return call(client, taskId);
    }
  }

  /**
   * `forTask` for a command that carries a commandId: the task id is looked up first, so the command is sent once,
   * with the real id. (`forTask` sends it with `ref` as the id first: under the same commandId, that first refusal
   * made the gateway take a retry of the whole command for a different one: CONFLICT.)
   */
  async forTaskOnce<T>(ref: string, call: (client: SchedClient, taskId: string) => Promise<T>): Promise<T> {
    const task = await this.findTask(ref);
    if (!task) throw noTaskNamed(ref);
    return call(await this.client(), task.taskId);
  }

  /** `forTask` for a read: the read models at least at the log's head (as `consistentRead`), looked up once. */
  async readTask<T>(ref: string, read: (client: SchedClient, taskId: string, minPosition: number) => Promise<T>): Promise<T> {
    const { minPosition } = await this.consistentRead();
    return this.forTask(ref, (client, taskId) => read(client, taskId, minPosition), minPosition);
  }

  /**
   * The task id `ref` names, for filters that take a task (history, exec list and tail, audit): `ref` itself when a
   * task has that id (or no task has that name either: a step's `<taskId>:<stepId>`, a task not projected yet), else
   * the id of the task of that name.
   */
  async taskIdOf(ref: string): Promise<string> {
    return (await this.findTask(ref))?.taskId ?? (await this.stepIdOf(ref)) ?? ref;
  }

  /** Whether a task (or a workflow step's pseudo task) has that id or name. */
  async taskExists(ref: string): Promise<boolean> {
    return (await this.findTask(ref)) !== undefined || (await this.stepIdOf(ref)) !== undefined;
  }

  /**
   * A workflow step's pseudo task id `<taskId>:<stepId>` for `<workflow task id or name>:<stepId>` (`nightly-etl:load`,
   * as lists show it), or a task's failure notices' `<taskId>:notify` for `<task>:notify`; undefined when the part
   * before the last colon names no such task.
   */
  async stepIdOf(ref: string): Promise<string | undefined> {
    const colon = ref.lastIndexOf(':');
    if (colon <= 0 || colon === ref.length - 1) return undefined;
    const owner = await this.findTask(ref.slice(0, colon));
    // A workflow's step, or any task's failure notices (`<task>:notify`).
    const part = ref.slice(colon + 1);
    return owner && (owner.executor === 'workflow' || part === 'notify') ? `${owner.taskId}:${part}` : undefined;
  }

  /** `readTask`, where a ref that names no task may name a workflow step (`stepIdOf`), read under its pseudo id. */
  async readTaskOrStep<T>(ref: string, read: (client: SchedClient, taskId: string, minPosition: number) => Promise<T>): Promise<T> {
    try {
      return await this.readTask(ref, read);
    } catch (error) {
      const stepId = SchedClientError.is(error, 'NOT_FOUND') ? await this.stepIdOf(ref) : undefined;
      if (stepId === undefined) throw error;
      const { client, minPosition } = await this.consistentRead();
      // A step the workflow does not have: the ref's own NOT_FOUND ("no task has the id or name …") says it best.
      return read(client, stepId, minPosition).catch((stepError: unknown) => {
        throw SchedClientError.is(stepError, 'NOT_FOUND') ? error : stepError;
      });
    }
  }

  /** The task `ref` names (its id or name), or undefined when no task has it. */
  async findTask(ref: string): Promise<TaskView | undefined> {
    return this.readTask(ref, (client, taskId, minPosition) => client.getTask({ taskId, minPosition })).catch((error: unknown) => {
      if (SchedClientError.is(error, 'NOT_FOUND') || SchedClientError.is(error, 'VALIDATION')) return undefined;
      throw error;
    });
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

/** A refusal of the task id itself: the task is not there, or the id is not even one (a name with spaces). */
function refusedTheTaskId(error: SchedClientError): boolean {
  if (error.code === 'NOT_FOUND') return true;
  const issues = (error.details as { issues?: { path?: string }[] }).issues ?? [];
  return error.code === 'VALIDATION' && issues.some((issue) => issue.path === 'taskId');
}

const noTaskNamed = (ref: string, subject?: string): SchedClientError =>
  new SchedClientError('NOT_FOUND', `no task has the id or name "${ref}"`, { task: ref }, subject);
