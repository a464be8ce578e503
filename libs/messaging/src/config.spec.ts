import { ConfigError, DEFAULT_EXECUTOR_WARMUP, MAX_TIMER_FIRE_AHEAD_MS, loadConfig } from './config';

describe('empty variables', () => {
  it('take an empty EVENT_STORE, DATA_DIR, NATS_URL, SQLITE_PATH or INSTANCE_ID as unset (EVENT_STORE= refused to start, DATA_DIR= meant the working directory)', () => {
    const config = loadConfig({ EVENT_STORE: '', DATA_DIR: '', NATS_URL: '', SQLITE_PATH: '', INSTANCE_ID: '' });
    const defaults = loadConfig({});
    expect(config).toMatchObject({ eventStore: 'jetstream', dataDir: defaults.dataDir, natsUrl: defaults.natsUrl, sqlitePath: defaults.sqlitePath });
    expect(config.instanceId).not.toBe('');
  });
});

describe('loadConfig: TIMER_FIRE_AHEAD_MS', () => {
  it('defaults to 50 ms, takes 0 (off) up to the maximum', () => {
    expect(loadConfig({}).timerFireAheadMs).toBe(50);
    expect(loadConfig({ TIMER_FIRE_AHEAD_MS: '0' }).timerFireAheadMs).toBe(0);
    expect(loadConfig({ TIMER_FIRE_AHEAD_MS: String(MAX_TIMER_FIRE_AHEAD_MS) }).timerFireAheadMs).toBe(MAX_TIMER_FIRE_AHEAD_MS);
  });

  it.each(['-1', '2.5', 'soon', String(MAX_TIMER_FIRE_AHEAD_MS + 1)])('refuses %s with a ConfigError that names the variable', (raw) => {
    expect(() => loadConfig({ TIMER_FIRE_AHEAD_MS: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ TIMER_FIRE_AHEAD_MS: raw })).toThrow(/TIMER_FIRE_AHEAD_MS/);
  });
});

describe('loadConfig: STANDALONE_EXECUTOR_THREAD', () => {
  it('is on unless set to false', () => {
    expect(loadConfig({}).standaloneExecutorThread).toBe(true);
    expect(loadConfig({ STANDALONE_EXECUTOR_THREAD: '' }).standaloneExecutorThread).toBe(true);
    expect(loadConfig({ STANDALONE_EXECUTOR_THREAD: 'false' }).standaloneExecutorThread).toBe(false);
    expect(loadConfig({ STANDALONE_EXECUTOR_THREAD: 'true' }).standaloneExecutorThread).toBe(true);
  });

  it('rejects anything else with a clear error', () => {
    expect(() => loadConfig({ STANDALONE_EXECUTOR_THREAD: 'yes' })).toThrow(new ConfigError('STANDALONE_EXECUTOR_THREAD must be true or false, got "yes"'));
  });

  it('is off with EVENT_STORE=memory (a thread of its own would hold a second, empty store), and refused on with it', () => {
    expect(loadConfig({ EVENT_STORE: 'memory' }).standaloneExecutorThread).toBe(false);
    expect(loadConfig({ EVENT_STORE: 'memory', STANDALONE_EXECUTOR_THREAD: 'false' }).standaloneExecutorThread).toBe(false);
    expect(() => loadConfig({ EVENT_STORE: 'memory', STANDALONE_EXECUTOR_THREAD: 'true' })).toThrow(/^STANDALONE_EXECUTOR_THREAD=true cannot go with EVENT_STORE=memory: /);
  });
});

