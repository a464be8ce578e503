import { specFor } from '../testing/given-when-then';
import {
  T,
  definition,
  diamond,
  fail,
  failed,
  ok,
  outcome,
  scheduled,
  skipped,
  startRun,
  started,
  step,
  succeeded,
} from '../testing/workflow-fixtures';
import { workflowDecider } from './workflow.decider';

const given = specFor(workflowDecider);

describe('workflow decider: a diamond DAG a → (b, c) → d', () => {
  const def = diamond();

  it('starts with the only root', () => {
    given().when(startRun(def)).then(started(def), scheduled('a'));
  });

  it('fans out: both branches start once a succeeds', () => {
    given(started(def), scheduled('a')).when(outcome('a', ok(1))).then(succeeded('a', 1), scheduled('b'), scheduled('c'));
  });

  it('fans in: d waits for the second branch, then runs', () => {
    const history = [started(def), scheduled('a'), succeeded('a'), scheduled('b'), scheduled('c')];
    given(...history).when(outcome('b', ok())).then(succeeded('b'));
    given(...history, succeeded('b')).when(outcome('c', ok())).then(succeeded('c'), scheduled('d'));
  });

  it('succeeds when the last step does, with how long it took', () => {
    const history = [started(def), scheduled('a'), succeeded('a'), scheduled('b'), scheduled('c'), succeeded('b'), succeeded('c'), scheduled('d')];
    given(...history)
      .when(outcome('d', ok()))
      .then(succeeded('d'), { type: 'WorkflowSucceeded', data: { durationMs: 5000, succeeded: ['a', 'b', 'c', 'd'], skipped: [] } });
  });

  it('an outcome delivered twice, or for a step that is not running, decides nothing', () => {
    given(started(def), scheduled('a'), succeeded('a'), scheduled('b'), scheduled('c')).when(outcome('a', ok())).thenNothingHappened();
    given(started(def), scheduled('a')).when(outcome('b', ok())).thenNothingHappened();
  });

  it('an outcome delivered again after only the first of its commits went in decides the rest (a split decision)', () => {
    given(started(def), scheduled('a'), succeeded('a')).when(outcome('a', ok())).then(scheduled('b'), scheduled('c'));
    given(started(def), scheduled('a'), succeeded('a'), scheduled('b')).when(outcome('a', ok())).then(scheduled('c'));
  });
});

describe('workflow decider: step config referencing upstream results', () => {
  const def = definition([
    step('fetch'),
    step('use', { dependsOn: ['fetch'], config: { count: '${steps.fetch.result.count}', label: 'n=${steps.fetch.result.count}' } }),
  ]);

  it('substitutes the values when the step is scheduled (a whole-string reference keeps its type)', () => {
    given(started(def), scheduled('fetch'))
      .when(outcome('fetch', ok({ count: 42 })))
      .then(succeeded('fetch', { count: 42 }), scheduled('use', { count: 42, label: 'n=42' }));
  });

  it('a reference without a value fails the step without running it', () => {
    given(started(def), scheduled('fetch'))
      .when(outcome('fetch', ok({ other: 1 })))
      .then(
        succeeded('fetch', { other: 1 }),
        { type: 'StepFailed', data: { stepId: 'use', error: { type: 'UnresolvedReference', message: expect.stringContaining('steps.fetch.result.count'), retryable: false } } },
        { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['use'], stopped: false } },
      );
  });

  it('a result that carries a ${secret:…} reference is not substituted: the step fails without running', () => {
    given(started(def), scheduled('fetch'))
      .when(outcome('fetch', ok({ count: '${secret:DB_PASSWORD}' })))
      .then(
        succeeded('fetch', { count: '${secret:DB_PASSWORD}' }),
        {
          type: 'StepFailed',
          data: { stepId: 'use', error: { type: 'UnresolvedReference', message: expect.stringMatching(/steps\.fetch\.result\.count.*holds a \$\{secret:…\} reference/), retryable: false } },
        },
        { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['use'], stopped: false } },
      );
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a path through the prototype (%s) is no value: the step fails, nothing throws', (key) => {
    const byKey = definition([step('fetch'), step('use', { dependsOn: ['fetch'], config: { x: `k=\${steps.fetch.result.${key}}` } })]);
    given(started(byKey), scheduled('fetch'))
      .when(outcome('fetch', ok({ count: 1 })))
      .then(
        succeeded('fetch', { count: 1 }),
        { type: 'StepFailed', data: { stepId: 'use', error: { type: 'UnresolvedReference', message: expect.stringContaining(`steps.fetch.result.${key}`), retryable: false } } },
        { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['use'], stopped: false } },
      );
  });

  it('own keys of any name resolve, and an array its length', () => {
    const byKey = definition([step('fetch'), step('use', { dependsOn: ['fetch'], config: { a: '${steps.fetch.result.constructor}', n: '${steps.fetch.result.list.length}' } })]);
    given(started(byKey), scheduled('fetch'))
      .when(outcome('fetch', ok({ constructor: 'mine', list: [1, 2, 3] })))
      .then(succeeded('fetch', { constructor: 'mine', list: [1, 2, 3] }), scheduled('use', { a: 'mine', n: 3 }));
  });
});

