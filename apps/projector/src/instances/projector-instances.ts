import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MAX_PROJECTOR_LAG_SECONDS, Subjects, type ProjectorInstanceView } from '@sched/contracts';
import { MISSED_ROLL_CALLS, ROLL_CALL_EVERY_MS, callProjectorRoll } from '@sched/client';
import { NATS_CONNECTION, SCHED_CONFIG, ServingGate, type SchedConfig } from '@sched/messaging';
import { ProjectionLagProbe } from '../lag/projection-lag.probe';
import { ProjectorService } from '../projector.service';


/** The queries answered from this instance's tables (history, as-of and audit read the log, and stay served). */
const READ_MODEL_QUERIES: ReadonlySet<string> = new Set([
  Subjects.query.taskGet,
  Subjects.query.taskList,
  Subjects.query.executionGet,
  Subjects.query.executionList,
  Subjects.query.stats,
  Subjects.query.workflowGet,
  Subjects.query.workflowList,
  Subjects.query.projectorStatus,
]);
/** How often an instance checks its lag; one further behind than MAX_PROJECTOR_LAG_SECONDS is not ready until back under this. */
const LAG_CHECK_EVERY_MS = 5_000;
const READY_AGAIN_LAG_SECONDS = 5;

/**
 * Projector instances keep read models of their own, and each query goes to any of them (a queue group). An
 * instance whose tables are filling up (a rebuild, the catch-up after its start) stops serving the queries they
 * answer while another instance is ready to, so answers never go back in time from one request to the next (a
 * stats total of 0 from a rebuilding instance, 16k from the other). Alone, it goes on answering (from tables filling
 * up, as before: better than nothing). Every instance answers a roll call on a subject with no queue group.
 */
@Injectable()
export class ProjectorInstances implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projector');
  private readonly notReady = new Set<string>();
  /** The commandIds of the rebuilds this instance coordinates (see whileCoordinating). */
  private readonly coordinating = new Set<string>();
  private readonly incarnation = randomUUID();
  private subscription?: Subscription;
  private lagCheck?: NodeJS.Timeout;

  constructor(
    private readonly projector: ProjectorService,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    @Optional() private readonly lag?: ProjectionLagProbe,
    @Optional() private readonly gate?: ServingGate,
    @Optional() @Inject(NATS_CONNECTION) private readonly nc?: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc?.subscribe(Subjects.admin.projectorInstances, {
      callback: (error, msg) => {
        if (!error) msg.respond(JSON.stringify(this.self()));
      },
    });
    // From its checkpoint to the head the log had at its start (everything, for a new instance).
    void this.whileNotReady('catch-up', async () => this.projector.waitForPosition(await this.projector.headPosition())).catch((error: unknown) =>
      this.logger.warn(`could not tell when the read models caught up: ${String(error)}`),
    );
    // Behind for another reason (batches failing, a slow disk): the same, until it is back near the head.
    this.lagCheck = setInterval(() => void this.checkLag(), LAG_CHECK_EVERY_MS);
    this.lagCheck.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.lagCheck);
    this.lagCheck = undefined;
    this.subscription?.unsubscribe();
  }

  private async checkLag(): Promise<void> {
    if (!this.lag || this.notReady.has('lagging') || (await this.lagSeconds()) <= MAX_PROJECTOR_LAG_SECONDS) return;
    this.logger.warn(`read models over ${MAX_PROJECTOR_LAG_SECONDS} s behind the log: not ready until back within ${READY_AGAIN_LAG_SECONDS} s`);
    await this.whileNotReady('lagging', async () => {
      while (this.lagCheck && (await this.lagSeconds()) > READY_AGAIN_LAG_SECONDS) await new Promise((resolve) => setTimeout(resolve, LAG_CHECK_EVERY_MS));
    });
  }

  private async lagSeconds(): Promise<number> {
    return (await this.lag!.status().catch(() => ({ lagSeconds: 0 }))).lagSeconds;
  }

  self(): ProjectorInstanceView {
    return { instanceId: this.config.instanceId, incarnation: this.incarnation, ready: this.notReady.size === 0, coordinating: [...this.coordinating] };
  }

  /**
   * Runs `work` (a rebuild of every instance) while the roll call says this instance coordinates `commandId`: the
   * caller waits on this one alone, and it is the only one that would answer (see the SDK's rebuildReadModels).
   */
  async whileCoordinating<T>(commandId: string | undefined, work: () => Promise<T>): Promise<T> {
    if (commandId === undefined) return work();
    this.coordinating.add(commandId);
    try {
      return await work();
    } finally {
      this.coordinating.delete(commandId);
    }
  }

  /** Every live projector instance (this one too), by instance id. */
  async rollCall(): Promise<ProjectorInstanceView[]> {
    if (!this.nc || !this.subscription) return [this.self()];
    return callProjectorRoll(this.nc);
  }

  /**
   * Runs `work` while this instance's tables are not ready (`reason`: a rebuild, the catch-up at start): its
   * read-model queries go to the other instances meanwhile, while one of them is ready. Checked again every
   * ROLL_CALL_EVERY_MS: once none has been for MISSED_ROLL_CALLS roll calls (the one it left them to died), this
   * one answers again. Judged once at the start, its queries found no responders until `work` ended (a rebuild:
   * up to 30 minutes), though it could answer them.
   */
  async whileNotReady<T>(reason: string, work: () => Promise<T>): Promise<T> {
    this.notReady.add(reason);
    const done = new AbortController();
    try {
      const check = this.holdWhileAnotherIsReady(reason, done.signal);
      await check();
      void (async () => {
        while (!done.signal.aborted) {
          await sleep(ROLL_CALL_EVERY_MS, undefined, { signal: done.signal }).catch(() => undefined);
          await check();
        }
      })();
      return await work();
    } finally {
      done.abort();
      this.notReady.delete(reason);
      this.gate?.release(reason);
    }
  }

  /** One roll call, then the hold for `reason` set or released by what it found; nothing once `done`. */
  private holdWhileAnotherIsReady(reason: string, done: AbortSignal): () => Promise<void> {
    let missed = MISSED_ROLL_CALLS; // not held at first unless another is ready
    return async () => {
      if (done.aborted) return;
      const others = await this.rollCall().catch(() => []);
      if (done.aborted) return; // released by whileNotReady; must not be held again
      const anotherReady = others.some((other) => other.ready && other.instanceId !== this.config.instanceId);
      const wasHeld = missed < MISSED_ROLL_CALLS;
      missed = anotherReady ? 0 : missed + 1;
      if (anotherReady && !wasHeld) this.gate?.hold(reason, (subject) => READ_MODEL_QUERIES.has(subject));
      if (missed === MISSED_ROLL_CALLS) this.gate?.release(reason);
    };
  }
}
