import { createTaskPayloadSchema, updateTaskPayloadSchema } from './commands/task-commands';
import { parsePayload } from './validation';

const messagesOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    return (error as { details: { issues: { path: string; message: string }[] } }).details.issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a VALIDATION error');
};

describe('unknown payload fields name the field they most likely meant', () => {
  it('at the top level, through the refinements of an update', () => {
    expect(messagesOf(() => parsePayload(updateTaskPayloadSchema, { taskId: 't', nmae: 'x', name: 'y' }, 'task.update'))).toEqual([
      ': Unrecognized key: "nmae" (did you mean "name"?)',
    ]);
  });

  it('inside nested objects, array items and the options of a union', () => {
    const payload = {
      name: 'x',
      executor: 'noop',
      schedule: [],
      retry: { maxAttempts: 2, initalInterval: '1s' },
      schedules: [{ type: 'interval', every: '1s', ofset: '1s' }],
    };
    expect(messagesOf(() => parsePayload(createTaskPayloadSchema, payload, 'task.create'))).toEqual([
      'schedules.0: Unrecognized key: "ofset" (did you mean "offset"?)',
      'retry: Unrecognized key: "initalInterval" (did you mean "initialInterval"?)',
      ': Unrecognized key: "schedule" (did you mean "schedules"?)',
    ]);
  });

  it('says only the key when nothing known is close', () => {
    expect(messagesOf(() => parsePayload(createTaskPayloadSchema, { name: 'x', executor: 'noop', frobnicate: 1, zz: 2 }, 'task.create'))).toEqual([
      ': Unrecognized keys: "frobnicate", "zz"',
    ]);
  });
});

describe('a field left out is named as required and missing, not as a wrong value', () => {
  it('at the top level and nested, beside a wrong value that keeps its own words', () => {
    const payload = { executor: 'noop', schedules: [{ type: 'interval' }, { type: 'cron' }], retry: { maxAttempts: 'two' } };
    expect(messagesOf(() => parsePayload(createTaskPayloadSchema, payload, 'task.create'))).toEqual([
      'name: required string is missing',
      'schedules.0.every: required string or number is missing',
      'schedules.1.expression: required string is missing',
      'retry.maxAttempts: Invalid input: expected number, received string',
    ]);
  });

  it("a schedule's type: missing, or mistyped", () => {
    const payload = { name: 'x', executor: 'noop', schedules: [{ every: '1m' }, { type: 'intervl', every: '1m' }, { type: 'hourly' }] };
    expect(messagesOf(() => parsePayload(createTaskPayloadSchema, payload, 'task.create'))).toEqual([
      'schedules.0.type: required field is missing: one of "interval", "cron", "once"',
      `schedules.1.type: Invalid discriminator value. Expected 'interval' | 'cron' | 'once' (did you mean "interval"?)`,
      `schedules.2.type: Invalid discriminator value. Expected 'interval' | 'cron' | 'once'`,
    ]);
  });
});

describe('an instant without its zone', () => {
  it('is refused saying a zone is needed (it was "Invalid ISO datetime"), in schedules and in commands alike', () => {
    const create = { name: 'x', executor: 'noop', schedules: [{ type: 'once', at: '2027-01-01T09:00:00' }] };
    expect(messagesOf(() => parsePayload(createTaskPayloadSchema, create, 'task.create'))).toEqual([
      expect.stringMatching(/^schedules\.0\.at: 2027-01-01T09:00:00 has no zone: add Z or an offset/),
    ]);
    const at = (value: string) => messagesOf(() => parsePayload(createTaskPayloadSchema, { ...create, schedules: [{ type: 'once', at: value }] }, 'task.create'));
    // Each way to miss is said: they all read "with its zone", a zone given or not.
    expect(at('2027-02-30T09:00:00Z')).toEqual(['schedules.0.at: 2027-02-30 is no day of the calendar']);
    expect(at('2027-01-01T24:00:00Z')).toEqual([expect.stringMatching(/^schedules\.0\.at: 24:00:00 is no time of day/)]);
    expect(at('soon')).toEqual([expect.stringMatching(/^schedules\.0\.at: expected an ISO 8601 instant with its zone, Z or an offset/)]);
    // A time without seconds and an offset without its colon are instants too (zod's check refused them).
    for (const value of ['2027-01-01T09:00Z', '2027-01-01T09:00:00+0530', '2027-01-01T09:00:00.123456Z']) {
      expect(() => parsePayload(createTaskPayloadSchema, { ...create, schedules: [{ type: 'once', at: value }] }, 'task.create')).not.toThrow();
    }
    expect(() => parsePayload(createTaskPayloadSchema, { ...create, schedules: [{ type: 'once', at: '2027-01-01T09:00:00+01:00' }] }, 'task.create')).not.toThrow();
  });
});