describe('workflow decider: failures under each trigger rule (onFailure continue)', () => {
  const history = (def: ReturnType<typeof diamond>) => [started(def), scheduled('a'), succeeded('a'), scheduled('b'), scheduled('c')];

  it('all_success: a failed step\'s dependents never run (upstream_failed), at once', () => {
    const def = diamond();
    given(...history(def)).when(outcome('b', fail)).then(failed('b'), skipped('d', 'upstream_failed'));
  });

  it('all_done: d runs after both branches ended, one of them failed', () => {
    const def = diamond({}, 'all_done');
    given(...history(def), failed('b')).when(outcome('c', ok())).then(succeeded('c'), scheduled('d'));
  });

  it('one_success: d runs as soon as one branch succeeds', () => {
    const def = diamond({}, 'one_success');
    given(...history(def), failed('b')).when(outcome('c', ok())).then(succeeded('c'), scheduled('d'));
  });

  it('one_success: skipped (upstream_failed) when both branches failed, and the run fails', () => {
    const def = diamond({}, 'one_success');
    given(...history(def), failed('b'))
      .when(outcome('c', fail))
      .then(failed('c'), skipped('d', 'upstream_failed'), { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['b', 'c'], stopped: false } });
  });

  it('one_failed: the handler runs at the first failure; it is skipped when nothing failed', () => {
    const def = diamond({}, 'one_failed');
    given(...history(def)).when(outcome('b', fail)).then(failed('b'), scheduled('d'));
    given(...history(def), succeeded('b'))
      .when(outcome('c', ok()))
      .then(succeeded('c'), skipped('d', 'trigger_rule'), { type: 'WorkflowSucceeded', data: { durationMs: 5000, succeeded: ['a', 'b', 'c'], skipped: ['d'] } });
  });

  it('none_failed: runs after a skipped branch, skipped after a failed one', () => {
    const def = definition([step('a'), step('h', { dependsOn: ['a'], triggerRule: 'one_failed' }), step('z', { dependsOn: ['h'], triggerRule: 'none_failed' })]);
    given(started(def), scheduled('a'))
      .when(outcome('a', ok()))
      .then(succeeded('a'), skipped('h', 'trigger_rule'), scheduled('z'));
    const diamondNoneFailed = diamond({}, 'none_failed');
    given(...history(diamondNoneFailed)).when(outcome('b', fail)).then(failed('b'), skipped('d', 'upstream_failed'));
  });

  it('a skip propagates down a chain, all in one decision', () => {
    const def = definition([step('a'), step('b', { dependsOn: ['a'] }), step('c', { dependsOn: ['b'] })]);
    given(started(def), scheduled('a'))
      .when(outcome('a', fail))
      .then(failed('a'), skipped('b', 'upstream_failed'), skipped('c', 'upstream_failed'), {
        type: 'WorkflowFailed',
        data: { durationMs: 5000, failedSteps: ['a'], stopped: false },
      });
  });
});

