import { errorMessage } from '@sched/contracts';
/**
 * The one line a service prints when it cannot start: the error's message, and for the failures an operator meets
 * first, what to do about them.
 */
export function startupFailure(error: unknown): string {
  const message = errorMessage(error);
  // nats.js names it (the class is not exported): the server answers, but without JetStream sched has no event log.
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') {
    return `${message}: the NATS server runs without JetStream, which holds sched's event log and work queue; start nats-server with -js (or a jetstream block in its config)`;
  }
  return message;
}
