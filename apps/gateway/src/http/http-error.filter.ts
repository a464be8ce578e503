import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SchedClientError } from '@sched/client';
import { ErrorCode, HTTP_STATUS_BY_CODE, MAX_JSON_DEPTH, errorReply, nestsDeeperThan, errorMessage, type ErrorBody } from '@sched/contracts';
import { SchedExceptionFilter, toErrorBody } from '@sched/messaging';
import { routedPath } from './api-token.middleware';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.BAD_REQUEST,
  422: ErrorCode.VALIDATION,
  503: ErrorCode.UNAVAILABLE,
};

/** What went wrong, as the one error body every face of the gateway uses. */
export function httpErrorBody(exception: unknown): ErrorBody {
  // The NATS handler's own error, as it replied: code, message and details unchanged.
  if (SchedClientError.is(exception)) return { code: exception.code, message: exception.message, details: exception.details };
  if (exception instanceof HttpException) {
    const code = CODE_BY_STATUS[exception.getStatus()] ?? (exception.getStatus() < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL);
    return { code, message: exception.message, details: {} };
  }
  return toErrorBody(exception);
}

/**
 * HTTP replies for errors: `{ ok: false, error }` with the status its code maps to (HTTP_STATUS_BY_CODE). The hybrid
 * app's NATS handlers share the app's global filters (Nest binds them when the microservice connects), so their
 * errors are handed to the NATS transport's own filter.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');
  private readonly rpc = new SchedExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return this.rpc.catch(exception, host);
    const response = host.switchToHttp().getResponse<Response>();
    const body = httpErrorBody(exception);
    if (body.code === ErrorCode.INTERNAL) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (response.headersSent) return response.end();
    // A body within the HTTP limit can still make a command over it (the path's id is added to it): 413 all the same.
    const tooLarge = body.code === ErrorCode.BAD_REQUEST && body.details.limit === 'MAX_REQUEST_BYTES';
    return response.status(tooLarge ? 413 : HTTP_STATUS_BY_CODE[body.code]).json(errorReply(body));
  }
}

/**
 * Express error middleware after the JSON body parser: a body that is not JSON (400), too large (413) or in a charset
 * or encoding it cannot read (415) is BAD_REQUEST.
 */
export function bodyParserErrors(error: unknown, request: Request, response: Response, next: NextFunction): void {
  const { status, body, limit, length, received } = error as { status?: unknown; body?: unknown; limit?: unknown; length?: unknown; received?: unknown };
  if (status !== 400 && status !== 413 && status !== 415) return next(error);
  // Blank (spaces, a line break) is no body, as an empty one is and as NATS takes it: `{}`.
  if (status === 400 && typeof body === 'string' && body.trim() === '') {
    request.body = {};
    return next();
  }
  const reason = errorMessage(error);
  if (status === 413) {
    // The same shape as a NATS payload over MAX_REQUEST_BYTES (the HTTP parser stops at the same bound). A chunked
    // or compressed body has no length up front: what was read before the parser stopped is a lower bound.
    const known = typeof length === 'number';
    const message = known
      ? `request body is ${length} bytes, over the limit of ${String(limit)} (MAX_REQUEST_BYTES)`
      : `request body is over the limit of ${String(limit)} bytes (MAX_REQUEST_BYTES): ${String(received)} read before stopping`;
    const size = known ? { actual: length } : { atLeast: received };
    return void response.status(413).json(errorReply({ code: ErrorCode.BAD_REQUEST, message, details: { limit: 'MAX_REQUEST_BYTES', max: limit, ...size } }));
  }
  // JSON, but not an object or array (`null`, `3`, `"x"`): the parser calls it "not valid JSON", which it is.
  const message =
    status === 400 && typeof body === 'string' && isJsonScalar(body)
      ? `request body must be a JSON object, got ${body.trim().slice(0, 40)}`
      : status === 400
        ? `request body is not JSON (the API takes JSON bodies): ${reason}`
        : `request body: ${reason}`;
  response.status(status).json(errorReply({ code: ErrorCode.BAD_REQUEST, message, details: {} }));
}

/**
 * A JSON body nested deeper than MAX_JSON_DEPTH is BAD_REQUEST, as on NATS, answered here: passing it on would
 * serialize it again, which a body a few thousand levels deep overflows the stack doing.
 */
export function overNestedBodies(request: Request, response: Response, next: NextFunction): void {
  if (!nestsDeeperThan(request.body, MAX_JSON_DEPTH)) return next();
  const message = `request body nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`;
  response.status(400).json(errorReply({ code: ErrorCode.BAD_REQUEST, message, details: { limit: 'MAX_JSON_DEPTH', max: MAX_JSON_DEPTH } }));
}

function isJsonScalar(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value === null || typeof value !== 'object';
  } catch {
    return false;
  }
}

/**
 * A POST or PATCH on the API takes its fields in the JSON body; a query string there used to be dropped without a
 * word (`POST /api/tasks/{id}/pause?until=…` paused for good). It is refused, naming the fields (VALIDATION, 422).
 */
export function queryOnBodyRoutes(request: Request, response: Response, next: NextFunction): void {
  const fields = Object.keys(request.query ?? {});
  if ((request.method !== 'POST' && request.method !== 'PATCH') || fields.length === 0 || !routedPath(request.path).startsWith('/api/')) return next();
  const message = `${request.method} takes its fields in the JSON body, not the query string: ${fields.join(', ')}`;
  const issues = fields.map((path) => ({ path, message: 'give it in the JSON body' }));
  response.status(422).json(errorReply({ code: ErrorCode.VALIDATION, message, details: { issues } }));
}
