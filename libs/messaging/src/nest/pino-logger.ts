import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Nest's logger interface over pino: one JSON line per entry, with the Nest context as `context`. */
export class PinoNestLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: string, name = 'sched') {
    this.pino = pino({ name, level });
  }

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.pino.error({ context: context ?? stackOrContext }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}
