import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ErrorCode, SchedError, Subjects, type RebuildInstanceView, type RebuildView } from '@sched/contracts';
import { NATS_CONNECTION, SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { ProjectorService } from '../projector.service';

/** How long after the last instance said it starts a rebuild the others may still say so (they answer at once). */
const ACCEPT_QUIET_MS = 300;
/** A rebuild of every instance gives up waiting after this long (an instance that died mid-rebuild never answers). */
const REBUILD_ALL_TIMEOUT_MS = 30 * 60_000;

type EachReply = { readonly phase: 'started'; readonly instanceId: string } | ({ readonly phase: 'done' } & RebuildInstanceView);

/**
 * `sched.cmd.projector.rebuild` reaches one projector (a queue group), but every instance keeps read models of its
 * own, and queries go to any of them: a rebuild of one would leave the others answering from the old tables. The
 * instance the command reaches asks every instance (itself too) on a subject with no queue group, each says it
 * starts at once and answers again when it is back at the head; the command's reply lists them all.
 */
@Injectable()
export class RebuildFanOut implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Rebuild');
  private subscription?: Subscription;

  constructor(
    private readonly projector: ProjectorService,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    @Optional() @Inject(NATS_CONNECTION) private readonly nc?: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc?.subscribe(Subjects.admin.projectorRebuildEach, {
      callback: (error, msg) => {
        if (!error) void this.rebuildHere(msg);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Rebuilds every live projector instance's read models; answers when all are back at the head. */
  async rebuildAll(): Promise<RebuildView> {
    if (!this.nc || !this.subscription) return this.own(await this.rebuildLocally());
    const nc = this.nc;
    const inbox = createInbox();
    const started = new Set<string>();
    const done = new Map<string, RebuildInstanceView>();
    const all = await new Promise<RebuildInstanceView[]>((resolve, reject) => {
      let quiet: NodeJS.Timeout | undefined;
      const giveUp = setTimeout(() => finish(new SchedError(ErrorCode.UNAVAILABLE, `rebuild: no answer after ${REBUILD_ALL_TIMEOUT_MS / 60_000} min from ${[...started].filter((id) => !done.has(id)).join(', ')}`)), REBUILD_ALL_TIMEOUT_MS);
      const finish = (error?: Error): void => {
        clearTimeout(quiet);
        clearTimeout(giveUp);
        subscription.unsubscribe();
        if (error) reject(error);
        else resolve([...done.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId)));
      };
      const settled = (): void => {
        if (quiet === undefined && done.size === started.size) finish();
      };
      const waitForQuiet = (): void => {
        clearTimeout(quiet);
        quiet = setTimeout(() => ((quiet = undefined), settled()), ACCEPT_QUIET_MS);
      };
      const subscription = nc.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) return finish(error);
          const reply = msg.json<EachReply>();
          if (reply.phase === 'started') {
            started.add(reply.instanceId);
            waitForQuiet();
          } else {
            started.add(reply.instanceId);
            const { instanceId, events, position, durationMs, error: failure } = reply;
            done.set(instanceId, { instanceId, events, position, durationMs, ...(failure === undefined ? {} : { error: failure }) });
            settled();
          }
        },
      });
      waitForQuiet();
      nc.publish(Subjects.admin.projectorRebuildEach, '{}', { reply: inbox });
    });
    const failed = all.filter((instance) => instance.error !== undefined);
    if (failed.length > 0) {
      throw new SchedError(ErrorCode.INTERNAL, `rebuild failed on ${failed.map((f) => `${f.instanceId} (${f.error})`).join(', ')}`, { instances: all });
    }
    const own = all.find((instance) => instance.instanceId === this.config.instanceId) ?? all[0];
    if (!own) throw new SchedError(ErrorCode.UNAVAILABLE, 'rebuild: no projector instance answered');
    return { events: own.events, position: own.position, durationMs: own.durationMs, instances: all };
  }

  private async rebuildHere(msg: Msg): Promise<void> {
    const { instanceId } = this.config;
    msg.respond(JSON.stringify({ phase: 'started', instanceId } satisfies EachReply));
    const result = await this.rebuildLocally().catch((error: unknown): RebuildInstanceView => {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`rebuild failed: ${reason}`);
      return { instanceId, events: 0, position: 0, durationMs: 0, error: reason };
    });
    msg.respond(JSON.stringify({ phase: 'done', ...result } satisfies EachReply));
  }

  private async rebuildLocally(): Promise<RebuildInstanceView> {
    const { events, position, durationMs } = await this.projector.rebuild();
    return { instanceId: this.config.instanceId, events, position, durationMs: Math.round(durationMs) };
  }

  private own(instance: RebuildInstanceView): RebuildView {
    return { events: instance.events, position: instance.position, durationMs: instance.durationMs, instances: [instance] };
  }
}
