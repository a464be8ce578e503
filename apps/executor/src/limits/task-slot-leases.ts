import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { WORK_ACK_WAIT_MS } from '@sched/messaging';

export const TASK_SLOTS_BUCKET = 'sched_task_slots';
/** A holder that stops refreshing (its process died) loses its slot after this long: the work queue's ack wait. */
export const TASK_SLOT_LEASE_MS = WORK_ACK_WAIT_MS;
const MAX_CAS_ROUNDS = 10;

/**
 * executionId → lease expiry (epoch ms); `~<instant>_<executionId>` marks the one execution waiting under buffer-one
 * or cancel-other, `^<instant>_<executionId>` each execution waiting its turn under queue (keys in arrival order, see
 * acquire), and `!<instant>` the newest instant that claimed the waiting place under cancel-other.
 */
type Holders = Record<string, number>;
const WAITING = '~';
const QUEUED = '^';
const NEWEST = '!';
/** cancel-other: an older execution coming back within this long after a newer one claimed its place is skipped. */
const NEWEST_LEASE_MS = 10 * 60_000;
/**
 * A waiter comes back every second or so and keeps its place; one that stops coming back (its executor crashed)
 * loses it after this long. One that ends (cancelled, skipped) gives it up at once (leaveWaiting).
 */
const WAITER_LEASE_MS = 4_000;
/** A queued execution that stops coming back holds up the ones behind it this long at most (after its next check). */
const QUEUED_LEASE_MS = 5_000;
/** How seldom the furthest back of a long queue comes to look. */
const MAX_QUEUED_RECHECK_MS = 30_000;

/**
 * How soon an execution queued with `ahead` others before it for `max` slots asks again: within a second near the
 * head, less often further back, where no slot can be its for a while. Only the first of each executor's line asks
 * (QueueLines), so `ahead` counts the other executors' firsts: a backlog of hundreds each asking by itself (a
 * compare-and-set on the task's one key each) kept the executors busy with it, and other tasks' work waited.
 */
export const queuedRecheckMs = (ahead: number, max: number): number => Math.min(MAX_QUEUED_RECHECK_MS, Math.max(1_000, Math.round((ahead / (2 * max)) * 1_000)));

/** No slot: ask again after `retryInMs` (a queued execution: by its place in the queue), or the caller's default. */
export interface SlotRefused {
  readonly retryInMs?: number;
}
const isHolder = (id: string): boolean => !id.startsWith(WAITING) && !id.startsWith(QUEUED) && !id.startsWith(NEWEST);
/** An instant as text that sorts as the instants do (epoch ms, zero-padded). */
const instantKey = (orderMs: number): string => String(Math.max(0, orderMs)).padStart(15, '0');
/** Sorts as the instants do, then by execution id. */
const queuedKey = (orderMs: number, executionId: string): string => `${QUEUED}${instantKey(orderMs)}_${executionId}`;
const waitingKey = (orderMs: number, executionId: string): string => `${WAITING}${instantKey(orderMs)}_${executionId}`;
/** The waiting place of an execution other than `executionId`: a freed slot is owed to it first. */
const waitsOther = (id: string, executionId: string): boolean => id.startsWith(WAITING) && !id.endsWith(`_${executionId}`);
const isWaitingPlace = (id: string): boolean => id.startsWith(WAITING);
/** The queue place of `executionId` (see queuedKey), whatever its instant. */
const isQueuedPlaceOf = (id: string, executionId: string): boolean => id.startsWith(QUEUED) && id.length === queuedKey(0, executionId).length && id.endsWith(`_${executionId}`);

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; task ids may also hold '@' and ':'. */
const toKey = (taskId: string): string => taskId.replace(/[@:=]/g, (c) => `=${c.charCodeAt(0).toString(16)}`);

