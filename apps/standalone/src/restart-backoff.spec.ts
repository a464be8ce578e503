import { RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles while the thread fails to start, up to the maximum', () => {
    const backoff = new RestartBackoff(500, 4_000, 60_000);
    expect([0, 1, 2, 3, 4].map((at) => backoff.lost(at))).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
  });

  it('keeps doubling while the thread dies soon after each start', () => {
    const backoff = new RestartBackoff(500, 30_000, 60_000);
    const delays: number[] = [];
    let nowMs = 0;
    for (let crash = 0; crash < 4; crash++) {
      backoff.started(nowMs);
      nowMs += 1_000; // up for a second, then lost
      delays.push(backoff.lost(nowMs));
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('starts from the minimum again once a thread stayed up long enough', () => {
    const backoff = new RestartBackoff(500, 30_000, 60_000);
    backoff.lost(0);
    backoff.lost(1);
    backoff.started(10_000);
    expect(backoff.lost(70_000)).toBe(500);
    expect(backoff.lost(70_001)).toBe(1_000); // the next start failed
  });
});
