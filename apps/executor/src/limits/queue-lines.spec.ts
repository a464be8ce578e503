import { QueueLines, type LineWaiter } from './queue-lines';

describe('QueueLines: executions behind a task limit wait here in place order, and only the first asks', () => {
  const KEEP_ALIVE_MS = 10_000;
  let lines: QueueLines;
  let asked: string[];
  let acks: string[];
  let putBack: string[];
  const waiter = (executionId: string, placeMs: number): LineWaiter => ({
    executionId,
    placeMs,
    ask: () => void asked.push(executionId),
    keepAlive: () => void acks.push(executionId),
    putBack: () => void putBack.push(executionId),
  });
  /** What the worker does with an item that asked and was refused: it waits at its place again. */
  const refuse = (taskId: string, executionId: string, placeMs: number, recheckMs = 1_000): void => lines.wait(taskId, waiter(executionId, placeMs), recheckMs);
  const tick = async (ms = 0): Promise<void> => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    lines = new QueueLines(KEEP_ALIVE_MS);
    asked = [];
    acks = [];
    putBack = [];
  });
  afterEach(() => {
    lines.close();
    jest.useRealTimers();
  });

  it('the first to come asks; the rest wait, whatever order they came in, and the line goes on in place order', async () => {
    expect(lines.enter('t', waiter('e5', 5))).toBe(true);
    expect([lines.enter('t', waiter('e9', 9)), lines.enter('t', waiter('e7', 7)), lines.enter('t', waiter('e8', 8))]).toEqual([false, false, false]);
    expect(lines.size).toBe(3);
    lines.settle('t', 'e5'); // e5 got the slot
    await tick();
    expect(asked).toEqual(['e7']);
    lines.settle('t', 'e7');
    await tick();
    lines.settle('t', 'e8');
    await tick();
    expect(asked).toEqual(['e7', 'e8', 'e9']);
    lines.settle('t', 'e9');
    expect(lines.size).toBe(0);
  });

  it('a refused first asks again after the recheck, alone: a long line costs one ask a second', async () => {
    expect(lines.enter('t', waiter('e0', 0))).toBe(true);
    for (let i = 1; i <= 10_000; i += 1) lines.enter('t', waiter(`e${i}`, i));
    refuse('t', 'e0', 0);
    await tick(999);
    expect(asked).toEqual([]);
    await tick(1);
    expect(asked).toEqual(['e0']);
    for (let second = 0; second < 5; second += 1) {
      refuse('t', 'e0', 0);
      await tick(1_000);
    }
    expect(asked).toEqual(Array(6).fill('e0'));
    expect(lines.size).toBe(10_000);
  });

  it('a slot released here wakes the first at once; one settled by any other execution changes nothing', async () => {
    lines.enter('t', waiter('e1', 1));
    lines.enter('t', waiter('e2', 2));
    refuse('t', 'e1', 1, 30_000);
    lines.settle('t', 'e2'); // not the one asking: no-op
    lines.settle('no line', 'e1');
    lines.settle('no line', undefined as unknown as string); // an item that names no execution
    lines.wake('other task');
    await tick(10);
    expect(asked).toEqual([]);
    lines.wake('t');
    await tick();
    expect(asked).toEqual(['e1']);
  });

  it('one that comes before the first while no one asks asks at once; later ones wait for the line', async () => {
    lines.enter('t', waiter('e5', 5));
    lines.enter('t', waiter('e6', 6));
    refuse('t', 'e5', 5);
    expect(lines.enter('t', waiter('e7', 7))).toBe(false);
    expect(lines.enter('t', waiter('retry-of-e1', 1))).toBe(true); // a retry keeps its early place
    expect(lines.enter('t', waiter('e3', 3))).toBe(false); // someone asks: it waits
    refuse('t', 'retry-of-e1', 1);
    await tick(1_000);
    expect(asked).toEqual(['retry-of-e1']);
  });

  it('lines of different tasks are apart', async () => {
    expect(lines.enter('a', waiter('a1', 1))).toBe(true);
    expect(lines.enter('b', waiter('b2', 2))).toBe(true);
    expect(lines.enter('a', waiter('a3', 3))).toBe(false);
    lines.settle('b', 'b2');
    await tick();
    expect(asked).toEqual([]);
    lines.settle('a', 'a1');
    await tick();
    expect(asked).toEqual(['a3']);
  });

  it('a waiter delivered again (its ack wait passed) waits once, as the newer delivery', async () => {
    lines.enter('t', waiter('e1', 1));
    const older = waiter('e2', 2);
    lines.enter('t', older);
    lines.enter('t', waiter('e2', 2));
    expect(lines.size).toBe(1);
    lines.settle('t', 'e1');
    await tick();
    lines.settle('t', 'e2');
    await tick();
    expect(asked).toEqual(['e2']);
    expect(putBack).toEqual([]);
  });

  it('keeps every waiting item alive with an in-progress ack within the interval, spread out, and the refused first at once', async () => {
    lines.enter('t', waiter('e0', 0));
    for (let i = 1; i <= 3; i += 1) {
      lines.enter('t', waiter(`e${i}`, i));
      await tick(3_000);
    }
    refuse('t', 'e0', 0, 60_000);
    expect(acks).toEqual(['e0']);
    await tick(KEEP_ALIVE_MS - 9_000); // e1 waited 10 s
    expect(acks).toEqual(['e0', 'e1']);
    await tick(3_000);
    expect(acks).toEqual(['e0', 'e1', 'e2']);
    await tick(KEEP_ALIVE_MS);
    expect(acks.filter((id) => id === 'e1')).toHaveLength(2);
    expect(acks.filter((id) => id === 'e0')).toHaveLength(2);
  });

  it('on close every waiting item goes back to the server, and so does one refused after it', async () => {
    lines.enter('t', waiter('e1', 1));
    lines.enter('t', waiter('e2', 2));
    lines.enter('u', waiter('u1', 1));
    lines.enter('u', waiter('u2', 2));
    refuse('u', 'u1', 1);
    lines.close();
    expect(putBack.sort()).toEqual(['e2', 'u1', 'u2']);
    refuse('t', 'e1', 1);
    expect(lines.enter('t', waiter('e3', 3))).toBe(false);
    expect(putBack.sort()).toEqual(['e1', 'e2', 'e3', 'u1', 'u2']);
    await tick(2_000);
    expect(asked).toEqual([]);
    expect(lines.size).toBe(0);
  });
});
