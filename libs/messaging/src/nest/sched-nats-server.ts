import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ServerNats, type NatsContext, type NatsOptions, type NatsStatus } from '@nestjs/microservices';
import { oversizedReply } from './reply.serializer';
import { ServingGate } from './serving-gate';

/** Reply subjects no request may name: the event log, sched's own subjects, the JetStream, KV and system APIs. */
const FORBIDDEN_REPLY = /^(es|sched)\.|^\$(JS|KV|SYS|O)\./;

// Nest's NatsStatus is a const enum of these strings, which a type-only import cannot name as values.
const DISCONNECTED = 'disconnected' as NatsStatus;
const RECONNECTING = 'reconnecting' as NatsStatus;
const CONNECTED = 'connected' as NatsStatus;

/** The connection statuses nats.js reports that this server speaks of (the rest: pings, empty cluster updates). */
interface NatsStatusEvent {
  readonly type: string;
  readonly server?: string;
  readonly error?: unknown;
  readonly added?: readonly string[];
  readonly deleted?: readonly string[];
}

/** What getPublisher needs of a received message (Nest's NatsMsg type is an alias of `any`). */
interface NatsReplyable {
  readonly subject: string;
  readonly reply?: string;
  respond(data: string, options: { headers?: never }): boolean;
}

/**
 * Nest's NATS server with connection statuses logged as an operator reads them: a lost connection is a warning that
 * names the server and says it reconnects (Nest logged `NatsError: type: "disconnect".` as an error, once per
 * connection, without the server), the reconnect names it too, and a cluster update with nothing added or removed
 * is not logged at all. The status observable and the disconnect / reconnect / update events stay as Nest has them.
 * It serves only the subjects its ServingGate does not hold (a projector rebuilding leaves its queries to the others).
 */
export class SchedNatsServer extends ServerNats {
  /** The subscription of each request subject served now (a subject the gate holds has none). */
  private readonly served = new Map<string, Subscription>();
  private readonly queue?: string;
  private client?: NatsConnection;
  private stopFollowingGate?: () => void;

  constructor(
    options: Required<NatsOptions>['options'],
    /** Subjects held by it are not served until released (see ServingGate). */
    private readonly gate = new ServingGate(),
  ) {
    super(options);
    this.queue = options.queue;
  }

  /**
   * Nest's, but "listening" once nats-server has the subscriptions (a flush after them): a request sent the moment
   * the app is up found no responders now and then (a test restarting the app saw it).
   */
  override start(callback: (error?: unknown) => void): void {
    super.start((error?: unknown) => {
      if (error || !this.client) return callback(error);
      this.client.flush().then(() => callback(), callback);
    });
  }

  /** Nest's, with each subject subscribed only while the gate does not hold it (and again once it releases it). */
  override bindEvents(client: NatsConnection): void {
    this.client = client;
    const sync = (): void => {
      for (const channel of this.messageHandlers.keys()) {
        const subscription = this.served.get(channel);
        if (this.gate.isHeld(channel)) {
          if (!subscription) continue;
          this.served.delete(channel);
          // Drained, not dropped: requests already delivered to this process are answered.
          void subscription.drain().catch(() => undefined);
        } else if (!subscription && !client.isClosed()) {
          const handlerQueue = this.messageHandlers.get(channel)?.extras?.queue as string | undefined;
          this.served.set(channel, client.subscribe(channel, { queue: handlerQueue ?? this.queue, callback: this.getMessageHandler(channel).bind(this) as never }));
        }
      }
    };
    this.stopFollowingGate?.();
    this.served.clear();
    this.stopFollowingGate = this.gate.onChange(sync);
    sync();
  }

  /**
   * A request whose reply subject is one sched itself reads (`es.>`, the event log; `sched.>`; `$JS.`, `$KV.`, `$SYS.`)
   * is dropped unanswered and unhandled: services may answer any reply subject (`allow_responses`), and NATS checks
   * no one's right to name one, so a client could have had a reply stored in the log as a task's next commit (that
   * stream then refused every read). Real callers reply to an inbox (`_INBOX.` or their own prefix).
   * A message with no reply subject at all is dropped too: every handler here answers a request, and JetStream's
   * API can be made to deliver a stored message to any subject without one (a direct get of a KV value a role may
   * write, "answered" to `sched.cmd.task.create`), which let the executor's credential create tasks it may not.
   */
  override async handleMessage(channel: string, natsMsg: { readonly reply?: string; readonly subject: string } & object): Promise<unknown> {
    if (natsMsg.reply === undefined || natsMsg.reply === '') {
      this.logger.warn(`dropped a message on ${natsMsg.subject}: it has no reply subject (commands and queries are requests)`);
      return undefined;
    }
    if (FORBIDDEN_REPLY.test(natsMsg.reply)) {
      this.logger.warn(`dropped a request on ${natsMsg.subject}: its reply subject ${natsMsg.reply} is one sched reads, not an inbox`);
      return undefined;
    }
    return super.handleMessage(channel, natsMsg as never);
  }

  /**
   * Nest's, but a reply over the connection's max_payload is answered with a structured error naming its size and
   * the limit: nats.js refuses to publish it, so the caller heard nothing and, after its whole timeout, took the
   * silence for UNAVAILABLE ("busy, retry later") though no retry could ever fit (an as-of of ~1.3 MB: 30 s, then
   * UNAVAILABLE). Every query and command reply of every app passes here.
   */
  override getPublisher(natsMsg: NatsReplyable, id: string, _ctx: NatsContext): (response: object) => unknown {
    if (!natsMsg.reply) return () => undefined;
    return (response) => {
      let outgoing = this.serializer.serialize({ ...response, id }) as { data: string; headers?: unknown };
      const max = this.client?.info?.max_payload;
      const bytes = Buffer.byteLength(outgoing.data);
      if (max !== undefined && bytes > max) {
        const err = oversizedReply(natsMsg.subject, bytes, max);
        this.logger.error(err.message);
        outgoing = this.serializer.serialize({ id, status: 'error', err }) as typeof outgoing;
      }
      return natsMsg.respond(outgoing.data, { headers: outgoing.headers as never });
    };
  }

  override async handleStatusUpdates(client: { status(): AsyncIterable<NatsStatusEvent> }): Promise<void> {
    for await (const status of client.status()) {
      switch (status.type) {
        case 'disconnect':
          this.logger.warn(`NATS connection to ${status.server ?? 'the server'} lost; reconnecting (requests wait or fail with UNAVAILABLE meanwhile)`);
          this._status$.next(DISCONNECTED);
          this.statusEventEmitter.emit('disconnect', status.server);
          break;
        case 'reconnecting':
          this._status$.next(RECONNECTING);
          break;
        case 'reconnect':
          this.logger.log(`NATS connection to ${status.server ?? 'the server'} restored`);
          this._status$.next(CONNECTED);
          this.statusEventEmitter.emit('reconnect', status.server);
          break;
        case 'update':
          if (status.added?.length || status.deleted?.length) {
            this.logger.log(`NATS cluster servers changed: added ${status.added?.join(', ') || 'none'}, removed ${status.deleted?.join(', ') || 'none'}`);
          }
          this.statusEventEmitter.emit('update', { added: [...(status.added ?? [])], deleted: [...(status.deleted ?? [])] });
          break;
        case 'error':
          this.logger.error(`NATS connection error: ${String(status.error)}`);
          break;
        case 'ldm':
          this.logger.warn(`NATS server ${status.server ?? ''} is entering lame duck mode (shutting down); the client moves to another server`);
          break;
        default:
          break;
      }
    }
  }
}
