import type { DomainEvent } from '@sched/contracts';

/**
 * A decider in the emmett style: three pure functions. Time and ids come in on the command, never from the clock.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
  /** How its state is written into a snapshot and read back, for deciders of streams that grow long (the task's). */
  readonly snapshots?: StateCodec<State>;
}

/**
 * A state as JSON and back. `version` changes whenever evolve does (a snapshot folded by other rules is not used);
 * `decode(encode(s))` must decide every command as `s` would.
 */
export interface StateCodec<State> {
  readonly name: string;
  readonly version: number;
  readonly encode: (state: State) => unknown;
  readonly decode: (encoded: unknown) => State;
}

export const fold = <State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());

/** Exhaustiveness check at the end of a `switch` over a union. */
export const assertNever = (value: never): never => {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
};
