import { cronExpressionIssue, cronOptionsFor, shortestCronGapMs } from './cron-expression';

const DAY_MS = 86_400_000;

describe('cron expressions: validation reads them as the timer does', () => {
  it('ANDs day of month and day of week when either begins with * or ?, ORs them when both are restricted', () => {
    expect(cronOptionsFor('0 0 */2 * MON').domAndDow).toBe(true);
    expect(cronOptionsFor('0 0 0 1 * */2').domAndDow).toBe(true);
    expect(cronOptionsFor('0 0 ? * MON#1').domAndDow).toBe(true);
    expect(cronOptionsFor('0 0 1-7 * MON').domAndDow).toBe(false);
    expect(cronOptionsFor('0 0 0 L * 5').domAndDow).toBe(false);
  });

  it('measures the period of 0 0 */2 * MON (odd-dated Mondays) as a week (31 March and 7 April 2025 are both odd-dated Mondays), not one day', () => {
    expect(shortestCronGapMs('0 0 */2 * MON', 'UTC', Date.parse('2025-06-01T00:00:00Z'))).toBe(7 * DAY_MS);
  });

  it('refuses an expression whose day fields can never both match (1 February is never its month\'s fifth Monday)', () => {
    expect(cronExpressionIssue('0 0 */31 2 MON#5', 'UTC', true)).toBe('cron expression never matches any date');
    expect(cronExpressionIssue('0 0 */2 * MON', 'UTC', true)).toBeUndefined();
  });
});

describe('cron expressions: refusals in our words, never croner\'s raw text', () => {
  it.each([
    ['0 0 * * FOO', /^day of week "FOO" is not a cron value/],
    ['a 0 * * *', /^minute "a" is not a cron value/],
    ['x 0 0 * * *', /^second "x" is not a cron value/],
    ['*/0 * * * *', /^cron expression "\*\/0 \* \* \* \*" cannot be read: syntax error, illegal stepping: 0$/],
    ['0 0 5-1 * *', /^cron expression "0 0 5-1 \* \*" cannot be read: from value is larger than to value: '5-1'$/],
    ['0 0 32 * *', /^day of month 32 is out of range \(1-31\)$/],
  ])('%s', (expression, message) => {
    const issue = cronExpressionIssue(expression, 'UTC', true);
    expect(issue).toMatch(message);
    expect(issue).not.toMatch(/CronPattern/);
  });
});
