import { ExecutorRegistry } from './executor-registry';
import { sleepExecutor } from './builtins/sleep.executor';
import { parseStoredConfig } from './stored-config';

describe('executor configs: strict on admission, lenient for what is stored', () => {
  it('refuses a key the executor does not know when a task is created or updated (a typo is not silently ignored)', () => {
    const registry = new ExecutorRegistry([sleepExecutor]);
    expect(() => registry.validate('sleep', { duration: '1s', progressSteps: 3 })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: 'invalid config for executor "sleep": config: Unrecognized key: "progressSteps"' }),
    );
    expect(() => registry.validate('sleep', { duraton: '1s' })).toThrow(
      expect.objectContaining({ message: 'invalid config for executor "sleep": config: Unrecognized key: "duraton" (did you mean "duration"?)' }),
    );
  });

  it('runs a config stored before the schema became strict, without the keys it never read', () => {
    const stored = { duration: '1s', progressSteps: 3 };
    expect(parseStoredConfig(sleepExecutor, stored)).toEqual({ success: true, data: { durationMs: 1000, steps: 4 } });
    expect(stored).toEqual({ duration: '1s', progressSteps: 3 }); // the stored config itself is not touched
  });

  it('still fails a stored config with any other issue', () => {
    const parsed = parseStoredConfig(sleepExecutor, { duration: 'soon', progressSteps: 3 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['duration must be a duration such as "2s" or "500ms", or ms: got "soon"']);
  });
});
