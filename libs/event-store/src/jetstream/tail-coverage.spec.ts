import { TailCoverage } from './tail-coverage';

describe('TailCoverage', () => {
  const nowMs = 1_700_000_000_000;

  it('vouches for the last commit seen of a stream while the newest commit seen was stored within the window', () => {
    const coverage = new TailCoverage(10);
    coverage.track();
    coverage.saw('execution-a', 5, nowMs - 300);
    coverage.saw('execution-b', 6, nowMs - 200);
    expect(coverage.endsAt('execution-a', 5, 1_000, nowMs)).toBe(true);
    expect(coverage.endsAt('execution-a', 5, 199, nowMs)).toBe(false); // the tail may be behind by more than that
    expect(coverage.endsAt('execution-a', 4, 1_000, nowMs)).toBe(false);
    expect(coverage.endsAt('execution-c', 5, 1_000, nowMs)).toBe(false);
    coverage.saw('execution-a', 7, nowMs - 100);
    expect(coverage.endsAt('execution-a', 5, 1_000, nowMs)).toBe(false);
    expect(coverage.endsAt('execution-a', 7, 1_000, nowMs)).toBe(true);
  });

  it('forgets everything when the tail starts over, and streams it had to evict', () => {
    const coverage = new TailCoverage(2);
    coverage.track();
    coverage.saw('execution-a', 1, nowMs);
    coverage.reset();
    expect(coverage.endsAt('execution-a', 1, 1_000, nowMs)).toBe(false);
    coverage.saw('execution-a', 2, nowMs);
    for (let seq = 3; seq < 8; seq++) coverage.saw(`execution-${seq}`, seq, nowMs);
    expect(coverage.endsAt('execution-a', 2, 1_000, nowMs)).toBe(false);
    expect(coverage.endsAt('execution-7', 7, 1_000, nowMs)).toBe(true);
  });

  it('remembers nothing until asked to track, then what it sees from there on', () => {
    const coverage = new TailCoverage(10);
    coverage.saw('execution-a', 1, nowMs);
    expect(coverage.endsAt('execution-a', 1, 1_000, nowMs)).toBe(false);
    coverage.track();
    expect(coverage.endsAt('execution-a', 1, 1_000, nowMs)).toBe(false); // seen before tracking: unknown
    coverage.saw('execution-b', 2, nowMs);
    expect(coverage.endsAt('execution-b', 2, 1_000, nowMs)).toBe(true);
    coverage.reset();
    coverage.saw('execution-b', 3, nowMs);
    expect(coverage.endsAt('execution-b', 3, 1_000, nowMs)).toBe(true); // a restart of the tail keeps tracking on
  });
});
