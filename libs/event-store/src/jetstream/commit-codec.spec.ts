import { CorruptCommitError, encodeCommit, isStreamStart, logMessageEvents, reportOncePerMessage } from './commit-codec';
import { streamStartEvents } from './log-dispatch';
import { events } from '../testing/fixtures';

describe('commit codec: the first commit of a stream', () => {
  it('is told from its first bytes, whatever revision a later commit starts at', () => {
    expect(isStreamStart(encodeCommit(0, 0, events(1)))).toBe(true);
    expect(isStreamStart(encodeCommit(0, 0, events(3)))).toBe(true);
    for (const revision of [1, 2, 10, 100, 1_000_000]) expect(isStreamStart(encodeCommit(revision, 7, events(2)))).toBe(false);
    expect(isStreamStart(new Uint8Array())).toBe(false);
    expect(isStreamStart(Buffer.from('{"r":0'))).toBe(false);
    expect(isStreamStart(Buffer.from('not json at all'))).toBe(false);
  });

  it('gives the events of a stream start with their stream, revisions and positions; nothing for a later commit', () => {
    const [first, second] = events(2, 'TaskDue');
    const start = streamStartEvents({ subject: 'es.execution.t@1', seq: 42, data: encodeCommit(0, 0, [first, second]) });
    expect(start).toHaveLength(2);
    expect(start![0]).toMatchObject({ id: first.id, type: 'TaskDue', data: first.data, streamId: 'execution-t@1', revision: 0 });
    expect(start![1]).toMatchObject({ id: second.id, streamId: 'execution-t@1', revision: 1 });
    expect(start![1].position).toBe(start![0].position + 1);
    expect(streamStartEvents({ subject: 'es.execution.t@1', seq: 43, data: encodeCommit(2, 42, events(1)) })).toBeUndefined();
  });

  it('refuses a stream start that is not a commit', () => {
    expect(() => streamStartEvents({ subject: 'es.execution.t@1', seq: 1, data: Buffer.from('{"r":0,"e":"oops"}') })).toThrow(/not an event commit/);
  });

  it('refuses events without an envelope; a read of the whole log passes over such a message and reports it once', () => {
    const strays = ['not json', '{"r":0,"e":[]}', '{"r":0,"e":[{}]}', '{"r":0,"e":[{"id":"x","type":"TaskDue","data":{}}]}', 'null'];
    const said: string[] = [];
    const onForeign = reportOncePerMessage((text) => said.push(text));
    strays.forEach((body, index) => expect(logMessageEvents({ subject: 'es.execution.x', seq: index + 1, data: Buffer.from(body) }, onForeign)).toEqual([]));
    logMessageEvents({ subject: 'es.execution.x', seq: 1, data: Buffer.from('not json') }, onForeign); // met again by another reader
    expect(said).toHaveLength(strays.length);
    expect(said[2]).toMatch(/^passed over message 3 on es\.execution\.x is not an event commit: expected \{ r: number, e: \[\{ id, type, data, metadata \}/);
    const commit = { subject: 'es.execution.x', seq: 9, data: encodeCommit(0, 0, events(2)) };
    expect(logMessageEvents(commit, onForeign)).toHaveLength(2);
    expect(new CorruptCommitError('es.task.t', 4, 'why')).toMatchObject({ subject: 'es.task.t', seq: 4 });
  });
});
