import type { NatsConnection } from '@nats-io/nats-core';
import type { AuditReport, BrokenLink } from '@sched/contracts';
import { SchedClient, type AuditPageInput } from './sched-client';

const link = (position: number): BrokenLink => ({ streamId: `s${position}`, revision: 1, eventId: 'e', position, reason: 'hash-mismatch', expected: 'x' });

describe('SchedClient.auditVerify', () => {
  it("asks for a task's pages one after the other and adds them up, broken links in position order", async () => {
    const client = await SchedClient.connect({} as NatsConnection);
    const pages: Record<string, AuditReport> = {
      start: { ok: false, streams: 16, events: 48, unhashed: 0, broken: [link(9_000)], nextCursor: 16_000 },
      16000: { ok: true, streams: 16, events: 40, unhashed: 2, broken: [], nextCursor: 40_000 },
      40000: { ok: false, streams: 3, events: 9, unhashed: 0, broken: [link(41_000), link(5_000)] },
    };
    const asked: AuditPageInput[] = [];
    client.auditVerifyPage = async (input) => (asked.push(input), pages['afterPosition' in input ? String(input.afterPosition) : 'start']);
    await expect(client.auditVerify({ taskId: 't' })).resolves.toEqual({
      ok: false,
      streams: 35,
      events: 97,
      unhashed: 2,
      broken: [link(5_000), link(9_000), link(41_000)],
    });
    expect(asked).toEqual([{ taskId: 't' }, { taskId: 't', afterPosition: 16_000 }, { taskId: 't', afterPosition: 40_000 }]);
  });
});
