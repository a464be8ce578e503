import { DEFAULT_SNAPSHOT_BUCKET, DEFAULT_STREAM_NAME } from '@sched/event-store';
import { WORK_STREAM } from '../work-queue';

/** Who connects to NATS. `standalone` is every service in one process (`npm start`): the union of the five. */
export const NATS_ROLES = ['admin', 'gateway', 'timer', 'executor', 'projector', 'relay', 'workflow', 'client', 'standalone'] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny?: readonly string[];
}

/** nats-server `permissions` of one user: what it may publish to and subscribe to; nothing else. */
export interface RolePermissions {
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
  /** May answer the requests it receives (reply subjects), whatever `publish` says. */
  readonly allowResponses: boolean;
}

const INBOX = '_INBOX.>';
/** JetStream API, acks and flow control, and KV puts: what any JetStream client library publishes to. */
const JETSTREAM_CLIENT = ['$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '$KV.>'];
/**
 * Erasing history through the API: deleting a stream or one of its messages, purging the event log or the work
 * queue, and changing the event log's or the work queue's config (a max age, or dropping deny-delete, would erase
 * by retention). Only
 * admin may; the services create the log once and leave an existing one as it is. A KV bucket's keys may be purged
 * (the timer purges each retry timer it is done with: a delete would leave a marker behind for good); the services
 * may write any value there anyway.
 */
export const ERASING_API_SUBJECTS = [
  '$JS.API.STREAM.DELETE.>',
  `$JS.API.STREAM.PURGE.${DEFAULT_STREAM_NAME}`,
  `$JS.API.STREAM.PURGE.${WORK_STREAM}`,
  '$JS.API.STREAM.MSG.DELETE.>',
  `$JS.API.STREAM.UPDATE.${DEFAULT_STREAM_NAME}`,
  // The work queue's too: a max_msgs or max_age set on it drops queued retries and first attempts by retention.
  `$JS.API.STREAM.UPDATE.${WORK_STREAM}`,
];

/** Writing a snapshot of a stream's folded state (a put, or the bucket's config). */
const SNAPSHOT_WRITES = [`$KV.${DEFAULT_SNAPSHOT_BUCKET}.>`, `$JS.API.STREAM.UPDATE.KV_${DEFAULT_SNAPSHOT_BUCKET}`];

const service = (publish: readonly string[], subscribe: readonly string[], denyPublish: readonly string[] = []): RolePermissions => ({
  publish: { allow: [...JETSTREAM_CLIENT, ...publish], deny: [...ERASING_API_SUBJECTS, ...denyPublish] },
  subscribe: { allow: [INBOX, ...subscribe] },
  allowResponses: true,
});

const SERVICES = {
  // Commands append to task and execution streams; next-fires is answered here. Its HTTP API sends every command
  // and query on NATS like any client, and streams live events (SSE).
  gateway: service(['es.>', 'sched.cmd.>', 'sched.query.>'], ['sched.cmd.>', 'sched.query.>', 'sched.evt.>']),
  // TaskDue on execution streams, durable retry timers onto the work queue.
  timer: service(['es.execution.>', 'sched.work.>'], []),
  // Execution streams only (never a task's), and no commands: a compromised job host cannot create or change tasks,
  // nor the snapshots commands on tasks are decided from (it never writes one: it decides on execution streams).
  executor: service(['es.execution.>'], ['sched.evt.execution.>'], ['sched.cmd.task.>', ...SNAPSHOT_WRITES]),
  // A rebuild reaches one projector, which asks every instance on sched.cmd.projector.rebuild-each.
  projector: service(['sched.cmd.projector.>'], ['sched.query.>', 'sched.cmd.projector.>']),
  relay: service(['sched.evt.>', 'sched.work.>'], []),
  // Run streams and the steps' execution streams (their TaskDue, their cancellation); resume commands.
  workflow: service(['es.workflow.>', 'es.execution.>'], ['sched.cmd.workflow.>']),
} satisfies Record<string, RolePermissions>;

function union(...roles: RolePermissions[]): RolePermissions {
  const all = (pick: (role: RolePermissions) => readonly string[]) => [...new Set(roles.flatMap(pick))];
  return {
    publish: { allow: all((r) => r.publish.allow), deny: [...ERASING_API_SUBJECTS] },
    subscribe: { allow: all((r) => r.subscribe.allow) },
    allowResponses: true,
  };
}

export const ROLE_PERMISSIONS: Record<NatsRole, RolePermissions> = {
  admin: { publish: { allow: ['>'] }, subscribe: { allow: ['>'] }, allowResponses: true },
  ...SERVICES,
  // Commands and queries (not the projector's admin operations), replies and live events: no event log, no work
  // queue, no JetStream API.
  client: {
    publish: { allow: ['sched.cmd.>', 'sched.query.>'], deny: ['sched.cmd.projector.>'] },
    subscribe: { allow: [INBOX, 'sched.evt.>'] },
    allowResponses: false,
  },
  standalone: union(...Object.values(SERVICES)),
};
