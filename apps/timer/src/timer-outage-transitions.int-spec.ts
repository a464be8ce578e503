import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { toTaskStreamId, type TaskDue, type TaskSkipped } from '@sched/contracts';
import { taskDecider, type TaskCommand } from '@sched/domain';
import { createJetStreamEventStore, handleCommand, type EventStore } from '@sched/event-store';
import { useTestNats } from '../../../test/support/nats';
import { createEverySecondTask, secondsBetween, sleep } from '../../../test/timer/timer-harness';
import { startOnePartitionTimer } from './testing/start-one-partition-timer';
import type { TimerService } from './timer.service';

type Activity = 'active' | 'paused' | 'off';

/** No fire-ahead, a 1 s misfire threshold: the outage is all catch-up, each second exactly one side of a transition. */
const startTimer = (store: EventStore, nats: { readonly url: string }, nc: NatsConnection): Promise<TimerService> =>
  startOnePartitionTimer(store, nats, nc, { INSTANCE_ID: 'outage-transitions', TIMER_FIRE_AHEAD_MS: '0', TIMER_MISFIRE_THRESHOLD_MS: '1000' });

/** Waits for the middle of a second, so no transition lands next to an occurrence of the every-second task. */
const toMidSecond = (): Promise<void> => sleep((1_500 - (Date.now() % 1_000)) % 1_000);

type Transition = 'DisableTask' | 'EnableTask' | 'PauseTask' | 'ResumeTask';

/** Runs a task command as the gateway does (the task decider through the command handler). */
async function command(store: EventStore, taskId: string, type: Transition): Promise<void> {
  const nowMs = Date.now();
  const data = type === 'DisableTask' || type === 'EnableTask' ? { taskId } : { taskId, nowMs };
  await handleCommand(store, toTaskStreamId(taskId), taskDecider, { type, data } as TaskCommand, { correlationId: type, causationId: type, actor: 'test', nowMs });
}

/** What the task's history says of each second from its creation on: a transition at t applies from after t. */
async function activityOf(store: EventStore, taskId: string): Promise<(atMs: number) => Activity> {
  const transitions: Array<{ atMs: number; type: string }> = [];
  for (const event of await store.read(toTaskStreamId(taskId))) transitions.push({ atMs: Date.parse(event.metadata.occurredAt), type: event.type });
  return (atMs) => {
    let paused = false;
    let disabled = false;
    for (const { atMs: at, type } of transitions.filter((t) => t.atMs < atMs)) {
      if (type === 'TaskPaused' || type === 'TaskResumed') paused = type === 'TaskPaused';
      if (type === 'TaskDisabled' || type === 'TaskEnabled') disabled = type === 'TaskDisabled';
    }
    return disabled ? 'off' : paused ? 'paused' : 'active';
  };
}

/** Each whole second the task's executions stand for: fired, or recorded as a paused skip (a range of them for one skip). */
async function recordedSeconds(store: EventStore, taskId: string): Promise<Map<number, string>> {
  const dues = new Map<string, TaskDue['data']>();
  const skips = new Map<string, TaskSkipped['data']>();
  for await (const event of store.readAll({ filter: { streamPrefixes: [`execution-${taskId}@`] } })) {
    if (event.type === 'TaskDue') dues.set(event.streamId, event.data as TaskDue['data']);
    if (event.type === 'TaskSkipped') skips.set(event.streamId, event.data as TaskSkipped['data']);
  }
  const seconds = new Map<number, string>();
  const record = (atMs: number, what: string): void => void seconds.set(atMs, seconds.has(atMs) ? `${seconds.get(atMs)}+${what}` : what);
  for (const [stream, due] of dues) {
    const skip = skips.get(stream);
    if (!skip) record(Date.parse(due.scheduledAt), 'fired');
    else if (skip.missedFrom === undefined) record(Date.parse(due.scheduledAt), `skipped:${skip.reason}`);
    else for (const s of secondsBetween(Date.parse(skip.missedFrom), Date.parse(skip.missedTo!))) record(s, `skipped:${skip.reason}`);
  }
  return seconds;
}

/**
 * Transitions of a task while no timer runs, played back by the next timer's catch-up as a running timer would have
 * handled them: a second while enabled and not paused fires (its misfire policy: fire-all), one while paused is
 * recorded as a paused skip, one while disabled is neither. Before, only the last disable, pause and resume were
 * kept: disable → enable → disable fired the first disabled stretch; pause → resume → pause recorded nothing before
 * the resume.
 */
describe('timer catch-up of several transitions made while it was stopped (real nats-server and JetStream store)', () => {
  const servers = useTestNats();
  beforeAll(() => Logger.overrideLogger(['error']));

  const cases: Record<string, readonly Transition[]> = {
    toggled: ['DisableTask', 'EnableTask', 'DisableTask'],
    'paused-twice': ['PauseTask', 'ResumeTask', 'PauseTask'],
    mixed: ['PauseTask', 'DisableTask', 'ResumeTask', 'EnableTask'],
  };
  let store: EventStore;
  let startedMs: number;
  let stoppedMs: number;

  /**
   * One outage for every case's task (one timer, one partition): the tasks' transitions go in step, the i-th of each
   * at the same mid-second, so the three cases take the time of the longest.
   */
  beforeAll(async () => {
    store = await createJetStreamEventStore(servers.nc);
    for (const taskId of Object.keys(cases)) await createEverySecondTask(store, taskId, { misfire: { policy: 'fire-all', catchupWindowMs: 3_600_000 } });
    let timer = await startTimer(store, servers.nats, servers.nc);
    startedMs = Date.now();
    try {
      await sleep(1_500);
      await timer.onModuleDestroy(); // saves its watermark: the next start catches up from there
      await sleep(1_000);
      const steps = Math.max(...Object.values(cases).map((transitions) => transitions.length));
      for (let step = 0; step < steps; step++) {
        await toMidSecond();
        await Promise.all(Object.entries(cases).map(([taskId, transitions]) => (transitions[step] ? command(store, taskId, transitions[step]) : undefined)));
        await sleep(1_200);
      }
      await sleep(1_000);
      timer = await startTimer(store, servers.nats, servers.nc);
      await sleep(1_500);
    } finally {
      await timer.onModuleDestroy();
    }
    stoppedMs = Date.now();
  }, 30_000);
  afterAll(() => store?.close());

  /** Every second from after the first start to before the last stop, as the task's history says it stood, fired or recorded as it should. */
  async function expectPlayedBack(taskId: string): Promise<void> {
    const activity = await activityOf(store, taskId);
    const recorded = await recordedSeconds(store, taskId);
    const expected = { active: 'fired', paused: 'skipped:paused', off: undefined };
    // A margin either side for the starts and stops themselves.
    const checked = secondsBetween(startedMs + 1_000, stoppedMs - 1_000);
    expect(checked.map((s) => [new Date(s).toISOString(), activity(s), recorded.get(s)])).toEqual(
      checked.map((s) => [new Date(s).toISOString(), activity(s), expected[activity(s)]]),
    );
  }

  it('disable → enable → disable: the enabled stretches fire, neither disabled stretch does', () => expectPlayedBack('toggled'));

  it('pause → resume → pause: the active stretches fire, both paused stretches are recorded as paused skips', () => expectPlayedBack('paused-twice'));

  it('pause → disable → resume → enable: paused skip, nothing while disabled, then fires again', () => expectPlayedBack('mixed'));
});
