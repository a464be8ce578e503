import { ProgressThrottle } from './progress-throttle';

describe('progress throttle', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('sends at most one progress per 250 ms, keeping the newest in between', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    for (let percent = 1; percent <= 10; percent += 1) await throttle.report({ percent });
    expect(sent).toEqual([1]);
    jest.advanceTimersByTime(250);
    expect(sent).toEqual([1, 10]);
    await throttle.report({ percent: 11 });
    await throttle.report({ percent: 12 });
    expect(sent).toEqual([1, 10]);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 10, 12]);
  });

  it('1000 reports in a second become at most 5 events', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    for (let ms = 0; ms < 1000; ms += 1) {
      await throttle.report({ percent: ms / 10 });
      jest.advanceTimersByTime(1);
    }
    expect(sent.length).toBeLessThanOrEqual(5);
  });

  it('hands the unsent last progress to the outcome', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    await throttle.report({ percent: 50 });
    await throttle.report({ percent: 100, message: 'done' });
    expect(throttle.takePending()).toEqual({ percent: 100, message: 'done' });
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([50]);
  });
});
