import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toExecutionStreamId, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes } from '@sched/event-store';
import { isExecutionEnd, typesOf } from '../support/executions';
import { waitFor } from '../support/system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const EXECUTIONS = 8;

/**
 * Real processes: executions of a task with `notify` fail for good while the workflow service (which records the
 * notices) is killed with SIGKILL and later restarted, once before the failures and once amid the notices. Every
 * failure gets exactly one notice execution, and the endpoint gets exactly one POST for each.
 */
describe('failure notices survive kill -9 of the service that records them', () => {
  let system: FaultSystem;
  let server: Server;
  const posted: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        posted.push((JSON.parse(text) as { executionId: string }).executionId);
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    system = await startFaultSystem(['workflow', 'timer', 'relay', 'executor']);
  }, 90_000);
  afterAll(async () => {
    await system?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** What the timer appends for a trigger of a task whose command fails, with its notify. */
  async function failingExecution(executionId: string): Promise<void> {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const due: TaskDue['data'] = {
      taskId: 'nightly', executionId, executor: 'command', config: { argv: ['/bin/false'] }, scheduledAt: new Date().toISOString(),
      reason: 'trigger', taskRevision: 0, notify: { url },
    };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await system.store.append(toExecutionStreamId(executionId), toEnvelopes(events, { correlationId: executionId, causationId: 'test', actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });
  }

  it('every failure gets one notice, none twice', async () => {
    const ids = Array.from({ length: EXECUTIONS }, (_, i) => `nightly-${i}`);
    await system.running('workflow')[0].kill9();
    await Promise.all(ids.slice(0, 4).map(failingExecution));
    await waitFor(async () => (await Promise.all(ids.slice(0, 4).map(async (id) => (await system.store.read(toExecutionStreamId(id))).some(isExecutionEnd)))).every(Boolean), 20_000, 'the first failures');
    await system.start('workflow');
    await Promise.all(ids.slice(4).map(failingExecution));
    await waitFor(async () => posted.length >= 2, 20_000, 'the first notices');
    await system.running('workflow')[0].kill9();
    await system.start('workflow');

    await waitFor(async () => new Set(posted).size === EXECUTIONS, 30_000, 'a notice of every failure');
    for (const id of ids) {
      expect(typesOf(await system.store.read(toExecutionStreamId(`${id}:notify`)))).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second notice would have been posted by now
    expect(posted.sort()).toEqual([...ids].sort());
  }, 90_000);
});
