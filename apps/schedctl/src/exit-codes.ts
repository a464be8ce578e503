import { CommanderError } from 'commander';
import { SchedClientError } from '@sched/client';
import { ErrorCode, errorMessage } from '@sched/contracts';
import { NatsUnreachableError } from '@sched/messaging';

/** What scripts can rely on. */
export const ExitCode = {
  OK: 0,
  /** The server answered with an error (validation, not found, conflict, ...), or the CLI could not do it. */
  ERROR: 1,
  /** Bad command line: unknown command or option, missing argument, unreadable task file, a request body over its limit. */
  USAGE: 2,
  /** No answer: NATS unreachable, or no service answered in time. */
  UNAVAILABLE: 3,
  /** `audit verify` found a broken link. */
  AUDIT_FAILED: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem with what the user typed, found after commander parsed it (e.g. a task file that is not YAML). */
export class UsageError extends Error {}

/**
 * A NATS failure that did not come through the client's requests (export and import talk to JetStream directly) is
 * what the client would have made of it: UNAUTHORIZED for a permission the user lacks, UNAVAILABLE for a server that
 * is not there, so scripts see one code.
 */
function normalized(error: unknown): unknown {
  // export and import connect themselves: NATS not there is UNAVAILABLE (exit 3), as for every other command.
  if (error instanceof NatsUnreachableError) return new SchedClientError(ErrorCode.UNAVAILABLE, error.message, { url: error.url }, 'connect');
  if (SchedClientError.is(error) || !(error instanceof Error) || !/Permissions Violation|Authorization Violation/.test(error.message)) return error;
  const subject = /to "([^"]+)"/.exec(error.message)?.[1] ?? 'NATS';
  return SchedClientError.unavailable(subject, error);
}

export function exitCodeOf(raw: unknown): ExitCode {
  const error = normalized(raw);
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  if (error instanceof UsageError) return ExitCode.USAGE;
  // BAD_REQUEST: the body itself is refused (schedctl always sends a JSON object, so it is over a size limit): what the user gave must change.
  if (SchedClientError.is(error, ErrorCode.BAD_REQUEST)) return ExitCode.USAGE;
  if (SchedClientError.is(error)) return error.code === ErrorCode.UNAVAILABLE ? ExitCode.UNAVAILABLE : ExitCode.ERROR;
  return ExitCode.ERROR;
}

/**
 * One line (plus details for validation issues) for stderr; with `--json`, the structured error itself on one line
 * (`{"error":{"code","message","details"}}`), so a script reads failures the way it reads results.
 */
export function describeError(raw: unknown, asJson = false): string {
  const error = normalized(raw);
  if (asJson) {
    const usage = error instanceof UsageError || (error instanceof CommanderError && error.exitCode !== 0);
    const message = errorMessage(error).replace(/^error: /, '');
    const structured = SchedClientError.is(error)
      ? { code: error.code, message: error.message, details: error.details }
      : { code: usage ? 'USAGE' : 'ERROR', message, details: error instanceof CommanderError ? { commander: error.code } : {} };
    return `${JSON.stringify({ error: structured })}\n`;
  }
  if (SchedClientError.is(error)) {
    const issues = (error.details.issues as { path: string; message: string }[] | undefined) ?? [];
    return [`error ${error.code}: ${error.message}`, ...issues.map((issue) => `  ${issue.path || '(payload)'}: ${issue.message}`)].join('\n') + '\n';
  }
  return `error: ${errorMessage(error)}\n`;
}
