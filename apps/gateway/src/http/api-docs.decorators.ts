import { Get, HttpCode, Post, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { schemaRef, type ContractSchemaName } from './openapi-schemas';

type QueryField = { readonly type: 'string' | 'integer' | 'boolean'; readonly description?: string; readonly enum?: readonly string[] };

const ERROR_STATUS_TEXT: Record<number, string> = {
  400: 'BAD_REQUEST: the body is not JSON, or not a JSON object',
  401: 'UNAUTHORIZED: SCHED_API_TOKEN is set and the bearer token is missing or wrong',
  404: 'NOT_FOUND',
  409: 'CONFLICT or INVALID_STATE',
  413: 'BAD_REQUEST: the body is over MAX_REQUEST_BYTES',
  415: 'BAD_REQUEST: the body is in a charset or encoding the server cannot read',
  422: 'VALIDATION: the payload breaks the contract; details.issues names each field',
  503: 'UNAVAILABLE: no service answered on NATS in time',
};

/**
 * One API route: what it does, which NATS subject it goes through, and its replies (`{ok:true,result}` on success,
 * `{ok:false,error}` with the status the error code maps to).
 */
export function ApiRoute(summary: string, subject: string, options: { readonly status?: number; readonly errors?: readonly number[] } = {}) {
  const errors = options.errors ?? [400, 404, 422];
  return applyDecorators(
    ApiOperation({ summary, description: `Goes through NATS \`${subject}\`, like every client.` }),
    ApiBearerAuth(),
    ApiResponse({ status: options.status ?? 200, description: 'ok', schema: schemaRef('OkReply') }),
    ...[...new Set([...errors, 401, 503])].map((status) =>
      ApiResponse({ status, description: ERROR_STATUS_TEXT[status] ?? 'error', schema: schemaRef('ErrorReply') }),
    ),
  );
}

export const ApiJsonBody = (name: ContractSchemaName, required = true) => ApiBody({ required, schema: schemaRef(name) });

type PathId = 'taskId' | 'executionId' | 'runId';

export const ApiIdParam = (name: PathId) =>
  ApiParam({ name, description: name === 'executionId' ? 'e.g. `<taskId>@<epoch ms>` (URL-encode the @)' : undefined });

/** Query parameters (the query string is turned into the NATS payload field by field). */
export function ApiQueryFields(fields: Record<string, QueryField>) {
  return applyDecorators(
    ...Object.entries(fields).map(([name, field]) =>
      ApiQuery({ name, required: false, description: field.description, schema: { type: field.type, ...(field.enum ? { enum: [...field.enum] } : {}) } }),
    ),
  );
}

export const PAGE_FIELDS: Record<string, QueryField> = {
  limit: { type: 'integer', description: '1..500, default 50' },
  cursor: { type: 'string', description: 'nextCursor of the previous page' },
  minPosition: { type: 'integer', description: 'wait until the read model has applied this position (read-your-writes)' },
};

/** The id a route path carries (`tasks/:taskId/pause` → taskId), documented as a path parameter. */
function pathIds(path: string) {
  return [...path.matchAll(/:(taskId|executionId|runId)/g)].map((match) => ApiIdParam(match[1] as PathId));
}

/** A GET route onto a NATS query: route, summary, replies, path id and query parameters in one decorator. */
export function QueryRoute(path: string, summary: string, subject: string, options: { readonly query?: Record<string, QueryField>; readonly errors?: readonly number[] } = {}) {
  return applyDecorators(Get(path), ApiRoute(summary, subject, { errors: options.errors }), ...pathIds(path), ...(options.query ? [ApiQueryFields(options.query)] : []));
}

/**
 * A POST route onto a NATS command (200 unless told otherwise; the body, `CommandInput` unless told otherwise, is
 * optional unless it is a contract with required fields; `body: null`: none), with the path's id added to the body.
 */
export function CommandRoute(
  path: string,
  summary: string,
  subject: string,
  options: { readonly body?: ContractSchemaName | null; readonly bodyRequired?: boolean; readonly status?: number; readonly errors?: readonly number[] } = {},
) {
  const status = options.status ?? 200;
  return applyDecorators(
    Post(path),
    HttpCode(status),
    ApiRoute(summary, subject, { status, errors: [...(options.errors ?? [400, 404, 409, 422]), ...(options.body === null ? [] : [413, 415])] }),
    ...pathIds(path),
    ...(options.body === null ? [] : [ApiJsonBody(options.body ?? 'CommandInput', options.bodyRequired ?? false)]),
  );
}
