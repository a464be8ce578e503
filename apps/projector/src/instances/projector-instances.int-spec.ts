import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import { Subjects } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { ServingGate, loadConfig } from '@sched/messaging';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import type { ProjectionLagProbe } from '../lag/projection-lag.probe';
import type { ProjectorService } from '../projector.service';
import { HistoryController } from '../history/history.controller';
import type { HistoryService } from '../history/history.service';
import { RebuildFanOut } from '../history/rebuild-fan-out';
import { ProjectorInstances } from './projector-instances';

/** A projector whose catch-up at start ends when the test says so. */
function projectorCaughtUpAt(caughtUp: Promise<void>): ProjectorService {
  return { headPosition: async () => 1_000, waitForPosition: () => caughtUp } as unknown as ProjectorService;
}

/** A projector whose rebuild is over at once. */
const rebuiltAtOnce = { rebuild: async () => ({ events: 0, position: 0, durationMs: 1 }) } as unknown as ProjectorService;

describe('projector instances: a roll call, and read-model queries held while tables fill up (real nats-server)', () => {
  let nats: TestNats;
  const connections: NatsConnection[] = [];
  const started: ProjectorInstances[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterEach(async () => {
    for (const instance of started.splice(0)) instance.onModuleDestroy();
    for (const nc of connections.splice(0)) await nc.close();
  });
  afterAll(async () => {
    await nats.cleanup();
  });

  async function instance(instanceId: string, caughtUp: Promise<void>, lag = { seconds: 0 }): Promise<{ instances: ProjectorInstances; gate: ServingGate }> {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    const gate = new ServingGate();
    const probe = { status: async () => ({ position: 0, head: 0, lagSeconds: lag.seconds }) } as unknown as ProjectionLagProbe;
    const instances = new ProjectorInstances(projectorCaughtUpAt(caughtUp), loadConfig({ NATS_URL: nats.url, INSTANCE_ID: instanceId }), probe, gate, nc);
    instances.onApplicationBootstrap();
    started.push(instances);
    return { instances, gate };
  }

  it('alone, an instance catching up keeps answering; beside a ready one, it leaves its queries to it until caught up', async () => {
    const alone = await instance('first', Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 400)); // its catch-up (none: caught up) is over
    expect(alone.gate.isHeld(Subjects.query.taskList)).toBe(false);
    expect(await alone.instances.rollCall()).toMatchObject([{ instanceId: 'first', ready: true }]);

    let caughtUp!: () => void;
    const joining = await instance('second', new Promise<void>((resolve) => (caughtUp = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 400)); // the roll call it made at its start
    expect(await alone.instances.rollCall()).toMatchObject([
      { instanceId: 'first', ready: true },
      { instanceId: 'second', ready: false },
    ]);
    for (const subject of [Subjects.query.taskList, Subjects.query.stats, Subjects.query.projectorStatus]) expect(joining.gate.isHeld(subject)).toBe(true);
    // History, as-of and audit read the log, not its tables: served all along; so are commands.
    for (const subject of [Subjects.query.history, Subjects.query.asOf, Subjects.admin.projectorRebuild]) expect(joining.gate.isHeld(subject)).toBe(false);
    caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(joining.gate.isHeld(Subjects.query.taskList)).toBe(false);
    expect((await alone.instances.rollCall()).every((each) => each.ready)).toBe(true);
  });

  /** Instances a and b, both ready; then a rebuild on a that runs until `finish` is called. */
  async function rebuildBesideReady() {
    const a = await instance('a', Promise.resolve());
    const b = await instance('b', Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 400));
    let finish!: () => void;
    const rebuilding = a.instances.whileNotReady('rebuild', () => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { a, b, rebuilding, finish: () => finish() };
  }

  it('a rebuild beside a ready instance holds the queries while it runs; with every other instance not ready, it does not', async () => {
    const { a, b, rebuilding, finish } = await rebuildBesideReady();
    expect(a.gate.isHeld(Subjects.query.executionList)).toBe(true);
    // b's own rebuild now: a is not ready, so b keeps answering (from tables filling up: better than no answer).
    let finishB!: () => void;
    const rebuildingB = b.instances.whileNotReady('rebuild', () => new Promise<void>((resolve) => (finishB = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(b.gate.isHeld(Subjects.query.executionList)).toBe(false);
    finish();
    finishB();
    await Promise.all([rebuilding, rebuildingB]);
    expect(a.gate.isHeld(Subjects.query.executionList)).toBe(false);
  });

  it('a rebuild that left its queries to a ready instance answers them again once that one dies, and leaves them to the next ready one', async () => {
    const { a, b, rebuilding, finish } = await rebuildBesideReady();
    expect(a.gate.isHeld(Subjects.query.taskGet)).toBe(true);

    b.instances.onModuleDestroy(); // b dies: gone from the roll call
    const diedAt = Date.now();
    while (a.gate.isHeld(Subjects.query.taskGet) && Date.now() - diedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.gate.isHeld(Subjects.query.taskGet)).toBe(false);
    expect(Date.now() - diedAt).toBeLessThan(7_000); // two roll calls 2 s apart, each up to 1 s

    await instance('c', Promise.resolve()); // ready at once: a's queries go to it again
    const joinedAt = Date.now();
    while (!a.gate.isHeld(Subjects.query.taskGet) && Date.now() - joinedAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.gate.isHeld(Subjects.query.taskGet)).toBe(true);
    finish();
    await rebuilding;
    expect(a.gate.isHeld(Subjects.query.taskGet)).toBe(false);
  }, 20_000);

  it('an instance over 30 s behind (its batches failing, say) leaves its queries to a ready one until back within 5 s', async () => {
    const lag = { seconds: 0 };
    await instance('ready', Promise.resolve());
    const behind = await instance('behind', Promise.resolve(), lag);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const checkLag = () => (behind.instances as unknown as { checkLag(): Promise<void> }).checkLag();
    await checkLag();
    expect(behind.gate.isHeld(Subjects.query.stats)).toBe(false);
    lag.seconds = 45;
    const lagging = checkLag();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(behind.gate.isHeld(Subjects.query.stats)).toBe(true);
    expect((await behind.instances.rollCall()).find((each) => each.instanceId === 'behind')?.ready).toBe(false);
    lag.seconds = 2;
    await lagging; // its next check (5 s on) finds it back
    expect(behind.gate.isHeld(Subjects.query.stats)).toBe(false);
  }, 20_000);

  /**
   * `first` coordinates a rebuild of every instance; `doomed` takes its rebuild request and never answers: `dies`
   * says how it goes. Resolves with the error the rebuild ends with, long before REBUILD_TIMEOUT_MS (30 minutes).
   */
  async function rebuildWhileDoomedDies(dies: (doomed: ProjectorInstances) => Promise<unknown>): Promise<unknown> {
    const first = await instance('first', Promise.resolve());
    const doomed = await instance('doomed', Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 400));
    connections[connections.length - 1].subscribe(Subjects.admin.projectorRebuildEach, { callback: () => void dies(doomed.instances) });
    const fanOut = new RebuildFanOut(rebuiltAtOnce, first.instances, loadConfig({ NATS_URL: nats.url, INSTANCE_ID: 'first' }), connections[0]);
    const startedAt = Date.now();
    const error = await fanOut.rebuildAll().then(() => undefined, (failure: unknown) => failure);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    return error;
  }

  it('a rebuild of every instance gives up on one that died during its rebuild, naming it (it waited 30 minutes)', async () => {
    // It dies, and leaves the roll call with it.
    expect(await rebuildWhileDoomedDies(async (doomed) => doomed.onModuleDestroy())).toMatchObject({
      code: 'INTERNAL',
      message: 'rebuild failed on doomed (it stopped answering the roll call during its rebuild (it died, or lost NATS))',
    });
  }, 20_000);

  it('a rebuild of every instance names one that restarted during its rebuild under the same id (it waited 30 minutes)', async () => {
    // A container restarted in place keeps its default id (`<hostname>-<pid>`, pid 1): the new process answers the
    // roll call under it at once, but never got the request.
    const restarted = async (doomed: ProjectorInstances) => {
      doomed.onModuleDestroy();
      await instance('doomed', Promise.resolve());
    };
    expect(await rebuildWhileDoomedDies(restarted)).toMatchObject({
      code: 'INTERNAL',
      message: 'rebuild failed on doomed (it restarted during its rebuild (the process now answering under its id was not asked to rebuild))',
    });
  }, 20_000);

  it('a rebuild request meant for an earlier process under the same id is not taken up by the one answering now', async () => {
    const now = await instance('same-id', Promise.resolve());
    const fanOut = new RebuildFanOut(rebuiltAtOnce, now.instances, loadConfig({ NATS_URL: nats.url, INSTANCE_ID: 'same-id' }), connections[0]);
    fanOut.onApplicationBootstrap();
    try {
      const ask = (incarnation?: string) => connections[0].request(Subjects.admin.projectorRebuildEach, JSON.stringify({ instanceId: 'same-id', incarnation }), { timeout: 500 });
      await expect(ask('an-earlier-process')).rejects.toThrow(); // no answer: the coordinator counts that process as gone
      expect((await ask(now.instances.self().incarnation)).json()).toMatchObject({ instanceId: 'same-id', events: 0 });
      expect((await ask()).json()).toMatchObject({ instanceId: 'same-id' }); // from a coordinator older than incarnations
    } finally {
      fanOut.onModuleDestroy();
    }
  });

  it('a caller waiting for a rebuild learns within seconds that the projector coordinating it died (it waited out its timeout: 10 minutes for schedctl)', async () => {
    const coordinator = await instance('coordinator', Promise.resolve());
    await instance('other', Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 400));
    const coordinatorNc = connections[0];
    // Its own rebuild comes first ('coordinator' sorts before 'other'), and lasts until the test ends: it dies in it.
    let finish!: () => void;
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const slowRebuild = { rebuild: async () => ended.then(() => ({ events: 0, position: 0, durationMs: 1 })) } as unknown as ProjectorService;
    const fanOut = new RebuildFanOut(slowRebuild, coordinator.instances, loadConfig({ NATS_URL: nats.url, INSTANCE_ID: 'coordinator' }), coordinatorNc);
    const controller = new HistoryController({} as HistoryService, fanOut, {} as EventStore);
    // Only this instance takes the command, so it is the one coordinating (as if the queue group had picked it).
    coordinatorNc.subscribe(Subjects.admin.projectorRebuild, {
      callback: (error, msg) => {
        // Its rebuild goes on in this test process after it "died" (its connection closed): it answers nothing.
        if (!error) void controller.rebuild(msg.json()).then((result) => msg.respond(JSON.stringify({ ok: true, result })), () => undefined);
      },
    });
    const caller = await SchedClient.connect(nats.url);
    try {
      const answer = caller.rebuildReadModels(60_000).then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // mid-rebuild, and named coordinating it
      expect((await coordinator.instances.rollCall()).find((each) => each.instanceId === 'coordinator')?.coordinating).toHaveLength(1);
      coordinator.instances.onModuleDestroy(); // it dies: its connection too
      await coordinatorNc.close();
      const diedAt = Date.now();
      expect(await answer).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/^the projector coordinating the rebuild \(coordinator\) stopped answering .*; run the rebuild again$/),
        details: { coordinator: 'coordinator' },
      });
      expect(Date.now() - diedAt).toBeLessThan(10_000);
    } finally {
      finish();
      await caller.close();
    }
  }, 30_000);
});
