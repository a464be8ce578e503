import { JetStreamApiError, type Consumer } from '@nats-io/jetstream';
import { CONSUMER_NOT_FOUND } from '@sched/event-store';
import { ReopeningConsumer } from './reopening-consumer';

const notFound = (): JetStreamApiError => new JetStreamApiError({ code: 404, err_code: CONSUMER_NOT_FOUND, description: 'consumer not found' });

/** What nats.js rejects an open pull with when the consumer is deleted (its 409 status). */
function deletedStatus(): Error {
  const error = new Error('consumer deleted') as Error & { code: number };
  error.name = 'JetStreamStatusError';
  error.code = 409;
  return error;
}

/** A consumer whose info still answers `answersBeforeGone` times (the server is removing it), then "not found". */
function consumerBeingDeleted(answersBeforeGone: number): Consumer {
  let answers = 0;
  return {
    info: async () => {
      answers += 1;
      if (answers > answersBeforeGone) throw notFound();
      return {};
    },
  } as unknown as Consumer;
}

describe('ReopeningConsumer', () => {
  it('makes the consumer again once it is found deleted', async () => {
    const remade = {} as Consumer;
    const source = new ReopeningConsumer(consumerBeingDeleted(0), async () => remade);
    expect(await source.reopenIfDeleted(new Error('heartbeats missed'))).toBe(true);
    expect(source.consumer).toBe(remade);
  });

  it('after a "consumer deleted" pull, waits for the server to finish removing it (its info answered at first)', async () => {
    const remade = {} as Consumer;
    const open = jest.fn(async () => remade);
    const source = new ReopeningConsumer(consumerBeingDeleted(3), open);
    expect(await source.reopenIfDeleted(deletedStatus())).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
    expect(source.consumer).toBe(remade);
  });

  it('takes a consumer that answers after any other failure for alive (a disconnect, a restart)', async () => {
    const open = jest.fn(async () => ({}) as Consumer);
    const source = new ReopeningConsumer(consumerBeingDeleted(3), open);
    expect(await source.reopenIfDeleted(new Error('heartbeats missed'))).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });
});
