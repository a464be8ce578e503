import { BUILTIN_EXECUTORS } from './builtins';
import { ExecutorRegistry } from './executor-registry';
import { withWorkflowExecutor } from './workflow.executor';

const catalog = withWorkflowExecutor(new ExecutorRegistry(BUILTIN_EXECUTORS));
const validate = (config: Record<string, unknown>) => () => catalog.validate('workflow', config);
const issuesOf = (config: Record<string, unknown>): { path: string; message: string }[] => {
  try {
    catalog.validate('workflow', config);
  } catch (error) {
    return (error as { details: { issues: { path: string; message: string }[] } }).details.issues;
  }
  return [];
};

describe('workflow config validation (the catalog\'s workflow executor)', () => {
  it('accepts a diamond and fills in the defaults', () => {
    const parsed = catalog.validate('workflow', {
      steps: [
        { id: 'a', executor: 'noop' },
        { id: 'b', executor: 'sleep', config: { duration: '1s' }, dependsOn: ['a'], retry: { maxAttempts: 3 }, timeout: '30s' },
        { id: 'c', executor: 'noop', dependsOn: ['a'], config: { n: '${steps.a.result.count}' } },
        { id: 'd', executor: 'noop', dependsOn: ['b', 'c'], triggerRule: 'none_failed' },
      ],
    }) as { mode: string; onFailure: string; steps: { triggerRule: string; timeouts?: unknown; retry?: { maxAttempts: number } }[] };
    expect(parsed).toMatchObject({ mode: 'parallel', onFailure: 'stop', maxParallel: 8 });
    expect(parsed.steps[1]).toMatchObject({ triggerRule: 'all_success', timeouts: { startToCloseMs: 30_000 }, retry: { maxAttempts: 3 } });
  });

  it('names the cycle path', () => {
    const issues = issuesOf({
      steps: [
        { id: 'a', executor: 'noop', dependsOn: ['c'] },
        { id: 'b', executor: 'noop', dependsOn: ['a'] },
        { id: 'c', executor: 'noop', dependsOn: ['b'] },
        { id: 'x', executor: 'noop' },
      ],
    });
    expect(issues).toEqual([{ path: 'config.steps.0.dependsOn', message: 'dependency cycle: a → b → c → a' }]);
  });

  it('a step depending on itself is a cycle', () => {
    expect(issuesOf({ steps: [{ id: 'a', executor: 'noop', dependsOn: ['a'] }] })[0].message).toBe('dependency cycle: a → a');
  });

  it.each([
    ['an unknown dependency', { steps: [{ id: 'a', executor: 'noop', dependsOn: ['ghost'] }] }, 'config.steps.0.dependsOn.0', /unknown step "ghost"/],
    ['a dependency listed twice', { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', dependsOn: ['a', 'a'] }] }, 'config.steps.1.dependsOn.1', /step "b" lists dependency "a" twice/],
    ['a duplicate id', { steps: [{ id: 'a', executor: 'noop' }, { id: 'a', executor: 'noop' }] }, 'config.steps.1.id', /duplicate step id "a"/],
    ['an unknown step executor', { steps: [{ id: 'a', executor: 'teleport' }] }, 'config.steps.0.executor', /unknown executor/],
    ['a bad step config', { steps: [{ id: 'a', executor: 'sleep', config: { duration: 'soon' } }] }, 'config.steps.0.config.duration', /duration/],
    ['a nested workflow', { steps: [{ id: 'a', executor: 'workflow' }] }, 'config.steps.0.executor', /cannot be a workflow/],
    ['a reference to a step that is not upstream', { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', config: { x: '${steps.a.result}' } }] }, 'config.steps.1.config', /"a" is not upstream of it/],
    ['text that is no step reference (error is no part of one)', { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', dependsOn: ['a'], config: { x: 'why: ${steps.a.error}' } }] }, 'config.steps.1.config', /has \$\{steps\.a\.error\}, which is no step reference: write \$\{steps\.<step>\.result\}/],
    ['a reference in a key (keys are not substituted)', { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', dependsOn: ['a'], config: { x: { '${steps.zz.result}': 1 } } }] }, 'config.steps.1.config', /has \$\{steps\.zz\.result\} in a key \(references are substituted in string values only\)/],
    ['a reference without its closing brace', { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', dependsOn: ['a'], config: { x: '${steps.a.result' } }] }, 'config.steps.1.config', /no step reference/],
    ['a step named notify', { steps: [{ id: 'notify', executor: 'noop' }] }, 'config.steps.0.id', /kept for the run's failure notice/],
    ['no steps', { steps: [] }, 'config.steps', /at least|>=1|too small/i],
    ['an unknown trigger rule', { steps: [{ id: 'a', executor: 'noop', triggerRule: 'sometimes' }] }, 'config.steps.0.triggerRule', /./],
    ['a step id with a dot', { steps: [{ id: 'a.b', executor: 'noop' }] }, 'config.steps.0.id', /step id/],
    ['a bad timeout', { steps: [{ id: 'a', executor: 'noop', timeout: '1ms' }] }, 'config.steps.0.timeout', /startToClose/],
    ['an unknown mode', { mode: 'random', steps: [{ id: 'a', executor: 'noop' }] }, 'config.mode', /./],
    ['a heartbeat timeout on a step that never heartbeats', { steps: [{ id: 'a', executor: 'command', config: { argv: ['true'] }, timeouts: { heartbeat: '2s' } }] }, 'config.steps.0.timeouts.heartbeat', /a command execution never heartbeats/],
  ])('refuses %s', (_what, config, path, message) => {
    const issues = issuesOf(config);
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.message).toMatch(message);
  });

  it('refuses the whole config with a VALIDATION error', () => {
    expect(validate({ steps: [{ id: 'a', executor: 'noop', dependsOn: ['a'] }] })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
