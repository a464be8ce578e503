import { within } from './within';

describe('within', () => {
  it('gives the work its outcome when it settles in time, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    try {
      await expect(within(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
      await expect(within(Promise.reject(new Error('own')), 1000, () => new Error('late'))).rejects.toThrow('own');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects with the timeout error once the time is up first', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(within(never, 20, () => new Error('no answer within 20 ms'))).rejects.toThrow('no answer within 20 ms');
  });
});