describe('workflow decider: modes and onFailure', () => {
  const three = [step('a'), step('b'), step('c')];

  it('parallel runs every ready step up to maxParallel', () => {
    const def = definition(three, { maxParallel: 2 });
    given().when(startRun(def)).then(started(def), scheduled('a'), scheduled('b'));
    given(started(def), scheduled('a'), scheduled('b')).when(outcome('b', ok())).then(succeeded('b'), scheduled('c'));
  });

  it('serial runs one step at a time, in declaration order', () => {
    const def = definition(three, { mode: 'serial' });
    given().when(startRun(def)).then(started(def), scheduled('a'));
    given(started(def), scheduled('a')).when(outcome('a', ok())).then(succeeded('a'), scheduled('b'));
  });

  it('serial with continue: the next step runs after a failure', () => {
    const def = definition(three, { mode: 'serial', onFailure: 'continue' });
    given(started(def), scheduled('a')).when(outcome('a', fail)).then(failed('a'), scheduled('b'));
  });

  it('serial with stop: nothing more runs and the run fails at once', () => {
    const def = definition(three, { mode: 'serial', onFailure: 'stop' });
    given(started(def), scheduled('a'))
      .when(outcome('a', fail))
      .then(failed('a'), skipped('b', 'run_stopped'), skipped('c', 'run_stopped'), {
        type: 'WorkflowFailed',
        data: { durationMs: 5000, failedSteps: ['a'], stopped: true },
      });
  });

  it('parallel with stop: nothing new starts, but a step still running is waited for and recorded', () => {
    const def = definition([...three, step('d', { dependsOn: ['a'] })], { onFailure: 'stop', maxParallel: 2 });
    const history = [started(def), scheduled('a'), scheduled('b')];
    given(...history).when(outcome('b', fail)).then(failed('b'), skipped('c', 'run_stopped'), skipped('d', 'run_stopped'));
    given(...history, failed('b'), skipped('c', 'run_stopped'), skipped('d', 'run_stopped'))
      .when(outcome('a', ok()))
      .then(succeeded('a'), { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['b'], stopped: true } });
  });
});

describe('workflow decider: clean-up and failure handlers under onFailure stop', () => {
  // a → b; c (all_done) cleans up after both; alert (one_failed on b) reports b's failure; d (all_success) is ordinary work.
  const def = definition(
    [step('a'), step('b', { dependsOn: ['a'] }), step('d'), step('c', { dependsOn: ['a', 'b'], triggerRule: 'all_done' }), step('alert', { dependsOn: ['b'], triggerRule: 'one_failed' })],
    { onFailure: 'stop', mode: 'serial' },
  );
  const failedB = [started(def), scheduled('a'), succeeded('a'), scheduled('b')];

  it('a stopped run still runs the steps whose rule asks to run after a failure, by their rule', () => {
    given(...failedB).when(outcome('b', fail)).then(failed('b'), skipped('d', 'run_stopped'), scheduled('c'));
    given(...failedB, failed('b'), skipped('d', 'run_stopped'), scheduled('c')).when(outcome('c', ok())).then(succeeded('c'), scheduled('alert'));
  });

  it('a handler whose rule the run no longer meets is skipped by its rule, and the run fails as stopped', () => {
    const def2 = definition([step('a'), step('b', { dependsOn: ['a'] }), step('alert', { dependsOn: ['b'], triggerRule: 'one_failed' })], { onFailure: 'stop' });
    given(started(def2), scheduled('a'))
      .when(outcome('a', fail))
      .then(failed('a'), skipped('b', 'run_stopped'), skipped('alert', 'trigger_rule'), {
        type: 'WorkflowFailed',
        data: { durationMs: 5000, failedSteps: ['a'], stopped: true },
      });
  });

  it('a cancel skips handlers with everything else', () => {
    given(...failedB)
      .when({ type: 'CancelRun', data: { nowMs: T + 1000 } })
      .then({ type: 'WorkflowCancelRequested', data: {} }, skipped('d', 'run_cancelled'), skipped('c', 'run_cancelled'), skipped('alert', 'run_cancelled'));
  });
});

