import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { RecordedEvent } from '@sched/contracts';
import { createJetStreamEventStore, type EventStore } from '@sched/event-store';
import { main } from '../../apps/schedctl/src/cli';
import { createTask, isExecutionEnd, trigger, waitForHistory } from '../support/executions';
import { startTestNats, type TestNats } from '../support/nats';
import { startTestSystem, type TestSystem } from '../support/system';

const everything = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
};
const identity = ({ streamId, revision, id, type, data, metadata }: RecordedEvent) => ({ streamId, revision, id, type, data, metadata });

/** `schedctl export` from the running system's JetStream log, `schedctl import` into a fresh nats-server. */
describe('schedctl export / import', () => {
  let system: TestSystem;
  let target: TestNats;
  let dir: string;

  const run = async (url: string, ...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(['--url', url, '--json', ...args], { out: (t: string) => void (out += t), err: (t: string) => void (err += t), interactive: false });
    if (code !== 0) throw new Error(`schedctl ${args.join(' ')}: exit ${code}: ${err}`);
    return JSON.parse(out) as Record<string, number>;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    target = await startTestNats();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schedctl-transfer-'));
  });
  afterAll(async () => {
    await system?.close();
    await target?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an export to a file it cannot write is a usage error before anything is read (it crashed with a stack trace)', async () => {
    await expect(run(system.nats.url, 'export', '--out', path.join(dir, 'no-such-dir', 'history.ndjson'))).rejects.toThrow(
      /exit 2: \{"error":\{"code":"USAGE","message":"cannot write .*no-such-dir.*ENOENT/, // --json: the structured error
    );
  });

  it('an export of an empty log says so on stderr, naming where else events may be (it reported 0 exported in silence)', async () => {
    const empty = await startTestNats();
    try {
      let [out, err] = ['', ''];
      const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), interactive: false };
      expect(await main(['--url', empty.url, '--json', 'export', '--out', path.join(dir, 'empty.ndjson')], io)).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ events: 0 });
      expect(err).toContain(`the event log at ${empty.url} holds no events`);
      expect(err).toContain('EVENT_STORE=memory');
    } finally {
      await empty.cleanup();
    }
  });

  it('moves the full history with its order, ids, metadata and hash chains; a second import appends nothing', async () => {
    const taskId = await createTask(system, { name: 'exported', executor: 'noop' });
    for (let i = 0; i < 3; i += 1) {
      await waitForHistory(system.store, await trigger(system, taskId), (events) => events.some(isExecutionEnd), 10_000, 'its end');
    }
    const file = path.join(dir, 'history.ndjson');
    const exported = await run(system.nats.url, 'export', '--out', file);
    const source = (await everything(system.store)).filter((event) => event.position <= exported.lastPosition);
    expect(exported.events).toBe(source.length);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(source.length);

    const imported = await run(target.url, 'import', file);
    expect(imported.appended).toBe(source.length);
    const nc = await connect({ servers: target.url });
    const copy = await createJetStreamEventStore(nc);
    try {
      expect((await everything(copy)).map(identity)).toEqual(source.map(identity));
      expect(source.some((event) => typeof event.metadata.hash === 'string')).toBe(true);
      const again = await run(target.url, 'import', file);
      expect(again).toMatchObject({ appended: 0, skipped: source.length });
    } finally {
      await copy.close();
      await nc.close();
    }
  });

  it("refuses to import into a store services run against (they would act on the events as they arrive); --force does", async () => {
    const file = path.join(dir, 'into-running.ndjson');
    await run(target.url, 'export', '--out', file); // the target's history: every stream of it is in the running system's too, or not
    const before = await system.store.headPosition();
    let err = '';
    const io = { out: () => undefined, err: (text: string) => void (err += text), interactive: false };
    expect(await main(['--url', system.nats.url, 'import', file], io)).toBe(1);
    expect(err).toMatch(/CONFLICT: the target is in use: executors test, workflow services test and timers test run against it, .* stop its services first .*, or pass --force/);
    expect(await system.store.headPosition()).toBe(before);
    const forced = await run(system.nats.url, 'import', file, '--force');
    expect(forced.appended + forced.skipped).toBeGreaterThan(0);
  });

  it('a file that is not an export is a usage error (exit 2), as a bad task file is', async () => {
    const file = path.join(dir, 'not-an-export.ndjson');
    fs.writeFileSync(file, '{"streamId":"task-1"}\n');
    let err = '';
    const io = { out: () => undefined, err: (text: string) => void (err += text), interactive: false };
    expect(await main(['--url', target.url, 'import', file], io)).toBe(2);
    expect(err).toMatch(/^error: line 1: expected \{streamId, revision, id, type, data, metadata\[, commit\]\}/);
  });
});
