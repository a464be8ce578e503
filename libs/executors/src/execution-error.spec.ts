import { MAX_ERROR_MESSAGE_LENGTH, toExecutionError } from './execution-error';

describe('toExecutionError', () => {
  it('keeps the type, message and retryable an error carries', () => {
    const error = Object.assign(new Error('quota exceeded'), { type: 'QuotaError', retryable: false });
    expect(toExecutionError(error)).toEqual({ type: 'QuotaError', message: 'quota exceeded', retryable: false });
    expect(toExecutionError('plain')).toEqual({ type: 'Error', message: 'plain', retryable: true });
  });

  it('caps a huge message (a whole response in an exception), saying how much was cut', () => {
    const { message } = toExecutionError(new Error('y'.repeat(2_000_000)));
    expect(message).toBe(`${'y'.repeat(MAX_ERROR_MESSAGE_LENGTH)}… (${2_000_000 - MAX_ERROR_MESSAGE_LENGTH} more characters)`);
  });
});
