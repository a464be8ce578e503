import type { DomainEvent } from '@sched/contracts';
import { fold, type Decider } from '../decider';

/** `given(events).when(command).then(events)` for deciders, as in emmett's DeciderSpecification. */
export function specFor<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return (...given: Event[]) => ({
    when: (command: Command) => {
      const run = (): Event[] => decider.decide(command, fold(decider, given));
      return {
        then: (...expected: Event[]) => expect(run()).toEqual(expected),
        thenNothingHappened: () => expect(run()).toEqual([]),
        thenThrows: (code: string, message?: RegExp) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toMatchObject({ code });
          if (message) expect((caught as Error).message).toMatch(message);
        },
      };
    },
  });
}