/** How an execution takes its place for a slot, by its task's overlap policy (see acquire). */
export interface SlotOrder {
  /** queue: the instant it waits its turn by. */
  readonly queuedAtMs?: number;
  /** buffer-one, a first attempt: a free slot goes to the execution already waiting first. */
  readonly yieldsToWaiter?: boolean;
  /** cancel-other: its instant; one older than the newest that took a slot or the waiting place never runs. */
  readonly newestAtMs?: number;
}

export interface TaskSlotLease {
  refresh(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Per-task concurrency across every executor process (a task's `maxConcurrent`): one KV key per task holds the
 * executions currently holding a slot, each with an expiry, changed only by compare-and-set on the key's revision.
 * Holders refresh with their heartbeat; a crashed holder's entry expires. An execution that already holds a slot
 * (its retry, after WorkerLost) takes it over. Tasks without maxConcurrent never touch the bucket.
 */
export class TaskSlotLeases {
  private constructor(
    private readonly kv: KV,
    private readonly now: () => number,
  ) {}

  static async open(nc: NatsConnection, now: () => number = Date.now): Promise<TaskSlotLeases> {
    return new TaskSlotLeases(await new Kvm(nc).create(TASK_SLOTS_BUCKET, { history: 1 }), now);
  }

  /**
   * A lease if fewer than `max` other executions hold one, else undefined. With `queuedAtMs` (overlap queue: the
   * execution's instant) executions take the slots in that order: one that finds no slot free, or one free that an
   * execution queued before it is owed, records its place and is refused; it takes a slot once those before it did
   * (or stopped coming back for QUEUED_LEASE_MS). Under buffer-one a first attempt yields a free slot to the one
   * waiting; under cancel-other the newest execution takes a free slot at once, and an older one never does.
   * Otherwise (retries too) whoever comes first after a slot frees takes it.
   */
  async acquire(taskId: string, max: number, executionId: string, order: SlotOrder = {}): Promise<TaskSlotLease | undefined> {
    const result = await this.tryAcquire(taskId, max, executionId, order);
    return 'release' in result ? result : undefined;
  }

  /** As acquire; refused, when to ask again (queuedRecheckMs for a queued execution: its place holds until then). */
  async tryAcquire(taskId: string, max: number, executionId: string, order: SlotOrder = {}): Promise<TaskSlotLease | SlotRefused> {
    const key = toKey(taskId);
    const { queuedAtMs, yieldsToWaiter = false, newestAtMs } = order;
    const place = queuedAtMs === undefined ? undefined : queuedKey(queuedAtMs, executionId);
    const newest = newestAtMs === undefined ? undefined : `${NEWEST}${instantKey(newestAtMs)}`;
    let granted = false;
    let queuedAhead = 0;
    await this.change(key, (holders) => {
      const ids = Object.keys(holders);
      const others = ids.filter((id) => isHolder(id) && id !== executionId);
      queuedAhead = place === undefined ? 0 : ids.filter((id) => id.startsWith(QUEUED) && id < place).length;
      // buffer-one: the execution waiting takes the next free slot, not a first attempt arriving as it frees.
      const waiterAhead = yieldsToWaiter && ids.some((id) => waitsOther(id, executionId)) ? 1 : 0;
      // cancel-other: one that a newer execution replaced never runs (it is skipped; see wait).
      const superseded = newest !== undefined && ids.some((id) => id.startsWith(NEWEST) && id > newest);
      granted = !superseded && others.length + queuedAhead + waiterAhead < max;
      if (!granted) {
        // Kept or taken; a place with more than half its lease left is not written again (fewer writes to a hot key).
        // The place must outlast the execution's next check, with some to spare.
        const recheckMs = queuedRecheckMs(queuedAhead, max);
        if (place === undefined || (holders[place] ?? 0) - this.now() > recheckMs + QUEUED_LEASE_MS / 2) return undefined;
        return { ...holders, [place]: this.now() + recheckMs + QUEUED_LEASE_MS };
      }
      // It runs: its own places go; under cancel-other so do older waiters' (they were replaced), and it is the newest.
      const drop = (id: string): boolean =>
        id === place || (isWaitingPlace(id) && (!waitsOther(id, executionId) || newest !== undefined)) || (newest !== undefined && id.startsWith(NEWEST));
      const rest = Object.fromEntries(Object.entries(holders).filter(([id]) => !drop(id)));
      return { ...rest, ...(newest === undefined ? {} : { [newest]: this.now() + NEWEST_LEASE_MS }), [executionId]: this.now() + TASK_SLOT_LEASE_MS };
    });
    if (!granted) return place === undefined ? {} : { retryInMs: queuedRecheckMs(queuedAhead, max) };
    return {
      refresh: async () => {
        await this.change(key, (holders) => ({ ...holders, [executionId]: this.now() + TASK_SLOT_LEASE_MS }));
      },
      release: async () => {
        await this.change(key, (holders) => {
          const { [executionId]: _released, ...rest } = holders;
          return rest;
        });
      },
    };
  }

  /**
   * Takes (or keeps) the task's single waiting place; false when it may not. buffer-one: the first execution to wait
   * keeps it, any other is refused. cancel-other (`newestWins`): the newest instant takes it from an older waiter,
   * and an execution older than the newest that ever claimed it is refused (it would cancel its replacement).
   */
  async wait(taskId: string, executionId: string, orderMs: number, newestWins = false): Promise<boolean> {
    const mine = waitingKey(orderMs, executionId);
    return this.change(toKey(taskId), (holders) => {
      const others = Object.keys(holders).filter((id) => waitsOther(id, executionId));
      if (!newestWins) return others.length > 0 ? undefined : { ...holders, [mine]: this.now() + WAITER_LEASE_MS };
      const newest = `${NEWEST}${instantKey(orderMs)}`;
      const newer = Object.keys(holders).some((id) => id.startsWith(NEWEST) && id > newest);
      if (newer) return undefined;
      const rest = Object.fromEntries(Object.entries(holders).filter(([id]) => !others.includes(id) && !id.startsWith(NEWEST)));
      return { ...rest, [mine]: this.now() + WAITER_LEASE_MS, [newest]: this.now() + NEWEST_LEASE_MS };
    });
  }

  /** An execution that ended while it waited (cancelled, skipped) gives its waiting place, or its queue place, up at once. */
  async leaveWaiting(taskId: string, executionId: string): Promise<void> {
    await this.change(toKey(taskId), (holders) => {
      const mine = Object.keys(holders).filter((id) => (isWaitingPlace(id) && !waitsOther(id, executionId)) || isQueuedPlaceOf(id, executionId));
      return mine.length === 0 ? undefined : Object.fromEntries(Object.entries(holders).filter(([id]) => !mine.includes(id)));
    });
  }

  /** The executions holding a slot of the task right now. */
  async holders(taskId: string): Promise<string[]> {
    const entry = await this.kv.get(toKey(taskId));
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return [];
    const now = this.now();
    return Object.entries(entry.json<Holders>())
      .filter(([id, expiresAt]) => isHolder(id) && expiresAt > now)
      .map(([id]) => id);
  }

  /** Read, drop expired holders, apply `update` (undefined = refuse), write back if the key did not change meanwhile. */
  private async change(key: string, update: (holders: Holders) => Holders | undefined): Promise<boolean> {
    for (let round = 0; round < MAX_CAS_ROUNDS; round += 1) {
      const entry = await this.kv.get(key);
      const stored: Holders = entry && entry.operation === 'PUT' && entry.length > 0 ? entry.json<Holders>() : {};
      const now = this.now();
      const live = Object.fromEntries(Object.entries(stored).filter(([, expiresAt]) => expiresAt > now));
      const next = update(live);
      if (!next) return false;
      try {
        if (entry) await this.kv.update(key, JSON.stringify(next), entry.revision);
        else await this.kv.create(key, JSON.stringify(next));
        return true;
      } catch {
        // Another holder changed the key first: read it again.
      }
    }
    throw new Error(`task slots of ${key}: still contended after ${MAX_CAS_ROUNDS} rounds`);
  }
}
