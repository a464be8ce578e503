/**
 * nats-server 2.9's file store stalls on its own, with none of sched's code: this publishes a TaskDue-sized commit
 * every millisecond on its own `es.execution.<n>` subject (expected sequence 0, a message id), then a result-sized
 * one after its ack, onto sched's event stream config, and prints each run of publish→ack latencies over 8 ms with
 * the execution it began at. The stalls come at the same byte offsets of the stream's 8 MB block on every run
 * (~4, ~5 and ~6.3 MB into it; with half-size bodies 2,000 executions reach only the first, at ~1,440, and not on
 * every run); perf shows nats-server faulting in and zeroing fresh pages through them (a buffer growing), with
 * transparent huge pages on or off for it; a stream on memory storage has none.
 * Run: node -r ./test/support/ts-register.js bench/support/publish-stalls.ts  (PREFILL=2000 B1=1100 B2=1600 N=2000)
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_NAME, eventStreamConfig } from '@sched/event-store';
import { connectNats } from '@sched/messaging';
import { percentile } from '../bench-report';
import { benchNats } from './servers';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const STALL_MS = 8;

async function main(): Promise<void> {
  const nats = await benchNats();
  const nc = await connectNats(nats.url, 'publish-stalls');
  await (await jetstreamManager(nc)).streams.add(eventStreamConfig(DEFAULT_STREAM_NAME, 1));
  const js = jetstream(nc);
  const body = (bytes: number): string => 'x'.repeat(bytes);
  // What a log holds before a burst: the tasks' own commits.
  const prefill = env('PREFILL', 2_000);
  for (let i = 0; i < prefill; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, prefill - i) }, (_, k) => js.publish(`es.task.t${i + k}`, body(900))));
  }
  const n = env('N', 2_000);
  const [dueBody, resultBody] = [body(env('B1', 1_100)), body(env('B2', 1_600))];
  const latency: number[] = new Array(n);
  const sent: Promise<void>[] = [];
  const start = performance.now() + 100;
  for (let i = 0; i < n; i++) {
    const due = start + i;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const subject = `es.execution.e${i}`;
    sent.push(
      js.publish(subject, dueBody, { msgID: `due-${i}`, expect: { lastSubjectSequence: 0 } }).then(async (ack) => {
        latency[i] = performance.now() - due;
        await js.publish(subject, resultBody, { msgID: `result-${i}`, expect: { lastSubjectSequence: ack.seq } });
      }),
    );
  }
  await Promise.all(sent);
  const stalls = latency.flatMap((ms, i) => (ms > STALL_MS && !(latency[i - 1] > STALL_MS) ? [`#${i}: ${ms.toFixed(0)} ms`] : []));
  const sorted = [...latency].sort((a, b) => a - b);
  console.log(`publish→ack p50 ${percentile(sorted, 50).toFixed(1)} / p99 ${percentile(sorted, 99).toFixed(1)} / max ${sorted[n - 1].toFixed(1)} ms`);
  console.log(`stalls over ${STALL_MS} ms: ${stalls.join(', ') || 'none'}`);
  await nc.close();
  await nats.cleanup();
}

void main();
