import { historyQuerySchema, subscribeOptionsSchema } from '../queries';
import { eventTypesSchema } from './event-type-filter';

const messages = (result: { success: boolean; error?: { issues: Array<{ message: string; path: PropertyKey[] }> } }) =>
  result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('event type filters', () => {
  it('keeps known event types as they are', () => {
    expect(eventTypesSchema.parse(['TaskSucceeded', 'TaskFailed', 'WorkflowStarted'])).toEqual(['TaskSucceeded', 'TaskFailed', 'WorkflowStarted']);
  });

  it('refuses a mistyped type, naming the one it most likely meant', () => {
    expect(messages(eventTypesSchema.safeParse(['TaskSucceeded', 'TaskSucceded']))).toEqual(['1: "TaskSucceded" is not an event type (did you mean "TaskSucceeded"?)']);
    expect(messages(eventTypesSchema.safeParse(['taskfailed']))).toEqual(['0: "taskfailed" is not an event type (did you mean "TaskFailed"?)']);
  });

  it('refuses a name like none of them, listing them all', () => {
    const [message] = messages(eventTypesSchema.safeParse(['Completed'])) ?? [];
    expect(message).toMatch(/^0: "Completed" is not an event type \(one of TaskCreated, .*TaskSucceeded, .*WorkflowSucceeded/);
  });

  it('refuses an empty list (it was taken for no filter: every event)', () => {
    expect(messages(historyQuerySchema.safeParse({ types: [] }))).toEqual(['types: an empty list of event types keeps nothing: leave types out for every type']);
    expect(subscribeOptionsSchema.safeParse({ types: [] }).success).toBe(false);
    expect(historyQuerySchema.safeParse({}).success).toBe(true);
  });

  it('is what the history query and the live feed check their types with', () => {
    expect(messages(historyQuerySchema.safeParse({ types: ['TaskDeu'] }))).toEqual(['types.0: "TaskDeu" is not an event type (did you mean "TaskDue"?)']);
    expect(subscribeOptionsSchema.safeParse({ types: ['Nope'] }).success).toBe(false);
    expect(subscribeOptionsSchema.safeParse({ taskId: 't', types: ['TaskDue'], fromPosition: 0 }).success).toBe(true);
    // A live feed of a type the relay never publishes would wait forever: said, and history offered instead.
    expect(messages(subscribeOptionsSchema.safeParse({ types: ['TaskDue', 'TaskNameClaimed'] }))).toEqual([
      "types: TaskNameClaimed is recorded on a name's reservation stream, which is not published live: read it with history",
    ]);
    expect(historyQuerySchema.safeParse({ types: ['TaskNameClaimed'] }).success).toBe(true);
  });
});