describe('loadConfig: EXECUTOR_PULL_WAIT_MS', () => {
  it('defaults to 2000 ms and takes 1000 to 60000', () => {
    expect(loadConfig({}).executorPullWaitMs).toBe(2_000);
    expect(loadConfig({ EXECUTOR_PULL_WAIT_MS: '1000' }).executorPullWaitMs).toBe(1_000);
    expect(loadConfig({ EXECUTOR_PULL_WAIT_MS: '60000' }).executorPullWaitMs).toBe(60_000);
  });

  it.each(['999', '0', '2.5', 'soon', '60001'])('refuses %s with a ConfigError that gives the range', (raw) => {
    expect(() => loadConfig({ EXECUTOR_PULL_WAIT_MS: raw })).toThrow(new ConfigError(`EXECUTOR_PULL_WAIT_MS must be an integer from 1000 to 60000, got "${raw}"`));
  });
});

describe('loadConfig: EXECUTOR_SHUTDOWN_GRACE_MS', () => {
  it('defaults to 5000 ms and takes 0 to 600000', () => {
    expect(loadConfig({}).executorShutdownGraceMs).toBe(5_000);
    expect(loadConfig({ EXECUTOR_SHUTDOWN_GRACE_MS: '0' }).executorShutdownGraceMs).toBe(0);
    expect(loadConfig({ EXECUTOR_SHUTDOWN_GRACE_MS: '25000' }).executorShutdownGraceMs).toBe(25_000);
  });

  it.each(['-1', '1.5', 'long', '600001'])('refuses %s with a ConfigError that gives the range', (raw) => {
    expect(() => loadConfig({ EXECUTOR_SHUTDOWN_GRACE_MS: raw })).toThrow(new ConfigError(`EXECUTOR_SHUTDOWN_GRACE_MS must be an integer from 0 to 600000, got "${raw}"`));
  });
});

describe('loadConfig: TIMER_MISFIRE_THRESHOLD_MS', () => {
  it('defaults to 5000 ms, takes 1000 to 3600000 and refuses the rest naming the range', () => {
    expect([loadConfig({}).timerMisfireThresholdMs, loadConfig({ TIMER_MISFIRE_THRESHOLD_MS: '60000' }).timerMisfireThresholdMs]).toEqual([5_000, 60_000]);
    for (const raw of ['999', '5s', '3600001']) {
      expect(() => loadConfig({ TIMER_MISFIRE_THRESHOLD_MS: raw })).toThrow(new ConfigError(`TIMER_MISFIRE_THRESHOLD_MS must be an integer from 1000 to 3600000, got "${raw}"`));
    }
  });
});

describe('loadConfig: ports, the timer lease and the work ack wait', () => {
  it('take their ranges and refuse the rest naming the variable (they failed later, in a library, without it)', () => {
    expect(loadConfig({ HTTP_PORT: '0', METRICS_PORT: '65535', TIMER_LEASE_TTL_MS: '500', WORK_ACK_WAIT_MS: '4000' })).toMatchObject({ httpPort: 0, metricsPort: 65_535, timerLeaseTtlMs: 500, workAckWaitMs: 4_000 });
    expect(loadConfig({})).toMatchObject({ httpPort: 8080, timerLeaseTtlMs: 1200, workAckWaitMs: 30_000 });
    const refusals: Array<[string, string, string]> = [
      ['HTTP_PORT', '70000', '0 to 65535'],
      ['METRICS_PORT', '-1', '0 to 65535'],
      ['TIMER_LEASE_TTL_MS', '50', '500 to 600000'],
      ['WORK_ACK_WAIT_MS', '500', '1000 to 3600000'],
      ['WORK_ACK_WAIT_MS', 'abc', '1000 to 3600000'],
    ];
    for (const [name, raw, range] of refusals) {
      expect(() => loadConfig({ [name]: raw })).toThrow(new ConfigError(`${name} must be an integer from ${range}, got "${raw}"`));
    }
  });
});

