import { localUnitEnd } from './local-time';

const end = (iso: string, timezone: string, unit: 'hour' | 'day') => new Date(localUnitEnd(Date.parse(iso), timezone, unit)).toISOString();

describe('localUnitEnd: where a local hour or day ends', () => {
  it('at the next local :00 in zones offset by 30 or 45 minutes', () => {
    expect(end('2025-06-01T03:20:00Z', 'Asia/Kathmandu', 'hour')).toBe('2025-06-01T04:15:00.000Z'); // 09:05 +05:45 -> 10:00
    expect(end('2025-06-01T03:20:00Z', 'Asia/Kolkata', 'hour')).toBe('2025-06-01T03:30:00.000Z'); // 08:50 +05:30 -> 09:00
    expect(end('2025-06-01T03:20:00Z', 'Asia/Kathmandu', 'day')).toBe('2025-06-01T18:15:00.000Z');
    expect(end('2025-06-01T03:20:00Z', 'Australia/Adelaide', 'hour')).toBe('2025-06-01T03:30:00.000Z'); // 12:50 +09:30
  });

  it('Australia/Lord_Howe spring (02:00 -> 02:30): hour 1 ends at 02:30, the jump, not at 03:00', () => {
    expect(end('2025-10-04T14:40:00Z', 'Australia/Lord_Howe', 'hour')).toBe('2025-10-04T15:30:00.000Z'); // 01:10 +10:30
    expect(end('2025-10-04T15:30:00Z', 'Australia/Lord_Howe', 'hour')).toBe('2025-10-04T16:00:00.000Z'); // 02:30 +11 -> 03:00
  });

  it('Australia/Lord_Howe autumn (02:00 -> 01:30): hour 1 runs on through its repeated half hour to 02:00 +10:30', () => {
    expect(end('2025-04-05T14:45:00Z', 'Australia/Lord_Howe', 'hour')).toBe('2025-04-05T15:30:00.000Z'); // 01:45 +11
    expect(end('2025-04-05T15:10:00Z', 'Australia/Lord_Howe', 'hour')).toBe('2025-04-05T15:30:00.000Z'); // 01:40 +10:30
  });

  it('Pacific/Chatham spring (02:45 -> 03:45): hour 2 ends at the jump', () => {
    expect(end('2025-09-27T13:30:00Z', 'Pacific/Chatham', 'hour')).toBe('2025-09-27T14:00:00.000Z'); // 02:15 +12:45
    expect(end('2025-09-27T14:05:00Z', 'Pacific/Chatham', 'hour')).toBe('2025-09-27T14:15:00.000Z'); // 03:50 +13:45 -> 04:00
  });

  it('America/New_York autumn: hour 1 is both its EDT and its EST pass', () => {
    expect(end('2025-11-02T05:30:00Z', 'America/New_York', 'hour')).toBe('2025-11-02T07:00:00.000Z');
    expect(end('2025-11-02T06:30:00Z', 'America/New_York', 'hour')).toBe('2025-11-02T07:00:00.000Z');
  });

  it('America/Santiago: a day whose midnight is skipped starts at 01:00; a repeated 23:00 hour stays in its day', () => {
    expect(end('2025-09-07T03:30:00Z', 'America/Santiago', 'day')).toBe('2025-09-07T04:00:00.000Z'); // 23:30 -04 -> 01:00 -03
    expect(end('2025-04-06T02:30:00Z', 'America/Santiago', 'day')).toBe('2025-04-06T04:00:00.000Z'); // 23:30 -03, then 23:00 -04
    expect(end('2025-04-06T03:30:00Z', 'America/Santiago', 'day')).toBe('2025-04-06T04:00:00.000Z');
  });

  it('is strictly after the instant, from a unit\'s very first millisecond and its last', () => {
    expect(end('2025-06-01T00:00:00.000Z', 'UTC', 'hour')).toBe('2025-06-01T01:00:00.000Z');
    expect(end('2025-06-01T00:59:59.999Z', 'UTC', 'hour')).toBe('2025-06-01T01:00:00.000Z');
    expect(end('2025-06-01T23:59:59.999Z', 'UTC', 'day')).toBe('2025-06-02T00:00:00.000Z');
  });
});
