import { when, whenExactly } from './output';

describe('instants as schedctl prints them', () => {
  it('when: to the second; whenExactly: to the millisecond when the instant has one (a jittered fire)', () => {
    expect(when('2026-12-06T23:34:35.800Z')).toBe('2026-12-06 23:34:35Z');
    expect(whenExactly('2026-12-06T23:34:35.800Z')).toBe('2026-12-06 23:34:35.800Z');
    expect(whenExactly('2026-12-06T23:34:35.000Z')).toBe('2026-12-06 23:34:35Z');
    expect(whenExactly(undefined)).toBeUndefined();
  });
});
