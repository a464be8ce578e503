import { evaluateTriggerRule, type UpstreamOutcome } from './trigger-rules';

const S = 'succeeded' as const;
const F = 'failed' as const;
const K = 'skipped' as const;
const N = 'not_done' as const;

describe('trigger rules', () => {
  it.each<[string, UpstreamOutcome[], string]>([
    ['all_success', [S, S], 'run'],
    ['all_success', [S, N], 'wait'],
    ['all_success', [F, N], 'skip:upstream_failed'],
    ['all_success', [S, K], 'skip:trigger_rule'],
    ['all_done', [S, F, K], 'run'],
    ['all_done', [F, N], 'wait'],
    ['one_success', [N, S], 'run'],
    ['one_success', [F, N], 'wait'],
    ['one_success', [F, F], 'skip:upstream_failed'],
    ['one_success', [K, K], 'skip:trigger_rule'],
    ['one_failed', [N, F], 'run'],
    ['one_failed', [S, N], 'wait'],
    ['one_failed', [S, K], 'skip:trigger_rule'],
    ['none_failed', [S, K], 'run'],
    ['none_failed', [S, N], 'wait'],
    ['none_failed', [F, S], 'skip:upstream_failed'],
  ])('%s with upstream %j → %s', (rule, upstream, expected) => {
    const verdict = evaluateTriggerRule(rule as Parameters<typeof evaluateTriggerRule>[0], upstream);
    expect(verdict.kind === 'skip' ? `skip:${verdict.reason}` : verdict.kind).toBe(expected);
  });

  it('a step without dependencies always runs, whatever its rule', () => {
    expect(evaluateTriggerRule('one_failed', [])).toEqual({ kind: 'run' });
  });
});