describe('workflow decider: cancel and resume', () => {
  const def = diamond();
  const running = [started(def), scheduled('a'), succeeded('a'), scheduled('b'), scheduled('c')];

  it('cancel skips what has not started and waits for the running steps', () => {
    given(...running)
      .when({ type: 'CancelRun', data: { reason: 'stop it', nowMs: T + 1000 } })
      .then({ type: 'WorkflowCancelRequested', data: { reason: 'stop it' } }, skipped('d', 'run_cancelled'));
  });

  it('the run is cancelled once its last running step has an outcome', () => {
    const cancelling = [...running, { type: 'WorkflowCancelRequested' as const, data: {} }, skipped('d', 'run_cancelled')];
    given(...cancelling).when(outcome('b', { kind: 'cancelled' })).then({ type: 'StepCancelled', data: { stepId: 'b', executionId: 'r:b' } });
    given(...cancelling, { type: 'StepCancelled', data: { stepId: 'b', executionId: 'r:b' } })
      .when(outcome('c', ok()))
      .then(succeeded('c'), { type: 'WorkflowCancelled', data: { durationMs: 5000 } });
  });

  it('a cancel of a finished run, or a second cancel, decides nothing', () => {
    const cancelled = [...running, { type: 'WorkflowCancelRequested' as const, data: {} }, skipped('d', 'run_cancelled')];
    given(...cancelled).when({ type: 'CancelRun', data: { nowMs: T } }).thenNothingHappened();
    given().when({ type: 'CancelRun', data: { nowMs: T } }).thenNothingHappened();
  });

  it('a resumed run records the reused steps and runs only the rest, with the reused results', () => {
    const refs = definition([step('a'), step('b', { dependsOn: ['a'], config: { n: '${steps.a.result}' } })]);
    given()
      .when(startRun(refs, { resumedFrom: 'r0', reused: { a: { result: 7, executionId: 'r0:a', runId: 'r0' } } }))
      .then(
        { type: 'WorkflowStarted', data: { runId: 'r', taskId: 't', definition: refs, resumedFrom: 'r0', startedAt: new Date(T).toISOString() } },
        { type: 'StepSucceeded', data: { stepId: 'a', executionId: 'r0:a', result: 7, reusedFrom: 'r0' } },
        scheduled('b', { n: 7 }),
      );
  });

  it('a resumed run decides again every step downstream of one that runs again, succeeded before or not', () => {
    const def2 = definition([step('a'), step('b', { dependsOn: ['a'] }), step('alert', { dependsOn: ['b'], triggerRule: 'one_failed' }), step('z')]);
    const earlier = { a: { executionId: 'r0:a', runId: 'r0' }, alert: { executionId: 'r0:alert', runId: 'r0' }, z: { executionId: 'r0:z', runId: 'r0' } };
    given()
      .when(startRun(def2, { resumedFrom: 'r0', reused: earlier }))
      .then(
        { type: 'WorkflowStarted', data: { runId: 'r', taskId: 't', definition: def2, resumedFrom: 'r0', startedAt: new Date(T).toISOString() } },
        { type: 'StepSucceeded', data: { stepId: 'a', executionId: 'r0:a', reusedFrom: 'r0' } },
        { type: 'StepSucceeded', data: { stepId: 'z', executionId: 'r0:z', reusedFrom: 'r0' } },
        scheduled('b'),
      );
  });

  it('a run started twice (its TaskDue redelivered) starts once', () => {
    given(started(def), scheduled('a')).when(startRun(def)).thenNothingHappened();
  });

  it('a resumed start delivered again after its first commit went in alone records the rest of the reused steps and what follows', () => {
    const three = definition([step('a'), step('b'), step('c', { dependsOn: ['a', 'b'] })]);
    const reused = { a: { result: 1, executionId: 'r0:a', runId: 'r0' }, b: { result: 2, executionId: 'r0:b', runId: 'r0' } };
    const firstCommit = [
      { type: 'WorkflowStarted' as const, data: { runId: 'r', taskId: 't', definition: three, resumedFrom: 'r0', startedAt: new Date(T).toISOString() } },
      { type: 'StepSucceeded' as const, data: { stepId: 'a', executionId: 'r0:a', result: 1, reusedFrom: 'r0' } },
    ];
    given(...firstCommit)
      .when(startRun(three, { resumedFrom: 'r0', reused }))
      .then({ type: 'StepSucceeded', data: { stepId: 'b', executionId: 'r0:b', result: 2, reusedFrom: 'r0' } }, scheduled('c'));
  });

  it('a cancel delivered again after its first commit decides the skips left', () => {
    given(started(def), scheduled('a'), { type: 'WorkflowCancelRequested', data: {} })
      .when({ type: 'CancelRun', data: { nowMs: T } })
      .then(skipped('b', 'run_cancelled'), skipped('c', 'run_cancelled'), skipped('d', 'run_cancelled'));
  });

  it('a step whose config with the results substituted is over the limit fails without running', () => {
    const big = definition([step('fetch'), step('use', { dependsOn: ['fetch'], config: { a: '${steps.fetch.result}', b: '${steps.fetch.result}' } })]);
    given(started(big), scheduled('fetch'))
      .when(outcome('fetch', ok('x'.repeat(400 * 1024))))
      .then(
        succeeded('fetch', 'x'.repeat(400 * 1024)),
        { type: 'StepFailed', data: { stepId: 'use', error: { type: 'ConfigTooLarge', message: expect.stringMatching(/^the config with its references substituted is 8192\d\d bytes/), retryable: false } } },
        { type: 'WorkflowFailed', data: { durationMs: 5000, failedSteps: ['use'], stopped: false } },
      );
  });
});

