import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../apps/schedctl/src/cli';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

describe('schedctl against the whole system', () => {
  let system: TestSystem;
  let dir: string;
  let taskId: string;

  /** Runs the CLI entry point as `schedctl --url <system> ...args`, capturing its output. */
  const run = async (...args: string[]): Promise<Run> => {
    let out = '';
    let err = '';
    const io = { out: (text: string) => void (out += text), err: (text: string) => void (err += text), interactive: false };
    const code = await main(['--url', system.nats.url, ...args], io);
    return { code, out, err };
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await run('--json', ...args);
    if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.err}`);
    return JSON.parse(result.out) as T;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schedctl-'));
  });
  afterAll(async () => {
    await system?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--help lists the command groups and exits 0; usage mistakes exit 2', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/task[\s\S]*exec[\s\S]*history[\s\S]*audit[\s\S]*rebuild/);
    expect((await run('task', 'list', '--bogus')).code).toBe(2);
    expect((await run('task', 'get')).code).toBe(2);
    // A number option that is none is a usage error naming it, not a request carrying null.
    for (const args of [['task', 'list', '--limit', 'abc'], ['task', 'create', '--name', 'n', '--executor', 'noop', '--max-retries', 'many'], ['exec', 'tail', '--count', '-1'], ['--timeout', '5s', 'stats']]) {
      const result = await run(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.err).toMatch(/option '--[a-z-]+ <\w+>' argument '[^']+' is invalid\. expected a whole number/);
    }
    expect(await run('exec', 'tail', '--count', '0')).toMatchObject({ code: 2, err: expect.stringContaining('expected a whole number from 1') });
    expect(await run('task', 'next', 'any', '-n', '0')).toMatchObject({ code: 2, err: expect.stringContaining('expected a whole number from 1') });
    // A page of none was the server's VALIDATION (exit 1) after "0, 1, 2, …" was offered.
    for (const list of [['task', 'list'], ['exec', 'list'], ['workflow', 'list']]) {
      expect(await run(...list, '--limit', '0')).toMatchObject({ code: 2, err: expect.stringContaining('expected a whole number from 1') });
    }
    expect(await run('history', 'some-task', '--last', '0')).toMatchObject({ code: 2, err: expect.stringContaining('expected a whole number from 1') });
    expect(await run('history', 'some-task', '--execution', 'some-execution')).toMatchObject({ code: 2, err: expect.stringContaining('not both') });
    // With --json, commander's own usage errors are the structured error too, and nothing else is written.
    for (const args of [['--json', 'task', 'list', '--limit', 'abc'], ['--json', 'no-such-command']]) {
      const result = await run(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'USAGE', message: expect.any(String), details: { commander: expect.any(String) } } });
    }
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'name: [unclosed');
    const badFile = await run('task', 'create', '--file', path.join(dir, 'bad.yaml'));
    expect(badFile).toMatchObject({ code: 2, err: expect.stringContaining('neither YAML nor JSON') });
    // A schedule modifier without its schedule is refused, not dropped.
    expect(await run('task', 'create', '--name', 'n', '--executor', 'noop', '--every', '1m', '--tz', 'Europe/Berlin')).toMatchObject({ code: 2, err: expect.stringContaining('--tz is the time zone of --cron') });
    expect(await run('task', 'create', '--name', 'n', '--executor', 'noop', '--offset', '5s')).toMatchObject({ code: 2, err: expect.stringContaining('--offset shifts the --every schedule') });
  });

  it('task create from a YAML file with flag overrides; list, get, next, pause, resume', async () => {
    const file = path.join(dir, 'task.yaml');
    fs.writeFileSync(file, [
      'name: from-yaml', 'executor: noop', 'schedules:', '  - type: interval', '    every: 1h', 'tags: [cli]',
      'retry: { maxAttempts: 3, initialInterval: 2s, maxInterval: 1m }', 'timeouts: { startToClose: 30s, scheduleToClose: 10m }', 'maxConcurrent: 2',
    ].join('\n'));
    const created = await json<{ taskId: string; events: string[] }>('task', 'create', '--file', file, '--description', 'from a flag');
    taskId = created.taskId;
    expect(created.events).toEqual(['TaskCreated']);

    const list = await run('task', 'list', '--tag', 'cli');
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+EXECUTOR\s+STATE/);
    expect(list.out).toContain('from-yaml');
    const task = await json<{ description: string; schedules: { everyMs: number }[] }>('task', 'get', taskId);
    expect(task).toMatchObject({ description: 'from a flag', schedules: [{ everyMs: 3_600_000 }] });
    const next = await json<{ fires: { at: string }[] }>('task', 'next', taskId, '--count', '3');
    expect(next.fires.map((f) => Date.parse(f.at) % 3_600_000)).toEqual([0, 0, 0]);

    expect((await run('task', 'pause', taskId, '--note', 'cli test')).out).toContain(`paused task ${taskId}`);
    const shown = (await run('task', 'get', taskId)).out;
    expect(shown).toMatch(/state:\s+paused \(cli test\)/);
    // What a task's executor may be.
    expect((await run('executors')).out).toMatch(/^TYPE\s+DESCRIPTION\n[\s\S]*\nsleep\s+Sleeps for/);
    // The schedules and the policy the file gave, in words.
    expect(shown).toMatch(/^schedules:\s+every 1h\n/m);
    expect(shown).toMatch(/^retries:\s+2\n/m);
    expect(shown).toMatch(/backoff:\s+exponential from 2s ×2 up to 1m\n/);
    expect(shown).toMatch(/timeouts:\s+start to close 30s, schedule to close 10m\n/);
    expect(shown).toMatch(/concurrency:\s+at most 2 at once, overlap queue\n/);
    // The policy flags: --attempt-timeout changes that timeout alone, the schedule-to-close one stays.
    expect((await run('task', 'update', taskId, '--attempt-timeout', '45s', '--max-concurrent', '3', '--overlap', 'skip')).code).toBe(0);
    const changed = (await run('task', 'get', taskId)).out;
    expect(changed).toMatch(/timeouts:\s+start to close 45s, schedule to close 10m\n/);
    expect(changed).toMatch(/concurrency:\s+at most 3 at once, overlap skip\n/);
    expect(await run('task', 'update', taskId, '--overlap', 'never')).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are queue') });
    expect((await run('task', 'resume', taskId)).code).toBe(0);
    const asOfPast = await json<{ revision: number }>('task', 'get', taskId, '--as-of', '2000-01-01T00:00:00Z');
    expect(asOfPast.revision).toBe(-1);
  });

  it('trigger, exec tail (history then live, ends with the execution), exec get/list, history, stats, audit verify', async () => {
    const { executionId } = await json<{ executionId: string }>('task', 'trigger', taskId);
    const tail = await run('exec', 'tail', '--execution', executionId);
    expect(tail.code).toBe(0);
    const typesIn = (out: string) => out.trim().split('\n').map((line) => line.trim().split(/\s+/)[4]);
    expect(typesIn(tail.out)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    // Its filters hold for one execution too (they were ignored): types, a count, a position to start after.
    expect(typesIn((await run('exec', 'tail', '--execution', executionId, '--type', 'TaskStarted')).out)).toEqual(['TaskStarted']);
    expect(typesIn((await run('exec', 'tail', '--execution', executionId, '--count', '2')).out)).toEqual(['TaskDue', 'TaskStarted']);
    const [due] = await json<{ position: number }[]>('history', executionId);
    expect(typesIn((await run('exec', 'tail', '--execution', executionId, '--from-position', String(due.position))).out)).toEqual(['TaskStarted', 'TaskSucceeded']);
    expect(await run('exec', 'tail', '--execution', executionId, '--type', 'TaskStrated')).toMatchObject({ code: 1, err: expect.stringMatching(/VALIDATION.*TaskStarted/) });

    const execution = await run('exec', 'get', executionId);
    expect(execution.out).toMatch(/status:\s+succeeded/);
    expect(execution.out).toMatch(/ATTEMPT\s+STATUS[\s\S]*1\s+succeeded/);
    const list = await json<{ items: { executionId: string }[] }>('exec', 'list', '--task', taskId);
    expect(list.items.map((e) => e.executionId)).toContain(executionId);
    // For people, each row names its task (the execution id already holds the task's id).
    const table = await run('exec', 'list', '--task', taskId);
    expect(table.out).toMatch(new RegExp(`^${executionId}\\s+from-yaml\\s+succeeded`, 'm'));
    // A name is trimmed when a task is created, and when it is looked up (it was NOT_FOUND with the spaces).
    expect(await run('task', 'get', '  from-yaml  ')).toMatchObject({ code: 0, out: expect.stringContaining(taskId) });

    const history = await run('history', taskId);
    expect(history.out).toMatch(/TaskCreated[\s\S]*TaskPaused[\s\S]*TaskResumed[\s\S]*TaskTriggered[\s\S]*TaskSucceeded/);
    const stats = await json<{ finished: number; successRate: number }>('task', 'stats', taskId);
    expect(stats).toMatchObject({ finished: 1, successRate: 1 });
    const audit = await run('audit', 'verify', taskId);
    expect(audit).toMatchObject({ code: 0, out: expect.stringContaining('OK: every hash chain holds') });

    // An execution's id goes where a task's does; an id that is neither is no empty history and no clean audit.
    expect((await run('history', executionId)).out.trim().split('\n').map((line) => line.trim().split(/\s+/)[4])).toEqual([
      'TaskDue',
      'TaskStarted',
      'TaskSucceeded',
    ]);
    // --last reads from the latest back and shows them in commit order, as the whole history ends.
    const typesOf = (out: string) => out.trim().split('\n').map((line) => line.trim().split(/\s+/)[4]);
    expect(typesOf((await run('history', executionId, '--last', '2')).out)).toEqual(['TaskStarted', 'TaskSucceeded']);
    expect(typesOf((await run('history', taskId, '--last', '3')).out)).toEqual(typesOf(history.out).slice(-3));
    expect(await run('history', taskId, '--last', '2', '--after', '1')).toMatchObject({ code: 2, err: expect.stringContaining('--after or --last') });
    expect(await run('audit', 'verify', executionId)).toMatchObject({ code: 0, out: expect.stringMatching(/OK: every hash chain holds\s+streams:\s+1\s+events:\s+3/) });
    const neither = 'no-such-task-or-execution';
    for (const args of [['history', neither], ['audit', 'verify', neither], ['history', '--execution', neither], ['exec', 'list', '--task', neither]]) {
      expect(await run(...args)).toMatchObject({ code: 1, out: '', err: expect.stringContaining('NOT_FOUND') });
    }
    expect((await run('history', neither)).err).toContain(`no task or execution has the id or name "${neither}"`);
  });

  it('error replies exit 1 with the code; backfill and cancel are wired; rebuild reports its speed', async () => {
    const missing = await run('task', 'get', 'no-such-task');
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });
    // With --json a failure is the structured error, as a result is JSON.
    const missingJson = await run('--json', 'task', 'get', 'no-such-task');
    expect(missingJson).toMatchObject({ code: 1, out: '' });
    expect(JSON.parse(missingJson.err)).toEqual({ error: { code: 'NOT_FOUND', message: 'no task has the id or name "no-such-task"', details: { task: 'no-such-task' } } });
    const invalid = await run('task', 'create', '--name', 'x', '--executor', 'noop', '--every', '10ms');
    expect(invalid).toMatchObject({ code: 1, err: expect.stringContaining('schedules.0.every') });
    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - 3 * hour + 1).toISOString();
    const backfill = await json<{ occurrences: number }>('task', 'backfill', taskId, '--from', from, '--to', new Date().toISOString());
    expect(backfill.occurrences).toBe(3);
    // A failed command: its error and each attempt's log (its stdout), one line each, under the task's name.
    const { taskId: failing } = await json<{ taskId: string }>('task', 'create', '--name', 'fails loudly', '--executor', 'command', '--max-retries', '0',
      '--config', JSON.stringify({ argv: ['sh', '-c', 'echo partial output; echo broken >&2; exit 3'] }));
    const { executionId: failed } = await json<{ executionId: string }>('task', 'trigger', failing);
    await run('exec', 'tail', '--execution', failed);
    const shown = await run('exec', 'get', failed);
    expect(shown.out).toContain(`task:        fails loudly (${failing})\n`);
    expect(shown.out).toContain('error:       CommandFailed: sh exited with code 3: broken\n');
    expect(shown.out).toMatch(/\nattempt 1 log:\n {2}\S+ \S+ {2}info {3}exited with code 3\n {2}\S+ \S+ {2}info {3}stdout: partial output\n/);
    const cancelUnknown = await run('exec', 'cancel', 'no-such-execution');
    expect(cancelUnknown.code).toBe(1);
    const rebuild = await run('rebuild');
    expect(rebuild).toMatchObject({ code: 0, out: expect.stringMatching(/rebuilt the read models of 1 projector instance:\n  test: \d+ events in \d+ ms/) });
  });

  it('takes a task by its name wherever it takes a task id', async () => {
    const name = 'nightly report by name';
    const { taskId: id } = await json<{ taskId: string }>('task', 'create', '--name', name, '--executor', 'noop');
    expect(await json('task', 'pause', name)).toMatchObject({ taskId: id, events: ['TaskPaused'] });
    expect(await json('task', 'get', name)).toMatchObject({ taskId: id, state: 'paused' });
    expect(await json('task', 'get', name, '--as-of', new Date(Date.now() + 60_000).toISOString())).toMatchObject({ streamId: `task-${id}` });
    expect(await json('task', 'resume', name)).toMatchObject({ taskId: id, events: ['TaskResumed'] });
    const { executionId } = await json<{ executionId: string }>('task', 'trigger', name);
    await run('exec', 'tail', '--execution', executionId);
    expect(await json('exec', 'get', executionId)).toMatchObject({ taskId: id, status: 'succeeded' });
    const listed = await json<{ items: { executionId: string }[] }>('exec', 'list', '--task', name);
    expect(listed.items.map((e) => e.executionId)).toEqual([executionId]);
    expect(await json('task', 'stats', name)).toMatchObject({ taskId: id, finished: 1 });
    // A trigger by name with a commandId, retried: the same execution, exit 0 both times (it was CONFLICT the second).
    const once = await json<{ executionId: string }>('task', 'trigger', name, '--command-id', 'by-name-once');
    expect(await json('task', 'trigger', name, '--command-id', 'by-name-once')).toEqual(once); // the same reply
    await run('exec', 'tail', '--execution', once.executionId);
    expect((await run('history', name)).out).toMatch(/TaskCreated[\s\S]*TaskPaused[\s\S]*TaskSucceeded/);
    expect(await run('audit', 'verify', name)).toMatchObject({ code: 0, out: expect.stringContaining('OK: every hash chain holds') });
    // Neither an id nor a name: said so, whether it could be an id or not.
    for (const ref of ['no task has this name', 'no-such-name']) {
      expect(await run('task', 'pause', ref)).toMatchObject({ code: 1, err: expect.stringContaining(`NOT_FOUND: no task has the id or name "${ref}"`) });
    }
    // A deleted task's id: the server's answer (it was deleted), not "no task has the id or name".
    const { taskId: deleted } = await json<{ taskId: string }>('task', 'create', '--name', 'deleted by id', '--executor', 'noop');
    await json('task', 'delete', deleted);
    for (const verb of ['pause', 'resume', 'trigger', 'delete']) {
      expect(await run('task', verb, deleted)).toMatchObject({ code: 1, err: expect.stringContaining(`NOT_FOUND: Task ${deleted} was deleted`) });
    }
    // A refusal that is not about the task stays what it was.
    expect(await run('task', 'backfill', name, '--from', 'yesterday', '--to', 'today')).toMatchObject({ code: 1, err: expect.stringContaining('VALIDATION') });
  });

  it('a schedule that fired its maxFires shows no next fire, and next says why', async () => {
    const { taskId: id } = await json<{ taskId: string }>('task', 'create', '--name', 'twice', '--executor', 'noop',
      '--schedule', JSON.stringify({ type: 'interval', every: '1s', maxFires: 2 }));
    await waitFor(async () => (await json<{ items: { status: string }[] }>('exec', 'list', '--task', id)).items.filter((e) => e.status === 'succeeded').length === 2, 10_000, 'two fires');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a third would have fired by now
    expect((await json<{ items: unknown[] }>('exec', 'list', '--task', id)).items).toHaveLength(2);
    const view = await json<{ nextFireAt?: string; scheduleStatus: string }>('task', 'get', id);
    expect(view).toMatchObject({ scheduleStatus: 'succeeded' });
    expect(view.nextFireAt).toBeUndefined();
    expect((await run('task', 'next', id)).out).toContain(`task ${id} has no fires ahead`);
    // Listed by its schedule status: every row listed has it; a status that is none is a usage error.
    const succeeded = await json<{ items: { taskId: string; scheduleStatus: string }[] }>('task', 'list', '--status', 'succeeded', '--status', 'failed');
    expect(succeeded.items.map((task) => task.taskId)).toContain(id);
    expect(succeeded.items.filter((task) => !['succeeded', 'failed'].includes(task.scheduleStatus))).toEqual([]);
    expect(await run('task', 'list', '--status', 'broken')).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are disabled, paused, pending') });
  });

  it('task create --disabled: off the timer until enabled', async () => {
    const created = await json<{ taskId: string; events: string[] }>('task', 'create', '--name', 'not yet', '--executor', 'noop', '--every', '1s', '--disabled');
    expect(created.events).toEqual(['TaskCreated', 'TaskDisabled']);
    expect(await json<{ scheduleStatus: string }>('task', 'get', created.taskId)).toMatchObject({ scheduleStatus: 'disabled' });
  });

  it("a cron task in a time zone shows its fire times on that zone's wall clock too, DST included", async () => {
    const { taskId: id } = await json<{ taskId: string }>('task', 'create', '--name', 'ny-230', '--executor', 'noop', '--cron', '30 2 * * *', '--tz', 'America/New_York');
    const next = await run('task', 'next', id, '--after', '2027-03-12T12:00:00Z', '--count', '3');
    expect(next.out.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^OCCURRENCE\s+FIRES AT\s+IN AMERICA\/NEW_YORK$/),
      expect.stringMatching(/^2027-03-13 07:30:00Z\s+2027-03-13 07:30:00Z\s+2027-03-13 02:30:00 EST$/),
      // 02:30 does not exist that night: it fires as the clock jumps to 03:00.
      expect.stringMatching(/^2027-03-14 07:00:00Z\s+2027-03-14 07:00:00Z\s+2027-03-14 03:00:00 EDT$/),
      expect.stringMatching(/^2027-03-15 06:30:00Z\s+2027-03-15 06:30:00Z\s+2027-03-15 02:30:00 EDT$/),
    ]);
    expect((await run('task', 'get', id)).out).toMatch(/^next fire:\s+\d{4}-\d\d-\d\d \d\d:30:00Z \(\d{4}-\d\d-\d\d 02:30:00 E[SD]T\)$/m);
    // A UTC task's times are already its wall clock: no column.
    expect((await run('task', 'next', taskId, '--count', '1')).out.split('\n')[0]).toMatch(/^OCCURRENCE\s+FIRES AT$/);
  });

  it('exits 3 when nothing answers', async () => {
    const result = await main(['--url', 'nats://127.0.0.1:1', 'task', 'list'], { out: () => undefined, err: () => undefined, interactive: false });
    expect(result).toBe(3);
  });
});
