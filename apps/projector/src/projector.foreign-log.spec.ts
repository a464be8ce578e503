import { MemoryEventStore } from '@sched/event-store';
import { ProjectorService } from './projector.service';
import { foreignCheckpoint } from './store/checkpoint-origin';
import { ProjectorHarness } from './testing/projector-harness';
import { mixedWorkload } from './testing/workload';
import { toEnvelope } from './testing/event-factory';

const options = { maxDelayMs: 2, retryDelayMs: 10 };

describe('read models built from another event log', () => {
  it('foreignCheckpoint: the event at the checkpoint must be in the log, with the id the checkpoint kept', async () => {
    const log = new MemoryEventStore();
    const [first, second] = mixedWorkload().events;
    const { position } = await log.append(first.streamId, [toEnvelope(first)], { expected: 'any' });
    expect(await foreignCheckpoint(log, undefined)).toBeUndefined(); // nothing applied yet
    expect(await foreignCheckpoint(log, { position, eventId: first.id })).toBeUndefined();
    expect(await foreignCheckpoint(log, { position, eventId: second.id })).toBe(`the log holds event ${first.id} at position ${position} where the read models applied ${second.id} at ${position}`);
    expect(await foreignCheckpoint(log, { position: position + 5_000, eventId: first.id })).toBe(`the read models are at position ${position + 5_000}, the log ends at ${position}`);
    expect(await foreignCheckpoint(new MemoryEventStore(), { position, eventId: first.id })).toBe(`the read models are at position ${position}, the log ends at 0`);
    await log.close();
  });

  it("a projector started on another log's read models rebuilds them from its own; on its own it resumes", async () => {
    const h = ProjectorHarness.onFile(options);
    const { events } = mixedWorkload();
    await h.append(events);
    await h.projector.onApplicationBootstrap();
    await h.caughtUp();
    await h.projector.stop();

    // The same database against the same log: resumes from its checkpoint, no rebuild.
    const same = new ProjectorService(h.eventStore, h.store, options);
    const rebuildSame = jest.spyOn(same, 'rebuild');
    await same.onApplicationBootstrap();
    await same.waitForPosition(await h.eventStore.headPosition(), 5_000);
    expect(rebuildSame).not.toHaveBeenCalled();
    await same.stop();

    // Against another log (the database moved, the log created again): its read models, not the old ones.
    const other = new MemoryEventStore();
    for (const event of events.slice(0, 10)) await other.append(event.streamId, [toEnvelope(event)], { expected: 'any' });
    const fresh = new ProjectorHarness(options);
    const expected = await fresh.liveDump(events.slice(0, 10));
    const moved = new ProjectorService(other, h.store, options);
    const rebuild = jest.spyOn(moved, 'rebuild');
    await moved.onApplicationBootstrap();
    expect([moved.position(), h.store.dump().tasks]).toEqual([0, []]); // nothing of the other log's is served meanwhile
    expect(rebuild).toHaveBeenCalledTimes(1);
    await rebuild.mock.results[0].value;
    await moved.stop();
    expect(h.store.dump()).toEqual(expected);
    await Promise.all([fresh.close(), other.close(), h.close()]);
  });
});
