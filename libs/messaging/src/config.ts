import * as os from 'node:os';
import * as path from 'node:path';
import { MIN_MISFIRE_THRESHOLD_MS, MISFIRE_THRESHOLD_MS } from '@sched/contracts';
import { loadNatsCredentials, type NatsCredentials } from './security/nats-credentials';

export type EventStoreKind = 'jetstream' | 'kurrentdb' | 'memory';
export const EVENT_STORE_KINDS: readonly EventStoreKind[] = ['jetstream', 'kurrentdb', 'memory'];
/** A local insecure KurrentDB (`docker compose up kurrentdb`), used when EVENT_STORE=kurrentdb and KURRENTDB_URL is unset. */
export const DEFAULT_KURRENTDB_URL = 'kurrentdb://127.0.0.1:2113?tls=false';

/** Everything a service reads from the environment, parsed once. See the configuration table in README.md. */
export interface SchedConfig {
  readonly natsUrl: string;
  readonly eventStore: EventStoreKind;
  /** KurrentDB connection string (only used when eventStore is 'kurrentdb'). */
  readonly kurrentDbUrl: string;
  /** Where embedded nats-server data, SQLite read models and generated files live. */
  readonly dataDir: string;
  readonly sqlitePath: string;
  /** Identifies this process in TaskStarted.workerId, leases and logs. */
  readonly instanceId: string;
  readonly logLevel: string;
  /** How many executions one executor process runs at once. */
  readonly executorConcurrency: number;
  /** Running attempts per executor type in one executor process (EXECUTOR_TYPE_CONCURRENCY, `http=8,command=2`). */
  readonly executorTypeConcurrency: Readonly<Record<string, number>>;
  /**
   * At start, before it takes work, an executor runs this many no-op executions in memory and sends as many
   * read-only JetStream requests (EXECUTOR_WARMUP, default 2000, 0 turns it off): its code is JIT-cold until then.
   * Unset (a config built by hand): none.
   */
  readonly executorWarmUp?: number;
  /**
   * How long an executor's pull for work waits when there is none (EXECUTOR_PULL_WAIT_MS, default 2000, at least
   * 1000: nats.js's floor), plus up to a quarter of it at random. A stopping executor lets its open pulls run out
   * rather than end them (see pull-batch.ts), so this is also how long its shutdown can wait. Unset: the default.
   */
  readonly executorPullWaitMs?: number;
  /**
   * How long a stopping executor lets the attempts it runs finish before it aborts them and records them ended by the
   * shutdown (EXECUTOR_SHUTDOWN_GRACE_MS, default 5000, 0 to 600000): keep it under the orchestrator's own grace
   * period (Kubernetes: 30 s), or the process is killed first and its attempts come back as WorkerLost after the
   * ack wait. Unset: the default.
   */
  readonly executorShutdownGraceMs?: number;
  /** Timer HA: partitions the schedules are split into, and the lease TTL after which a dead owner's move. */
  readonly timerPartitions: number;
  readonly timerLeaseTtlMs: number;
  /**
   * The timer records each scheduled TaskDue this long before the instant it fires at, with that instant as its
   * notBefore; executors start the attempt at the instant (TIMER_FIRE_AHEAD_MS, default 50, 0 turns it off): a store
   * that stalls for less than this delays the record, not the start. Unset (a config built by hand): 0.
   */
  readonly timerFireAheadMs?: number;
  /**
   * A timer taking a partition over (start-up, an owner's death) fires what fell due more than this long ago by each
   * task's misfire policy, the rest as plain late fires (TIMER_MISFIRE_THRESHOLD_MS, default 5000, 1000 to 3600000).
   * Unset (a config built by hand): the default.
   */
  readonly timerMisfireThresholdMs?: number;
  /** WORK_ACK_WAIT_MS as checked at start (the work queue reads the environment itself: see workAckWaitMs). */
  readonly workAckWaitMs?: number;
  /** NATS user/password, token or creds file and TLS files (NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_TLS_*). */
  readonly natsCredentials?: NatsCredentials;
  /** JetStream replicas of the event log and the work queue (EVENT_STORE_REPLICAS: 1, or 3 on a 3-node cluster). */
  readonly replicas?: number;
  /** How long a command's reply is kept for retries with the same commandId (COMMAND_ID_TTL_MS, default 24 h). */
  readonly commandReplyTtlMs?: number;
  /** HTTP API, dashboard, /metrics and /health of the gateway (and standalone); port 0 picks a free one (tests). */
  readonly httpPort: number;
  readonly httpHost: string;
  /** HTTP_ALLOWED_HOSTS: host names requests may name besides loopback ones (behind a reverse proxy); `*`: any. */
  readonly httpAllowedHosts?: readonly string[];
  /** `GET /metrics` of a service without HTTP of its own (METRICS_PORT; unset: none; 0: a free port) on METRICS_HOST. */
  readonly metricsPort?: number;
  readonly metricsHost: string;
  /** When set, every HTTP route but /health wants `Authorization: Bearer <apiToken>`. */
  readonly apiToken?: string;
  /**
   * Standalone only (STANDALONE_EXECUTOR_THREAD, default true but with EVENT_STORE=memory): the executor runs on a worker thread of its own, so
   * its starts share no event loop (nor heap) with the timer, projector and relay of a large system; `false` runs it
   * on the main thread with everything else.
   */
  readonly standaloneExecutorThread?: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_EXECUTOR_WARMUP = 2_000;
export const DEFAULT_EXECUTOR_PULL_WAIT_MS = 2_000;
export const DEFAULT_EXECUTOR_SHUTDOWN_GRACE_MS = 5_000;
/** The executor's shutdown grace, for a config built without it (tests) as for one loaded from the environment. */
export const executorShutdownGraceMsOf = (config: Pick<SchedConfig, 'executorShutdownGraceMs'>): number =>
  config.executorShutdownGraceMs ?? DEFAULT_EXECUTOR_SHUTDOWN_GRACE_MS;
const MAX_EXECUTOR_WARMUP = 100_000;

const MAX_PORT = 65_535;
/** COMMAND_ID_TTL_MS at most: a year. */
const MAX_COMMAND_ID_TTL_MS = 365 * 24 * 60 * 60 * 1000;
export const DEFAULT_WORK_ACK_WAIT_MS = 30_000;

/**
 * WORK_ACK_WAIT_MS: how long an unacked work item waits before it is delivered again (see work-queue.ts, which reads
 * it once as it loads: module constants derive from it). loadConfig checks it too, so a bad value stops a start with
 * one line naming it.
 */
export function workAckWaitMs(env: NodeJS.ProcessEnv): number {
  return intInRange(env, 'WORK_ACK_WAIT_MS', DEFAULT_WORK_ACK_WAIT_MS, 1_000, 3_600_000);
}

/** The longest fire-ahead window: a pause recorded inside it no longer stops that fire (see timerFireAheadMs). */
export const MAX_TIMER_FIRE_AHEAD_MS = 1_000;

/** An integer from `min` to `max`, or `fallback` when unset. */
/** Decimal digits only: Number() also takes `0x3F55`, `1e3` and spaces around, which no one means as a port or a count. */
function integerOf(raw: string): number {
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

function intInRange(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = integerOf(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, unset: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return unset;
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = integerOf(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** HTTP_ALLOWED_HOSTS: host names, comma-separated (no ports, no schemes), or `*`. */
function allowedHosts(raw: string): string[] {
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const bad = names.find((name) => name !== '*' && !/^[a-z0-9.-]+$|^\[?[0-9a-f:]+\]?$/.test(name));
  if (bad !== undefined) throw new ConfigError(`HTTP_ALLOWED_HOSTS takes host names, comma-separated (e.g. "sched.example.com,10.0.0.5"), or "*"; got "${bad}"`);
  return names.map((name) => name.replace(/^\[|\]$/g, ''));
}

/** A bearer token is compared trimmed as it arrives: one with spaces around it could never match, so it is refused. */
function apiToken(token: string): string {
  if (token.trim() !== token) throw new ConfigError('SCHED_API_TOKEN has spaces or a line break around it (read from a file?): no request could present it; remove them');
  return token;
}

/**
 * EXECUTOR_TYPE_CONCURRENCY, read with the rest at start (in every process: one that runs no executor refuses a bad
 * value too, rather than start its services and let the executor fail later).
 */
export function typeConcurrency(raw: string | undefined): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9_-]*)=(\d+)$/.exec(part);
    if (!match || Number(match[2]) < 1) throw new ConfigError(`EXECUTOR_TYPE_CONCURRENCY: "${part}" is not <type>=<positive integer>, e.g. "http=8,command=2"`);
    limits[match[1]] = Number(match[2]);
  }
  return limits;
}

/** pino's levels, and `silent`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: NodeJS.ProcessEnv): string {
  const level = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}

/**
 * The standalone's executor thread: on by default, but not with EVENT_STORE=memory, whose events live in one
 * thread's memory (a thread of its own would hold a second, empty store and never see a due execution).
 */
function executorThread(env: NodeJS.ProcessEnv, eventStore: EventStoreKind): boolean {
  const on = flag(env, 'STANDALONE_EXECUTOR_THREAD', eventStore !== 'memory');
  if (on && eventStore === 'memory') {
    throw new ConfigError('STANDALONE_EXECUTOR_THREAD=true cannot go with EVENT_STORE=memory: the events live in the main thread\'s memory, which a thread of its own does not share; leave it unset (the executor then runs on the main thread)');
  }
  return on;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SchedConfig {
  // Set but empty is unset, as for every other variable (`EVENT_STORE=` refused to start; `DATA_DIR=` meant the cwd).
  const eventStore = (env.EVENT_STORE || 'jetstream') as EventStoreKind;
  if (!EVENT_STORE_KINDS.includes(eventStore)) {
    throw new ConfigError(`EVENT_STORE must be one of ${EVENT_STORE_KINDS.join(', ')}, got "${env.EVENT_STORE}"`);
  }
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    eventStore,
    kurrentDbUrl: env.KURRENTDB_URL || DEFAULT_KURRENTDB_URL,
    dataDir,
    sqlitePath: env.SQLITE_PATH || path.join(dataDir, 'read-models.sqlite'),
    instanceId: env.INSTANCE_ID || `${os.hostname()}-${process.pid}`,
    logLevel: logLevel(env),
    executorConcurrency: positiveInt(env, 'EXECUTOR_CONCURRENCY', 16),
    executorTypeConcurrency: typeConcurrency(env.EXECUTOR_TYPE_CONCURRENCY),
    executorWarmUp: intInRange(env, 'EXECUTOR_WARMUP', DEFAULT_EXECUTOR_WARMUP, 0, MAX_EXECUTOR_WARMUP),
    executorPullWaitMs: intInRange(env, 'EXECUTOR_PULL_WAIT_MS', DEFAULT_EXECUTOR_PULL_WAIT_MS, 1_000, 60_000),
    executorShutdownGraceMs: intInRange(env, 'EXECUTOR_SHUTDOWN_GRACE_MS', DEFAULT_EXECUTOR_SHUTDOWN_GRACE_MS, 0, 600_000),
    timerPartitions: positiveInt(env, 'TIMER_PARTITIONS', 16),
    // Renewed every quarter of it; NATS KV keeps no key for less than 100 ms.
    timerLeaseTtlMs: intInRange(env, 'TIMER_LEASE_TTL_MS', 1200, 500, 600_000),
    timerFireAheadMs: intInRange(env, 'TIMER_FIRE_AHEAD_MS', 50, 0, MAX_TIMER_FIRE_AHEAD_MS),
    timerMisfireThresholdMs: intInRange(env, 'TIMER_MISFIRE_THRESHOLD_MS', MISFIRE_THRESHOLD_MS, MIN_MISFIRE_THRESHOLD_MS, 3_600_000),
    natsCredentials: loadNatsCredentials(env),
    replicas: positiveInt(env, 'EVENT_STORE_REPLICAS', 1),
    // At most a year: JetStream keeps a max age in nanoseconds, and past ~9.2e12 ms it overflows (every command failed).
    // At least a minute: a running command's claim (renewed every 10 s) lives in the same bucket and must outlive it.
    commandReplyTtlMs: intInRange(env, 'COMMAND_ID_TTL_MS', 24 * 60 * 60 * 1000, 60_000, MAX_COMMAND_ID_TTL_MS),
    httpPort: intInRange(env, 'HTTP_PORT', 8080, 0, MAX_PORT),
    httpHost: env.HTTP_HOST || '127.0.0.1',
    ...(env.HTTP_ALLOWED_HOSTS ? { httpAllowedHosts: allowedHosts(env.HTTP_ALLOWED_HOSTS) } : {}),
    ...(env.METRICS_PORT ? { metricsPort: intInRange(env, 'METRICS_PORT', 0, 0, MAX_PORT) } : {}),
    workAckWaitMs: workAckWaitMs(env),
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    ...(env.SCHED_API_TOKEN ? { apiToken: apiToken(env.SCHED_API_TOKEN) } : {}),
    standaloneExecutorThread: executorThread(env, eventStore),
  };
}