describe('loadConfig: EXECUTOR_WARMUP', () => {
  it('defaults to 2000 no-op executions, takes 0 (off) and other counts', () => {
    expect(loadConfig({}).executorWarmUp).toBe(DEFAULT_EXECUTOR_WARMUP);
    expect(DEFAULT_EXECUTOR_WARMUP).toBe(2_000);
    expect(loadConfig({ EXECUTOR_WARMUP: '0' }).executorWarmUp).toBe(0);
    expect(loadConfig({ EXECUTOR_WARMUP: '500' }).executorWarmUp).toBe(500);
  });

  it.each(['-1', '1.5', 'many', '100001'])('refuses %s with a ConfigError that gives the range', (raw) => {
    expect(() => loadConfig({ EXECUTOR_WARMUP: raw })).toThrow(new ConfigError(`EXECUTOR_WARMUP must be an integer from 0 to 100000, got "${raw}"`));
  });
});

describe('LOG_LEVEL and SCHED_API_TOKEN', () => {
  it("a log level pino has not is a clear error naming the variable (pino's own message named neither)", () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({}).logLevel).toBe('info');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/);
  });

  it('a token with spaces or a line break around it is refused (requests are compared trimmed: none could match)', () => {
    expect(loadConfig({ SCHED_API_TOKEN: 'abc' }).apiToken).toBe('abc');
    expect(() => loadConfig({ SCHED_API_TOKEN: 'abc\n' })).toThrow(/^SCHED_API_TOKEN has spaces or a line break around it/);
  });
});

describe('EXECUTOR_TYPE_CONCURRENCY', () => {
  it('is read with the rest at start, in every process: a bad value is a ConfigError before anything starts', () => {
    expect(loadConfig({ EXECUTOR_TYPE_CONCURRENCY: 'http=8, command=2' }).executorTypeConcurrency).toEqual({ http: 8, command: 2 });
    expect(loadConfig({}).executorTypeConcurrency).toEqual({});
    expect(() => loadConfig({ EXECUTOR_TYPE_CONCURRENCY: 'bad' })).toThrow(ConfigError);
  });
});

describe('loadConfig: numbers in decimal, HTTP_ALLOWED_HOSTS, COMMAND_ID_TTL_MS', () => {
  it('takes decimal digits only: hex, exponents and spaces are no port or count anyone means', () => {
    expect(loadConfig({ HTTP_PORT: '16085' }).httpPort).toBe(16085);
    for (const raw of ['0x3F55', ' 16085', '1e3', '16085 ']) expect(() => loadConfig({ HTTP_PORT: raw })).toThrow(/HTTP_PORT must be an integer/);
    expect(() => loadConfig({ EXECUTOR_CONCURRENCY: '0x10' })).toThrow(/EXECUTOR_CONCURRENCY must be a positive integer/);
  });

  it('reads allowed host names, lower-cased, or *; refuses URLs and ports', () => {
    expect(loadConfig({}).httpAllowedHosts).toBeUndefined();
    expect(loadConfig({ HTTP_ALLOWED_HOSTS: 'Sched.Example.com, 10.0.0.5,[fd00::1]' }).httpAllowedHosts).toEqual(['sched.example.com', '10.0.0.5', 'fd00::1']);
    expect(loadConfig({ HTTP_ALLOWED_HOSTS: '*' }).httpAllowedHosts).toEqual(['*']);
    for (const raw of ['https://sched.example.com', 'sched.example.com:443']) expect(() => loadConfig({ HTTP_ALLOWED_HOSTS: raw })).toThrow(/HTTP_ALLOWED_HOSTS takes host names/);
  });

  it('keeps a command id at most a year (a max age past ~9.2e12 ms overflowed JetStream and every command failed)', () => {
    expect(loadConfig({ COMMAND_ID_TTL_MS: String(365 * 86_400_000) }).commandReplyTtlMs).toBe(365 * 86_400_000);
    expect(() => loadConfig({ COMMAND_ID_TTL_MS: '100000000000000000000' })).toThrow(/COMMAND_ID_TTL_MS must be an integer from 60000 to 31536000000/);
    // Under a minute, a long command's claim could expire from the bucket while it runs.
    expect(() => loadConfig({ COMMAND_ID_TTL_MS: '3000' })).toThrow(/from 60000/);
  });
});
