import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { MISSED_ROLL_CALLS, ROLL_CALL_EVERY_MS } from '@sched/client';
import { ErrorCode, SchedError, Subjects, errorMessage, type ProjectorInstanceView, type RebuildInstanceView, type RebuildView } from '@sched/contracts';
import { NATS_CONNECTION, SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { ProjectorInstances } from '../instances/projector-instances';
import { ProjectorService } from '../projector.service';

/** One instance's rebuild may take this long. */
const REBUILD_TIMEOUT_MS = 30 * 60_000;
const STOPPED_ANSWERING = 'it stopped answering the roll call during its rebuild (it died, or lost NATS)';
/** Not asked again: a process that died mid-rebuild may die again; the caller sees which, and can rebuild again. */
const RESTARTED = 'it restarted during its rebuild (the process now answering under its id was not asked to rebuild)';

/** On `sched.cmd.projector.rebuild-each`: the process named rebuilds (any process under the id, without `incarnation`). */
interface RebuildEachRequest {
  readonly instanceId: string;
  readonly incarnation?: string;
}

/**
 * `sched.cmd.projector.rebuild` reaches one projector (a queue group), but every instance keeps read models of its
 * own and queries go to any of them: a rebuild of one left the others answering from their old tables. The instance
 * the command reaches calls the roll and rebuilds the instances one after the other (itself too), each asked on
 * `sched.cmd.projector.rebuild-each` (no queue group: the one named does it). One at a time, so while one rebuilds
 * the others, ready, answer the queries (ProjectorInstances). The reply lists every instance.
 */
@Injectable()
export class RebuildFanOut implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Rebuild');
  private subscription?: Subscription;

  constructor(
    private readonly projector: ProjectorService,
    private readonly instances: ProjectorInstances,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    @Optional() @Inject(NATS_CONNECTION) private readonly nc?: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc?.subscribe(Subjects.admin.projectorRebuildEach, {
      callback: (error, msg) => {
        if (!error) void this.rebuildIfNamed(msg);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /**
   * Rebuilds every live projector instance's read models, one after the other; answers when all are done. The roll
   * call names this instance as coordinating `commandId` meanwhile: nobody watches this one but its caller.
   */
  rebuildAll(commandId?: string): Promise<RebuildView> {
    return this.instances.whileCoordinating(commandId, () => this.rebuildEach());
  }

  private async rebuildEach(): Promise<RebuildView> {
    const all: RebuildInstanceView[] = [];
    for (const listed of await this.instances.rollCall()) {
      all.push(listed.instanceId === this.config.instanceId || !this.nc ? await this.rebuildHere() : await this.rebuildThere(this.nc, listed));
    }
    const failed = all.filter((instance) => instance.error !== undefined);
    if (failed.length > 0) {
      throw new SchedError(ErrorCode.INTERNAL, `rebuild failed on ${failed.map((f) => `${f.instanceId} (${f.error})`).join(', ')}`, { instances: all });
    }
    const own = all.find((instance) => instance.instanceId === this.config.instanceId) ?? all[0];
    return { events: own.events, position: own.position, durationMs: own.durationMs, instances: all };
  }

  private async rebuildThere(nc: NatsConnection, listed: ProjectorInstanceView): Promise<RebuildInstanceView> {
    const { instanceId } = listed;
    const failed = (error: string): RebuildInstanceView => ({ instanceId, events: 0, position: 0, durationMs: 0, error });
    const settled = new AbortController();
    try {
      // The process asked is the one answering now: the one listed may have restarted during the rebuilds before.
      const asked = (await this.instances.rollCall().catch(() => [])).find((instance) => instance.instanceId === instanceId) ?? listed;
      const request: RebuildEachRequest = { instanceId, incarnation: asked.incarnation };
      const answer = nc.request(Subjects.admin.projectorRebuildEach, JSON.stringify(request), { timeout: REBUILD_TIMEOUT_MS });
      const died = this.gone(asked, settled.signal).then(failed);
      return await Promise.race([answer.then((msg) => msg.json<RebuildInstanceView>()), died]);
    } catch (error) {
      return failed(`no answer (${errorMessage(error)})`);
    } finally {
      settled.abort();
    }
  }

  /**
   * Resolves with why, once the process asked has missed MISSED_ROLL_CALLS roll calls in a row, or another process
   * answers under its instance id (it restarted: the new one never got the request); never, once `settled` aborts.
   */
  private async gone(asked: ProjectorInstanceView, settled: AbortSignal): Promise<string> {
    for (let missed = 0; missed < MISSED_ROLL_CALLS; ) {
      await sleep(ROLL_CALL_EVERY_MS, undefined, { signal: settled }).catch(() => undefined);
      if (settled.aborted) return new Promise<string>(() => undefined);
      const now = (await this.instances.rollCall().catch(() => [])).find((instance) => instance.instanceId === asked.instanceId);
      if (now && now.incarnation !== asked.incarnation) return RESTARTED;
      missed = now ? 0 : missed + 1;
    }
    return STOPPED_ANSWERING;
  }

  private async rebuildIfNamed(msg: Msg): Promise<void> {
    let named: Partial<Record<keyof RebuildEachRequest, unknown>> | null;
    try {
      named = msg.json<Partial<Record<keyof RebuildEachRequest, unknown>> | null>();
    } catch {
      return; // not ours to answer: only projectors publish here
    }
    if (named?.instanceId !== this.config.instanceId) return;
    // Asked of an earlier process under this id (see gone): the coordinator counts that one as failed, not this one.
    if (named.incarnation !== undefined && named.incarnation !== this.instances.self().incarnation) return;
    msg.respond(JSON.stringify(await this.rebuildHere()));
  }

  private async rebuildHere(): Promise<RebuildInstanceView> {
    const { instanceId } = this.config;
    try {
      const { events, position, durationMs } = await this.instances.whileNotReady('rebuild', () => this.projector.rebuild());
      return { instanceId, events, position, durationMs: Math.round(durationMs) };
    } catch (error) {
      const reason = errorMessage(error);
      this.logger.error(`rebuild failed: ${reason}`);
      return { instanceId, events: 0, position: 0, durationMs: 0, error: reason };
    }
  }
}
