import { ProgressThrottle } from './progress-throttle';

/** Lets a settled append reach the throttle (its promise chain runs in microtasks). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

describe('progress throttle', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('sends at most one progress per 250 ms, keeping the newest in between', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    for (let percent = 1; percent <= 10; percent += 1) throttle.report({ percent });
    expect(sent).toEqual([1]);
    await settle();
    jest.advanceTimersByTime(250);
    expect(sent).toEqual([1, 10]);
    throttle.report({ percent: 11 });
    throttle.report({ percent: 12 });
    expect(sent).toEqual([1, 10]);
    await settle();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 10, 12]);
  });

  it('1000 reports in a second become at most 5 events', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    for (let ms = 0; ms < 1000; ms += 1) {
      throttle.report({ percent: ms / 10 });
      await settle();
      jest.advanceTimersByTime(1);
    }
    expect(sent.length).toBeLessThanOrEqual(5);
  });

  it('hands the unsent last progress to the outcome', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    throttle.report({ percent: 50 });
    throttle.report({ percent: 100, message: 'done' });
    expect(throttle.takePending()).toEqual({ percent: 100, message: 'done' });
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([50]);
  });

  it('never waits for an append, and sends nothing more while one is in flight: the newest follows it', async () => {
    const sent: number[] = [];
    let recorded: () => void = () => undefined;
    const throttle = new ProgressThrottle(
      (p) =>
        new Promise<void>((resolve) => {
          sent.push(p.percent);
          recorded = resolve;
        }),
    );
    throttle.report({ percent: 1 }); // its append hangs (NATS reconnecting): the report returned all the same
    for (let percent = 2; percent <= 9; percent += 1) {
      throttle.report({ percent });
      jest.advanceTimersByTime(1000);
    }
    expect(sent).toEqual([1]);
    recorded();
    await settle();
    expect(sent).toEqual([1, 9]);
  });

  it('records nothing the code reports after its attempt ended', () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(async (p) => {
      sent.push(p.percent);
    });
    expect(throttle.takePending()).toBeUndefined();
    throttle.report({ percent: 50 });
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});
