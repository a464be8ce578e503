import { MAX_LOG_BYTES_PER_ATTEMPT, MAX_LOG_LINES_PER_ATTEMPT, MAX_LOG_LINE_LENGTH, jsonBytes, type ExecutionLogLine } from '@sched/contracts';
import type { ExecutorLogger } from './task-executor';

type Level = ExecutionLogLine['level'];

/**
 * The logger handed to an attempt: each line goes to the process log (`sink`) and is kept, bounded, to be stored on
 * the event that ends the attempt. Past either limit (lines, or bytes of messages and data) the oldest lines are
 * kept (they explain how it started) and one closing line says how many were dropped.
 */
export class AttemptLog implements ExecutorLogger {
  private readonly kept: ExecutionLogLine[] = [];
  private dropped = 0;
  private bytes = 0;

  constructor(
    private readonly sink?: (level: Level, message: string, data?: Record<string, unknown>) => void,
    private readonly now: () => number = Date.now,
    private readonly maxLines = MAX_LOG_LINES_PER_ATTEMPT,
    private readonly maxBytes = MAX_LOG_BYTES_PER_ATTEMPT,
  ) {}

  /** Applied to each line before it is written or kept: the attempt's secrets masked (secrets.ts). */
  mask: <T>(value: T) => T = (value) => value;

  info(message: string, data?: Record<string, unknown>): void {
    this.add('info', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.add('warn', message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.add('error', message, data);
  }

  lines(): ExecutionLogLine[] {
    if (this.dropped === 0) return [...this.kept];
    const at = new Date(this.now()).toISOString();
    return [...this.kept, { at, level: 'warn', message: `${this.dropped} more log lines were dropped` }];
  }

  private add(level: Level, unmasked: string, unmaskedData?: Record<string, unknown>): void {
    const message = this.mask(unmasked);
    const data = unmaskedData && this.mask(unmaskedData);
    this.sink?.(level, message, data);
    if (this.kept.length >= this.maxLines) {
      this.dropped += 1;
      return;
    }
    const text = message.length > MAX_LOG_LINE_LENGTH ? `${message.slice(0, MAX_LOG_LINE_LENGTH - 1)}…` : message;
    const line: ExecutionLogLine = { at: new Date(this.now()).toISOString(), level, message: text, ...(data ? { data } : {}) };
    const size = jsonBytes(line);
    if (this.bytes + size > this.maxBytes) {
      this.dropped += 1;
      return;
    }
    this.bytes += size;
    this.kept.push(line);
  }
}