describe('workflow decider: resume', () => {
  const def = definition([step('only')]);
  const ended = { type: 'WorkflowFailed' as const, data: { durationMs: 10, failedSteps: ['only'], stopped: false } };
  const resume = (newRunId: string, neverStarted?: string) => ({ type: 'ResumeRun' as const, data: { runId: 'r1', newRunId, ...(neverStarted ? { neverStarted } : {}) } });

  it('an ended run is resumed once: the first resume is recorded, another is no change', () => {
    given(started(def), scheduled('only'), failed('only'), ended).when(resume('r2')).then({ type: 'WorkflowResumed', data: { runId: 'r2' } });
    given(started(def), scheduled('only'), failed('only'), ended, { type: 'WorkflowResumed', data: { runId: 'r2' } })
      .when(resume('r3'))
      .thenNothingHappened();
  });

  it('a run resumed as a run that never started (its execution cancelled while due) is resumed again; only that one', () => {
    const resumedAsR2 = [started(def), scheduled('only'), failed('only'), ended, { type: 'WorkflowResumed' as const, data: { runId: 'r2' } }];
    given(...resumedAsR2).when(resume('r3', 'r2')).then({ type: 'WorkflowResumed', data: { runId: 'r3' } });
    // The same resume sent again, or a resume that read another run as never started: no change.
    given(...resumedAsR2).when(resume('r2', 'r2')).thenNothingHappened();
    given(...resumedAsR2, { type: 'WorkflowResumed', data: { runId: 'r3' } }).when(resume('r4', 'r2')).thenNothingHappened();
  });

  it('a running run cannot be resumed', () => {
    given(started(def), scheduled('only')).when(resume('r2')).thenThrows('INVALID_STATE', /only a failed or cancelled run can be resumed/);
  });
});
