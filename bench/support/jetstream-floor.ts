/**
 * The floor under sched's throughput: the messages one execution costs on JetStream, sent and received with the same
 * client, connection options and stream configs, but with none of sched's code (no deciders, no actors, no hash
 * chain, no projection; bodies are fixed templates of the real events' size). Per execution, as the system does it:
 *  - TaskDue published to `es.execution.<id>` with Nats-Msg-Id and the expected last subject sequence (the timer);
 *  - the log read by an ordered consumer (the shared tail); each event published live on its `sched.evt.*` subject
 *    (the relay);
 *  - the TaskDue commit pulled from the durable dispatch consumer on the log's execution subjects, the stream's last
 *    commit read by direct get, TaskStarted + TaskSucceeded published in one commit with the expected sequence, the
 *    TaskDue acked; the result commit delivered to the same consumer and acked at once (the executor).
 * Whatever sched spends beyond this is its own code; what this costs bounds any design on this message flow.
 */
import { randomUUID } from 'node:crypto';
import { DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER, ensureLogDispatch, eventStreamConfig, isStreamStart } from '@sched/event-store';
import { connectNats } from '@sched/messaging';
import { Completions } from './completions';

/**
 * Size-alike bodies of the real commits (a TaskDue with the default retry policy it carries; TaskStarted +
 * TaskSucceeded), with ids filled in per execution: execution ids are `<task uuid>@<ms>` as the timer makes them.
 */
const RETRY = '{"maxAttempts":4,"backoff":"fixed","initialIntervalMs":60000,"multiplier":1,"maxIntervalMs":60000,"jitter":0,"nonRetryableErrorTypes":[]}';
const metadata = (executionId: string, actor: string): string =>
  `"metadata":{"correlationId":"${executionId}","causationId":"${randomUUID()}","occurredAt":"${new Date().toISOString()}","schemaVersion":1,"actor":"${actor}","hash":"${'0'.repeat(64)}"}`;
const dueCommit = (executionId: string): string =>
  `{"r":0,"p":0,"e":[{"id":"${randomUUID()}","type":"TaskDue","data":{"taskId":"${executionId.split('@')[0]}","executionId":"${executionId}","executor":"noop","config":{},"scheduledAt":"${new Date().toISOString()}","reason":"schedule","taskRevision":0,"retry":${RETRY}},${metadata(executionId, 'timer')}}]}`;
const resultCommit = (executionId: string, previousSeq: number): string =>
  `{"r":1,"p":${previousSeq},"e":[{"id":"${randomUUID()}","type":"TaskStarted","data":{"attempt":1,"workerId":"bench","startedAt":"${new Date().toISOString()}"},${metadata(executionId, 'executor:bench')}},` +
  `{"id":"${randomUUID()}","type":"TaskSucceeded","data":{"attempt":1,"durationMs":0,"endedAt":"${new Date().toISOString()}"},${metadata(executionId, 'executor:bench')}}]}`;

interface Commit {
  readonly e: ReadonlyArray<{ readonly type: string }>;
}

/**
 * A running floor: `batch(count)` sends `count` executions' messages through it and resolves when all are done;
 * `due(executionId)` publishes one TaskDue now (as the timer does at a due instant).
 */
export interface JetStreamFloor {
  batch(count: number): Promise<void>;
  due(executionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface JetStreamFloorOptions {
  /** Called when the executor takes an execution's TaskDue off the dispatch consumer: where sched's attempt starts. */
  readonly onStart?: (executionId: string, atMs: number) => void;
}

export async function startJetStreamFloor(url: string, window: number, concurrency: number, options: JetStreamFloorOptions = {}): Promise<JetStreamFloor> {
  const nc = await connectNats(url, 'bench-floor'); // one connection, as the standalone app has
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add(eventStreamConfig(DEFAULT_STREAM_NAME, 1));
  await ensureLogDispatch(jsm, DEFAULT_STREAM_NAME, 30_000); // before the first TaskDue, as the services start first
  const js = jetstream(nc);
  const results = new Completions();

  const relay = async (): Promise<void> => {
    const tail = await js.consumers.get(DEFAULT_STREAM_NAME, { deliver_policy: DeliverPolicy.All });
    for await (const message of await tail.consume()) {
      const commit = JSON.parse(message.string()) as Commit;
      const executionId = message.subject.slice('es.execution.'.length);
      for (const event of commit.e) nc.publish(`sched.evt.execution.bench.${executionId}.${event.type}`, JSON.stringify(event));
      if (commit.e[0].type !== 'TaskDue') results.add();
    }
  };

  const execute = async (msg: JsMsg): Promise<void> => {
    const subject = msg.subject;
    const executionId = subject.slice('es.execution.'.length);
    options.onStart?.(executionId, Date.now());
    const last = await jsm.direct.getMessage(DEFAULT_STREAM_NAME, { last_by_subj: subject });
    const seq = last!.seq;
    await js.publish(subject, resultCommit(executionId, seq), { msgID: randomUUID(), expect: { lastSubjectSequence: seq } });
    msg.ack();
  };
  const executor = async (): Promise<void> => {
    const consumer = await js.consumers.get(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER);
    let running = 0;
    let slotFreed: (() => void) | undefined;
    for await (const msg of await consumer.consume({ max_messages: concurrency })) {
      if (!isStreamStart(msg.data)) {
        msg.ack();
        continue;
      }
      running += 1;
      void execute(msg).finally(() => {
        running -= 1;
        slotFreed?.();
      });
      // At most `concurrency` items at once, as the executor's slots allow: iterating no further pulls no more.
      while (running >= concurrency) await new Promise<void>((resolve) => (slotFreed = resolve));
    }
  };

  void relay().catch(() => undefined); // ends with an error when the connection closes
  void executor().catch(() => undefined);
  let fed = 0;
  const due = async (executionId: string): Promise<void> => {
    await js.publish(`es.execution.${executionId}`, dueCommit(executionId), { msgID: randomUUID(), expect: { lastSubjectSequence: 0 } });
  };
  return {
    batch: async (count) => {
      const end = fed + count;
      const reached = results.until(end);
      const feed = async (): Promise<void> => {
        while (fed < end) {
          await due(`${randomUUID()}@${fed++}`);
        }
      };
      await Promise.all(Array.from({ length: window }, feed));
      await reached;
    },
    due,
    close: () => nc.close(),
  };
}
